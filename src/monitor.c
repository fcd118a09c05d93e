/* monitor.c — the monitor's life: monitor_init (the state, /dev/kvm, the
 * pool and the table, the trace file, the monitor and watchdog threads),
 * monitor_init_core (the same without KVM and threads, shared with the
 * fuzz harnesses) and monitor_destroy. Everything else is in the files
 * monitor.h lists.
 * Claims served: none directly; it sets up what serves them all. */
#include "monitor.h"

#include <string.h>
#include <time.h>

/* The state, its locks and conditions, the policy table: cannot fail. */
static void init_state(struct vmfo *m, const struct config *cfg)
{
	memset(m, 0, sizeof *m);
	m->cfg = *cfg;
	m->cfg0 = *cfg;
	m->vmm_row = -1;
	m->policy = &monitor_policy;
	pthread_mutex_init(&m->ctl, NULL);
	pthread_mutex_init(&m->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m->acked, &ca);
	pthread_cond_init(&m->wake, &ca);
	pthread_cond_init(&m->watch_wake, &ca);
	pthread_cond_init(&m->ctl_free, &ca);
	pthread_cond_init(&m->stepped, &ca);
	pthread_condattr_destroy(&ca);
	trace_init(&m->trace);
	iodev_init(&m->io, &m->trace);
	m->kvm.fd = -1;
}

static int init_storage(struct vmfo *m, const struct config *cfg, struct err *e)
{
	if (pool_init(&m->pool, cfg->pool_mb * MB, cfg->unit_kb * 1024, e))
		return -1;
	table_init(&m->table, &m->pool);
	return 0;
}

int monitor_init_core(struct vmfo *m, const struct config *cfg, struct err *e)
{
	init_state(m, cfg);
	if (config_check(cfg, e))
		return -1;
	return init_storage(m, cfg, e);
}

/* As monitor_init_core, with /dev/kvm opened between the configuration's
 * check and the pool (so that a bad configuration is reported before a
 * missing KVM, and a missing KVM before anything is mapped). */
int monitor_init(struct vmfo *m, const struct config *cfg, bool *kvm_failed, struct err *e)
{
	*kvm_failed = false;
	init_state(m, cfg);
	if (config_check(cfg, e))
		return -1;
	if (kvm_host_open(&m->kvm, e)) {
		*kvm_failed = true;
		return -1;
	}
	if (init_storage(m, cfg, e))
		return -1;
	if (cfg->trace_path && trace_open_file(&m->trace, cfg->trace_path, e))
		return -1;
	int rc = monitor_thread_start(m);
	if (rc)
		return err_set(e, "starting the monitor thread: %s", strerror(rc));
	rc = watchdog_start(m);
	if (rc)
		return err_set(e, "starting the watchdog thread: %s", strerror(rc));
	return 0;
}

int monitor_destroy(struct vmfo *m, struct err *e)
{
	monitor_lock(m);
	atomic_store(&m->quit, true);
	m->step_mode = false; /* a paused failover must not hold up the exit */
	pthread_cond_broadcast(&m->stepped);
	pthread_cond_broadcast(&m->wake);
	monitor_unlock(m);
	if (m->monitor_started)
		pthread_join(m->monitor, NULL);
	watchdog_stop(m);
	if (m->table.pool) /* nothing to reset when init failed before the pool */
		monitor_reset(m);
	pool_destroy(&m->pool);
	kvm_host_close(&m->kvm);
	/* Nothing emits events any more: the file gets every last one. */
	int rc = trace_close_file(&m->trace, e);
	if (rc) {
		struct err told;
		if (!trace_file_error_news(&m->trace, &told))
			e->msg[0] = '\0';
	} else {
		rc = trace_lost(&m->trace, e); /* once printed as it happened */
	}
	iodev_destroy(&m->io);
	trace_destroy(&m->trace);
	pthread_cond_destroy(&m->acked);
	pthread_cond_destroy(&m->wake);
	pthread_cond_destroy(&m->watch_wake);
	pthread_cond_destroy(&m->ctl_free);
	pthread_cond_destroy(&m->stepped);
	pthread_mutex_destroy(&m->lock);
	pthread_mutex_destroy(&m->ctl);
	return rc;
}
