/* needs.c — claim 5: the active OS computes the storage an app needs from
 * what its program declares (struct vmfo_prog_needs, which the OS read
 * with the auxiliary directory at boot): fixed bytes (header, code, stack)
 * plus bytes per item times the items asked for, in whole units. A few
 * integer operations: this runs at CPL0, where every instruction is slow. */
#include "os.h"

int64_t needs_compute(uint64_t prog, uint64_t items, struct vmfo_need_calc *c)
{
	const struct vmfo_prog_needs *n = prog_needs(prog);
	memset(c, 0, sizeof *c);
	if (!n) {
		kprintf("app: program %u declares no needs", prog);
		return -VMFO_ENOENT;
	}
	c->items = items ? items : n->item_default;
	c->item_bytes = n->item_bytes;
	c->fixed_bytes = n->fixed_bytes;
	memcpy(c->item, n->item, sizeof c->item - 1);
	if (c->items < n->item_min) {
		kprintf("app: the program works with at least %u items", n->item_min);
		return -VMFO_EINVAL;
	}
	/* bytes and units stay 0 when they would not fit in 64 bits */
	if (c->items > (UINT64_MAX - n->fixed_bytes) / n->item_bytes) {
		kprintf("app: more items than any storage holds: %u", c->items);
		return -VMFO_ENOSPC;
	}
	c->bytes = n->fixed_bytes + n->item_bytes * c->items;
	c->units = c->bytes / boot->unit_bytes + (c->bytes % boot->unit_bytes != 0);
	if (c->units > boot->pool_units) {
		kprintf("app: needs %u units, more than the whole pool", c->units);
		return -VMFO_ENOSPC;
	}
	return VMFO_OK;
}
