/* console.h — the vmfo> prompt (readline) and batch input (no prompt). */
#ifndef VMFO_CONSOLE_H
#define VMFO_CONSOLE_H

#include "cmd.h"

/* Read commands from stdin until quit or end of input: with line editing,
 * history and completion on a terminal, line by line otherwise. Returns the
 * number of commands that failed. */
int console_run(struct cmd_ctx *c);
/* Run ;-separated commands (vmfo -c), their long lines broken between
 * words when the output is a terminal, as at the prompt. Returns the
 * number of commands that failed. */
int console_run_list(struct cmd_ctx *c, const char *commands);

#endif
