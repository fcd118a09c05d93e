/* cmd.h — the command language of the console, vmfo -c and batch input:
 * one table of commands, each parsed into a call of the typed API
 * (vmfo.h) and its result printed. The table is the one source of the
 * command names: help, Tab completion and the man page's list follow it. */
#ifndef VMFO_CMD_H
#define VMFO_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "vmfo.h"

struct script;

struct cmd_ctx {
	struct vmfo *m;
	FILE *out;          /* results */
	FILE *err;          /* "error: ..." lines */
	FILE *terminal;     /* the terminal out goes to when out breaks its
			     * lines itself (console.c); NULL: out's own */
	bool quit;          /* set by 'quit' */
	bool in_script;     /* called from Lua: no 'run' or 'lua' inside */
	struct script *lua; /* the console's Lua state, made on first use */
	bool color;         /* ANSI colours on out */
	bool live;          /* print events as they happen (interactive console) */
	bool explain;       /* follow each event line with what it means */
	size_t printed;     /* live: trace events printed so far */
	char announced[160];/* live: the paused step last announced */
	int depth;          /* 'source' nesting */
	int failed_lines;   /* interactive: lines whose command failed */
};

/* What Tab completes in one word of a command line. */
enum word_kind { WORD_LIST, WORD_APP, WORD_EVENT, WORD_FILE, WORD_COMMAND };
struct completion {
	int argn;            /* the word: 1 is the first after the command;
			      * -N: word N and every one after it */
	const char *after;   /* only when word 1 is this (NULL: any) */
	enum word_kind kind;
	const char *const *words;               /* WORD_LIST: fixed words */
	const char *const *(*words_of)(void);   /* WORD_LIST: from the core */
};

struct command {
	const char *name;
	const char *usage;
	const char *summary;
	const char *help;    /* longer text with examples, for 'help CMD' */
	int (*fn)(struct cmd_ctx *c, int argc, char **argv);
	const struct completion *complete; /* ends with argn 0; NULL: none */
	unsigned flags;      /* CMD_* */
	const char *group;   /* set on the first command of each group 'help'
			      * lists; the ones after it belong to it */
};
#define CMD_WHOLE_LINE 1u    /* takes the rest of the line as one word */
#define CMD_NO_SCRIPT 2u     /* refused in Lua (vmfo.cmd) and the view's sandbox:
			      * it touches files or the terminal, or runs Lua */

/* Run one command line. Blank lines and '#' comments do nothing. Returns 0,
 * or -1 after printing one "error: ..." line; nothing changed on error. */
int cmd_exec(struct cmd_ctx *c, const char *line);
/* Run "cmd; cmd; ..." (as for vmfo -c); every command runs even after one
 * fails, unless it was 'quit'. After Ctrl-C (or SIGTERM, SIGHUP) the rest
 * is not run: one error line says how many commands were left out, and
 * that counts as a failure. Returns the number that failed. */
int cmd_exec_list(struct cmd_ctx *c, const char *list);

/* Run one command as a script does (in_script: nothing that touches files
 * or the terminal), capturing what it prints. *out and *err are malloc'd
 * (free them); either may be empty. Returns cmd_exec's. Lua's vmfo.cmd. */
int cmd_capture(struct vmfo *m, const char *line, char **out, char **err);

/* The session ends: clients still running finish (their summary printed,
 * their history written) and servers stop, before the monitor closes.
 * -1 after an error line when a history could not be written. */
int cmd_end(struct cmd_ctx *c);

/* Live output: print events recorded since the last call, and announce a
 * failover step waiting in step mode. Returns whether it printed. */
bool cmd_print_new(struct cmd_ctx *c);

/* Judge claims 1-9 (only claim `only` when it is not 0) from ev[0..n) and
 * print one verdict line each, as 'check' does for the live trace and
 * 'vmfo check FILE' for a saved one. Uses only c->out and c->err. 0 when
 * no claim FAILed (NOT SHOWN is no error), else -1 after one error line
 * "error: N claims failed". */
int cmd_check_events(struct cmd_ctx *c, const struct event *ev, size_t n, int only);

/* The table, NULL-terminated, for help and completion. */
extern const struct command commands[];
const struct command *find_command(const char *name);
/* What Tab offers at the end of line (what is typed before the cursor):
 * emit(word, arg) for each candidate that starts with the word being typed.
 * Returns how many, or -1 where the word is a file name (readline's own). */
int cmd_complete(struct vmfo *m, const char *line, void (*emit)(const char *word, void *arg),
		 void *arg);

#endif
