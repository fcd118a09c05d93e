/* vm.h — a thin KVM wrapper: a VM with one vCPU thread, memslots that map
 * runs of host memory, a kick and a doorbell. No policy lives here: the
 * monitor decides, this module only applies. */
#ifndef VMFO_VM_H
#define VMFO_VM_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#define VM_MAX_SLOTS 128

/* What the host's /dev/kvm offers; opened once per process. */
struct kvm_host {
	int fd;
	int run_size;
	struct kvm_cpuid2 *cpuid; /* supported CPUID, handed to every vCPU */
};

/* Why /dev/kvm cannot be used: the caller exits with status 3. */
int kvm_host_open(struct kvm_host *k, struct err *e);
void kvm_host_close(struct kvm_host *k);

/* A memslot as KVM has it: recorded only after the ioctl succeeded, so this
 * is what the VM can really reach (the monitor compares it with the table). */
struct vm_slot {
	bool used;
	uint64_t gpa;
	uint64_t size;
	void *hva;
};

enum vm_action { VM_CONTINUE, VM_HALT };
struct vm;
/* Called on the vCPU thread for every exit KVM hands to user space. */
typedef enum vm_action (*vm_exit_fn)(struct vm *vm, struct kvm_run *run, void *opaque);

struct vm {
	int index;
	char name[8];
	int fd;
	int vcpu_fd;
	struct kvm_run *run;
	int run_size;
	uint32_t tsc_khz;
	struct vm_slot slot[VM_MAX_SLOTS];
	pthread_t thread;
	bool thread_started;
	atomic_bool stop;
	atomic_bool halted;  /* the vCPU thread stopped running the guest */
	/* Time the vCPU thread spent outside KVM_RUN, handling exits (and
	 * waiting for the monitor's locks there): the VMM's time, not the
	 * guest's. `outside_since_us` is non-zero while it is outside. */
	_Atomic uint64_t outside_us;
	_Atomic uint64_t outside_since_us;
	_Atomic int tid;     /* the vCPU thread's id, for its scheduler stats */
	_Atomic uint64_t first_run_us; /* its first KVM_RUN began (0: not yet) */
	bool sched_open;     /* sched_fd are open (vm_sched_sample) */
	int sched_fd[2];
	vm_exit_fn on_exit;
	void *opaque;
};

/* Long-mode entry state built by the loader. */
struct vm_entry {
	uint64_t rip, rsp, rdi;
	uint64_t cr3;
	uint64_t gdt_base;
	uint16_t gdt_limit;
};

/* A VM with no vCPU yet (KVM_CREATE_VM, its TSS address): memslots may be
 * added before vm_add_vcpu(). On failure nothing is left open. */
int vm_create(struct vm *vm, struct kvm_host *k, int index, struct err *e);
/* Its in-kernel irqchip and its one vCPU, with the host's CPUID and
 * kvm_run mapped. On failure, vm_destroy() closes what was made. */
int vm_add_vcpu(struct vm *vm, struct kvm_host *k, struct err *e);
/* Map size bytes at hva to gpa as one memslot; returns the slot id. */
int vm_map(struct vm *vm, uint64_t gpa, void *hva, uint64_t size, struct err *e);
/* Remove a memslot; the guest's next access there exits as MMIO. */
int vm_unmap(struct vm *vm, int slot, struct err *e);
int vm_slot_count(const struct vm *vm);
/* The most memslots a VM may use (VM_MAX_SLOTS, or VMFO_MAX_SLOTS). */
int vm_max_slots(void);
int vm_set_entry(struct vm *vm, const struct vm_entry *entry, struct err *e);
int vm_start(struct vm *vm, vm_exit_fn on_exit, void *opaque, struct err *e);
/* When the vCPU thread first entered KVM_RUN since vm_start(), or 0: the
 * end of the thread's start-up and the guest's first instruction. */
uint64_t vm_first_run_us(struct vm *vm);
/* Interrupt the guest with an MSI at vector (no exit to user space needed). */
int vm_doorbell(struct vm *vm, uint8_t vector, struct err *e);
/* How long the vCPU thread has spent outside KVM_RUN so far, in us (an
 * exit being handled counts up to `now`). Never less than the truth. */
uint64_t vm_outside_us(struct vm *vm, uint64_t now);
/* What the host's scheduler says of the vCPU thread: time on a CPU and
 * time waiting in the run queue so far (both settled only when it next
 * gets a CPU), and whether it is runnable now. All 0 when unknown. Not
 * while the VM is being destroyed. */
struct vm_sched {
	uint64_t on_cpu_us, delay_us;
	bool runnable;
};
void vm_sched_sample(struct vm *vm, struct vm_sched *s);
/* Stop the vCPU thread (kick it out of KVM_RUN) and wait for it. */
void vm_stop(struct vm *vm);
/* Stop, then close every fd and unmap; memslots go with the VM. */
void vm_destroy(struct vm *vm);

const char *kvm_exit_name(uint32_t reason);

/* The signal used to kick vCPU threads; main() installs an empty handler. */
#define VM_KICK_SIGNAL SIGUSR1
void vm_install_kick_handler(void);

#endif
