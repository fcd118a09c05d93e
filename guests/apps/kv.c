/* kv.c — a key-value store in its region: a table of keys, each with a
 * version and a value, as many keys as the region holds. On its own it
 * puts to keys in batches and yields between them; while its I/O channel
 * is served it applies only its clients' puts and answers their gets. A
 * grow adds keys (at version 0); a resumed store redoes the put a stop
 * interrupted, then checks every key and that the versions add up to the
 * puts committed. */
#include "io.h"

#define BATCH 256

/* 32 bytes, a power of two: keys fill every unit exactly and never
 * straddle two extents. */
struct kv {
	uint64_t version, value;
	uint64_t check; /* check_of(key, version, value): the key is where it belongs */
	uint64_t tag;   /* the id of the request that last put it, 0 for its own */
};

/* Each key is one entry of the table; header, code and stack come first.
 * A grow adds keys: the store takes in what it is given. */
VMFO_NEEDS(.fixed_bytes = VMFO_APP_OFF_DATA, .item_bytes = sizeof(struct kv),
	   .item_default = 4096, .item_min = 1, .item = "keys",
	   .flags = VMFO_NEEDS_GROWS | VMFO_NEEDS_SERVES);

/* The keys in the store: set when it is created, raised by a grow once the
 * new keys are in place (the commit point of a grow). */
#define NKEYS scratch[0]
/* The put under way, written before it touches its key (a redo record):
 * a store stopped half-way through a put finds it here and finishes it. */
#define PUT_OP scratch[1] /* its seq; armed while it is h->seq + 1 */
#define PUT_KEY scratch[2]
#define PUT_VERSION scratch[3]
#define PUT_VALUE scratch[4]
#define PUT_TAG scratch[5]
#define PUT_HASH scratch[6]

static inline volatile struct kv *key_at(volatile struct vmfo_app_hdr *h, uint64_t k)
{
	return (volatile struct kv *)item_at(h, k, sizeof(struct kv));
}

static inline uint64_t value_of(uint64_t key, uint64_t version)
{
	return mix(key * 0x100000001b3ull ^ version);
}

static inline uint64_t check_of(uint64_t key, uint64_t version, uint64_t value)
{
	return mix(value_of(key, version) ^ mix(value));
}

/* Keys [from, to) at version 0; long work shows as progress. */
static void add_keys(volatile struct vmfo_app_hdr *h, uint64_t from, uint64_t to)
{
	for (uint64_t k = from; k < to; k++) {
		volatile struct kv *t = key_at(h, k);
		t->version = 0;
		t->value = value_of(k, 0);
		t->check = check_of(k, 0, t->value);
		t->tag = 0;
		if ((k & 0xfff) == 0)
			h->progress++;
	}
}

/* The armed put, onto its key, then the commit. Doing it again does the
 * same: that is how a resumed store finishes a put a stop cut short. */
static void apply_put(volatile struct vmfo_app_hdr *h)
{
	uint64_t k = h->PUT_KEY;
	volatile struct kv *t = key_at(h, k);
	t->version = h->PUT_VERSION;
	t->value = h->PUT_VALUE;
	t->tag = h->PUT_TAG;
	t->check = check_of(k, h->PUT_VERSION, h->PUT_VALUE);
	h->hash = h->PUT_HASH;
	barrier();
	h->seq = h->PUT_OP; /* committed */
}

static void put(volatile struct vmfo_app_hdr *h, uint64_t k, uint64_t value, uint64_t tag)
{
	uint64_t op = h->seq + 1;
	h->PUT_KEY = k;
	h->PUT_VERSION = key_at(h, k)->version + 1;
	h->PUT_VALUE = value;
	h->PUT_TAG = tag;
	h->PUT_HASH = h->hash ^ mix(k ^ op);
	barrier();
	h->PUT_OP = op; /* armed */
	barrier();
	apply_put(h);
}

/* Every key is where it belongs with its value; the versions add up to
 * the puts committed. A put a stop cut short is finished first. */
static enum vmfo_verify verify(volatile struct vmfo_app_hdr *h)
{
	uint64_t n = h->NKEYS, total = 0;
	if (n == 0 || n > items_held(h, sizeof(struct kv)))
		return VMFO_VERIFY_BAD;
	if (h->PUT_OP == h->seq + 1) {
		if (h->PUT_KEY >= n)
			return VMFO_VERIFY_BAD;
		apply_put(h);
	}
	for (uint64_t k = 0; k < n; k++) {
		volatile struct kv *t = key_at(h, k);
		if (t->check != check_of(k, t->version, t->value))
			return VMFO_VERIFY_BAD;
		total += t->version;
		if ((k & 0xfff) == 0)
			h->progress++;
	}
	return total == h->seq ? VMFO_VERIFY_OK : VMFO_VERIFY_BAD;
}

/* The oldest request, if any. A put the store applied before a stop left
 * it unanswered is its key's last, tagged with its id: answered from
 * there, not applied twice. */
static void serve(volatile struct vmfo_app_hdr *h, volatile struct vmfo_io_ring *r)
{
	volatile struct vmfo_io_slot *q = io_next(r);
	if (!q)
		return;
	uint64_t k = q->key;
	if (q->op != VMFO_IO_PUT && q->op != VMFO_IO_GET) {
		io_answer(r, q, VMFO_IO_BADOP, 0, 0);
		return;
	}
	if (k >= h->NKEYS) {
		io_answer(r, q, VMFO_IO_RANGE, 0, 0);
		return;
	}
	if (q->op == VMFO_IO_PUT && key_at(h, k)->tag != q->id)
		put(h, k, q->value, q->id);
	io_answer(r, q, VMFO_IO_OK, key_at(h, k)->version, key_at(h, k)->value);
}

/* Keys a grow added, taken in once the OS has told of new extents. */
static void take_in_growth(volatile struct vmfo_app_hdr *h, uint64_t *seen)
{
	if (h->nextents == *seen)
		return;
	*seen = h->nextents;
	uint64_t n = items_held(h, sizeof(struct kv));
	if (n > h->NKEYS) {
		add_keys(h, h->NKEYS, n);
		barrier();
		h->NKEYS = n;
	}
}

__attribute__((section(".text.entry"), noreturn)) void app_main(volatile struct vmfo_app_hdr *h)
{
	if (h->magic == VMFO_APP_MAGIC) {
		report_ready(h, verify(h));
	} else {
		uint64_t n = items_held(h, sizeof(struct kv));
		add_keys(h, 0, n);
		h->NKEYS = n;
		h->seq = 0;
		h->hash = 0;
		h->PUT_OP = 0;
		barrier();
		h->magic = VMFO_APP_MAGIC;
		report_ready(h, VMFO_VERIFY_FRESH);
	}
	volatile struct vmfo_io_ring *r = io_ring(h);
	if (io_served(r))
		io_doorbell(); /* answers a stop kept the VMM from hearing of */
	uint64_t seen = 0;
	for (;;) {
		take_in_growth(h, &seen);
		if (io_served(r)) {
			obey_inject(h);
			serve(h, r);
			h->progress++;
			continue;
		}
		for (int i = 0; i < BATCH; i++) {
			obey_inject(h);
			uint64_t k = mix(h->seq + 1) % h->NKEYS;
			put(h, k, value_of(k, key_at(h, k)->version + 1), key_at(h, k)->tag);
			h->progress++;
		}
		sys(VMFO_SYS_YIELD);
	}
}
