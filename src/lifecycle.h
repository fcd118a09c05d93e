/* lifecycle.h — the states an OS and an app go through, and how many apps
 * there can be: kept by the monitor (state.h), read by front ends in
 * snapshots (vmfo.h). */
#ifndef VMFO_LIFECYCLE_H
#define VMFO_LIFECYCLE_H

#include "table.h"

enum guest_state { G_DOWN, G_BOOTING, G_RUNNING, G_FAILED };

#define MAX_APPS 16
#define APP_NAME_MAX ROW_NAME_MAX

/* A_PARKED: a hot app whose storage waits, unmapped and owned by the VMM,
 * for an OS that can take it over (failover.c). */
enum app_state { A_FREE, A_STARTING, A_RUNNING, A_FAILED, A_MOVING, A_STOPPED, A_PARKED };

const char *state_name(enum guest_state s);
const char *app_state_name(enum app_state s);

#endif
