/* vm.c — VMs, vCPU threads and memslots on /dev/kvm. */
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define KVM_TSS_GPA 0xfffbd000u /* three pages below 4 GiB, outside guest RAM */
#define CPUID_MAX_ENTRIES 256
#define CPUID1_ECX_X2APIC (1u << 21)

static const char *kvm_path(void)
{
	/* Tests point this elsewhere to see how a missing device is reported. */
	const char *p = getenv("VMFO_KVM_DEV");
	return p && *p ? p : "/dev/kvm";
}

/* kvm_host_open could not go on: e says why (formatted before anything is
 * closed, so that errno is still the failed call's), and what was opened
 * is closed again. Returns -1. */
static int host_open_failed(struct kvm_host *k, struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int host_open_failed(struct kvm_host *k, struct err *e, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
	}
	kvm_host_close(k);
	return -1;
}

int kvm_host_open(struct kvm_host *k, struct err *e)
{
	const char *path = kvm_path();
	memset(k, 0, sizeof *k);
	k->fd = open(path, O_RDWR | O_CLOEXEC);
	if (k->fd < 0) {
		int err = errno;
		if (err == ENOENT)
			return err_set(e, "%s is missing: KVM is not available on this host "
					  "(load kvm_intel or kvm_amd; inside a VM, enable nested virtualisation)", path);
		if (err == EACCES || err == EPERM)
			return err_set(e, "permission denied opening %s: run as root or join the 'kvm' group", path);
		return err_set(e, "cannot open %s: %s", path, strerror(err));
	}
	int api = ioctl(k->fd, KVM_GET_API_VERSION, 0);
	if (api < 0)
		return host_open_failed(k, e, "%s is not a KVM device (%s)", path, strerror(errno));
	if (api != KVM_API_VERSION)
		return host_open_failed(k, e, "%s speaks KVM API %d, vmfo needs %d", path, api,
					KVM_API_VERSION);
	static const struct { int cap; const char *name; } caps[] = {
		{ KVM_CAP_USER_MEMORY, "user memory" },
		{ KVM_CAP_SPLIT_IRQCHIP, "split irqchip (an in-kernel LAPIC alone)" },
		{ KVM_CAP_IMMEDIATE_EXIT, "immediate exit" },
		{ KVM_CAP_SIGNAL_MSI, "MSI injection" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(caps); i++)
		if (ioctl(k->fd, KVM_CHECK_EXTENSION, caps[i].cap) <= 0)
			return host_open_failed(k, e, "%s lacks the %s capability vmfo needs", path,
						caps[i].name);
	k->run_size = ioctl(k->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (k->run_size <= 0)
		return host_open_failed(k, e, "KVM_GET_VCPU_MMAP_SIZE failed: %s", strerror(errno));
	k->cpuid = calloc(1, sizeof *k->cpuid + CPUID_MAX_ENTRIES * sizeof k->cpuid->entries[0]);
	if (!k->cpuid)
		return host_open_failed(k, e, "out of memory");
	k->cpuid->nent = CPUID_MAX_ENTRIES;
	if (ioctl(k->fd, KVM_GET_SUPPORTED_CPUID, k->cpuid) < 0)
		return host_open_failed(k, e, "KVM_GET_SUPPORTED_CPUID failed: %s", strerror(errno));
	/* The guest uses the LAPIC in x2APIC mode, which KVM always emulates. */
	for (uint32_t i = 0; i < k->cpuid->nent; i++)
		if (k->cpuid->entries[i].function == 1)
			k->cpuid->entries[i].ecx |= CPUID1_ECX_X2APIC;

	/* A throw-away VM proves that VMs can really be created here: with
	 * nested virtualisation off, /dev/kvm may exist and still refuse. */
	int probe = ioctl(k->fd, KVM_CREATE_VM, 0);
	if (probe < 0)
		return host_open_failed(k, e, "KVM refused to create a VM (%s): is hardware or nested "
					      "virtualisation enabled?", strerror(errno));
	close(probe);
	return 0;
}

void kvm_host_close(struct kvm_host *k)
{
	if (k->fd > 0)
		close(k->fd);
	free(k->cpuid);
	memset(k, 0, sizeof *k);
	k->fd = -1;
}

int vm_create(struct vm *vm, struct kvm_host *k, int index, struct err *e)
{
	memset(vm, 0, sizeof *vm);
	vm->index = index;
	snprintf(vm->name, sizeof vm->name, "vm%d", index);
	vm->fd = vm->vcpu_fd = -1;

	vm->fd = ioctl(k->fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return err_set(e, "%s: KVM_CREATE_VM: %s", vm->name, strerror(errno));
	if (ioctl(vm->fd, KVM_SET_TSS_ADDR, KVM_TSS_GPA) < 0) {
		err_set(e, "%s: KVM_SET_TSS_ADDR: %s", vm->name, strerror(errno));
		vm_destroy(vm);
		return -1;
	}
	return 0;
}

int vm_add_vcpu(struct vm *vm, struct kvm_host *k, struct err *e)
{
	/* The in-kernel LAPIC gives the guest a timer and MSI doorbells without
	 * exits to user space; it must exist before the vCPU. The LAPIC alone
	 * (a split irqchip with no IOAPIC pins): the guest has no use for a
	 * PIC or an IOAPIC, and making them (KVM_CREATE_IRQCHIP) left the VM's
	 * first memslot change waiting 5-11 ms on nested hosts
	 * (docs/kvm-notes.md, section 8). */
	struct kvm_enable_cap lapic_only = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { 0 } };
	if (ioctl(vm->fd, KVM_ENABLE_CAP, &lapic_only) < 0)
		return err_set(e, "%s: KVM_ENABLE_CAP (split irqchip): %s", vm->name, strerror(errno));
	vm->vcpu_fd = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return err_set(e, "%s: KVM_CREATE_VCPU: %s", vm->name, strerror(errno));
	if (ioctl(vm->vcpu_fd, KVM_SET_CPUID2, k->cpuid) < 0)
		return err_set(e, "%s: KVM_SET_CPUID2: %s", vm->name, strerror(errno));
	int khz = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);
	vm->tsc_khz = khz > 0 ? (uint32_t)khz : 0; /* 0: unknown, the guest copes */
	vm->run_size = k->run_size;
	vm->run = mmap(NULL, (size_t)k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return err_set(e, "%s: mapping kvm_run: %s", vm->name, strerror(errno));
	}
	return 0;
}

static int set_slot(struct vm *vm, int id, uint64_t gpa, void *hva, uint64_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = (uint32_t)id,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};
	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r);
}

/* How many memslots a VM may use: VM_MAX_SLOTS, or fewer when the test
 * suite sets VMFO_MAX_SLOTS to see what happens when there are none left. */
int vm_max_slots(void)
{
	static int n;
	if (!n) {
		const char *s = getenv("VMFO_MAX_SLOTS");
		int v = s ? atoi(s) : 0;
		n = v > 0 && v < VM_MAX_SLOTS ? v : VM_MAX_SLOTS;
	}
	return n;
}

int vm_map(struct vm *vm, uint64_t gpa, void *hva, uint64_t size, struct err *e)
{
	int id = -1;
	for (int i = 0; i < vm_max_slots() && id < 0; i++)
		if (!vm->slot[i].used)
			id = i;
	if (id < 0)
		return err_set(e, "%s: all %d memslots in use", vm->name, vm_max_slots());
	if (set_slot(vm, id, gpa, hva, size) < 0)
		return err_set(e, "%s: adding memslot %d at 0x%llx (%llu KiB): %s", vm->name, id,
			       (unsigned long long)gpa, (unsigned long long)(size >> 10), strerror(errno));
	vm->slot[id] = (struct vm_slot){ true, gpa, size, hva };
	return id;
}

int vm_unmap(struct vm *vm, int id, struct err *e)
{
	if (id < 0 || id >= VM_MAX_SLOTS || !vm->slot[id].used)
		return err_set(e, "%s: memslot %d is not in use", vm->name, id);
	if (set_slot(vm, id, vm->slot[id].gpa, vm->slot[id].hva, 0) < 0)
		return err_set(e, "%s: deleting memslot %d: %s", vm->name, id, strerror(errno));
	vm->slot[id].used = false;
	return 0;
}

int vm_slot_count(const struct vm *vm)
{
	int n = 0;
	for (int i = 0; i < VM_MAX_SLOTS; i++)
		n += vm->slot[i].used;
	return n;
}

static void set_segment(struct kvm_segment *s, uint16_t sel, uint8_t type, bool code64)
{
	*s = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .s = 1, .g = 1,
		.l = code64, .db = !code64,
	};
}

int vm_set_entry(struct vm *vm, const struct vm_entry *en, struct err *e)
{
	struct kvm_sregs sr;
	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sr) < 0)
		return err_set(e, "%s: KVM_GET_SREGS: %s", vm->name, strerror(errno));
	sr.cr0 = 0x80010033;  /* PG | WP | NE | ET | MP | PE */
	sr.cr4 = 0x20;        /* PAE */
	sr.efer = 0x500;      /* LMA | LME */
	sr.cr3 = en->cr3;
	set_segment(&sr.cs, 0x08, 11, true);
	set_segment(&sr.ds, 0x10, 3, false);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;
	sr.gdt.base = en->gdt_base;
	sr.gdt.limit = en->gdt_limit;
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sr) < 0)
		return err_set(e, "%s: KVM_SET_SREGS: %s", vm->name, strerror(errno));

	struct kvm_regs regs = { .rip = en->rip, .rsp = en->rsp, .rdi = en->rdi, .rflags = 2 };
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return err_set(e, "%s: KVM_SET_REGS: %s", vm->name, strerror(errno));
	return 0;
}

/* immediate_exit is written by the vCPU thread and by vm_stop's thread. */
static void set_immediate_exit(struct vm *vm, uint8_t v)
{
	__atomic_store_n(&vm->run->immediate_exit, v, __ATOMIC_SEQ_CST);
}

/* The watchdog judges a guest on the time it really had: what the vCPU
 * thread spends in the VMM's exit handling is not the guest's. */
static void leave_guest(struct vm *vm)
{
	atomic_store(&vm->outside_since_us, now_us());
}

static void enter_guest(struct vm *vm)
{
	uint64_t since = atomic_load(&vm->outside_since_us);
	atomic_fetch_add(&vm->outside_us, now_us() - since);
	atomic_store(&vm->outside_since_us, 0);
}

uint64_t vm_outside_us(struct vm *vm, uint64_t now)
{
	for (;;) {
		uint64_t since = atomic_load(&vm->outside_since_us);
		uint64_t total = atomic_load(&vm->outside_us);
		/* An interval that ended between the two loads is counted
		 * twice, never missed: more VMM time is the safe error. */
		if (atomic_load(&vm->outside_since_us) == since)
			return total + (since && now > since ? now - since : 0);
	}
}

/* The vCPU thread's scheduler files, opened once and read again with
 * pread: the watchdog looks 200 times a second. */
static const char *const sched_file[2] = { "schedstat", "stat" };

/* Once the vCPU thread has said who it is (vm_start). A host without
 * these files leaves them closed: the watchdog then excuses less. */
static void open_sched_files(struct vm *vm, int tid)
{
	for (int i = 0; i < 2; i++) {
		char path[64];
		snprintf(path, sizeof path, "/proc/self/task/%d/%s", tid, sched_file[i]);
		vm->sched_fd[i] = open(path, O_RDONLY | O_CLOEXEC);
	}
	vm->sched_open = true;
}

static int read_sched_file(struct vm *vm, int which, char *buf, size_t size)
{
	if (!vm->sched_open || vm->sched_fd[which] < 0)
		return -1;
	ssize_t n = pread(vm->sched_fd[which], buf, size - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static void close_sched_files(struct vm *vm)
{
	for (int i = 0; vm->sched_open && i < 2; i++)
		if (vm->sched_fd[i] >= 0)
			close(vm->sched_fd[i]);
	vm->sched_open = false;
}

void vm_sched_sample(struct vm *vm, struct vm_sched *s)
{
	char buf[512];
	unsigned long long run_ns, delay_ns;

	*s = (struct vm_sched){ 0 };
	if (read_sched_file(vm, 0, buf, sizeof buf) == 0 &&
	    sscanf(buf, "%llu %llu", &run_ns, &delay_ns) == 2) {
		s->on_cpu_us = run_ns / 1000;
		s->delay_us = delay_ns / 1000;
	}
	/* The state follows the command name, which may hold spaces. */
	const char *close_paren;
	if (read_sched_file(vm, 1, buf, sizeof buf) == 0 && (close_paren = strrchr(buf, ')')))
		s->runnable = close_paren[1] == ' ' && close_paren[2] == 'R';
}

static void *vcpu_thread(void *arg)
{
	struct vm *vm = arg;

	atomic_store(&vm->tid, (int)gettid());
	atomic_store(&vm->first_run_us, now_us());
	while (!atomic_load(&vm->stop)) {
		enter_guest(vm);
		int rc = ioctl(vm->vcpu_fd, KVM_RUN, 0);
		leave_guest(vm);
		if (rc < 0) {
			/* EINTR: a kick; exit_reason is stale, so only look at stop. */
			if (errno == EINTR || errno == EAGAIN) {
				set_immediate_exit(vm, 0);
				continue;
			}
			vm->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
			vm->run->fail_entry.hardware_entry_failure_reason = (uint64_t)errno;
		}
		if (vm->on_exit(vm, vm->run, vm->opaque) == VM_HALT)
			break;
	}
	atomic_store(&vm->halted, true);
	return NULL;
}

int vm_start(struct vm *vm, vm_exit_fn on_exit, void *opaque, struct err *e)
{
	vm->on_exit = on_exit;
	vm->opaque = opaque;
	atomic_store(&vm->stop, false);
	atomic_store(&vm->halted, false);
	atomic_store(&vm->outside_since_us, now_us()); /* not in the guest yet */
	atomic_store(&vm->first_run_us, 0);
	int rc = thread_start(&vm->thread, vcpu_thread, vm);
	if (rc)
		return err_set(e, "%s: starting the vCPU thread: %s", vm->name, strerror(rc));
	vm->thread_started = true;
	/* Its thread id comes first thing; the watchdog reads its files. */
	int tid;
	while (!(tid = atomic_load(&vm->tid)))
		sched_yield();
	open_sched_files(vm, tid);
	return 0;
}

uint64_t vm_first_run_us(struct vm *vm)
{
	return atomic_load(&vm->first_run_us);
}

int vm_doorbell(struct vm *vm, uint8_t vector, struct err *e)
{
	struct kvm_msi msi = { .address_lo = 0xfee00000, .data = vector };
	if (ioctl(vm->fd, KVM_SIGNAL_MSI, &msi) < 0)
		return err_set(e, "%s: KVM_SIGNAL_MSI: %s", vm->name, strerror(errno));
	return 0;
}

void vm_stop(struct vm *vm)
{
	if (!vm->thread_started)
		return;
	atomic_store(&vm->stop, true);
	/* immediate_exit covers a kick that lands outside KVM_RUN. Keep
	 * kicking until the thread is gone: a signal can arrive between the
	 * stop check and the ioctl. */
	while (!atomic_load(&vm->halted)) {
		set_immediate_exit(vm, 1);
		pthread_kill(vm->thread, VM_KICK_SIGNAL);
		/* A kicked vCPU leaves KVM_RUN within some tens of
		 * microseconds: look often (a takeover waits on this), kick
		 * again every 200. */
		for (int i = 0; i < 20 && !atomic_load(&vm->halted); i++)
			usleep(10);
	}
	pthread_join(vm->thread, NULL);
	vm->thread_started = false;
}

void vm_destroy(struct vm *vm)
{
	vm_stop(vm);
	if (vm->run)
		munmap(vm->run, (size_t)vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->fd >= 0)
		close(vm->fd);
	close_sched_files(vm);
	atomic_store(&vm->tid, 0);
	vm->run = NULL;
	vm->vcpu_fd = vm->fd = -1;
	memset(vm->slot, 0, sizeof vm->slot);
}

static void kick_handler(int sig)
{
	(void)sig; /* only there to make KVM_RUN return EINTR */
}

void vm_install_kick_handler(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = kick_handler; /* no SA_RESTART: KVM_RUN must return */
	sigemptyset(&sa.sa_mask);
	sigaction(VM_KICK_SIGNAL, &sa, NULL);
}

const char *kvm_exit_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "unknown", [KVM_EXIT_EXCEPTION] = "exception",
		[KVM_EXIT_IO] = "io", [KVM_EXIT_HYPERCALL] = "hypercall",
		[KVM_EXIT_DEBUG] = "debug", [KVM_EXIT_HLT] = "hlt",
		[KVM_EXIT_MMIO] = "mmio", [KVM_EXIT_IRQ_WINDOW_OPEN] = "irq-window",
		[KVM_EXIT_SHUTDOWN] = "shutdown", [KVM_EXIT_FAIL_ENTRY] = "fail-entry",
		[KVM_EXIT_INTR] = "intr", [KVM_EXIT_INTERNAL_ERROR] = "internal-error",
	};
	if (reason < ARRAY_SIZE(names) && names[reason])
		return names[reason];
	return "other";
}
