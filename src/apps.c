/* apps.c — the VMM's side of an app's life on its OS (claim 5). An app's
 * size is given in MB (the shorthand: the VMM names the units), or as a
 * count of its program's items, from which the active OS computes it. */
#include "apps.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#define START_MS 10000

static int check_name(const char *name, struct err *e)
{
	static const char *const reserved[] = { "vmm", "vm0", "vm1", "unused", "total", "free", "os" };
	size_t n = strlen(name);
	if (n == 0 || n >= APP_NAME_MAX)
		return err_set(e, "app name '%s' must be 1 to %d characters", name, APP_NAME_MAX - 1);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-')
			return err_set(e, "app name '%s': use letters, digits, '_' and '-'", name);
	for (size_t i = 0; i < ARRAY_SIZE(reserved); i++)
		if (strcmp(name, reserved[i]) == 0)
			return err_set(e, "'%s' is reserved: choose another app name", name);
	return 0;
}

static int units_for(struct vmfo *m, uint64_t mb, uint32_t *units, struct err *e)
{
	uint64_t unit_mb = m->pool.unit_bytes / MB;
	if (mb == 0 || mb % unit_mb || mb / unit_mb > m->pool.nunits)
		return app_size_error(&m->cfg, mb, e);
	*units = (uint32_t)(mb / unit_mb);
	return 0;
}

/* Storage an OS could give an app without the VMM: its own units, less its
 * kernel unit (apps' units are already outside its row). */
static uint32_t os_free_units(struct vmfo *m, struct guest *g)
{
	return units_count(&m->table.row[g->os_row].units) - 1;
}

static int capacity_check(struct vmfo *m, struct guest *g, const char *name, uint32_t units,
			  struct err *e)
{
	uint64_t unit_mb = m->pool.unit_bytes / MB;
	uint32_t have = os_free_units(m, g) + m->pool.nfree;
	if (units > have)
		return err_set(e, "'%s' needs %" PRIu64 " MB: %s has %" PRIu64 " MB free and the pool %"
				  PRIu64 " MB unused", name, units * unit_mb, g->vm.name,
			       os_free_units(m, g) * unit_mb, m->pool.nfree * unit_mb);
	return 0;
}

static const char *status_text(int64_t status)
{
	switch (-status) {
	case VMFO_ENOSPC: return "no storage to be had (the pool is exhausted)";
	case VMFO_ENOENT: return "no such app or program on that OS";
	case VMFO_EINVAL: return "the OS refused the request as invalid";
	case VMFO_EFAULT: return "the VMM refused the OS's report";
	case VMFO_EBUSY: return "its last fault has not been executed yet";
	}
	return "the OS refused the request";
}

/* A count of items, before the OS is asked: the item named must be the
 * program's, the count no lower than its minimum, and a grow by items is
 * for a program that takes in what a grow adds. The VMM reads the
 * program's needs only to refuse bad input clearly; the OS computes. */
static int item_check(int prog, const struct vmfo_app_size *s, bool grow, struct err *e)
{
	const struct vmfo_prog_needs *n = aux_needs(prog);
	const char *p = aux_name(prog);
	if (!n)
		return err_set(e, "%s declares no needs: give its size in MB", p);
	if (s->item && strcmp(s->item, n->item) != 0)
		return err_set(e, "%s counts %s, not %s: give %s=N", p, n->item, s->item, n->item);
	if (grow && s->items == 0)
		return err_set(e, "give %s=N: how many %s it is to hold in all", n->item, n->item);
	if (s->items && s->items < n->item_min)
		return err_set(e, "%s=%" PRIu64 ": %s works with at least %" PRIu64 " %s", n->item,
			       s->items, p, n->item_min, n->item);
	if (grow && !(n->flags & VMFO_NEEDS_GROWS))
		return err_set(e, "%s keeps the %s it was started with: grow it by MB instead", p,
			       n->item);
	return 0;
}

/* What the OS computed, from its answer (trusted in nothing: for the
 * messages only). */
static void note_computed(struct vmfo *m, struct guest *g, int prog, struct vmfo_app_size *s)
{
	uint64_t val[4], unit_mb = m->pool.unit_bytes / MB;
	const struct vmfo_prog_needs *n = aux_needs(prog);
	guest_ack_val(m, g, val);
	s->got.items = val[0];
	s->got.bytes = val[1];
	s->got.mb = val[2] <= UINT64_MAX / unit_mb ? val[2] * unit_mb : 0;
	strlcpy0(s->got.item, n ? n->item : "items", sizeof s->got.item);
}

/* The OS refused to start or grow app a, whose size it computed: say what
 * it computed and why that could not be had (from the VMM's table). */
static int computed_error(struct vmfo *m, struct guest *g, const struct app *a,
			  const struct vmfo_app_size *s, int64_t status, bool grow, struct err *e)
{
	char what[64], holds[48] = "";
	uint64_t unit_mb = m->pool.unit_bytes / MB, pool_mb = m->pool.nunits * unit_mb;
	uint64_t held_mb = a->row >= 0 ? units_count(&m->table.row[a->row].units) * unit_mb : 0;
	snprintf(what, sizeof what, "%s=%" PRIu64, s->got.item, s->got.items);
	if (grow)
		snprintf(holds, sizeof holds, "it holds %" PRIu64 " MB, ", held_mb);
	if (-status == VMFO_ENOSPC && s->got.mb == 0)
		return err_set(e, "'%s' needs more storage than there can be for %s, as %s computed",
			       a->name, what, g->vm.name);
	if (-status == VMFO_ENOSPC && s->got.mb > pool_mb)
		return err_set(e, "'%s' needs %" PRIu64 " MB for %s, as %s computed: more than the "
				  "whole pool (%" PRIu64 " MB)", a->name, s->got.mb, what, g->vm.name,
			       pool_mb);
	if (-status == VMFO_ENOSPC)
		return err_set(e, "'%s' needs %" PRIu64 " MB%s for %s, as %s computed: %s%s has %" PRIu64
				  " MB free and the pool %" PRIu64 " MB unused", a->name, s->got.mb,
			       grow ? " in all" : "", what, g->vm.name, holds, g->vm.name,
			       os_free_units(m, g) * unit_mb, m->pool.nfree * unit_mb);
	if (grow && -status == VMFO_EINVAL && s->got.mb && s->got.mb <= held_mb)
		return err_set(e, "'%s' holds %" PRIu64 " MB already, as much as %s needs (%" PRIu64
				  " MB, as %s computed): nothing to grow", a->name, held_mb, what,
			       s->got.mb, g->vm.name);
	return err_set(e, "%s could not %s '%s': %s", g->vm.name, grow ? "grow" : "start", a->name,
		       status_text(status));
}

int apps_start(struct vmfo *m, const char *name, const char *prog, bool hot, struct vmfo_app_size *size,
	       struct err *e)
{
	uint32_t units = 0;
	int64_t status;
	int p = aux_find(prog);
	struct app *a = NULL;

	if (check_name(name, e))
		return -1;
	if (p < 0)
		return err_set(e, "unknown program '%s' (ledger, kv or hog)", prog);
	if (size->mb == 0 && item_check(p, size, false, e))
		return -1;
	char what[64];
	snprintf(what, sizeof what, "start '%s' on", name);
	struct guest *g = monitor_begin_active(m, what, e);
	if (!g)
		return -1;
	if (app_by_name(m, name))
		err_set(e, "an app called '%s' already exists", name);
	else if (size->mb == 0 ||
		 (units_for(m, size->mb, &units, e) == 0 && capacity_check(m, g, name, units, e) == 0)) {
		for (int i = 0; i < MAX_APPS && !a; i++)
			if (m->app[i].state == A_FREE)
				a = &m->app[i];
		if (!a)
			err_set(e, "too many apps (at most %d)", MAX_APPS);
	}
	if (!a) {
		monitor_end(m);
		return -1;
	}
	*a = (struct app){ .state = A_STARTING, .prog = p, .hot = hot, .row = -1 };
	strlcpy0(a->name, name, sizeof a->name);
	monitor_mark_action(m);
	size_t mark = m->mark;
	/* units 0 and a count of items: the OS computes (claim 5). */
	uint64_t args[5] = { (uint64_t)app_id(m, a), (uint64_t)p, units, hot, size->items };
	int rc = guest_request(m, g, VMFO_MB_APP_START, args, 5, NULL, START_MS, &status, e);
	if (rc == 0 && size->mb == 0)
		note_computed(m, g, p, size);
	if (rc == 0 && status != VMFO_OK)
		rc = size->mb ? err_set(e, "%s could not start '%s': %s", g->vm.name, name,
					status_text(status))
			      : computed_error(m, g, a, size, status, false, e);
	if (rc) {
		/* Whatever the OS reported goes back to it as free storage;
		 * should its row be unable to hold it, the app keeps it and
		 * stays, stopped, rather than leave a row nobody knows. */
		a->state = a->row >= 0 && app_give_back(m, g, a) ? A_STOPPED : A_FREE;
	}
	monitor_end(m);
	if (rc == 0 && !trace_wait(&m->trace, "app.started", "app", name, mark, START_MS, NULL))
		return err_set(e, "'%s' did not start within %d ms (see 'log')", name, START_MS);
	return rc;
}

/* Run a request about an existing app on the OS it runs on; size, for a
 * grow the OS computes, gets what it computed. */
static int app_request(struct vmfo *m, const char *name, enum vmfo_mb_cmd cmd, uint64_t arg,
		       struct vmfo_app_size *size, const char *what, struct err *e)
{
	int64_t status;
	int rc = -1;
	if (monitor_ctl_acquire(m, e))
		return -1;
	monitor_lock(m);
	struct app *a = app_by_name(m, name);
	int vm = a ? app_vm(m, a) : NO_VM;
	if (!m->booted)
		err_set(e, "not booted: use 'boot' first");
	else if (!a)
		err_set(e, "no app called '%s' (see 'app list')", name);
	else if (a->state != A_RUNNING || vm == NO_VM)
		err_set(e, "'%s' is %s: it cannot %s now", name, app_state_name(a->state), what);
	else if (m->g[vm].state != G_RUNNING)
		err_set(e, "'%s' cannot %s now: its OS %s has failed", name, what, m->g[vm].vm.name);
	else {
		bool computes = size && size->mb == 0;
		uint64_t args[3] = { (uint64_t)app_id(m, a), arg, computes ? size->items : 0 };
		monitor_mark_action(m);
		rc = guest_request(m, &m->g[vm], cmd, args, 3, NULL, START_MS, &status, e);
		if (rc == 0 && computes)
			note_computed(m, &m->g[vm], a->prog, size);
		if (rc == 0 && status != VMFO_OK)
			rc = computes ? computed_error(m, &m->g[vm], a, size, status, true, e)
				      : err_set(e, "%s could not %s '%s': %s", m->g[vm].vm.name, what,
						name, status_text(status));
	}
	monitor_end(m);
	return rc;
}

int apps_grow(struct vmfo *m, const char *name, struct vmfo_app_size *size, struct err *e)
{
	uint32_t units = 0;
	int rc = 0;
	monitor_lock(m);
	struct app *a = app_by_name(m, name);
	int vm = a ? app_vm(m, a) : NO_VM;
	if (size->mb) {
		rc = units_for(m, size->mb, &units, e);
		if (rc == 0 && vm != NO_VM)
			rc = capacity_check(m, &m->g[vm], name, units, e);
	} else if (a) {
		rc = item_check(a->prog, size, true, e);
	}
	monitor_unlock(m);
	return rc ? -1 : app_request(m, name, VMFO_MB_APP_GROW, units, size, "grow", e);
}

int apps_fault(struct vmfo *m, const char *name, const char *kind, struct err *e)
{
	int k = app_fault_kind(kind);
	if (k < 0)
		return err_set(e, "unknown app fault '%s' (crash, hang or error)", kind);
	size_t mark = trace_count(&m->trace);
	if (app_request(m, name, VMFO_MB_APP_FAULT, (uint64_t)k, NULL, "fault", e))
		return -1;
	/* The OS only passed the fault on: done once the app executed it and
	 * the OS's fault-level routine has dealt with it (claim 9): restarted
	 * the app, or reported its failure to the VMM, which then queued the
	 * takeover. A verdict taken after this sees the whole routine. */
	const char *outcome = k == VMFO_APP_FAULT_ERROR ? "app.restarted" : "os.app_failure";
	if (!trace_wait(&m->trace, outcome, "app", name, mark, START_MS, NULL))
		return err_set(e, "'%s' did not execute the %s fault within %d ms", name, kind, START_MS);
	return 0;
}
