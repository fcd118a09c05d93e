/* iochan.h — the I/O control unit's channels as policy sees them: an open
 * channel is a row of the resource management table (kind io, named
 * APP.io, holding no units, mapped in the VM whose OS controls it), and it
 * follows its app's storage in the claimed sequence. The device itself
 * (iodev.h) carries the requests. All with m->lock held.
 * Claims served: 3 (the table says which OS controls each app's channel),
 * 1, 4, 6, 7 (the channel is detached from the failed OS and attached to
 * the one taking over, with the app's storage). */
#ifndef VMFO_IOCHAN_H
#define VMFO_IOCHAN_H

#include <stdbool.h>

#include "state.h"

#define IOCHAN_SUFFIX ".io"

/* The row of a's channel, or -1 when it has none open. */
int iochan_row(const struct vmfo *m, const struct app *a);
/* Open a's channel, attached to the OS its storage is mapped in: the app
 * then serves requests. -1 with nothing changed when a does not run, its
 * program serves no requests, its name leaves no room for ".io" in a row
 * name, or the channel is open already. */
int iochan_open(struct vmfo *m, struct app *a, struct err *e);
/* Close a's channel (if open): requests not answered fail to their
 * clients, the row goes. */
void iochan_close(struct vmfo *m, struct app *a, const char *why);
void iochan_close_all(struct vmfo *m, const char *why);
/* g's memslots changed (failover.c's detach and attach): every channel
 * follows its app's row. gone: channels on g whose app left it are
 * detached (vmm.io_detach); else channels whose app is now mapped in g
 * are attached to g (vmm.io_attach). */
void iochan_follow(struct vmfo *m, struct guest *g, bool gone);

#endif
