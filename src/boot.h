/* boot.h — the pair's lifecycle: boot the active OS with sufficient and the
 * standby with insufficient storage, reset everything, and reprotect (boot
 * a failed VM again as the new standby, or as the new active OS when none
 * runs).
 * Claims served: 1 (the starting configuration), 3 (the table's first
 * rows), 8 (reprotect lets parked hot jobs be taken over). */
#ifndef VMFO_BOOT_H
#define VMFO_BOOT_H

#include "state.h"

/* Claim 1's starting point: the VMM takes its own unit, gives the active OS
 * sufficient storage (active_mb) and the standby insufficient storage
 * (standby_mb, which must be smaller; both then become the configuration), maps each as
 * memslots and starts both guests. Returns once both vCPUs run; os.ready
 * follows when each guest reports in. */
int monitor_boot(struct vmfo *m, uint64_t active_mb, uint64_t standby_mb, struct err *e);
/* Whether cfg's sizes are claim 1's: config_check's rules, and a standby
 * insufficient to execute the application programs. What boot checks,
 * for a front end to check before it changes anything. */
int monitor_check_sizes(const struct vmfo *m, const struct config *cfg, struct err *e);
/* Stop both guests, delete their VMs and slots, return every unit. */
void monitor_reset(struct vmfo *m);
/* Reboot the failed VM as the new standby with insufficient storage. */
int monitor_reprotect(struct vmfo *m, struct err *e);

#endif
