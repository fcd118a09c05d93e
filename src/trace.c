/* trace.c — recording events, waiting for them, and writing them out. */
#include "trace.h"
#include "tracefile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void trace_init(struct trace *t)
{
	memset(t, 0, sizeof *t);
	pthread_mutex_init(&t->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->grew, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&t->queued, NULL);
	t->next_seq = 1;
}

void trace_destroy(struct trace *t)
{
	trace_close_file(t, NULL);
	free(t->path);
	free(t->ev);
	free(t->out);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->grew);
	pthread_cond_destroy(&t->queued);
}

/* Write n events and flush; 0, or the errno of the first failure. */
static int write_batch(FILE *f, const struct event *ev, size_t n)
{
	errno = 0;
	for (size_t i = 0; i < n; i++)
		if (event_write_json(&ev[i], f) || ferror(f))
			return errno ? errno : EIO;
	/* Flushed at every batch: a reader following the file sees it. */
	if (fflush(f) == EOF)
		return errno ? errno : EIO;
	return 0;
}

/* The writer thread: takes the whole queue under the lock, leaving it its
 * previous batch's buffer to fill, and writes it with no lock held, so
 * that emitting never waits for the file. After a write error it goes on
 * taking the queue, so that it does not grow, but writes no more: a file
 * with a hole in it would look whole to whoever reads it. */
static void *writer_main(void *arg)
{
	struct trace *t = arg;
	struct event *batch = NULL;
	size_t cap = 0;

	pthread_mutex_lock(&t->lock);
	for (;;) {
		while (!t->out_n && !t->writer_stop)
			pthread_cond_wait(&t->queued, &t->lock);
		if (!t->out_n)
			break; /* told to stop, and everything is written */
		struct event *full = t->out;
		size_t n = t->out_n, full_cap = t->out_cap;
		t->out = batch;
		t->out_cap = cap;
		t->out_n = 0;
		batch = full;
		cap = full_cap;
		bool failed = t->file_errno != 0;
		pthread_mutex_unlock(&t->lock);
		int err = failed ? 0 : write_batch(t->jsonl, batch, n);
		pthread_mutex_lock(&t->lock);
		if (err)
			t->file_errno = err;
	}
	pthread_mutex_unlock(&t->lock);
	free(batch);
	return NULL;
}

int trace_open_file(struct trace *t, const char *path, struct err *e)
{
	trace_close_file(t, NULL);
	FILE *f = fopen(path, "w");
	if (!f)
		return err_set(e, "cannot write trace file '%s': %s", path, strerror(errno));
	free(t->path);
	t->path = strdup(path);
	if (!t->path) {
		fclose(f);
		return err_set(e, "out of memory opening trace file '%s'", path);
	}
	t->jsonl = f;
	t->file_errno = 0;
	t->error_told = false;
	t->writer_stop = false;
	int rc = thread_start(&t->writer, writer_main, t);
	if (rc) {
		fclose(f);
		t->jsonl = NULL;
		return err_set(e, "starting the trace writer thread: %s", strerror(rc));
	}
	t->writer_started = true;
	pthread_mutex_lock(&t->lock);
	t->to_file = true;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int trace_close_file(struct trace *t, struct err *e)
{
	if (!t->writer_started)
		return trace_file_error(t, e);
	pthread_mutex_lock(&t->lock);
	t->to_file = false;
	t->writer_stop = true;
	pthread_cond_signal(&t->queued);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->writer, NULL);
	t->writer_started = false;
	errno = 0;
	int closed = fclose(t->jsonl);
	int err = errno ? errno : EIO;
	t->jsonl = NULL;
	pthread_mutex_lock(&t->lock);
	if (closed == EOF && !t->file_errno)
		t->file_errno = err;
	pthread_mutex_unlock(&t->lock);
	return trace_file_error(t, e);
}

/* With t->lock held. */
static int file_error_locked(struct trace *t, struct err *e)
{
	if (!t->file_errno)
		return 0;
	return err_set(e, "writing the trace to %s: %s", t->path ? t->path : "its file",
		       strerror(t->file_errno));
}

int trace_file_error(struct trace *t, struct err *e)
{
	pthread_mutex_lock(&t->lock);
	int rc = file_error_locked(t, e);
	pthread_mutex_unlock(&t->lock);
	return rc;
}

bool trace_file_error_news(struct trace *t, struct err *e)
{
	pthread_mutex_lock(&t->lock);
	bool news = !t->error_told && file_error_locked(t, e) != 0;
	if (news)
		t->error_told = true;
	pthread_mutex_unlock(&t->lock);
	return news;
}

/* With t->lock held: queue ev for the writer thread. */
static void queue_for_file(struct trace *t, const struct event *ev)
{
	if (t->out_n == t->out_cap) {
		size_t cap = t->out_cap ? t->out_cap * 2 : 64;
		struct event *grown = realloc(t->out, cap * sizeof *grown);
		if (!grown) {
			/* The file would miss it: that is a write error. */
			if (!t->file_errno)
				t->file_errno = ENOMEM;
			return;
		}
		t->out = grown;
		t->out_cap = cap;
	}
	t->out[t->out_n++] = *ev;
	pthread_cond_signal(&t->queued);
}

void trace_emit(struct trace *t, const char *name, ...)
{
	struct event ev;
	va_list ap;

	memset(&ev, 0, sizeof ev);
	ev.t_us = now_us();
	strlcpy0(ev.name, name, sizeof ev.name);
	ev.claims = event_claims(name);
	va_start(ap, name);
	for (const char *key; (key = va_arg(ap, const char *)) != NULL;) {
		const char *val = va_arg(ap, const char *);
		if (ev.nfields < EV_MAX_FIELDS) {
			strlcpy0(ev.field[ev.nfields].key, key, EV_KEY_MAX);
			strlcpy0(ev.field[ev.nfields].val, val ? val : "", EV_VAL_MAX);
			ev.nfields++;
		}
	}
	va_end(ap);

	pthread_mutex_lock(&t->lock);
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct event *grown = realloc(t->ev, cap * sizeof *grown);
		if (!grown) {
			/* Dropping an event would make the checker lie: record
			 * it, so that no verdict is taken (trace_lost). */
			if (t->lost++ == 0)
				strlcpy0(t->lost_first, name, sizeof t->lost_first);
			pthread_mutex_unlock(&t->lock);
			return;
		}
		t->ev = grown;
		t->cap = cap;
	}
	ev.seq = t->next_seq++;
	t->ev[t->n++] = ev;
	if (t->to_file)
		queue_for_file(t, &ev);
	pthread_cond_broadcast(&t->grew);
	pthread_mutex_unlock(&t->lock);
}

int trace_lost(struct trace *t, struct err *e)
{
	pthread_mutex_lock(&t->lock);
	uint64_t lost = t->lost;
	char first[EV_NAME_MAX];
	strlcpy0(first, t->lost_first, sizeof first);
	pthread_mutex_unlock(&t->lock);
	if (!lost)
		return 0;
	return err_set(e, "out of memory recording event %s (%llu event%s lost): the trace is "
			  "incomplete", first, (unsigned long long)lost, lost == 1 ? "" : "s");
}

void trace_clear(struct trace *t)
{
	pthread_mutex_lock(&t->lock);
	t->n = 0;
	t->next_seq = 1;
	pthread_cond_broadcast(&t->grew);
	pthread_mutex_unlock(&t->lock);
}

size_t trace_count(struct trace *t)
{
	pthread_mutex_lock(&t->lock);
	size_t n = t->n;
	pthread_mutex_unlock(&t->lock);
	return n;
}

bool trace_get(struct trace *t, size_t idx, struct event *out)
{
	pthread_mutex_lock(&t->lock);
	bool ok = idx < t->n;
	if (ok)
		*out = t->ev[idx];
	pthread_mutex_unlock(&t->lock);
	return ok;
}

void trace_wait_count(struct trace *t, size_t n, int timeout_ms)
{
	struct timespec deadline;
	deadline_in_us(&deadline, (uint64_t)timeout_ms * 1000);
	pthread_mutex_lock(&t->lock);
	while (t->n <= n && pthread_cond_timedwait(&t->grew, &t->lock, &deadline) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&t->lock);
}

int trace_await(struct trace *t, const struct event_match *w, size_t from, uint64_t ms,
		void (*tick)(void *), void *arg, struct event *out)
{
	uint64_t deadline = now_us() + ms * 1000;
	for (size_t i = from;;) {
		if (tick)
			tick(arg);
		for (; trace_get(t, i, out); i++)
			if (event_match(out, w))
				return 1;
		if (interrupt_pending())
			return -1;
		uint64_t now = now_us();
		if (now >= deadline)
			return 0;
		/* Until anything new is recorded, a slice at most. */
		uint64_t left_ms = (deadline - now + 999) / 1000;
		trace_wait_count(t, i, left_ms < 50 ? (int)left_ms : 50);
		if (i > trace_count(t))
			i = trace_count(t); /* reset cleared the trace */
	}
}

struct event *trace_snapshot(struct trace *t, size_t *n)
{
	pthread_mutex_lock(&t->lock);
	struct event *copy = malloc((t->n ? t->n : 1) * sizeof *copy);
	*n = copy ? t->n : 0;
	if (copy && t->n)
		memcpy(copy, t->ev, t->n * sizeof *copy);
	pthread_mutex_unlock(&t->lock);
	return copy;
}

/* With t->lock held: the first match at or after *from; *from moves on. */
static bool find_locked(struct trace *t, const char *name, const char *key, const char *val,
			size_t *from, struct event *out)
{
	for (; *from < t->n; (*from)++)
		if (event_matches(&t->ev[*from], name, key, val)) {
			if (out)
				*out = t->ev[*from];
			return true;
		}
	return false;
}

bool trace_wait(struct trace *t, const char *name, const char *key, const char *val,
		size_t from, int timeout_ms, struct event *out)
{
	struct timespec deadline;
	bool found;

	deadline_in_us(&deadline, (uint64_t)timeout_ms * 1000);
	pthread_mutex_lock(&t->lock);
	while (!(found = find_locked(t, name, key, val, &from, out))) {
		if (pthread_cond_timedwait(&t->grew, &t->lock, &deadline) == ETIMEDOUT) {
			/* One last look: the event may have come with the timeout. */
			found = find_locked(t, name, key, val, &from, out);
			break;
		}
		if (from > t->n)
			from = t->n; /* the trace was cleared meanwhile */
	}
	pthread_mutex_unlock(&t->lock);
	return found;
}
