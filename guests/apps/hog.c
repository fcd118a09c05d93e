/* hog.c — uses all the storage it is given: writes every 4 KiB page of its
 * region with a pattern derived from the page's address, and does it again
 * for whatever a grow adds. seq counts the pages written, hash is the XOR
 * of their patterns.
 *
 * A resumed hog goes on at once: it checks only what it needs to continue
 * (its header and the last page it wrote) and says READY. Reading every
 * page back costs the new owner a shadow-paging fault per 2 MiB on a
 * nested host, so that full check runs afterwards, a page per loop beside
 * the writing, and VERIFIED reports it: app.verified, or app.corrupt. */
#include "app.h"

#define PAGE 4096ull

_Static_assert(PAGE == VMFO_CHECK_PAGE, "checked counts hog's pages");

/* Its item is a MiB of pages, each written; header, code and stack come
 * first. A grow adds pages, which it writes too. */
VMFO_NEEDS(.fixed_bytes = VMFO_APP_OFF_DATA, .item_bytes = 256 * PAGE, .item_default = 8,
	   .item_min = 1, .item = "mib", .flags = VMFO_NEEDS_GROWS);

static inline uint64_t pattern(uint64_t gpa)
{
	return mix(gpa);
}

/* The pages of extent i that hold data (the first extent starts with the
 * header, code and stack). */
static inline uint64_t data_start(volatile struct vmfo_app_hdr *h, uint64_t i)
{
	return h->extent[i].gpa + (i == 0 ? VMFO_APP_OFF_DATA : 0);
}

/* Where the n-th data page is: extent index and address; false past the end. */
static int locate(volatile struct vmfo_app_hdr *h, uint64_t n, uint64_t *ext, uint64_t *addr)
{
	for (uint64_t i = 0; i < h->nextents && i < VMFO_MAX_RUNS; i++) {
		uint64_t start = data_start(h, i);
		uint64_t pages = (h->extent[i].gpa + h->extent[i].bytes - start) / PAGE;
		if (n < pages) {
			*ext = i;
			*addr = start + n * PAGE;
			return 1;
		}
		n -= pages;
	}
	return 0;
}

/* A cursor over the data pages, in the order they are written. */
struct cursor {
	uint64_t n, ext, addr;
	int more;
};

static void cursor_at(volatile struct vmfo_app_hdr *h, struct cursor *c, uint64_t n)
{
	c->n = n;
	c->more = locate(h, n, &c->ext, &c->addr);
}

static void cursor_next(volatile struct vmfo_app_hdr *h, struct cursor *c)
{
	c->n++;
	c->addr += PAGE;
	if (c->addr >= h->extent[c->ext].gpa + h->extent[c->ext].bytes)
		c->more = locate(h, c->n, &c->ext, &c->addr);
}

/* What going on needs: a header that describes pages it holds, and the
 * last page it wrote as it wrote it (the next one it overwrites anyway). */
static enum vmfo_verify quick_check(volatile struct vmfo_app_hdr *h)
{
	uint64_t ext, addr;
	if (h->nextents == 0 || h->nextents > VMFO_MAX_RUNS)
		return VMFO_VERIFY_BAD;
	if (h->seq == 0)
		return VMFO_VERIFY_OK;
	if (!locate(h, h->seq - 1, &ext, &addr))
		return VMFO_VERIFY_BAD; /* more pages written than it holds */
	return *(volatile uint64_t *)addr == pattern(addr) ? VMFO_VERIFY_OK : VMFO_VERIFY_BAD;
}

__attribute__((section(".text.entry"), noreturn)) void app_main(volatile struct vmfo_app_hdr *h)
{
	/* The full check: pages [0, todo) against their patterns, and their
	 * patterns against the hash the header held when it resumed. */
	struct cursor check = { 0 };
	uint64_t todo = 0, want_hash = 0, hash = 0;
	if (h->magic == VMFO_APP_MAGIC) {
		enum vmfo_verify v = quick_check(h);
		todo = h->seq;
		want_hash = h->hash;
		report_ready(h, v); /* a takeover's OS stops it here if v is bad */
		if (v != VMFO_VERIFY_OK || todo == 0)
			report_verified(h, v, 0); /* after a restart: stopped if bad */
		cursor_at(h, &check, 0);
	} else {
		h->seq = 0;
		h->hash = 0;
		barrier();
		h->magic = VMFO_APP_MAGIC;
		report_ready(h, VMFO_VERIFY_FRESH);
	}
	struct cursor w = { 0 };
	uint64_t seen = 0;
	for (;;) {
		obey_inject(h);
		if (h->nextents != seen) { /* started, or grown: find our place */
			seen = h->nextents;
			cursor_at(h, &w, h->seq);
		}
		if (w.more) {
			*(volatile uint64_t *)w.addr = pattern(w.addr);
			barrier();
			h->seq++;
			h->hash ^= pattern(w.addr);
			cursor_next(h, &w);
		}
		if (check.n < todo) {
			uint64_t p = check.more ? pattern(check.addr) : 0;
			if (!check.more || *(volatile uint64_t *)check.addr != p)
				report_verified(h, VMFO_VERIFY_BAD, check.n + 1);
			hash ^= p;
			cursor_next(h, &check);
			if (check.n == todo)
				report_verified(h, hash == want_hash ? VMFO_VERIFY_OK : VMFO_VERIFY_BAD, todo);
		} else if (!w.more) {
			sys(VMFO_SYS_YIELD); /* all written and checked: wait for a grow */
		}
		h->progress++;
	}
}
