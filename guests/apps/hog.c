/* hog.c — uses all the storage it is given: writes every 4 KiB page of its
 * region with a pattern derived from the page's address, and does it again
 * for whatever a grow adds. seq counts the pages written. A resumed hog
 * makes one pass over its whole state to check every page. */
#include "app.h"

#define PAGE 4096ull

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

static enum vmfo_verify verify(volatile struct vmfo_app_hdr *h)
{
	uint64_t pages = 0;
	for (uint64_t i = 0; i < h->nextents && pages < h->seq; i++)
		for (uint64_t a = data_start(h, i); a < h->extent[i].gpa + h->extent[i].bytes && pages < h->seq;
		     a += PAGE, pages++) {
			if (*(volatile uint64_t *)a != pattern(a))
				return VMFO_VERIFY_BAD;
			h->progress++; /* the watchdog sees the check advance */
		}
	return pages == h->seq ? VMFO_VERIFY_OK : VMFO_VERIFY_BAD;
}

/* Where the n-th data page is: extent index and address; false past the end. */
static int locate(volatile struct vmfo_app_hdr *h, uint64_t n, uint64_t *ext, uint64_t *addr)
{
	for (uint64_t i = 0; i < h->nextents; i++) {
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

__attribute__((section(".text.entry"), noreturn)) void app_main(volatile struct vmfo_app_hdr *h)
{
	if (h->magic == VMFO_APP_MAGIC) {
		report_ready(h, verify(h));
	} else {
		h->seq = 0;
		h->hash = 0;
		barrier();
		h->magic = VMFO_APP_MAGIC;
		report_ready(h, VMFO_VERIFY_FRESH);
	}
	uint64_t ext = 0, addr = 0, seen = 0;
	int more = 0;
	for (;;) {
		obey_inject(h);
		if (h->nextents != seen) { /* started, or grown: find our place */
			seen = h->nextents;
			more = locate(h, h->seq, &ext, &addr);
		}
		if (more) {
			*(volatile uint64_t *)addr = pattern(addr);
			barrier();
			h->seq++;
			h->hash ^= pattern(addr);
			addr += PAGE;
			if (addr >= h->extent[ext].gpa + h->extent[ext].bytes)
				more = locate(h, h->seq, &ext, &addr);
		} else {
			sys(VMFO_SYS_YIELD); /* all written: wait for a grow */
		}
		h->progress++;
	}
}
