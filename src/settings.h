/* settings.h — the VMM's configuration (struct config): its defaults, the
 * check that the sizes describe claim 1's configuration, and the bounds
 * derived from it. Not config.h: that name is configure's.
 * Claims served: 1 (an active OS with sufficient storage, a standby with
 * insufficient storage, a pool that holds both). */
#ifndef VMFO_SETTINGS_H
#define VMFO_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct config {
	uint64_t pool_mb;
	uint64_t unit_kb;
	uint64_t active_mb;
	uint64_t standby_mb;
	uint64_t heartbeat_ms; /* 0: guests send none, hangs go undetected */
	uint64_t miss;         /* heartbeats lost before an OS hang is declared */
	uint64_t app_watchdog_ms; /* an app's own run time without progress before
				   * its OS declares it hung; 0: 3 timer ticks */
	uint64_t pace_ms;
	uint64_t lua_mem_mb;   /* what one Lua state may allocate */
	const char *trace_path;
	bool no_color;
};

void config_defaults(struct config *c);
/* The app watchdog's bound in force: --app-watchdog-ms, or 3 timer ticks. */
uint64_t monitor_app_watchdog_ms(const struct config *c);
/* An app size the pool cannot give (0, not whole units, more than the
 * pool): one message that says the rule and the limit. Returns -1. */
int app_size_error(const struct config *c, uint64_t mb, struct err *e);
/* Whether the sizes describe the claimed configuration (claim 1): an active
 * OS with enough storage, a smaller standby, and a pool that holds both. */
int config_check(const struct config *c, struct err *e);

#endif
