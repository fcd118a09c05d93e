/* invariants.h — the monitor's invariants, checked on request (the
 * `invariants` command, the tests): the table against the pool, each VM's
 * memslots against the table, and nothing queued was dropped.
 * Claims served: 3 (the table is the truth), and the isolation it gives. */
#ifndef VMFO_INVARIANTS_H
#define VMFO_INVARIANTS_H

#include "state.h"

/* Check the invariants: table against pool, memslots against table.
 * -1 when one is broken, -2 when they could not be checked now. */
int monitor_check_invariants(struct vmfo *m, struct err *e);

#endif
