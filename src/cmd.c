/* cmd.c — the command language: the table of commands (names, usage,
 * help, completion), splitting a line into words and dispatching it, and
 * the sandbox for scripts. The commands themselves are in cmd_pair.c (the
 * pair), cmd_trace.c (events), cmd_io.c (the I/O control unit) and
 * cmd_session.c (the session: help, source, Lua, the view, ...). */
#include "cmd_verbs.h"

#include "script.h"
#include "view.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 16

int cmd_fail(struct cmd_ctx *c, const char *fmt, ...)
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

int cmd_fail_err(struct cmd_ctx *c, const struct err *e)
{
	if (vmfo_refused_paused(e))
		return cmd_fail(c, "%s: press Enter (or 'step') to go on, or 'step off'", e->msg);
	return cmd_fail(c, "%s", e->msg);
}

int cmd_usage(struct cmd_ctx *c, const char *name)
{
	return cmd_fail(c, "usage: %s", find_command(name)->usage);
}

/* Whether the first n bytes of s hold a command, not a blank or a comment. */
bool cmd_has_command(const char *s, size_t n)
{
	size_t blank = strspn(s, " \t\r\n");
	return blank < n && s[blank] != '#';
}

/* After Ctrl-C (or SIGTERM) the rest of a list or file is not run: say how
 * much was left out, and fail, so that the exit status shows it. */
int cmd_interrupted(struct cmd_ctx *c, const char *where, int skipped)
{
	return cmd_fail(c, "%sinterrupted: %d command%s not run", where, skipped,
		    skipped == 1 ? "" : "s");
}

/* ---- what Tab completes, per command ---- */

static const char *const *os_fault_kinds(void)
{
	return vmfo_fault_kinds(VMFO_FAULT_OS);
}

static const char *const *standby_fault_kinds(void)
{
	return vmfo_fault_kinds(VMFO_FAULT_STANDBY);
}

static const char *const *app_fault_kinds(void)
{
	return vmfo_fault_kinds(VMFO_FAULT_APP);
}

/* app start's options: hot, prog= each program in the auxiliary image,
 * and each program's ITEM= (records=, keys=, ...); app grow's: the ITEM=
 * of the programs that take in what a grow by items adds. */
static char prog_words[VMFO_AUX_MAX_PROGS][32], item_words[VMFO_AUX_MAX_PROGS][32];
static const char *start_words[1 + 2 * VMFO_AUX_MAX_PROGS + 1] = { "hot" };
static const char *grow_words[VMFO_AUX_MAX_PROGS + 1];

static void list_app_words(void)
{
	const char *const *progs = vmfo_programs();
	size_t n = 1, g = 0;
	for (size_t i = 0; i < VMFO_AUX_MAX_PROGS && progs[i]; i++) {
		snprintf(prog_words[i], sizeof prog_words[i], "prog=%s", progs[i]);
		start_words[n++] = prog_words[i];
	}
	for (size_t i = 0; i < VMFO_AUX_MAX_PROGS && progs[i]; i++) {
		const struct vmfo_prog_needs *needs = vmfo_program_needs(progs[i]);
		if (!needs)
			continue;
		snprintf(item_words[i], sizeof item_words[i], "%.16s=", needs->item);
		start_words[n++] = item_words[i];
		if (needs->flags & VMFO_NEEDS_GROWS)
			grow_words[g++] = item_words[i];
	}
}

static const char *const *app_start_options(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, list_app_words);
	return start_words;
}

static const char *const *app_grow_options(void)
{
	app_start_options(); /* the same lists */
	return grow_words;
}

static const char *const on_off_words[] = { "on", "off", NULL };
static const struct completion on_off_completion[] = {
	{ 1, NULL, WORD_LIST, on_off_words, NULL }, { 0 },
};
static const struct completion help_completion[] = { { 1, NULL, WORD_COMMAND, NULL, NULL }, { 0 } };
static const struct completion file_completion[] = { { 1, NULL, WORD_FILE, NULL, NULL }, { 0 } };
static const struct completion boot_completion[] = {
	{ -1, NULL, WORD_LIST, (const char *const[]){ "active=", "standby=", NULL }, NULL }, { 0 },
};
static const struct completion trace_completion[] = {
	{ 1, NULL, WORD_LIST, (const char *const[]){ "save", NULL }, NULL },
	{ -2, "save", WORD_FILE, NULL, NULL }, { 0 },
};
static const struct completion wait_completion[] = { { 1, NULL, WORD_EVENT, NULL, NULL }, { 0 } };
static const struct completion log_completion[] = {
	{ 1, NULL, WORD_LIST, (const char *const[]){ "active", "standby", "vm0", "vm1", NULL }, NULL },
	{ 0 },
};
static const struct completion app_completion[] = {
	{ 1, NULL, WORD_LIST, (const char *const[]){ "start", "grow", "list", NULL }, NULL },
	{ 2, "grow", WORD_APP, NULL, NULL },
	{ 3, "grow", WORD_LIST, NULL, app_grow_options },
	{ -3, "start", WORD_LIST, NULL, app_start_options },
	{ 0 },
};
static const struct completion fault_completion[] = {
	{ 1, NULL, WORD_LIST, (const char *const[]){ "os", "standby", "app", NULL }, NULL },
	{ 2, "os", WORD_LIST, NULL, os_fault_kinds },
	{ 2, "standby", WORD_LIST, NULL, standby_fault_kinds },
	{ 2, "app", WORD_APP, NULL, NULL },
	{ 3, "app", WORD_LIST, NULL, app_fault_kinds },
	{ 0 },
};
static const struct completion hostile_completion[] = {
	{ 1, NULL, WORD_LIST, NULL, vmfo_hostile_cases }, { 0 },
};
static const struct completion table_completion[] = {
	{ 1, NULL, WORD_LIST, (const char *const[]){ "raw", "set", NULL }, NULL },
	{ 2, "set", WORD_APP, NULL, NULL },
	{ 3, "set", WORD_LIST,
	  (const char *const[]){ "hot=yes", "hot=no", "takeover=vm0", "takeover=vm1", "takeover=-",
				 NULL },
	  NULL },
	{ 0 },
};
static const struct completion serve_completion[] = {
	{ 2, "off", WORD_APP, NULL, NULL }, { 2, NULL, WORD_FILE, NULL, NULL },
	{ 1, NULL, WORD_APP, NULL, NULL }, { 0 },
};
static const struct completion client_completion[] = {
	{ 1, NULL, WORD_LIST, (const char *const[]){ "start", "stop", NULL }, NULL },
	{ 2, "start", WORD_FILE, NULL, NULL },
	{ -3, "start", WORD_LIST,
	  (const char *const[]){ "clients=", "keys=", "ms=", "timeout=", "seed=", "history=", NULL },
	  NULL },
	{ 0 },
};
static const struct completion check_completion[] = {
	{ 1, NULL, WORD_LIST, (const char *const[]){ "all", "claim", "--history", NULL }, NULL },
	{ 2, "--history", WORD_FILE, NULL, NULL },
	{ 2, "claim", WORD_LIST,
	  (const char *const[]){ "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL }, NULL },
	{ 0 },
};

const struct command commands[] = {
	{ "help", "help [CMD | all]", "list commands, or explain one",
	  "Example: help wait\n", cmd_help, help_completion, 0, "getting help" },
	{ "complete", "complete [LINE]", "what Tab offers at the end of LINE, one word a line",
	  "The console's completion, for scripts and for checking: commands first, then\n"
	  "what each command takes (sub-commands, kinds, app names, event names).\n"
	  "Example: complete fault standby\n", cmd_complete_line, help_completion, CMD_WHOLE_LINE, NULL },
	{ "boot", "boot [active=MB] [standby=MB]", "start the active and standby OS; wait until both are ready",
	  "The VMM takes one unit for itself, gives the active OS --active-mb (enough\n"
	  "for its apps) and the standby --standby-mb (not enough: claim 1), maps each\n"
	  "as memslots and starts both guests. Events: vmm.alloc, os.ready.\n"
	  "active= and standby= override the sizes for this boot.\n"
	  "Example: boot; boot active=32 standby=4\n", cmd_boot, boot_completion, 0, "the pair" },
	{ "status", "status", "each VM's role, state, storage, heartbeat, boot time",
	  "Example: boot; status\n", cmd_status, NULL, 0, NULL },
	{ "table", "table [raw] | table set ROW hot=yes|no|takeover=vm0|vm1|-",
	  "the resource management table (claim 3)",
	  "One row per holder of storage (the VMM, each OS, each app) with its units,\n"
	  "size, use amount, controlling and takeover OS; then the unused units and\n"
	  "the total, which is always the pool size.\n"
	  "table raw   the table's bytes where they lie in main storage, the VMM's own\n"
	  "    unit (mapped in no VM), as a hex dump with offsets from the unit's\n"
	  "    start, then the header and each row decoded from those bytes.\n"
	  "table set ROW hot=yes|no|takeover=vm0|vm1|-   test mode: change an app's\n"
	  "    hot flag, or the OS that takes an app or an OS's own storage over, in\n"
	  "    the table's storage and nowhere else; the next takeover follows it.\n"
	  "Example: table set db hot=no; fault app db crash; wait vmm.no_takeover\n",
	  cmd_table, table_completion, 0, NULL },
	{ "map", "map", "one character per storage unit, showing its owner",
	  "# the VMM, 0 and 1 the OS of vm0 and vm1, A-Z apps, . unused.\n", cmd_map, NULL, 0, NULL },
	{ "trace", "trace [N] | trace save FILE | trace save --svg|--pdf|--png FILE [--fo N] [--to-scale]",
	  "the last N events, or save them as JSONL or as a chart",
	  "trace save FILE   every event so far as JSON lines ('vmfo check FILE' judges it)\n"
	  "trace save --svg|--pdf|--png FILE [--fo N] [--to-scale]   the failovers so far\n"
	  "    as a message sequence chart: a lifeline for the VMM, each OS and each app,\n"
	  "    an arrow per event, the claims it shows beside it ('vmfo trace FILE.jsonl'\n"
	  "    draws a saved trace alike). --fo N: only takeover fo=N; --to-scale: rows\n"
	  "    spaced by time instead of one per event.\n"
	  "trace save --handout FILE.pdf   one A4 page: the charts and where each claim shows\n"
	  "Examples: trace 50; trace save /tmp/run.jsonl; trace save --svg fo.svg --fo 1\n",
	  cmd_trace, trace_completion, 0, NULL },
	{ "wait", "wait EVENT [MS]", "block until EVENT happened since the last state change",
	  "Waits at most MS milliseconds (default 5000) for EVENT to be recorded after the\n"
	  "last boot, app, fault, reprotect or reset; prints it (at a terminal, where it\n"
	  "was printed as it came, names it), or fails on timeout.\n"
	  "Example: fault os wild; wait vmm.blocked 2000\n", cmd_wait, wait_completion, 0, NULL },
	{ "log", "log [active|standby|vm0|vm1]", "the guests' console lines",
	  "Example: log standby\n", cmd_log, log_completion, 0, NULL },
	{ "app", "app start|grow|list ...", "start, grow or list apps",
	  "app start NAME [MB] [prog=ledger|kv|hog] [ITEM=N] [hot]\n"
	  "    the active OS computes what the app needs (claim 5) from its program's\n"
	  "    needs header: fixed bytes + bytes per item x N items, in whole units.\n"
	  "    The item is the program's: records= (ledger), keys= (kv), mib= (hog);\n"
	  "    without a count, the program's default. MB instead of ITEM=N is the\n"
	  "    shorthand: that many MB. From its own free storage the OS reports the\n"
	  "    app's units (os.report, with need_mb= and how=); short of it, it asks\n"
	  "    the VMM (os.request) for the shortfall (vmm.grant). hot: a hot-standby\n"
	  "    job, taken over by the standby when it fails.\n"
	  "app grow NAME MB|ITEM=N   give a running app MB more storage, or as much\n"
	  "    more as N items need in all (keys= for kv, mib= for hog), the same way\n"
	  "app list             each app's program, VM, state, size, hot flag, seq\n"
	  "Example: app start db prog=ledger records=100000 hot; app start cache 4 prog=kv\n",
	  cmd_app, app_completion, 0, "apps and faults" },
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
	  "Example: fault app db crash; wait failover.done\n", cmd_fault, fault_completion, 0, NULL },
	{ "hostile", "hostile CASE", "test mode: the active OS misuses the hypercall interface",
	  "Each case must be refused (vmm.reject vm=... reason=...) with nothing changed;\n"
	  "'hostile' alone, or Tab, lists the cases. A flood (over 100 refusals a second)\n"
	  "stops the OS as failed (vmm.os_fault cause=hostile).\n"
	  "Example: hostile claim; invariants\n", cmd_hostile, hostile_completion, 0, NULL },
	{ "reprotect", "reprotect", "reboot the failed VM as the new standby",
	  "After an OS failover, the failed VM comes back with insufficient storage as\n"
	  "the new standby, so that the next failure can be taken over too. Storage\n"
	  "the failed VM still held goes back to the pool first (vmm.reclaim). With\n"
	  "both OSes down it comes back as the new active OS, and parked apps\n"
	  "continue there. Parked apps are taken over as soon as an OS is ready.\n"
	  "Example: fault os panic; wait failover.done; reprotect\n", cmd_reprotect, NULL, 0, NULL },
	{ "serve", "serve [APP SOCKET | off APP]", "serve an app to clients on a Unix socket",
	  "serve APP SOCKET   open APP's I/O channel (row APP.io of the table, attached\n"
	  "    to the OS that controls APP: io.open) and listen on SOCKET for clients of\n"
	  "    the line protocol (docs/protocol.md): append TX, read SEQ (ledger); put\n"
	  "    KEY VALUE, get KEY (kv). In a failover the channel moves with the app's\n"
	  "    storage (vmm.io_detach, vmm.io_attach). serve off APP closes it.\n"
	  "serve              list what is served\n"
	  "Example: serve db /tmp/db.sock; client start /tmp/db.sock\n", cmd_serve,
	  serve_completion, CMD_NO_SCRIPT, NULL },
	{ "client", "client [start SOCKET [OPTION=N]... | stop]", "run clients against a served app",
	  "client start SOCKET [clients=4] [keys=16] [ms=0] [timeout=15000] [history=FILE]\n"
	  "    connect that many clients to a socket 'serve' listens on; each sends\n"
	  "    requests, one at a time, until 'client stop' (or for ms): appends to a\n"
	  "    ledger; puts and gets on a few shared keys of a kv store. An unavailable\n"
	  "    request is sent again. The history (JSON lines) records every request.\n"
	  "client stop        end the load, read back every acknowledged write, write\n"
	  "    the history and print what the clients saw\n"
	  "client             say whether clients run\n"
	  "Example: client start /tmp/db.sock history=h.jsonl; fault os panic;\n"
	  "         wait failover.done; client stop; check --history h.jsonl\n", cmd_client,
	  client_completion, CMD_NO_SCRIPT, NULL },
	{ "run", "run FILE.lua", "run a Lua scenario on the current pair",
	  "The scenario uses the vmfo Lua API (docs/scenarios.md); failed checks and\n"
	  "errors are listed with file:line. 'vmfo run FILE...' runs each on a fresh pair.\n"
	  "Example: run scenarios/claim6.lua\n", cmd_run, file_completion, CMD_NO_SCRIPT, "scripts and screens" },
	{ "lua", "lua CODE", "run one line of Lua; an expression's value is printed",
	  "The same sandboxed Lua as scenarios, kept between 'lua' lines.\n"
	  "Example: lua vmfo.owner(\"db\")\n", cmd_lua, NULL, CMD_WHOLE_LINE | CMD_NO_SCRIPT, NULL },
	{ "view", "view", "the live screen: storage owners, VMs, table, events, claims",
	  "Redraws ten times a second; q returns to the console, ? lists the keys\n"
	  "(1 panic the active OS, 2 crash the selected app, space next step, ...).\n", cmd_view,
	  NULL, CMD_NO_SCRIPT, NULL },
	{ "source", "source FILE", "run console commands from a file, stopping at the first error",
	  "Blank lines and # comments are skipped; the first failing line stops it and\n"
	  "is named as FILE:LINE, and so does Ctrl-C. Example: source demo.vmfo\n", cmd_source,
	  file_completion, CMD_NO_SCRIPT, NULL },
	{ "time", "time CMD", "run a command and say how long it took",
	  "Example: time app start db 8 hot\n", cmd_time, help_completion, 0, NULL },
	{ "pace", "pace MS", "slow each failover step by MS milliseconds (0: full speed)",
	  "For the classroom: the events of a failover appear one by one.\n"
	  "Example: pace 800; fault os panic\n", cmd_pace, NULL, 0, "watching a failover" },
	{ "step", "step [on|off]", "pause a failover before each step; 'step' (or Enter) goes on",
	  "With step on, a failover stops before each step and the console shows what\n"
	  "comes next; press Enter at the prompt (or type 'step') to carry it out.\n"
	  "Example: step on; fault app db crash\n", cmd_step, on_off_completion, 0, NULL },
	{ "explain", "explain on|off", "follow each event line with what it means",
	  "Example: explain on; fault app db crash\n", cmd_explain, on_off_completion, 0, NULL },
	{ "events", "events on|off", "print events as they happen (on by default at a terminal)",
	  "Example: events off\n", cmd_events, on_off_completion, 0, NULL },
	{ "sleep", "sleep MS", "pause this session; the guests and the monitor keep running",
	  "Example: boot; sleep 500; status\n", cmd_sleep, NULL, 0, NULL },
	{ "check", "check [all | claim N | --history FILE]", "decide claims 1-9 from the trace so far",
	  "One line per claim: 'claim N: PASS', 'claim N: FAIL <the missing or\n"
	  "out-of-order step>', or 'claim N: NOT SHOWN (<what has not happened yet>)'.\n"
	  "Fails (an error line, exit status 1 in -c mode) if any claim FAILs.\n"
	  "'vmfo check FILE' judges a trace saved with --trace or 'trace save' alike.\n"
	  "check --history FILE judges what clients saw ('client start ... history=FILE'):\n"
	  "no acknowledged write lost, none answered twice; with the blackout.\n"
	  "Example: fault app db crash; wait failover.done; check claim 6\n", cmd_check, check_completion, 0, "verdicts, ending" },
	{ "invariants", "invariants", "check that every unit has one owner and slots match the table",
	  "Example: boot; invariants\n", cmd_invariants, NULL, 0, NULL },
	{ "reset", "reset", "stop both guests and return all storage to the pool",
	  "Clears the trace too. Example: reset; boot\n", cmd_reset, NULL, 0, NULL },
	{ "quit", "quit", "leave vmfo (Ctrl-D does the same)", "", cmd_quit, NULL, CMD_NO_SCRIPT, NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL },
};

const struct command *find_command(const char *name)
{
	for (const struct command *cmd = commands; cmd->name; cmd++)
		if (strcmp(cmd->name, name) == 0)
			return cmd;
	if (strcmp(name, "exit") == 0)
		return find_command("quit");
	return NULL;
}

/* Scripts are sandboxed: no command that reads or writes
 * files, takes the terminal, or runs Lua inside Lua. Refuses with one
 * error line and returns true. */
static bool sandboxed(struct cmd_ctx *c, int argc, char **argv)
{
	const struct command *cmd = find_command(argv[0]);
	/* Two words that touch files, in commands that otherwise do not. */
	const char *file_word = !strcmp(argv[0], "trace")   ? "save"
				: !strcmp(argv[0], "check") ? "--history"
							    : NULL;
	bool file = file_word && argc > 1 && !strcmp(argv[1], file_word);
	bool hit = file || (cmd && (cmd->flags & CMD_NO_SCRIPT));
	if (!c->in_script || !hit)
		return false;
	cmd_fail(c, "'%s%s%s' is not available from a script (sandbox)", argv[0], file ? " " : "",
		 file ? file_word : "");
	return true;
}

/* A --trace file that has just failed to be written: say so once, where
 * the user is looking, not only at exit. Scripts leave it to main(). */
static void tell_trace_error(struct cmd_ctx *c)
{
	struct err e;
	if (!c->in_script && trace_file_error_news(vmfo_trace(c->m), &e)) {
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
		return cmd_fail(c, "line too long (at most %zu characters)", sizeof buf - 1);
	strlcpy0(buf, line, sizeof buf);
	/* Some commands take the rest of the line as it is (Lua code). */
	char *p = buf + strspn(buf, " \t");
	size_t name_len = strcspn(p, " \t\r\n");
	for (const struct command *cmd = commands; cmd->name; cmd++) {
		if (!(cmd->flags & CMD_WHOLE_LINE) || strlen(cmd->name) != name_len ||
		    strncmp(p, cmd->name, name_len) != 0 || (p[name_len] != ' ' && p[name_len] != '\t'))
			continue;
		char *rest = p + name_len + 1 + strspn(p + name_len + 1, " \t");
		rest[strcspn(rest, "\r\n")] = '\0';
		char *whole_argv[] = { p, rest, NULL };
		p[name_len] = '\0';
		if (sandboxed(c, 1, whole_argv))
			return -1;
		return cmd->fn(c, *rest ? 2 : 1, whole_argv);
	}
	for (char *tok = strtok(buf, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
		if (tok[0] == '#')
			break;
		if (argc == MAX_ARGS)
			return cmd_fail(c, "too many words (at most %d)", MAX_ARGS);
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	if (argc == 0)
		return 0;
	const struct command *cmd = find_command(argv[0]);
	if (!cmd)
		return cmd_fail(c, "unknown command '%s' (try 'help')", argv[0]);
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
			failed += cmd_fail(c, "command too long") != 0;
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
				skipped += cmd_has_command(p, n);
				p += n;
			}
			if (skipped)
				failed += cmd_interrupted(c, "", skipped) != 0;
			break;
		}
	}
	return failed;
}
