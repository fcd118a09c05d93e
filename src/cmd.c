/* cmd.c — console commands: parse, validate, act through the monitor. */
#include "cmd.h"

#include "apps.h"
#include "checker.h"
#include "script.h"
#include "tracefile.h"
#include "view.h"

#include <errno.h>
#include <inttypes.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 16
#define DEFAULT_WAIT_MS 5000
#define BOOT_WAIT_MS 10000

static int fail(struct cmd_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct cmd_ctx *c, const char *fmt, ...)
{
	va_list ap;
	fputs("error: ", c->err);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	fflush(c->err);
	return -1;
}

static int fail_err(struct cmd_ctx *c, const struct err *e)
{
	return fail(c, "%s", e->msg);
}

static int need_booted(struct cmd_ctx *c)
{
	if (!c->m->booted)
		return fail(c, "not booted: use 'boot' first");
	return 0;
}

static int usage(struct cmd_ctx *c, const struct command *cmd)
{
	return fail(c, "usage: %s", cmd->usage);
}

static const struct command *find_command(const char *name);

/* ---- boot, reset ---- */

static int cmd_boot(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	struct vmfo *m = c->m;
	/* Sizes not given are the command line's, not the last boot's. */
	uint64_t active = m->cfg0.active_mb, standby = m->cfg0.standby_mb;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "active=", 7) == 0 && parse_u64(argv[i] + 7, 1, 1u << 20, &active) == 0)
			continue;
		if (strncmp(argv[i], "standby=", 8) == 0 && parse_u64(argv[i] + 8, 1, 1u << 20, &standby) == 0)
			continue;
		return usage(c, find_command("boot"));
	}
	if (monitor_boot(m, active, standby, &e))
		return fail_err(c, &e);
	for (int i = 0; i < 2; i++) {
		struct event ev;
		struct event_match w = { "os.ready", NULL, m->g[i].vm.name };
		int got = trace_await(&m->trace, &w, m->mark, BOOT_WAIT_MS, NULL, NULL, &ev);
		if (got < 0)
			return fail(c, "interrupted while waiting for %s to report ready",
				    m->g[i].vm.name);
		if (!got)
			return fail(c, "%s did not report ready within %d ms (see 'log %s')",
				    m->g[i].vm.name, BOOT_WAIT_MS, m->g[i].vm.name);
		fprintf(c->out, "%s %s OS ready in %.1f ms with %" PRIu64 " MB\n", m->g[i].vm.name,
			role_name(m->g[i].role), (double)(ev.t_us - m->g[i].t_boot_us) / 1000.0,
			row_bytes(&m->table, &m->table.row[m->g[i].os_row]) / MB);
	}
	return 0;
}

static int cmd_reset(struct cmd_ctx *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return usage(c, find_command("reset"));
	monitor_reset(c->m);
	return 0;
}

/* ---- status, table, map ---- */

static void print_heartbeat(struct cmd_ctx *c, const struct guest *g)
{
	char age[24];
	if (c->m->cfg.heartbeat_ms == 0)
		strlcpy0(age, "off", sizeof age);
	else if (g->state == G_BOOTING)
		strlcpy0(age, "-", sizeof age);
	else
		snprintf(age, sizeof age, "#%" PRIu64 " %.1f ms ago", atomic_load(&g->hb_count),
			 (double)(now_us() - atomic_load(&g->last_hb_us)) / 1000.0);
	fprintf(c->out, "  %-20s", age);
}

/* The VMM's own footprint, so leaks across boot/reset cycles show. */
static void print_process(struct cmd_ctx *c)
{
	int fds = 0;
	uint64_t rss_kb = 0;
	DIR *d = opendir("/proc/self/fd");
	if (d) {
		for (struct dirent *de; (de = readdir(d)) != NULL;)
			fds += de->d_name[0] != '.';
		closedir(d);
		fds--; /* the directory stream itself */
	}
	FILE *f = fopen("/proc/self/status", "r");
	if (f) {
		char line[256];
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "VmRSS: %" SCNu64, &rss_kb) == 1)
				break;
		fclose(f);
	}
	fprintf(c->out, "vmm: %d open fds, %" PRIu64 " MB resident\n", fds, rss_kb / 1024);
}

static int cmd_status(struct cmd_ctx *c, int argc, char **argv)
{
	struct vmfo *m = c->m;
	(void)argv;
	if (argc != 1)
		return usage(c, find_command("status"));
	if (need_booted(c))
		return -1;
	pthread_mutex_lock(&m->lock);
	fprintf(c->out, "%-4s  %-8s  %-17s  %7s  %-20s  %s\n", "vm", "role", "state", "storage",
		"heartbeat", "ready in");
	for (int i = 0; i < 2; i++) {
		const struct guest *g = &m->g[i];
		char state[32];
		if (g->state == G_FAILED)
			snprintf(state, sizeof state, "failed (%s)", g->fail_cause);
		else
			strlcpy0(state, state_name(g->state), sizeof state);
		struct units held;
		table_units_of_vm(&m->table, i, &held);
		fprintf(c->out, "%-4s  %-8s  %-17s  %4" PRIu64 " MB", g->vm.name, role_name(g->role),
			state, units_count(&held) * m->pool.unit_bytes / MB);
		print_heartbeat(c, g);
		if (g->t_ready_us)
			fprintf(c->out, "  %.1f ms\n", (double)(g->t_ready_us - g->t_boot_us) / 1000.0);
		else
			fprintf(c->out, "  -\n");
	}
	fprintf(c->out, "pool: %" PRIu64 " MB in %u units of %" PRIu64 " MB, %u unused; "
			"huge pages %s; memslots vm0 %d, vm1 %d\n",
		m->cfg.pool_mb, m->pool.nunits, m->pool.unit_bytes / MB, m->pool.nfree,
		m->pool.huge ? "on" : "off", vm_slot_count(&m->g[0].vm), vm_slot_count(&m->g[1].vm));
	if (m->g[0].state != G_RUNNING && m->g[1].state != G_RUNNING) {
		struct units left;
		for (int i = 0; i < 2; i++) {
			table_units_of_vm(&m->table, i, &left);
			if (units_count(&left))
				fprintf(c->out, "both OSes are down: %" PRIu64 " MB remain with %s\n",
					units_count(&left) * m->pool.unit_bytes / MB, m->g[i].vm.name);
		}
		table_units_of_vm(&m->table, NO_VM, &left);
		uint64_t parked = units_count(&left) - units_count(&m->table.row[m->vmm_row].units);
		if (parked)
			fprintf(c->out, "parked: %" PRIu64 " MB of hot apps wait for an OS to take them\n",
				parked * m->pool.unit_bytes / MB);
		fprintf(c->out, "reprotect boots a new active OS%s; reset starts again\n",
			parked ? " that takes the parked apps over" : "");
	}
	pthread_mutex_unlock(&m->lock);
	print_process(c);
	return 0;
}

static const char *vm_or_dash(int vm)
{
	static const char *const names[] = { "vm0", "vm1" };
	return vm == 0 || vm == 1 ? names[vm] : "-";
}

static void print_row(struct cmd_ctx *c, const char *name, const char *kind, const char *vm,
		      const struct units *u, uint64_t use_bytes, const char *control,
		      const char *takeover, const char *hot)
{
	char units[256];
	units_format(u, units, sizeof units);
	fprintf(c->out, "%-10s %-5s %-4s %-16s %6" PRIu64 " %7" PRIu64 "  %-8s %-8s %s\n", name,
		kind, vm, units, (uint64_t)units_count(u) * c->m->pool.unit_bytes / MB,
		use_bytes / MB, control, takeover, hot);
}

static int cmd_table(struct cmd_ctx *c, int argc, char **argv)
{
	struct vmfo *m = c->m;
	struct units free_units;
	(void)argv;
	if (argc != 1)
		return usage(c, find_command("table"));
	pthread_mutex_lock(&m->lock);
	fprintf(c->out, "%-10s %-5s %-4s %-16s %6s %7s  %-8s %-8s %s\n", "row", "kind", "vm",
		"units", "MB", "use MB", "control", "takeover", "hot");
	for (int r = 0; r < TABLE_MAX_ROWS; r++) {
		const struct row *row = &m->table.row[r];
		if (!row->used)
			continue;
		bool app = row->kind == ROW_APP;
		/* A parked app's storage is mapped nowhere: the VMM holds it. */
		const char *control = !app ? "-" : row->vm == NO_VM ? "parked" : vm_or_dash(row->control);
		print_row(c, row->name, row_kind_name(row->kind), vm_or_dash(row->vm), &row->units,
			  row_bytes(&m->table, row), control,
			  app ? vm_or_dash(row->takeover) : "-", app ? (row->hot ? "yes" : "no") : "-");
	}
	if (pool_free_units(&m->pool, &free_units) == 0)
		print_row(c, "unused", "free", "-", &free_units, 0, "-", "-", "-");
	else
		fprintf(c->out, "%-10s %-5s %-4s %-16s %6u\n", "unused", "free", "-", "(fragmented)",
			(unsigned)(m->pool.nfree * (m->pool.unit_bytes / MB)));
	fprintf(c->out, "%-10s %-5s %-4s %-16s %6" PRIu64 "\n", "total", "", "", "",
		(uint64_t)m->pool.nunits * m->pool.unit_bytes / MB);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* One character per unit: # the VMM, 0/1 an OS's own storage, A-Z apps in
 * table order (a-z while parked), . unused. */
static char unit_mark(const struct table *t, uint32_t unit)
{
	int r = table_owner_of(t, unit);
	if (r < 0)
		return '.';
	const struct row *row = &t->row[r];
	if (row->kind == ROW_VMM)
		return '#';
	if (row->kind == ROW_OS)
		return (char)('0' + row->vm);
	int app = 0;
	for (int i = 0; i < r; i++)
		app += t->row[i].used && t->row[i].kind == ROW_APP;
	return (char)((row->vm == NO_VM ? 'a' : 'A') + app % 26);
}

static int cmd_map(struct cmd_ctx *c, int argc, char **argv)
{
	struct vmfo *m = c->m;
	const uint32_t per_line = 64;
	(void)argv;
	if (argc != 1)
		return usage(c, find_command("map"));
	pthread_mutex_lock(&m->lock);
	for (uint32_t u = 0; u < m->pool.nunits; u += per_line) {
		fprintf(c->out, "%5u  ", u);
		for (uint32_t k = u; k < u + per_line && k < m->pool.nunits; k++)
			fputc(unit_mark(&m->table, k), c->out);
		fputc('\n', c->out);
	}
	fprintf(c->out, "legend: # vmm  0 vm0 OS (%s)  1 vm1 OS (%s)", role_name(m->g[0].role),
		role_name(m->g[1].role));
	for (int r = 0, app = 0; r < TABLE_MAX_ROWS; r++)
		if (m->table.row[r].used && m->table.row[r].kind == ROW_APP) {
			bool parked = m->table.row[r].vm == NO_VM;
			fprintf(c->out, "  %c %s%s", (parked ? 'a' : 'A') + app++ % 26,
				m->table.row[r].name, parked ? " (parked)" : "");
		}
	fprintf(c->out, "  . unused  (1 unit = %" PRIu64 " MB)\n", m->pool.unit_bytes / MB);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* ---- trace, wait, log ---- */

/* Colour by meaning: failures red, completions green, the VMM's steps
 * cyan, the OSes' answers blue, apps yellow. */
static const char *event_color(const char *name)
{
	static const char *const red[] = { "vmm.os_fault", "os.app_failure", "app.fault",
					   "app.lost", "app.corrupt", "vmm.blocked", "failover.error" };
	for (size_t i = 0; i < ARRAY_SIZE(red); i++)
		if (strcmp(name, red[i]) == 0)
			return "\033[1;31m";
	if (strcmp(name, "failover.done") == 0 || strcmp(name, "app.resumed") == 0)
		return "\033[1;32m";
	if (strncmp(name, "vmm.", 4) == 0)
		return "\033[36m";
	if (strncmp(name, "os.", 3) == 0)
		return "\033[34m";
	return "\033[33m";
}

static void print_event(struct cmd_ctx *c, const struct event *ev)
{
	char line[1024];
	event_format(ev, line, sizeof line);
	if (c->color)
		fprintf(c->out, "%s%s\033[0m\n", event_color(ev->name), line);
	else
		fprintf(c->out, "%s\n", line);
	const char *why = c->explain ? event_explain(ev->name) : NULL;
	if (why)
		fprintf(c->out, "%s      -> %s%s\n", c->color ? "\033[2m" : "", why, c->color ? "\033[0m" : "");
}

bool cmd_print_new(struct cmd_ctx *c)
{
	struct event ev;
	char next[sizeof c->announced];
	bool printed = false;
	size_t n = trace_count(&c->m->trace);
	if (c->printed > n)
		c->printed = 0; /* reset cleared the trace */
	for (; c->printed < n && trace_get(&c->m->trace, c->printed, &ev); c->printed++, printed = true)
		print_event(c, &ev);
	monitor_step_waiting(c->m, next, sizeof next);
	if (next[0] && strcmp(next, c->announced) != 0) {
		fprintf(c->out, "%s[step] next: %s -- press Enter%s\n", c->color ? "\033[1;35m" : "", next,
			c->color ? "\033[0m" : "");
		printed = true;
	}
	strlcpy0(c->announced, next, sizeof c->announced);
	if (printed)
		fflush(c->out);
	return printed;
}

/* The same, as a callback for the waits. */
static void print_new(void *c)
{
	cmd_print_new(c);
}

static int trace_save(struct cmd_ctx *c, const char *path)
{
	FILE *f = fopen(path, "w");
	struct event ev;
	if (!f)
		return fail(c, "cannot write '%s': %s", path, strerror(errno));
	for (size_t i = 0; trace_get(&c->m->trace, i, &ev); i++)
		if (event_write_json(&ev, f)) {
			int err = errno;
			fclose(f);
			return fail(c, "writing '%s': %s", path, strerror(err));
		}
	if (fclose(f))
		return fail(c, "writing '%s': %s", path, strerror(errno));
	return 0;
}

static int cmd_trace(struct cmd_ctx *c, int argc, char **argv)
{
	uint64_t n = 20;
	struct event ev;

	if (argc == 3 && strcmp(argv[1], "save") == 0)
		return trace_save(c, argv[2]);
	if (argc > 2 || (argc == 2 && parse_u64(argv[1], 1, 1000000, &n)))
		return usage(c, find_command("trace"));
	size_t count = trace_count(&c->m->trace);
	for (size_t i = count > n ? count - n : 0; trace_get(&c->m->trace, i, &ev); i++)
		print_event(c, &ev);
	return 0;
}

static int cmd_wait(struct cmd_ctx *c, int argc, char **argv)
{
	uint64_t ms = DEFAULT_WAIT_MS;
	struct event ev;

	if (argc < 2 || argc > 3 || (argc == 3 && parse_u64(argv[2], 1, 600000, &ms)))
		return usage(c, find_command("wait"));
	if (event_claims(argv[1]) == 0 && !strchr(argv[1], '.'))
		return fail(c, "'%s' is not an event name (events look like os.ready)", argv[1]);
	struct event_match w = { argv[1], NULL, NULL };
	int got = trace_await(&c->m->trace, &w, c->m->mark, ms, c->live ? print_new : NULL, c, &ev);
	if (got <= 0) {
		if (got < 0)
			return fail(c, "interrupted while waiting for %s", argv[1]);
		size_t n = trace_count(&c->m->trace);
		if (n && trace_get(&c->m->trace, n - 1, &ev))
			return fail(c, "no %s within %" PRIu64 " ms (last event: #%" PRIu64 " %s)", argv[1],
				    ms, ev.seq, ev.name);
		return fail(c, "no %s within %" PRIu64 " ms (no events yet)", argv[1], ms);
	}
	if (c->live)
		cmd_print_new(c); /* it is among them */
	else
		print_event(c, &ev);
	return 0;
}

static void print_log(struct cmd_ctx *c, const struct guest *g)
{
	const struct log_ring *r = &g->log;
	unsigned first = (r->next + LOG_LINES - r->count) % LOG_LINES;
	for (unsigned i = 0; i < r->count; i++) {
		unsigned k = (first + i) % LOG_LINES;
		fprintf(c->out, "%s %+11.6f s  %s\n", g->vm.name, (double)r->t_us[k] / 1e6, r->line[k]);
	}
}

static int cmd_log(struct cmd_ctx *c, int argc, char **argv)
{
	struct vmfo *m = c->m;
	int which = -1;
	if (argc > 2)
		return usage(c, find_command("log"));
	if (need_booted(c))
		return -1;
	pthread_mutex_lock(&m->lock);
	if (argc == 2) {
		for (int i = 0; i < 2; i++)
			if (strcmp(argv[1], m->g[i].vm.name) == 0 ||
			    strcmp(argv[1], role_name(m->g[i].role)) == 0)
				which = i;
		if (which < 0) {
			pthread_mutex_unlock(&m->lock);
			return fail(c, "no OS is '%s' now (vm0 is %s, vm1 is %s); name a VM: log vm0, log vm1",
				    argv[1], m->g[0].state == G_FAILED ? "failed" : role_name(m->g[0].role),
				    m->g[1].state == G_FAILED ? "failed" : role_name(m->g[1].role));
		}
	}
	for (int i = 0; i < 2; i++)
		if (which < 0 || which == i)
			print_log(c, &m->g[i]);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* ---- apps, faults, reprotect ---- */

static int app_start(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	uint64_t mb;
	bool hot = false;
	const char *prog = "ledger";
	if (argc < 4 || parse_u64(argv[3], 1, 1u << 20, &mb))
		return fail(c, "usage: app start NAME MB [hot] [prog=ledger|kv|hog]");
	for (int i = 4; i < argc; i++) {
		if (strcmp(argv[i], "hot") == 0)
			hot = true;
		else if (strncmp(argv[i], "prog=", 5) == 0)
			prog = argv[i] + 5;
		else
			return fail(c, "unknown option '%s' (hot, prog=ledger|kv|hog)", argv[i]);
	}
	if (apps_start(c->m, argv[2], prog, mb, hot, &e))
		return fail_err(c, &e);
	pthread_mutex_lock(&c->m->lock);
	struct app *a = app_by_name(c->m, argv[2]);
	if (a && a->row >= 0) {
		char units[256];
		units_format(&c->m->table.row[a->row].units, units, sizeof units);
		fprintf(c->out, "%s: %s on %s, %" PRIu64 " MB (units %s)%s\n", a->name, aux_name(a->prog),
			vm_or_dash(app_vm(c->m, a)), mb, units, a->hot ? ", hot standby" : "");
	}
	pthread_mutex_unlock(&c->m->lock);
	return 0;
}

static int app_list(struct cmd_ctx *c)
{
	struct vmfo *m = c->m;
	pthread_mutex_lock(&m->lock);
	fprintf(c->out, "%-10s %-7s %-4s %-8s %6s %-4s %14s %14s\n", "app", "prog", "vm", "state", "MB",
		"hot", "seq", "acked");
	for (int i = 0; i < MAX_APPS; i++) {
		const struct app *a = &m->app[i];
		if (a->state == A_FREE)
			continue;
		uint64_t seq = 0, mb = 0;
		if (a->row >= 0) {
			/* Progress is read straight from the app's storage, no exit. */
			const struct vmfo_app_hdr *h =
				app_header(m, a);
			seq = __atomic_load_n(&h->seq, __ATOMIC_RELAXED);
			mb = row_bytes(&m->table, &m->table.row[a->row]) / MB;
		}
		fprintf(c->out, "%-10s %-7s %-4s %-8s %6" PRIu64 " %-4s %14" PRIu64 " %14" PRIu64 "\n",
			a->name, aux_name(a->prog), vm_or_dash(app_vm(m, a)), app_state_name(a->state), mb,
			a->hot ? "yes" : "no", seq, a->acked_seq);
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}

static int cmd_app(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	uint64_t mb;
	if (argc >= 2 && strcmp(argv[1], "start") == 0)
		return app_start(c, argc, argv);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return app_list(c);
	if (argc >= 2 && strcmp(argv[1], "grow") == 0) {
		if (argc != 4 || parse_u64(argv[3], 1, 1u << 20, &mb))
			return fail(c, "usage: app grow NAME MB");
		if (apps_grow(c->m, argv[2], mb, &e))
			return fail_err(c, &e);
		return 0;
	}
	return usage(c, find_command("app"));
}

static int cmd_fault(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	uint64_t unit = UINT32_MAX;
	if (argc == 4 && strcmp(argv[1], "os") == 0 && strcmp(argv[2], "wild") == 0 &&
	    parse_u64(argv[3], 0, UINT32_MAX - 1, &unit))
		return fail(c, "'%s' is not a unit number", argv[3]);
	int k = argc >= 3 ? os_fault_kind(argv[2]) : -1;
	if ((argc == 3 || (argc == 4 && unit != UINT32_MAX)) && strcmp(argv[1], "os") == 0) {
		/* engage-hang and activate-hang only make sense for the standby */
		if (k < 0 || k == VMFO_OS_FAULT_ENGAGE_HANG || k == VMFO_OS_FAULT_ACTIVATE_HANG)
			return fail(c, "unknown OS fault '%s' (panic, hang, triple or wild)", argv[2]);
		return monitor_os_fault_inject(c->m, k, (uint32_t)unit, &e) ? fail_err(c, &e) : 0;
	}
	if (argc == 4 && strcmp(argv[1], "app") == 0)
		return apps_fault(c->m, argv[2], argv[3], &e) ? fail_err(c, &e) : 0;
	if (argc == 3 && strcmp(argv[1], "standby") == 0) {
		/* a wild write aims at the standby itself: active OS only */
		if (k < 0 || k == VMFO_OS_FAULT_WILD)
			return fail(c, "unknown standby fault '%s' (panic, hang, triple, engage-hang "
				       "or activate-hang)", argv[2]);
		return monitor_standby_fault_inject(c->m, k, &e) ? fail_err(c, &e) : 0;
	}
	return usage(c, find_command("fault"));
}

static const char *const hostile_names[VMFO_HOSTILE_MAX] = {
	[VMFO_HOSTILE_ARG_FOREIGN] = "arg-foreign", [VMFO_HOSTILE_ARG_BEYOND] = "arg-beyond",
	[VMFO_HOSTILE_LENGTH] = "length", [VMFO_HOSTILE_TEXT_FOREIGN] = "text-foreign",
	[VMFO_HOSTILE_UNKNOWN] = "unknown", [VMFO_HOSTILE_DIRECTION] = "direction",
	[VMFO_HOSTILE_CLAIM] = "claim", [VMFO_HOSTILE_REQUEST] = "request",
	[VMFO_HOSTILE_AUX] = "aux", [VMFO_HOSTILE_ACK] = "ack", [VMFO_HOSTILE_FLOOD] = "flood",
};

/* Test mode: the active OS misuses the hypercall interface on purpose. */
static int cmd_hostile(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	int64_t answer;
	int kind = -1;
	for (int k = 1; argc == 2 && k < VMFO_HOSTILE_MAX; k++)
		if (!strcmp(argv[1], hostile_names[k]))
			kind = k;
	if (kind < 0) {
		fprintf(c->err, "error: usage: hostile CASE, one of:");
		for (int k = 1; k < VMFO_HOSTILE_MAX; k++)
			fprintf(c->err, " %s", hostile_names[k]);
		fputc('\n', c->err);
		return -1;
	}
	if (monitor_hostile(c->m, kind, &answer, &e))
		return fail_err(c, &e);
	fprintf(c->out, "hostile %s: the OS got status %lld back\n", argv[1], (long long)answer);
	return 0;
}

/* 0 or 1 for "vm0" or "vm1", else -1. */
static int vm_index_of(const char *name)
{
	for (int i = 0; i < 2; i++)
		if (name && strcmp(name, vm_or_dash(i)) == 0)
			return i;
	return -1;
}

static int cmd_reprotect(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	struct event ev;
	(void)argv;
	if (argc != 1)
		return usage(c, find_command("reprotect"));
	size_t mark = trace_count(&c->m->trace);
	if (monitor_reprotect(c->m, &e))
		return fail_err(c, &e);
	if (!trace_wait(&c->m->trace, "vmm.reprotect", NULL, NULL, mark, BOOT_WAIT_MS, &ev))
		return fail(c, "the rebooted OS did not report ready within %d ms", BOOT_WAIT_MS);
	const char *vm = event_field(&ev, "vm");
	pthread_mutex_lock(&c->m->lock);
	struct guest *g = vm_index_of(vm) >= 0 ? &c->m->g[vm_index_of(vm)] : NULL;
	const char *role = g ? role_name(g->role) : "-";
	pthread_mutex_unlock(&c->m->lock);
	fprintf(c->out, "%s rebooted as the new %s\n", vm, role);
	return 0;
}

int cmd_check_events(struct cmd_ctx *c, const struct event *ev, size_t n, int only)
{
	int failed = 0;
	for (int claim = 1; claim <= 9; claim++) {
		char why[512], line[640];
		if (only && claim != only)
			continue;
		enum verdict v = check_claim(ev, n, claim, why, sizeof why);
		check_format(claim, v, why, line, sizeof line);
		fprintf(c->out, "%s\n", line);
		failed += v == CLAIM_FAIL;
	}
	fflush(c->out); /* the verdicts before the error line that sums them up */
	/* A claim that is not shown yet is no error; one that failed is. */
	return failed ? fail(c, "%d claim%s failed", failed, failed > 1 ? "s" : "") : 0;
}

/* Claims 1-9, decided from the trace recorded so far. */
static int cmd_check(struct cmd_ctx *c, int argc, char **argv)
{
	uint64_t only = 0;
	size_t n;
	if (argc > 3 || (argc == 2 && strcmp(argv[1], "all") != 0) ||
	    (argc == 3 && (strcmp(argv[1], "claim") != 0 || parse_u64(argv[2], 1, 9, &only))))
		return usage(c, find_command("check"));
	struct err e;
	struct event *ev = monitor_settled_trace(c->m, 10000, &n, &e);
	if (!ev)
		return fail_err(c, &e);
	int rc = cmd_check_events(c, ev, n, (int)only);
	free(ev);
	return rc;
}

static int cmd_invariants(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	(void)argv;
	if (argc != 1)
		return usage(c, find_command("invariants"));
	int rc = monitor_check_invariants(c->m, &e);
	if (rc == -2)
		return fail_err(c, &e);
	if (rc)
		return fail(c, "invariant broken: %s", e.msg);
	fprintf(c->out, "invariants hold: every unit has one owner, units are conserved, "
			"memslots match the table\n");
	return 0;
}

static int cmd_sleep(struct cmd_ctx *c, int argc, char **argv)
{
	uint64_t ms;
	if (argc != 2 || parse_u64(argv[1], 0, 600000, &ms))
		return usage(c, find_command("sleep"));
	if (sleep_interruptible(ms, c->live ? print_new : NULL, c))
		return fail(c, "interrupted");
	return 0;
}

/* ---- classroom ---- */

static int on_off(struct cmd_ctx *c, int argc, char **argv, bool *out)
{
	if (argc != 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0))
		return usage(c, find_command(argv[0]));
	*out = strcmp(argv[1], "on") == 0;
	return 0;
}

static int cmd_pace(struct cmd_ctx *c, int argc, char **argv)
{
	uint64_t ms;
	if (argc != 2 || parse_u64(argv[1], 0, 60000, &ms))
		return usage(c, find_command("pace"));
	monitor_set_pace(c->m, ms);
	return 0;
}

static int cmd_step(struct cmd_ctx *c, int argc, char **argv)
{
	bool on;
	if (argc == 1) {
		char next[160];
		monitor_step_waiting(c->m, next, sizeof next);
		if (!next[0])
			return fail(c, "no failover step is waiting (use 'step on' first)");
		monitor_step_grant(c->m);
		return 0;
	}
	if (on_off(c, argc, argv, &on))
		return -1;
	monitor_set_step(c->m, on);
	return 0;
}

static int cmd_explain(struct cmd_ctx *c, int argc, char **argv)
{
	return on_off(c, argc, argv, &c->explain);
}

static int cmd_events(struct cmd_ctx *c, int argc, char **argv)
{
	bool was = c->live;
	if (on_off(c, argc, argv, &c->live))
		return -1;
	if (c->live && !was)
		c->printed = trace_count(&c->m->trace); /* from now on */
	return 0;
}

#define SOURCE_DEPTH 8

/* Whether the first n bytes of s hold a command, not a blank or a comment. */
static bool has_command(const char *s, size_t n)
{
	size_t blank = strspn(s, " \t\r\n");
	return blank < n && s[blank] != '#';
}

/* After Ctrl-C (or SIGTERM) the rest of a list or file is not run: say how
 * much was left out, and fail, so that the exit status shows it. */
static int interrupted(struct cmd_ctx *c, const char *where, int skipped)
{
	return fail(c, "%sinterrupted: %d command%s not run", where, skipped,
		    skipped == 1 ? "" : "s");
}

static int cmd_source(struct cmd_ctx *c, int argc, char **argv)
{
	if (argc != 2)
		return usage(c, find_command("source"));
	if (c->depth >= SOURCE_DEPTH)
		return fail(c, "source nested more than %d deep", SOURCE_DEPTH);
	FILE *f = fopen(argv[1], "r");
	if (!f)
		return fail(c, "cannot read '%s': %s", argv[1], strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	c->depth++;
	for (int n = 1; !c->quit && getline(&line, &cap, f) >= 0; n++) {
		bool failed = cmd_exec(c, line) != 0;
		if (interrupt_pending()) {
			int skipped = 0;
			while (getline(&line, &cap, f) >= 0)
				skipped += has_command(line, strlen(line));
			char where[320];
			snprintf(where, sizeof where, "%s:%d: ", argv[1], n);
			if (failed || skipped)
				rc = interrupted(c, where, skipped);
			break;
		}
		if (failed) {
			rc = fail(c, "%s:%d: stopped at the first error", argv[1], n);
			break;
		}
	}
	c->depth--;
	free(line);
	fclose(f);
	return rc;
}

static int cmd_time(struct cmd_ctx *c, int argc, char **argv)
{
	char line[1024] = "";
	if (argc < 2)
		return usage(c, find_command("time"));
	for (int i = 1; i < argc; i++) {
		strncat(line, argv[i], sizeof line - strlen(line) - 2);
		strncat(line, " ", sizeof line - strlen(line) - 1);
	}
	uint64_t t0 = now_us();
	int rc = cmd_exec(c, line);
	fprintf(c->out, "time: %.3f ms\n", (double)(now_us() - t0) / 1000.0);
	return rc;
}

/* ---- the view ---- */

static int cmd_view(struct cmd_ctx *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return usage(c, find_command("view"));
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return fail(c, "'view' needs a terminal");
	return view_run(c);
}

/* ---- Lua ---- */

static struct script *console_lua(struct cmd_ctx *c)
{
	if (!c->lua)
		c->lua = script_new(c->m, c->out, c->err);
	return c->lua;
}

/* The console's Lua state keeps its globals from one command to the next;
 * once they fill it to the cap, nothing more could run in it (not even
 * 't = nil'): start afresh, and say so. */
static void console_lua_check_memory(struct cmd_ctx *c, enum script_result r)
{
	if (r != SCRIPT_ERROR || !script_memory_full(c->lua))
		return;
	script_free(c->lua);
	c->lua = NULL;
	fprintf(c->err, "note: the Lua state was full; it has been started afresh, without "
			"its globals\n");
}

static int cmd_run(struct cmd_ctx *c, int argc, char **argv)
{
	if (argc != 2)
		return usage(c, find_command("run"));
	struct script *s = console_lua(c);
	if (!s)
		return fail(c, "out of memory starting Lua");
	enum script_result r = script_run_file(s, argv[1]);
	console_lua_check_memory(c, r);
	if (r == SCRIPT_PASS) {
		fprintf(c->out, "ok - %s\n", argv[1]);
		return 0;
	}
	return fail(c, "%s: %s", argv[1], r == SCRIPT_CHECK_FAILED ? "a check failed" : "script error");
}

/* 'lua CODE': the rest of the line is Lua (cmd_exec passes it whole). */
static int cmd_lua(struct cmd_ctx *c, int argc, char **argv)
{
	if (argc != 2)
		return usage(c, find_command("lua"));
	struct script *s = console_lua(c);
	if (!s)
		return fail(c, "out of memory starting Lua");
	enum script_result r = script_run_string(s, argv[1]);
	console_lua_check_memory(c, r);
	/* A Lua error has been printed, with its "error:" line, already. */
	return r == SCRIPT_PASS ? 0 : r == SCRIPT_CHECK_FAILED ? fail(c, "a check failed") : -1;
}

/* ---- help, quit ---- */

static int cmd_help(struct cmd_ctx *c, int argc, char **argv)
{
	if (argc > 2)
		return usage(c, find_command("help"));
	if (argc == 2) {
		const struct command *cmd = find_command(argv[1]);
		if (!cmd)
			return fail(c, "no command '%s' (try 'help')", argv[1]);
		fprintf(c->out, "usage: %s\n%s\n%s", cmd->usage, cmd->summary, cmd->help);
		return 0;
	}
	for (const struct command *cmd = commands; cmd->name; cmd++)
		fprintf(c->out, "  %-28s %s\n", cmd->usage, cmd->summary);
	fprintf(c->out, "Type 'help CMD' for more on one command.\n");
	return 0;
}

static int cmd_quit(struct cmd_ctx *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	c->quit = true;
	return 0;
}

const struct command commands[] = {
	{ "help", "help [CMD]", "list commands, or explain one",
	  "Example: help wait\n", cmd_help },
	{ "boot", "boot [active=MB] [standby=MB]", "start the active and standby OS; wait until both are ready",
	  "The VMM takes one unit for itself, gives the active OS --active-mb (enough\n"
	  "for its apps) and the standby --standby-mb (not enough: claim 1), maps each\n"
	  "as memslots and starts both guests. Events: vmm.alloc, os.ready.\n"
	  "active= and standby= override the sizes for this boot.\n"
	  "Example: boot; boot active=32 standby=4\n", cmd_boot },
	{ "status", "status", "each VM's role, state, storage, heartbeat, boot time",
	  "Example: boot; status\n", cmd_status },
	{ "table", "table", "the resource management table (claim 3)",
	  "One row per holder of storage (the VMM, each OS, each app) with its units,\n"
	  "size, use amount, controlling and takeover OS; then the unused units and\n"
	  "the total, which is always the pool size.\n", cmd_table },
	{ "map", "map", "one character per storage unit, showing its owner",
	  "# the VMM, 0 and 1 the OS of vm0 and vm1, A-Z apps, . unused.\n", cmd_map },
	{ "trace", "trace [N] | trace save FILE", "the last N events (default 20), or save all as JSONL",
	  "Examples: trace 50; trace save /tmp/run.jsonl\n", cmd_trace },
	{ "wait", "wait EVENT [MS]", "block until EVENT happened since the last state change",
	  "Waits at most MS milliseconds (default 5000) for EVENT to be recorded after the\n"
	  "last boot, app, fault, reprotect or reset; prints it, or fails on timeout.\n"
	  "Example: fault os wild; wait vmm.blocked 2000\n", cmd_wait },
	{ "log", "log [active|standby|vm0|vm1]", "the guests' console lines",
	  "Example: log standby\n", cmd_log },
	{ "app", "app start|grow|list ...", "start, grow or list apps",
	  "app start NAME MB [hot] [prog=ledger|kv|hog]\n"
	  "    the active OS computes what its apps need (claim 5): from its own free\n"
	  "    storage it reports the app's units (os.report); short of it, it asks the\n"
	  "    VMM (os.request) for unused units (vmm.grant). hot: a hot-standby job,\n"
	  "    taken over by the standby when it fails.\n"
	  "app grow NAME MB     give a running app MB more storage, the same way\n"
	  "app list             each app's program, VM, state, size, hot flag, seq\n"
	  "Example: app start db 8 hot; app start cache 4 prog=kv; app list\n", cmd_app },
	{ "fault", "fault os|standby KIND | fault app NAME KIND", "make a guest fail, for real",
	  "fault os panic    the OS writes a crash record, reports and stops\n"
	  "fault os hang     the OS stops with interrupts off: heartbeats cease\n"
	  "fault os triple   the OS faults with no IDT: KVM_EXIT_SHUTDOWN\n"
	  "fault os wild [UNIT]   the OS writes storage it does not own (the standby's,\n"
	  "                  or UNIT's): the access exits, is refused (vmm.blocked)\n"
	  "fault app NAME crash|hang|error   the app executes the fault; error is\n"
	  "    recoverable and handled by its OS (app.restarted), the others are\n"
	  "    reported (os.app_failure) and the storage moves if the app is hot.\n"
	  "fault standby panic|hang|triple|engage-hang|activate-hang   the standby fails;\n"
	  "    engage-hang: it hangs when the next takeover reaches it; activate-hang:\n"
	  "    it answers the next activate request, then hangs before the app resumes.\n"
	  "Example: fault app db crash; wait failover.done\n", cmd_fault },
	{ "hostile", "hostile CASE", "test mode: the active OS misuses the hypercall interface",
	  "Each case must be refused (vmm.reject vm=... reason=...) with nothing changed:\n"
	  "arg-foreign arg-beyond length text-foreign unknown direction claim request\n"
	  "aux ack flood. A flood (over 100 refusals a second) stops the OS as failed\n"
	  "(vmm.os_fault cause=hostile). Example: hostile claim; invariants\n", cmd_hostile },
	{ "reprotect", "reprotect", "reboot the failed VM as the new standby",
	  "After an OS failover, the failed VM comes back with insufficient storage as\n"
	  "the new standby, so that the next failure can be taken over too. Storage\n"
	  "the failed VM still held goes back to the pool first (vmm.reclaim). With\n"
	  "both OSes down it comes back as the new active OS, and parked apps\n"
	  "continue there. Parked apps are taken over as soon as an OS is ready.\n"
	  "Example: fault os panic; wait failover.done; reprotect\n", cmd_reprotect },
	{ "run", "run FILE.lua", "run a Lua scenario on the current pair",
	  "The scenario uses the vmfo Lua API (docs/scenarios.md); failed checks and\n"
	  "errors are listed with file:line. 'vmfo run FILE...' runs each on a fresh pair.\n"
	  "Example: run scenarios/claim6.lua\n", cmd_run },
	{ "lua", "lua CODE", "run one line of Lua; an expression's value is printed",
	  "The same sandboxed Lua as scenarios, kept between 'lua' lines.\n"
	  "Example: lua vmfo.owner(\"db\")\n", cmd_lua },
	{ "view", "view", "the live screen: storage owners, VMs, table, events, claims",
	  "Redraws ten times a second; q returns to the console, ? lists the keys\n"
	  "(1 panic the active OS, 2 crash the selected app, space next step, ...).\n", cmd_view },
	{ "source", "source FILE", "run console commands from a file, stopping at the first error",
	  "Blank lines and # comments are skipped; the first failing line stops it and\n"
	  "is named as FILE:LINE, and so does Ctrl-C. Example: source demo.vmfo\n", cmd_source },
	{ "time", "time CMD", "run a command and say how long it took",
	  "Example: time app start db 8 hot\n", cmd_time },
	{ "pace", "pace MS", "slow each failover step by MS milliseconds (0: full speed)",
	  "For the classroom: the events of a failover appear one by one.\n"
	  "Example: pace 800; fault os panic\n", cmd_pace },
	{ "step", "step [on|off]", "pause a failover before each step; 'step' (or Enter) goes on",
	  "With step on, a failover stops before each step and the console shows what\n"
	  "comes next; press Enter at the prompt (or type 'step') to carry it out.\n"
	  "Example: step on; fault app db crash\n", cmd_step },
	{ "explain", "explain on|off", "follow each event line with what it means",
	  "Example: explain on; fault app db crash\n", cmd_explain },
	{ "events", "events on|off", "print events as they happen (on by default at a terminal)",
	  "Example: events off\n", cmd_events },
	{ "sleep", "sleep MS", "pause this session; the guests and the monitor keep running",
	  "Example: boot; sleep 500; status\n", cmd_sleep },
	{ "check", "check [all | claim N]", "decide claims 1-9 from the trace so far",
	  "One line per claim: 'claim N: PASS', 'claim N: FAIL <the missing or\n"
	  "out-of-order step>', or 'claim N: NOT SHOWN (<what has not happened yet>)'.\n"
	  "Fails (an error line, exit status 1 in -c mode) if any claim FAILs.\n"
	  "'vmfo check FILE' judges a trace saved with --trace or 'trace save' alike.\n"
	  "Example: fault app db crash; wait failover.done; check claim 6\n", cmd_check },
	{ "invariants", "invariants", "check that every unit has one owner and slots match the table",
	  "Example: boot; invariants\n", cmd_invariants },
	{ "reset", "reset", "stop both guests and return all storage to the pool",
	  "Clears the trace too. Example: reset; boot\n", cmd_reset },
	{ "quit", "quit", "leave vmfo (Ctrl-D does the same)", "", cmd_quit },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct command *find_command(const char *name)
{
	for (const struct command *cmd = commands; cmd->name; cmd++)
		if (strcmp(cmd->name, name) == 0)
			return cmd;
	if (strcmp(name, "exit") == 0)
		return find_command("quit");
	return NULL;
}

/* Scripts (and the view) are sandboxed: no command that reads or writes
 * files, takes the terminal, or runs Lua inside Lua. Refuses with one
 * error line and returns true. */
static bool sandboxed(struct cmd_ctx *c, int argc, char **argv)
{
	static const char *const refused[] = { "source", "view", "quit", "exit", "run", "lua" };
	bool save = !strcmp(argv[0], "trace") && argc > 1 && !strcmp(argv[1], "save");
	bool hit = save;
	for (size_t i = 0; i < ARRAY_SIZE(refused) && !hit; i++)
		hit = !strcmp(argv[0], refused[i]);
	if (!c->in_script || !hit)
		return false;
	fail(c, "'%s%s' is not available from a script (sandbox)", argv[0], save ? " save" : "");
	return true;
}

/* A --trace file that has just failed to be written: say so once, where
 * the user is looking, not only at exit. Scripts leave it to main(). */
static void tell_trace_error(struct cmd_ctx *c)
{
	struct err e;
	if (!c->in_script && trace_file_error_news(&c->m->trace, &e)) {
		fprintf(c->err, "vmfo: %s\n", e.msg);
		fflush(c->err);
	}
}

int cmd_exec(struct cmd_ctx *c, const char *line)
{
	char buf[1024];
	char *argv[MAX_ARGS + 1];
	int argc = 0;

	if (strlen(line) >= sizeof buf)
		return fail(c, "line too long (at most %zu characters)", sizeof buf - 1);
	strlcpy0(buf, line, sizeof buf);
	/* 'lua' takes the rest of the line as it is. */
	char *p = buf + strspn(buf, " \t");
	if (strncmp(p, "lua", 3) == 0 && (p[3] == ' ' || p[3] == '\t')) {
		char *code = p + 4 + strspn(p + 4, " \t");
		code[strcspn(code, "\r\n")] = '\0';
		char *lua_argv[] = { p, code, NULL };
		p[3] = '\0';
		if (sandboxed(c, 1, lua_argv))
			return -1;
		return cmd_lua(c, *code ? 2 : 1, lua_argv);
	}
	for (char *tok = strtok(buf, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
		if (tok[0] == '#')
			break;
		if (argc == MAX_ARGS)
			return fail(c, "too many words (at most %d)", MAX_ARGS);
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	if (argc == 0)
		return 0;
	const struct command *cmd = find_command(argv[0]);
	if (!cmd)
		return fail(c, "unknown command '%s' (try 'help')", argv[0]);
	if (sandboxed(c, argc, argv))
		return -1;
	int rc = cmd->fn(c, argc, argv);
	fflush(c->out);
	tell_trace_error(c);
	return rc;
}

int cmd_capture(struct vmfo *m, const char *line, char **out, char **err)
{
	size_t olen = 0, elen = 0;
	*out = *err = NULL;
	FILE *o = open_memstream(out, &olen), *e = open_memstream(err, &elen);
	int rc = -1;
	if (o && e) {
		struct cmd_ctx c = { .m = m, .out = o, .err = e, .in_script = true };
		rc = cmd_exec(&c, line);
	}
	if (o)
		fclose(o);
	if (e)
		fclose(e);
	if (!*out)
		*out = strdup("");
	if (!*err)
		*err = strdup(rc ? "error: out of memory\n" : "");
	return rc;
}

int cmd_exec_list(struct cmd_ctx *c, const char *list)
{
	int failed = 0;
	const char *p = list;
	while (*p && !c->quit) {
		size_t n = strcspn(p, ";\n");
		char line[1024];
		if (n >= sizeof line) {
			failed += fail(c, "command too long") != 0;
		} else {
			memcpy(line, p, n);
			line[n] = '\0';
			failed += cmd_exec(c, line) != 0;
		}
		p += n;
		if (*p)
			p++;
		if (interrupt_pending()) {
			int skipped = 0;
			for (; *p; p += *p != '\0') {
				n = strcspn(p, ";\n");
				skipped += has_command(p, n);
				p += n;
			}
			if (skipped)
				failed += interrupted(c, "", skipped) != 0;
			break;
		}
	}
	return failed;
}
