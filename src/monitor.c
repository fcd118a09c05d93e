/* monitor.c — boot and teardown of the active/standby pair, the heartbeat
 * watchdog, and what the VMM does with a guest's exits. */
#include "monitor.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hcall.h"
#include "loader.h"


void config_defaults(struct config *c)
{
	*c = (struct config){
		.pool_mb = 256, .unit_kb = 2048, .active_mb = 64, .standby_mb = 8,
		.heartbeat_ms = 10, .miss = 3,
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

const char *role_name(enum vmfo_role r)
{
	return r == VMFO_ROLE_ACTIVE ? "active" : r == VMFO_ROLE_STANDBY ? "standby" : "none";
}

const char *state_name(enum guest_state s)
{
	static const char *const names[] = { "down", "booting", "running", "failed" };
	return names[s];
}

struct guest *guest_by_role(struct vmfo *m, enum vmfo_role r)
{
	for (int i = 0; i < 2; i++)
		if (m->g[i].state != G_DOWN && m->g[i].role == r)
			return &m->g[i];
	return NULL;
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

void monitor_os_fault(struct vmfo *m, struct guest *g, const char *cause)
{
	if (g->state != G_RUNNING && g->state != G_BOOTING)
		return; /* already failed or gone: one fault is reported once */
	g->state = G_FAILED;
	strlcpy0(g->fail_cause, cause, sizeof g->fail_cause);
	trace_emit(&m->trace, "vmm.os_fault", "vm", g->vm.name, "cause", cause, NULL);
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

static enum vm_action on_exit(struct vm *vm, struct kvm_run *run, void *opaque)
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

/* ---- heartbeat watchdog ---- */

static void sleep_us(uint64_t us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Declares an OS hung after cfg.miss heartbeat periods without one. If the
 * watchdog itself was held up (the host stalled every thread), a gap it sees
 * says nothing about the guest, so it restarts the count instead. */
static void *watchdog_main(void *arg)
{
	struct vmfo *m = arg;
	uint64_t period = m->cfg.heartbeat_ms * 1000;
	uint64_t limit = period * m->cfg.miss;
	uint64_t step = period / 2 ? period / 2 : 500;
	uint64_t last = now_us();

	while (!atomic_load(&m->quit)) {
		sleep_us(step);
		uint64_t now = now_us();
		bool stalled = now - last > step + period;
		last = now;
		pthread_mutex_lock(&m->lock);
		for (int i = 0; i < 2 && m->booted && period; i++) {
			struct guest *g = &m->g[i];
			/* Heartbeats land without the lock: one may be newer
			 * than `now`, which is then no gap at all. */
			uint64_t hb = atomic_load(&g->last_hb_us);
			if (g->state != G_RUNNING)
				continue;
			if (stalled)
				atomic_store(&g->last_hb_us, now);
			else if (now > hb && now - hb > limit)
				monitor_os_fault(m, g, "heartbeat");
		}
		pthread_mutex_unlock(&m->lock);
	}
	return NULL;
}

/* ---- boot and reset ---- */

int monitor_init(struct vmfo *m, const struct config *cfg, bool *kvm_failed, struct err *e)
{
	memset(m, 0, sizeof *m);
	m->cfg = *cfg;
	m->vmm_row = -1;
	*kvm_failed = false;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->acked, NULL);
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
	int rc = pthread_create(&m->watchdog, NULL, watchdog_main, m);
	if (rc)
		return err_set(e, "starting the watchdog thread: %s", strerror(rc));
	m->watchdog_started = true;
	return 0;
}

void monitor_destroy(struct vmfo *m)
{
	monitor_reset(m);
	atomic_store(&m->quit, true);
	if (m->watchdog_started)
		pthread_join(m->watchdog, NULL);
	pool_destroy(&m->pool);
	kvm_host_close(&m->kvm);
	trace_destroy(&m->trace);
	pthread_cond_destroy(&m->acked);
	pthread_mutex_destroy(&m->lock);
}

/* Take n units from the pool into a new table row. */
static int take_units(struct vmfo *m, const char *name, enum row_kind kind, int vm,
		      uint32_t n, struct err *e)
{
	struct units u;
	if (pool_alloc(&m->pool, n, &u, e))
		return -1;
	int row = table_add(&m->table, name, kind, vm, &u, e);
	if (row < 0)
		pool_free(&m->pool, &u, NULL);
	return row;
}

static int map_units(struct vmfo *m, struct guest *g, const struct units *u, struct err *e)
{
	for (uint32_t r = 0; r < u->nruns; r++) {
		const struct run *run = &u->run[r];
		if (vm_map(&g->vm, VMFO_POOL_GPA + (uint64_t)run->first * m->pool.unit_bytes,
			   pool_hva(&m->pool, run->first), (uint64_t)run->count * m->pool.unit_bytes, e) < 0)
			return -1;
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
}

/* Create one guest's VM on the storage its table row holds and start it. */
static int start_guest(struct vmfo *m, int idx, enum vmfo_role role, struct err *e)
{
	struct guest *g = &m->g[idx];
	struct vmfo_boot_info bi;
	struct vm_entry entry;
	char units[128], mb[24];

	if (vm_create(&g->vm, &m->kvm, idx, e))
		return -1;
	g->created = true;
	g->role = role;
	g->state = G_BOOTING;
	g->kernel_unit = m->table.row[g->os_row].units.run[0].first;
	g->mb_next_seq = 1;
	if (map_units(m, g, &m->table.row[g->os_row].units, e))
		return -1;
	units_format(&m->table.row[g->os_row].units, units, sizeof units);
	snprintf(mb, sizeof mb, "%" PRIu64, row_bytes(&m->table, &m->table.row[g->os_row]) / MB);
	trace_emit(&m->trace, "vmm.alloc", "vm", g->vm.name, "units", units, "mb", mb, NULL);

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
	return vm_start(&g->vm, on_exit, m, e);
}

int monitor_boot(struct vmfo *m, struct err *e)
{
	uint32_t unit_mb = (uint32_t)(m->pool.unit_bytes / MB);

	pthread_mutex_lock(&m->lock);
	if (m->booted) {
		pthread_mutex_unlock(&m->lock);
		return err_set(e, "already booted: use 'reset' first");
	}
	m->mark = trace_count(&m->trace);
	m->vmm_row = take_units(m, "vmm", ROW_VMM, NO_VM, 1, e);
	if (m->vmm_row < 0)
		goto fail;
	memcpy(pool_hva(&m->pool, m->table.row[m->vmm_row].units.run[0].first), vmfo_guest_image,
	       guest_image_size());
	m->g[0].os_row = take_units(m, "vm0", ROW_OS, 0, (uint32_t)m->cfg.active_mb / unit_mb, e);
	if (m->g[0].os_row < 0)
		goto fail;
	m->g[1].os_row = take_units(m, "vm1", ROW_OS, 1, (uint32_t)m->cfg.standby_mb / unit_mb, e);
	if (m->g[1].os_row < 0)
		goto fail;
	m->booted = true;
	if (start_guest(m, 0, VMFO_ROLE_ACTIVE, e) || start_guest(m, 1, VMFO_ROLE_STANDBY, e))
		goto fail;
	pthread_mutex_unlock(&m->lock);
	return 0;
fail:
	m->booted = true; /* so that reset undoes whatever was done */
	pthread_mutex_unlock(&m->lock);
	monitor_reset(m);
	return -1;
}

void monitor_reset(struct vmfo *m)
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
	if (m->booted)
		trace_clear(&m->trace);
	m->booted = false;
	m->vmm_row = -1;
	m->mark = 0;
	pthread_mutex_unlock(&m->lock);
}

/* ---- requests to a guest through its mailbox ---- */

static struct vmfo_mailbox *mailbox_of(struct vmfo *m, struct guest *g)
{
	return (struct vmfo_mailbox *)((uint8_t *)pool_hva(&m->pool, g->kernel_unit) +
				       VMFO_KOFF_MAILBOX);
}

/* Post a request and ring the doorbell; with m->lock held. Returns its seq. */
static int mailbox_post(struct vmfo *m, struct guest *g, enum vmfo_mb_cmd cmd,
			const uint64_t *args, int nargs, uint64_t *seq, struct err *e)
{
	struct vmfo_mailbox *mb = mailbox_of(m, g);
	if (g->mb_acked + 1 != g->mb_next_seq)
		return err_set(e, "%s has not answered its last request yet", g->vm.name);
	mb->cmd = cmd;
	for (int i = 0; i < 6; i++)
		mb->arg[i] = i < nargs ? args[i] : 0;
	*seq = g->mb_next_seq++;
	__atomic_store_n(&mb->req_seq, *seq, __ATOMIC_RELEASE);
	return vm_doorbell(&g->vm, VMFO_VEC_DOORBELL, e);
}

int monitor_wild_write(struct vmfo *m, struct err *e)
{
	uint64_t seq;
	pthread_mutex_lock(&m->lock);
	struct guest *g = guest_by_role(m, VMFO_ROLE_ACTIVE);
	if (!m->booted || !g) {
		pthread_mutex_unlock(&m->lock);
		return err_set(e, "not booted: use 'boot' first");
	}
	if (g->state != G_RUNNING) {
		pthread_mutex_unlock(&m->lock);
		return err_set(e, "the active OS (%s) is %s", g->vm.name, state_name(g->state));
	}
	/* Aim at storage the active OS does not own: the standby's kernel
	 * unit if there is a standby, else the first unit outside its own. */
	struct guest *sb = guest_by_role(m, VMFO_ROLE_STANDBY);
	struct units own;
	table_units_of_vm(&m->table, g->vm.index, &own);
	uint32_t target = sb ? sb->kernel_unit : UINT32_MAX;
	for (uint32_t u = 0; u < m->pool.nunits && target == UINT32_MAX; u++)
		if (!units_contains(&own, u))
			target = u;
	uint64_t gpa = VMFO_POOL_GPA + (uint64_t)target * m->pool.unit_bytes + 0x100;
	m->mark = trace_count(&m->trace);
	int rc = mailbox_post(m, g, VMFO_MB_WILD_WRITE, &gpa, 1, &seq, e);
	pthread_mutex_unlock(&m->lock);
	return rc;
}

/* ---- invariants ---- */

int monitor_check_invariants(struct vmfo *m, struct err *e)
{
	int rc = 0;
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
	return rc;
}
