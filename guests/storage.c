/* storage.c — the main storage this OS holds: its boot-time units, units the
 * VMM granted (claim 5) or attached (claim 9's engaging routine), less what
 * it released. Free storage is what it holds that no app uses. */
#include "os.h"

#define MAX_UNITS 8192 /* 16 GiB of 2 MiB units: the VMM's --pool-mb limit */

static uint8_t held[MAX_UNITS / 8];

static uint32_t kernel_unit;

static int is_held(uint32_t u)
{
	return u < MAX_UNITS && (held[u / 8] >> (u % 8)) & 1;
}

static int is_free(uint32_t u)
{
	return is_held(u) && u != kernel_unit && !task_uses_unit(u);
}

/* Units are looked at a byte of the map at a time, skipping bytes with
 * nothing held: this runs at CPL0, which is emulated and slow here, and
 * the pool may have thousands of units while an OS holds a few dozen. */
#define FOR_HELD(u)                                                                  \
	for (uint32_t byte_ = 0; byte_ < (boot->pool_units + 7) / 8 && byte_ < MAX_UNITS / 8; byte_++) \
		if (held[byte_])                                                     \
			for (uint32_t u = byte_ * 8; u < byte_ * 8 + 8; u++)         \
				if (is_held(u))

/* Whether n (at least 1) bytes from p are all 0xff: one string
 * instruction, however many bytes. */
static int all_held(const uint8_t *p, uint32_t n)
{
	uint8_t same;
	uint64_t left = n;
	__asm__ volatile("repe scasb\n\tsete %0"
			 : "=q"(same), "+D"(p), "+c"(left)
			 : "a"(0xff)
			 : "memory", "cc");
	return same;
}

/* The bits of [from, to) that lie in byte b of the map, as a mask. */
static uint8_t byte_mask(uint32_t b, uint32_t from, uint32_t to)
{
	uint32_t lo = from > b * 8 ? from - b * 8 : 0;
	uint32_t hi = to < b * 8 + 8 ? to - b * 8 : 8;
	return (uint8_t)(((1u << hi) - 1) & ~((1u << lo) - 1));
}

/* Set, clear or test (op 1, 0, 2: all held) the bits of mask in byte b. */
static int apply(uint32_t b, uint8_t mask, int op)
{
	if (op == 1)
		held[b] |= mask;
	else if (op == 0)
		held[b] &= (uint8_t)~mask;
	return op != 2 || (held[b] & mask) == mask;
}

/* Set, clear or test the bits of [first, first+count): each end byte with
 * one mask, the whole bytes between with one string instruction (memset,
 * or all_held). At CPL0 each instruction is emulated: bit by bit, the
 * four units of an 8 MB app cost some 50 us to test, and a byte loop made
 * the time to engage a GiB grow with it. op: 1 set, 0 clear, 2 test. */
static int bits(uint32_t first, uint32_t count, int op)
{
	uint32_t end = first + count;
	if (end > MAX_UNITS || end < first)
		return 0;
	if (count == 0)
		return 1;
	uint32_t fb = first / 8, lb = (end - 1) / 8;
	if (!apply(fb, byte_mask(fb, first, end), op))
		return 0;
	if (fb == lb)
		return 1;
	if (lb > fb + 1) {
		if (op == 2 && !all_held(&held[fb + 1], lb - fb - 1))
			return 0;
		if (op != 2)
			memset(&held[fb + 1], op ? 0xff : 0, lb - fb - 1);
	}
	return apply(lb, byte_mask(lb, first, end), op);
}

void storage_add(const struct vmfo_runs *r)
{
	for (uint32_t i = 0; i < r->nruns && i < VMFO_MAX_RUNS; i++)
		bits(r->run[i].first, r->run[i].count, 1);
}

void storage_release(const struct vmfo_runs *r)
{
	for (uint32_t i = 0; i < r->nruns && i < VMFO_MAX_RUNS; i++)
		bits(r->run[i].first, r->run[i].count, 0);
}

int storage_owns(const struct vmfo_runs *r)
{
	if (r->nruns > VMFO_MAX_RUNS)
		return 0;
	for (uint32_t i = 0; i < r->nruns; i++)
		if (!bits(r->run[i].first, r->run[i].count, 2))
			return 0;
	return 1;
}

/* Add [first, first+count) to out, joined to its last run when they
 * touch; what does not fit is not claimed. */
static void runs_append(struct vmfo_runs *out, uint32_t first, uint32_t count)
{
	if (out->nruns && out->run[out->nruns - 1].first + out->run[out->nruns - 1].count == first) {
		out->run[out->nruns - 1].count += count;
	} else if (out->nruns < VMFO_MAX_RUNS) {
		out->run[out->nruns].first = first;
		out->run[out->nruns++].count = count;
	}
}

/* What this OS can say it holds of r, from its own map: a run held whole
 * (the usual case) costs one test; only a gap is looked at unit by unit. */
void storage_held(const struct vmfo_runs *r, struct vmfo_runs *out)
{
	out->nruns = 0;
	for (uint32_t i = 0; i < r->nruns && i < VMFO_MAX_RUNS; i++) {
		uint32_t first = r->run[i].first, count = r->run[i].count;
		if (bits(first, count, 2)) {
			runs_append(out, first, count);
			continue;
		}
		for (uint32_t u = first; u - first < count && u < MAX_UNITS; u++)
			if (is_held(u))
				runs_append(out, u, 1);
	}
}

void storage_init(void)
{
	kernel_unit = (uint32_t)((boot->kernel_gpa - boot->pool_gpa) / boot->unit_bytes);
	struct vmfo_runs r = { .nruns = boot->nruns };
	for (uint32_t i = 0; i < boot->nruns && i < VMFO_MAX_RUNS; i++) {
		r.run[i].first = boot->run[i].first;
		r.run[i].count = boot->run[i].count;
	}
	storage_add(&r);
}

uint32_t storage_free_units(void)
{
	uint32_t n = 0;
	FOR_HELD(u) n += is_free(u) != 0;
	return n;
}

/* Give back free storage beyond `keep` free units, highest units first so
 * the OS keeps its low, contiguous storage. */
int64_t storage_give_back(uint32_t keep)
{
	uint32_t free = storage_free_units();
	if (free <= keep)
		return VMFO_OK;
	struct vmfo_hc_units r = { .status = VMFO_ENOREPLY };
	uint32_t n = free - keep;
	for (uint32_t u = boot->pool_units; n && u-- > 0;) {
		if (!is_free(u))
			continue;
		if (r.runs.nruns && r.runs.run[r.runs.nruns - 1].first == u + 1) {
			r.runs.run[r.runs.nruns - 1].first = u;
			r.runs.run[r.runs.nruns - 1].count++;
		} else if (r.runs.nruns < VMFO_MAX_RUNS) {
			r.runs.run[r.runs.nruns].first = u;
			r.runs.run[r.runs.nruns].count = 1;
			r.runs.nruns++;
		} else {
			break;
		}
		n--;
	}
	if (!r.runs.nruns)
		return VMFO_OK;
	/* Runs were built downwards; the VMM wants them ascending. */
	for (uint32_t i = 0; i < r.runs.nruns / 2; i++) {
		uint32_t j = r.runs.nruns - 1 - i;
		uint32_t f = r.runs.run[i].first, c = r.runs.run[i].count;
		r.runs.run[i] = r.runs.run[j];
		r.runs.run[j].first = f;
		r.runs.run[j].count = c;
	}
	hypercall(VMFO_HC_RELEASE, &r);
	if (r.status != VMFO_OK)
		return -(int64_t)r.status;
	storage_release(&r.runs);
	return VMFO_OK;
}

int storage_take(uint32_t n, struct vmfo_runs *out)
{
	out->nruns = 0;
	FOR_HELD(u) {
		if (!n || !is_free(u))
			continue;
		if (out->nruns && out->run[out->nruns - 1].first + out->run[out->nruns - 1].count == u) {
			out->run[out->nruns - 1].count++;
		} else {
			if (out->nruns == VMFO_MAX_RUNS)
				return -1;
			out->run[out->nruns].first = u;
			out->run[out->nruns].count = 1;
			out->nruns++;
		}
		n--;
	}
	return n ? -1 : 0;
}
