/* failover.h — the VMM's takeover sequences: claims 1, 2, 3, 7 (OS failure)
 * and 4, 6, 8 (app failure), with claim 9's routines on each side. Run on
 * the monitor thread (workq.c) with m->ctl held and m->lock not held. */
#ifndef VMFO_FAILOVER_H
#define VMFO_FAILOVER_H

#include "state.h"

void failover_os(struct vmfo *m, int vm);
void failover_app(struct vmfo *m, int app);
/* Parked apps (see failover.c) to an OS that can now take them. */
void failover_unpark(struct vmfo *m);

#endif
