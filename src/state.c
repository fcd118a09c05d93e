/* state.c — the accessors of the monitor's state (state.h): names of roles
 * and states, finding guests and apps, an app's storage and header, the
 * guests' log rings, takeover ids, the auxiliary image's directory, and
 * the debug check that a caller holds m->lock.
 * Claims served: 2 (programs are found in the auxiliary image), 3 (an
 * app's storage goes back to its OS's row), 8 (app_give_back for a job
 * that is not taken over). */
#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef NDEBUG
void monitor_assert_locked(struct vmfo *m, const char *fn)
{
	pthread_t owner = __atomic_load_n(&m->lock_owner, __ATOMIC_RELAXED);
	if (!pthread_equal(owner, pthread_self())) {
		fprintf(stderr, "vmfo: %s() needs m->lock and this thread does not hold it\n", fn);
		abort();
	}
}
#endif

void monitor_mark_action(struct vmfo *m)
{
	assert_locked(m);
	m->mark = trace_count(&m->trace);
}

const char *role_name(enum vmfo_role r)
{
	return r == VMFO_ROLE_ACTIVE ? "active" : r == VMFO_ROLE_STANDBY ? "standby" : "-";
}

const char *state_name(enum guest_state s)
{
	static const char *const names[] = { "down", "booting", "running", "failed" };
	return names[s];
}

const char *boot_phase_name(enum boot_phase p)
{
	static const char *const names[BOOT_PHASES] = { "create_vm", "create_vcpu", "memslots",
							 "long_mode", "vcpu_thread", "guest_init" };
	return names[p];
}

void guest_phase_done(struct guest *g, enum boot_phase p, uint64_t now)
{
	g->boot_phase_us[p] = now > g->boot_at_us ? now - g->boot_at_us : 0;
	g->boot_at_us = now;
}

struct guest *guest_by_role(struct vmfo *m, enum vmfo_role r)
{
	for (int i = 0; i < 2; i++)
		if ((m->g[i].state == G_RUNNING || m->g[i].state == G_BOOTING) && m->g[i].role == r)
			return &m->g[i];
	return NULL;
}

const char *app_state_name(enum app_state s)
{
	static const char *const names[] = { "free", "starting", "running", "failed", "moving",
					     "stopped", "parked" };
	return names[s];
}

struct app *app_by_name(struct vmfo *m, const char *name)
{
	for (int i = 0; i < MAX_APPS; i++)
		if (m->app[i].state != A_FREE && strcmp(m->app[i].name, name) == 0)
			return &m->app[i];
	return NULL;
}

int app_vm(const struct vmfo *m, const struct app *a)
{
	return a->row >= 0 ? m->table.row[a->row].vm : NO_VM;
}

int apps_on(const struct vmfo *m, int vm, int *ids)
{
	int n = 0;
	for (int i = 0; i < MAX_APPS; i++)
		if (m->app[i].state != A_FREE && m->app[i].row >= 0 && app_vm(m, &m->app[i]) == vm)
			ids[n++] = i;
	return n;
}

bool app_hot(const struct vmfo *m, const struct app *a)
{
	return a->row >= 0 ? m->table.row[a->row].hot : a->hot;
}

int app_give_back(struct vmfo *m, struct guest *os, struct app *a)
{
	assert_locked(m);
	if (table_absorb(&m->table, os->os_row, a->row, NULL))
		return -1;
	a->row = -1;
	return 0;
}

const struct vmfo_app_hdr *app_header(const struct vmfo *m, const struct app *a)
{
	return pool_hva(&m->pool, a->hdr_unit);
}

static const char *const app_fault_names[VMFO_APP_FAULT_MAX] = {
	[VMFO_APP_FAULT_CRASH] = "crash", [VMFO_APP_FAULT_HANG] = "hang",
	[VMFO_APP_FAULT_ERROR] = "error",
};

int app_fault_kind(const char *kind)
{
	for (int k = 1; k < VMFO_APP_FAULT_MAX; k++)
		if (strcmp(kind, app_fault_names[k]) == 0)
			return k;
	return -1;
}

const char *app_fault_name(uint32_t kind)
{
	return kind > 0 && kind < VMFO_APP_FAULT_MAX ? app_fault_names[kind] : "?";
}

void log_append(struct log_ring *r, const char *text, size_t len)
{
	char *dst = r->line[r->next];
	if (len > VMFO_CONSOLE_MAX)
		len = VMFO_CONSOLE_MAX;
	/* Guest text is untrusted: keep it printable. */
	for (size_t i = 0; i < len; i++)
		dst[i] = (text[i] >= 0x20 && text[i] < 0x7f) ? text[i] : '?';
	dst[len] = '\0';
	r->t_us[r->next] = now_us();
	r->next = (r->next + 1) % LOG_LINES;
	if (r->count < LOG_LINES)
		r->count++;
}

uint64_t monitor_new_fo(struct vmfo *m)
{
	assert_locked(m);
	return ++m->fo_next;
}

const char *fo_text(uint64_t fo, char *buf, size_t size)
{
	snprintf(buf, size, "%llu", (unsigned long long)fo);
	return buf;
}

/* ---- the auxiliary image ---- */

static const struct vmfo_aux_dir *aux_dir(void)
{
	return (const struct vmfo_aux_dir *)vmfo_aux_image;
}

int aux_find(const char *prog)
{
	const struct vmfo_aux_dir *d = aux_dir();
	for (uint64_t i = 0; i < d->nprogs && i < VMFO_AUX_MAX_PROGS; i++)
		if (strncmp(d->prog[i].name, prog, sizeof d->prog[i].name) == 0)
			return (int)i;
	return -1;
}

const struct vmfo_prog_needs *aux_needs(int prog)
{
	const struct vmfo_aux_dir *d = aux_dir();
	if (prog < 0 || (uint64_t)prog >= d->nprogs || prog >= VMFO_AUX_MAX_PROGS)
		return NULL;
	const struct vmfo_prog_needs *n = &d->prog[prog].needs;
	return n->magic == VMFO_NEEDS_MAGIC ? n : NULL; /* mkaux checked the rest */
}

const char *aux_name(int prog)
{
	const struct vmfo_aux_dir *d = aux_dir();
	return prog >= 0 && (uint64_t)prog < d->nprogs ? d->prog[prog].name : "?";
}
