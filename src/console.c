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

/* ---- completion: from the command table (cmd.h) ---- */

static const struct completion *completing;
static char app_names[MAX_APPS][APP_NAME_MAX]; /* read when completion starts */

/* The i-th candidate of the completion in force, or NULL past the end. */
static const char *candidate(int i)
{
	if (!completing)
		return commands[i].name;
	switch (completing->kind) {
	case WORD_LIST: {
		const char *const *w = completing->words ? completing->words : completing->words_of();
		for (int k = 0; k < i; k++)
			if (!w[k])
				return NULL;
		return w[i];
	}
	case WORD_APP:
		return i < MAX_APPS ? app_names[i] : NULL;
	case WORD_EVENT:
		return event_name_at((size_t)i);
	case WORD_COMMAND:
		return commands[i].name;
	case WORD_FILE:
		break;
	}
	return NULL;
}

static char *generator(const char *text, int state)
{
	static int idx;
	size_t len = strlen(text);
	if (!state)
		idx = 0;
	for (const char *name; (name = candidate(idx)) != NULL;) {
		idx++;
		if (*name && !strncmp(name, text, len))
			return strdup(name);
	}
	return NULL;
}

/* The apps there are now, from a snapshot: apps come and go. */
static void read_app_names(void)
{
	struct vmfo_snapshot *s = malloc(sizeof *s);
	memset(app_names, 0, sizeof app_names);
	if (!s)
		return;
	vmfo_snapshot(console->m, s);
	for (int i = 0, n = 0; i < MAX_APPS; i++)
		if (s->app[i].state != A_FREE)
			strlcpy0(app_names[n++], s->app[i].name, APP_NAME_MAX);
	free(s);
}

/* The command word first; then what the command's table entry says the
 * word being typed is; file names where it says files. */
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
	completing = argn ? cmd_completion(words[0], argn, argn > 1 ? words[1] : NULL) : NULL;
	if (completing && completing->kind == WORD_FILE)
		return NULL; /* readline's own: file names */
	rl_attempted_completion_over = 1;
	if (argn && !completing)
		return NULL; /* nothing to offer, not even file names */
	if (completing && completing->kind == WORD_APP)
		read_app_names();
	return rl_completion_matches(text, generator);
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
	vmfo_step_waiting(console->m, next, sizeof next);
	bool trace_failed = trace_file_error_news(vmfo_trace(console->m), &e);
	bool news = trace_failed || trace_get(vmfo_trace(console->m), console->printed, &ev) ||
		    console->printed > trace_count(vmfo_trace(console->m)) ||
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

static void on_line(char *line)
{
	if (!line) { /* Ctrl-D */
		fputc('\n', console->out);
		console->quit = true;
		return;
	}
	char next[160];
	vmfo_step_waiting(console->m, next, sizeof next);
	struct err e;
	if (!line[strspn(line, " \t")] && next[0]) {
		vmfo_step(console->m, &e); /* Enter carries out the next step */
	} else {
		if (*line)
			add_history(line);
		interrupt_clear();
		console->failed_lines += cmd_exec(console, line) != 0;
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
	c->printed = trace_count(vmfo_trace(c->m));
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
	return c->failed_lines;
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
