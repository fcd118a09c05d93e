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

#include "fit.h"

#define HISTORY_MAX 1000
#define PROMPT "vmfo> "
#define IDLE_MS 100 /* how often new events are looked for while idle */
#define WRAP_LINE 4096  /* a longer line goes out as it is */
#define WRAP_LINES_MAX 48

static struct cmd_ctx *console; /* readline's callbacks take no argument */

/* ---- lines broken between words at the terminal's edge ---- */

/* A terminal wraps a line longer than its width wherever its last column
 * falls, mid-word. At a terminal the console's output goes through this
 * stream instead: a longer line is broken at the last space before the
 * edge, and goes on under its own indentation, further in (fit.h).
 * Event lines come already broken between their fields (cmd_trace.c). */
struct wrap {
	FILE *to;
	size_t len;
	char line[WRAP_LINE];
	char lines[WRAP_LINES_MAX][FIT_LINE];
};

static void wrap_emit(struct wrap *w, const char *end)
{
	w->line[w->len] = '\0';
	int width = fit_terminal_columns(w->to) - 1; /* the last column stays free */
	if (width < 20 || fit_columns(w->line) <= width || w->len >= FIT_LINE) {
		fprintf(w->to, "%s%s", w->line, end);
	} else {
		/* Under the text of an explanation ("  -> ..."), else two in. */
		int lead = (int)strspn(w->line, " ");
		int indent = lead + (strncmp(w->line + lead, "-> ", 3) == 0 ? 3 : 2);
		int n = fit_wrap(w->line, width, indent < width / 2 ? indent : width / 2, WRAP_LINES_MAX,
				 "...", w->lines);
		for (int i = 0; i < n; i++)
			fprintf(w->to, "%s%s", w->lines[i], i + 1 < n ? "\n" : end);
	}
	w->len = 0;
}

static ssize_t wrap_write(void *cookie, const char *buf, size_t size)
{
	struct wrap *w = cookie;
	for (size_t i = 0; i < size; i++) {
		if (buf[i] == '\n') {
			wrap_emit(w, "\n");
			continue;
		}
		if (w->len + 1 == sizeof w->line)
			wrap_emit(w, "");
		w->line[w->len++] = buf[i];
	}
	/* The stream is line buffered: a part line here was flushed on
	 * purpose, and must show now. */
	if (w->len)
		wrap_emit(w, "");
	fflush(w->to);
	return (ssize_t)size;
}

static int wrap_close(void *cookie)
{
	free(cookie);
	return 0;
}

/* A stream onto to that breaks long lines between words; to itself when
 * it is no terminal, or when the stream cannot be made. */
static FILE *wrap_open(FILE *to)
{
	struct wrap *w = calloc(1, sizeof *w);
	FILE *f = w && isatty(fileno(to)) ? fopencookie(w, "w", (cookie_io_functions_t){
		.write = wrap_write, .close = wrap_close }) : NULL;
	if (!f) {
		free(w);
		return to;
	}
	w->to = to;
	setvbuf(f, NULL, _IOLBF, WRAP_LINE);
	return f;
}

static void wrap_close_stream(FILE *f, FILE *to)
{
	if (f != to)
		fclose(f);
}

/* c's output and errors through wrap streams, at a terminal; and back. */
static void wrap_outputs(struct cmd_ctx *c)
{
	c->terminal = c->out;
	c->out = wrap_open(c->out);
	c->err = wrap_open(c->err);
}

static void unwrap_outputs(struct cmd_ctx *c, FILE *out, FILE *err)
{
	wrap_close_stream(c->out, out);
	wrap_close_stream(c->err, err);
	c->out = out;
	c->err = err;
	c->terminal = NULL;
}

int console_run_list(struct cmd_ctx *c, const char *commands)
{
	FILE *out = c->out, *err = c->err;
	wrap_outputs(c);
	int failed = cmd_exec_list(c, commands);
	unwrap_outputs(c, out, err);
	return failed;
}

/* ---- completion: cmd_complete, from the command table ---- */

#define CANDIDATES_MAX 256
static char *candidates[CANDIDATES_MAX];
static int ncandidates;

static void collect(const char *word, void *arg)
{
	(void)arg;
	if (ncandidates < CANDIDATES_MAX)
		candidates[ncandidates++] = strdup(word);
}

/* Hands readline the candidates collected for this completion, one by one
 * (readline frees each). */
static char *generator(const char *text, int state)
{
	static int idx;
	(void)text; /* cmd_complete has matched them against it already */
	if (!state)
		idx = 0;
	while (idx < ncandidates) {
		char *word = candidates[idx];
		candidates[idx++] = NULL;
		if (word)
			return word;
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)start;
	char *line = strndup(rl_line_buffer, (size_t)end);
	for (int i = 0; i < ncandidates; i++)
		free(candidates[i]);
	ncandidates = 0;
	int n = line ? cmd_complete(console->m, line, collect, NULL) : 0;
	free(line);
	if (n < 0)
		return NULL; /* file names: readline's own */
	rl_attempted_completion_over = 1;
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
		/* A Ctrl-C that ended the command is spent: the prompt that
		 * follows must not take it for one of its own. */
		interrupt_clear();
		cmd_print_new(console);
	}
	free(line);
}

static int run_interactive(struct cmd_ctx *c)
{
	char path[4096];
	const char *hist = history_path(path, sizeof path);

	FILE *out = c->out, *err = c->err;
	wrap_outputs(c);
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
	unwrap_outputs(c, out, err);
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
