/* failover.c — moving a failed side's storage to the OS that takes over, by
 * memslot, never by copy; each event is emitted once its step has happened.
 *
 * A hot app is never dropped because nobody could take it yet: with no OS
 * to take it over, its storage is parked — unmapped from every VM, owned by
 * the VMM in its own table row — and the attach and activate steps run as
 * soon as an OS can take it (failover_unpark). Who takes what over comes
 * from the resource management table in the VMM's unit (claim 3): an app's
 * row (controlling OS, takeover OS, hot flag), a failed OS's own row.
 * Claims served: 1, 2, 3, 7, 9 (OS takeover), 4, 6, 8, 9 (app takeover). */
#include "failover.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "classroom.h"
#include "iochan.h"
#include "mailbox.h"
#include "slots.h"

#define REQUEST_MS 3000 /* how long a guest may take to answer a request */
/* A backstop only: an app that fails again, or an OS that fails, ends the
 * wait at once (the watchdogs see to that). */
#define RESUME_MS 30000

/* How a step that involves another guest ended. */
enum outcome {
	DONE,          /* the step happened */
	TARGET_FAILED, /* the OS taking over failed meanwhile: its own failover follows */
	APP_FAILED,    /* the app failed again meanwhile: its own failover follows */
	BROKEN,        /* anything else: the sequence stops with failover.error */
};

static void emit_units(struct vmfo *m, const char *ev, const char *vm, const struct units *u)
{
	char text[512];
	units_format(u, text, sizeof text);
	trace_emit(&m->trace, ev, "vm", vm, "units", text, "fo", m->fo_cur, NULL);
}

/* A step that went wrong: the sequence stops there, and says why. */
static void abandon(struct vmfo *m, struct guest *g, const char *what, const struct err *e)
{
	char line[VMFO_CONSOLE_MAX];
	int n = snprintf(line, sizeof line, "[vmm] failover stopped at %s: %s", what, e->msg);
	log_append(&g->log, line, n > 0 ? (size_t)n : 0);
	trace_emit(&m->trace, "failover.error", "step", what, "why", e->msg, "fo", m->fo_cur, NULL);
}

/* A request to the OS taking over failed: because that OS failed (its
 * own failover carries on from here), or for a reason of its own. */
static enum outcome request_failed(const struct guest *s)
{
	return s->state == G_FAILED ? TARGET_FAILED : BROKEN;
}

/* Claim 9, the engaging side: tell the OS what it now holds (in as many
 * requests as the runs need) and wait until it has engaged it. os.attached
 * gives what the OS answers it engaged, from its own storage map, and
 * where it read the failed OS's crash record. */
static enum outcome attach_request(struct vmfo *m, struct guest *s, const struct units *u,
				   uint32_t crash_unit_plus1, struct err *e)
{
	int64_t status;
	struct units engaged, part;
	uint64_t val[4] = { 0 }; /* the first answer's: where the crash record was */

	units_clear(&engaged);
	for (uint32_t first = 0; first < u->nruns; first += VMFO_MAX_RUNS) {
		units_clear(&part);
		for (uint32_t i = first; i < u->nruns && i < first + VMFO_MAX_RUNS; i++)
			units_add_run(&part, u->run[i].first, u->run[i].count);
		uint64_t arg = first == 0 ? crash_unit_plus1 : 0;
		int64_t seq = guest_post(m, s, VMFO_MB_ATTACH, &arg, 1, &part, e);
		if (seq < 0)
			return request_failed(s);
		if (first == 0)
			emit_units(m, "vmm.attach_request", s->vm.name, u);
		if (guest_await(m, s, seq, REQUEST_MS, &status, e))
			return request_failed(s);
		if (status != VMFO_OK) {
			err_set(e, "%s refused to engage the units (status %lld)", s->vm.name,
				(long long)status);
			return BROKEN;
		}
		if (guest_answer(m, s, "attach", &engaged, first == 0 ? val : NULL, e))
			return BROKEN;
	}
	char text[512], unit[24];
	units_format(&engaged, text, sizeof text);
	snprintf(unit, sizeof unit, "%" PRIu64, val[0] ? val[0] - 1 : 0);
	if (val[0]) /* an OS failure: where it read the crash record */
		trace_emit(&m->trace, "os.attached", "vm", s->vm.name, "units", text, "crash", unit,
			   "record", val[1] ? "yes" : "no", "fo", m->fo_cur, NULL);
	else
		emit_units(m, "os.attached", s->vm.name, &engaged);
	return guest_did_as_asked(s, "engaged", &engaged, u, e) ? BROKEN : DONE;
}

/* Make g's memslots follow the table, and emit ev with the units whose
 * memslots really changed: what g no longer maps (detach) or newly maps
 * (attach), as KVM maps it now. That is the VMM's own evidence of the
 * move, which the checker compares with the table's lookup (claims 1, 4). */
static int move_slots(struct vmfo *m, struct guest *g, const char *ev, bool gone,
		      struct err *e)
{
	struct units before, after, changed;
	mapped_units(m, g, &before);
	if (sync_slots(m, g, e))
		return -1;
	mapped_units(m, g, &after);
	if (gone)
		units_minus(&before, &after, &changed);
	else
		units_minus(&after, &before, &changed);
	emit_units(m, ev, g->vm.name, &changed);
	iochan_follow(m, g, gone); /* the apps' I/O channels go with their storage */
	return 0;
}

/* Take storage away from `from` (stopped, or no longer using it), or give
 * it to s: the table has already moved the rows; the slots follow it. */
#define detach(m, from, e) move_slots(m, from, "vmm.detach", true, e)
#define attach(m, s, e) move_slots(m, s, "vmm.attach", false, e)

/* Classroom pacing before a move of storage: one step, detach and attach
 * together, so that m->lock is not released between them and no OS can be
 * found failed with the storage half moved. The caller then checks that
 * `to` still runs. `to` NULL: the storage is parked. */
static void pace_move(struct vmfo *m, struct guest *from, struct guest *to, const struct units *u)
{
	char text[256];
	units_format(u, text, sizeof text);
	if (to)
		pace(m, "move units %s from %s's memslots to %s's: moved, not copied (claims 1, 4, 6, 7)",
		     text, from->vm.name, to->vm.name);
	else
		pace(m, "remove units %s from %s's memslots and keep them parked (claim 8)", text,
		     from->vm.name);
}

/* Wait, with m->lock held, until a's takeover on s ends one way or the
 * other: resumed, failed again, s failed, or the backstop ran out. */
static enum outcome await_resumed(struct vmfo *m, struct guest *s, struct app *a, struct err *e)
{
	uint64_t end = now_us() + (uint64_t)RESUME_MS * 1000;
	assert_locked(m);
	while (a->state == A_MOVING && s->state == G_RUNNING && !atomic_load(&m->quit)) {
		uint64_t now = now_us();
		if (now >= end) {
			err_set(e, "%s did not resume on %s within %d ms", a->name, s->vm.name, RESUME_MS);
			return BROKEN;
		}
		struct timespec deadline;
		deadline_in_us(&deadline, end - now);
		monitor_timedwait(m, &m->acked, &deadline);
	}
	if (a->state == A_RUNNING)
		return DONE;
	if (s->state != G_RUNNING) {
		err_set(e, "%s failed before %s resumed", s->vm.name, a->name);
		return TARGET_FAILED;
	}
	if (a->state == A_FAILED && a->row >= 0 && m->table.row[a->row].vm == s->vm.index &&
	    a->failed_us) {
		err_set(e, "%s failed again before it resumed on %s", a->name, s->vm.name);
		return APP_FAILED;
	}
	err_set(e, "%s did not resume on %s (it is %s)", a->name, s->vm.name, app_state_name(a->state));
	return BROKEN;
}

/* Claims 2, 6, 7: ask s to run the app on the storage it got, loading the
 * program from auxiliary memory; wait for app.resumed. */
static enum outcome activate(struct vmfo *m, struct guest *s, struct app *a, struct err *e)
{
	int64_t status;
	uint64_t args[3] = { (uint64_t)app_id(m, a), (uint64_t)a->prog, a->hdr_unit };

	/* The failed side can acknowledge nothing more: this is the mark. */
	a->acked_before = a->acked_seq;
	a->failed_us = 0; /* from here, a failure is a new one */
	/* One step, not two: once asked, the standby loads the program and
	 * resumes the app on its own, with nothing the VMM could pause
	 * between (a second pause here was a step that did nothing). */
	pace(m, "ask %s to activate %s: it loads the program from auxiliary memory and "
		"resumes it (claims 2, 6, 7, 8)", s->vm.name, a->name);
	a->state = A_MOVING;
	int64_t seq = guest_post(m, s, VMFO_MB_ACTIVATE, args, 3, &m->table.row[a->row].units, e);
	if (seq < 0)
		return request_failed(s);
	trace_emit(&m->trace, "vmm.activate_request", "vm", s->vm.name, "app", a->name, "fo",
		   m->fo_cur, NULL);
	if (guest_await(m, s, seq, REQUEST_MS, &status, e))
		return request_failed(s);
	if (status != VMFO_OK) {
		err_set(e, "%s refused to activate %s (status %lld)", s->vm.name, a->name,
			(long long)status);
		return BROKEN;
	}
	return await_resumed(m, s, a, e);
}

/* A failed app that is not taken over: its storage goes back to its OS as
 * free storage (claim 8), and the app holds nothing any more. Should the
 * OS's row be unable to hold it, the app keeps its row: nothing is lost. */
static void release_to_os(struct vmfo *m, struct guest *os, struct app *a)
{
	iochan_close(m, a, "not taken over");
	if (app_give_back(m, os, a)) {
		struct err e;
		err_set(&e, "%s's row cannot take %s's storage back", os->vm.name, a->name);
		abandon(m, os, "release", &e);
	}
	a->state = A_STOPPED;
}

/* Nobody can take hot app a over now: its storage leaves `from` (which no
 * longer uses it) and is kept, unmapped, in a's own row until an OS can. */
static void mark_parked(struct vmfo *m, struct app *a)
{
	char text[256];
	table_park(&m->table, a->row);
	a->state = A_PARKED;
	units_format(&m->table.row[a->row].units, text, sizeof text);
	trace_emit(&m->trace, "vmm.park", "app", a->name, "units", text, "fo", m->fo_cur, NULL);
}

static int park(struct vmfo *m, struct guest *from, struct app *a, struct err *e)
{
	pace_move(m, from, NULL, &m->table.row[a->row].units);
	table_park(&m->table, a->row);
	if (detach(m, from, e))
		return -1;
	mark_parked(m, a);
	return 0;
}

static void done(struct vmfo *m, const char *key, const char *name, uint64_t since_us)
{
	char ms[32];
	snprintf(ms, sizeof ms, "%.3f", (double)(now_us() - since_us) / 1000.0);
	trace_emit(&m->trace, "failover.done", key, name, "ms", ms, "fo", m->fo_cur, NULL);
}

/* The end of an app's takeover by s (its rows and slots already there):
 * engage, activate, report. */
static void finish_app_takeover(struct vmfo *m, struct guest *s, struct app *a, uint64_t since_us)
{
	struct err e;
	struct units u = m->table.row[a->row].units;
	/* From now the OS that takes s's own storage over (s's row says)
	 * takes the app over too: the active one for an app on the standby
	 * side, the standby for an app back on the active. */
	table_set_takeover(&m->table, a->row, m->table.row[s->os_row].takeover);
	pace(m, "tell %s what it now holds (claim 9)", s->vm.name);
	enum outcome o = attach_request(m, s, &u, 0, &e);
	if (o == DONE)
		o = activate(m, s, a, &e);
	if (o == DONE)
		done(m, "app", a->name, since_us);
	else if (o == BROKEN)
		abandon(m, s, "app takeover", &e);
	/* TARGET_FAILED or APP_FAILED: the failover queued for that failure
	 * carries on from the state the table now holds. */
}

/* The OS that takes a row over (an app, or a failed OS's own storage): its
 * takeover OS from the table, if that runs and is not where the row is. */
static struct guest *takeover_os(struct vmfo *m, const struct row *row)
{
	if (row->takeover == NO_VM)
		return NULL;
	struct guest *s = &m->g[row->takeover];
	return s->state == G_RUNNING && s->vm.index != row->vm ? s : NULL;
}

/* Claim 9, the OS's resource disconnection routine: ask act to disconnect
 * app a's storage (u, `text`), naming it unit by unit; os.disconnected
 * gives the units act answers it let go. false when the sequence ends
 * here, said so in the trace: act failed (its own failover carries the
 * app), refused, answered malformed (vmm.reject), or let go of other
 * units than asked. With m->lock held. */
static bool disconnect(struct vmfo *m, struct guest *act, struct app *a, const struct units *u,
		       const char *text)
{
	struct err e;
	int64_t status;
	struct units let_go;

	assert_locked(m);
	pace(m, "ask %s to disconnect %s's storage (claim 9)", act->vm.name, a->name);
	uint64_t args[2] = { (uint64_t)app_id(m, a), app_hot(m, a) };
	int64_t seq = guest_post(m, act, VMFO_MB_DISCONNECT, args, 2, u, &e);
	if (seq >= 0)
		trace_emit(&m->trace, "vmm.disconnect_request", "vm", act->vm.name, "app", a->name,
			   "units", text, "fo", m->fo_cur, NULL);
	if (seq < 0 || guest_await(m, act, seq, REQUEST_MS, &status, &e) ||
	    (status != VMFO_OK && err_set(&e, "%s refused (status %lld)", act->vm.name,
					  (long long)status))) {
		/* The OS itself failed meanwhile: its own failover (queued
		 * behind this one) carries the app with everything else. */
		if (act->state == G_FAILED)
			trace_emit(&m->trace, "vmm.no_takeover", "app", a->name, "reason",
				   "os_failed", "fo", m->fo_cur, NULL);
		else
			abandon(m, act, "disconnect", &e);
		return false;
	}
	units_clear(&let_go);
	if (guest_answer(m, act, "disconnect", &let_go, NULL, &e)) {
		abandon(m, act, "disconnect", &e);
		return false;
	}
	char got[512];
	units_format(&let_go, got, sizeof got);
	trace_emit(&m->trace, "os.disconnected", "vm", act->vm.name, "app", a->name, "units", got,
		   "fo", m->fo_cur, NULL);
	if (guest_did_as_asked(act, "let go of", &let_go, u, &e)) {
		abandon(m, act, "disconnect", &e);
		return false;
	}
	return true;
}

/* Claims 4 and 6: only app a's storage (`text`) moves, from act to s. Two
 * classroom steps, so a class can see it in neither VM; after each pause,
 * an OS that failed meanwhile takes nothing: as if none ran. With m->lock
 * held. */
static void move_app(struct vmfo *m, struct guest *act, struct guest *s, struct app *a,
		     uint64_t since, const char *text)
{
	struct err e;

	assert_locked(m);
	pace(m, "remove units %s from %s's memslots (claims 1, 4, 6, 7)", text, act->vm.name);
	bool taker = s->state == G_RUNNING;
	table_place(&m->table, a->row, taker ? s->vm.index : NO_VM);
	if (detach(m, act, &e)) {
		abandon(m, act, "app takeover", &e);
		return;
	}
	if (taker)
		pace(m, "map the same units into %s: moved, not copied (claims 1, 4, 6, 7)", s->vm.name);
	if (s->state != G_RUNNING) {
		trace_emit(&m->trace, "vmm.no_takeover", "app", a->name, "reason", "no_standby", "fo",
			   m->fo_cur, NULL);
		mark_parked(m, a);
	} else if (attach(m, s, &e)) {
		abandon(m, s, "app takeover", &e);
	} else {
		finish_app_takeover(m, s, a, since);
	}
}

/* Claims 4, 6, 8, 9: an app failed on the OS controlling it. */
void failover_app(struct vmfo *m, int id)
{
	struct err e;
	char text[512];

	monitor_lock(m);
	struct app *a = &m->app[id];
	struct row *row = a->row >= 0 ? &m->table.row[a->row] : NULL;
	if (a->state != A_FAILED || !row || row->control == NO_VM) {
		monitor_unlock(m);
		return; /* reset, or an OS failover, got there first */
	}
	struct guest *act = &m->g[row->control];
	uint64_t since = a->failed_us;
	fo_text(a->fo, m->fo_cur, sizeof m->fo_cur);

	/* Claim 3: the table says whose storage this is, who controls it, who
	 * takes it over and whether it is a hot-standby job. */
	struct units u = row->units;
	units_format(&u, text, sizeof text);
	pace(m, "look %s up in the resource management table (claim 3)", a->name);
	if (act->state != G_RUNNING) {
		/* Its OS failed before this could start (or while it paced):
		 * the OS failover takes the app along (claims 1, 7). */
		trace_emit(&m->trace, "vmm.no_takeover", "app", a->name, "reason", "os_failed",
			   "fo", m->fo_cur, NULL);
		monitor_unlock(m);
		return;
	}
	trace_emit(&m->trace, "vmm.lookup", "what", a->name, "units", text, "fo", m->fo_cur, NULL);
	bool hot = row->hot;
	struct guest *s = hot ? takeover_os(m, row) : NULL;
	if (!s)
		trace_emit(&m->trace, "vmm.no_takeover", "app", a->name, "reason",
			   !hot ? "not_hot" : "no_standby", "fo", m->fo_cur, NULL);

	/* A hot app's units leave its OS: to the standby, or parked. */
	if (disconnect(m, act, a, &u, text)) {
		if (!hot) {
			release_to_os(m, act, a);
		} else if (!s) {
			if (park(m, act, a, &e))
				abandon(m, act, "park", &e);
		} else {
			move_app(m, act, s, a, since, text);
		}
	}
	monitor_unlock(m);
}

/* Failed OS f's hot apps nobody can take are parked: all (s NULL: no OS
 * takes f's storage; the rest stays with f), or those whose rows name no OS
 * that runs; the others stay in ids for s. Returns how many stay, -1 when
 * a park failed. With m->lock held. */
static int park_untaken(struct vmfo *m, struct guest *f, struct guest *s, int *ids, int n)
{
	struct err e;
	int stay = 0;
	assert_locked(m);
	if (!s)
		trace_emit(&m->trace, "vmm.no_takeover", "vm", f->vm.name, "reason", "no_standby",
			   "fo", m->fo_cur, NULL);
	for (int i = 0; i < n; i++) {
		struct app *a = &m->app[ids[i]];
		bool hot = app_hot(m, a);
		if (s && (!hot || takeover_os(m, &m->table.row[a->row]) == s)) {
			ids[stay++] = ids[i];
			continue;
		}
		a->failed_us = f->fault_us; /* its takeover counts from there */
		if (s || !hot) /* claim 8: not a hot-standby job, or nobody to take it */
			trace_emit(&m->trace, "vmm.no_takeover", "app", a->name, "reason",
				   hot ? "no_standby" : "not_hot", "fo", m->fo_cur, NULL);
		if (!hot) {
			release_to_os(m, f, a);
		} else if (park(m, f, a, &e)) {
			abandon(m, f, "park", &e);
			return -1;
		}
	}
	return stay;
}

/* Claims 7 and 8: activate on s the hot-standby jobs among the apps moved
 * from f (the others' storage goes back to s as free storage); done once
 * every hot app resumed. With m->lock held. */
static void activate_moved(struct vmfo *m, struct guest *f, struct guest *s, const int *moved,
			   int nmoved)
{
	struct err e;
	bool all_resumed = true;
	assert_locked(m);
	for (int i = 0; i < nmoved && s->state == G_RUNNING; i++) {
		struct app *a = &m->app[moved[i]];
		if (!app_hot(m, a)) {
			trace_emit(&m->trace, "vmm.no_takeover", "app", a->name, "reason", "not_hot",
				   "fo", m->fo_cur, NULL);
			release_to_os(m, s, a);
			continue;
		}
		enum outcome o = activate(m, s, a, &e);
		if (o == BROKEN)
			abandon(m, s, "activation", &e);
		all_resumed &= o == DONE;
	}
	if (all_resumed && s->state == G_RUNNING) /* done: detected -> resumed, every hot app */
		done(m, "os", f->vm.name, f->fault_us);
}

/* Everything failed OS f held (units u), its own storage and its apps',
 * goes to s: the table first, then the memslots, then s is told. With
 * m->lock held. */
static void take_over_os(struct vmfo *m, struct guest *f, struct guest *s, const int *moved,
			 int nmoved, const struct units *u)
{
	struct err e;
	uint32_t crash_unit = f->kernel_unit;

	assert_locked(m);
	/* The table first: the failed OS's own storage joins the survivor's,
	 * and every app row now lives on and is controlled by the survivor. */
	if (table_absorb(&m->table, s->os_row, f->os_row, &e)) {
		abandon(m, s, "OS takeover", &e);
		return;
	}
	f->os_row = -1;
	for (int i = 0; i < nmoved; i++) {
		table_place(&m->table, m->app[moved[i]].row, s->vm.index);
		table_set_takeover(&m->table, m->app[moved[i]].row, NO_VM);
	}
	if (detach(m, f, &e) || attach(m, s, &e)) {
		abandon(m, s, "OS takeover", &e);
		return;
	}
	pace(m, "tell %s what it now holds, with the crash record (claim 9)", s->vm.name);
	enum outcome o = attach_request(m, s, u, crash_unit + 1, &e);
	if (o != DONE) {
		if (o == BROKEN)
			abandon(m, s, "OS takeover", &e);
		return;
	}
	if (f->role == VMFO_ROLE_ACTIVE)
		s->role = VMFO_ROLE_ACTIVE;
	f->role = 0;
	activate_moved(m, f, s, moved, nmoved);
}

/* Claims 1, 2, 3, 7, 9: an OS failed. Everything it held, its own storage
 * and every app's, goes to the OS its table row names, which survives; hot
 * apps continue there. A failed active OS is taken over by the standby,
 * which becomes active; a failed standby that ran apps (taken over from the
 * active) is taken over by the active OS. Hot apps nobody can take (by
 * their rows, or f's) are parked. */
void failover_os(struct vmfo *m, int vm)
{
	char text[512];
	struct guest *f = &m->g[vm];

	monitor_lock(m);
	bool failed = m->booted && f->state == G_FAILED && f->os_row >= 0;
	monitor_unlock(m);
	if (!failed)
		return;
	/* The failed OS must not run on while its storage moves. vCPU
	 * threads take m->lock for hypercalls: stop it unlocked. */
	vm_stop(&f->vm);
	monitor_lock(m);
	/* Claim 3: the failed OS's row says who takes its storage over. */
	struct guest *s = takeover_os(m, &m->table.row[f->os_row]);
	int moved[MAX_APPS];
	int nmoved = apps_on(m, vm, moved);
	fo_text(f->fo, m->fo_cur, sizeof m->fo_cur);
	for (int i = 0; i < nmoved; i++)
		m->app[moved[i]].fo = f->fo; /* they move with this takeover now */
	struct units u;
	table_units_of_vm(&m->table, vm, &u);
	units_format(&u, text, sizeof text);
	if (s)
		pace(m, "look %s up in the resource management table (claim 3)", f->vm.name);
	if (s && s->state == G_RUNNING) {
		trace_emit(&m->trace, "vmm.lookup", "what", f->vm.name, "units", text, "fo", m->fo_cur,
			   NULL);
		nmoved = park_untaken(m, f, s, moved, nmoved);
		table_units_of_vm(&m->table, vm, &u); /* what is left to move */
		pace_move(m, f, s, &u);
	}
	/* nmoved < 0: a park failed (failover.error); s not running: it failed as we paced */
	if (nmoved >= 0 && (!s || s->state != G_RUNNING))
		park_untaken(m, f, NULL, moved, nmoved);
	else if (nmoved >= 0)
		take_over_os(m, f, s, moved, nmoved, &u);
	monitor_unlock(m);
}

/* The OS that takes parked storage: the standby, which the claims make the
 * one to take over; the active OS when there is no other. */
static struct guest *unpark_target(struct vmfo *m)
{
	struct guest *s = guest_by_role(m, VMFO_ROLE_STANDBY);
	if (!s || s->state != G_RUNNING)
		s = guest_by_role(m, VMFO_ROLE_ACTIVE);
	return s && s->state == G_RUNNING ? s : NULL;
}

/* Parked apps, one at a time, to an OS that can now take them: the attach
 * and activate steps their takeover still owed (claims 4, 6, 7, 9). */
void failover_unpark(struct vmfo *m)
{
	struct err e;
	char text[256];

	monitor_lock(m);
	for (int i = 0; i < MAX_APPS; i++) {
		struct app *a = &m->app[i];
		struct guest *s = unpark_target(m);
		if (a->state != A_PARKED || !s)
			continue;
		struct row *row = &m->table.row[a->row];
		struct units u = row->units;
		/* The takeover its failure started goes on: same id. */
		fo_text(a->fo, m->fo_cur, sizeof m->fo_cur);
		units_format(&u, text, sizeof text);
		pace(m, "look %s up in the resource management table (claim 3)", a->name);
		if (s->state != G_RUNNING)
			continue; /* it failed while we paced: still parked */
		trace_emit(&m->trace, "vmm.lookup", "what", a->name, "units", text, "fo", m->fo_cur, NULL);
		pace(m, "map the parked units %s into %s (claims 1, 4, 6, 7)", text, s->vm.name);
		if (s->state != G_RUNNING)
			continue; /* likewise: the takeover of s's failure comes next */
		table_place(&m->table, a->row, s->vm.index);
		if (attach(m, s, &e)) {
			table_place(&m->table, a->row, NO_VM);
			abandon(m, s, "unpark", &e);
			continue;
		}
		finish_app_takeover(m, s, a, a->failed_us);
	}
	monitor_unlock(m);
}
