/* hcall.h — the guest-to-VMM hypercalls: port check, checked addresses,
 * dispatch through one table. Runs on the calling VM's vCPU thread. */
#ifndef VMFO_HCALL_H
#define VMFO_HCALL_H

#include <stdint.h>

#include "monitor.h"

/* Handle a KVM_EXIT_IO. Anything malformed is refused and logged; the
 * monitor keeps running whatever the guest wrote. */
enum vm_action hcall_dispatch(struct vmfo *m, struct guest *g, struct kvm_run *run);

/* Host pointer to [gpa, gpa+len) if the whole range lies in one memslot of
 * vm (what it really owns), else NULL. Overflow-safe. */
void *guest_range(const struct vm *vm, uint64_t gpa, uint64_t len);

#endif
