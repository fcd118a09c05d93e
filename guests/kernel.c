/* kernel.c — the vmfo mini-OS: one image, booted as the active or the
 * standby OS. It reports ready, sends heartbeats from its LAPIC timer, prints
 * through the console hypercall, answers the VMM's mailbox, and idles in hlt.
 *
 * Everything here runs at CPL0, which on nested KVM hosts is emulated and
 * thousands of times slower than CPL3 (KVM-NOTES.md): keep every path short,
 * and never loop over memory here. */
#include <stddef.h>
#include <stdint.h>

#include "../src/abi.h"

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
#define DEFAULT_TICK_MS 10

struct frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

extern const uint64_t stub_table[][2];
extern const uint64_t stub_count;
extern char kstack_top[], ist_top[];

static struct idt_entry idt[256] __attribute__((aligned(16)));
static const struct vmfo_boot_info *boot;
static volatile struct vmfo_mailbox *mbox;
static uint64_t heartbeats;

/* ---- small freestanding helpers ---- */

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
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

static void hypercall(enum vmfo_hc nr, void *arg)
{
	outl((uint16_t)(VMFO_HC_PORT + nr), (uint32_t)(va_to_gpa(arg) >> 3));
}

/* ---- console: a line at a time through VMFO_HC_CONSOLE ---- */

struct line {
	char buf[VMFO_CONSOLE_MAX];
	uint32_t len;
};

static void put_str(struct line *l, const char *s)
{
	while (*s && l->len < sizeof l->buf)
		l->buf[l->len++] = *s++;
}

static void put_num(struct line *l, uint64_t v, unsigned base)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n && l->len < sizeof l->buf)
		l->buf[l->len++] = tmp[--n];
}

static void console_send(struct line *l)
{
	struct vmfo_hc_console c = { .gpa = va_to_gpa(l->buf), .len = l->len };
	hypercall(VMFO_HC_CONSOLE, &c);
	l->len = 0;
}

/* ---- interrupts ---- */

static void idt_set(unsigned vec, uint64_t handler, uint8_t ist)
{
	idt[vec] = (struct idt_entry){
		.off_lo = (uint16_t)handler,
		.sel = VMFO_SEL_KCODE,
		.ist = ist,
		.type = 0x8e, /* present, DPL0, 64-bit interrupt gate */
		.off_mid = (uint16_t)(handler >> 16),
		.off_hi = (uint32_t)(handler >> 32),
	};
}

static void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof idt - 1, (uint64_t)idt };

	for (uint64_t i = 0; i < stub_count; i++)
		/* A double fault gets its own stack: the kernel stack may be
		 * what caused it. */
		idt_set((unsigned)stub_table[i][0], stub_table[i][1], stub_table[i][0] == 8 ? 1 : 0);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

/* The VMM's GDT already holds a TSS descriptor pointing here; fill in the
 * stacks the CPU switches to, then load it. */
static void tss_init(void)
{
	struct tss *t = kunit(VMFO_KOFF_TSS);
	t->rsp[0] = (uint64_t)kstack_top;
	t->ist[0] = (uint64_t)ist_top;
	t->iomap_base = sizeof *t;
	__asm__ volatile("ltr %w0" : : "r"(VMFO_SEL_TSS));
}

static void lapic_init(void)
{
	uint32_t ms = boot->heartbeat_ms ? boot->heartbeat_ms : DEFAULT_TICK_MS;

	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
	wrmsr(MSR_X2APIC_SVR, APIC_SVR_ENABLE | VMFO_VEC_SPURIOUS);
	wrmsr(MSR_X2APIC_TIMER_DIV, APIC_DIV_1);
	wrmsr(MSR_X2APIC_LVT_TIMER, VMFO_VEC_TIMER | APIC_TIMER_PERIODIC);
	wrmsr(MSR_X2APIC_TIMER_INIT, boot->lapic_hz / 1000 * ms);
}

/* ---- mailbox: the VMM's requests ---- */

static int64_t wild_write(uint64_t gpa)
{
	uint64_t end = boot->pool_gpa + (uint64_t)boot->pool_units * boot->unit_bytes;
	if (gpa < boot->pool_gpa || gpa >= end)
		return -VMFO_EINVAL; /* only the identity-mapped pool window */
	*(volatile uint8_t *)gpa = 0xa5;
	return VMFO_OK;
}

static void mailbox_poll(void)
{
	uint64_t seq = mbox->req_seq;
	int64_t status = VMFO_OK;

	if (seq == mbox->ack_seq)
		return;
	__asm__ volatile("" : : : "memory"); /* read cmd/arg after req_seq */
	switch (mbox->cmd) {
	case VMFO_MB_PING:
		mbox->ack_val[0] = heartbeats;
		break;
	case VMFO_MB_WILD_WRITE:
		status = wild_write(mbox->arg[0]);
		break;
	default:
		status = -VMFO_EINVAL;
	}
	mbox->ack_status = status;
	__asm__ volatile("" : : : "memory"); /* answer before ack_seq */
	mbox->ack_seq = seq;

	struct vmfo_hc_ack ack = { .seq = seq };
	hypercall(VMFO_HC_ACK, &ack);
}

static void on_tick(void)
{
	if (boot->heartbeat_ms) {
		struct vmfo_hc_heartbeat hb = { .count = ++heartbeats };
		hypercall(VMFO_HC_HEARTBEAT, &hb);
	}
	mailbox_poll();
}

static void __attribute__((noreturn)) kernel_fault(const struct frame *f)
{
	struct line l = { .len = 0 };
	put_str(&l, "panic: exception ");
	put_num(&l, f->vector, 10);
	put_str(&l, " at rip 0x");
	put_num(&l, f->rip, 16);
	put_str(&l, " error 0x");
	put_num(&l, f->error, 16);
	console_send(&l);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void trap(struct frame *f);
void trap(struct frame *f)
{
	switch (f->vector) {
	case VMFO_VEC_TIMER:
		on_tick();
		wrmsr(MSR_X2APIC_EOI, 0);
		break;
	case VMFO_VEC_DOORBELL:
		mailbox_poll();
		wrmsr(MSR_X2APIC_EOI, 0);
		break;
	case VMFO_VEC_SPURIOUS:
		break;
	default:
		kernel_fault(f);
	}
}

/* ---- boot ---- */

void kmain(const struct vmfo_boot_info *bi);
void kmain(const struct vmfo_boot_info *bi)
{
	struct line l = { .len = 0 };
	boot = bi;
	mbox = kunit(VMFO_KOFF_MAILBOX);

	idt_init();
	tss_init();
	lapic_init();

	put_str(&l, "vmfo os: vm");
	put_num(&l, bi->vm_index, 10);
	put_str(&l, bi->role == VMFO_ROLE_ACTIVE ? " active, " : " standby, ");
	uint64_t units = 0;
	for (uint32_t i = 0; i < bi->nruns && i < VMFO_BOOT_MAX_RUNS; i++)
		units += bi->run[i].count;
	put_num(&l, bi->unit_bytes / (1024 * 1024) * units, 10);
	put_str(&l, " MiB, heartbeat ");
	put_num(&l, bi->heartbeat_ms, 10);
	put_str(&l, " ms");
	console_send(&l);

	struct vmfo_hc_ready ready = { .abi_version = VMFO_ABI_VERSION, .role = bi->role };
	hypercall(VMFO_HC_READY, &ready);
	if (ready.status != VMFO_OK) {
		put_str(&l, "the VMM refused this OS; halting");
		console_send(&l);
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	for (;;)
		__asm__ volatile("sti; hlt");
}
