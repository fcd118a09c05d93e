/* ledger.c — commits transactions continuously. Each one gets the next
 * sequence number and extends a hash chained over every committed
 * transaction; a ring of recent entries in the region lets a resumed ledger
 * verify the chain. The commit point is the store of the header's seq.
 * While its I/O channel is served it commits only the transactions its
 * clients append, and answers reads of the ones its log still holds. */
#include "io.h"

/* 32 bytes, a power of two: entries fill every unit exactly and never
 * straddle two extents, so the log spans the whole region. */
struct entry {
	uint64_t seq, payload, hash;
	uint64_t tag; /* the id of the request that appended it, 0 for its own */
};

/* Each record is one entry of the log; header, code and stack come first. */
VMFO_NEEDS(.fixed_bytes = VMFO_APP_OFF_DATA, .item_bytes = sizeof(struct entry),
	   .item_default = 100000, .item_min = 2, .item = "records", .flags = VMFO_NEEDS_SERVES);

/* Slot i of the log, wherever in the region's extents it lies. */
static inline volatile struct entry *slot(volatile struct vmfo_app_hdr *h, uint64_t i)
{
	return (volatile struct entry *)item_at(h, i, sizeof(struct entry));
}

#define HASH0 0x6c6564676572ull /* "ledger" */

static inline uint64_t payload_of(uint64_t seq)
{
	return mix(seq * 0x9e3779b97f4a7c15ull);
}

static inline uint64_t chain(uint64_t prev, uint64_t seq, uint64_t payload)
{
	return mix(prev ^ mix(seq ^ payload));
}

/* A resumed ledger goes on at once, on what it needs: its newest entry.
 * The rest of the chain, every retained entry against its predecessor, is
 * checked afterwards, a few entries a loop beside the new commits
 * (VERIFIED): reading the whole log first cost the new owner a
 * shadow-paging fault per 2 MiB on nested hosts and held up every client
 * for a millisecond or more. */
struct chain_check {
	uint64_t next, last; /* entries still to check: [next, last] */
	uint64_t prev;       /* the hash the next one must chain from */
	uint64_t entries;    /* how many it has checked */
};

/* Each loop checks this many before it commits one, which overwrites the
 * oldest entry: the check stays ahead of what is overwritten. */
#define CHECKS_PER_LOOP 8

/* What going on needs: a log that fits, and the newest entry the header
 * names. The slot after the newest may have been half overwritten when
 * the ledger stopped, so the chain to check starts at the one after it.
 * The header's hash is written after its seq: a stop between the two
 * leaves the entry's hash as the committed one. */
static enum vmfo_verify quick_check(volatile struct vmfo_app_hdr *h, uint64_t slots, struct chain_check *c)
{
	uint64_t seq = h->seq;
	*c = (struct chain_check){ .next = 1, .last = seq, .prev = HASH0 };
	if (slots < 2 || slots > items_held(h, sizeof(struct entry)))
		return VMFO_VERIFY_BAD;
	if (seq == 0)
		return VMFO_VERIFY_OK;
	if (slot(h, seq % slots)->seq != seq)
		return VMFO_VERIFY_BAD;
	h->hash = slot(h, seq % slots)->hash;
	if (seq + 1 > slots) {
		uint64_t seed = seq + 2 - slots;
		if (slot(h, seed % slots)->seq != seed)
			return VMFO_VERIFY_BAD;
		c->prev = slot(h, seed % slots)->hash;
		c->next = seed + 1;
	}
	return VMFO_VERIFY_OK;
}

/* A few more entries of the full check; the result once it is done. */
static void check_some(volatile struct vmfo_app_hdr *h, uint64_t slots, struct chain_check *c)
{
	for (int i = 0; i < CHECKS_PER_LOOP && c->next <= c->last; i++, c->next++, c->entries++) {
		volatile struct entry *e = slot(h, c->next % slots);
		if (e->seq != c->next || e->hash != chain(c->prev, c->next, e->payload)) {
			report_verified(h, VMFO_VERIFY_BAD, c->entries * sizeof *e / VMFO_CHECK_PAGE);
			return;
		}
		c->prev = e->hash;
	}
	if (c->next > c->last)
		report_verified(h, VMFO_VERIFY_OK, c->entries * sizeof(struct entry) / VMFO_CHECK_PAGE);
}

/* The log's size is fixed when the ledger is created, as every entry its
 * region holds then, and kept in its header: a grow adds extents after
 * those the log lies in, which the ledger leaves unused (it cannot grow by
 * records: its needs do not say VMFO_NEEDS_GROWS). */
#define SLOTS scratch[0]

/* The next transaction: its entry, then the commit, then the header's hash. */
static void commit(volatile struct vmfo_app_hdr *h, uint64_t slots, uint64_t payload, uint64_t tag)
{
	uint64_t s = h->seq + 1;
	uint64_t hash = chain(h->hash, s, payload);
	volatile struct entry *e = slot(h, s % slots);
	e->seq = s;
	e->payload = payload;
	e->hash = hash;
	e->tag = tag;
	barrier();
	h->seq = s; /* committed */
	barrier();
	h->hash = hash;
}

/* A read of seq s: its transaction while the log holds it. The slot after
 * the newest may be half overwritten, so it does not count as held. */
static void answer_read(volatile struct vmfo_app_hdr *h, volatile struct vmfo_io_ring *r,
			volatile struct vmfo_io_slot *q, uint64_t slots)
{
	uint64_t s = q->key, seq = h->seq;
	if (s == 0 || s > seq)
		io_answer(r, q, VMFO_IO_NONE, s, 0);
	else if (seq - s >= slots - 1 || slot(h, s % slots)->seq != s)
		io_answer(r, q, VMFO_IO_GONE, s, 0);
	else
		io_answer(r, q, VMFO_IO_OK, s, slot(h, s % slots)->payload);
}

/* The oldest request, if any. An append the ledger committed before a stop
 * left it unanswered is the newest entry, tagged with its id: answered
 * from there, not committed twice. */
static void serve(volatile struct vmfo_app_hdr *h, volatile struct vmfo_io_ring *r, uint64_t slots)
{
	volatile struct vmfo_io_slot *q = io_next(r);
	if (!q)
		return;
	switch (q->op) {
	case VMFO_IO_APPEND:
		if (h->seq == 0 || slot(h, h->seq % slots)->tag != q->id)
			commit(h, slots, q->value, q->id);
		io_answer(r, q, VMFO_IO_OK, h->seq, 0);
		break;
	case VMFO_IO_READ:
		answer_read(h, r, q, slots);
		break;
	default:
		io_answer(r, q, VMFO_IO_BADOP, 0, 0);
	}
}

__attribute__((section(".text.entry"), noreturn)) void app_main(volatile struct vmfo_app_hdr *h)
{
	struct chain_check check = { .next = 1, .last = 0 };
	if (h->magic == VMFO_APP_MAGIC) {
		enum vmfo_verify v = quick_check(h, h->SLOTS, &check);
		report_ready(h, v); /* a takeover's OS stops it here if v is bad */
		if (v != VMFO_VERIFY_OK)
			report_verified(h, v, 0); /* after a restart: stopped if bad */
	} else {
		h->SLOTS = items_held(h, sizeof(struct entry));
		h->seq = 0;
		h->hash = HASH0;
		h->progress = 0;
		barrier();
		h->magic = VMFO_APP_MAGIC;
		report_ready(h, VMFO_VERIFY_FRESH);
	}
	uint64_t slots = h->SLOTS;
	volatile struct vmfo_io_ring *r = io_ring(h);
	if (io_served(r))
		io_doorbell(); /* answers a stop kept the VMM from hearing of */
	for (;;) {
		obey_inject(h);
		if (check.next <= check.last)
			check_some(h, slots, &check);
		if (io_served(r))
			serve(h, r, slots);
		else
			commit(h, slots, payload_of(h->seq + 1), 0);
		h->progress++;
	}
}
