/* state.h — what every layer shares about the pair: the configuration
 * it runs with, and the states an OS and an app go through. The monitor
 * keeps them (monitor.h); front ends read them in snapshots (vmfo.h). */
#ifndef VMFO_STATE_H
#define VMFO_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "table.h"
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
/* Whether the sizes describe the claimed configuration (claim 1): an active
 * OS with enough storage, a smaller standby, and a pool that holds both. */
int config_check(const struct config *c, struct err *e);

#define MAX_APPS 16
#define APP_NAME_MAX ROW_NAME_MAX

enum guest_state { G_DOWN, G_BOOTING, G_RUNNING, G_FAILED };
/* A_PARKED: a hot app whose storage waits, unmapped and owned by the VMM,
 * for an OS that can take it over (failover.c). */
enum app_state { A_FREE, A_STARTING, A_RUNNING, A_FAILED, A_MOVING, A_STOPPED, A_PARKED };

const char *app_state_name(enum app_state s);
const char *state_name(enum guest_state s);

#endif
