/* apps.h — starting, growing and faulting apps through their OS (claim 5). */
#ifndef VMFO_APPS_H
#define VMFO_APPS_H

#include <stdbool.h>

#include "monitor.h"

/* Start NAME running PROG with MB of storage on the active OS; waits for
 * app.started. The OS computes what it needs: from its own free storage
 * (os.report), or with more from the VMM (os.request, vmm.grant). */
int apps_start(struct vmfo *m, const char *name, const char *prog, uint64_t mb, bool hot,
	       struct err *e);
int apps_grow(struct vmfo *m, const char *name, uint64_t mb, struct err *e);
/* kind: crash, hang or error; the app executes it itself. The names:
 * app_fault_kind() and app_fault_name() (state.h). */
int apps_fault(struct vmfo *m, const char *name, const char *kind, struct err *e);

#endif
