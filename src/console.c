/* console.c — the vmfo> prompt and batch input over the command layer.
 * At a terminal: readline's callback interface inside a poll loop, so that
 * events can be printed above the line being typed without breaking it. */
#include "config.h"
#include "console.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#define HISTORY_MAX 1000
#define PROMPT "vmfo> "
#define IDLE_MS 100 /* how often new events are looked for while idle */

static struct cmd_ctx *console; /* readline's callbacks take no argument */

/* ---- completion ---- */

/* What may follow a command word, as a NULL-terminated list. */
static const char *const *words_after(const char *cmd, int argn, const char *prev)
{
	static const char *const app_sub[] = { "start", "grow", "list", NULL };
	static const char *const fault_sub[] = { "os", "app", NULL };
	static const char *const os_kinds[] = { "panic", "hang", "triple", "wild", NULL };
	static const char *const app_kinds[] = { "crash", "hang", "error", NULL };
	static const char *const check_sub[] = { "all", "claim", NULL };
	static const char *const log_sub[] = { "active", "standby", "vm0", "vm1", NULL };
	static const char *const onoff[] = { "on", "off", NULL };
	static const char *const trace_sub[] = { "save", NULL };
	static const char *const start_opts[] = { "hot", "prog=ledger", "prog=kv", "prog=hog", NULL };

	if (argn == 1) {
		if (!strcmp(cmd, "app")) return app_sub;
		if (!strcmp(cmd, "fault")) return fault_sub;
		if (!strcmp(cmd, "check")) return check_sub;
		if (!strcmp(cmd, "log")) return log_sub;
		if (!strcmp(cmd, "trace")) return trace_sub;
		if (!strcmp(cmd, "step") || !strcmp(cmd, "explain") || !strcmp(cmd, "events"))
			return onoff;
	}
	if (!strcmp(cmd, "fault") && argn == 2 && !strcmp(prev, "os"))
		return os_kinds;
	if (!strcmp(cmd, "fault") && argn == 3)
		return app_kinds;
	if (!strcmp(cmd, "app") && argn >= 4)
		return start_opts;
	return NULL;
}

static const char *const *candidates;
static bool complete_apps, complete_events;

static char *generator(const char *text, int state)
{
	static int idx;
	size_t len = strlen(text);
	if (!state)
		idx = 0;
	if (candidates) {
		while (candidates[idx])
			if (!strncmp(candidates[idx++], text, len))
				return strdup(candidates[idx - 1]);
		return NULL;
	}
	if (complete_events) {
		for (const char *name; (name = event_name_at((size_t)idx)) != NULL;) {
			idx++;
			if (!strncmp(name, text, len))
				return strdup(name);
		}
		return NULL;
	}
	if (complete_apps) {
		/* App names, read under the lock: apps come and go. */
		char *match = NULL;
		pthread_mutex_lock(&console->m->lock);
		while (!match && idx < MAX_APPS) {
			const struct app *a = &console->m->app[idx++];
			if (a->state != A_FREE && !strncmp(a->name, text, len))
				match = strdup(a->name);
		}
		pthread_mutex_unlock(&console->m->lock);
		return match;
	}
	while (commands[idx].name)
		if (!strncmp(commands[idx++].name, text, len))
			return strdup(commands[idx - 1].name);
	return NULL;
}

/* Commands first; then sub-commands, kinds, app names; files for the rest. */
static char **complete(const char *text, int start, int end)
{
	char words[4][32] = { "", "", "", "" };
	int argn = 0;
	(void)end;
	for (const char *p = rl_line_buffer; p < rl_line_buffer + start && argn < 4;) {
		p += strspn(p, " \t");
		size_t n = strcspn(p, " \t");
		if (p + n > rl_line_buffer + start || !n)
			break;
		snprintf(words[argn++], sizeof words[0], "%.*s", (int)n, p);
		p += n;
	}
	candidates = NULL;
	complete_apps = false;
	complete_events = argn == 1 && !strcmp(words[0], "wait");
	if (argn == 0) {
		rl_attempted_completion_over = 1;
		return rl_completion_matches(text, generator);
	}
	candidates = words_after(words[0], argn, argn > 1 ? words[argn - 1] : "");
	complete_apps = !candidates &&
			((!strcmp(words[0], "app") && argn == 2 && strcmp(words[1], "start")) ||
			 (!strcmp(words[0], "fault") && argn == 2 && !strcmp(words[1], "app")) ||
			 (!strcmp(words[0], "grow") && argn == 1));
	if (candidates || complete_apps || complete_events) {
		rl_attempted_completion_over = 1;
		return rl_completion_matches(text, generator);
	}
	/* run, source, trace save: file names (readline's default). */
	return NULL;
}

/* ---- history ---- */

static const char *history_path(char *buf, size_t size)
{
	const char *p = getenv("VMFO_HISTFILE");
	if (p)
		return *p ? p : NULL;
	const char *home = getenv("HOME");
	if (!home || !*home)
		return NULL;
	snprintf(buf, size, "%s/.vmfo_history", home);
	return buf;
}

/* ---- printing above the prompt ---- */

/* Events arrive while someone types: take the prompt and the half-typed
 * line away, print, and put both back as they were. */
static void print_live_if_new(void)
{
	struct event ev;
	struct err e;
	char next[160];
	monitor_step_waiting(console->m, next, sizeof next);
	bool trace_failed = trace_file_error_news(&console->m->trace, &e);
	bool news = trace_failed || trace_get(&console->m->trace, console->printed, &ev) ||
		    console->printed > trace_count(&console->m->trace) ||
		    strcmp(next, console->announced) != 0;
	if (!news)
		return;
	char *saved = rl_copy_text(0, rl_end);
	int point = rl_point;
	rl_set_prompt("");
	rl_replace_line("", 0);
	rl_redisplay();
	cmd_print_new(console);
	if (trace_failed)
		fprintf(console->err, "vmfo: %s\n", e.msg);
	rl_set_prompt(PROMPT);
	rl_replace_line(saved, 0);
	rl_point = point;
	rl_redisplay();
	free(saved);
}

static int failed_lines;

static void on_line(char *line)
{
	if (!line) { /* Ctrl-D */
		fputc('\n', console->out);
		console->quit = true;
		return;
	}
	char next[160];
	monitor_step_waiting(console->m, next, sizeof next);
	if (!line[strspn(line, " \t")] && next[0]) {
		monitor_step_grant(console->m); /* Enter carries out the next step */
	} else {
		if (*line)
			add_history(line);
		interrupt_clear();
		failed_lines += cmd_exec(console, line) != 0;
		cmd_print_new(console);
	}
	free(line);
}

static int run_interactive(struct cmd_ctx *c)
{
	char path[4096];
	const char *hist = history_path(path, sizeof path);

	console = c;
	c->live = true;
	c->printed = trace_count(&c->m->trace);
	rl_readline_name = "vmfo";
	rl_attempted_completion_function = complete;
	/* Ctrl-C is ours: it cancels the line or the command, never vmfo. */
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	using_history();
	stifle_history(HISTORY_MAX);
	if (hist)
		read_history(hist); /* a missing file is a first run, not an error */
	fprintf(c->out, "vmfo %s -- type 'help' for commands, 'boot' to start the guests.\n",
		PACKAGE_VERSION);
	rl_callback_handler_install(PROMPT, on_line);
	while (!c->quit) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		int n = poll(&pfd, 1, IDLE_MS);
		if (terminate_pending()) {
			/* SIGTERM or SIGHUP: give the terminal back as it was
			 * before readline took it, then leave like quit. */
			rl_free_line_state();
			rl_cleanup_after_signal();
			fputc('\n', c->out);
			break;
		}
		if (interrupt_pending()) {
			interrupt_clear();
			rl_replace_line("", 0);
			fputs("^C\n", c->out);
			rl_on_new_line();
			rl_redisplay();
			continue;
		}
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0)
			rl_callback_read_char();
		else
			print_live_if_new();
	}
	rl_callback_handler_remove();
	if (hist && write_history(hist) != 0)
		fprintf(c->err, "warning: could not save history to %s\n", hist);
	return failed_lines;
}

static int run_batch(struct cmd_ctx *c)
{
	char *line = NULL;
	size_t cap = 0;
	int failed = 0;
	while (!c->quit && !interrupt_pending() && getline(&line, &cap, stdin) >= 0)
		failed += cmd_exec(c, line) != 0;
	free(line);
	if (interrupt_pending() && !c->quit) {
		fprintf(c->err, "error: interrupted: the rest of the input was not run\n");
		failed += !failed;
	}
	return failed;
}

int console_run(struct cmd_ctx *c)
{
	return isatty(STDIN_FILENO) ? run_interactive(c) : run_batch(c);
}
