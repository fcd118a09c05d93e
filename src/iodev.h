/* iodev.h — the I/O control unit's device: one channel per served app,
 * through which the VMM hands clients' requests to the app and takes its
 * answers back. A channel's ring lies in the app's own storage (abi.h's
 * struct vmfo_io_ring), so it moves with the app; the device keeps its own
 * record of what it posted and trusts nothing the app writes.
 *
 * The device has its own lock, a leaf: its functions may be called with
 * m->lock held or not, and take no other lock (they emit events, whose
 * lock is a leaf too). It knows nothing of the table: policy (iochan.c)
 * decides who owns a channel and tells the device where it is attached.
 * Claims served: the "I/O control unit" every claim's system includes. */
#ifndef VMFO_IODEV_H
#define VMFO_IODEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "abi.h"
#include "lifecycle.h"
#include "trace.h"

/* What became of a request, as its client is told (docs/protocol.md). */
enum io_class {
	IO_OK,            /* answered by the app */
	IO_UNAVAILABLE,   /* never reached the app: not applied */
	IO_INDETERMINATE, /* reached it, no answer will come: maybe applied */
	IO_REFUSED,       /* malformed, or the app said no: not applied */
};

struct io_answer {
	enum io_class cls;
	uint64_t seq, value; /* IO_OK: the app's ans_seq and ans_value */
	char why[64];        /* otherwise: the reason, in a word or a few */
};

/* A request being carried: on its caller's stack while it waits. */
struct io_pending {
	uint64_t id;
	uint32_t op;
	uint64_t key, value;
	bool done;
	struct io_answer ans;
	struct io_pending *next; /* in the held queue */
};

/* What the VMM posted in one slot of the ring: the id it must see
 * answered, and who waits for it (NULL once that caller gave up). */
struct io_posted {
	uint64_t id;
	struct io_pending *waiter;
};

struct io_channel {
	bool open;
	bool broken;                    /* the app broke the ring's rules: no more posts */
	volatile struct vmfo_io_ring *ring; /* in the app's first unit */
	int vm;                         /* the VM whose doorbell answers it, or -1 */
	uint64_t head, tail;            /* the VMM's own count: posted, answered */
	struct io_posted posted[VMFO_IO_SLOTS];
	struct io_pending *held, *held_last; /* waiting for a slot or an attach */
	struct io_stats {
		uint64_t requests, answered, failed, late, rejected;
	} stats;
};

struct iodev {
	pthread_mutex_t lock;
	pthread_cond_t answered; /* broadcast whenever a request is done */
	struct trace *trace;
	uint64_t next_id;
	struct io_channel ch[MAX_APPS]; /* by app id */
};

void iodev_init(struct iodev *d, struct trace *trace);
void iodev_destroy(struct iodev *d);

/* Open app's channel on the ring at `ring` (in the app's storage),
 * attached to vm (or -1): the ring is reset and marked served. */
void iodev_open(struct iodev *d, int app, void *ring, int vm);
/* Close it: the app is told it is no longer served; requests posted and
 * not answered fail as indeterminate, requests held as unavailable. */
void iodev_close(struct iodev *d, int app, const char *why);
/* The channel follows its app's storage: detached, nothing is posted and
 * no answer taken; attached to vm, what was held is posted. */
void iodev_attach(struct iodev *d, int app, int vm);
/* The doorbell, rung from ring 3 in vm: take every new answer of the
 * channels attached to vm. */
void iodev_doorbell(struct iodev *d, int vm);
/* Carry one request to app and wait for what becomes of it, at most
 * timeout_ms: the answer, or why not. Returns ans->cls == IO_OK. */
bool iodev_call(struct iodev *d, int app, uint32_t op, uint64_t key, uint64_t value,
		uint64_t timeout_ms, struct io_answer *ans);
/* A copy of app's channel's counters; false when it is not open. */
bool iodev_stats(struct iodev *d, int app, struct io_stats *s, int *vm);

const char *io_class_name(enum io_class c);

#endif
