/* view.h — the live ncurses screen: who owns which storage unit, each VM,
 * the resource table, the latest events and the claims checklist. */
#ifndef VMFO_VIEW_H
#define VMFO_VIEW_H

#include "cmd.h"

/* Take the terminal until 'q' (or Ctrl-C); returns 0, or -1 with an error
 * line when the terminal cannot be used. Acts only through cmd_exec. */
int view_run(struct cmd_ctx *c);

#endif
