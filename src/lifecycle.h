/* lifecycle.h — the states an OS and an app go through, and how many apps
 * there can be: kept by the monitor (state.h), read by front ends in
 * snapshots (vmfo.h). */
#ifndef VMFO_LIFECYCLE_H
#define VMFO_LIFECYCLE_H

#include "table.h"

enum guest_state { G_DOWN, G_BOOTING, G_RUNNING, G_FAILED };

#define MAX_APPS 16
#define APP_NAME_MAX ROW_NAME_MAX

/* A_PARKED: a hot app whose storage waits, unmapped and owned by the VMM,
 * for an OS that can take it over (failover.c). */
enum app_state { A_FREE, A_STARTING, A_RUNNING, A_FAILED, A_MOVING, A_STOPPED, A_PARKED };

const char *state_name(enum guest_state s);

/* An OS's boot as the VMM times it, phase by phase, in the order they
 * run: each is charged the time from the end of the one before to its
 * own end (boot.c ends the first four, the vCPU thread's first KVM_RUN
 * the fifth, the READY hypercall the last), so together they cover the
 * OS's boot without a gap. What bench and docs/performance.md call "where
 * boot time goes". */
enum boot_phase {
	BOOT_CREATE_VM,   /* KVM_CREATE_VM, the TSS address */
	BOOT_CREATE_VCPU, /* the in-kernel LAPIC, the vCPU, its CPUID, kvm_run */
	BOOT_MEMSLOTS,    /* the OS's storage as memslots */
	BOOT_LONG_MODE,   /* the loader (image, boot info, page tables, GDT, TSS, IDT), the registers */
	BOOT_VCPU_THREAD, /* the vCPU thread started, up to its first KVM_RUN */
	BOOT_GUEST_INIT,  /* the guest at CPL0: first instruction to its READY hypercall */
	BOOT_PHASES
};
const char *boot_phase_name(enum boot_phase p);
const char *app_state_name(enum app_state s);

#endif
