/* serve.h — an app's I/O channel on a Unix-domain socket, for clients
 * outside the VMs: the console's `serve` (docs/protocol.md, "The clients'
 * line protocol"). A front end: it reaches the monitor only through
 * vmfo.h. */
#ifndef VMFO_SERVE_H
#define VMFO_SERVE_H

#include <stddef.h>

#include "vmfo.h"

/* How long a connection waits for one request's answer before it tells
 * its client `indeterminate` (or `unavailable`, when the request was never
 * posted): longer than any failover takes, shorter than a client's own
 * wait (vmfo client's default is 15 s). */
#define SERVE_TIMEOUT_MS 8000
/* How long this process's own clients (the console's, Lua's, bench's)
 * wait for one answer: longer than the server's wait, so that the server
 * says what became of a request before a client gives up on it. */
#define SERVE_CLIENT_WAIT_MS (SERVE_TIMEOUT_MS + 7000)

/* Open app's channel and listen on the socket at path (which must not
 * exist). 0, or -1 with e saying why and nothing changed. */
int serve_start(struct vmfo *m, const char *app, const char *path, struct err *e);
/* A path in this process's own directory for served sockets and the
 * histories of its own clients (scripts', bench's): made on first use
 * under $TMPDIR (under /tmp when that name leaves too little room for a
 * socket's path), removed by serve_stop_all when empty. */
int serve_private_path(const char *name, char *buf, size_t size, struct err *e);
/* Stop serving app: connections close, the socket file goes, the channel
 * closes (its unanswered requests fail). -1 when app is not served. */
int serve_stop(const char *app, struct err *e);
/* Stop every server (before vmfo_close). */
void serve_stop_all(void);
/* One line per server into buf: "db on /tmp/db.sock, 4 clients
 * connected, 123 served". Returns how many servers there are. */
int serve_describe(char *buf, size_t size);

#endif
