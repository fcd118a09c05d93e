/* iodev.c — the I/O control unit's device: posting requests into an app's
 * ring, taking its answers at the doorbell, failing what cannot be
 * carried. Every answer is checked against the VMM's own record of what it
 * posted before any client sees it: the ring lies in guest storage, which
 * the guest may have written anything into. */
#include "iodev.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

static const char *const status_words[VMFO_IO_STATUS_MAX] = {
	[VMFO_IO_OK] = "ok",       [VMFO_IO_NONE] = "none",   [VMFO_IO_GONE] = "gone",
	[VMFO_IO_RANGE] = "range", [VMFO_IO_BADOP] = "badop",
};

const char *io_class_name(enum io_class c)
{
	switch (c) {
	case IO_OK: return "ok";
	case IO_UNAVAILABLE: return "unavailable";
	case IO_INDETERMINATE: return "indeterminate";
	case IO_REFUSED: return "refused";
	}
	return "?";
}

void iodev_init(struct iodev *d, struct trace *trace)
{
	memset(d, 0, sizeof *d);
	d->trace = trace;
	d->next_id = 1;
	for (int i = 0; i < MAX_APPS; i++)
		d->ch[i].vm = -1;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* deadline_in_us's clock */
	pthread_cond_init(&d->answered, &ca);
	pthread_condattr_destroy(&ca);
}

void iodev_destroy(struct iodev *d)
{
	pthread_cond_destroy(&d->answered);
	pthread_mutex_destroy(&d->lock);
}

static struct io_channel *channel(struct iodev *d, int app)
{
	return app >= 0 && app < MAX_APPS ? &d->ch[app] : NULL;
}

static void finish(struct io_pending *p, enum io_class cls, const char *why)
{
	p->ans.cls = cls;
	strlcpy0(p->ans.why, why, sizeof p->ans.why);
	p->done = true;
}

/* Requests waiting to be posted, oldest first. */
static void hold(struct io_channel *c, struct io_pending *p)
{
	p->next = NULL;
	if (c->held_last)
		c->held_last->next = p;
	else
		c->held = p;
	c->held_last = p;
}

static void unhold(struct io_channel *c, struct io_pending *p)
{
	struct io_pending **at = &c->held, *prev = NULL;
	while (*at && *at != p) {
		prev = *at;
		at = &(*at)->next;
	}
	if (!*at)
		return;
	*at = p->next;
	if (c->held_last == p)
		c->held_last = prev;
}

/* Held requests into free slots, while the channel is attached: the slot
 * first, then head, which the app reads before the slot. */
static void post_held(struct io_channel *c)
{
	while (c->held && c->vm >= 0 && !c->broken && c->head - c->tail < VMFO_IO_SLOTS) {
		struct io_pending *p = c->held;
		unhold(c, p);
		volatile struct vmfo_io_slot *s = &c->ring->slot[c->head % VMFO_IO_SLOTS];
		s->id = p->id;
		s->op = p->op;
		s->key = p->key;
		s->value = p->value;
		s->ans_id = 0;
		c->posted[c->head % VMFO_IO_SLOTS] = (struct io_posted){ p->id, p };
		c->head++;
		__atomic_store_n(&c->ring->head, c->head, __ATOMIC_RELEASE);
	}
}

/* Everything posted or held fails: posted ones may have been applied. */
static void fail_all(struct io_channel *c, const char *why)
{
	for (uint64_t n = c->tail; n < c->head; n++) {
		struct io_posted *p = &c->posted[n % VMFO_IO_SLOTS];
		if (p->waiter)
			finish(p->waiter, IO_INDETERMINATE, why);
		c->stats.failed++;
		p->waiter = NULL;
	}
	c->tail = c->head;
	while (c->held) {
		struct io_pending *p = c->held;
		unhold(c, p);
		finish(p, IO_UNAVAILABLE, why);
		c->stats.failed++;
	}
}

void iodev_open(struct iodev *d, int app, void *ring, int vm)
{
	struct io_channel *c = channel(d, app);
	pthread_mutex_lock(&d->lock);
	memset(c, 0, sizeof *c);
	c->open = true;
	c->vm = vm;
	c->ring = ring;
	/* Nothing posted yet: the counts start over, then the app is told. */
	c->ring->served = 0;
	c->ring->head = 0;
	c->ring->tail = 0;
	c->ring->nslots = VMFO_IO_SLOTS;
	c->ring->magic = VMFO_IO_MAGIC;
	__atomic_store_n(&c->ring->served, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&d->lock);
}

void iodev_close(struct iodev *d, int app, const char *why)
{
	struct io_channel *c = channel(d, app);
	pthread_mutex_lock(&d->lock);
	if (c && c->open) {
		c->ring->served = 0;
		fail_all(c, why);
		c->open = false;
		c->vm = -1;
		c->ring = NULL;
		pthread_cond_broadcast(&d->answered);
	}
	pthread_mutex_unlock(&d->lock);
}

void iodev_attach(struct iodev *d, int app, int vm)
{
	struct io_channel *c = channel(d, app);
	pthread_mutex_lock(&d->lock);
	if (c && c->open) {
		c->vm = vm;
		post_held(c);
	}
	pthread_mutex_unlock(&d->lock);
}

/* The app broke the ring's rules: say so once, fail what it holds, post
 * nothing more. The VMM changes nothing else. */
static void reject(struct iodev *d, struct io_channel *c, const char *why)
{
	char vm[8];
	snprintf(vm, sizeof vm, "vm%d", c->vm);
	trace_emit(d->trace, "vmm.reject", "vm", vm, "reason", why, NULL);
	c->stats.rejected++;
	c->broken = true;
	fail_all(c, "the app's answer was malformed");
}

/* One answer, slot n, checked against what was posted there: NULL, or
 * what is wrong with it. */
static const char *take_answer(struct io_channel *c, uint64_t n)
{
	volatile struct vmfo_io_slot *s = &c->ring->slot[n % VMFO_IO_SLOTS];
	struct io_posted *p = &c->posted[n % VMFO_IO_SLOTS];
	uint64_t ans_id = s->ans_id, seq = s->ans_seq, value = s->ans_value;
	uint32_t status = s->status;
	if (ans_id != p->id)
		return "io: an answer names a request not posted there";
	if (status >= VMFO_IO_STATUS_MAX)
		return "io: an answer's status is not one the ring defines";
	c->stats.answered++;
	if (!p->waiter) {
		c->stats.late++; /* its caller gave up: told indeterminate */
		return NULL;
	}
	p->waiter->ans.seq = seq;
	p->waiter->ans.value = value;
	finish(p->waiter, status == VMFO_IO_OK ? IO_OK : IO_REFUSED, status_words[status]);
	p->waiter = NULL;
	return NULL;
}

static void collect(struct iodev *d, struct io_channel *c)
{
	uint64_t tail = __atomic_load_n(&c->ring->tail, __ATOMIC_ACQUIRE);
	if (tail == c->tail)
		return;
	if (tail < c->tail || tail > c->head) {
		reject(d, c, "io: the ring's tail is outside what was posted");
		return;
	}
	for (; c->tail < tail; c->tail++) {
		const char *bad = take_answer(c, c->tail);
		if (bad) {
			reject(d, c, bad);
			return;
		}
	}
	post_held(c);
}

void iodev_doorbell(struct iodev *d, int vm)
{
	pthread_mutex_lock(&d->lock);
	for (int i = 0; i < MAX_APPS; i++) {
		struct io_channel *c = &d->ch[i];
		if (c->open && !c->broken && c->vm == vm)
			collect(d, c);
	}
	pthread_cond_broadcast(&d->answered);
	pthread_mutex_unlock(&d->lock);
}

/* The caller stops waiting: a held request never reached the app; a
 * posted one did, and its answer, should it come, is dropped. */
static void give_up(struct io_channel *c, struct io_pending *p)
{
	for (uint64_t n = c->tail; n < c->head; n++)
		if (c->posted[n % VMFO_IO_SLOTS].waiter == p) {
			c->posted[n % VMFO_IO_SLOTS].waiter = NULL;
			finish(p, IO_INDETERMINATE, "timeout");
			return;
		}
	unhold(c, p);
	finish(p, IO_UNAVAILABLE, "timeout: the channel stayed detached");
}

bool iodev_call(struct iodev *d, int app, uint32_t op, uint64_t key, uint64_t value,
		uint64_t timeout_ms, struct io_answer *ans)
{
	struct io_pending p = { .op = op, .key = key, .value = value };
	struct timespec deadline;
	deadline_in_us(&deadline, timeout_ms * 1000);
	pthread_mutex_lock(&d->lock);
	struct io_channel *c = channel(d, app);
	if (!c || !c->open || c->broken) {
		finish(&p, IO_UNAVAILABLE, c && c->broken ? "the channel is broken" : "no channel");
	} else {
		p.id = d->next_id++;
		c->stats.requests++;
		hold(c, &p);
		post_held(c);
	}
	while (!p.done)
		if (pthread_cond_timedwait(&d->answered, &d->lock, &deadline) == ETIMEDOUT &&
		    !p.done) {
			give_up(c, &p);
			c->stats.failed++;
		}
	pthread_mutex_unlock(&d->lock);
	*ans = p.ans;
	return ans->cls == IO_OK;
}

bool iodev_stats(struct iodev *d, int app, struct io_stats *s, int *vm)
{
	pthread_mutex_lock(&d->lock);
	struct io_channel *c = channel(d, app);
	bool open = c && c->open;
	if (open) {
		*s = c->stats;
		*vm = c->vm;
	}
	pthread_mutex_unlock(&d->lock);
	return open;
}
