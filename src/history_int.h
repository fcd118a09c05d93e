/* history_int.h — a client history as history_read.c reads it and
 * history.c judges it: one struct request per request line. */
#ifndef VMFO_HISTORY_INT_H
#define VMFO_HISTORY_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

enum op { OP_APPEND, OP_READ, OP_PUT, OP_GET };
enum result { RES_OK, RES_UNAVAILABLE, RES_INDETERMINATE, RES_REFUSED };


struct request {
	unsigned client;
	enum op op;
	enum result result;
	bool verify;
	uint64_t id, key, value, send_us, ack_us, seq, got, retry;
	char reason[48];
};

struct stray {
	unsigned client;
	uint64_t at_us;
	char line[96];
};

struct history {
	char app[16], program[16];
	unsigned clients;
	bool kv;
	bool have_header, ended;
	struct request *req;
	size_t nreq, capreq;
	struct stray *stray;
	size_t nstray, capstray;
};


/* Read a whole history from in into h (zeroed by the caller; free h->req
 * and h->stray after, whatever the result). 0, or -1 with e naming the
 * line that is wrong: "h.jsonl:17: no 'send_us'"; a history without its
 * header or its end line is refused too. */
int history_read(FILE *in, const char *name, struct history *h, struct err *e);

#endif
