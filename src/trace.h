/* trace.h — the event trace: every step the monitor and the guests take,
 * with a monotonic microsecond timestamp, a sequence number and the claims
 * it serves. Written from any thread; waited on by front ends. */
#ifndef VMFO_TRACE_H
#define VMFO_TRACE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"
#include "util.h"

struct trace {
	pthread_mutex_t lock;
	pthread_cond_t grew;
	struct event *ev;
	size_t n, cap;
	uint64_t next_seq;
	/* --trace FILE: every event, in order, written by the writer thread.
	 * trace_emit() only queues it: callers hold m->lock, and a reader that
	 * stops reading (a FIFO) must not hold up the VMM. */
	FILE *jsonl;
	bool to_file;         /* emitted events are queued for the file */
	bool writer_stop;     /* the writer ends once the queue is empty */
	bool writer_started;
	pthread_t writer;
	pthread_cond_t queued; /* the queue grew, or the writer must stop */
	struct event *out;    /* emitted, not yet taken by the writer */
	size_t out_n, out_cap;
	char *path;           /* the file's name, for messages */
	int file_errno;       /* the first error writing the file, or 0 */
	bool error_told;      /* trace_file_error_news() has returned it */
	/* Events that could not be recorded (no memory), since trace_init:
	 * a trace that lost one must not be judged (trace_lost). */
	uint64_t lost;
	char lost_first[EV_NAME_MAX]; /* the first one's name */
};

void trace_init(struct trace *t);
/* Closes the file (as trace_close_file) and frees the events. */
void trace_destroy(struct trace *t);
/* Start writing every event emitted from now on to path as JSON lines. */
int trace_open_file(struct trace *t, const char *path, struct err *e);
/* Stop queueing events for the file, wait until the writer has written
 * every queued one, and close it. Waits for a reader that does not read.
 * -1 if any write to the file failed (as trace_file_error). */
int trace_close_file(struct trace *t, struct err *e);
/* -1 with e filled ("writing the trace to FILE: No space left on device")
 * once writing the file has failed: it has stopped then, and the run must
 * not pass for complete. 0 while all is well. */
int trace_file_error(struct trace *t, struct err *e);
/* The same, but only once: true the first time it is asked after the file
 * failed, for a front end that shows it as soon as it notices. */
bool trace_file_error_news(struct trace *t, struct err *e);
/* Record an event: name, then key/value string pairs, then NULL. Call it
 * only after the thing the event names has happened. */
void trace_emit(struct trace *t, const char *name, ...) __attribute__((sentinel));
/* -1 with e saying so once an event could not be recorded (out of memory):
 * the checker would judge an incomplete trace. 0 while none was lost. */
int trace_lost(struct trace *t, struct err *e);
void trace_clear(struct trace *t);
size_t trace_count(struct trace *t);
/* Copy event idx (0-based); false if there is none. */
bool trace_get(struct trace *t, size_t idx, struct event *out);
/* Wait until an event called name, whose field key equals val when key is
 * not NULL, is at an index >= from, for at most timeout_ms; true with *out
 * (when not NULL) filled, false on timeout. */
bool trace_wait(struct trace *t, const char *name, const char *key, const char *val,
		size_t from, int timeout_ms, struct event *out);
/* Wait until the trace holds more than n events, for at most timeout_ms. */
void trace_wait_count(struct trace *t, size_t n, int timeout_ms);
/* Wait for a matching event at index >= from, for at most ms, calling
 * tick(arg) (if given) about every 50 ms. 1 with *out filled, 0 on
 * timeout, -1 as soon as Ctrl-C is pressed. */
int trace_await(struct trace *t, const struct event_match *w, size_t from, uint64_t ms,
		void (*tick)(void *), void *arg, struct event *out);

/* A copy of every event so far (free() it); *n gets the count. */
struct event *trace_snapshot(struct trace *t, size_t *n);

#endif
