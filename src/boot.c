/* boot.c — boot, reset and reprotect of the active/standby pair (boot.h):
 * storage for each OS from the pool as a table row, its kernel unit laid
 * out by the loader, its memslots, its vCPU thread; and everything undone.
 * Claims served: 1 (active with sufficient, standby with insufficient
 * storage), 3 (the rows every later step changes), 8 (reprotect). */
#include "boot.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "hcall.h"
#include "iochan.h"
#include "loader.h"
#include "mailbox.h"
#include "needs.h"
#include "slots.h"

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
 * the OS on them. Claim 1: the caller picks sufficient or insufficient.
 * With m->lock held. */
static int start_guest(struct vmfo *m, int idx, enum vmfo_role role, uint32_t units,
		       struct err *e)
{
	struct guest *g = &m->g[idx];
	struct vmfo_boot_info bi;
	struct vm_entry entry;
	struct units u;
	char text[128], mb[24];

	assert_locked(m);
	memset(g, 0, sizeof *g);
	g->boot_begin_us = g->boot_at_us = now_us();
	snprintf(text, sizeof text, "vm%d", idx);
	g->os_row = table_alloc_row(&m->table, text, ROW_OS, idx, units, &u, e);
	if (g->os_row < 0)
		return -1;
	if (vm_create(&g->vm, &m->kvm, idx, e))
		return -1;
	g->created = true;
	guest_phase_done(g, BOOT_CREATE_VM, now_us());
	if (vm_add_vcpu(&g->vm, &m->kvm, e))
		return -1;
	guest_phase_done(g, BOOT_CREATE_VCPU, now_us());
	g->role = role;
	g->state = G_BOOTING;
	g->kernel_unit = u.run[0].first;
	g->mb_next_seq = 1;
	if (sync_slots(m, g, e))
		return -1;
	guest_phase_done(g, BOOT_MEMSLOTS, now_us());
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
	guest_phase_done(g, BOOT_LONG_MODE, g->t_boot_us);
	return vm_start(&g->vm, hcall_vm_exit, m, e);
}

/* Claim 3's takeover column for the OSes' own storage: while both OSes
 * live, each takes the other's over should it fail (failover_os reads it).
 * A failed OS's entries are dropped when its fault is detected
 * (table_drop_takeover); a reprotected one gets them back here. An OS that
 * failed and still holds its storage (its takeover not yet run) is given
 * the rebooted one too, its apps with it: the takeover queued for it must
 * find the OS that now runs, not the one that failed before. With m->lock
 * held. */
static void pair_takeover(struct vmfo *m)
{
	assert_locked(m);
	for (int i = 0; i < 2; i++) {
		const struct guest *g = &m->g[i], *o = &m->g[1 - i];
		bool holds = g->created && g->os_row >= 0;
		bool live = o->created && o->os_row >= 0 &&
			    (o->state == G_RUNNING || o->state == G_BOOTING);
		if (!holds || !live)
			continue;
		table_set_takeover(&m->table, g->os_row, o->vm.index);
		if (g->state == G_FAILED)
			table_set_takeover_of_vm(&m->table, i, o->vm.index);
	}
}

/* Stop both guests, delete their VMs, return every unit to the pool and
 * forget the pair. With m->ctl held and m->lock not held: the vCPU threads
 * take m->lock for hypercalls, so they are stopped without it; everything
 * else, the look at which VMs exist included, happens with it. */
static void reset_pair(struct vmfo *m)
{
	bool created[2];
	monitor_lock(m);
	for (int i = 0; i < 2; i++)
		created[i] = m->g[i].created;
	monitor_unlock(m);
	for (int i = 0; i < 2; i++)
		if (created[i])
			vm_stop(&m->g[i].vm);

	monitor_lock(m);
	for (int i = 0; i < 2; i++) {
		struct guest *g = &m->g[i];
		if (g->created)
			vm_destroy(&g->vm);
		memset(g, 0, sizeof *g);
	}
	iochan_close_all(m, "reset");
	table_clear(&m->table);
	memset(m->app, 0, sizeof m->app);
	m->work_count = 0;
	m->work_dropped = 0;
	m->generation++; /* work already taken off the queue is dropped too */
	if (m->booted)
		trace_clear(&m->trace);
	m->fo_next = 0; /* takeover ids restart with the trace */
	m->booted = false;
	m->vmm_row = -1;
	m->mark = 0;
	monitor_unlock(m);
}

/* Claim 1: the standby gets "a main storage area insufficient to execute
 * the application programs". The programs are those of the auxiliary
 * image, each at its default size from its needs header; besides its
 * kernel unit the standby must hold less than they need together, so that
 * it can run them only with the storage a takeover hands it. */
static int standby_insufficient(uint64_t standby_mb, uint64_t unit_bytes, struct err *e)
{
	char list[160] = "";
	uint64_t need = 0;
	for (int p = 0; aux_needs(p); p++) {
		uint64_t bytes = needs_default_bytes(aux_needs(p), unit_bytes);
		size_t len = strlen(list);
		snprintf(list + len, sizeof list - len, "%s%s %" PRIu64 " MB", len ? ", " : "",
			 aux_name(p), bytes / MB);
		need += bytes;
	}
	uint64_t besides_kernel = standby_mb * MB > unit_bytes ? standby_mb * MB - unit_bytes : 0;
	if (besides_kernel < need)
		return 0;
	return err_set(e, "a standby of %" PRIu64 " MB is not insufficient (claim 1): besides its "
		       "kernel unit it would hold %" PRIu64 " MB, enough to execute the application "
		       "programs (%s: %" PRIu64 " MB); give it less than %" PRIu64 " MB",
		       standby_mb, besides_kernel / MB, list, need / MB, (need + unit_bytes) / MB);
}

int monitor_check_sizes(const struct vmfo *m, const struct config *cfg, struct err *e)
{
	return config_check(cfg, e) || standby_insufficient(cfg->standby_mb, m->pool.unit_bytes, e)
		       ? -1 : 0;
}

int monitor_boot(struct vmfo *m, uint64_t active_mb, uint64_t standby_mb, struct err *e)
{
	uint32_t unit_mb = (uint32_t)(m->pool.unit_bytes / MB);
	struct units u;
	struct config cfg = m->cfg;

	cfg.active_mb = active_mb;
	cfg.standby_mb = standby_mb;
	if (monitor_ctl_acquire(m, e))
		return -1;
	monitor_lock(m);
	if (m->booted || monitor_check_sizes(m, &cfg, e)) {
		bool booted = m->booted;
		monitor_end(m);
		return booted ? err_set(e, "already booted: use 'reset' first") : -1;
	}
	m->cfg = cfg;
	monitor_mark_action(m);
	m->booted = true; /* from here, reset undoes whatever was done */
	m->boot_begin_us = now_us();
	/* The VMM's own unit (claim 3): the master copy of the guest image
	 * from its start, the resource management table at TABLE_OFFSET. */
	if (guest_image_size() > TABLE_OFFSET) {
		err_set(e, "the guest image (%zu bytes) would overlap the table",
			guest_image_size());
		goto fail;
	}
	m->vmm_row = table_alloc_home(&m->table, "vmm", &u, e);
	if (m->vmm_row < 0)
		goto fail;
	memcpy(pool_hva(&m->pool, u.run[0].first), vmfo_guest_image, guest_image_size());
	if (start_guest(m, 0, VMFO_ROLE_ACTIVE, (uint32_t)m->cfg.active_mb / unit_mb, e) ||
	    start_guest(m, 1, VMFO_ROLE_STANDBY, (uint32_t)m->cfg.standby_mb / unit_mb, e))
		goto fail;
	pair_takeover(m);
	monitor_end(m);
	return 0;
fail:
	monitor_unlock(m);
	reset_pair(m);
	monitor_ctl_release(m);
	return -1;
}

void monitor_reset(struct vmfo *m)
{
	/* A failover paused in step mode holds ctl: let it run out. */
	monitor_lock(m);
	m->step_mode = false;
	pthread_cond_broadcast(&m->stepped);
	monitor_unlock(m);
	pthread_mutex_lock(&m->ctl);
	reset_pair(m);
	monitor_ctl_release(m);
}

/* Storage a failed VM still holds because nobody took it over (its own
 * storage and non-hot apps' after a failure with no survivor) goes back to
 * the pool before the VM is booted again. With m->lock held. */
static void reclaim_leftovers(struct vmfo *m, struct guest *g)
{
	char text[256];
	struct units u;
	assert_locked(m);
	if (g->os_row < 0 || !m->table.row[g->os_row].used)
		return;
	if (table_free_row(&m->table, g->os_row, &u, NULL))
		return;
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
	assert_locked(m);
	if (guest_request(m, act, VMFO_MB_RELEASE, &keep, 1, NULL, 3000, &status, &e) == 0 &&
	    status != VMFO_OK)
		log_append(&act->log, kept, sizeof kept - 1);
}

/* Boot failed VM `failed` again (with m->lock held): as the new standby
 * with insufficient storage while `act` runs, else as the new active OS. */
static int reboot_failed(struct vmfo *m, struct guest *failed, struct guest *act, struct err *e)
{
	uint32_t unit_mb = (uint32_t)(m->pool.unit_bytes / MB);
	int idx = failed->vm.index;
	assert_locked(m);
	monitor_unlock(m);
	vm_destroy(&failed->vm);
	monitor_lock(m);
	monitor_mark_action(m);
	/* Only the VM just destroyed: the other, if it failed too,
	 * still maps its storage until it is reprotected in turn. */
	reclaim_leftovers(m, failed);
	enum vmfo_role role = act ? VMFO_ROLE_STANDBY : VMFO_ROLE_ACTIVE;
	uint64_t mb = act ? m->cfg.standby_mb : m->cfg.active_mb;
	if (act)
		release_surplus(m, act);
	int rc = start_guest(m, idx, role, (uint32_t)(mb / unit_mb), e);
	m->g[idx].reprotected = rc == 0; /* hc_ready emits vmm.reprotect */
	if (rc == 0 && act)
		table_set_takeover_of_vm(&m->table, act->vm.index, idx);
	if (rc == 0)
		pair_takeover(m);
	return rc;
}

/* Reboot a failed VM as the new standby, with insufficient storage from the
 * unused pool, so that the next failure can be taken over too. With no OS
 * running at all, it boots as the new active OS instead, with sufficient
 * storage, so that parked apps can continue there. */
int monitor_reprotect(struct vmfo *m, struct err *e)
{
	int rc = -1;

	if (monitor_ctl_acquire(m, e))
		return -1;
	monitor_lock(m);
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
	else
		rc = reboot_failed(m, failed, act, e);
	monitor_end(m);
	return rc;
}
