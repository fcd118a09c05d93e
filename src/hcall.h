/* hcall.h — what the VMM does when a vCPU exits to it: the guest-to-VMM
 * hypercalls (port check, checked addresses, dispatch through one table),
 * accesses outside the VM's storage, and exits that end the VM. Runs on
 * the calling VM's vCPU thread; asks policy only through m->policy.
 * Claims served: 2 (AUX_READ), 5 (REPORT, REQUEST), 6, 9 (app events and
 * failures, panics), and the isolation the table promises (MMIO). */
#ifndef VMFO_HCALL_H
#define VMFO_HCALL_H

#include <stdint.h>

#include "state.h"

/* The vCPU thread's exit handler (vm_start's callback; opaque is the
 * struct vmfo): port I/O to hcall_dispatch, MMIO refused, anything else
 * ends the VM as an OS fault. */
enum vm_action hcall_vm_exit(struct vm *vm, struct kvm_run *run, void *opaque);

/* Handle a KVM_EXIT_IO. Anything malformed is refused and logged; the
 * monitor keeps running whatever the guest wrote. */
enum vm_action hcall_dispatch(struct vmfo *m, struct guest *g, struct kvm_run *run);

/* Host pointer to [gpa, gpa+len) if the whole range lies in one memslot of
 * vm (what it really owns), else NULL. Overflow-safe. */
void *guest_range(const struct vm *vm, uint64_t gpa, uint64_t len);

#endif
