/* test_iodev.c — the I/O control unit's device (src/iodev.c) without KVM:
 * its ring lies in ordinary memory, and this file plays the app's side step
 * by step the way guests/apps/io.h does (the answer, then ans_id, then
 * tail, then the doorbell). A client's call waits for its answer, so each
 * one that must wait runs on a thread of its own. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "iodev.h"
#include "tap.h"

#define APP 3        /* any channel but the first, to catch an index mix-up */
#define VM 0         /* the VM the channel is attached to */
#define OTHER_VM 1
#define WAIT_MS 5000 /* a call that must not time out; nor must these waits */

static struct trace trace;
static struct iodev dev;
static volatile struct vmfo_io_ring *ring;

/* ---- the VMM's side: calls, each on its own thread ---- */

struct call {
	pthread_t thread;
	uint32_t op;
	uint64_t key, value;
	struct io_answer ans;
	atomic_bool done;
};

static void *call_main(void *arg)
{
	struct call *c = arg;
	iodev_call(&dev, APP, c->op, c->key, c->value, WAIT_MS, &c->ans);
	atomic_store(&c->done, true);
	return NULL;
}

static void call_start(struct call *c, uint32_t op, uint64_t key, uint64_t value)
{
	*c = (struct call){ .op = op, .key = key, .value = value };
	if (pthread_create(&c->thread, NULL, call_main, c)) {
		perror("test_iodev: pthread_create");
		exit(1);
	}
}

static void call_join(struct call *c)
{
	pthread_join(c->thread, NULL);
}

/* The channel's own record, read under the device's lock. */
static struct io_channel channel_copy(void)
{
	pthread_mutex_lock(&dev.lock);
	struct io_channel c = dev.ch[APP];
	pthread_mutex_unlock(&dev.lock);
	return c;
}

static int held_count(void)
{
	int n = 0;
	pthread_mutex_lock(&dev.lock);
	for (struct io_pending *p = dev.ch[APP].held; p; p = p->next)
		n++;
	pthread_mutex_unlock(&dev.lock);
	return n;
}

/* Wait until the VMM has posted n requests in all (head), or held k. A
 * miss fails the check that follows; it never hangs the test. */
static bool posted(uint64_t n)
{
	for (int i = 0; i < WAIT_MS && __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE) < n; i++)
		sleep_ms(1);
	return __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE) >= n;
}

static bool held(int k)
{
	for (int i = 0; i < WAIT_MS && held_count() < k; i++)
		sleep_ms(1);
	return held_count() >= k;
}

/* ---- the app's side, as guests/apps/io.h ---- */

/* Answer the oldest request: the answer, ans_id = id + id_off (0: right),
 * tail + 1, the doorbell rung from vm. */
static void answer_as(int vm, uint32_t status, uint64_t seq, uint64_t value, uint64_t id_off)
{
	volatile struct vmfo_io_slot *s = &ring->slot[ring->tail % VMFO_IO_SLOTS];
	s->status = status;
	s->ans_seq = seq;
	s->ans_value = value;
	__atomic_store_n(&s->ans_id, s->id + id_off, __ATOMIC_RELEASE);
	__atomic_store_n(&ring->tail, ring->tail + 1, __ATOMIC_RELEASE);
	iodev_doorbell(&dev, vm);
}

static void answer(uint32_t status, uint64_t seq, uint64_t value)
{
	answer_as(VM, status, seq, value, 0);
}

/* A fresh device and trace, and the channel open on a ring full of
 * garbage, attached to vm. */
static void fresh(int vm)
{
	iodev_destroy(&dev);
	trace_clear(&trace);
	iodev_init(&dev, &trace);
	memset((void *)ring, 0xa5, sizeof *ring);
	iodev_open(&dev, APP, (void *)ring, vm);
}

/* The trace's first event called name, its field key; "" when none. */
static const char *traced(const char *name, const char *key)
{
	static struct event ev;
	for (size_t i = 0; trace_get(&trace, i, &ev); i++)
		if (strcmp(ev.name, name) == 0) {
			const char *v = event_field(&ev, key);
			return v ? v : "";
		}
	return "";
}

/* ---- the tests ---- */

static void opened(void)
{
	fresh(VM);
	ok(ring->magic == VMFO_IO_MAGIC && ring->served == 1 && ring->nslots == VMFO_IO_SLOTS,
	   "open: the ring says vmforing, served, 16 slots");
	ok(ring->head == 0 && ring->tail == 0, "open: head and tail start over on a ring of garbage");
}

static void answered(void)
{
	struct call c;
	fresh(VM);
	call_start(&c, VMFO_IO_APPEND, 0, 77);
	ok(posted(1), "a request is posted: head 1");
	volatile struct vmfo_io_slot *s = &ring->slot[0];
	ok(s->id != 0 && s->op == VMFO_IO_APPEND && s->value == 77 && s->ans_id == 0,
	   "in slot 0: its id (not 0), op append, value 77, ans_id cleared");
	answer(VMFO_IO_OK, 5, 0);
	call_join(&c);
	ok(c.ans.cls == IO_OK && c.ans.seq == 5, "answered OK with seq 5: the caller gets ok 5");

	call_start(&c, VMFO_IO_READ, 5, 0);
	ok(posted(2) && ring->slot[1].op == VMFO_IO_READ && ring->slot[1].key == 5,
	   "a read of seq 5 goes in slot 1");
	answer(VMFO_IO_OK, 5, 77);
	call_join(&c);
	ok(c.ans.cls == IO_OK && c.ans.seq == 5 && c.ans.value == 77,
	   "the answer's seq and value reach the caller as the app wrote them");

	call_start(&c, VMFO_IO_READ, 99, 0);
	ok(posted(3), "a read of a seq not committed is posted");
	answer(VMFO_IO_NONE, 0, 0);
	call_join(&c);
	ok(c.ans.cls == IO_REFUSED && strcmp(c.ans.why, "none") == 0,
	   "the app's status none: refused none");
	struct io_channel ch = channel_copy();
	ok(ch.stats.requests == 3 && ch.stats.answered == 3 && ch.stats.rejected == 0,
	   "counted: 3 requests, 3 answered, none rejected");
}

static void other_vm(void)
{
	struct call c;
	fresh(VM);
	call_start(&c, VMFO_IO_APPEND, 0, 8);
	ok(posted(1), "other VM: a request posted");
	answer_as(OTHER_VM, VMFO_IO_OK, 1, 0, 0);
	struct io_channel ch = channel_copy();
	ok(ch.tail == 0 && ch.stats.answered == 0 && ch.stats.rejected == 0 && !atomic_load(&c.done),
	   "a doorbell from another VM takes no answer from this channel");
	iodev_doorbell(&dev, VM);
	call_join(&c);
	ok(c.ans.cls == IO_OK && c.ans.seq == 1, "the doorbell of the VM it is attached to takes it");
}

static void held_until_attached(void)
{
	struct call c;
	fresh(VM);
	iodev_attach(&dev, APP, -1);
	call_start(&c, VMFO_IO_APPEND, 0, 9);
	ok(held(1), "detached: the request is held");
	ok(ring->head == 0 && !atomic_load(&c.done), "and not posted: head still 0, the caller waits");
	iodev_attach(&dev, APP, VM);
	ok(ring->head == 1 && ring->slot[0].value == 9 && held_count() == 0,
	   "attached: the held request is posted in slot 0");
	answer(VMFO_IO_OK, 1, 0);
	call_join(&c);
	ok(c.ans.cls == IO_OK && c.ans.seq == 1, "and answered");
}

static void timeouts(void)
{
	struct io_answer a;
	fresh(-1);
	iodev_call(&dev, APP, VMFO_IO_APPEND, 0, 10, 30, &a);
	ok(a.cls == IO_UNAVAILABLE && strncmp(a.why, "timeout", 7) == 0,
	   "a call timing out while held: unavailable (%s)", a.why);
	ok(held_count() == 0, "and it is no longer held");
	iodev_attach(&dev, APP, VM);
	ok(ring->head == 0, "so the attach posts nothing");

	iodev_call(&dev, APP, VMFO_IO_APPEND, 0, 11, 30, &a);
	ok(a.cls == IO_INDETERMINATE && strcmp(a.why, "timeout") == 0,
	   "a call timing out while posted: indeterminate (%s)", a.why);
	answer(VMFO_IO_OK, 1, 0);
	struct io_channel ch = channel_copy();
	ok(ch.stats.late == 1 && ch.stats.answered == 1 && ch.stats.rejected == 0 && !ch.broken,
	   "its late answer: counted in stats.late, the channel still sound");
	ok(ch.stats.failed == 2, "both timeouts counted as failed");
	iodev_call(&dev, APP, VMFO_IO_APPEND, 0, 12, 30, &a);
	ok(ring->head == 2 && ring->slot[1].value == 12, "the next request is posted after it");
}

static void closed(void)
{
	struct call posted_call, held_call;
	struct io_answer a;
	fresh(VM);
	call_start(&posted_call, VMFO_IO_APPEND, 0, 20);
	ok(posted(1), "close: one request posted");
	iodev_attach(&dev, APP, -1);
	call_start(&held_call, VMFO_IO_APPEND, 0, 21);
	ok(held(1), "close: one request held");
	iodev_close(&dev, APP, "closed by the test");
	call_join(&posted_call);
	call_join(&held_call);
	ok(posted_call.ans.cls == IO_INDETERMINATE && !strcmp(posted_call.ans.why, "closed by the test"),
	   "close: the posted request fails as indeterminate, with the reason given");
	ok(held_call.ans.cls == IO_UNAVAILABLE && !strcmp(held_call.ans.why, "closed by the test"),
	   "close: the held request fails as unavailable");
	ok(ring->served == 0, "close: the app is told it is no longer served");
	struct io_stats st;
	int vm;
	ok(!iodev_stats(&dev, APP, &st, &vm), "close: the channel has no stats any more");
	iodev_call(&dev, APP, VMFO_IO_APPEND, 0, 22, WAIT_MS, &a);
	ok(a.cls == IO_UNAVAILABLE && !strcmp(a.why, "no channel"),
	   "a call after close: unavailable, no channel");
}

/* The app breaks the ring's rules in one of two ways (bad_tail: its tail
 * passes head; else: its answer names another id). */
static void broken(bool bad_tail)
{
	const char *how = bad_tail ? "tail past head" : "wrong ans_id";
	struct call c;
	struct io_answer a;
	fresh(VM);
	call_start(&c, VMFO_IO_APPEND, 0, 30);
	ok(posted(1), "%s: a request posted", how);
	if (bad_tail) {
		__atomic_store_n(&ring->tail, 2, __ATOMIC_RELEASE);
		iodev_doorbell(&dev, VM);
	} else {
		answer_as(VM, VMFO_IO_OK, 1, 0, 1);
	}
	call_join(&c);
	ok(c.ans.cls == IO_INDETERMINATE, "%s: the posted request fails as indeterminate (%s)", how,
	   c.ans.why);
	is_str(traced("vmm.reject", "reason"),
	       bad_tail ? "io: the ring's tail is outside what was posted"
			: "io: an answer names a request not posted there",
	       "%s: vmm.reject in the trace, with its reason", how);
	is_str(traced("vmm.reject", "vm"), "vm0", "%s: naming the VM", how);
	iodev_doorbell(&dev, VM); /* rung again: the channel is not looked at again */
	iodev_call(&dev, APP, VMFO_IO_APPEND, 0, 31, WAIT_MS, &a);
	ok(a.cls == IO_UNAVAILABLE && !strcmp(a.why, "the channel is broken"),
	   "%s: a later call is unavailable: the channel is broken", how);
	struct io_stats st;
	int vm;
	ok(iodev_stats(&dev, APP, &st, &vm) && st.rejected == 1 && st.answered == 0,
	   "%s: stats.rejected 1, nothing taken as answered", how);
	ok(ring->head == 1, "%s: nothing more posted", how);
}

/* Sixteen requests fill the ring; the seventeenth waits for a free slot.
 * The app answers each with its own value as the seq, so that every caller
 * can tell its answer from the others' (the threads post in any order). */
static void full_ring(void)
{
	struct call c[VMFO_IO_SLOTS + 1];
	fresh(VM);
	for (int i = 0; i < VMFO_IO_SLOTS; i++)
		call_start(&c[i], VMFO_IO_APPEND, 0, 100 + (uint64_t)i);
	ok(posted(VMFO_IO_SLOTS), "16 requests fill the ring");
	call_start(&c[VMFO_IO_SLOTS], VMFO_IO_APPEND, 0, 200);
	ok(held(1) && ring->head == VMFO_IO_SLOTS, "the 17th is held, not posted over an unanswered one");
	answer(VMFO_IO_OK, ring->slot[0].value, 0);
	ok(ring->head == VMFO_IO_SLOTS + 1 && ring->slot[0].value == 200,
	   "one answer frees slot 0, and the 17th is posted there");
	for (int i = 1; i <= VMFO_IO_SLOTS; i++)
		answer(VMFO_IO_OK, ring->slot[ring->tail % VMFO_IO_SLOTS].value, 0);
	bool all = true;
	for (int i = 0; i <= VMFO_IO_SLOTS; i++) {
		call_join(&c[i]);
		all &= c[i].ans.cls == IO_OK && c[i].ans.seq == c[i].value;
	}
	ok(all, "each of the 17 callers gets its own answer");
}

int main(void)
{
	/* Line by line: if the device crashes the test, the checks before the
	 * crash still reach the log. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	ring = calloc(1, sizeof *ring);
	if (!ring) {
		perror("test_iodev: calloc");
		return 1;
	}
	trace_init(&trace);
	iodev_init(&dev, &trace);
	opened();
	answered();
	other_vm();
	held_until_attached();
	timeouts();
	closed();
	broken(true);
	broken(false);
	full_ring();
	iodev_destroy(&dev);
	trace_destroy(&trace);
	free((void *)ring);
	return done_testing();
}
