/* failover.c — moving a failed side's storage to the standby, by memslot,
 * never by copy; each event is emitted once its step has happened. */
#include "failover.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define REQUEST_MS 3000 /* how long a guest may take to answer a request */
#define RESUME_MS 5000  /* how long a taken-over app may take to resume */

static void emit_units(struct vmfo *m, const char *ev, const char *vm, const struct units *u)
{
	char text[512];
	units_format(u, text, sizeof text);
	trace_emit(&m->trace, ev, "vm", vm, "units", text, NULL);
}

/* Classroom pacing, before each step: in step mode wait until the console
 * grants the step (it shows `next`); else sleep --pace / pace MS, if set.
 * With m->lock held; released while waiting. */
static void pace(struct vmfo *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pace(struct vmfo *m, const char *fmt, ...)
{
	if (m->step_mode) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(m->step_next, sizeof m->step_next, fmt, ap);
		va_end(ap);
		while (m->step_mode && m->step_grants == 0 && !atomic_load(&m->quit))
			pthread_cond_wait(&m->stepped, &m->lock);
		if (m->step_grants)
			m->step_grants--;
		m->step_next[0] = '\0';
		return;
	}
	uint64_t ms = m->cfg.pace_ms;
	if (!ms)
		return;
	pthread_mutex_unlock(&m->lock);
	sleep_ms(ms);
	pthread_mutex_lock(&m->lock);
}

/* A step that went wrong: the sequence stops there, and says why. */
static void abandon(struct vmfo *m, struct guest *g, const char *what, const struct err *e)
{
	char line[VMFO_CONSOLE_MAX];
	int n = snprintf(line, sizeof line, "[vmm] failover stopped at %s: %s", what, e->msg);
	log_append(&g->log, line, n > 0 ? (size_t)n : 0);
	trace_emit(&m->trace, "failover.error", "step", what, "why", e->msg, NULL);
}

/* Claim 9, the engaging side: tell the standby what it now holds (in as
 * many requests as the runs need) and wait until it has engaged it. */
static int attach_request(struct vmfo *m, struct guest *s, const struct units *u,
			  uint32_t crash_unit_plus1, struct err *e)
{
	int64_t status;
	emit_units(m, "vmm.attach_request", s->vm.name, u);
	for (uint32_t first = 0; first < u->nruns; first += VMFO_MAX_RUNS) {
		struct units part;
		units_clear(&part);
		for (uint32_t i = first; i < u->nruns && i < first + VMFO_MAX_RUNS; i++)
			units_add_run(&part, u->run[i].first, u->run[i].count);
		uint64_t arg = first == 0 ? crash_unit_plus1 : 0;
		if (guest_request(m, s, VMFO_MB_ATTACH, &arg, 1, &part, REQUEST_MS, &status, e))
			return -1;
		if (status != VMFO_OK)
			return err_set(e, "%s refused to engage the units (status %lld)", s->vm.name,
				       (long long)status);
	}
	emit_units(m, "os.attached", s->vm.name, u);
	return 0;
}

/* Move rows' storage to s: delete the slots from `from` (already stopped
 * using them), add them to s. The table changes first: slots follow it. */
static int move_storage(struct vmfo *m, struct guest *from, struct guest *s,
			const struct units *u, struct err *e)
{
	char text[256];
	units_format(u, text, sizeof text);
	pace(m, "remove units %s from %s's memslots (claims 1, 4, 6, 7)", text, from->vm.name);
	if (sync_slots(m, from, e))
		return -1;
	emit_units(m, "vmm.detach", from->vm.name, u);
	pace(m, "map the same units into %s: moved, not copied (claims 1, 4, 6, 7)", s->vm.name);
	if (sync_slots(m, s, e))
		return -1;
	emit_units(m, "vmm.attach", s->vm.name, u);
	return 0;
}

/* Claims 2, 6, 7: ask the standby to run the app on the storage it got,
 * loading the program from auxiliary memory; wait for app.resumed. */
static int activate(struct vmfo *m, struct guest *s, struct app *a, struct err *e)
{
	int64_t status;
	size_t mark = trace_count(&m->trace);
	uint64_t args[3] = { (uint64_t)app_id(m, a), (uint64_t)a->prog, a->hdr_unit };

	/* The failed side can acknowledge nothing more: this is the mark. */
	a->acked_before = a->acked_seq;
	pace(m, "ask %s to activate %s (claims 6, 7, 8)", s->vm.name, a->name);
	trace_emit(&m->trace, "vmm.activate_request", "vm", s->vm.name, "app", a->name, NULL);
	pace(m, "%s loads %s from auxiliary memory and resumes it (claims 2, 6)", s->vm.name, a->name);
	a->state = A_MOVING;
	if (guest_request(m, s, VMFO_MB_ACTIVATE, args, 3, &m->table.row[a->row].units, REQUEST_MS,
			  &status, e))
		return -1;
	if (status != VMFO_OK)
		return err_set(e, "%s refused to activate %s (status %lld)", s->vm.name, a->name,
			       (long long)status);
	pthread_mutex_unlock(&m->lock);
	bool resumed = trace_wait(&m->trace, "app.resumed", "app", a->name, mark, RESUME_MS, NULL);
	pthread_mutex_lock(&m->lock);
	if (!resumed)
		return err_set(e, "%s did not resume on %s within %d ms", a->name, s->vm.name, RESUME_MS);
	return 0;
}

/* A failed app that is not taken over: its storage goes back to its OS as
 * free storage (claim 8), and the app holds nothing any more. */
static void release_to_os(struct vmfo *m, struct guest *os, struct app *a)
{
	app_give_back(m, os, a);
	a->state = A_STOPPED;
}

static void done(struct vmfo *m, const char *key, const char *name, uint64_t since_us)
{
	char ms[32];
	snprintf(ms, sizeof ms, "%.3f", (double)(now_us() - since_us) / 1000.0);
	trace_emit(&m->trace, "failover.done", key, name, "ms", ms, NULL);
}

/* Claims 4, 6, 8, 9: an app failed on the OS controlling it. */
void failover_app(struct vmfo *m, int id)
{
	struct err e;
	int64_t status;
	char text[512];

	pthread_mutex_lock(&m->lock);
	struct app *a = &m->app[id];
	if (a->state != A_FAILED || a->row < 0) {
		pthread_mutex_unlock(&m->lock);
		return; /* reset, or an OS failover, got there first */
	}
	struct row *row = &m->table.row[a->row];
	struct guest *act = &m->g[row->vm];
	struct guest *s = row->takeover != NO_VM ? &m->g[row->takeover] : NULL;
	struct units u = row->units;
	if (act->state != G_RUNNING) {
		/* Its OS failed before this could start: the OS failover
		 * takes the app along (claims 1, 7). */
		trace_emit(&m->trace, "vmm.no_takeover", "app", a->name, "reason", "os_failed", NULL);
		pthread_mutex_unlock(&m->lock);
		return;
	}

	/* Claim 3: the table says whose storage this is and who takes over. */
	units_format(&u, text, sizeof text);
	pace(m, "look %s up in the resource management table (claim 3)", a->name);
	trace_emit(&m->trace, "vmm.lookup", "what", a->name, "units", text, NULL);
	bool takeover = a->hot && s && s->state == G_RUNNING && s != act;
	if (!takeover)
		trace_emit(&m->trace, "vmm.no_takeover", "app", a->name, "reason",
			   !a->hot ? "not_hot" : "no_standby", NULL);

	/* Claim 9, the active OS's resource disconnection routine. */
	pace(m, "ask %s to disconnect %s's storage (claim 9)", act->vm.name, a->name);
	trace_emit(&m->trace, "vmm.disconnect_request", "vm", act->vm.name, "app", a->name, "units",
		   text, NULL);
	uint64_t args[2] = { (uint64_t)id, takeover };
	if (guest_request(m, act, VMFO_MB_DISCONNECT, args, 2, NULL, REQUEST_MS, &status, &e) ||
	    (status != VMFO_OK && err_set(&e, "%s refused (status %lld)", act->vm.name,
					  (long long)status))) {
		/* The OS itself failed meanwhile: its own failover (queued
		 * behind this one) carries the app with everything else. */
		if (act->state == G_FAILED)
			trace_emit(&m->trace, "vmm.no_takeover", "app", a->name, "reason", "os_failed", NULL);
		else
			abandon(m, act, "disconnect", &e);
		pthread_mutex_unlock(&m->lock);
		return;
	}
	trace_emit(&m->trace, "os.disconnected", "vm", act->vm.name, "app", a->name, NULL);
	if (!takeover) {
		release_to_os(m, act, a);
		pthread_mutex_unlock(&m->lock);
		return;
	}

	/* Claims 4 and 6: only this app's storage moves. */
	row->vm = s->vm.index;
	row->control = s->vm.index;
	row->takeover = NO_VM;
	if (move_storage(m, act, s, &u, &e) ||
	    (pace(m, "tell %s what it now holds (claim 9)", s->vm.name), attach_request(m, s, &u, 0, &e)) ||
	    activate(m, s, a, &e)) {
		abandon(m, s, "app takeover", &e);
		pthread_mutex_unlock(&m->lock);
		return;
	}
	done(m, "app", a->name, a->failed_us);
	pthread_mutex_unlock(&m->lock);
}

/* Claims 1, 2, 3, 7, 9: the active OS failed. Everything it held, its own
 * storage and every app's, goes to the standby; hot apps continue there. */
void failover_os(struct vmfo *m, int vm)
{
	struct err e;
	char text[512];
	struct guest *f = &m->g[vm];

	/* The failed OS must not run on while its storage moves. */
	vm_stop(&f->vm);
	pthread_mutex_lock(&m->lock);
	struct guest *s = &m->g[1 - vm];
	if (!m->booted || f->state != G_FAILED || f->os_row < 0) {
		pthread_mutex_unlock(&m->lock);
		return;
	}
	if (s->state != G_RUNNING || s->role != VMFO_ROLE_STANDBY) {
		/* Nobody to hand the storage to: it stays with the failed VM
		 * (status says so) until reset. */
		trace_emit(&m->trace, "vmm.no_takeover", "vm", f->vm.name, "reason", "no_standby", NULL);
		pthread_mutex_unlock(&m->lock);
		return;
	}
	struct units u;
	table_units_of_vm(&m->table, vm, &u);
	units_format(&u, text, sizeof text);
	pace(m, "look %s up in the resource management table (claim 3)", f->vm.name);
	trace_emit(&m->trace, "vmm.lookup", "what", f->vm.name, "units", text, NULL);

	/* The table first: the failed OS's own storage joins the standby's,
	 * and every app row now lives on and is controlled by the standby. */
	struct row *fos = &m->table.row[f->os_row];
	struct row *sos = &m->table.row[s->os_row];
	uint32_t crash_unit = f->kernel_unit;
	int moved[MAX_APPS], nmoved = 0;
	for (int i = 0; i < MAX_APPS; i++)
		if (m->app[i].state != A_FREE && m->app[i].row >= 0 && app_vm(m, &m->app[i]) == vm)
			moved[nmoved++] = i;
	units_merge(&sos->units, &fos->units);
	table_remove(&m->table, f->os_row);
	f->os_row = -1;
	for (int r = 0; r < TABLE_MAX_ROWS; r++) {
		struct row *row = &m->table.row[r];
		if (row->used && row->kind == ROW_APP && row->vm == vm) {
			row->vm = s->vm.index;
			row->control = s->vm.index;
			row->takeover = NO_VM;
		}
	}
	if (move_storage(m, f, s, &u, &e) ||
	    (pace(m, "tell %s what it now holds, with the crash record (claim 9)", s->vm.name),
	     attach_request(m, s, &u, crash_unit + 1, &e))) {
		abandon(m, s, "OS takeover", &e);
		pthread_mutex_unlock(&m->lock);
		return;
	}
	s->role = VMFO_ROLE_ACTIVE;
	f->role = 0;

	/* Claims 7 and 8: activate the hot-standby jobs only. */
	bool all_resumed = true;
	for (int i = 0; i < nmoved; i++) {
		struct app *a = &m->app[moved[i]];
		if (!a->hot) {
			trace_emit(&m->trace, "vmm.no_takeover", "app", a->name, "reason", "not_hot", NULL);
			release_to_os(m, s, a);
			continue;
		}
		if (activate(m, s, a, &e)) {
			abandon(m, s, "activation", &e);
			all_resumed = false;
		}
	}
	if (all_resumed) /* done means detected -> resumed, for every hot app */
		done(m, "os", f->vm.name, f->fault_us);
	pthread_mutex_unlock(&m->lock);
}
