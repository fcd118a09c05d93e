/* ctl.c — taking and releasing m->ctl for front ends' actions, and waiting
 * for a quiet monitor (ctl.h). Waits are condition waits on m->ctl_free,
 * which every release of ctl through monitor_ctl_release() or monitor_end()
 * broadcasts, as pace() does when a failover pauses for a step.
 * Claims served: all, indirectly (verdicts on whole sequences only). */
#include "ctl.h"

#include <stdlib.h>

/* Said without a way on: each front end knows its own (the console's Enter
 * and 'step', the view's space bar) and adds it (vmfo_refused_paused()). */
const char monitor_paused_text[] = "a failover is paused before its next step";

/* With m->lock held: wait until ctl_free is broadcast, or until end_us
 * when it is not 0. Every release of ctl broadcasts it under m->lock (here,
 * in workq.c, and pace() when a failover pauses for a step), so a waiter
 * that found ctl busy under the lock cannot miss the release. */
static void await_ctl_change(struct vmfo *m, uint64_t end_us)
{
	assert_locked(m);
	if (!end_us) {
		monitor_wait(m, &m->ctl_free);
		return;
	}
	uint64_t now = now_us();
	struct timespec at;
	deadline_in_us(&at, end_us > now ? end_us - now : 0);
	monitor_timedwait(m, &m->ctl_free, &at);
}

/* With m->lock held: take ctl if it is free (0); -1 with e saying so if a
 * failover holding it is paused before a step; 1 while it is busy. */
static int try_ctl(struct vmfo *m, struct err *e)
{
	assert_locked(m);
	if (pthread_mutex_trylock(&m->ctl) == 0)
		return 0;
	if (m->step_next[0] != '\0')
		return err_set(e, "%s", monitor_paused_text);
	return 1;
}

int monitor_ctl_acquire(struct vmfo *m, struct err *e)
{
	int rc;
	monitor_lock(m);
	while ((rc = try_ctl(m, e)) > 0)
		await_ctl_change(m, 0);
	monitor_unlock(m);
	return rc;
}

void monitor_ctl_release(struct vmfo *m)
{
	monitor_lock(m);
	pthread_mutex_unlock(&m->ctl);
	pthread_cond_broadcast(&m->ctl_free);
	monitor_unlock(m);
}

bool monitor_busy(struct vmfo *m)
{
	/* ctl is taken before lock: trylock never waits for the holder. */
	bool acting = pthread_mutex_trylock(&m->ctl) != 0;
	if (!acting)
		monitor_ctl_release(m);
	monitor_lock(m);
	bool queued = m->work_count > 0;
	monitor_unlock(m);
	return acting || queued;
}

struct guest *monitor_begin_role(struct vmfo *m, enum vmfo_role role, const char *what,
				 struct err *e)
{
	if (monitor_ctl_acquire(m, e))
		return NULL;
	monitor_lock(m);
	struct guest *g = guest_by_role(m, role);
	if (m->booted && g && g->state == G_RUNNING)
		return g;
	if (!m->booted)
		err_set(e, "not booted: use 'boot' first");
	else
		err_set(e, "no %s OS is running to %s", role_name(role), what);
	monitor_end(m);
	return NULL;
}

struct guest *monitor_begin_active(struct vmfo *m, const char *what, struct err *e)
{
	return monitor_begin_role(m, VMFO_ROLE_ACTIVE, what, e);
}

void monitor_end(struct vmfo *m)
{
	assert_locked(m);
	pthread_mutex_unlock(&m->ctl);
	pthread_cond_broadcast(&m->ctl_free);
	monitor_unlock(m);
}

/* Quiet: nothing queued (an item stays queued until it has run) and ctl
 * free, seen together under m->lock. While nothing is queued a busy ctl
 * is waited for without a deadline, while work is queued until the
 * deadline, as before these were condition waits. */
int monitor_quiesce(struct vmfo *m, int timeout_ms, struct err *e)
{
	uint64_t deadline = now_us() + (uint64_t)timeout_ms * 1000;
	monitor_lock(m);
	for (;;) {
		if (m->work_count == 0) {
			int rc = try_ctl(m, e);
			if (rc <= 0) {
				if (rc == 0) /* quiet: nobody waited for it meanwhile */
					pthread_mutex_unlock(&m->ctl);
				monitor_unlock(m);
				return rc;
			}
			await_ctl_change(m, 0);
			continue;
		}
		/* A failover paused before a step does not end by waiting:
		 * say so at once, as a command that would change state does. */
		if (m->step_next[0] != '\0') {
			monitor_unlock(m);
			return err_set(e, "%s", monitor_paused_text);
		}
		if (now_us() > deadline) {
			monitor_unlock(m);
			return err_set(e, "the monitor is still busy after %d ms", timeout_ms);
		}
		await_ctl_change(m, deadline + 1);
	}
}

struct event *monitor_settled_trace(struct vmfo *m, int timeout_ms, size_t *n, struct err *e)
{
	uint64_t deadline = now_us() + (uint64_t)timeout_ms * 1000;
	if (trace_lost(&m->trace, e))
		return NULL;
	for (;;) {
		if (monitor_quiesce(m, timeout_ms, e))
			return NULL;
		struct event *ev = trace_snapshot(&m->trace, n);
		if (!ev) {
			err_set(e, "out of memory copying the trace");
			return NULL;
		}
		/* A failure detected just after the first quiet point (its
		 * takeover queued after we looked) shows as events after the
		 * copy: take the copy only if the monitor was quiet on both
		 * sides of it with nothing added. */
		if (monitor_quiesce(m, timeout_ms, e)) {
			free(ev);
			return NULL;
		}
		if (trace_count(&m->trace) == *n)
			return ev;
		free(ev);
		if (now_us() > deadline) {
			err_set(e, "the trace is still growing after %d ms", timeout_ms);
			return NULL;
		}
	}
}
