/* kernel.c — the vmfo mini-OS: one image, booted as the active or the
 * standby OS. Boot, interrupts, hypercalls, the console, the VMM's mailbox,
 * and the OS faults vmfo can inject. Apps are in tasks.c, storage in
 * storage.c.
 *
 * Everything here runs at CPL0, which on nested KVM hosts is emulated and
 * thousands of times slower than CPL3 (docs/architecture.md): keep every path short,
 * never loop over memory here; apps do their heavy work in ring 3. */
#include "os.h"

_Static_assert(VMFO_VEC_TIMER == 64 && VMFO_VEC_DOORBELL == 65 && VMFO_VEC_SPURIOUS == 255,
	       "entry.S hard-codes the vector numbers");

#define MSR_APIC_BASE 0x1b
#define MSR_X2APIC_EOI 0x80b
#define MSR_X2APIC_SVR 0x80f
#define MSR_X2APIC_LVT_TIMER 0x832
#define MSR_X2APIC_TIMER_INIT 0x838
#define MSR_X2APIC_TIMER_DIV 0x83e
#define APIC_BASE_ENABLE (1u << 11)
#define APIC_BASE_X2APIC (1u << 10)
#define APIC_SVR_ENABLE 0x100
#define APIC_TIMER_PERIODIC (1u << 17)
#define APIC_DIV_1 0xb
#define MSR_KVM_STEAL_TIME 0x4b564d03
#define KVM_CPUID_SIGNATURE 0x40000000
#define KVM_CPUID_FEATURES 0x40000001
#define KVM_FEATURE_STEAL_TIME (1u << 5)

extern const uint64_t stub_table[][2], stub_table_end[][2];
extern char kstack_top[], ist_top[];

/* What the VMM needs to build this kernel's IDT and TSS before its first
 * instruction (src/loader.c): kernel.ld puts it at VMFO_KHDR_OFF, right
 * after entry.S's 16-byte jump (aligned(16): GCC would give an object this
 * size 32-byte alignment, and put it at 0x20). */
__attribute__((section(".kernel_header"), used, aligned(16)))
const struct vmfo_kernel_header kernel_header = {
	.magic = VMFO_KHDR_MAGIC,
	.stubs = (uint64_t)stub_table,
	.stubs_end = (uint64_t)stub_table_end,
	.kstack_top = (uint64_t)kstack_top,
	.ist_top = (uint64_t)ist_top,
};

const struct vmfo_boot_info *boot;
static volatile struct vmfo_mailbox *mbox;
uint64_t ticks;

/* ---- small freestanding helpers ---- */

/* String instructions, eight bytes an iteration: at CPL0 on nested hosts
 * each iteration is emulated on its own, about 0.6 us for `rep movsb` (a
 * 132-byte unit set took 84 us to copy) and 0.9 us for `rep movsq` (15 us
 * for the same bytes). A byte loop was worse still: it made each task
 * switch cost ~0.7 ms (vmfo bench). */
void *memset(void *d, int c, size_t n)
{
	void *p = d;
	size_t words = n / 8, rest = n % 8;
	uint64_t v = 0x0101010101010101ull * (uint8_t)c;
	__asm__ volatile("rep stosq" : "+D"(p), "+c"(words) : "a"(v) : "memory");
	__asm__ volatile("rep stosb" : "+D"(p), "+c"(rest) : "a"(v) : "memory");
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	void *p = d;
	size_t words = n / 8, rest = n % 8;
	__asm__ volatile("rep movsq" : "+D"(p), "+S"(s), "+c"(words) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(p), "+S"(s), "+c"(rest) : : "memory");
	return d;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void *kunit(uint64_t offset)
{
	return (void *)(VMFO_KERNEL_VA + offset);
}

/* The kernel unit is mapped at VMFO_KERNEL_VA; the VMM wants physical. */
static inline uint64_t va_to_gpa(const volatile void *p)
{
	return (uint64_t)p - VMFO_KERNEL_VA + boot->kernel_gpa;
}

void hypercall(enum vmfo_hc nr, void *arg)
{
	outl((uint16_t)(VMFO_HC_PORT + nr), (uint32_t)(va_to_gpa(arg) >> 3));
}

static void __attribute__((noreturn)) halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* ---- console: a line at a time through VMFO_HC_CONSOLE ---- */

void console_print(const char *fmt, uint32_t len, const uint64_t arg[VMFO_CONSOLE_ARGS])
{
	struct vmfo_hc_console c = { .gpa = va_to_gpa(fmt), .len = len };
	memcpy(c.arg, arg, sizeof c.arg);
	hypercall(VMFO_HC_CONSOLE, &c);
}

/* ---- interrupts ---- */

static void idt_load(uint16_t limit)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { limit, (uint64_t)kunit(VMFO_KOFF_IDT) };
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

/* The VMM built the IDT from kernel_header's stubs (a loop over every
 * vector here cost ~0.4 ms of emulated CPL0 per boot): load it. */
static void idt_init(void)
{
	idt_load(VMFO_IDT_LIMIT);
}

/* The VMM built the TSS too, with its stacks and an I/O bitmap that opens
 * only the apps' doorbell to ring 3 (a byte loop over the bitmap here cost
 * ~0.4 ms): load it. */
static void tss_init(void)
{
	__asm__ volatile("ltr %w0" : : "r"(VMFO_SEL_TSS));
}

uint32_t tick_ms(void)
{
	return vmfo_tick_ms(boot->heartbeat_ms);
}

/* ---- time the host did not give this vCPU (KVM steal time) ---- */

/* KVM's layout: it writes `steal` (ns the vCPU was runnable but not
 * running), bumping version to odd before and to even after. */
struct kvm_steal_time {
	uint64_t steal;
	uint32_t version, flags;
	uint8_t preempted, pad8[3];
	uint32_t pad[11];
};
static volatile struct kvm_steal_time steal_time __attribute__((aligned(64)));
static int have_steal_time;

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

/* Only if the VMM's CPUID offers it: an unknown MSR would fault. */
static void steal_time_init(void)
{
	uint32_t a, b, c, d;
	cpuid(KVM_CPUID_SIGNATURE, &a, &b, &c, &d);
	if (b != 0x4b4d564b || c != 0x564b4d56 || d != 0x4d || a < KVM_CPUID_FEATURES) /* "KVMKVMKVM" */
		return;
	cpuid(KVM_CPUID_FEATURES, &a, &b, &c, &d);
	if (!(a & KVM_FEATURE_STEAL_TIME))
		return;
	wrmsr(MSR_KVM_STEAL_TIME, va_to_gpa(&steal_time) | 1);
	have_steal_time = 1;
}

uint64_t steal_ns(void)
{
	if (!have_steal_time)
		return 0;
	for (;;) {
		uint32_t v = steal_time.version;
		__asm__ volatile("" : : : "memory");
		uint64_t st = steal_time.steal;
		__asm__ volatile("" : : : "memory");
		if (!(v & 1) && steal_time.version == v)
			return st;
	}
}

static void lapic_init(void)
{
	uint32_t ms = tick_ms();

	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
	wrmsr(MSR_X2APIC_SVR, APIC_SVR_ENABLE | VMFO_VEC_SPURIOUS);
	wrmsr(MSR_X2APIC_TIMER_DIV, APIC_DIV_1);
	wrmsr(MSR_X2APIC_LVT_TIMER, VMFO_VEC_TIMER | APIC_TIMER_PERIODIC);
	wrmsr(MSR_X2APIC_TIMER_INIT, boot->lapic_hz / 1000 * ms);
}

/* ---- OS faults: executed here, for real, for the VMM to detect ---- */

/* Write a crash record into this OS's own storage, tell the VMM, stop. The
 * standby reads the record once the VMM hands it this storage. */
void __attribute__((noreturn)) os_panic(uint64_t reason)
{
	struct vmfo_crash_record *c = kunit(VMFO_KOFF_CRASH);
	c->reason = reason;
	c->ticks = ticks;
	tasks_fill_crash(c);
	c->magic = VMFO_CRASH_MAGIC;
	kprintf("panic: reason %u, crash record written", reason);
	struct vmfo_hc_panic p = { .reason = reason };
	hypercall(VMFO_HC_PANIC, &p);
	halt_forever();
}

static void __attribute__((noreturn)) os_fault(uint64_t kind, uint64_t target_gpa)
{
	switch (kind) {
	case VMFO_OS_FAULT_PANIC:
		os_panic(kind);
	case VMFO_OS_FAULT_TRIPLE:
		/* No IDT at all: the #UD cannot be delivered, nor can the
		 * double fault that follows, so the CPU shuts down. */
		idt_load(0);
		__asm__ volatile("ud2");
		break;
	case VMFO_OS_FAULT_WILD:
		*(volatile uint8_t *)target_gpa = 0xa5;
		break;
	}
	/* VMFO_OS_FAULT_HANG, and anything that returned: interrupts off,
	 * halted, heartbeats stop. */
	halt_forever();
}

/* ---- mailbox: the VMM's requests ---- */

static int64_t in_pool(uint64_t gpa)
{
	return gpa >= boot->pool_gpa &&
	       gpa < boot->pool_gpa + (uint64_t)boot->pool_units * boot->unit_bytes;
}

/* Claim 9, resource engaging routine: take what the VMM attached as this
 * OS's own, and if it came from a failed OS, read that OS's crash record. */
/* Test mode: fail in the middle of a takeover. */
static int hang_on_attach, hang_after_activate;

/* *took gets what it engaged, read back from its own storage map; val[0]
 * the unit + 1 whose crash record it read (0: none), val[1] 1 if there
 * was one. */
static int64_t engage(const struct vmfo_runs *runs, uint64_t crash_unit_plus1,
		      struct vmfo_runs *took, uint64_t val[2])
{
	took->nruns = 0;
	val[0] = val[1] = 0;
	if (runs->nruns == 0 || runs->nruns > VMFO_MAX_RUNS)
		return -VMFO_EINVAL;
	if (hang_on_attach) {
		kprintf("hanging while engaging storage, as asked");
		halt_forever();
	}
	storage_add(runs);
	storage_held(runs, took);
	if (crash_unit_plus1) {
		const struct vmfo_crash_record *c =
			(const void *)(unit_gpa((uint32_t)(crash_unit_plus1 - 1)) + VMFO_KOFF_CRASH);
		val[0] = crash_unit_plus1;
		val[1] = c->magic == VMFO_CRASH_MAGIC;
		if (val[1]) {
			kprintf("post-mortem: the failed OS panicked (reason %u)", c->reason);
			kprintf("post-mortem: it had run %u ticks", c->ticks);
			for (uint64_t i = 0; i < c->napps && i < VMFO_MAX_APPS; i++)
				kprintf("post-mortem: app with seq %u was running", c->app[i].seq);
		} else {
			kprintf("post-mortem: no crash record: the failed OS stopped without writing one");
		}
	}
	uint32_t units = 0;
	for (uint32_t i = 0; i < took->nruns; i++)
		units += took->run[i].count;
	kprintf("engaged %u units from the VMM", units);
	return VMFO_OK;
}

/* ---- test mode: a hostile OS (the VMM must refuse all of this) ---- */

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

/* Test mode: answer the next DISCONNECT, without doing it, with runs
 * outside the pool. */
static int bad_ack_runs;

/* Returns what the VMM answered (its status), so tests can see it. */
static int64_t hostile(uint64_t kind, uint64_t foreign)
{
	switch (kind) {
	case VMFO_HOSTILE_ARG_FOREIGN:
		outl((uint16_t)(VMFO_HC_PORT + VMFO_HC_CONSOLE), (uint32_t)(foreign >> 3));
		return VMFO_OK;
	case VMFO_HOSTILE_ARG_BEYOND:
		outl((uint16_t)(VMFO_HC_PORT + VMFO_HC_CONSOLE), 0xfffffff8u);
		return VMFO_OK;
	case VMFO_HOSTILE_LENGTH: {
		struct vmfo_hc_console c = { .gpa = va_to_gpa(&c), .len = 0x40000000u,
					     .status = VMFO_ENOREPLY };
		hypercall(VMFO_HC_CONSOLE, &c);
		return c.status;
	}
	case VMFO_HOSTILE_FORMAT: {
		static const char seven[] = "%u %u %u %u %u %u %u"; /* one number short */
		struct vmfo_hc_console c = { .gpa = va_to_gpa(seven), .len = sizeof seven - 1,
					     .status = VMFO_ENOREPLY };
		hypercall(VMFO_HC_CONSOLE, &c);
		return c.status;
	}
	case VMFO_HOSTILE_TEXT_FOREIGN: {
		struct vmfo_hc_console c = { .gpa = foreign, .len = 16, .status = VMFO_ENOREPLY };
		hypercall(VMFO_HC_CONSOLE, &c);
		return c.status;
	}
	case VMFO_HOSTILE_UNKNOWN: {
		struct vmfo_hc_ack x = { .seq = 1 };
		outl((uint16_t)(VMFO_HC_PORT + 50), (uint32_t)(va_to_gpa(&x) >> 3));
		return VMFO_OK;
	}
	case VMFO_HOSTILE_DIRECTION:
		return inl((uint16_t)(VMFO_HC_PORT + VMFO_HC_CONSOLE)) == 0xffffffffu ? VMFO_OK : -VMFO_EINVAL;
	case VMFO_HOSTILE_CLAIM: {
		/* App 0's own units, and one more that is someone else's. */
		uint32_t unit = (uint32_t)((foreign - boot->pool_gpa) / boot->unit_bytes);
		struct vmfo_hc_units r = { .app_id = 0, .status = VMFO_ENOREPLY };
		if (task_runs(0, &r.runs) || r.runs.nruns == VMFO_MAX_RUNS)
			r.runs.nruns = 0;
		r.runs.run[r.runs.nruns].first = unit;
		r.runs.run[r.runs.nruns].count = 1;
		r.runs.nruns++;
		hypercall(VMFO_HC_REPORT, &r);
		return r.status;
	}
	case VMFO_HOSTILE_REQUEST: {
		struct vmfo_hc_request r = { .units = 1ull << 40, .status = VMFO_ENOREPLY };
		hypercall(VMFO_HC_REQUEST, &r);
		return r.status;
	}
	case VMFO_HOSTILE_AUX: {
		struct vmfo_hc_aux_read r = { .offset = 1ull << 40, .gpa = va_to_gpa(&r), .len = 8,
					      .status = VMFO_ENOREPLY };
		hypercall(VMFO_HC_AUX_READ, &r);
		return r.status;
	}
	case VMFO_HOSTILE_ACK: {
		struct vmfo_hc_ack x = { .seq = 1ull << 40, .status = VMFO_ENOREPLY };
		hypercall(VMFO_HC_ACK, &x);
		return x.status;
	}
	case VMFO_HOSTILE_FLOOD:
		for (int i = 0; i < 300; i++)
			outl((uint16_t)(VMFO_HC_PORT + VMFO_HC_CONSOLE), 0xfffffff8u);
		return VMFO_OK;
	case VMFO_HOSTILE_ACK_RUNS:
		bad_ack_runs = 1; /* the next DISCONNECT's answer */
		return VMFO_OK;
	case VMFO_HOSTILE_LOADED: {
		struct vmfo_hc_app_event ev = { .app_id = 0, .what = VMFO_APP_LOADED,
						.kind = VMFO_LOAD_AUX, .status = VMFO_ENOREPLY };
		hypercall(VMFO_HC_APP_EVENT, &ev);
		return ev.status;
	}
	case VMFO_HOSTILE_VERIFIED: {
		struct vmfo_hc_app_event ev = { .app_id = 0, .what = VMFO_APP_VERIFIED,
						.kind = VMFO_VERIFY_OK, .checked = 1ull << 40,
						.status = VMFO_ENOREPLY };
		hypercall(VMFO_HC_APP_EVENT, &ev);
		return ev.status;
	}
	}
	return -VMFO_EINVAL;
}

/* An OS fault the VMM asked for, executed once the request is answered. */
struct pending_fault {
	uint64_t kind;
	uint64_t gpa; /* for VMFO_OS_FAULT_WILD */
};

static int64_t handle_request(volatile struct vmfo_mailbox *mb, struct pending_fault *pf)
{
	/* The VMM leaves a request alone until it is answered, so its runs are
	 * read, and the answer's written, where they lie: at CPL0 a copy of a
	 * unit set costs some 15 us. */
	const struct vmfo_runs *runs = (const struct vmfo_runs *)&mb->runs;
	struct vmfo_runs *answer = (struct vmfo_runs *)&mb->ack_runs;
	uint64_t val[2];
	int64_t rc;
	const uint64_t *a = (const uint64_t *)mb->arg;

	switch (mb->cmd) {
	case VMFO_MB_PING:
		mb->ack_val[0] = mb->pulse;
		return VMFO_OK;
	case VMFO_MB_OS_FAULT:
		if (a[0] == 0 || a[0] >= VMFO_OS_FAULT_MAX || (a[0] == VMFO_OS_FAULT_WILD && !in_pool(a[1])))
			return -VMFO_EINVAL;
		if (a[0] == VMFO_OS_FAULT_ENGAGE_HANG) {
			hang_on_attach = 1;
			return VMFO_OK;
		}
		if (a[0] == VMFO_OS_FAULT_ACTIVATE_HANG) {
			hang_after_activate = 1;
			return VMFO_OK;
		}
		pf->kind = a[0];
		pf->gpa = a[1];
		return VMFO_OK;
	case VMFO_MB_APP_START: /* a[3], hot: the VMM keeps that flag in its table */
	case VMFO_MB_APP_GROW: {
		uint64_t out[4] = { 0 };
		rc = mb->cmd == VMFO_MB_APP_START ? app_start(a[0], a[1], a[2], a[4], out)
						  : app_grow(a[0], a[1], a[2], out);
		for (int i = 0; i < 4; i++)
			mb->ack_val[i] = out[i];
		return rc;
	}
	case VMFO_MB_APP_FAULT:
		return app_inject(a[0], a[1]);
	case VMFO_MB_DISCONNECT:
		if (bad_ack_runs) { /* test mode: a hostile answer */
			bad_ack_runs = 0;
			answer->nruns = 1;
			answer->run[0].first = boot->pool_units;
			answer->run[0].count = 4;
			return VMFO_OK;
		}
		return app_disconnect(a[0], a[1], runs, answer);
	case VMFO_MB_ATTACH:
		rc = engage(runs, a[0], answer, val);
		mb->ack_val[0] = val[0];
		mb->ack_val[1] = val[1];
		return rc;
	case VMFO_MB_ACTIVATE:
		if (hang_after_activate) /* test mode: fail before the app resumes */
			pf->kind = VMFO_OS_FAULT_HANG;
		return app_activate(a[0], a[1], a[2], runs);
	case VMFO_MB_HOSTILE:
		return hostile(a[0], a[1]);
	case VMFO_MB_RELEASE:
		return storage_give_back((uint32_t)a[0]);
	}
	return -VMFO_EINVAL;
}

static void mailbox_poll(void)
{
	uint64_t seq = mbox->req_seq;
	struct pending_fault pf = { 0, 0 };

	if (seq == mbox->ack_seq)
		return;
	__asm__ volatile("" : : : "memory"); /* read cmd/arg after req_seq */
	mbox->ack_runs.nruns = 0; /* only DISCONNECT and ATTACH name storage */
	mbox->ack_status = handle_request(mbox, &pf);
	__asm__ volatile("" : : : "memory"); /* answer before ack_seq */
	mbox->ack_seq = seq;
	struct vmfo_hc_ack ack = { .seq = seq };
	hypercall(VMFO_HC_ACK, &ack);
	/* A fault is executed after the answer, so the VMM's request
	 * completes and what follows is detected as the fault itself. */
	if (pf.kind)
		os_fault(pf.kind, pf.gpa);
}

static void on_tick(void)
{
	ticks++;
	tasks_tick();
	mailbox_poll();
}

static void __attribute__((noreturn)) kernel_fault(const struct frame *f)
{
	kprintf("kernel fault: exception %u at rip 0x%x error 0x%x", f->vector, f->rip, f->error);
	os_panic(VMFO_OS_FAULT_PANIC);
}

static void dispatch(struct frame *f)
{
	switch (f->vector) {
	case VMFO_VEC_TIMER:
		wrmsr(MSR_X2APIC_EOI, 0);
		on_tick();
		schedule(f, 1);
		return;
	case VMFO_VEC_DOORBELL:
		wrmsr(MSR_X2APIC_EOI, 0);
		mailbox_poll();
		schedule(f, 1);
		return;
	case VMFO_VEC_SPURIOUS:
		return;
	}
	if ((f->cs & 3) == 3)
		task_trap(f); /* an app's fault: the fault-level routine decides */
	else
		kernel_fault(f);
}

/* Every entry to the kernel: the pulse the VMM's heartbeat watchdog reads
 * goes up, and the app watchdog counts what ran in ring 3 between leaving
 * and re-entering it. */
void trap(struct frame *f);
void trap(struct frame *f)
{
	mbox->pulse++;
	if ((f->cs & 3) == 3)
		tasks_left_ring3();
	dispatch(f);
	if ((f->cs & 3) == 3)
		tasks_enter_ring3();
}

/* ---- boot ---- */

void kmain(const struct vmfo_boot_info *bi);
void kmain(const struct vmfo_boot_info *bi)
{
	boot = bi;
	mbox = kunit(VMFO_KOFF_MAILBOX);

	idt_init();
	tss_init();
	steal_time_init();
	storage_init();
	aux_init();
	lapic_init();

	uint64_t units = 0;
	for (uint32_t i = 0; i < bi->nruns && i < VMFO_BOOT_MAX_RUNS; i++)
		units += bi->run[i].count;
	uint64_t mib = bi->unit_bytes / (1024 * 1024) * units;
	if (bi->role == VMFO_ROLE_ACTIVE)
		kprintf("vmfo os: vm%u active, %u MiB, heartbeat %u ms, app watchdog %u ms",
			bi->vm_index, mib, bi->heartbeat_ms, bi->app_watchdog_ms);
	else
		kprintf("vmfo os: vm%u standby, %u MiB, heartbeat %u ms, app watchdog %u ms",
			bi->vm_index, mib, bi->heartbeat_ms, bi->app_watchdog_ms);
	if (!have_steal_time)
		kprintf("no KVM steal time: the app watchdog cannot tell host pauses apart");

	struct vmfo_hc_ready ready = { .abi_version = VMFO_ABI_VERSION, .role = bi->role,
				       .status = VMFO_ENOREPLY };
	hypercall(VMFO_HC_READY, &ready);
	if (ready.status != VMFO_OK) {
		kprintf("the VMM refused this OS; halting");
		halt_forever();
	}
	/* From here on the OS only runs in traps: switch to the idle task. */
	__asm__ volatile("movabs $idle_stack_top, %%rsp; jmp idle_loop" : : : "memory");
	__builtin_unreachable();
}
