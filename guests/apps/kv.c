/* kv.c — a key-value store in its region: a table of keys, each with a
 * version and a value derived from (key, version), as many keys as the
 * region holds. It applies puts in batches and yields between them; a
 * grow adds keys (at version 0); a resumed store checks every key and
 * that the versions add up to the operations committed. */
#include "app.h"

#define BATCH 256

/* 32 bytes, a power of two: keys fill every unit exactly and never
 * straddle two extents. */
struct kv {
	uint64_t key, version, value, pad;
};

/* Each key is one entry of the table; header, code and stack come first.
 * A grow adds keys: the store takes in what it is given. */
VMFO_NEEDS(.fixed_bytes = VMFO_APP_OFF_DATA, .item_bytes = sizeof(struct kv),
	   .item_default = 4096, .item_min = 1, .item = "keys", .flags = VMFO_NEEDS_GROWS);

/* The keys in the store: set when it is created, raised by a grow once the
 * new keys are in place (the commit point of a grow). */
#define NKEYS scratch[0]

static inline volatile struct kv *key_at(volatile struct vmfo_app_hdr *h, uint64_t k)
{
	return (volatile struct kv *)item_at(h, k, sizeof(struct kv));
}

static inline uint64_t value_of(uint64_t key, uint64_t version)
{
	return mix(key * 0x100000001b3ull ^ version);
}

/* Keys [from, to) at version 0; long work shows as progress. */
static void add_keys(volatile struct vmfo_app_hdr *h, uint64_t from, uint64_t to)
{
	for (uint64_t k = from; k < to; k++) {
		volatile struct kv *t = key_at(h, k);
		t->key = k;
		t->version = 0;
		t->value = value_of(k, 0);
		if ((k & 0xfff) == 0)
			h->progress++;
	}
}

/* Every key is itself and its value its version's; the versions add up
 * (in *total) to the puts committed, or one more: a put may be in flight. */
static enum vmfo_verify verify(volatile struct vmfo_app_hdr *h, uint64_t *total)
{
	uint64_t n = h->NKEYS;
	*total = 0;
	if (n == 0 || n > items_held(h, sizeof(struct kv)))
		return VMFO_VERIFY_BAD;
	for (uint64_t k = 0; k < n; k++) {
		volatile struct kv *t = key_at(h, k);
		if (t->key != k || t->value != value_of(k, t->version))
			return VMFO_VERIFY_BAD;
		*total += t->version;
		if ((k & 0xfff) == 0)
			h->progress++;
	}
	return *total == h->seq || *total == h->seq + 1 ? VMFO_VERIFY_OK : VMFO_VERIFY_BAD;
}

__attribute__((section(".text.entry"), noreturn)) void app_main(volatile struct vmfo_app_hdr *h)
{
	if (h->magic == VMFO_APP_MAGIC) {
		uint64_t total;
		enum vmfo_verify v = verify(h, &total);
		if (v == VMFO_VERIFY_OK)
			h->seq = total; /* the put in flight, if any, is kept */
		report_ready(h, v);
	} else {
		uint64_t n = items_held(h, sizeof(struct kv));
		add_keys(h, 0, n);
		h->NKEYS = n;
		h->seq = 0;
		h->hash = 0;
		barrier();
		h->magic = VMFO_APP_MAGIC;
		report_ready(h, VMFO_VERIFY_FRESH);
	}
	uint64_t seen = 0;
	for (;;) {
		if (h->nextents != seen) { /* started, or grown: take in new keys */
			seen = h->nextents;
			uint64_t n = items_held(h, sizeof(struct kv));
			if (n > h->NKEYS) {
				add_keys(h, h->NKEYS, n);
				barrier();
				h->NKEYS = n;
			}
		}
		uint64_t nkeys = h->NKEYS;
		for (int i = 0; i < BATCH; i++) {
			obey_inject(h);
			uint64_t op = h->seq + 1;
			uint64_t k = mix(op) % nkeys;
			volatile struct kv *t = key_at(h, k);
			t->version++;
			t->value = value_of(k, t->version);
			barrier();
			h->seq = op;
			h->hash ^= mix(k ^ op);
			h->progress++;
		}
		sys(VMFO_SYS_YIELD);
	}
}
