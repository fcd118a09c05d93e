/* monitor.c — boot and teardown of the active/standby pair, the heartbeat
 * watchdog, and what the VMM does with a guest's exits. */
#include "monitor.h"

#include <errno.h>
#include <stdlib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "failover.h"
#include "hcall.h"
#include "loader.h"

void config_defaults(struct config *c)
{
	*c = (struct config){
		.pool_mb = 256, .unit_kb = 2048, .active_mb = 64, .standby_mb = 8,
		.heartbeat_ms = 10, .miss = 3, .lua_mem_mb = 256,
	};
}

int config_check(const struct config *c, struct err *e)
{
	uint64_t unit_mb = c->unit_kb / 1024;

	if (c->unit_kb == 0 || c->unit_kb % 2048)
		return err_set(e, "--unit-kb %" PRIu64 ": must be a multiple of 2048 "
				  "(guests map storage with 2 MiB pages)", c->unit_kb);
	if (c->pool_mb % unit_mb)
		return err_set(e, "--pool-mb %" PRIu64 ": not a whole number of %" PRIu64 " MB units",
			       c->pool_mb, unit_mb);
	if (c->active_mb % unit_mb || c->standby_mb % unit_mb)
		return err_set(e, "--active-mb and --standby-mb must be whole units of %" PRIu64 " MB",
			       unit_mb);
	if (c->standby_mb == 0 || c->active_mb == 0)
		return err_set(e, "both OSes need storage: --active-mb and --standby-mb must be > 0");
	if (c->standby_mb >= c->active_mb)
		return err_set(e, "--standby-mb %" PRIu64 " must be smaller than --active-mb %" PRIu64
				  " (claim 1: the standby gets insufficient storage)",
			       c->standby_mb, c->active_mb);
	if (c->active_mb + c->standby_mb + unit_mb > c->pool_mb)
		return err_set(e, "--pool-mb %" PRIu64 " is too small: the VMM (%" PRIu64
				  " MB), the active (%" PRIu64 " MB) and the standby (%" PRIu64 " MB) need %" PRIu64,
			       c->pool_mb, unit_mb, c->active_mb, c->standby_mb,
			       c->active_mb + c->standby_mb + unit_mb);
	return 0;
}

uint64_t monitor_app_watchdog_ms(const struct config *c)
{
	uint64_t tick = c->heartbeat_ms ? c->heartbeat_ms : VMFO_DEFAULT_TICK_MS;
	return c->app_watchdog_ms ? c->app_watchdog_ms : 3 * tick;
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

void app_give_back(struct vmfo *m, struct guest *os, struct app *a)
{
	struct row *r = &m->table.row[os->os_row];
	units_merge(&r->units, &m->table.row[a->row].units);
	table_remove(&m->table, a->row);
	a->row = -1;
}

const struct vmfo_app_hdr *app_header(const struct vmfo *m, const struct app *a)
{
	return pool_hva(&m->pool, a->hdr_unit);
}

void units_to_runs(const struct units *u, struct vmfo_runs *r)
{
	memset(r, 0, sizeof *r);
	for (uint32_t i = 0; i < u->nruns && i < VMFO_MAX_RUNS; i++) {
		r->run[i].first = u->run[i].first;
		r->run[i].count = u->run[i].count;
		r->nruns++;
	}
}

int runs_to_units(const struct vmfo_runs *r, struct units *u)
{
	units_clear(u);
	if (r->nruns == 0 || r->nruns > VMFO_MAX_RUNS)
		return -1;
	for (uint32_t i = 0; i < r->nruns; i++)
		if (units_add_run(u, r->run[i].first, r->run[i].count))
			return -1;
	return 0;
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

const char *aux_name(int prog)
{
	const struct vmfo_aux_dir *d = aux_dir();
	return prog >= 0 && (uint64_t)prog < d->nprogs ? d->prog[prog].name : "?";
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

/* ---- faults the VMM detects ---- */

/* Claim 9's OS fault detecting routine ends here, whatever the mechanism
 * (heartbeat loss, triple fault, wild access, the OS's own panic report). A
 * failed active OS is handed to the monitor thread for claim 1/7's takeover. */
void monitor_os_fault(struct vmfo *m, struct guest *g, const char *cause)
{
	if (g->state != G_RUNNING && g->state != G_BOOTING)
		return; /* already failed or gone: one fault is reported once */
	g->state = G_FAILED;
	g->fault_us = now_us();
	strlcpy0(g->fail_cause, cause, sizeof g->fail_cause);
	/* Whoever waits for this OS's answer need not wait any longer. */
	pthread_cond_broadcast(&m->acked);
	char fo[24];
	g->fo = monitor_new_fo(m);
	fo_text(g->fo, fo, sizeof fo);
	trace_emit(&m->trace, "vmm.os_fault", "vm", g->vm.name, "cause", cause, "fo", fo, NULL);
	/* A failed OS takes nothing over any more. */
	for (int r = 0; r < TABLE_MAX_ROWS; r++)
		if (m->table.row[r].used && m->table.row[r].takeover == g->vm.index)
			m->table.row[r].takeover = NO_VM;
	/* A standby has nothing to hand over, unless it runs apps it took
	 * over: then the active OS takes them back. */
	bool runs_apps = false;
	for (int i = 0; i < MAX_APPS; i++)
		runs_apps |= m->app[i].state != A_FREE && app_vm(m, &m->app[i]) == g->vm.index;
	if (g->role == VMFO_ROLE_ACTIVE || runs_apps)
		monitor_queue(m, WORK_OS_FAILOVER, g->vm.index);
	else
		trace_emit(&m->trace, "vmm.no_takeover", "vm", g->vm.name, "reason", "standby_failed",
			   "fo", fo, NULL);
}

uint64_t monitor_new_fo(struct vmfo *m)
{
	return ++m->fo_next;
}

const char *fo_text(uint64_t fo, char *buf, size_t size)
{
	snprintf(buf, size, "%llu", (unsigned long long)fo);
	return buf;
}

void monitor_queue(struct vmfo *m, enum work_kind kind, int index)
{
	if (m->work_count == WORK_MAX) {
		fprintf(stderr, "vmfo: monitor work queue full; dropping work for %d\n", index);
		return;
	}
	m->work[(m->work_head + m->work_count++) % WORK_MAX] =
		(struct work){ kind, index, m->generation };
	pthread_cond_broadcast(&m->wake);
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
	pthread_mutex_lock(&m->lock);
	monitor_os_fault(m, g, "mmio");
	pthread_mutex_unlock(&m->lock);
	return VM_HALT;
}

static enum vm_action on_vm_exit(struct vm *vm, struct kvm_run *run, void *opaque)
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
	pthread_mutex_lock(&m->lock);
	log_append(&g->log, line, n > 0 ? (size_t)n : 0);
	monitor_os_fault(m, g, cause);
	pthread_mutex_unlock(&m->lock);
	return VM_HALT;
}

/* ---- the monitor thread: failover work, one sequence at a time ---- */

/* With m->ctl held. Work queued before a reset is about VMs that are gone:
 * a failover of the new pair's vm0 must not stop it. */
static void run_work(struct vmfo *m, struct work w)
{
	pthread_mutex_lock(&m->lock);
	bool stale = w.generation != m->generation;
	pthread_mutex_unlock(&m->lock);
	if (stale)
		return;
	if (w.kind == WORK_OS_FAILOVER)
		failover_os(m, w.index);
	else if (w.kind == WORK_APP_FAILOVER)
		failover_app(m, w.index);
	else
		failover_unpark(m);
}

static void *monitor_main(void *arg)
{
	struct vmfo *m = arg;

	pthread_mutex_lock(&m->lock);
	while (!atomic_load(&m->quit)) {
		if (m->work_count == 0) {
			pthread_cond_wait(&m->wake, &m->lock);
			continue;
		}
		/* The item stays queued until it has run, so that whoever waits
		 * for a quiet monitor (monitor_quiesce) never sees it taken off
		 * the queue and not yet started. */
		struct work w = m->work[m->work_head];
		pthread_mutex_unlock(&m->lock);
		pthread_mutex_lock(&m->ctl);
		run_work(m, w);
		pthread_mutex_lock(&m->lock);
		if (w.generation == m->generation) { /* a reset emptied the queue */
			m->work_head = (m->work_head + 1) % WORK_MAX;
			m->work_count--;
		}
		pthread_mutex_unlock(&m->ctl);
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

/* ---- boot and reset ---- */

int monitor_init(struct vmfo *m, const struct config *cfg, bool *kvm_failed, struct err *e)
{
	memset(m, 0, sizeof *m);
	m->cfg = *cfg;
	m->cfg0 = *cfg;
	m->vmm_row = -1;
	*kvm_failed = false;
	pthread_mutex_init(&m->ctl, NULL);
	pthread_mutex_init(&m->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&m->acked, &ca);
	pthread_cond_init(&m->wake, &ca);
	pthread_cond_init(&m->watch_wake, &ca);
	pthread_cond_init(&m->stepped, &ca);
	pthread_condattr_destroy(&ca);
	trace_init(&m->trace);
	m->kvm.fd = -1;
	if (config_check(cfg, e))
		return -1;
	if (kvm_host_open(&m->kvm, e)) {
		*kvm_failed = true;
		return -1;
	}
	if (pool_init(&m->pool, cfg->pool_mb * MB, cfg->unit_kb * 1024, e))
		return -1;
	table_init(&m->table, m->pool.nunits, m->pool.unit_bytes);
	if (cfg->trace_path && trace_open_file(&m->trace, cfg->trace_path, e))
		return -1;
	int rc = thread_start(&m->monitor, monitor_main, m);
	if (rc)
		return err_set(e, "starting the monitor thread: %s", strerror(rc));
	m->monitor_started = true;
	rc = watchdog_start(m);
	if (rc)
		return err_set(e, "starting the watchdog thread: %s", strerror(rc));
	return 0;
}

int monitor_destroy(struct vmfo *m, struct err *e)
{
	pthread_mutex_lock(&m->lock);
	atomic_store(&m->quit, true);
	m->step_mode = false; /* a paused failover must not hold up the exit */
	pthread_cond_broadcast(&m->stepped);
	pthread_cond_broadcast(&m->wake);
	pthread_mutex_unlock(&m->lock);
	if (m->monitor_started)
		pthread_join(m->monitor, NULL);
	watchdog_stop(m);
	monitor_reset(m);
	pool_destroy(&m->pool);
	kvm_host_close(&m->kvm);
	/* Nothing emits events any more: the file gets every last one. */
	int rc = trace_close_file(&m->trace, e);
	if (rc) {
		struct err told;
		if (!trace_file_error_news(&m->trace, &told))
			e->msg[0] = '\0';
	}
	trace_destroy(&m->trace);
	pthread_cond_destroy(&m->acked);
	pthread_cond_destroy(&m->wake);
	pthread_cond_destroy(&m->watch_wake);
	pthread_cond_destroy(&m->stepped);
	pthread_mutex_destroy(&m->lock);
	pthread_mutex_destroy(&m->ctl);
	return rc;
}

/* Unit number of a memslot's first unit. */
static uint32_t slot_unit(const struct vmfo *m, const struct vm_slot *s)
{
	return (uint32_t)((s->gpa - VMFO_POOL_GPA) / m->pool.unit_bytes);
}

/* A slot must lie within what g holds and within one table row, so that a
 * row (an app's region) always moves as whole slots. */
static bool slot_fits(const struct vmfo *m, const struct vm_slot *s, const struct units *want)
{
	uint32_t first = slot_unit(m, s);
	uint32_t count = (uint32_t)(s->size / m->pool.unit_bytes);
	int row = table_owner_of(&m->table, first);
	for (uint32_t k = 0; k < count; k++)
		if (!units_contains(want, first + k) || table_owner_of(&m->table, first + k) != row)
			return false;
	return true;
}

/* How many slots g would have once they match the table, so that
 * sync_slots can refuse before it changes anything: a slot deleted and
 * not replaced would leave storage the guest uses unmapped. */
static int slots_needed(const struct vmfo *m, const struct guest *g, const struct units *want)
{
	struct units have;
	int n = 0;
	units_clear(&have);
	for (int s = 0; s < VM_MAX_SLOTS; s++) {
		const struct vm_slot *sl = &g->vm.slot[s];
		if (sl->used && slot_fits(m, sl, want)) {
			n++;
			units_add_run(&have, slot_unit(m, sl), (uint32_t)(sl->size / m->pool.unit_bytes));
		}
	}
	for (int r = 0; r < TABLE_MAX_ROWS; r++) {
		const struct row *row = &m->table.row[r];
		if (!row->used || row->vm != g->vm.index)
			continue;
		/* Each maximal run of the row's units not yet mapped is a slot. */
		bool in_run = false;
		for (uint32_t i = 0; i < row->units.nruns; i++)
			for (uint32_t k = 0; k < row->units.run[i].count; k++) {
				uint32_t u = row->units.run[i].first + k;
				bool missing = !units_contains(&have, u);
				bool joins = k > 0 || (i > 0 && row->units.run[i - 1].first +
								   row->units.run[i - 1].count == u);
				if (missing && !(in_run && joins))
					n++;
				in_run = missing;
			}
	}
	return n;
}

void mapped_units(const struct vmfo *m, const struct guest *g, struct units *u)
{
	units_clear(u);
	for (int s = 0; s < VM_MAX_SLOTS; s++) {
		const struct vm_slot *sl = &g->vm.slot[s];
		if (sl->used)
			units_add_run(u, slot_unit(m, sl), (uint32_t)(sl->size / m->pool.unit_bytes));
	}
}

/* Make g's memslots match the table: delete the slots whose units left g or
 * that now straddle two rows, then add a slot for every run of units g holds
 * and has not mapped. Deleting a slot the guest still uses would make it
 * fault, so call this either on g's own vCPU thread (the guest is not
 * running then) or when every deleted slot holds only units g gave up. */
int sync_slots(struct vmfo *m, struct guest *g, struct err *e)
{
	struct units want, have, row_missing;
	int idx = g->vm.index;

	table_units_of_vm(&m->table, idx, &want);
	if (slots_needed(m, g, &want) > vm_max_slots())
		return err_set(e, "%s: no memslot left (at most %d) for that storage", g->vm.name,
			       vm_max_slots());
	units_clear(&have);
	for (int s = 0; s < VM_MAX_SLOTS; s++) {
		const struct vm_slot *sl = &g->vm.slot[s];
		if (!sl->used)
			continue;
		if (!slot_fits(m, sl, &want)) {
			if (vm_unmap(&g->vm, s, e))
				return -1;
			continue;
		}
		units_add_run(&have, slot_unit(m, sl), (uint32_t)(sl->size / m->pool.unit_bytes));
	}
	for (int r = 0; r < TABLE_MAX_ROWS; r++) {
		const struct row *row = &m->table.row[r];
		if (!row->used || row->vm != idx)
			continue;
		row_missing = row->units;
		struct units both;
		units_clear(&both);
		for (uint32_t i = 0; i < have.nruns; i++)
			for (uint32_t k = 0; k < have.run[i].count; k++)
				if (units_contains(&row_missing, have.run[i].first + k))
					units_add_run(&both, have.run[i].first + k, 1);
		units_remove(&row_missing, &both);
		for (uint32_t i = 0; i < row_missing.nruns; i++) {
			const struct run *run = &row_missing.run[i];
			if (vm_map(&g->vm, VMFO_POOL_GPA + (uint64_t)run->first * m->pool.unit_bytes,
				   pool_hva(&m->pool, run->first),
				   (uint64_t)run->count * m->pool.unit_bytes, e) < 0)
				return -1;
		}
	}
	return 0;
}

static void boot_info_for(struct vmfo *m, struct guest *g, struct vmfo_boot_info *bi)
{
	const struct units *u = &m->table.row[g->os_row].units;
	memset(bi, 0, sizeof *bi);
	bi->magic = VMFO_BOOT_MAGIC;
	bi->abi_version = VMFO_ABI_VERSION;
	bi->role = g->role;
	bi->vm_index = (uint32_t)g->vm.index;
	bi->heartbeat_ms = (uint32_t)m->cfg.heartbeat_ms;
	bi->kernel_gpa = VMFO_POOL_GPA + (uint64_t)g->kernel_unit * m->pool.unit_bytes;
	bi->pool_gpa = VMFO_POOL_GPA;
	bi->unit_bytes = m->pool.unit_bytes;
	bi->pool_units = m->pool.nunits;
	bi->nruns = u->nruns < VMFO_BOOT_MAX_RUNS ? u->nruns : VMFO_BOOT_MAX_RUNS;
	for (uint32_t i = 0; i < bi->nruns; i++) {
		bi->run[i].first = u->run[i].first;
		bi->run[i].count = u->run[i].count;
	}
	bi->lapic_hz = 1000000000ull; /* KVM's APIC bus: 1 ns per cycle */
	bi->tsc_khz = g->vm.tsc_khz;
	bi->app_watchdog_ms = (uint32_t)monitor_app_watchdog_ms(&m->cfg);
}

/* Take n units from the pool for g's own storage (a new OS row) and start
 * the OS on them. Claim 1: the caller picks sufficient or insufficient. */
static int start_guest(struct vmfo *m, int idx, enum vmfo_role role, uint32_t units,
		       struct err *e)
{
	struct guest *g = &m->g[idx];
	struct vmfo_boot_info bi;
	struct vm_entry entry;
	struct units u;
	char text[128], mb[24];

	memset(g, 0, sizeof *g);
	g->os_row = -1;
	if (pool_alloc(&m->pool, units, &u, e))
		return -1;
	snprintf(text, sizeof text, "vm%d", idx);
	g->os_row = table_add(&m->table, text, ROW_OS, idx, &u, e);
	if (g->os_row < 0) {
		pool_free(&m->pool, &u, NULL);
		return -1;
	}
	if (vm_create(&g->vm, &m->kvm, idx, e))
		return -1;
	g->created = true;
	g->role = role;
	g->state = G_BOOTING;
	g->kernel_unit = u.run[0].first;
	g->mb_next_seq = 1;
	if (sync_slots(m, g, e))
		return -1;
	units_format(&u, text, sizeof text);
	snprintf(mb, sizeof mb, "%" PRIu64, row_bytes(&m->table, &m->table.row[g->os_row]) / MB);
	trace_emit(&m->trace, "vmm.alloc", "vm", g->vm.name, "units", text, "mb", mb, NULL);

	/* The OS image comes from the VMM's own storage, where the VMM keeps
	 * the master copy; the new OS's units are fresh (zeroed) from the pool. */
	boot_info_for(m, g, &bi);
	const void *image = pool_hva(&m->pool, m->table.row[m->vmm_row].units.run[0].first);
	if (loader_prepare(pool_hva(&m->pool, g->kernel_unit), image, guest_image_size(), &bi,
			   &entry, e))
		return -1;
	if (vm_set_entry(&g->vm, &entry, e))
		return -1;
	g->t_boot_us = now_us();
	return vm_start(&g->vm, on_vm_exit, m, e);
}

static void reset_locked(struct vmfo *m);

int monitor_boot(struct vmfo *m, uint64_t active_mb, uint64_t standby_mb, struct err *e)
{
	uint32_t unit_mb = (uint32_t)(m->pool.unit_bytes / MB);
	struct units u;
	struct config cfg = m->cfg;

	cfg.active_mb = active_mb;
	cfg.standby_mb = standby_mb;
	if (monitor_ctl_acquire(m, e))
		return -1;
	pthread_mutex_lock(&m->lock);
	if (m->booted || config_check(&cfg, e)) {
		pthread_mutex_unlock(&m->lock);
		pthread_mutex_unlock(&m->ctl);
		return m->booted ? err_set(e, "already booted: use 'reset' first") : -1;
	}
	m->cfg = cfg;
	m->mark = trace_count(&m->trace);
	m->booted = true; /* from here, reset undoes whatever was done */
	if (pool_alloc(&m->pool, 1, &u, e))
		goto fail;
	m->vmm_row = table_add(&m->table, "vmm", ROW_VMM, NO_VM, &u, e);
	if (m->vmm_row < 0) {
		pool_free(&m->pool, &u, NULL);
		goto fail;
	}
	memcpy(pool_hva(&m->pool, u.run[0].first), vmfo_guest_image, guest_image_size());
	if (start_guest(m, 0, VMFO_ROLE_ACTIVE, (uint32_t)m->cfg.active_mb / unit_mb, e) ||
	    start_guest(m, 1, VMFO_ROLE_STANDBY, (uint32_t)m->cfg.standby_mb / unit_mb, e))
		goto fail;
	pthread_mutex_unlock(&m->lock);
	pthread_mutex_unlock(&m->ctl);
	return 0;
fail:
	pthread_mutex_unlock(&m->lock);
	reset_locked(m);
	pthread_mutex_unlock(&m->ctl);
	return -1;
}

/* With m->ctl held and m->lock not held. */
static void reset_locked(struct vmfo *m)
{
	/* vCPU threads take m->lock for hypercalls: stop them unlocked. */
	for (int i = 0; i < 2; i++)
		if (m->g[i].created)
			vm_stop(&m->g[i].vm);

	pthread_mutex_lock(&m->lock);
	for (int i = 0; i < 2; i++) {
		struct guest *g = &m->g[i];
		if (g->created)
			vm_destroy(&g->vm);
		memset(g, 0, sizeof *g);
	}
	for (int r = 0; r < TABLE_MAX_ROWS; r++)
		if (m->table.row[r].used) {
			pool_free(&m->pool, &m->table.row[r].units, NULL);
			table_remove(&m->table, r);
		}
	memset(m->app, 0, sizeof m->app);
	m->work_count = 0;
	m->generation++; /* work already taken off the queue is dropped too */
	if (m->booted)
		trace_clear(&m->trace);
	m->fo_next = 0; /* takeover ids restart with the trace */
	m->booted = false;
	m->vmm_row = -1;
	m->mark = 0;
	pthread_mutex_unlock(&m->lock);
}

void monitor_reset(struct vmfo *m)
{
	/* A failover paused in step mode holds ctl: let it run out. */
	pthread_mutex_lock(&m->lock);
	m->step_mode = false;
	pthread_cond_broadcast(&m->stepped);
	pthread_mutex_unlock(&m->lock);
	pthread_mutex_lock(&m->ctl);
	reset_locked(m);
	pthread_mutex_unlock(&m->ctl);
}

int monitor_ctl_acquire(struct vmfo *m, struct err *e)
{
	for (;;) {
		if (pthread_mutex_trylock(&m->ctl) == 0)
			return 0;
		pthread_mutex_lock(&m->lock);
		bool paused = m->step_next[0] != '\0';
		pthread_mutex_unlock(&m->lock);
		if (paused)
			return err_set(e, "a failover is paused before its next step: press Enter "
					  "(or 'step') to go on, or 'step off'");
		sleep_ms(1);
	}
}

struct guest *monitor_begin_role(struct vmfo *m, enum vmfo_role role, const char *what,
				 struct err *e)
{
	if (monitor_ctl_acquire(m, e))
		return NULL;
	pthread_mutex_lock(&m->lock);
	struct guest *g = guest_by_role(m, role);
	if (m->booted && g && g->state == G_RUNNING)
		return g;
	if (!m->booted)
		err_set(e, "not booted: use 'boot' first");
	else
		err_set(e, "no %s OS is running to %s", role_name(role), what);
	monitor_end(m);
	return NULL;
}

struct guest *monitor_begin_active(struct vmfo *m, const char *what, struct err *e)
{
	return monitor_begin_role(m, VMFO_ROLE_ACTIVE, what, e);
}

void monitor_end(struct vmfo *m)
{
	pthread_mutex_unlock(&m->lock);
	pthread_mutex_unlock(&m->ctl);
}

int monitor_quiesce(struct vmfo *m, int timeout_ms, struct err *e)
{
	uint64_t deadline = now_us() + (uint64_t)timeout_ms * 1000;
	for (;;) {
		pthread_mutex_lock(&m->lock);
		unsigned queued = m->work_count;
		pthread_mutex_unlock(&m->lock);
		if (!queued && monitor_ctl_acquire(m, e) == 0) {
			pthread_mutex_unlock(&m->ctl);
			pthread_mutex_lock(&m->lock);
			queued = m->work_count; /* work may have come meanwhile */
			pthread_mutex_unlock(&m->lock);
			if (!queued)
				return 0;
		} else if (!queued) {
			return -1; /* paused in step mode: e says so */
		}
		if (now_us() > deadline)
			return err_set(e, "the monitor is still busy after %d ms", timeout_ms);
		sleep_ms(1);
	}
}

struct event *monitor_settled_trace(struct vmfo *m, int timeout_ms, size_t *n, struct err *e)
{
	uint64_t deadline = now_us() + (uint64_t)timeout_ms * 1000;
	for (;;) {
		if (monitor_quiesce(m, timeout_ms, e))
			return NULL;
		struct event *ev = trace_snapshot(&m->trace, n);
		if (!ev) {
			err_set(e, "out of memory copying the trace");
			return NULL;
		}
		/* A failure detected just after the first quiet point (its
		 * takeover queued after we looked) shows as events after the
		 * copy: take the copy only if the monitor was quiet on both
		 * sides of it with nothing added. */
		if (monitor_quiesce(m, timeout_ms, e)) {
			free(ev);
			return NULL;
		}
		if (trace_count(&m->trace) == *n)
			return ev;
		free(ev);
		if (now_us() > deadline) {
			err_set(e, "the trace is still growing after %d ms", timeout_ms);
			return NULL;
		}
	}
}

/* ---- classroom controls ---- */

void monitor_set_pace(struct vmfo *m, uint64_t ms)
{
	pthread_mutex_lock(&m->lock);
	m->cfg.pace_ms = ms;
	pthread_mutex_unlock(&m->lock);
}

void monitor_set_step(struct vmfo *m, bool on)
{
	pthread_mutex_lock(&m->lock);
	m->step_mode = on;
	m->step_grants = 0;
	pthread_cond_broadcast(&m->stepped);
	pthread_mutex_unlock(&m->lock);
}

void monitor_step_grant(struct vmfo *m)
{
	pthread_mutex_lock(&m->lock);
	if (m->step_next[0])
		m->step_grants++;
	pthread_cond_broadcast(&m->stepped);
	pthread_mutex_unlock(&m->lock);
}

void monitor_step_waiting(struct vmfo *m, char *buf, size_t size)
{
	pthread_mutex_lock(&m->lock);
	strlcpy0(buf, m->step_next, size);
	pthread_mutex_unlock(&m->lock);
}

/* ---- requests to a guest through its mailbox ---- */

static struct vmfo_mailbox *mailbox_of(struct vmfo *m, struct guest *g)
{
	return (struct vmfo_mailbox *)((uint8_t *)pool_hva(&m->pool, g->kernel_unit) +
				       VMFO_KOFF_MAILBOX);
}

static const char *const request_names[VMFO_MB_MAX] = {
	[VMFO_MB_NONE] = "?", [VMFO_MB_PING] = "ping", [VMFO_MB_APP_START] = "app start",
	[VMFO_MB_APP_GROW] = "app grow", [VMFO_MB_APP_FAULT] = "app fault",
	[VMFO_MB_OS_FAULT] = "OS fault", [VMFO_MB_DISCONNECT] = "disconnect",
	[VMFO_MB_ATTACH] = "attach", [VMFO_MB_ACTIVATE] = "activate",
	[VMFO_MB_HOSTILE] = "hostile", [VMFO_MB_RELEASE] = "release",
};

int64_t guest_post(struct vmfo *m, struct guest *g, enum vmfo_mb_cmd cmd, const uint64_t *args,
		   int nargs, const struct units *runs, struct err *e)
{
	struct vmfo_mailbox *mb = mailbox_of(m, g);

	if (g->state != G_RUNNING)
		return err_set(e, "%s is %s", g->vm.name, state_name(g->state));
	if (g->mb_acked + 1 != g->mb_next_seq)
		return err_set(e, "%s has not answered its last request yet", g->vm.name);
	mb->cmd = cmd;
	for (int i = 0; i < 6; i++)
		mb->arg[i] = i < nargs ? args[i] : 0;
	if (runs)
		units_to_runs(runs, &mb->runs);
	uint64_t seq = g->mb_next_seq++;
	g->mb_posted_us = now_us();
	__atomic_store_n(&mb->req_seq, seq, __ATOMIC_RELEASE);
	if (vm_doorbell(&g->vm, VMFO_VEC_DOORBELL, e))
		return -1;
	return (int64_t)seq;
}

int guest_await(struct vmfo *m, struct guest *g, int64_t seq, int timeout_ms, int64_t *status,
		struct err *e)
{
	struct vmfo_mailbox *mb = mailbox_of(m, g);
	const char *what = request_names[mb->cmd < VMFO_MB_MAX ? mb->cmd : 0];
	uint64_t end = g->mb_posted_us + (uint64_t)timeout_ms * 1000;

	while (g->mb_acked < (uint64_t)seq) {
		if (g->state != G_RUNNING)
			return err_set(e, "%s stopped (%s) before answering the %s request", g->vm.name,
				       state_name(g->state), what);
		/* The watchdog thread keeps watching g meanwhile; a fault
		 * it finds wakes this wait (monitor_os_fault). */
		uint64_t now = now_us();
		if (now >= end)
			return err_set(e, "%s did not answer the %s request within %d ms", g->vm.name,
				       what, timeout_ms);
		struct timespec deadline;
		deadline_in_us(&deadline, end - now);
		pthread_cond_timedwait(&m->acked, &m->lock, &deadline);
	}
	*status = __atomic_load_n(&mb->ack_status, __ATOMIC_ACQUIRE);
	return 0;
}

int guest_request(struct vmfo *m, struct guest *g, enum vmfo_mb_cmd cmd, const uint64_t *args,
		  int nargs, const struct units *runs, int timeout_ms, int64_t *status,
		  struct err *e)
{
	int64_t seq = guest_post(m, g, cmd, args, nargs, runs, e);
	return seq < 0 ? -1 : guest_await(m, g, seq, timeout_ms, status, e);
}

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
		/* A wild write aims at storage the active OS does not own: the
		 * standby's kernel unit if there is a standby, else the first
		 * unit outside its own. */
		struct guest *sb = guest_by_role(m, VMFO_ROLE_STANDBY);
		struct units own;
		table_units_of_vm(&m->table, g->vm.index, &own);
		if (target == UINT32_MAX && sb)
			target = sb->kernel_unit;
		for (uint32_t u = 0; u < m->pool.nunits && target == UINT32_MAX; u++)
			if (!units_contains(&own, u))
				target = u;
		uint64_t args[2] = { (uint64_t)kind,
				     VMFO_POOL_GPA + (uint64_t)target * m->pool.unit_bytes + 0x100 };
		m->mark = trace_count(&m->trace);
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
	m->mark = trace_count(&m->trace);
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
	m->mark = trace_count(&m->trace);
	int rc = guest_request(m, g, VMFO_MB_HOSTILE, args, 2, NULL, 3000, answer, e);
	monitor_end(m);
	return rc;
}

/* Storage a failed VM still holds because nobody took it over (its own
 * storage and non-hot apps' after a failure with no survivor) goes back to
 * the pool before the VM is booted again. With m->lock held. */
static void reclaim_leftovers(struct vmfo *m, struct guest *g)
{
	if (g->os_row < 0 || !m->table.row[g->os_row].used)
		return;
	char text[256];
	struct units u = m->table.row[g->os_row].units;
	pool_free(&m->pool, &u, NULL);
	table_remove(&m->table, g->os_row);
	g->os_row = -1;
	units_format(&u, text, sizeof text);
	trace_emit(&m->trace, "vmm.reclaim", "vm", g->vm.name, "units", text, NULL);
}

/* After a takeover the survivor holds what the failed OS had: ask it to
 * give back free storage beyond a sufficient amount (its configured size),
 * so that chains of failovers do not drain the pool. What it holds for
 * apps stays. With m->lock held. */
static void release_surplus(struct vmfo *m, struct guest *act)
{
	static const char kept[] = "[vmm] the active OS kept its free storage";
	uint64_t keep = m->cfg.active_mb / (m->pool.unit_bytes / MB);
	int64_t status;
	struct err e;
	if (guest_request(m, act, VMFO_MB_RELEASE, &keep, 1, NULL, 3000, &status, &e) == 0 &&
	    status != VMFO_OK)
		log_append(&act->log, kept, sizeof kept - 1);
}

/* Reboot a failed VM as the new standby, with insufficient storage from the
 * unused pool, so that the next failure can be taken over too. With no OS
 * running at all, it boots as the new active OS instead, with sufficient
 * storage, so that parked apps can continue there. */
int monitor_reprotect(struct vmfo *m, struct err *e)
{
	uint32_t unit_mb = (uint32_t)(m->pool.unit_bytes / MB);
	int rc = -1;

	if (monitor_ctl_acquire(m, e))
		return -1;
	pthread_mutex_lock(&m->lock);
	struct guest *act = guest_by_role(m, VMFO_ROLE_ACTIVE);
	if (act && act->state != G_RUNNING)
		act = NULL;
	struct guest *failed = NULL;
	for (int i = 1; i >= 0; i--)
		if (m->g[i].state == G_FAILED)
			failed = &m->g[i];
	if (!m->booted)
		err_set(e, "not booted: use 'boot' first");
	else if (!failed)
		err_set(e, "no failed OS to reprotect");
	else if (m->work_count)
		err_set(e, "a failover is still queued: reprotect once it has run");
	else {
		int idx = failed->vm.index;
		pthread_mutex_unlock(&m->lock);
		vm_destroy(&failed->vm);
		pthread_mutex_lock(&m->lock);
		m->mark = trace_count(&m->trace);
		/* Only the VM just destroyed: the other, if it failed too,
		 * still maps its storage until it is reprotected in turn. */
		reclaim_leftovers(m, failed);
		enum vmfo_role role = act ? VMFO_ROLE_STANDBY : VMFO_ROLE_ACTIVE;
		uint64_t mb = act ? m->cfg.standby_mb : m->cfg.active_mb;
		if (act)
			release_surplus(m, act);
		rc = start_guest(m, idx, role, (uint32_t)(mb / unit_mb), e);
		m->g[idx].reprotected = rc == 0; /* hc_ready emits vmm.reprotect */
		for (int r = 0; rc == 0 && act && r < TABLE_MAX_ROWS; r++)
			if (m->table.row[r].used && m->table.row[r].kind == ROW_APP &&
			    m->table.row[r].vm == act->vm.index)
				m->table.row[r].takeover = idx;
	}
	pthread_mutex_unlock(&m->lock);
	pthread_mutex_unlock(&m->ctl);
	return rc;
}

/* ---- invariants ---- */

int monitor_check_invariants(struct vmfo *m, struct err *e)
{
	int rc = 0;
	/* Between two steps of a failover the table is ahead of the slots:
	 * judge only between policy actions. */
	if (monitor_ctl_acquire(m, e))
		return -2;
	pthread_mutex_lock(&m->lock);
	if (table_check(&m->table, &m->pool, e))
		rc = -1;
	for (int i = 0; i < 2 && rc == 0; i++) {
		struct guest *g = &m->g[i];
		struct units want, have;
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
					  (uint32_t)(sl->size / m->pool.unit_bytes))) {
				rc = err_set(e, "vm%d: memslot %d at 0x%llx does not match a run of units", i,
					     s, (unsigned long long)sl->gpa);
				break;
			}
		}
		if (rc == 0 && !units_equal(&want, &have)) {
			char w[128], h[128];
			units_format(&want, w, sizeof w);
			units_format(&have, h, sizeof h);
			rc = err_set(e, "vm%d: memslots map units %s but the table gives it %s", i, h, w);
		}
	}
	pthread_mutex_unlock(&m->lock);
	pthread_mutex_unlock(&m->ctl);
	return rc;
}
