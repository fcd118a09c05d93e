/* settings.c — the configuration's defaults and checks (settings.h).
 * Claim served: 1 (config_check refuses sizes that do not give the active
 * OS sufficient and the standby insufficient storage). */
#include "settings.h"

#include <inttypes.h>

#include "abi.h"

void config_defaults(struct config *c)
{
	*c = (struct config){
		.pool_mb = 256, .unit_kb = 2048, .active_mb = 64, .standby_mb = 8,
		.heartbeat_ms = 10, .miss = 3, .lua_mem_mb = 256,
	};
}

int config_check(const struct config *c, struct err *e)
{
	uint64_t unit_mb = c->unit_kb / 1024;

	if (c->unit_kb == 0 || c->unit_kb % 2048)
		return err_set(e, "--unit-kb %" PRIu64 ": must be a multiple of 2048 "
				  "(guests map storage with 2 MiB pages)", c->unit_kb);
	if (c->pool_mb % unit_mb)
		return err_set(e, "--pool-mb %" PRIu64 ": not a whole number of %" PRIu64 " MB units",
			       c->pool_mb, unit_mb);
	if (c->active_mb % unit_mb || c->standby_mb % unit_mb)
		return err_set(e, "--active-mb and --standby-mb must be whole units of %" PRIu64 " MB",
			       unit_mb);
	if (c->standby_mb == 0 || c->active_mb == 0)
		return err_set(e, "both OSes need storage: --active-mb and --standby-mb must be > 0");
	if (c->standby_mb >= c->active_mb)
		return err_set(e, "--standby-mb %" PRIu64 " must be smaller than --active-mb %" PRIu64
				  " (claim 1: the standby gets insufficient storage)",
			       c->standby_mb, c->active_mb);
	if (c->active_mb + c->standby_mb + unit_mb > c->pool_mb)
		return err_set(e, "--pool-mb %" PRIu64 " is too small: the VMM (%" PRIu64
				  " MB), the active (%" PRIu64 " MB) and the standby (%" PRIu64 " MB) need %" PRIu64,
			       c->pool_mb, unit_mb, c->active_mb, c->standby_mb,
			       c->active_mb + c->standby_mb + unit_mb);
	return 0;
}

uint64_t monitor_app_watchdog_ms(const struct config *c)
{
	uint64_t tick = vmfo_tick_ms((uint32_t)c->heartbeat_ms);
	return c->app_watchdog_ms ? c->app_watchdog_ms : 3 * tick;
}

int app_size_error(const struct config *c, uint64_t mb, struct err *e)
{
	return err_set(e, "%" PRIu64 " MB: an app's storage is whole %" PRIu64 " MB units, at most %" PRIu64
		       " MB (the pool)", mb, c->unit_kb / 1024, c->pool_mb);
}
