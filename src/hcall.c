/* hcall.c — the vCPU exit path: hypercall dispatch with checked
 * guest-physical addresses, one handler per hypercall, refusals (a handler
 * says why through its out-parameter), MMIO to storage the VM does not own,
 * and exits that end a VM. Policy is reached only through m->policy (an OS
 * fault, queued work); the table only through its verbs.
 * Claims served: 2 (aux read), 5 (report, request), 6 (resumed, with the
 * continuity check), 9 (app failure, panic, OS faults by exit), 3 (every
 * change of storage here goes through the table). */
#include "hcall.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "guest_console.h"
#include "mailbox.h"
#include "needs.h"
#include "slots.h"

void *guest_range(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (len == 0 || gpa + len < gpa)
		return NULL;
	for (int i = 0; i < VM_MAX_SLOTS; i++) {
		const struct vm_slot *s = &vm->slot[i];
		if (s->used && gpa >= s->gpa && gpa - s->gpa <= s->size &&
		    len <= s->size - (gpa - s->gpa))
			return (uint8_t *)s->hva + (gpa - s->gpa);
	}
	return NULL;
}

/* The table row released storage waits in (hc_release): not a name an app
 * can have. */
#define RELEASE_ROW "(released)"

/* A handler refuses: *why gets the reason, which the dispatcher reports. */
static uint32_t refuse_why(const char **why, uint32_t status, const char *reason)
{
	*why = reason;
	return status;
}

static uint32_t hc_ready(struct vmfo *m, struct guest *g, void *arg, const char **why)
{
	struct vmfo_hc_ready *r = arg;
	if (r->abi_version != VMFO_ABI_VERSION)
		return refuse_why(why, VMFO_EVERSION, "ready: built for another ABI version");
	if (r->role != g->role || g->state != G_BOOTING)
		return refuse_why(why, VMFO_EINVAL, "ready: a second time, or with the wrong role");
	g->state = G_RUNNING;
	g->t_ready_us = now_us();
	guest_phase_done(g, BOOT_VCPU_THREAD, vm_first_run_us(&g->vm));
	guest_phase_done(g, BOOT_GUEST_INIT, g->t_ready_us);
	atomic_store(&g->last_hb_us, g->t_ready_us);
	trace_emit(&m->trace, "os.ready", "vm", g->vm.name, "role", role_name(g->role), NULL);
	if (g->reprotected)
		trace_emit(&m->trace, "vmm.reprotect", "vm", g->vm.name, NULL);
	/* Parked storage waits for an OS that can take it: here is one. */
	for (int i = 0; i < MAX_APPS; i++)
		if (m->app[i].state == A_PARKED) {
			m->policy->queue(m, WORK_UNPARK, g->vm.index);
			break;
		}
	return VMFO_OK;
}

/* The app the guest names, if that guest really runs it (its storage is
 * mapped there). Guests name apps by the id the VMM gave them. */
static struct app *guest_app(struct vmfo *m, struct guest *g, uint64_t id)
{
	if (id >= MAX_APPS || m->app[id].state == A_FREE)
		return NULL;
	struct app *a = &m->app[id];
	int vm = app_vm(m, a);
	/* A starting app has no row yet: its OS is the active one. */
	if (vm == NO_VM && a->state == A_STARTING && g->role == VMFO_ROLE_ACTIVE)
		return a;
	return vm == g->vm.index ? a : NULL;
}

static uint32_t hc_console(struct vmfo *m, struct guest *g, void *arg, const char **why)
{
	const struct vmfo_hc_console *c = arg;
	char line[GUEST_CONSOLE_LINE];
	(void)m;
	if (c->len == 0 || c->len > VMFO_CONSOLE_MAX)
		return refuse_why(why, VMFO_EINVAL, "console: length out of range");
	const char *fmt = guest_range(&g->vm, c->gpa, c->len);
	if (!fmt)
		return refuse_why(why, VMFO_EFAULT, "console: text outside its storage");
	int n = guest_console_format(fmt, c->len, c->arg, line, why);
	if (n < 0)
		return VMFO_EINVAL;
	log_append(&g->log, line, (size_t)n);
	return VMFO_OK;
}

static uint32_t hc_ack(struct vmfo *m, struct guest *g, void *arg, const char **why)
{
	const struct vmfo_hc_ack *a = arg;
	if (a->seq == 0 || a->seq >= g->mb_next_seq)
		return refuse_why(why, VMFO_EINVAL, "ack: answers a request never made");
	g->mb_acked = a->seq;
	pthread_cond_broadcast(&m->acked);
	return VMFO_OK;
}

/* An event about an app that a takeover is moving carries that takeover's
 * id (fo=N): a NULL key, which ends the field list, for any other app. */
static const char *moving_key(const struct app *a)
{
	return a->state == A_MOVING ? "fo" : NULL;
}

/* Claim 5: the OS says which units an app uses. They come out of the OS's
 * own free storage into the app's row, as whole memslots of their own. We
 * are on g's vCPU thread, so splitting g's slots cannot race the guest. */
static uint32_t hc_report(struct vmfo *m, struct guest *g, void *arg, const char **why)
{
	const struct vmfo_hc_units *r = arg;
	struct app *a = guest_app(m, g, r->app_id);
	struct units want, added, have;
	struct err e;
	char text[256];

	/* Starting, grown, or just taken over (claim 6: its new OS reports). */
	if (!a || (a->state != A_STARTING && a->state != A_RUNNING && a->state != A_MOVING))
		return refuse_why(why, VMFO_ENOENT, "report: no such app on this OS");
	if (runs_to_units(&r->runs, &want))
		return refuse_why(why, VMFO_EINVAL, "report: malformed or overlapping unit runs");
	/* Claim 5: how the OS computed the storage, if it did: it must add
	 * up, and the units reported must hold what it computed. */
	if (r->calc.items && needs_calc_wrong(&r->calc, aux_needs(a->prog), m->pool.unit_bytes))
		return refuse_why(why, VMFO_EINVAL, "report: its computation does not add up");
	if (r->calc.items && r->calc.units > units_count(&want))
		return refuse_why(why, VMFO_EINVAL, "report: fewer units than it computed");
	units_clear(&have);
	if (a->row >= 0)
		have = m->table.row[a->row].units;
	added = want;
	if (units_remove(&added, &have))
		return refuse_why(why, VMFO_EINVAL, "report: drops units the app holds");
	const struct units *os_free = &m->table.row[g->os_row].units;
	for (uint32_t i = 0; i < added.nruns; i++)
		for (uint32_t k = 0; k < added.run[i].count; k++) {
			uint32_t u = added.run[i].first + k;
			if (!units_contains(os_free, u) || u == g->kernel_unit)
				return refuse_why(why, VMFO_EFAULT, "report: claims units that are not its free storage");
		}
	/* A unit has one row: the units leave the OS's as they join the app's. */
	bool new_row = a->row < 0;
	if (new_row) {
		a->hdr_unit = r->runs.run[0].first; /* the guest puts the header there */
		int row = table_split(&m->table, g->os_row, a->name, ROW_APP, g->vm.index, &added, &e);
		if (row < 0)
			return VMFO_EINVAL;
		struct guest *sb = guest_by_role(m, VMFO_ROLE_STANDBY);
		table_set_takeover(&m->table, row, sb ? sb->vm.index : NO_VM);
		table_set_hot(&m->table, row, a->hot);
		a->row = row;
	} else if (table_move(&m->table, g->os_row, a->row, &added, &e)) {
		return refuse_why(why, VMFO_EINVAL, "report: the app's row cannot hold those units");
	}
	if (sync_slots(m, g, &e)) {
		/* KVM would not take the new slots (none left, say): give the
		 * units back to the OS and map what was mapped before. */
		log_append(&g->log, e.msg, strlen(e.msg));
		if (new_row ? table_absorb(&m->table, g->os_row, a->row, &e)
			    : table_move(&m->table, a->row, g->os_row, &added, &e))
			log_append(&g->log, e.msg, strlen(e.msg)); /* the app keeps them */
		else if (new_row)
			a->row = -1;
		return refuse_why(why, VMFO_EFAULT, "report: no memslot left for the app's storage");
	}
	/* Claims 5, 6: the OS reporting an app's resources is the OS that
	 * controls it; after a takeover the column changes here, on the new
	 * OS's report, not when the storage moved. */
	table_set_control(&m->table, a->row, g->vm.index);
	units_format(&want, text, sizeof text);
	char fo[24], need[24], how[EV_VAL_MAX];
	if (!r->calc.items) {
		trace_emit(&m->trace, "os.report", "vm", g->vm.name, "app", a->name, "units", text,
			   moving_key(a), fo_text(a->fo, fo, sizeof fo), NULL);
		return VMFO_OK;
	}
	snprintf(need, sizeof need, "%" PRIu64, r->calc.units * (m->pool.unit_bytes / MB));
	needs_how(&r->calc, how, sizeof how);
	trace_emit(&m->trace, "os.report", "vm", g->vm.name, "app", a->name, "units", text, "need_mb",
		   need, "how", how, moving_key(a), fo_text(a->fo, fo, sizeof fo), NULL);
	return VMFO_OK;
}

/* Claim 5: the OS lacks storage; the VMM gives it unused units. */
static uint32_t hc_request(struct vmfo *m, struct guest *g, void *arg, const char **why)
{
	struct vmfo_hc_request *r = arg;
	struct units got;
	struct err e;
	char text[256];

	if (r->units == 0 || r->units > m->pool.nunits)
		return refuse_why(why, VMFO_EINVAL, "request: more units than the pool has");
	snprintf(text, sizeof text, "%" PRIu64, r->units * (m->pool.unit_bytes / MB));
	trace_emit(&m->trace, "os.request", "vm", g->vm.name, "mb", text, NULL);
	/* Units from the pool into the OS's row, in as many runs as a
	 * hypercall can carry back. */
	if (table_alloc(&m->table, g->os_row, (uint32_t)r->units, VMFO_MAX_RUNS, &got, &e))
		return VMFO_ENOSPC;
	if (sync_slots(m, g, &e)) {
		struct err undo;
		if (table_free(&m->table, g->os_row, &got, &undo))
			log_append(&g->log, undo.msg, strlen(undo.msg)); /* the OS keeps them */
		log_append(&g->log, e.msg, strlen(e.msg));
		return VMFO_ENOSPC;
	}
	units_to_runs(&got, &r->runs);
	units_format(&got, text, sizeof text);
	trace_emit(&m->trace, "vmm.grant", "vm", g->vm.name, "units", text, NULL);
	return VMFO_OK;
}

/* A resumed app must carry at least what was acknowledged, and what it
 * says must be what its storage holds. */
static bool continuity_holds(struct vmfo *m, struct app *a, const struct vmfo_hc_app_event *ev)
{
	const struct vmfo_app_hdr *h =
		app_header(m, a);
	return ev->seq >= a->acked_before && h->seq == ev->seq && h->hash == ev->hash;
}

/* Claim 6: a taken-over app resumed on the OS that took it over: running
 * again if nothing acknowledged was lost (app.resumed), failed if it was
 * (app.lost). The takeover waiting on m->acked learns either way. */
static void app_resumed(struct vmfo *m, struct app *a, const struct vmfo_hc_app_event *ev,
			const char *vm, const char *seq, const char *hash, const char *fo)
{
	char acked[24];
	snprintf(acked, sizeof acked, "%" PRIu64, a->acked_before);
	if (!continuity_holds(m, a, ev)) {
		a->state = A_FAILED;
		pthread_cond_broadcast(&m->acked);
		trace_emit(&m->trace, "app.lost", "app", a->name, "vm", vm, "acked", acked, "seq", seq,
			   "fo", fo, NULL);
		return;
	}
	a->state = A_RUNNING;
	a->check_due = true;
	a->check_fo = a->fo;
	pthread_cond_broadcast(&m->acked); /* the takeover waits for this */
	trace_emit(&m->trace, "app.resumed", "app", a->name, "vm", vm, "seq", seq, "hash", hash,
		   "acked", acked, "fo", fo, NULL);
}

/* An app that resumed on a check of what it needed to go on reports its
 * full check later (VERIFIED): app.verified, and if the check failed,
 * app.corrupt (the app failed; its OS stopped it). Both belong to the
 * takeover it resumed from, if any. The count and the result are the
 * guest's word: range-checked, and only one report per resume. */
static uint32_t app_verified(struct vmfo *m, struct app *a, const struct vmfo_hc_app_event *ev,
			     const char *vm, const char **why)
{
	char pages[24], fo[24];
	if (ev->kind != VMFO_VERIFY_OK && ev->kind != VMFO_VERIFY_BAD)
		return refuse_why(why, VMFO_EINVAL, "app event: verified, with no such result");
	if (a->row < 0 || ev->checked > row_bytes(&m->table, &m->table.row[a->row]) / VMFO_CHECK_PAGE)
		return refuse_why(why, VMFO_EINVAL, "app event: verified more pages than the app holds");
	if (a->state != A_RUNNING || !a->check_due)
		return refuse_why(why, VMFO_EINVAL, "app event: verified, but no check was under way");
	a->check_due = false;
	snprintf(pages, sizeof pages, "%" PRIu64, ev->checked);
	const char *fo_key = a->check_fo ? "fo" : NULL;
	fo_text(a->check_fo, fo, sizeof fo);
	bool ok = ev->kind == VMFO_VERIFY_OK;
	trace_emit(&m->trace, "app.verified", "app", a->name, "vm", vm, "pages", pages, "result",
		   ok ? "ok" : "bad", fo_key, fo, NULL);
	if (!ok) {
		a->state = A_FAILED;
		trace_emit(&m->trace, "app.corrupt", "app", a->name, "vm", vm, fo_key, fo, NULL);
	}
	return VMFO_OK;
}

/* The name of where an OS says it loaded a program from (os.load src=). */
static const char *load_src_name(uint32_t src)
{
	static const char *const names[VMFO_LOAD_SRC_MAX] = { [VMFO_LOAD_AUX] = "aux" };
	return src < VMFO_LOAD_SRC_MAX && names[src] ? names[src] : "?";
}

static uint32_t hc_app_event(struct vmfo *m, struct guest *g, void *arg, const char **why)
{
	const struct vmfo_hc_app_event *ev = arg;
	struct app *a = guest_app(m, g, ev->app_id);
	struct units u;
	char seq[24], hash[24], mb[24], text[256], fo[24];
	const char *vm = g->vm.name;

	if (!a)
		return refuse_why(why, VMFO_ENOENT, "app event: no such app on this OS");
	const char *fo_key = moving_key(a); /* before the state changes below */
	fo_text(a->fo, fo, sizeof fo);
	snprintf(seq, sizeof seq, "%" PRIu64, ev->seq);
	snprintf(hash, sizeof hash, "%016" PRIx64, ev->hash);
	switch (ev->what) {
	case VMFO_APP_STARTED:
		if (a->state != A_STARTING || a->row < 0)
			return VMFO_EINVAL;
		a->state = A_RUNNING;
		snprintf(mb, sizeof mb, "%" PRIu64, row_bytes(&m->table, &m->table.row[a->row]) / MB);
		trace_emit(&m->trace, "app.started", "app", a->name, "vm", vm, "prog", aux_name(a->prog),
			   "hot", a->hot ? "yes" : "no", "mb", mb, NULL);
		return VMFO_OK;
	case VMFO_APP_LOADED:
		/* Claim 2: a program is loaded to start the app or to take it
		 * over, and the OS says from where. */
		if (a->state != A_STARTING && a->state != A_MOVING)
			return refuse_why(why, VMFO_EINVAL, "app event: loaded, but the app is not being started or activated");
		if (ev->kind != VMFO_LOAD_AUX)
			return refuse_why(why, VMFO_EINVAL, "app event: loaded from an unknown source");
		trace_emit(&m->trace, "os.load", "vm", vm, "app", a->name, "src", load_src_name(ev->kind),
			   fo_key, fo, NULL);
		return VMFO_OK;
	case VMFO_APP_ALLOCATED:
		if (runs_to_units(&ev->runs, &u) || a->row < 0 || !units_equal(&u, &m->table.row[a->row].units))
			return VMFO_EINVAL;
		units_format(&u, text, sizeof text);
		trace_emit(&m->trace, "os.app_alloc", "vm", vm, "app", a->name, "units", text, fo_key,
			   fo, NULL);
		return VMFO_OK;
	case VMFO_APP_RESUMED:
		if (a->state != A_MOVING || a->row < 0)
			return VMFO_EINVAL;
		app_resumed(m, a, ev, vm, seq, hash, fo);
		return VMFO_OK;
	case VMFO_APP_RESTARTED:
		a->check_due = true;
		a->check_fo = 0;
		trace_emit(&m->trace, "app.restarted", "app", a->name, "vm", vm, NULL);
		return VMFO_OK;
	case VMFO_APP_FAULT:
		if (ev->kind == 0 || ev->kind >= VMFO_APP_FAULT_MAX ||
		    (ev->level != VMFO_LEVEL_RECOVERABLE && ev->level != VMFO_LEVEL_UNRECOVERABLE))
			return VMFO_EINVAL;
		trace_emit(&m->trace, "app.fault", "app", a->name, "kind", app_fault_name(ev->kind), "level",
			   ev->level == VMFO_LEVEL_RECOVERABLE ? "recoverable" : "unrecoverable", NULL);
		return VMFO_OK;
	case VMFO_APP_VERIFIED:
		return app_verified(m, a, ev, vm, why);
	case VMFO_APP_CORRUPT:
		a->state = A_FAILED;
		pthread_cond_broadcast(&m->acked);
		trace_emit(&m->trace, "app.corrupt", "app", a->name, "vm", vm, fo_key, fo, NULL);
		return VMFO_OK;
	}
	return refuse_why(why, VMFO_EINVAL, "app event: unknown or out of place");
}

/* Claims 6 and 9: the OS's fault-level routine reports an unrecoverable
 * app failure; the monitor thread takes it from here. */
static uint32_t hc_app_failure(struct vmfo *m, struct guest *g, void *arg, const char **why)
{
	const struct vmfo_hc_app_event *ev = arg;
	struct app *a = guest_app(m, g, ev->app_id);
	/* A taken-over app may fail before it has resumed (A_MOVING). */
	if (!a || (a->state != A_RUNNING && a->state != A_MOVING))
		return refuse_why(why, VMFO_ENOENT, "app failure: no such running app on this OS");
	a->state = A_FAILED;
	a->failed_us = now_us();
	a->fo = monitor_new_fo(m); /* a takeover of its own, even mid-takeover */
	pthread_cond_broadcast(&m->acked); /* a takeover waiting for it stops */
	char fo[24];
	trace_emit(&m->trace, "os.app_failure", "vm", g->vm.name, "app", a->name, "fo",
		   fo_text(a->fo, fo, sizeof fo), NULL);
	m->policy->queue(m, WORK_APP_FAILOVER, app_id(m, a));
	return VMFO_OK;
}

static uint32_t hc_panic(struct vmfo *m, struct guest *g, void *arg, const char **why)
{
	(void)arg;
	(void)why;
	m->policy->os_fault(m, g, "panic");
	return VMFO_OK;
}

/* Claim 2: programs live in the auxiliary image, outside main storage; an
 * OS reads them into its own storage through this call. */
static uint32_t hc_aux_read(struct vmfo *m, struct guest *g, void *arg, const char **why)
{
	const struct vmfo_hc_aux_read *r = arg;
	uint64_t size = (uint64_t)(vmfo_aux_image_end - vmfo_aux_image);
	(void)m;
	if (r->len == 0 || r->len > size || r->offset > size - r->len)
		return refuse_why(why, VMFO_EINVAL, "aux read: outside the auxiliary image");
	void *dst = guest_range(&g->vm, r->gpa, r->len);
	if (!dst)
		return refuse_why(why, VMFO_EFAULT, "aux read: destination outside its storage");
	memcpy(dst, vmfo_aux_image + r->offset, r->len);
	return VMFO_OK;
}

/* The OS gives free storage back (when the VMM asks, at reprotect): the
 * units leave its row and go back to the pool. On g's own vCPU thread, so
 * splitting its slots cannot race the guest. */
static uint32_t hc_release(struct vmfo *m, struct guest *g, void *arg, const char **why)
{
	const struct vmfo_hc_units *r = arg;
	struct units u;
	struct err e;
	char text[256];

	if (runs_to_units(&r->runs, &u))
		return refuse_why(why, VMFO_EINVAL, "release: malformed unit runs");
	/* Until g's memslots no longer map them, the units wait in a row of
	 * their own, mapped nowhere (never seen: m->lock is held throughout);
	 * only then do they go back to the pool, which discards them. */
	int out = units_contains(&u, g->kernel_unit)
		? -1 : table_split(&m->table, g->os_row, RELEASE_ROW, ROW_VMM, NO_VM, &u, &e);
	if (out < 0)
		return refuse_why(why, VMFO_EFAULT, "release: units that are not its free storage");
	if (sync_slots(m, g, &e)) {
		struct err undo;
		if (table_absorb(&m->table, g->os_row, out, &undo))
			log_append(&g->log, undo.msg, strlen(undo.msg));
		log_append(&g->log, e.msg, strlen(e.msg));
		return VMFO_EFAULT;
	}
	if (table_free_row(&m->table, out, NULL, &e))
		log_append(&g->log, e.msg, strlen(e.msg));
	units_format(&u, text, sizeof text);
	trace_emit(&m->trace, "vmm.reclaim", "vm", g->vm.name, "units", text, NULL);
	return VMFO_OK;
}

typedef uint32_t (*hc_fn)(struct vmfo *m, struct guest *g, void *arg, const char **why);

#define HC(nr, name, type, fn) [nr] = { name, sizeof(type), offsetof(type, status), fn }

static const struct {
	const char *name;
	size_t size;       /* of the argument struct */
	size_t status_off; /* where the VMM writes its answer */
	hc_fn fn;
} hcalls[VMFO_HC_MAX] = {
	HC(VMFO_HC_READY, "ready", struct vmfo_hc_ready, hc_ready),
	HC(VMFO_HC_CONSOLE, "console", struct vmfo_hc_console, hc_console),
	HC(VMFO_HC_ACK, "ack", struct vmfo_hc_ack, hc_ack),
	HC(VMFO_HC_REPORT, "report", struct vmfo_hc_units, hc_report),
	HC(VMFO_HC_REQUEST, "request", struct vmfo_hc_request, hc_request),
	HC(VMFO_HC_APP_EVENT, "app event", struct vmfo_hc_app_event, hc_app_event),
	HC(VMFO_HC_APP_FAILURE, "app failure", struct vmfo_hc_app_event, hc_app_failure),
	HC(VMFO_HC_PANIC, "panic", struct vmfo_hc_panic, hc_panic),
	HC(VMFO_HC_AUX_READ, "aux read", struct vmfo_hc_aux_read, hc_aux_read),
	HC(VMFO_HC_RELEASE, "release", struct vmfo_hc_units, hc_release),
};

#define HC_ARG_MAX 256
_Static_assert(sizeof(struct vmfo_hc_app_event) <= HC_ARG_MAX &&
		       sizeof(struct vmfo_hc_console) <= HC_ARG_MAX &&
		       sizeof(struct vmfo_hc_units) <= HC_ARG_MAX &&
		       sizeof(struct vmfo_hc_request) <= HC_ARG_MAX,
	       "hypercall argument buffer too small");

/* The argument is copied out of guest memory before it is looked at, so the
 * guest cannot change it under the handler; the copy, with the handler's
 * OUT fields and status, goes back. */
enum vm_action hcall_dispatch(struct vmfo *m, struct guest *g, struct kvm_run *run)
{
	char why[96];
	uint8_t arg[HC_ARG_MAX] __attribute__((aligned(8)));
	uint32_t port = run->io.port;

	/* The I/O control unit's doorbell, rung by an app from ring 3: it
	 * carries nothing, so any width will do. */
	if (port == VMFO_IO_PORT && run->io.direction == KVM_EXIT_IO_OUT) {
		iodev_doorbell(&m->io, g->vm.index);
		return VM_CONTINUE;
	}
	if (run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 4 || run->io.count != 1 ||
	    port <= VMFO_HC_PORT || port >= VMFO_HC_PORT + VMFO_HC_MAX) {
		snprintf(why, sizeof why, "port 0x%x access (dir %u, size %u)", port,
			 run->io.direction, run->io.size);
		monitor_lock(m);
		guest_refuse(m, g, why);
		monitor_unlock(m);
		if (run->io.direction == KVM_EXIT_IO_IN)
			memset((uint8_t *)run + run->io.data_offset, 0xff,
			       (size_t)run->io.size * run->io.count);
		return VM_CONTINUE;
	}

	unsigned nr = port - VMFO_HC_PORT;
	uint32_t value;
	memcpy(&value, (uint8_t *)run + run->io.data_offset, sizeof value);
	uint64_t gpa = (uint64_t)value << 3;
	size_t size = hcalls[nr].size;

	monitor_lock(m);
	uint8_t *hva = guest_range(&g->vm, gpa, size);
	if (!hva) {
		snprintf(why, sizeof why, "%s: argument at 0x%llx outside its storage", hcalls[nr].name,
			 (unsigned long long)gpa);
		guest_refuse(m, g, why);
	} else {
		memcpy(arg, hva, size);
		const char *reason = NULL;
		uint32_t status = hcalls[nr].fn(m, g, arg, &reason);
		/* An exhausted pool is an answer, not a refusal. */
		if (status != VMFO_OK && status != VMFO_ENOSPC) {
			if (reason)
				strlcpy0(why, reason, sizeof why);
			else
				snprintf(why, sizeof why, "%s: status %u", hcalls[nr].name, status);
			guest_refuse(m, g, why);
		}
		memcpy(arg + hcalls[nr].status_off, &status, sizeof status);
		memcpy(hva, arg, size);
	}
	monitor_unlock(m);
	return VM_CONTINUE;
}

/* A guest touched guest-physical memory with no memslot: storage it does
 * not own. KVM has not let the access through; the VMM refuses it (reads
 * see all ones) and stops that OS, since a kernel writing wild is broken. */
static enum vm_action on_mmio(struct vmfo *m, struct guest *g, struct kvm_run *run)
{
	char gpa[24];
	snprintf(gpa, sizeof gpa, "0x%llx", (unsigned long long)run->mmio.phys_addr);
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xff, sizeof run->mmio.data);
	trace_emit(&m->trace, "vmm.blocked", "vm", g->vm.name, "gpa", gpa, NULL);
	monitor_lock(m);
	m->policy->os_fault(m, g, "mmio");
	monitor_unlock(m);
	return VM_HALT;
}

enum vm_action hcall_vm_exit(struct vm *vm, struct kvm_run *run, void *opaque)
{
	struct vmfo *m = opaque;
	struct guest *g = &m->g[vm->index];
	const char *cause;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return hcall_dispatch(m, g, run);
	case KVM_EXIT_MMIO:
		return on_mmio(m, g, run);
	case KVM_EXIT_SHUTDOWN: /* triple fault */
		cause = "shutdown";
		break;
	default:
		cause = "internal";
		break;
	}
	char line[VMFO_CONSOLE_MAX];
	int n = snprintf(line, sizeof line, "[vmm] vCPU stopped: KVM exit %u (%s)",
			 run->exit_reason, kvm_exit_name(run->exit_reason));
	monitor_lock(m);
	log_append(&g->log, line, n > 0 ? (size_t)n : 0);
	m->policy->os_fault(m, g, cause);
	monitor_unlock(m);
	return VM_HALT;
}
