/* tasks.c — apps in ring 3: loading from the auxiliary image, scheduling,
 * system calls, the app watchdog, and the active OS's claim-9 routines:
 * fault-level notification (only unrecoverable faults are reported to the
 * VMM) and resource disconnection. */
#include "os.h"

#define RFLAGS_IF 0x200

enum task_state { T_FREE, T_RUNNABLE, T_YIELDED, T_STOPPED };
/* What the app's next VMFO_SYS_READY means, so the right event is sent. */
enum task_mode { M_START, M_RESTART, M_ACTIVATE, M_RUN };

struct task {
	enum task_state state;
	enum task_mode mode;
	uint64_t id;
	uint64_t prog;
	struct vmfo_runs runs;
	struct vmfo_app_hdr *hdr; /* identity-mapped: gpa == va */
	struct frame ctx;
	uint64_t last_progress;
	uint64_t stalled_us; /* ring-3 time it had since its last progress */
};

extern void idle_loop(void);
extern char idle_stack_top[];

static struct task task[VMFO_MAX_APPS];
static int current = -1; /* the task whose context is live; -1: idle */
static struct vmfo_aux_dir aux;

void aux_init(void)
{
	struct vmfo_hc_aux_read r = {
		.offset = 0,
		.gpa = (uint64_t)&aux - VMFO_KERNEL_VA + boot->kernel_gpa,
		.len = sizeof aux,
		.status = VMFO_ENOREPLY,
	};
	hypercall(VMFO_HC_AUX_READ, &r);
	if (r.status != VMFO_OK || aux.magic != VMFO_AUX_MAGIC)
		kprintf("no auxiliary image: apps cannot be loaded");
}

/* Whether any app holds a unit of r: run against run, not unit by unit. */
static int tasks_overlap(const struct vmfo_runs *r)
{
	for (int i = 0; i < VMFO_MAX_APPS; i++) {
		const struct task *t = &task[i];
		if (t->state == T_FREE)
			continue;
		for (uint32_t a = 0; a < t->runs.nruns; a++)
			for (uint32_t b = 0; b < r->nruns; b++) {
				uint32_t s1 = t->runs.run[a].first, e1 = s1 + t->runs.run[a].count;
				uint32_t s2 = r->run[b].first, e2 = s2 + r->run[b].count;
				if (s1 < e2 && s2 < e1)
					return 1;
			}
	}
	return 0;
}

int task_uses_unit(uint32_t unit)
{
	for (int i = 0; i < VMFO_MAX_APPS; i++) {
		const struct task *t = &task[i];
		if (t->state == T_FREE)
			continue;
		for (uint32_t r = 0; r < t->runs.nruns; r++)
			if (unit >= t->runs.run[r].first && unit - t->runs.run[r].first < t->runs.run[r].count)
				return 1;
	}
	return 0;
}

static struct task *find(uint64_t id)
{
	for (int i = 0; i < VMFO_MAX_APPS; i++)
		if (task[i].state != T_FREE && task[i].id == id)
			return &task[i];
	return 0;
}

static struct task *alloc_task(void)
{
	for (int i = 0; i < VMFO_MAX_APPS; i++)
		if (task[i].state == T_FREE)
			return &task[i];
	return 0;
}

static void app_event(struct task *t, enum vmfo_app_what what, uint32_t kind, uint32_t level)
{
	struct vmfo_hc_app_event ev = {
		.app_id = t->id, .what = what, .kind = kind, .level = level,
		.seq = t->hdr->seq, .hash = t->hdr->hash, .checked = t->hdr->checked,
	};
	if (what == VMFO_APP_ALLOCATED)
		ev.runs = t->runs;
	hypercall(VMFO_HC_APP_EVENT, &ev);
}

/* The header lists the region as extents, so the app can find all of it. */
static void describe_region(struct task *t)
{
	t->hdr->nextents = t->runs.nruns;
	for (uint32_t i = 0; i < t->runs.nruns; i++) {
		t->hdr->extent[i].gpa = unit_gpa(t->runs.run[i].first);
		t->hdr->extent[i].bytes = (uint64_t)t->runs.run[i].count * boot->unit_bytes;
	}
}

static void fresh_context(struct task *t)
{
	uint64_t base = unit_gpa(t->runs.run[0].first);
	memset(&t->ctx, 0, sizeof t->ctx);
	t->ctx.rip = base + VMFO_APP_OFF_CODE + VMFO_PROG_OFF_ENTRY; /* past its needs */
	t->ctx.cs = VMFO_SEL_UCODE;
	t->ctx.rflags = RFLAGS_IF | 2;
	t->ctx.rsp = base + VMFO_APP_OFF_STACK_TOP;
	t->ctx.ss = VMFO_SEL_UDATA;
	t->ctx.rdi = base + VMFO_APP_OFF_HDR;
	t->stalled_us = 0;
	t->last_progress = t->hdr->progress;
}

/* Enter the program from the top, on whatever state its region holds. */
static void make_runnable(struct task *t, enum task_mode mode)
{
	t->hdr->inject = 0;
	describe_region(t);
	t->mode = mode;
	fresh_context(t);
	t->state = T_RUNNABLE;
}

/* Copy the program from the auxiliary image into the app's own storage
 * (claim 2: programs live in auxiliary memory, not in main storage). */
static int64_t load_program(struct task *t)
{
	if (aux.magic != VMFO_AUX_MAGIC || t->prog >= aux.nprogs || t->prog >= VMFO_AUX_MAX_PROGS ||
	    aux.prog[t->prog].size > VMFO_APP_CODE_MAX)
		return -VMFO_ENOENT;
	struct vmfo_hc_aux_read r = {
		.offset = aux.prog[t->prog].offset,
		.gpa = unit_gpa(t->runs.run[0].first) + VMFO_APP_OFF_CODE,
		.len = aux.prog[t->prog].size,
		.status = VMFO_ENOREPLY,
	};
	hypercall(VMFO_HC_AUX_READ, &r);
	if (r.status != VMFO_OK)
		return -(int64_t)r.status;
	app_event(t, VMFO_APP_LOADED, VMFO_LOAD_AUX, 0); /* claim 2: says from where */
	return VMFO_OK;
}

const struct vmfo_prog_needs *prog_needs(uint64_t prog)
{
	if (aux.magic != VMFO_AUX_MAGIC || prog >= aux.nprogs || prog >= VMFO_AUX_MAX_PROGS)
		return 0;
	const struct vmfo_prog_needs *n = &aux.prog[prog].needs;
	if (n->magic != VMFO_NEEDS_MAGIC || n->item_bytes == 0 || n->item_min == 0 ||
	    n->fixed_bytes < VMFO_APP_OFF_DATA)
		return 0;
	return n;
}

/* Claim 5: take the units the app needs from this OS's free storage;
 * short of them, ask the VMM for exactly the shortfall first. */
static int64_t take_storage(uint64_t units, struct vmfo_runs *out)
{
	uint32_t free = storage_free_units();
	if (free < units) {
		struct vmfo_hc_request req = { .units = units - free, .status = VMFO_ENOREPLY };
		hypercall(VMFO_HC_REQUEST, &req);
		if (req.status != VMFO_OK)
			return -VMFO_ENOSPC;
		storage_add(&req.runs);
	}
	return storage_take((uint32_t)units, out) ? -VMFO_ENOSPC : VMFO_OK;
}

/* Tell the VMM the app's units; with calc, how the OS computed them. */
static int64_t report(struct task *t, const struct vmfo_need_calc *calc)
{
	struct vmfo_hc_units rep = { .app_id = t->id, .runs = t->runs, .status = VMFO_ENOREPLY };
	if (calc)
		rep.calc = *calc;
	hypercall(VMFO_HC_REPORT, &rep);
	return rep.status == VMFO_OK ? VMFO_OK : -(int64_t)rep.status;
}

static uint32_t runs_total(const struct vmfo_runs *r)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < r->nruns; i++)
		n += r->run[i].count;
	return n;
}

/* The answer's values: what was computed (the VMM words its messages
 * with them). */
static void computed(uint64_t out[4], const struct vmfo_need_calc *c)
{
	out[0] = c->items;
	out[1] = c->bytes;
	out[2] = c->units;
}

/* Claim 5: the units the VMM named, or (units 0) those this OS computes
 * from the program's needs for items. The VMM keeps the hot flag. */
int64_t app_start(uint64_t id, uint64_t prog, uint64_t units, uint64_t items, uint64_t out[4])
{
	struct task *t = alloc_task();
	struct vmfo_need_calc calc = { 0 };
	int64_t rc;
	if (!t || find(id))
		return -VMFO_EINVAL;
	if (units == 0) {
		rc = needs_compute(prog, items, &calc);
		computed(out, &calc);
		if (rc != VMFO_OK)
			return rc;
		units = calc.units;
	}
	if ((rc = take_storage(units, &t->runs)) != VMFO_OK) {
		kprintf("app start: cannot get %u units of storage", units);
		return rc;
	}
	t->id = id;
	t->prog = prog;
	t->hdr = (struct vmfo_app_hdr *)unit_gpa(t->runs.run[0].first);
	t->state = T_STOPPED; /* holds its units from here on */
	if ((rc = report(t, calc.units ? &calc : 0)) != VMFO_OK || (rc = load_program(t)) != VMFO_OK) {
		kprintf("app start: the VMM refused the report or the load, status %u", (uint64_t)-rc);
		t->state = T_FREE;
		return rc;
	}
	/* The units may hold an earlier owner's data: start from a clean
	 * header, so that no stale seq is ever reported as this app's. */
	memset(t->hdr, 0, sizeof *t->hdr);
	make_runnable(t, M_START);
	return VMFO_OK;
}

int task_runs(uint64_t id, struct vmfo_runs *out)
{
	struct task *t = find(id);
	if (!t)
		return -1;
	*out = t->runs;
	return 0;
}

/* Claim 5 again, from a parameter change: `units` more, or (units 0) as
 * many more as items need in all beyond what the app holds, if its
 * program takes in what a grow adds. */
int64_t app_grow(uint64_t id, uint64_t units, uint64_t items, uint64_t out[4])
{
	struct task *t = find(id);
	struct vmfo_need_calc calc = { 0 };
	struct vmfo_runs more;
	int64_t rc;
	if (!t)
		return -VMFO_ENOENT;
	if (units == 0) {
		const struct vmfo_prog_needs *n = prog_needs(t->prog);
		if (items == 0 || !n || !(n->flags & VMFO_NEEDS_GROWS))
			return -VMFO_EINVAL;
		rc = needs_compute(t->prog, items, &calc);
		uint32_t held = runs_total(&t->runs);
		computed(out, &calc);
		if (rc != VMFO_OK)
			return rc;
		if (calc.units <= held)
			return -VMFO_EINVAL; /* it has enough: nothing to grow */
		units = calc.units - held;
	}
	if ((rc = take_storage(units, &more)) != VMFO_OK)
		return rc;
	if (t->runs.nruns + more.nruns > VMFO_MAX_RUNS)
		return -VMFO_ENOSPC;
	for (uint32_t i = 0; i < more.nruns; i++)
		t->runs.run[t->runs.nruns++] = more.run[i];
	if ((rc = report(t, calc.units ? &calc : 0)) != VMFO_OK) {
		t->runs.nruns -= more.nruns;
		return rc;
	}
	describe_region(t);
	return VMFO_OK;
}

int64_t app_inject(uint64_t id, uint64_t kind)
{
	struct task *t = find(id);
	if (!t || t->state == T_STOPPED)
		return -VMFO_ENOENT;
	if (kind == 0 || kind >= VMFO_APP_FAULT_MAX)
		return -VMFO_EINVAL;
	if (t->hdr->inject)
		return -VMFO_EBUSY; /* one at a time: a second would overwrite the first */
	t->hdr->inject = (uint32_t)kind; /* the app executes it itself */
	return VMFO_OK;
}

/* The VMM sends runs in ascending order; the app's region must start at its
 * header unit, so put the run from that unit first, then the others, then
 * the units that came before it in that run. */
static int order_from(uint64_t hdr, const struct vmfo_runs *in, struct vmfo_runs *out)
{
	uint32_t at = VMFO_MAX_RUNS;
	out->nruns = 0;
	for (uint32_t i = 0; i < in->nruns; i++)
		if (hdr >= in->run[i].first && hdr - in->run[i].first < in->run[i].count)
			at = i;
	if (at == VMFO_MAX_RUNS)
		return -1;
	uint32_t before = (uint32_t)hdr - in->run[at].first;
	out->run[out->nruns].first = (uint32_t)hdr;
	out->run[out->nruns++].count = in->run[at].count - before;
	for (uint32_t i = 0; i < in->nruns; i++)
		if (i != at) {
			if (out->nruns == VMFO_MAX_RUNS)
				return -1;
			out->run[out->nruns++] = in->run[i];
		}
	if (before) {
		if (out->nruns == VMFO_MAX_RUNS)
			return -1;
		out->run[out->nruns].first = in->run[at].first;
		out->run[out->nruns++].count = before;
	}
	return 0;
}

static int run_within(uint32_t first, uint32_t count, const struct vmfo_runs *r)
{
	for (uint32_t i = 0; i < r->nruns; i++)
		if (first >= r->run[i].first && first - r->run[i].first + (uint64_t)count <= r->run[i].count)
			return 1;
	return 0;
}

/* Whether the runs the VMM named (ascending, as it sends every unit set)
 * are exactly t's storage: each of t's runs lies inside them, they do not
 * overlap, and the totals agree. */
static int is_storage_of(const struct task *t, const struct vmfo_runs *r)
{
	if (r->nruns == 0 || r->nruns > VMFO_MAX_RUNS)
		return 0;
	for (uint32_t i = 1; i < r->nruns; i++)
		if (r->run[i].first < r->run[i - 1].first + r->run[i - 1].count)
			return 0;
	for (uint32_t i = 0; i < t->runs.nruns; i++)
		if (!run_within(t->runs.run[i].first, t->runs.run[i].count, r))
			return 0;
	return runs_total(r) == runs_total(&t->runs);
}

/* Claim 9, resource disconnection routine: stop using the app's storage,
 * which the VMM names run by run; refuse (-EINVAL) if that is not exactly
 * the app's. With release set the units leave this OS (the VMM moves
 * them); without, they stay as this OS's free storage. *out gets the runs
 * let go, from the OS's own record of the app. */
int64_t app_disconnect(uint64_t id, uint64_t release, const struct vmfo_runs *runs,
		       struct vmfo_runs *out)
{
	struct task *t = find(id);
	out->nruns = 0;
	if (!t)
		return -VMFO_ENOENT;
	if (!is_storage_of(t, runs)) {
		kprintf("disconnect refused: those are not the storage of app %u", id);
		return -VMFO_EINVAL;
	}
	if (current >= 0 && &task[current] == t)
		current = -1;
	if (release)
		storage_release(&t->runs);
	*out = t->runs;
	t->state = T_FREE;
	return VMFO_OK;
}

/* The region as the app last knew it: the extents in its header, if they
 * are exactly the units the VMM handed over (the header is the failed
 * side's data: check it). An app lays its data out in that order, which a
 * grow or the VMM's ascending runs would not keep. */
static int order_from_header(uint64_t hdr_unit, const struct vmfo_runs *given, struct vmfo_runs *out)
{
	const volatile struct vmfo_app_hdr *h = (const void *)unit_gpa((uint32_t)hdr_unit);
	uint64_t n = h->nextents;
	if (n == 0 || n > VMFO_MAX_RUNS)
		return -1;
	out->nruns = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t gpa = h->extent[i].gpa, bytes = h->extent[i].bytes;
		if (gpa < boot->pool_gpa || (gpa - boot->pool_gpa) % boot->unit_bytes ||
		    bytes == 0 || bytes % boot->unit_bytes || bytes / boot->unit_bytes > boot->pool_units)
			return -1;
		uint32_t first = (uint32_t)((gpa - boot->pool_gpa) / boot->unit_bytes);
		uint32_t count = (uint32_t)(bytes / boot->unit_bytes);
		/* Within what was given and not overlapping an earlier extent:
		 * with equal totals, that makes the two the same set. */
		if (!run_within(first, count, given))
			return -1;
		for (uint32_t k = 0; k < out->nruns; k++)
			if (out->run[k].first < first + count && first < out->run[k].first + out->run[k].count)
				return -1;
		out->run[out->nruns].first = first;
		out->run[out->nruns++].count = count;
	}
	return out->run[0].first == hdr_unit && runs_total(out) == runs_total(given) ? 0 : -1;
}

/* The standby takes over an app whose storage it was given: load the same
 * program from the auxiliary image and run it on the state found there. */
int64_t app_activate(uint64_t id, uint64_t prog, uint64_t hdr_unit, const struct vmfo_runs *runs)
{
	struct task *t = alloc_task();
	int64_t rc;
	if (!t || find(id) || runs->nruns == 0 || runs->nruns > VMFO_MAX_RUNS || !storage_owns(runs) ||
	    tasks_overlap(runs) || !run_within((uint32_t)hdr_unit, 1, runs))
		return -VMFO_EINVAL;
	if (order_from_header(hdr_unit, runs, &t->runs) && order_from(hdr_unit, runs, &t->runs))
		return -VMFO_EINVAL;
	t->id = id;
	t->prog = prog;
	t->hdr = (struct vmfo_app_hdr *)unit_gpa(t->runs.run[0].first);
	t->state = T_STOPPED;
	if ((rc = load_program(t)) != VMFO_OK) {
		t->state = T_FREE;
		return rc;
	}
	app_event(t, VMFO_APP_ALLOCATED, 0, 0); /* claim 6: from what it was given */
	/* Claim 6: as the app's controlling OS now, report what it uses, so
	 * that a later failure of it is judged against this OS's report. */
	if ((rc = report(t, 0)) != VMFO_OK) {
		t->state = T_FREE;
		return rc;
	}
	make_runnable(t, M_ACTIVATE);
	return VMFO_OK;
}

/* Claim 9, fault-level notification routine: a recoverable fault is
 * handled here (the app restarts on its own state); only an unrecoverable
 * one is reported to the VMM, and the app stops. */
static void app_fault(struct task *t, enum vmfo_app_fault kind)
{
	int recoverable = kind == VMFO_APP_FAULT_ERROR;
	app_event(t, VMFO_APP_FAULT, kind,
		  recoverable ? VMFO_LEVEL_RECOVERABLE : VMFO_LEVEL_UNRECOVERABLE);
	if (recoverable) {
		t->hdr->inject = 0;
		t->mode = M_RESTART;
		fresh_context(t);
		return;
	}
	t->state = T_STOPPED;
	if (current >= 0 && &task[current] == t)
		current = -1;
	struct vmfo_hc_app_event ev = { .app_id = t->id, .what = VMFO_APP_FAULT, .kind = kind,
					.level = VMFO_LEVEL_UNRECOVERABLE };
	hypercall(VMFO_HC_APP_FAILURE, &ev);
}

static void task_syscall(struct task *t, struct frame *f);

void task_trap(struct frame *f)
{
	struct task *t = current >= 0 ? &task[current] : 0;
	if (!t)
		os_panic(VMFO_OS_FAULT_PANIC); /* ring 3 with no task: a kernel bug */
	/* The app's own storage is identity-mapped, so its code is readable
	 * here: a #GP on `hlt` is a system call (see app.h). */
	if (f->vector == VEC_GP && *(const volatile uint8_t *)f->rip == HLT_OPCODE) {
		f->rip++;
		task_syscall(t, f);
		return;
	}
	t->ctx = *f;
	kprintf("app trap: exception %u", f->vector);
	/* #BP is the app signalling an error it can recover from; anything
	 * else (#UD, #GP, #PF, #DE ...) means it cannot go on. */
	app_fault(t, f->vector == 3 ? VMFO_APP_FAULT_ERROR : VMFO_APP_FAULT_CRASH);
	schedule(f, 0); /* its context was saved above, or reset for a restart */
}

/* State that failed the app's own check is not run on: the app stops, as
 * after a crash, and the VMM is told (what: CORRUPT, or VERIFIED with a
 * bad result). */
static void stop_corrupt(struct task *t, enum vmfo_app_what what)
{
	app_event(t, what, VMFO_VERIFY_BAD, 0);
	t->state = T_STOPPED;
}

static void task_syscall(struct task *t, struct frame *f)
{
	switch (f->rax) {
	case VMFO_SYS_READY:
		if (t->mode == M_START)
			app_event(t, VMFO_APP_STARTED, 0, 0);
		else if (t->mode == M_RESTART)
			app_event(t, VMFO_APP_RESTARTED, 0, 0);
		else if (t->mode == M_ACTIVATE && t->hdr->verify != VMFO_VERIFY_BAD)
			/* A fresh state (the app had not started when its OS
			 * failed) is resumed at 0: the VMM checks that against
			 * what was acknowledged. */
			app_event(t, VMFO_APP_RESUMED, 0, 0);
		else if (t->mode == M_ACTIVATE)
			stop_corrupt(t, VMFO_APP_CORRUPT);
		t->mode = M_RUN;
		f->rax = 0;
		break;
	case VMFO_SYS_YIELD:
		t->state = T_YIELDED;
		f->rax = 0;
		break;
	case VMFO_SYS_VERIFIED:
		/* The app read the rest of its state in ring 3 after it
		 * resumed: its result and size are passed on (the VMM
		 * checks them). */
		if (t->hdr->verify == VMFO_VERIFY_OK)
			app_event(t, VMFO_APP_VERIFIED, VMFO_VERIFY_OK, 0);
		else
			stop_corrupt(t, VMFO_APP_VERIFIED);
		f->rax = 0;
		break;
	default:
		f->rax = (uint64_t)-1;
	}
	schedule(f, 1);
}

/* ---- the app watchdog: judged on the time the app really ran ----
 *
 * Counting ticks is not enough: after the kernel ran with interrupts off
 * (serving a long request), or after the host did not run this vCPU, KVM
 * delivers the missed ticks back to back and the app never runs between
 * them. So the kernel notes the TSC (and KVM's steal time) each time it
 * returns to ring 3, and on the next entry charges the current app with
 * what really ran: at most one tick per stretch, since an app cannot run
 * longer than that between ticks unless the vCPU itself stood still. */

static uint64_t ring3_tsc, ring3_steal_ns;
static int in_ring3; /* ring3_tsc is valid */

void tasks_enter_ring3(void)
{
	ring3_tsc = rdtsc();
	ring3_steal_ns = steal_ns();
	in_ring3 = 1;
}

static uint64_t ring3_us_since(void)
{
	uint64_t tick_us = (uint64_t)tick_ms() * 1000;
	if (!boot->tsc_khz)
		return tick_us; /* no clock to go by: one tick per stretch */
	uint64_t us = (rdtsc() - ring3_tsc) * 1000 / boot->tsc_khz;
	uint64_t stolen = (steal_ns() - ring3_steal_ns) / 1000;
	us = us > stolen ? us - stolen : 0;
	return us < tick_us ? us : tick_us;
}

void tasks_left_ring3(void)
{
	if (!in_ring3 || current < 0)
		return;
	in_ring3 = 0;
	struct task *t = &task[current];
	uint64_t ran = ring3_us_since();
	if (t->hdr->progress != t->last_progress) {
		t->last_progress = t->hdr->progress;
		t->stalled_us = 0;
	} else {
		t->stalled_us += ran;
	}
}

/* Called on every timer tick, with the interrupted task still current. */
void tasks_tick(void)
{
	if (current >= 0) {
		struct task *t = &task[current];
		if (t->stalled_us >= (uint64_t)boot->app_watchdog_ms * 1000)
			app_fault(t, VMFO_APP_FAULT_HANG);
	}
	for (int i = 0; i < VMFO_MAX_APPS; i++)
		if (task[i].state == T_YIELDED)
			task[i].state = T_RUNNABLE;
}

void tasks_fill_crash(struct vmfo_crash_record *c)
{
	c->napps = 0;
	for (int i = 0; i < VMFO_MAX_APPS; i++)
		if (task[i].state != T_FREE) {
			c->app[c->napps].id = task[i].id;
			c->app[c->napps].seq = task[i].hdr->seq;
			c->napps++;
		}
}

/* Round robin over runnable apps; the idle task when there are none. */
void schedule(struct frame *f, int save)
{
	int next = -1;
	for (int k = 1; k <= VMFO_MAX_APPS && next < 0; k++) {
		int i = (current + k + VMFO_MAX_APPS) % VMFO_MAX_APPS;
		if (task[i].state == T_RUNNABLE)
			next = i;
	}
	/* The interrupted app goes on: its context is already in *f. Most
	 * ticks end here, and copying frames at CPL0 is not cheap. */
	if (save && next == current && next >= 0 && (f->cs & 3) == 3)
		return;
	if (save && current >= 0 && (f->cs & 3) == 3 && task[current].state != T_FREE)
		task[current].ctx = *f;
	current = next;
	if (next >= 0) {
		uint64_t vector = f->vector, error = f->error;
		*f = task[next].ctx;
		f->vector = vector;
		f->error = error;
		return;
	}
	memset(f, 0, sizeof *f);
	f->rip = (uint64_t)idle_loop;
	f->cs = VMFO_SEL_KCODE;
	f->rflags = 2; /* idle_loop enables interrupts itself, right before hlt */
	f->rsp = (uint64_t)idle_stack_top;
	f->ss = VMFO_SEL_KDATA;
}
