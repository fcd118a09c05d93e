/* console.h — the vmfo> prompt (readline) and batch input (no prompt). */
#ifndef VMFO_CONSOLE_H
#define VMFO_CONSOLE_H

#include "cmd.h"

/* Read commands from stdin until quit or end of input: with line editing,
 * history and completion on a terminal, line by line otherwise. Returns the
 * number of commands that failed. */
int console_run(struct cmd_ctx *c);

#endif
