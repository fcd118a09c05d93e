/* workq.h — failures in, takeovers out: an OS fault report marks the OS
 * failed and queues its takeover; the monitor thread runs queued work one
 * item at a time with m->ctl held. The policy table the lower layers call
 * through (struct monitor_policy) points here.
 * Claims served: 1, 7, 9 (an OS fault detected starts its takeover), and
 * every takeover (4, 6, 8 for apps) runs from this queue. */
#ifndef VMFO_WORKQ_H
#define VMFO_WORKQ_H

#include "state.h"

/* Claim 9: an OS fault was detected (any mechanism). With m->lock held. */
void monitor_os_fault(struct vmfo *m, struct guest *g, const char *cause);
/* Queue work for the monitor thread. With m->lock held. -1 when the queue
 * is full: the work is dropped and counted in m->work_dropped, which
 * monitor_check_invariants reports. */
int monitor_queue(struct vmfo *m, enum work_kind kind, int index);
/* Start the monitor thread (monitor_init); monitor_destroy ends it. */
int monitor_thread_start(struct vmfo *m);

/* The policy table monitor_init_core() installs in m->policy. */
extern const struct monitor_policy monitor_policy;

#endif
