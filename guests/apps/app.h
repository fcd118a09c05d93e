/* app.h — the runtime of a vmfo app: ring 3, no libc, all state in the
 * app's own region, reached through its header. Programs are linked at 0
 * and built position-independent, so they run wherever their region is. */
#ifndef VMFO_APP_H
#define VMFO_APP_H

#include <stdint.h>

#include "../../src/abi.h"

/* A system call: `hlt` at CPL3 raises #GP, which the OS recognises as a
 * call (rax = number). The `syscall` instruction would be the usual way in,
 * but on the nested hosts vmfo runs on it reaches LSTAR still at CPL3;
 * exceptions always enter ring 0. */
static inline uint64_t sys(uint64_t nr)
{
	uint64_t ret;
	__asm__ volatile("hlt" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

static inline void barrier(void)
{
	__asm__ volatile("" : : : "memory");
}

/* A strong 64-bit mixer (splitmix64's finaliser). */
static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

/* What the program needs (abi.h's struct vmfo_prog_needs), declared once
 * in each program: app.ld puts it first in the binary, mkaux copies it into
 * the auxiliary directory, and the OS computes the app's storage from it. */
#define VMFO_NEEDS(...)                                                          \
	__attribute__((section(".needs"), used)) const struct vmfo_prog_needs     \
		vmfo_needs = { .magic = VMFO_NEEDS_MAGIC, __VA_ARGS__ }

/* Data items of `size` bytes (a power of two: then a whole number of them
 * fills every unit, and none straddles two extents) are laid out extent
 * after extent, from VMFO_APP_OFF_DATA in the first. The items extent e
 * holds, and the address of item i (0 past the end). */
static inline uint64_t items_in(volatile struct vmfo_app_hdr *h, uint64_t e, uint64_t size)
{
	uint64_t skip = e == 0 ? VMFO_APP_OFF_DATA : 0;
	return h->extent[e].bytes > skip ? (h->extent[e].bytes - skip) / size : 0;
}

static inline uint64_t item_at(volatile struct vmfo_app_hdr *h, uint64_t i, uint64_t size)
{
	for (uint64_t e = 0; e < h->nextents && e < VMFO_MAX_RUNS; e++) {
		uint64_t n = items_in(h, e, size);
		if (i < n)
			return h->extent[e].gpa + (e == 0 ? VMFO_APP_OFF_DATA : 0) + i * size;
		i -= n;
	}
	return 0;
}

/* How many items of `size` the whole region holds. */
static inline uint64_t items_held(volatile struct vmfo_app_hdr *h, uint64_t size)
{
	uint64_t n = 0;
	for (uint64_t e = 0; e < h->nextents && e < VMFO_MAX_RUNS; e++)
		n += items_in(h, e, size);
	return n;
}

/* Execute the fault the OS asked for; called by every app in its loop. */
static inline void obey_inject(volatile struct vmfo_app_hdr *h)
{
	switch (h->inject) {
	case VMFO_APP_FAULT_CRASH:
		__asm__ volatile("ud2");
		break;
	case VMFO_APP_FAULT_ERROR:
		__asm__ volatile("int3");
		break;
	case VMFO_APP_FAULT_HANG:
		for (;;)
			barrier(); /* no progress, ever: the OS's watchdog notices */
	}
}

/* Tell the OS the app is ready: fresh, or resumed on verified state. */
static inline void report_ready(volatile struct vmfo_app_hdr *h, enum vmfo_verify v)
{
	h->verify = v;
	sys(VMFO_SYS_READY);
}

/* Tell the OS the full check of the state it resumed on is done: pages of
 * VMFO_CHECK_PAGE read, and the result. An app that failed it is stopped
 * and does not come back. */
static inline void report_verified(volatile struct vmfo_app_hdr *h, enum vmfo_verify v, uint64_t pages)
{
	h->checked = pages;
	h->verify = v;
	sys(VMFO_SYS_VERIFIED);
}

#endif
