/* fuzz_vmfo.h — a monitor without KVM for the fuzz harnesses: pool, table,
 * trace and locks, nothing booted; any VM it tries to create fails on the
 * closed descriptor. */
#ifndef VMFO_FUZZ_VMFO_H
#define VMFO_FUZZ_VMFO_H

#include <stdlib.h>

#include "monitor.h"

static inline void fake_vmfo_init(struct vmfo *m, uint64_t pool_mb)
{
	struct err e;
	config_defaults(&m->cfg);
	m->cfg0 = m->cfg;
	m->kvm.fd = -1;
	pthread_mutex_init(&m->ctl, NULL);
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->acked, NULL);
	pthread_cond_init(&m->wake, NULL);
	pthread_cond_init(&m->watch_wake, NULL);
	pthread_cond_init(&m->stepped, NULL);
	trace_init(&m->trace);
	if (pool_init(&m->pool, pool_mb << 20, 2u << 20, &e))
		abort();
	table_init(&m->table, m->pool.nunits, m->pool.unit_bytes);
}

#endif
