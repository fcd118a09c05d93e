/* inject.h — fault injection for tests and classes: make the active (or
 * the standby) OS execute an OS fault for real, or misuse the hypercall
 * interface (hostile test mode).
 * Claims served: 1, 7, 9 (the OS faults whose detection and takeover the
 * claims describe), isolation (hostile: the VMM refuses), 3 (the table
 * changed by hand: the next takeover follows it). */
#ifndef VMFO_INJECT_H
#define VMFO_INJECT_H

#include "state.h"

/* Make the active OS execute an OS fault (enum vmfo_os_fault). A wild
 * write goes to unit `target`, or with UINT32_MAX to the standby's kernel
 * unit (or the first unit the active OS does not own). */
int monitor_os_fault_inject(struct vmfo *m, int kind, uint32_t target, struct err *e);
/* enum vmfo_os_fault for a name (panic, hang, triple, wild, engage-hang,
 * activate-hang), or -1. */
int os_fault_kind(const char *name);
/* The name of an enum vmfo_os_fault, or "?". */
const char *os_fault_name(int kind);
/* The same for the standby OS (test of faults at the worst moment). */
int monitor_standby_fault_inject(struct vmfo *m, int kind, struct err *e);
/* Test mode: make the active OS misuse the hypercall interface (enum
 * vmfo_hostile); *answer gets what the VMM told the guest. */
int monitor_hostile(struct vmfo *m, int kind, int64_t *answer, struct err *e);

/* Test mode: change one column of a row of the resource management table
 * by hand, in the table's storage and nowhere else (not the app record,
 * not the memslots), so that the next takeover shows policy reads the
 * table (claim 3): an app's hot flag (value 0 or 1), or an app's or an
 * OS's takeover OS (a VM index, or NO_VM). */
enum table_column { TABLE_COL_HOT, TABLE_COL_TAKEOVER };
int monitor_table_set(struct vmfo *m, const char *name, enum table_column col, int value,
		      struct err *e);

#endif
