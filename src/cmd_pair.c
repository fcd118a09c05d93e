/* cmd_pair.c — the commands that act on the active/standby pair or show
 * it: each parses its words, makes one call of the typed API (vmfo.h) and
 * prints the result or a snapshot through the renderers. */
#include "cmd_verbs.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "checker.h"
#include "render.h"

static int need_booted(struct cmd_ctx *c, const struct vmfo_snapshot *s)
{
	return s->booted ? 0 : cmd_fail(c, "not booted: use 'boot' first");
}

/* ---- boot, reset, reprotect ---- */

int cmd_boot(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	struct vmfo_booted b;
	uint64_t active = 0, standby = 0; /* 0: the command line's sizes */
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "active=", 7) == 0 && parse_u64(argv[i] + 7, 1, 1u << 20, &active) == 0)
			continue;
		if (strncmp(argv[i], "standby=", 8) == 0 && parse_u64(argv[i] + 8, 1, 1u << 20, &standby) == 0)
			continue;
		return cmd_usage(c, "boot");
	}
	if (vmfo_boot(c->m, active, standby, &b, &e))
		return cmd_fail_err(c, &e);
	for (int i = 0; i < 2; i++)
		fprintf(c->out, "%s %s OS ready in %.1f ms with %" PRIu64 " MB\n", b.os[i].vm,
			b.os[i].role, b.os[i].ready_ms, b.os[i].mb);
	return 0;
}

int cmd_reset(struct cmd_ctx *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cmd_usage(c, "reset");
	vmfo_reset(c->m);
	return 0;
}

int cmd_reprotect(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	struct vmfo_reprotected r;
	(void)argv;
	if (argc != 1)
		return cmd_usage(c, "reprotect");
	if (vmfo_reprotect(c->m, &r, &e))
		return cmd_fail_err(c, &e);
	fprintf(c->out, "%s rebooted as the new %s\n", r.vm, r.role);
	return 0;
}

/* ---- status, table, map, log ---- */

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

/* The commands that only show a snapshot: no words after the name. */
static int show(struct cmd_ctx *c, int argc, const char *name, bool booted_only,
		void (*render)(const struct vmfo_snapshot *, FILE *))
{
	if (argc != 1)
		return cmd_usage(c, name);
	struct vmfo_snapshot *s = malloc(sizeof *s);
	if (!s)
		return cmd_fail(c, "out of memory");
	vmfo_snapshot(c->m, s);
	int rc = booted_only ? need_booted(c, s) : 0;
	if (rc == 0)
		render(s, c->out);
	free(s);
	return rc;
}

int cmd_status(struct cmd_ctx *c, int argc, char **argv)
{
	(void)argv;
	if (show(c, argc, "status", true, render_status))
		return -1;
	print_process(c);
	return 0;
}

/* table raw: the table's bytes where they lie, in the VMM's unit. */
static int table_raw(struct cmd_ctx *c)
{
	struct err e;
	struct vmfo_table_bytes *b = malloc(sizeof *b);
	if (!b)
		return cmd_fail(c, "out of memory");
	int rc = vmfo_table_bytes(c->m, b, &e);
	if (rc == 0)
		render_table_raw(b, c->out);
	else
		cmd_fail_err(c, &e);
	free(b);
	return rc;
}

/* table set ROW hot=yes|no | takeover=vm0|vm1|- (test mode): the table's
 * storage changes, nothing else. */
static int table_set(struct cmd_ctx *c, const char *row, const char *setting)
{
	struct err e;
	int rc;
	if (strcmp(setting, "hot=yes") == 0 || strcmp(setting, "hot=no") == 0)
		rc = vmfo_table_set_hot(c->m, row, strcmp(setting, "hot=yes") == 0, &e);
	else if (strncmp(setting, "takeover=", 9) == 0 &&
		 (vm_index_of(setting + 9) >= 0 || strcmp(setting + 9, "-") == 0))
		rc = vmfo_table_set_takeover(c->m, row, vm_index_of(setting + 9), &e);
	else
		return cmd_usage(c, "table");
	if (rc)
		return cmd_fail_err(c, &e);
	fprintf(c->out, "%s: %s, in the table's storage only (see 'table raw')\n", row, setting);
	return 0;
}

int cmd_table(struct cmd_ctx *c, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "raw") == 0)
		return argc == 2 ? table_raw(c) : cmd_usage(c, "table");
	if (argc > 1 && strcmp(argv[1], "set") == 0)
		return argc == 4 ? table_set(c, argv[2], argv[3]) : cmd_usage(c, "table");
	return show(c, argc, "table", false, render_table);
}

int cmd_map(struct cmd_ctx *c, int argc, char **argv)
{
	(void)argv;
	return show(c, argc, "map", false, render_map);
}

int cmd_log(struct cmd_ctx *c, int argc, char **argv)
{
	int which = -1;
	if (argc > 2)
		return cmd_usage(c, "log");
	struct vmfo_snapshot *s = malloc(sizeof *s);
	struct vmfo_log *log = malloc(sizeof *log);
	int rc = s && log ? 0 : cmd_fail(c, "out of memory");
	if (rc == 0) {
		vmfo_snapshot(c->m, s);
		rc = need_booted(c, s);
	}
	for (int i = 0; rc == 0 && argc == 2 && i < 2; i++)
		if (strcmp(argv[1], s->os[i].name) == 0 || strcmp(argv[1], s->os[i].role) == 0)
			which = i;
	if (rc == 0 && argc == 2 && which < 0)
		rc = cmd_fail(c, "no OS is '%s' now (vm0 is %s, vm1 is %s); name a VM: log vm0, log vm1",
			      argv[1], s->os[0].state == G_FAILED ? "failed" : s->os[0].role,
			      s->os[1].state == G_FAILED ? "failed" : s->os[1].role);
	for (int i = 0; rc == 0 && i < 2; i++)
		if (which < 0 || which == i) {
			vmfo_log(c->m, i, log);
			render_log(s->os[i].name, log, c->out);
		}
	free(s);
	free(log);
	return rc;
}

/* ---- apps ---- */

#define APP_START_USAGE "usage: app start NAME [MB] [prog=ledger|kv|hog] [ITEM=N] [hot]"

/* ITEM=N, a count of the program's items (records=100000): the name goes
 * to item (of item_size), the count to size. */
static int parse_count(struct cmd_ctx *c, const char *word, struct vmfo_app_size *size, char *item,
		       size_t item_size)
{
	const char *eq = strchr(word, '=');
	if (!eq || eq == word || (size_t)(eq - word) >= item_size)
		return cmd_fail(c, "'%s' is not ITEM=N (records=100000, keys=4096, mib=8)", word);
	if (parse_u64(eq + 1, 1, UINT64_MAX, &size->items))
		return cmd_fail(c, "'%s': give a count of 1 or more (at most %" PRIu64 ")", word,
				UINT64_MAX);
	memcpy(item, word, (size_t)(eq - word));
	item[eq - word] = '\0';
	size->item = item;
	return 0;
}

static int app_start(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	struct vmfo_app_size size = { 0 };
	char item[32];
	const char *count = NULL;
	bool hot = false;
	const char *prog = "ledger";
	int i = 3;
	if (argc < 3)
		return cmd_fail(c, APP_START_USAGE);
	/* The shorthand, as it always was: a size in MB right after NAME. */
	if (argc > 3 && argv[3][0] >= '0' && argv[3][0] <= '9') {
		struct err e0;
		if (parse_u64(argv[3], 0, UINT64_MAX, &size.mb))
			return cmd_fail(c, APP_START_USAGE);
		if (size.mb == 0 && app_size_error(vmfo_defaults(c->m), 0, &e0))
			return cmd_fail_err(c, &e0);
		i = 4;
	}
	for (; i < argc; i++) {
		if (strcmp(argv[i], "hot") == 0)
			hot = true;
		else if (strncmp(argv[i], "prog=", 5) == 0)
			prog = argv[i] + 5;
		else if (strchr(argv[i], '=') && (count || size.mb))
			return cmd_fail(c, "give one size: %s and %s", count ? count : argv[3], argv[i]);
		else if (strchr(argv[i], '=') && parse_count(c, argv[i], &size, item, sizeof item))
			return -1;
		else if (strchr(argv[i], '='))
			count = argv[i];
		else
			return cmd_fail(c, "unknown option '%s' (hot, prog=ledger|kv|hog, ITEM=N)", argv[i]);
	}
	if (vmfo_app_start(c->m, argv[2], prog, hot, &size, &e))
		return cmd_fail_err(c, &e);
	struct vmfo_snapshot *s = malloc(sizeof *s);
	if (!s)
		return 0; /* it started; only the line saying so is missing */
	vmfo_snapshot(c->m, s);
	const struct vmfo_app_view *a = vmfo_snapshot_app(s, argv[2]);
	int row = table_find(&s->table, argv[2]);
	if (a && row >= 0) {
		char units[256], computed[64] = "";
		units_format(&s->table.row[row].units, units, sizeof units);
		if (!size.mb) /* what the OS computed it for */
			snprintf(computed, sizeof computed, " for %s=%" PRIu64, size.got.item,
				 size.got.items);
		fprintf(c->out, "%s: %s on %s, %" PRIu64 " MB (units %s)%s%s\n", a->name, a->prog,
			vm_or_dash(a->vm), a->bytes / MB, units, computed, a->hot ? ", hot standby" : "");
	}
	free(s);
	return 0;
}

int cmd_app(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	struct vmfo_app_size size = { 0 };
	char item[32];
	if (argc >= 2 && strcmp(argv[1], "start") == 0)
		return app_start(c, argc, argv);
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		struct vmfo_snapshot *s = malloc(sizeof *s);
		if (!s)
			return cmd_fail(c, "out of memory");
		vmfo_snapshot(c->m, s);
		render_app_list(s, c->out);
		free(s);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "grow") == 0) {
		if (argc != 4 || (!strchr(argv[3], '=') && parse_u64(argv[3], 1, 1u << 20, &size.mb)))
			return cmd_fail(c, "usage: app grow NAME MB|ITEM=N");
		if (!size.mb && parse_count(c, argv[3], &size, item, sizeof item))
			return -1;
		if (vmfo_app_grow(c->m, argv[2], &size, &e))
			return cmd_fail_err(c, &e);
		return 0;
	}
	return cmd_usage(c, "app");
}

/* ---- faults ---- */

int cmd_fault(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	struct vmfo_fault f = { .unit = UINT32_MAX };
	uint64_t unit;
	if (argc == 4 && strcmp(argv[1], "os") == 0 && strcmp(argv[2], "wild") == 0) {
		if (parse_u64(argv[3], 0, UINT32_MAX - 1, &unit))
			return cmd_fail(c, "'%s' is not a unit number", argv[3]);
		f.unit = (uint32_t)unit;
	}
	if ((argc == 3 || f.unit != UINT32_MAX) && strcmp(argv[1], "os") == 0)
		f.target = VMFO_FAULT_OS, f.kind = argv[2];
	else if (argc == 3 && strcmp(argv[1], "standby") == 0)
		f.target = VMFO_FAULT_STANDBY, f.kind = argv[2];
	else if (argc == 4 && strcmp(argv[1], "app") == 0)
		f.target = VMFO_FAULT_APP, f.app = argv[2], f.kind = argv[3];
	else
		return cmd_usage(c, "fault");
	return vmfo_fault(c->m, &f, &e) ? cmd_fail_err(c, &e) : 0;
}

/* Test mode: the active OS misuses the hypercall interface on purpose. */
int cmd_hostile(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	int64_t answer;
	const char *const *cases = vmfo_hostile_cases();
	bool known = false;
	for (const char *const *k = cases; argc == 2 && *k; k++)
		known |= strcmp(argv[1], *k) == 0;
	if (!known) {
		fprintf(c->err, "error: usage: hostile CASE, one of:");
		for (const char *const *k = cases; *k; k++)
			fprintf(c->err, " %s", *k);
		fputc('\n', c->err);
		return -1;
	}
	if (vmfo_hostile(c->m, argv[1], &answer, &e))
		return cmd_fail_err(c, &e);
	fprintf(c->out, "hostile %s: the OS got status %lld back\n", argv[1], (long long)answer);
	return 0;
}

/* ---- checks ---- */

/* Claims 1-9, decided from the trace recorded so far. */
int cmd_check(struct cmd_ctx *c, int argc, char **argv)
{
	uint64_t only = 0;
	size_t n;
	if (argc == 3 && strcmp(argv[1], "--history") == 0)
		return cmd_check_history(c, argv[2]);
	if (argc > 3 || (argc == 2 && strcmp(argv[1], "all") != 0) ||
	    (argc == 3 && strcmp(argv[1], "claim") != 0))
		return cmd_usage(c, "check");
	if (argc == 3 && parse_u64(argv[2], 1, 9, &only))
		return cmd_fail(c, "no claim '%s': the claims are 1 to 9", argv[2]);
	struct err e;
	struct event *ev = vmfo_settled_trace(c->m, 10000, &n, &e);
	if (!ev)
		return cmd_fail_err(c, &e);
	int rc = cmd_check_events(c, ev, n, (int)only);
	free(ev);
	return rc;
}

int cmd_invariants(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	(void)argv;
	if (argc != 1)
		return cmd_usage(c, "invariants");
	if (vmfo_invariants(c->m, &e))
		return cmd_fail_err(c, &e);
	fprintf(c->out, "invariants hold: every unit has one owner, units are conserved, "
			"memslots match the table\n");
	return 0;
}

/* ---- classroom ---- */

int cmd_pace(struct cmd_ctx *c, int argc, char **argv)
{
	uint64_t ms;
	if (argc != 2 || parse_u64(argv[1], 0, 60000, &ms))
		return cmd_usage(c, "pace");
	vmfo_set_pace(c->m, ms);
	return 0;
}

int cmd_step(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	if (argc == 1)
		return vmfo_step(c->m, &e) ? cmd_fail_err(c, &e) : 0;
	if (argc != 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0))
		return cmd_usage(c, "step");
	vmfo_set_step(c->m, strcmp(argv[1], "on") == 0);
	return 0;
}
