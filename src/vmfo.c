/* vmfo.c — the typed core API (vmfo.h) over the monitor: argument checks
 * whose messages every front end shares, the waits that make an action
 * synchronous (boot until both OSes are ready, reprotect until the rebooted
 * one is), and the read snapshot. Policy itself lives below, in the
 * monitor, failover and apps modules. */
#include "vmfo.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "apps.h"
#include "monitor.h"

#define BOOT_WAIT_MS 10000

/* ---- life cycle ---- */

struct vmfo *vmfo_open(const struct config *cfg, bool *kvm_failed, struct err *e)
{
	struct vmfo *m = calloc(1, sizeof *m);
	*kvm_failed = false;
	if (!m) {
		err_set(e, "out of memory");
		return NULL;
	}
	vm_install_kick_handler();
	if (monitor_init(m, cfg, kvm_failed, e)) {
		struct err ignored;
		monitor_destroy(m, &ignored); /* e already says what failed first */
		free(m);
		return NULL;
	}
	return m;
}

int vmfo_close(struct vmfo *m, struct err *e)
{
	int rc = monitor_destroy(m, e);
	free(m);
	return rc;
}

const struct config *vmfo_defaults(const struct vmfo *m)
{
	return &m->cfg0;
}

void vmfo_set_heartbeat(struct vmfo *m, uint64_t heartbeat_ms, uint64_t miss)
{
	monitor_lock(m);
	m->cfg.heartbeat_ms = heartbeat_ms;
	m->cfg.miss = miss;
	monitor_unlock(m);
}

void vmfo_restore_config(struct vmfo *m)
{
	monitor_lock(m);
	m->cfg = m->cfg0;
	monitor_unlock(m);
}

/* ---- actions ---- */

static size_t mark_of(struct vmfo *m)
{
	monitor_lock(m);
	size_t mark = m->mark;
	monitor_unlock(m);
	return mark;
}

/* From a to b in ms; 0 if either is unknown (or b came first). */
static double ms_between(uint64_t a, uint64_t b)
{
	return a && b > a ? (double)(b - a) / 1000.0 : 0;
}

/* Wait for vm i's os.ready after a boot and note how long it took. */
static int await_ready(struct vmfo *m, int i, size_t mark, struct vmfo_booted *out,
		       struct err *e)
{
	struct event ev;
	const char *vm = m->g[i].vm.name;
	struct event_match w = { "os.ready", NULL, vm };
	int got = trace_await(&m->trace, &w, mark, BOOT_WAIT_MS, NULL, NULL, &ev);
	if (got < 0)
		return err_set(e, "interrupted while waiting for %s to report ready", vm);
	if (!got)
		return err_set(e, "%s did not report ready within %d ms (see 'log %s')", vm,
			       BOOT_WAIT_MS, vm);
	monitor_lock(m);
	const struct guest *g = &m->g[i];
	strlcpy0(out->os[i].vm, vm, sizeof out->os[i].vm);
	out->os[i].role = role_name(g->role);
	out->os[i].ready_ms = (double)(ev.t_us - g->t_boot_us) / 1000.0;
	out->os[i].begin_ms = ms_between(m->boot_begin_us, g->boot_begin_us);
	for (int p = 0; p < BOOT_PHASES; p++)
		out->os[i].phase_ms[p] = (double)g->boot_phase_us[p] / 1000.0;
	out->os[i].mb = g->os_row >= 0 ? row_bytes(&m->table, &m->table.row[g->os_row]) / MB : 0;
	monitor_unlock(m);
	return 0;
}

int vmfo_boot(struct vmfo *m, uint64_t active_mb, uint64_t standby_mb, struct vmfo_booted *out,
	      struct err *e)
{
	struct vmfo_booted ignored;
	if (!out)
		out = &ignored;
	/* Sizes not given are the command line's, not the last boot's. */
	if (monitor_boot(m, active_mb ? active_mb : m->cfg0.active_mb,
			 standby_mb ? standby_mb : m->cfg0.standby_mb, e))
		return -1;
	size_t mark = mark_of(m);
	for (int i = 0; i < 2; i++)
		if (await_ready(m, i, mark, out, e))
			return -1;
	return 0;
}

int vmfo_check_sizes(struct vmfo *m, uint64_t active_mb, uint64_t standby_mb, struct err *e)
{
	struct config cfg = m->cfg0;
	if (active_mb)
		cfg.active_mb = active_mb;
	if (standby_mb)
		cfg.standby_mb = standby_mb;
	return monitor_check_sizes(m, &cfg, e);
}

void vmfo_reset(struct vmfo *m)
{
	monitor_reset(m);
}

int vmfo_app_start(struct vmfo *m, const char *name, const char *prog, bool hot,
		   struct vmfo_app_size *size, struct err *e)
{
	return apps_start(m, name, prog, hot, size, e);
}

int vmfo_app_grow(struct vmfo *m, const char *name, struct vmfo_app_size *size, struct err *e)
{
	return apps_grow(m, name, size, e);
}

/* ---- faults: one list of kinds per target, from the ABI's name tables ---- */

#define KINDS_MAX 8

struct kind_list {
	const char *name[KINDS_MAX];
	char text[96];
};

/* The OS faults a target executes: a wild write aims at the standby, so
 * the active OS only; engage-hang and activate-hang strike when a takeover
 * reaches the standby, so the standby only. */
static bool os_kind_for(enum vmfo_fault_target t, int k)
{
	bool standby_only = k == VMFO_OS_FAULT_ENGAGE_HANG || k == VMFO_OS_FAULT_ACTIVATE_HANG;
	return t == VMFO_FAULT_OS ? !standby_only : k != VMFO_OS_FAULT_WILD;
}

static void list_text(struct kind_list *l)
{
	size_t n = 0;
	while (l->name[n])
		n++;
	l->text[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		strncat(l->text, sep, sizeof l->text - strlen(l->text) - 1);
		strncat(l->text, l->name[i], sizeof l->text - strlen(l->text) - 1);
	}
}

static struct kind_list kind_lists[3];

static void build_kind_lists(void)
{
	for (int t = VMFO_FAULT_OS; t <= VMFO_FAULT_STANDBY; t++) {
		int n = 0;
		for (int k = 1; k < VMFO_OS_FAULT_MAX; k++)
			if (os_kind_for((enum vmfo_fault_target)t, k))
				kind_lists[t].name[n++] = os_fault_name(k);
	}
	for (int k = 1, n = 0; k < VMFO_APP_FAULT_MAX; k++)
		kind_lists[VMFO_FAULT_APP].name[n++] = app_fault_name((uint32_t)k);
	for (int t = 0; t < 3; t++)
		list_text(&kind_lists[t]);
}

static const struct kind_list *kinds_of(enum vmfo_fault_target t)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, build_kind_lists);
	return &kind_lists[t];
}

const char *const *vmfo_fault_kinds(enum vmfo_fault_target t)
{
	return kinds_of(t)->name;
}

const char *vmfo_fault_kinds_text(enum vmfo_fault_target t)
{
	return kinds_of(t)->text;
}

static bool listed(const char *const *names, const char *name)
{
	for (; name && *names; names++)
		if (strcmp(*names, name) == 0)
			return true;
	return false;
}

int vmfo_fault(struct vmfo *m, const struct vmfo_fault *f, struct err *e)
{
	const char *const *kinds = vmfo_fault_kinds(f->target);
	const char *text = vmfo_fault_kinds_text(f->target);
	switch (f->target) {
	case VMFO_FAULT_OS:
		if (!listed(kinds, f->kind))
			return err_set(e, "unknown OS fault '%s' (%s)", f->kind, text);
		if (f->unit != UINT32_MAX && os_fault_kind(f->kind) != VMFO_OS_FAULT_WILD)
			return err_set(e, "a unit goes with the wild fault only");
		return monitor_os_fault_inject(m, os_fault_kind(f->kind), f->unit, e);
	case VMFO_FAULT_STANDBY:
		if (!listed(kinds, f->kind))
			return err_set(e, "unknown standby fault '%s' (%s)", f->kind, text);
		return monitor_standby_fault_inject(m, os_fault_kind(f->kind), e);
	case VMFO_FAULT_APP:
		return apps_fault(m, f->app, f->kind, e);
	}
	return err_set(e, "no such fault target");
}

/* ---- test mode ---- */

static const char *const hostile_names[VMFO_HOSTILE_MAX + 1] = { /* NULL-terminated */
	[VMFO_HOSTILE_ARG_FOREIGN] = "arg-foreign", [VMFO_HOSTILE_ARG_BEYOND] = "arg-beyond",
	[VMFO_HOSTILE_LENGTH] = "length", [VMFO_HOSTILE_TEXT_FOREIGN] = "text-foreign",
	[VMFO_HOSTILE_UNKNOWN] = "unknown", [VMFO_HOSTILE_DIRECTION] = "direction",
	[VMFO_HOSTILE_CLAIM] = "claim", [VMFO_HOSTILE_REQUEST] = "request",
	[VMFO_HOSTILE_AUX] = "aux", [VMFO_HOSTILE_ACK] = "ack", [VMFO_HOSTILE_FLOOD] = "flood",
	[VMFO_HOSTILE_ACK_RUNS] = "ack-runs", [VMFO_HOSTILE_LOADED] = "loaded",
	[VMFO_HOSTILE_FORMAT] = "format",
	[VMFO_HOSTILE_VERIFIED] = "verified",
};

const char *const *vmfo_hostile_cases(void)
{
	return hostile_names + 1; /* from 1 on; VMFO_HOSTILE_MAX ends it */
}

int vmfo_hostile(struct vmfo *m, const char *name, int64_t *answer, struct err *e)
{
	for (int k = 1; k < VMFO_HOSTILE_MAX; k++)
		if (strcmp(name, hostile_names[k]) == 0)
			return monitor_hostile(m, k, answer, e);
	return err_set(e, "no hostile case '%s'", name);
}

/* ---- the table in main storage ---- */

int vmfo_table_bytes(struct vmfo *m, struct vmfo_table_bytes *out, struct err *e)
{
	int rc = 0;
	monitor_lock(m);
	uint32_t home = table_home(&m->table);
	if (home == TABLE_NO_HOME) {
		rc = err_set(e, "not booted: the table lies in the VMM's unit once 'boot' has "
				"taken it");
	} else {
		out->unit = home;
		out->offset = TABLE_OFFSET;
		out->unit_bytes = m->pool.unit_bytes;
		out->size = sizeof out->bytes;
		/* Read from the pool, where the verbs write: the same bytes
		 * as m->table.store (table_check makes sure). */
		memcpy(out->bytes, (const unsigned char *)pool_hva(&m->pool, home) + TABLE_OFFSET,
		       out->size);
	}
	monitor_unlock(m);
	return rc;
}

int vmfo_table_set_hot(struct vmfo *m, const char *row, bool hot, struct err *e)
{
	return monitor_table_set(m, row, TABLE_COL_HOT, hot, e);
}

int vmfo_table_set_takeover(struct vmfo *m, const char *row, int vm, struct err *e)
{
	if (vm != NO_VM && vm != 0 && vm != 1)
		return err_set(e, "table set %s: no VM %d (vm0, vm1 or none)", row, vm);
	return monitor_table_set(m, row, TABLE_COL_TAKEOVER, vm, e);
}

/* ---- the I/O control unit ---- */

static int io_channel(struct vmfo *m, const char *name, bool open, struct err *e)
{
	if (monitor_ctl_acquire(m, e))
		return -1;
	monitor_lock(m);
	monitor_mark_action(m);
	struct app *a = app_by_name(m, name);
	int rc = 0;
	if (!a)
		rc = err_set(e, "no app called '%s' (see 'app list')", name);
	else if (open)
		rc = iochan_open(m, a, e);
	else if (iochan_row(m, a) < 0)
		rc = err_set(e, "%s's channel is not open", name);
	else
		iochan_close(m, a, "closed");
	monitor_end(m);
	return rc;
}

int vmfo_io_open(struct vmfo *m, const char *app, struct err *e)
{
	return io_channel(m, app, true, e);
}

int vmfo_io_close(struct vmfo *m, const char *app, struct err *e)
{
	return io_channel(m, app, false, e);
}

void vmfo_io_call(struct vmfo *m, const char *app, uint32_t op, uint64_t key, uint64_t value,
		  uint64_t timeout_ms, struct io_answer *ans)
{
	monitor_lock(m);
	struct app *a = app_by_name(m, app);
	int id = a ? app_id(m, a) : -1;
	monitor_unlock(m);
	iodev_call(&m->io, id, op, key, value, timeout_ms, ans);
}

int vmfo_reprotect(struct vmfo *m, struct vmfo_reprotected *out, struct err *e)
{
	struct event ev;
	size_t mark = trace_count(&m->trace);
	if (monitor_reprotect(m, e))
		return -1;
	if (!trace_wait(&m->trace, "vmm.reprotect", NULL, NULL, mark, BOOT_WAIT_MS, &ev))
		return err_set(e, "the rebooted OS did not report ready within %d ms", BOOT_WAIT_MS);
	const char *vm = event_field(&ev, "vm");
	strlcpy0(out->vm, vm ? vm : "-", sizeof out->vm);
	out->role = "-";
	monitor_lock(m);
	for (int i = 0; i < 2; i++)
		if (vm && strcmp(vm, m->g[i].vm.name) == 0)
			out->role = role_name(m->g[i].role);
	monitor_unlock(m);
	return 0;
}

int vmfo_invariants(struct vmfo *m, struct err *e)
{
	int rc = monitor_check_invariants(m, e);
	if (rc == -1) {
		char why[sizeof e->msg];
		strlcpy0(why, e->msg, sizeof why);
		err_set(e, "invariant broken: %s", why);
	}
	return rc;
}

/* ---- the trace ---- */

struct trace *vmfo_trace(struct vmfo *m)
{
	return &m->trace;
}

int vmfo_wait(struct vmfo *m, const struct event_match *w, uint64_t ms, void (*tick)(void *),
	      void *arg, struct event *out)
{
	return trace_await(&m->trace, w, mark_of(m), ms, tick, arg, out);
}

struct event *vmfo_settled_trace(struct vmfo *m, int timeout_ms, size_t *n, struct err *e)
{
	return monitor_settled_trace(m, timeout_ms, n, e);
}

/* ---- classroom ---- */

void vmfo_set_pace(struct vmfo *m, uint64_t ms)
{
	monitor_set_pace(m, ms);
}

void vmfo_set_step(struct vmfo *m, bool on)
{
	monitor_set_step(m, on);
}

void vmfo_step_waiting(struct vmfo *m, char *buf, size_t size)
{
	monitor_step_waiting(m, buf, size);
}

bool vmfo_refused_paused(const struct err *e)
{
	return strcmp(e->msg, monitor_paused_text) == 0;
}

int vmfo_step(struct vmfo *m, struct err *e)
{
	char next[160];
	monitor_step_waiting(m, next, sizeof next);
	if (!next[0])
		return err_set(e, "no failover step is waiting (use 'step on' first)");
	monitor_step_grant(m);
	return 0;
}

/* ---- the snapshot ---- */

static void snap_os(const struct vmfo *m, int i, struct vmfo_os_view *o)
{
	const struct guest *g = &m->g[i];
	strlcpy0(o->name, g->vm.name, sizeof o->name);
	o->role = role_name(g->role);
	o->state = g->state;
	strlcpy0(o->fail_cause, g->fail_cause, sizeof o->fail_cause);
	o->hb_count = atomic_load(&g->heartbeats);
	o->last_hb_us = atomic_load(&g->last_hb_us);
	o->t_boot_us = g->t_boot_us;
	o->t_ready_us = g->t_ready_us;
	o->slots = vm_slot_count(&g->vm);
}

static void snap_app(struct vmfo *m, const struct app *a, struct vmfo_app_view *v)
{
	*v = (struct vmfo_app_view){ .state = a->state, .vm = NO_VM };
	if (a->state == A_FREE)
		return;
	strlcpy0(v->name, a->name, sizeof v->name);
	v->prog = aux_name(a->prog);
	v->vm = app_vm(m, a);
	v->hot = app_hot(m, a);
	v->acked = a->acked_seq;
	if (a->row >= 0) {
		/* Progress is read straight from the app's storage, no exit. */
		const struct vmfo_app_hdr *h = app_header(m, a);
		v->seq = __atomic_load_n(&h->seq, __ATOMIC_RELAXED);
		v->hash = __atomic_load_n(&h->hash, __ATOMIC_RELAXED);
		v->bytes = row_bytes(&m->table, &m->table.row[a->row]);
	}
	v->io_open = iodev_stats(&m->io, app_id(m, a), &v->io, &v->io_vm);
}

void vmfo_snapshot(struct vmfo *m, struct vmfo_snapshot *s)
{
	bool busy = monitor_busy(m);
	monitor_lock(m);
	s->now_us = now_us();
	s->booted = m->booted;
	s->cfg = m->cfg;
	s->step_mode = m->step_mode;
	strlcpy0(s->step_next, m->step_next, sizeof s->step_next);
	s->busy = busy;
	for (int i = 0; i < 2; i++)
		snap_os(m, i, &s->os[i]);
	for (int i = 0; i < MAX_APPS; i++)
		snap_app(m, &m->app[i], &s->app[i]);
	/* The rows themselves, out of the VMM's unit: nothing in the copy may
	 * reach the live table or the pool. */
	table_copy(&s->table, &m->table);
	s->vmm_row = m->vmm_row;
	s->nunits = m->pool.nunits;
	s->nfree = m->pool.nfree;
	s->unit_bytes = m->pool.unit_bytes;
	s->huge = m->pool.huge;
	s->free_fragmented = pool_free_units(&m->pool, &s->free_units) != 0;
	monitor_unlock(m);
}

const struct vmfo_app_view *vmfo_snapshot_app(const struct vmfo_snapshot *s, const char *name)
{
	for (int i = 0; i < MAX_APPS; i++)
		if (s->app[i].state != A_FREE && strcmp(s->app[i].name, name) == 0)
			return &s->app[i];
	return NULL;
}

/* The bytes of a's storage from its header to the end of that run of
 * units: contiguous in the pool, so one pointer reaches them. With
 * m->lock held; a holds storage. */
static uint64_t header_run_bytes(const struct vmfo *m, const struct app *a)
{
	const struct units *u = &m->table.row[a->row].units;
	for (unsigned i = 0; i < u->nruns; i++)
		if (a->hdr_unit >= u->run[i].first && a->hdr_unit < u->run[i].first + u->run[i].count)
			return (uint64_t)(u->run[i].first + u->run[i].count - a->hdr_unit) *
			       m->pool.unit_bytes;
	return 0;
}

int vmfo_copy_app_storage(struct vmfo *m, const char *name, void *dst, uint64_t max,
			  uint64_t *bytes, uint64_t *us)
{
	*bytes = *us = 0;
	monitor_lock(m);
	const struct app *a = app_by_name(m, name);
	if (!a || a->row < 0) {
		monitor_unlock(m);
		return -1;
	}
	*bytes = header_run_bytes(m, a);
	if (*bytes > max)
		*bytes = max;
	uint64_t t0 = now_us();
	memcpy(dst, app_header(m, a), *bytes);
	*us = now_us() - t0;
	monitor_unlock(m);
	return 0;
}

int vmfo_corrupt(struct vmfo *m, const char *name, uint64_t offset, uint64_t *gpa, struct err *e)
{
	int rc = 0;
	monitor_lock(m);
	const struct app *a = app_by_name(m, name);
	uint64_t bytes = a && a->row >= 0 ? header_run_bytes(m, a) : 0;
	if (!a)
		rc = err_set(e, "no app called '%s'", name);
	else if (!bytes)
		rc = err_set(e, "%s holds no storage to damage", name);
	else if (offset >= bytes)
		rc = err_set(e, "offset %" PRIu64 " is past %s's first run of units (%" PRIu64 " bytes)",
			     offset, name, bytes);
	else {
		/* Every bit of one byte flipped, as a memory error might:
		 * whatever the byte held, it no longer does. */
		((volatile uint8_t *)pool_hva(&m->pool, a->hdr_unit))[offset] ^= 0xff;
		*gpa = VMFO_POOL_GPA + (uint64_t)a->hdr_unit * m->pool.unit_bytes + offset;
	}
	monitor_unlock(m);
	return rc;
}

void vmfo_log(struct vmfo *m, int vm, struct vmfo_log *out)
{
	monitor_lock(m);
	const struct log_ring *r = &m->g[vm].log;
	unsigned first = (r->next + LOG_LINES - r->count) % LOG_LINES;
	out->count = r->count;
	for (unsigned i = 0; i < r->count; i++) {
		unsigned k = (first + i) % LOG_LINES;
		strlcpy0(out->line[i], r->line[k], sizeof out->line[i]);
		out->t_us[i] = r->t_us[k];
	}
	monitor_unlock(m);
}

static const char *program_names[VMFO_AUX_MAX_PROGS + 1];

static void list_programs(void)
{
	for (int i = 0, n = 0; i < VMFO_AUX_MAX_PROGS; i++)
		if (strcmp(aux_name(i), "?") != 0)
			program_names[n++] = aux_name(i);
}

const char *const *vmfo_programs(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, list_programs);
	return program_names;
}

const struct vmfo_prog_needs *vmfo_program_needs(const char *prog)
{
	return aux_needs(aux_find(prog));
}
