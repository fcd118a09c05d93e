/* os.h — internals shared by the mini-OS's files (not part of the ABI). */
#ifndef VMFO_OS_H
#define VMFO_OS_H

#include <stddef.h>
#include <stdint.h>

#include "../src/abi.h"

#define VEC_GP 13
#define HLT_OPCODE 0xf4

struct frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* kernel.c */
extern const struct vmfo_boot_info *boot;
extern uint64_t ticks;
void hypercall(enum vmfo_hc nr, void *arg);
/* One console line: fmt a string literal, with %u (decimal) and %x (hex)
 * for up to VMFO_CONSOLE_ARGS numbers, formatted by the VMM (abi.h). The
 * format's length is known when compiling, so nothing is counted or built
 * here at CPL0, where each instruction is emulated on nested hosts. */
#define kprintf(fmt, ...) \
	console_print(fmt, sizeof(fmt) - 1, (const uint64_t[VMFO_CONSOLE_ARGS]){ __VA_ARGS__ })
void console_print(const char *fmt, uint32_t len, const uint64_t arg[VMFO_CONSOLE_ARGS]);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void __attribute__((noreturn)) os_panic(uint64_t reason);
uint32_t tick_ms(void);
/* Nanoseconds this vCPU was runnable but the host ran something else (KVM
 * steal time); 0 when KVM does not offer it. */
uint64_t steal_ns(void);
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t unit_gpa(uint32_t unit)
{
	return boot->pool_gpa + (uint64_t)unit * boot->unit_bytes;
}

/* storage.c: the units this OS holds, and which of them are free. */
void storage_init(void);
void storage_add(const struct vmfo_runs *r);
void storage_release(const struct vmfo_runs *r);
int storage_owns(const struct vmfo_runs *r);
/* The units of r this OS holds, as runs read from its map. */
void storage_held(const struct vmfo_runs *r, struct vmfo_runs *out);
uint32_t storage_free_units(void);
/* Take n free units, lowest first; 0 or -1 if there are not n free. */
int storage_take(uint32_t n, struct vmfo_runs *out);
/* Hand free storage beyond `keep` units back to the VMM. */
int64_t storage_give_back(uint32_t keep);
/* Whether a unit is held by an app (tasks.c answers). */
int task_uses_unit(uint32_t unit);

/* needs.c: claim 5, what an app of program prog needs for items (0: the
 * program's default), computed into *c (also on failure, as far as it
 * got): VMFO_OK, -ENOENT (no such program or no needs), -EINVAL (fewer
 * items than the program's minimum), -ENOSPC (more than the whole pool). */
int64_t needs_compute(uint64_t prog, uint64_t items, struct vmfo_need_calc *c);

/* tasks.c: apps in ring 3. */
/* What program prog needs, from the auxiliary directory; 0 if there is no
 * such program or its needs make no sense. */
const struct vmfo_prog_needs *prog_needs(uint64_t prog);
/* APP_START and APP_GROW: units 0 means the OS computes them for items;
 * out gets the answer's values (the items, bytes and units computed). */
int64_t app_start(uint64_t id, uint64_t prog, uint64_t units, uint64_t items, uint64_t out[4]);
int64_t app_grow(uint64_t id, uint64_t units, uint64_t items, uint64_t out[4]);
int64_t app_inject(uint64_t id, uint64_t kind);
int64_t app_disconnect(uint64_t id, uint64_t release, const struct vmfo_runs *runs,
		       struct vmfo_runs *out);
int64_t app_activate(uint64_t id, uint64_t prog, uint64_t hdr_unit, const struct vmfo_runs *runs);
void tasks_tick(void);
/* The kernel was entered from ring 3, and is about to return there. */
void tasks_left_ring3(void);
void tasks_enter_ring3(void);
/* The runs app id holds; -1 if this OS runs no such app. */
int task_runs(uint64_t id, struct vmfo_runs *out);
void tasks_fill_crash(struct vmfo_crash_record *c);
void task_trap(struct frame *f); /* an exception from ring 3, or a system call */
/* Pick the next app (or idle) and make *f its context; with save, keep
 * the interrupted app's context first. */
void schedule(struct frame *f, int save);
void aux_init(void);

#endif
