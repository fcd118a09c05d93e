/* classroom.h — the classroom controls: slow every failover step by a pace,
 * or pause before each step until the console grants it, showing what the
 * paused sequence does next.
 * Claims served: none directly; they make the steps of claims 1-9 visible
 * one at a time. */
#ifndef VMFO_CLASSROOM_H
#define VMFO_CLASSROOM_H

#include "state.h"

/* Slow each failover step by ms; pause before each step until
 * monitor_step_grant; what the paused sequence does next (copied into
 * buf, empty when nothing waits). */
void monitor_set_pace(struct vmfo *m, uint64_t ms);
void monitor_set_step(struct vmfo *m, bool on);
void monitor_step_grant(struct vmfo *m);
void monitor_step_waiting(struct vmfo *m, char *buf, size_t size);

/* Before each step of a sequence: in step mode wait until the console
 * grants the step (it shows the text); else sleep the pace, if set. With
 * m->lock held; released while waiting, so the caller must look again at
 * whatever may have changed (an OS may have failed). */
void pace(struct vmfo *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
