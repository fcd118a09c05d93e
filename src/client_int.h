/* client_int.h — inside the clients: the run and its clients (client.c),
 * one connection and its line I/O (client_conn.c), the history and the
 * counts (client_record.c). */
#ifndef VMFO_CLIENT_INT_H
#define VMFO_CLIENT_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "client.h"
#include "util.h"

/* The protocol's longest line, without its newline. */
#define LINE_MAX_BYTES 255

struct conn {
	int fd;         /* -1 when closed */
	char buf[512];  /* bytes received and not yet taken as lines */
	size_t len;
};

/* What the server's first line says. */
struct greeting {
	char app[16], program[16];
	bool kv;
};

/* Connect to the socket at path and read the greeting, waiting at most
 * timeout_ms for it: 0, or -1 with e naming path and what failed. */
int conn_open(struct conn *c, const char *path, uint64_t timeout_ms, struct greeting *g,
	      struct err *e);
void conn_close(struct conn *c);
/* Send the whole line: 0, or -1 with why ("sending: Broken pipe"). */
int conn_send(struct conn *c, const char *line, char *why, size_t whylen);
/* The next line (line holds LINE_MAX_BYTES + 1) received by deadline_us
 * (now_us() time): 0; 1 when the deadline passed first; -1 with why when
 * the connection closed or failed or sent a line too long. */
int conn_read_line(struct conn *c, uint64_t deadline_us, char *line, char *why, size_t whylen);

enum op { OP_APPEND, OP_READ, OP_PUT, OP_GET };
enum result { RES_OK, RES_UNAVAILABLE, RES_INDETERMINATE, RES_REFUSED };

/* One request, as sent and as answered. key: read's seq, put's and get's
 * key; value: append's transaction, put's value; seq and got: the answer's
 * numbers (seq or version, transaction or value). */
struct request {
	enum op op;
	enum result result;
	bool verify; /* sent in the verify phase */
	uint64_t id, key, value, send_us, ack_us, seq, got, retry;
	char reason[LINE_MAX_BYTES + 1];
};

struct client {
	struct client_run *run;
	unsigned n; /* 0..clients-1 */
	struct conn conn;
	pthread_t thread;
	uint64_t next_id;       /* the last request id used on any connection */
	uint64_t values;        /* transactions and put values made */
	uint64_t random;        /* its stream of choices */
	uint64_t done;          /* load-phase requests answered (or given up) */
	uint64_t *seqs;         /* ledger: the seqs its appends got */
	size_t nseqs, capseqs;
	unsigned char *put_keys; /* kv: put_keys[k] once a put of k was acknowledged */
	uint64_t resend_until;  /* verify phase: unavailable reads are resent until
				 * then (now_us; 0 until the first one) */
	struct err error;       /* why it stopped early; msg[0] == 0 if it did not */
};

struct client_run {
	struct client_opts o;   /* socket and history point into this run's copies */
	struct greeting greeting;
	uint64_t t0;            /* now_us() at the run's start: the history's 0 */
	uint64_t end_us;        /* now_us() when the load phase ends (o.ms) */
	atomic_bool stop;       /* client_finish: no more load-phase requests */
	atomic_uint loading;    /* clients still in the load phase */
	pthread_mutex_t lock;   /* the history file and the summary */
	FILE *history;
	int history_errno;      /* the first write error, then nothing more is written */
	struct client_summary sum;
	struct client client[]; /* o.clients of them */
};

/* The history's lines (each does nothing more once a write failed) and
 * the summary's counts. Request and stray lines take the lock. */
void record_header(struct client_run *r);
void record_request(struct client *c, const struct request *q);
void record_stray(struct client *c, const char *line, uint64_t at_us);
void record_end(struct client_run *r);

#endif
