/* client.h — the clients of a served app: N concurrent connections to the
 * app's Unix socket speaking the line protocol, a load phase of writes
 * (and kv gets), a verify phase reading back what each was acknowledged,
 * and the history of what they saw (docs/protocol.md, "The I/O control
 * unit"). A front end: it needs only the socket, no monitor. */
#ifndef VMFO_CLIENT_H
#define VMFO_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct client_opts {
	const char *socket;  /* the served app's Unix socket */
	unsigned clients;    /* concurrent clients, 1..64 */
	uint64_t ms;         /* load phase length; 0: until client_finish or `requests` */
	uint64_t requests;   /* per client; 0: no limit */
	unsigned keys;       /* kv: keys shared by the clients */
	uint64_t timeout_ms; /* give up on an answer after this */
	uint64_t seed;
	const char *history; /* the JSONL file to write; NULL: none */
};

/* 4 clients, ms 2000, keys 16, timeout 10000, seed from the time. */
void client_defaults(struct client_opts *o);

struct client_summary {
	char app[16], program[16];
	unsigned clients;
	/* Request lines of both phases, by result; retried: resends of an
	 * unavailable request; stray: answers to no request in flight. */
	uint64_t requests, ok, unavailable, indeterminate, refused, retried, stray;
	double longest_wait_ms;
};

struct client_run; /* opaque */

/* Connect every client (each reads the greeting) and start the load phase
 * in threads; NULL with e set (naming the socket and errno text) if any
 * client cannot connect, the greeting is not vmfo-io 1 with a known
 * program, or the history cannot be opened. Changes nothing on failure
 * (closes what it opened). */
struct client_run *client_start(const struct client_opts *o, struct err *e);

/* Whether the load phase still runs (its ms or requests not reached). */
bool client_running(const struct client_run *r);

/* End the load phase (at once if it still runs: the requests in flight
 * are still waited for), run the verify phase, write the history, free r.
 * 0, or -1 with e set (the history could not be written, a connection
 * broke in the verify phase, a client could not reconnect): the summary is
 * filled either way. */
int client_finish(struct client_run *r, struct client_summary *s, struct err *e);

/* One line: "4 clients, 8123 requests: 8120 ok, 0 unavailable,
 * 3 indeterminate, 0 refused, 5 retried; slowest 35.9 ms" */
void client_summary_format(const struct client_summary *s, char *buf, size_t size);

#endif
