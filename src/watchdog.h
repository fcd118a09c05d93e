/* watchdog.h — claim 9's OS fault detecting routine for hangs: the VMM's
 * heartbeat watchdog, on a thread of its own so that it keeps watching
 * while a takeover runs. */
#ifndef VMFO_WATCHDOG_H
#define VMFO_WATCHDOG_H

struct vmfo;

/* What the watchdog last saw of each guest is struct hb_watch, kept in the
 * guest's state (state.h), so that the state needs nothing from here. */

/* Start and stop the watchdog thread (monitor_init, monitor_destroy). */
int watchdog_start(struct vmfo *m);
void watchdog_stop(struct vmfo *m);

#endif
