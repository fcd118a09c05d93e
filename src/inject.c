/* inject.c — faults injected into the active or the standby OS, and the
 * hostile test mode (inject.h): each is a mailbox request the guest then
 * carries out itself, so that the VMM detects it by the real mechanism.
 * And the table changed by hand (test mode: `table set`).
 * Claims served: 1, 7, 9 (OS faults), isolation (hostile), 3 (table set). */
#include "inject.h"

#include <string.h>

#include "ctl.h"
#include "mailbox.h"

static const char *const os_fault_names[VMFO_OS_FAULT_MAX] = {
	[VMFO_OS_FAULT_PANIC] = "panic", [VMFO_OS_FAULT_HANG] = "hang",
	[VMFO_OS_FAULT_TRIPLE] = "triple", [VMFO_OS_FAULT_WILD] = "wild",
	[VMFO_OS_FAULT_ENGAGE_HANG] = "engage-hang", [VMFO_OS_FAULT_ACTIVATE_HANG] = "activate-hang",
};

const char *os_fault_name(int kind)
{
	return kind > 0 && kind < VMFO_OS_FAULT_MAX ? os_fault_names[kind] : "?";
}

int os_fault_kind(const char *name)
{
	for (int k = 1; k < VMFO_OS_FAULT_MAX; k++)
		if (strcmp(name, os_fault_names[k]) == 0)
			return k;
	return -1;
}

/* Where a wild write from the active OS g aims: storage it does not own,
 * the standby's kernel unit if there is a standby, else the first unit
 * outside its own. With m->lock held. */
static uint32_t wild_target(struct vmfo *m, struct guest *g)
{
	struct guest *sb = guest_by_role(m, VMFO_ROLE_STANDBY);
	struct units own;
	uint32_t target = UINT32_MAX;
	assert_locked(m);
	table_units_of_vm(&m->table, g->vm.index, &own);
	if (sb)
		target = sb->kernel_unit;
	for (uint32_t u = 0; u < m->pool.nunits && target == UINT32_MAX; u++)
		if (!units_contains(&own, u))
			target = u;
	return target;
}

int monitor_os_fault_inject(struct vmfo *m, int kind, uint32_t target, struct err *e)
{
	int64_t status;
	int rc = -1;
	struct guest *g = monitor_begin_active(m, "fault", e);
	if (!g)
		return -1;
	if (target != UINT32_MAX && target >= m->pool.nunits) {
		err_set(e, "unit %u is outside the pool (0-%u)", target, m->pool.nunits - 1);
	} else {
		if (target == UINT32_MAX)
			target = wild_target(m, g);
		uint64_t args[2] = { (uint64_t)kind,
				     VMFO_POOL_GPA + (uint64_t)target * m->pool.unit_bytes + 0x100 };
		monitor_mark_action(m);
		rc = guest_request(m, g, VMFO_MB_OS_FAULT, args, 2, NULL, 2000, &status, e);
		if (rc == 0 && status != VMFO_OK)
			rc = err_set(e, "%s refused the %s fault (status %lld)", g->vm.name,
				     os_fault_names[kind], (long long)status);
	}
	monitor_end(m);
	return rc;
}

int monitor_standby_fault_inject(struct vmfo *m, int kind, struct err *e)
{
	int64_t status;
	struct guest *g = monitor_begin_role(m, VMFO_ROLE_STANDBY, "fault", e);
	if (!g)
		return -1;
	uint64_t args[2] = { (uint64_t)kind, 0 };
	monitor_mark_action(m);
	int rc = guest_request(m, g, VMFO_MB_OS_FAULT, args, 2, NULL, 2000, &status, e);
	if (rc == 0 && status != VMFO_OK)
		rc = err_set(e, "%s refused the fault (status %lld)", g->vm.name, (long long)status);
	monitor_end(m);
	return rc;
}

int monitor_hostile(struct vmfo *m, int kind, int64_t *answer, struct err *e)
{
	struct guest *g = monitor_begin_active(m, "misbehave", e);
	if (!g)
		return -1;
	/* Something it does not own: the standby's kernel unit, or the VMM's
	 * own unit when there is no standby. */
	struct guest *sb = guest_by_role(m, VMFO_ROLE_STANDBY);
	uint32_t unit = sb ? sb->kernel_unit : m->table.row[m->vmm_row].units.run[0].first;
	uint64_t args[2] = { (uint64_t)kind, VMFO_POOL_GPA + (uint64_t)unit * m->pool.unit_bytes };
	monitor_mark_action(m);
	int rc = guest_request(m, g, VMFO_MB_HOSTILE, args, 2, NULL, 3000, answer, e);
	monitor_end(m);
	return rc;
}

/* Why the row called name cannot have col set to value, or NULL. With
 * m->lock held. */
static const char *table_set_refused(struct vmfo *m, const struct row *row,
				     enum table_column col, int value)
{
	assert_locked(m);
	if (!m->booted)
		return "not booted: use 'boot' first";
	if (!row)
		return "no such row in the table (see 'table')";
	if (col == TABLE_COL_HOT && row->kind != ROW_APP)
		return "only an app's row has a hot flag";
	if (col == TABLE_COL_TAKEOVER && row->kind == ROW_VMM)
		return "the VMM's row is taken over by nobody";
	if (col == TABLE_COL_TAKEOVER && value != NO_VM && value == row->vm)
		return "a row cannot be taken over by the VM it is mapped in";
	return NULL;
}

int monitor_table_set(struct vmfo *m, const char *name, enum table_column col, int value,
		      struct err *e)
{
	if (monitor_ctl_acquire(m, e))
		return -1;
	monitor_lock(m);
	int r = table_find(&m->table, name);
	const char *why = table_set_refused(m, r >= 0 ? &m->table.row[r] : NULL, col, value);
	if (!why) {
		monitor_mark_action(m);
		if (col == TABLE_COL_HOT)
			table_set_hot(&m->table, r, value != 0);
		else
			table_set_takeover(&m->table, r, value);
	}
	monitor_end(m);
	return why ? err_set(e, "table set %s: %s", name, why) : 0;
}
