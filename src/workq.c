/* workq.c — OS fault reports, the work queue and the monitor thread
 * (workq.h). Failure reports come from any thread with m->lock held; the
 * monitor thread takes each queued item, with m->ctl held, to failover.c.
 * Claims served: 1, 7, 9 (OS fault -> takeover), 4, 6, 8 (app failover
 * work), and parked storage's takeover (unpark). */
#include "workq.h"

#include <stdio.h>

#include "failover.h"

const struct monitor_policy monitor_policy = {
	.os_fault = monitor_os_fault,
	.queue = monitor_queue,
};

/* Claim 9's OS fault detecting routine ends here, whatever the mechanism
 * (heartbeat loss, triple fault, wild access, the OS's own panic report). A
 * failed active OS is handed to the monitor thread for claim 1/7's takeover. */
void monitor_os_fault(struct vmfo *m, struct guest *g, const char *cause)
{
	assert_locked(m);
	if (g->state != G_RUNNING && g->state != G_BOOTING)
		return; /* already failed or gone: one fault is reported once */
	g->state = G_FAILED;
	g->fault_us = now_us();
	strlcpy0(g->fail_cause, cause, sizeof g->fail_cause);
	/* Whoever waits for this OS's answer need not wait any longer. */
	pthread_cond_broadcast(&m->acked);
	char fo[24];
	g->fo = monitor_new_fo(m);
	fo_text(g->fo, fo, sizeof fo);
	trace_emit(&m->trace, "vmm.os_fault", "vm", g->vm.name, "cause", cause, "fo", fo, NULL);
	/* A failed OS takes nothing over any more. */
	table_drop_takeover(&m->table, g->vm.index);
	/* A standby has nothing to hand over, unless it runs apps it took
	 * over: then the active OS takes them back. */
	bool runs_apps = false;
	for (int i = 0; i < MAX_APPS; i++)
		runs_apps |= m->app[i].state != A_FREE && app_vm(m, &m->app[i]) == g->vm.index;
	if (g->role == VMFO_ROLE_ACTIVE || runs_apps)
		monitor_queue(m, WORK_OS_FAILOVER, g->vm.index);
	else
		trace_emit(&m->trace, "vmm.no_takeover", "vm", g->vm.name, "reason", "standby_failed",
			   "fo", fo, NULL);
}

int monitor_queue(struct vmfo *m, enum work_kind kind, int index)
{
	assert_locked(m);
	if (m->work_count == WORK_MAX) {
		m->work_dropped++;
		return -1;
	}
	m->work[(m->work_head + m->work_count++) % WORK_MAX] =
		(struct work){ kind, index, m->generation };
	pthread_cond_broadcast(&m->wake);
	return 0;
}

/* With m->ctl held. Work queued before a reset is about VMs that are gone:
 * a failover of the new pair's vm0 must not stop it. */
static void run_work(struct vmfo *m, struct work w)
{
	monitor_lock(m);
	bool stale = w.generation != m->generation;
	monitor_unlock(m);
	if (stale)
		return;
	if (w.kind == WORK_OS_FAILOVER)
		failover_os(m, w.index);
	else if (w.kind == WORK_APP_FAILOVER)
		failover_app(m, w.index);
	else
		failover_unpark(m);
}

static void *monitor_main(void *arg)
{
	struct vmfo *m = arg;

	monitor_lock(m);
	while (!atomic_load(&m->quit)) {
		if (m->work_count == 0) {
			monitor_wait(m, &m->wake);
			continue;
		}
		/* The item stays queued until it has run, so that whoever waits
		 * for a quiet monitor (monitor_quiesce) never sees it taken off
		 * the queue and not yet started. */
		struct work w = m->work[m->work_head];
		monitor_unlock(m);
		pthread_mutex_lock(&m->ctl);
		run_work(m, w);
		monitor_lock(m);
		if (w.generation == m->generation) { /* a reset emptied the queue */
			m->work_head = (m->work_head + 1) % WORK_MAX;
			m->work_count--;
		}
		/* Quiet or not, whoever waits for ctl may look now. */
		pthread_mutex_unlock(&m->ctl);
		pthread_cond_broadcast(&m->ctl_free);
	}
	monitor_unlock(m);
	return NULL;
}

int monitor_thread_start(struct vmfo *m)
{
	int rc = thread_start(&m->monitor, monitor_main, m);
	if (rc == 0)
		m->monitor_started = true;
	return rc;
}
