/* watchdog.h — claim 9's OS fault detecting routine for hangs: the VMM's
 * heartbeat watchdog, on a thread of its own so that it keeps watching
 * while a takeover runs. */
#ifndef VMFO_WATCHDOG_H
#define VMFO_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

struct vmfo;

/* What the watchdog last saw of one guest. */
struct hb_watch {
	uint64_t heartbeats; /* heartbeats received by then */
	uint64_t t_us;       /* when it looked */
	uint64_t outside_us; /* the vCPU thread's time in the VMM by then */
	uint64_t delay_us;   /* its time waiting for a host CPU by then */
	uint64_t on_cpu_us;  /* its time on a host CPU by then */
	bool runnable;       /* it was runnable (or running) then */
	uint64_t silent_us;  /* guest time since the last heartbeat */
};

/* Start and stop the watchdog thread (monitor_init, monitor_destroy). */
int watchdog_start(struct vmfo *m);
void watchdog_stop(struct vmfo *m);

#endif
