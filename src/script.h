/* script.h — Lua 5.4 scenarios: the `vmfo` library over the typed API, a
 * sandbox, limits, and `vmfo run` with TAP-style results. */
#ifndef VMFO_SCRIPT_H
#define VMFO_SCRIPT_H

#include <stdbool.h>
#include <stdio.h>

#include "vmfo.h"

enum script_result { SCRIPT_PASS = 0, SCRIPT_CHECK_FAILED = 1, SCRIPT_ERROR = 2 };

struct script;

/* How vmfo.cmd runs one console line: its output and its error text go to
 * *out and *err (malloc'd); returns 0 or -1 (the command layer's
 * cmd_capture). */
typedef int (*script_cmd_fn)(struct vmfo *m, const char *line, char **out, char **err);

/* A Lua state with the vmfo library in a sandbox; output goes to out,
 * errors to err. It may allocate at most --lua-mem-mb: past that
 * the script gets Lua's "not enough memory" error. NULL if out of memory. */
struct script *script_new(struct vmfo *m, FILE *out, FILE *err, script_cmd_fn run_cmd);
void script_free(struct script *s);
/* Run a scenario file; failed checks and errors are reported on out, each
 * line starting "#   " (TAP diagnostics). */
enum script_result script_run_file(struct script *s, const char *path);
/* Run a chunk of code (console 'lua CODE'); results printed. */
enum script_result script_run_string(struct script *s, const char *code);
/* After a full collection, whether the state is still within 1 MiB of its
 * memory cap (--lua-mem-mb): its globals hold it, and it can hardly run
 * anything more. */
bool script_memory_full(struct script *s);

/* vmfo run [-v] FILE...: each on a fresh pair; with verbose, each
 * verdict is followed by the events the scenario made. Returns the exit
 * status (0 all passed, 1 a check failed, 2 a script error). */
int script_run_files(struct vmfo *m, char **files, int n, FILE *out, script_cmd_fn run_cmd,
		     bool verbose);

#endif
