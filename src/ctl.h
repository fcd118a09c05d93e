/* ctl.h — m->ctl, which serialises policy: how a front end's action takes
 * it (refusing while a failover waits for a classroom step), begins on a
 * running OS, and ends; waiting for a quiet monitor; the settled trace a
 * verdict is taken on.
 * Claims served: all, indirectly: a verdict is taken only on a whole
 * sequence (monitor_settled_trace). */
#ifndef VMFO_CTL_H
#define VMFO_CTL_H

#include "state.h"

/* Take m->ctl for a front end's state-changing action. A failover paused
 * in step mode holds it until the console grants a step, so waiting for it
 * there would hang the console: refuse then, saying how to go on. */
/* The refusal of an action while a stepped failover waits for its next
 * step: its whole text, so that vmfo_refused_paused() can tell it. */
extern const char monitor_paused_text[];
int monitor_ctl_acquire(struct vmfo *m, struct err *e);
/* Release m->ctl (held without m->lock) and wake whoever waits for it. */
void monitor_ctl_release(struct vmfo *m);
/* Whether a policy action or failover holds ctl, or work is queued: a
 * verdict now would see half a sequence. Never waits. */
bool monitor_busy(struct vmfo *m);
/* Begin a front end's action on the active OS: take ctl and lock and
 * return the running active guest; or NULL, holding nothing, with e saying
 * why ("no active OS is running to <what>"). monitor_end releases both. */
struct guest *monitor_begin_active(struct vmfo *m, const char *what, struct err *e);
struct guest *monitor_begin_role(struct vmfo *m, enum vmfo_role role, const char *what,
				 struct err *e);
void monitor_end(struct vmfo *m);
/* Wait until no failover is queued or running (at most timeout_ms), so a
 * verdict is not taken on half a sequence. -1 when paused in step mode. */
int monitor_quiesce(struct vmfo *m, int timeout_ms, struct err *e);
/* A copy of the trace (free() it; *n events) taken while the monitor was
 * quiet, with nothing recorded between two quiet points around it: what
 * a verdict is taken on. NULL with e saying why. */
struct event *monitor_settled_trace(struct vmfo *m, int timeout_ms, size_t *n, struct err *e);

#endif
