/* pool.h — the main storage the VMM manages: one host mapping cut into units.
 * Unit i lives at host address base + i*unit and at guest-physical address
 * VMFO_POOL_GPA + i*unit in whichever VM owns it. */
#ifndef VMFO_POOL_H
#define VMFO_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "units.h"
#include "util.h"

#define POOL_ALIGN (2u << 20) /* host and guest agree on 2 MiB boundaries */

struct pool {
	void *map;          /* what mmap returned (for munmap) */
	size_t map_len;
	uint8_t *base;      /* 2 MiB-aligned start of unit 0 */
	uint64_t unit_bytes;
	uint32_t nunits;
	uint32_t nfree;
	bool *used;         /* per unit: handed out by pool_alloc */
	bool huge;          /* MADV_HUGEPAGE accepted */
};

/* Map pool_bytes of anonymous memory in units of unit_bytes (a multiple of
 * 2 MiB that divides pool_bytes). Nothing is touched yet. */
int pool_init(struct pool *p, uint64_t pool_bytes, uint64_t unit_bytes, struct err *e);
void pool_destroy(struct pool *p);

/* Take n free units: the lowest run of n contiguous units if there is one
 * (one memslot), else the lowest free units in several runs. -1 with nothing
 * taken when fewer than n are free. */
int pool_alloc(struct pool *p, uint32_t n, struct units *out, struct err *e);
/* Give units back; their contents are discarded (MADV_DONTNEED), so the next
 * owner starts from zeroes and the host gets the memory back. -1 with nothing
 * changed if any unit is not allocated. */
int pool_free(struct pool *p, const struct units *u, struct err *e);
/* Whether unit is allocated (out-of-range units are not). */
bool pool_is_used(const struct pool *p, uint32_t unit);
/* The free units as a set; -1 if they are too fragmented to list. */
int pool_free_units(const struct pool *p, struct units *out);

static inline void *pool_hva(const struct pool *p, uint32_t unit)
{
	return p->base + (uint64_t)unit * p->unit_bytes;
}

#endif
