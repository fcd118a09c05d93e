/* invariants.c — monitor_check_invariants() (invariants.h): between policy
 * actions (with m->ctl), the table keeps its invariant against the pool
 * (table_check), each VM's memslots map exactly the units the table gives
 * it, each slot a whole run of units at the right host address, and no
 * work for the monitor thread was dropped because its queue was full.
 * Claims served: 3, and isolation (no unit mapped where it is not owned). */
#include "invariants.h"

#include "ctl.h"

/* VM i's memslots against what the table gives it. With m->lock held. */
static int check_slots(struct vmfo *m, int i, struct err *e)
{
	struct guest *g = &m->g[i];
	struct units want, have;
	assert_locked(m);
	table_units_of_vm(&m->table, i, &want);
	units_clear(&have);
	for (int s = 0; g->created && s < VM_MAX_SLOTS; s++) {
		const struct vm_slot *sl = &g->vm.slot[s];
		if (!sl->used)
			continue;
		uint64_t off = sl->gpa - VMFO_POOL_GPA;
		if (sl->gpa < VMFO_POOL_GPA || off % m->pool.unit_bytes ||
		    sl->size % m->pool.unit_bytes ||
		    sl->hva != pool_hva(&m->pool, (uint32_t)(off / m->pool.unit_bytes)) ||
		    units_add_run(&have, (uint32_t)(off / m->pool.unit_bytes),
				  (uint32_t)(sl->size / m->pool.unit_bytes)))
			return err_set(e, "vm%d: memslot %d at 0x%llx does not match a run of units", i, s,
				       (unsigned long long)sl->gpa);
	}
	if (!units_equal(&want, &have)) {
		char w[128], h[128];
		units_format(&want, w, sizeof w);
		units_format(&have, h, sizeof h);
		return err_set(e, "vm%d: memslots map units %s but the table gives it %s", i, h, w);
	}
	return 0;
}

int monitor_check_invariants(struct vmfo *m, struct err *e)
{
	int rc = 0;
	/* Between two steps of a failover the table is ahead of the slots:
	 * judge only between policy actions. */
	if (monitor_ctl_acquire(m, e))
		return -2;
	monitor_lock(m);
	if (table_check(&m->table, &m->pool, e))
		rc = -1;
	for (int i = 0; i < 2 && rc == 0; i++)
		rc = check_slots(m, i, e);
	if (rc == 0 && m->work_dropped)
		rc = err_set(e, "the monitor's work queue was full: %u takeover%s dropped",
			     m->work_dropped, m->work_dropped == 1 ? "" : "s");
	monitor_end(m);
	return rc;
}
