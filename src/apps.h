/* apps.h — starting, growing and faulting apps through their OS (claim 5). */
#ifndef VMFO_APPS_H
#define VMFO_APPS_H

#include <stdbool.h>

#include "monitor.h"
#include "needs.h"

/* Start NAME running PROG on the active OS with the size given (needs.h:
 * MB, or a count of the program's items from which the OS computes it);
 * waits for app.started. The OS takes what the app needs from its own
 * free storage (os.report), or first asks the VMM for the shortfall
 * (os.request, vmm.grant). */
int apps_start(struct vmfo *m, const char *name, const char *prog, bool hot, struct vmfo_app_size *size,
	       struct err *e);
/* The same for more: MB more, or as much more as a new count of items
 * needs in all, as the OS computes. */
int apps_grow(struct vmfo *m, const char *name, struct vmfo_app_size *size, struct err *e);
/* kind: crash, hang or error; the app executes it itself. The names:
 * app_fault_kind() and app_fault_name() (state.h). */
int apps_fault(struct vmfo *m, const char *name, const char *kind, struct err *e);

#endif
