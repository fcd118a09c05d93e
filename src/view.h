/* view.h — the live ncurses screen: who owns which storage unit, each VM,
 * the resource table, the latest events and the claims checklist. */
#ifndef VMFO_VIEW_H
#define VMFO_VIEW_H

#include <stdbool.h>
#include <stdio.h>

#include "vmfo.h"

/* Take the terminal until 'q' (or Ctrl-C); returns 0, or -1 with an error
 * line on err when the terminal cannot be used. Acts through the typed API
 * (vmfo.h) and draws from snapshots. */
int view_run(struct vmfo *m, bool color, FILE *err);

#endif
