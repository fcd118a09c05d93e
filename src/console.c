/* console.c — interactive and batch front end over the command layer. */
#include "config.h"
#include "console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#define HISTORY_MAX 1000

static char *command_generator(const char *text, int state)
{
	static int idx;
	static size_t len;
	if (!state) {
		idx = 0;
		len = strlen(text);
	}
	while (commands[idx].name) {
		const char *name = commands[idx++].name;
		if (strncmp(name, text, len) == 0)
			return strdup(name);
	}
	return NULL;
}

/* Complete the first word from the command table; later words as files. */
static char **complete(const char *text, int start, int end)
{
	(void)end;
	if (start == 0) {
		rl_attempted_completion_over = 1;
		return rl_completion_matches(text, command_generator);
	}
	return NULL;
}

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

static int run_interactive(struct cmd_ctx *c)
{
	char path[4096];
	const char *hist = history_path(path, sizeof path);
	int failed = 0;

	rl_readline_name = "vmfo";
	rl_attempted_completion_function = complete;
	using_history();
	stifle_history(HISTORY_MAX);
	if (hist)
		read_history(hist); /* a missing file is a first run, not an error */
	fprintf(c->out, "vmfo %s — type 'help' for commands, 'boot' to start the guests.\n",
		PACKAGE_VERSION);
	while (!c->quit) {
		char *line = readline("vmfo> ");
		if (!line) {
			fputc('\n', c->out);
			break;
		}
		if (*line)
			add_history(line);
		interrupt_clear();
		failed += cmd_exec(c, line) != 0;
		free(line);
	}
	if (hist && write_history(hist) != 0)
		fprintf(c->err, "warning: could not save history to %s\n", hist);
	return failed;
}

static int run_batch(struct cmd_ctx *c)
{
	char *line = NULL;
	size_t cap = 0;
	int failed = 0;
	while (!c->quit && !interrupt_pending() && getline(&line, &cap, stdin) >= 0)
		failed += cmd_exec(c, line) != 0;
	free(line);
	return failed;
}

int console_run(struct cmd_ctx *c)
{
	return isatty(STDIN_FILENO) ? run_interactive(c) : run_batch(c);
}
