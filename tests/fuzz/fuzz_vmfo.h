/* fuzz_vmfo.h — a monitor without KVM for the fuzz harnesses: what
 * monitor_init_core() makes (pool, table, trace, locks, the policy table),
 * nothing booted and no threads; any VM it tries to create fails on the
 * closed descriptor. */
#ifndef VMFO_FUZZ_VMFO_H
#define VMFO_FUZZ_VMFO_H

#include <stdlib.h>

#include "monitor.h"

static inline void fake_vmfo_init(struct vmfo *m, uint64_t pool_mb)
{
	struct config cfg;
	struct err e;
	config_defaults(&cfg);
	/* Sizes that pass config_check in a pool of pool_mb. */
	cfg.pool_mb = pool_mb;
	cfg.active_mb = pool_mb / 2;
	cfg.standby_mb = 4;
	if (monitor_init_core(m, &cfg, &e))
		abort();
}

#endif
