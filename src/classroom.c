/* classroom.c — pace and step (classroom.h): the monitor thread's pauses
 * before each failover step, and the console's controls over them.
 * Claims served: none directly (they show claims 1-9 step by step). */
#include "classroom.h"

#include <stdarg.h>
#include <stdio.h>

void monitor_set_pace(struct vmfo *m, uint64_t ms)
{
	monitor_lock(m);
	m->cfg.pace_ms = ms;
	monitor_unlock(m);
}

void monitor_set_step(struct vmfo *m, bool on)
{
	monitor_lock(m);
	m->step_mode = on;
	m->step_grants = 0;
	pthread_cond_broadcast(&m->stepped);
	monitor_unlock(m);
}

void monitor_step_grant(struct vmfo *m)
{
	monitor_lock(m);
	if (m->step_next[0])
		m->step_grants++;
	pthread_cond_broadcast(&m->stepped);
	monitor_unlock(m);
}

void monitor_step_waiting(struct vmfo *m, char *buf, size_t size)
{
	monitor_lock(m);
	strlcpy0(buf, m->step_next, size);
	monitor_unlock(m);
}

void pace(struct vmfo *m, const char *fmt, ...)
{
	assert_locked(m);
	if (m->step_mode) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(m->step_next, sizeof m->step_next, fmt, ap);
		va_end(ap);
		/* A front end waiting for ctl refuses now (monitor_ctl_acquire). */
		pthread_cond_broadcast(&m->ctl_free);
		while (m->step_mode && m->step_grants == 0 && !atomic_load(&m->quit))
			monitor_wait(m, &m->stepped);
		if (m->step_grants)
			m->step_grants--;
		m->step_next[0] = '\0';
		return;
	}
	uint64_t ms = m->cfg.pace_ms;
	if (!ms)
		return;
	monitor_unlock(m);
	sleep_ms(ms);
	monitor_lock(m);
}
