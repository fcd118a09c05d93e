/* slots.c — memslots match the table (docs/architecture.md, "Memslots
 * follow the table"): sync_slots() deletes the slots of a VM that no
 * longer fit what the table gives it and adds one for every run of a row's
 * units not yet mapped, so that each slot lies inside one row and a row
 * moves as whole slots.
 * Claims served: 1, 4, 6, 7 (a handover is memslot ioctls, never a copy). */
#include "slots.h"

/* Unit number of a memslot's first unit. */
static uint32_t slot_unit(const struct vmfo *m, const struct vm_slot *s)
{
	return (uint32_t)((s->gpa - VMFO_POOL_GPA) / m->pool.unit_bytes);
}

static uint32_t slot_units(const struct vmfo *m, const struct vm_slot *s)
{
	return (uint32_t)(s->size / m->pool.unit_bytes);
}

/* A slot must lie within what g holds and within one table row, so that a
 * row (an app's region) always moves as whole slots. */
static bool slot_fits(const struct vmfo *m, const struct vm_slot *s, const struct units *want)
{
	uint32_t first = slot_unit(m, s);
	uint32_t count = slot_units(m, s);
	int row = table_owner_of(&m->table, first);
	for (uint32_t k = 0; k < count; k++)
		if (!units_contains(want, first + k) || table_owner_of(&m->table, first + k) != row)
			return false;
	return true;
}

/* How many slots g would have once they match the table, so that
 * sync_slots can refuse before it changes anything: a slot deleted and
 * not replaced would leave storage the guest uses unmapped. */
static int slots_needed(const struct vmfo *m, const struct guest *g, const struct units *want)
{
	struct units have;
	int n = 0;
	units_clear(&have);
	for (int s = 0; s < VM_MAX_SLOTS; s++) {
		const struct vm_slot *sl = &g->vm.slot[s];
		if (sl->used && slot_fits(m, sl, want)) {
			n++;
			units_add_run(&have, slot_unit(m, sl), slot_units(m, sl));
		}
	}
	for (int r = 0; r < TABLE_MAX_ROWS; r++) {
		const struct row *row = &m->table.row[r];
		if (!row->used || row->vm != g->vm.index)
			continue;
		/* Each maximal run of the row's units not yet mapped is a slot. */
		bool in_run = false;
		for (uint32_t i = 0; i < row->units.nruns; i++)
			for (uint32_t k = 0; k < row->units.run[i].count; k++) {
				uint32_t u = row->units.run[i].first + k;
				bool missing = !units_contains(&have, u);
				bool joins = k > 0 || (i > 0 && row->units.run[i - 1].first +
								   row->units.run[i - 1].count == u);
				if (missing && !(in_run && joins))
					n++;
				in_run = missing;
			}
	}
	return n;
}

void mapped_units(const struct vmfo *m, const struct guest *g, struct units *u)
{
	units_clear(u);
	for (int s = 0; s < VM_MAX_SLOTS; s++) {
		const struct vm_slot *sl = &g->vm.slot[s];
		if (sl->used)
			units_add_run(u, slot_unit(m, sl), slot_units(m, sl));
	}
}

/* Map, as slots of its own, every run of the row's units that `have`
 * (what g's remaining slots map) does not cover. */
static int map_missing(struct vmfo *m, struct guest *g, const struct row *row,
		       const struct units *have, struct err *e)
{
	struct units missing = row->units, both;
	units_clear(&both);
	for (uint32_t i = 0; i < have->nruns; i++)
		for (uint32_t k = 0; k < have->run[i].count; k++)
			if (units_contains(&missing, have->run[i].first + k))
				units_add_run(&both, have->run[i].first + k, 1);
	units_remove(&missing, &both);
	for (uint32_t i = 0; i < missing.nruns; i++) {
		const struct run *run = &missing.run[i];
		if (vm_map(&g->vm, VMFO_POOL_GPA + (uint64_t)run->first * m->pool.unit_bytes,
			   pool_hva(&m->pool, run->first), (uint64_t)run->count * m->pool.unit_bytes,
			   e) < 0)
			return -1;
	}
	return 0;
}

/* Make g's memslots match the table: delete the slots whose units left g or
 * that now straddle two rows, then add a slot for every run of units g holds
 * and has not mapped. Deleting a slot the guest still uses would make it
 * fault, so call this either on g's own vCPU thread (the guest is not
 * running then) or when every deleted slot holds only units g gave up. */
int sync_slots(struct vmfo *m, struct guest *g, struct err *e)
{
	struct units want, have;
	int idx = g->vm.index;

	assert_locked(m);
	table_units_of_vm(&m->table, idx, &want);
	if (slots_needed(m, g, &want) > vm_max_slots())
		return err_set(e, "%s: no memslot left (at most %d) for that storage", g->vm.name,
			       vm_max_slots());
	units_clear(&have);
	for (int s = 0; s < VM_MAX_SLOTS; s++) {
		const struct vm_slot *sl = &g->vm.slot[s];
		if (!sl->used)
			continue;
		if (!slot_fits(m, sl, &want)) {
			if (vm_unmap(&g->vm, s, e))
				return -1;
			continue;
		}
		units_add_run(&have, slot_unit(m, sl), slot_units(m, sl));
	}
	for (int r = 0; r < TABLE_MAX_ROWS; r++) {
		const struct row *row = &m->table.row[r];
		if (row->used && row->vm == idx && map_missing(m, g, row, &have, e))
			return -1;
	}
	return 0;
}
