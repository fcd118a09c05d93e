/* iochan.c — the I/O control unit's channels in the resource management
 * table, and how they follow their apps' storage (iochan.h). */
#include "iochan.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void row_name(const struct app *a, char *name, size_t size)
{
	snprintf(name, size, "%s" IOCHAN_SUFFIX, a->name);
}

int iochan_row(const struct vmfo *m, const struct app *a)
{
	char name[ROW_NAME_MAX + 8];
	row_name(a, name, sizeof name);
	int r = table_find(&m->table, name);
	return r >= 0 && m->table.row[r].kind == ROW_IO ? r : -1;
}

static bool program_serves(const struct app *a)
{
	const struct vmfo_prog_needs *n = aux_needs(a->prog);
	return n && (n->flags & VMFO_NEEDS_SERVES);
}

int iochan_open(struct vmfo *m, struct app *a, struct err *e)
{
	char name[ROW_NAME_MAX + 8];
	assert_locked(m);
	if (a->state != A_RUNNING || a->row < 0)
		return err_set(e, "%s is %s: only a running app can be served", a->name,
			       app_state_name(a->state));
	if (!program_serves(a))
		return err_set(e, "%s runs %s, which serves no requests (ledger and kv do)", a->name,
			       aux_name(a->prog));
	if (iochan_row(m, a) >= 0)
		return err_set(e, "%s's channel is open already", a->name);
	row_name(a, name, sizeof name);
	if (strlen(name) >= ROW_NAME_MAX)
		return err_set(e, "the channel's row name '%s' is longer than %d characters: "
			       "serve an app with a shorter name", name, ROW_NAME_MAX - 1);
	struct units none;
	units_clear(&none);
	int vm = m->table.row[a->row].vm;
	int row = table_add(&m->table, name, ROW_IO, vm, &none, e);
	if (row < 0)
		return -1;
	table_set_control(&m->table, row, vm);
	/* The ring lies in the page of the app's header, in its own storage. */
	uint8_t *ring = (uint8_t *)pool_hva(&m->pool, a->hdr_unit) + VMFO_APP_OFF_IO;
	iodev_open(&m->io, app_id(m, a), ring, vm);
	trace_emit(&m->trace, "io.open", "app", a->name, "vm", vm >= 0 ? m->g[vm].vm.name : "-",
		   "row", name, NULL);
	return 0;
}

void iochan_close(struct vmfo *m, struct app *a, const char *why)
{
	assert_locked(m);
	int row = iochan_row(m, a);
	if (row < 0)
		return;
	iodev_close(&m->io, app_id(m, a), why);
	table_free_row(&m->table, row, NULL, NULL); /* no units: cannot fail */
	trace_emit(&m->trace, "io.close", "app", a->name, "why", why, NULL);
}

void iochan_close_all(struct vmfo *m, const char *why)
{
	assert_locked(m);
	for (int i = 0; i < MAX_APPS; i++)
		if (m->app[i].state != A_FREE)
			iochan_close(m, &m->app[i], why);
}

/* Where a's channel should be: where the table maps its storage (nowhere
 * while it is parked). */
static int wanted_vm(const struct vmfo *m, const struct app *a)
{
	return a->row >= 0 ? m->table.row[a->row].vm : NO_VM;
}

void iochan_follow(struct vmfo *m, struct guest *g, bool gone)
{
	assert_locked(m);
	for (int i = 0; i < MAX_APPS; i++) {
		struct app *a = &m->app[i];
		int row = a->state != A_FREE ? iochan_row(m, a) : -1;
		if (row < 0)
			continue;
		int at = m->table.row[row].vm, want = wanted_vm(m, a);
		if (gone && at == g->vm.index && want != at) {
			table_place(&m->table, row, NO_VM);
			iodev_attach(&m->io, i, NO_VM);
			trace_emit(&m->trace, "vmm.io_detach", "app", a->name, "vm", g->vm.name, "fo",
				   m->fo_cur, NULL);
		} else if (!gone && want == g->vm.index && at != want) {
			table_place(&m->table, row, want);
			table_set_control(&m->table, row, want);
			iodev_attach(&m->io, i, want);
			trace_emit(&m->trace, "vmm.io_attach", "app", a->name, "vm", g->vm.name, "fo",
				   m->fo_cur, NULL);
		}
	}
}
