/* cmd_session.c — the commands that run the session itself rather than
 * act on the pair: help, source, time, sleep, explain, events, Lua (run,
 * lua), the view and quit. */
#include "cmd_verbs.h"

#include "script.h"
#include "view.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int cmd_sleep(struct cmd_ctx *c, int argc, char **argv)
{
	uint64_t ms;
	if (argc != 2 || parse_u64(argv[1], 0, 600000, &ms))
		return cmd_usage(c, "sleep");
	if (sleep_interruptible(ms, c->live ? cmd_print_new_tick : NULL, c))
		return cmd_fail(c, "interrupted");
	return 0;
}

/* ---- classroom ---- */

static int on_off(struct cmd_ctx *c, int argc, char **argv, bool *out)
{
	if (argc != 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0))
		return cmd_usage(c, argv[0]);
	*out = strcmp(argv[1], "on") == 0;
	return 0;
}

int cmd_explain(struct cmd_ctx *c, int argc, char **argv)
{
	return on_off(c, argc, argv, &c->explain);
}

int cmd_events(struct cmd_ctx *c, int argc, char **argv)
{
	bool was = c->live;
	if (on_off(c, argc, argv, &c->live))
		return -1;
	if (c->live && !was)
		c->printed = trace_count(vmfo_trace(c->m)); /* from now on */
	return 0;
}

#define SOURCE_DEPTH 8

int cmd_source(struct cmd_ctx *c, int argc, char **argv)
{
	if (argc != 2)
		return cmd_usage(c, "source");
	if (c->depth >= SOURCE_DEPTH)
		return cmd_fail(c, "source nested more than %d deep", SOURCE_DEPTH);
	FILE *f = fopen(argv[1], "r");
	if (!f)
		return cmd_fail(c, "cannot read '%s': %s", argv[1], strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	c->depth++;
	for (int n = 1; !c->quit && getline(&line, &cap, f) >= 0; n++) {
		bool failed = cmd_exec(c, line) != 0;
		if (interrupt_pending()) {
			int skipped = 0;
			while (getline(&line, &cap, f) >= 0)
				skipped += cmd_has_command(line, strlen(line));
			char where[320];
			snprintf(where, sizeof where, "%s:%d: ", argv[1], n);
			if (failed || skipped)
				rc = cmd_interrupted(c, where, skipped);
			break;
		}
		if (failed) {
			rc = cmd_fail(c, "%s:%d: stopped at the first error", argv[1], n);
			break;
		}
	}
	c->depth--;
	free(line);
	fclose(f);
	return rc;
}

int cmd_time(struct cmd_ctx *c, int argc, char **argv)
{
	char line[1024] = "";
	if (argc < 2)
		return cmd_usage(c, "time");
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

int cmd_view(struct cmd_ctx *c, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return cmd_usage(c, "view");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cmd_fail(c, "'view' needs a terminal");
	int rc = view_run(c->m, c->color, c->err);
	c->printed = trace_count(vmfo_trace(c->m)); /* what the view showed is not repeated */
	return rc;
}

/* ---- Lua ---- */

static struct script *console_lua(struct cmd_ctx *c)
{
	if (!c->lua)
		c->lua = script_new(c->m, c->out, c->err, cmd_capture);
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

int cmd_run(struct cmd_ctx *c, int argc, char **argv)
{
	if (argc != 2)
		return cmd_usage(c, "run");
	struct script *s = console_lua(c);
	if (!s)
		return cmd_fail(c, "out of memory starting Lua");
	enum script_result r = script_run_file(s, argv[1]);
	console_lua_check_memory(c, r);
	/* At the prompt, the events the scenario made come before its
	 * verdict: a verdict on events not yet shown reads backwards. */
	if (c->live)
		cmd_print_new(c);
	if (r == SCRIPT_PASS) {
		fprintf(c->out, "ok - %s\n", argv[1]);
		return 0;
	}
	/* A script error was printed where it happened, with its file:line:
	 * one error line, not a second saying the same. */
	if (r == SCRIPT_ERROR)
		return -1;
	return cmd_fail(c, "%s: a check failed", argv[1]);
}

/* 'lua CODE': the rest of the line is Lua (cmd_exec passes it whole). */
int cmd_lua(struct cmd_ctx *c, int argc, char **argv)
{
	if (argc != 2)
		return cmd_usage(c, "lua");
	struct script *s = console_lua(c);
	if (!s)
		return cmd_fail(c, "out of memory starting Lua");
	enum script_result r = script_run_string(s, argv[1]);
	console_lua_check_memory(c, r);
	/* A Lua error has been printed, with its "error:" line, already. */
	return r == SCRIPT_PASS ? 0 : r == SCRIPT_CHECK_FAILED ? cmd_fail(c, "a check failed") : -1;
}

/* ---- help, quit ---- */

/* 'help': the commands by group, a line a group, so that the list fits an
 * 80x24 terminal with room to spare. */
static void help_by_group(struct cmd_ctx *c)
{
	for (const struct command *cmd = commands; cmd->name; cmd++) {
		if (cmd->group)
			fprintf(c->out, "%s  %-21s", cmd == commands ? "" : "\n", cmd->group);
		fprintf(c->out, " %s", cmd->name);
	}
	fprintf(c->out, "\nType 'help CMD' for one command, 'help all' for a line on each.\n");
}

int cmd_help(struct cmd_ctx *c, int argc, char **argv)
{
	if (argc > 2)
		return cmd_usage(c, "help");
	if (argc == 1) {
		help_by_group(c);
		return 0;
	}
	if (strcmp(argv[1], "all") != 0) {
		const struct command *cmd = find_command(argv[1]);
		if (!cmd)
			return cmd_fail(c, "no command '%s' (try 'help')", argv[1]);
		fprintf(c->out, "usage: %s\n%s\n%s", cmd->usage, cmd->summary, cmd->help);
		return 0;
	}
	for (const struct command *cmd = commands; cmd->name; cmd++)
		fprintf(c->out, "  %-11s %s\n", cmd->name, cmd->summary);
	fprintf(c->out, "Type 'help CMD' for more on one command.\n");
	return 0;
}

int cmd_quit(struct cmd_ctx *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	c->quit = true;
	return 0;
}
