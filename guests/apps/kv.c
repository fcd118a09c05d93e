/* kv.c — a small key-value store in its region: a table of keys, each with
 * a version and a value derived from (key, version). It applies puts in
 * batches and yields between them; a resumed store checks every key and
 * that the versions add up to the operations committed. */
#include "app.h"

#define NKEYS 4096
#define BATCH 256

struct kv {
	uint64_t key, version, value;
};

static inline uint64_t value_of(uint64_t key, uint64_t version)
{
	return mix(key * 0x100000001b3ull ^ version);
}

static enum vmfo_verify verify(volatile struct vmfo_app_hdr *h, volatile struct kv *t)
{
	uint64_t total = 0;
	for (uint64_t k = 0; k < NKEYS; k++) {
		if (t[k].key != k || t[k].value != value_of(k, t[k].version))
			return VMFO_VERIFY_BAD;
		total += t[k].version;
	}
	/* A put is committed when seq moves; the table may be one put ahead. */
	return total == h->seq || total == h->seq + 1 ? VMFO_VERIFY_OK : VMFO_VERIFY_BAD;
}

__attribute__((section(".text.entry"), noreturn)) void app_main(volatile struct vmfo_app_hdr *h)
{
	volatile struct kv *t = (volatile struct kv *)((uint64_t)h + VMFO_APP_OFF_DATA);

	if (h->magic == VMFO_APP_MAGIC) {
		enum vmfo_verify v = verify(h, t);
		if (v == VMFO_VERIFY_OK) {
			uint64_t total = 0;
			for (uint64_t k = 0; k < NKEYS; k++)
				total += t[k].version;
			h->seq = total; /* the put in flight, if any, is kept */
		}
		report_ready(h, v);
	} else {
		for (uint64_t k = 0; k < NKEYS; k++) {
			t[k].key = k;
			t[k].version = 0;
			t[k].value = value_of(k, 0);
		}
		h->seq = 0;
		h->hash = 0;
		barrier();
		h->magic = VMFO_APP_MAGIC;
		report_ready(h, VMFO_VERIFY_FRESH);
	}
	for (;;) {
		for (int i = 0; i < BATCH; i++) {
			obey_inject(h);
			uint64_t op = h->seq + 1;
			uint64_t k = mix(op) % NKEYS;
			t[k].version++;
			t[k].value = value_of(k, t[k].version);
			barrier();
			h->seq = op;
			h->hash ^= mix(k ^ op);
			h->progress++;
		}
		sys(VMFO_SYS_YIELD);
	}
}
