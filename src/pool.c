/* pool.c — host memory for guest storage, handed out in fixed units. */
#include "pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int pool_init(struct pool *p, uint64_t pool_bytes, uint64_t unit_bytes, struct err *e)
{
	memset(p, 0, sizeof *p);
	if (unit_bytes == 0 || unit_bytes % POOL_ALIGN)
		return err_set(e, "unit size must be a positive multiple of 2048 KiB "
				  "(guests map storage with 2 MiB pages)");
	if (pool_bytes == 0 || pool_bytes % unit_bytes)
		return err_set(e, "pool size must be a positive multiple of the unit size");
	if (pool_bytes / unit_bytes > UINT32_MAX)
		return err_set(e, "pool has too many units");

	/* Over-allocate by one alignment step so the units can start on a 2 MiB
	 * boundary: then the host can back each unit with huge pages. */
	p->map_len = pool_bytes + POOL_ALIGN;
	p->map = mmap(NULL, p->map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p->map == MAP_FAILED) {
		p->map = NULL;
		return err_set(e, "cannot map %llu MiB for the pool: %s",
			       (unsigned long long)(pool_bytes >> 20), strerror(errno));
	}
	uintptr_t start = ((uintptr_t)p->map + POOL_ALIGN - 1) & ~(uintptr_t)(POOL_ALIGN - 1);
	p->base = (uint8_t *)start;
	/* Huge pages are an optimisation: without them every handover still
	 * works, it just costs in proportion to the pages touched. */
	p->huge = madvise(p->base, pool_bytes, MADV_HUGEPAGE) == 0;
	p->unit_bytes = unit_bytes;
	p->nunits = (uint32_t)(pool_bytes / unit_bytes);
	p->nfree = p->nunits;
	p->used = calloc(p->nunits, sizeof *p->used);
	if (!p->used) {
		pool_destroy(p);
		return err_set(e, "out of memory for the pool's unit map");
	}
	return 0;
}

void pool_destroy(struct pool *p)
{
	if (p->map)
		munmap(p->map, p->map_len);
	free(p->used);
	memset(p, 0, sizeof *p);
}

static int find_contiguous(const struct pool *p, uint32_t n, uint32_t *first)
{
	uint32_t len = 0;
	for (uint32_t i = 0; i < p->nunits; i++) {
		len = p->used[i] ? 0 : len + 1;
		if (len == n) {
			*first = i + 1 - n;
			return 0;
		}
	}
	return -1;
}

int pool_alloc(struct pool *p, uint32_t n, struct units *out, struct err *e)
{
	struct units got;
	uint32_t first;

	if (n == 0)
		return err_set(e, "cannot allocate zero units");
	if (n > p->nfree)
		return err_set(e, "pool exhausted: %u units wanted, %u free", n, p->nfree);
	units_clear(&got);
	if (find_contiguous(p, n, &first) == 0) {
		units_add_run(&got, first, n);
	} else {
		for (uint32_t i = 0, left = n; left && i < p->nunits; i++) {
			if (p->used[i])
				continue;
			if (units_add_run(&got, i, 1))
				return err_set(e, "pool too fragmented: %u units would need more than %d runs",
					       n, UNITS_MAX_RUNS);
			left--;
		}
	}
	for (uint32_t r = 0; r < got.nruns; r++)
		for (uint32_t k = 0; k < got.run[r].count; k++)
			p->used[got.run[r].first + k] = true;
	p->nfree -= n;
	*out = got;
	return 0;
}

bool pool_is_used(const struct pool *p, uint32_t unit)
{
	return unit < p->nunits && p->used[unit];
}

int pool_free(struct pool *p, const struct units *u, struct err *e)
{
	for (uint32_t r = 0; r < u->nruns; r++)
		for (uint32_t k = 0; k < u->run[r].count; k++)
			if (!pool_is_used(p, u->run[r].first + k))
				return err_set(e, "unit %u is not allocated", u->run[r].first + k);
	for (uint32_t r = 0; r < u->nruns; r++) {
		const struct run *run = &u->run[r];
		/* A freed unit must not carry one owner's data to the next. */
		if (madvise(pool_hva(p, run->first), (size_t)run->count * p->unit_bytes,
			    MADV_DONTNEED))
			memset(pool_hva(p, run->first), 0, (size_t)run->count * p->unit_bytes);
		for (uint32_t k = 0; k < run->count; k++)
			p->used[run->first + k] = false;
		p->nfree += run->count;
	}
	return 0;
}

int pool_free_units(const struct pool *p, struct units *out)
{
	units_clear(out);
	for (uint32_t i = 0; i < p->nunits; i++)
		if (!p->used[i] && units_add_run(out, i, 1))
			return -1; /* more free runs than a unit set holds */
	return 0;
}
