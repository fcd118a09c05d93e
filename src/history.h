/* history.h — judging a client history: the JSON lines `vmfo client`
 * writes (docs/protocol.md, "The client history"), checked against the
 * rules of "Judging a history": no acknowledged write lost, nothing
 * answered twice; with the counts and the blackout. Needs no KVM. */
#ifndef VMFO_HISTORY_H
#define VMFO_HISTORY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

struct history_verdict {
	bool pass;
	char app[16], program[16];
	unsigned clients;
	/* Request lines of both phases, by result; retried: lines with
	 * retry > 0; stray: stray answer lines. */
	uint64_t requests, ok, unavailable, indeterminate, refused, retried, stray;
	uint64_t acked_writes;   /* ok appends / ok puts in the load phase */
	uint64_t lost;           /* acknowledged writes not found as the rules say */
	uint64_t twice;          /* answered twice: duplicate seq/version, stray answers */
	double blackout_ms;      /* longest wait with no answer, load phase */
	double blackout_from_ms; /* when it began, from the run's start */
	double longest_wait_ms;  /* the slowest single request */
};

/* Judge a history file. Prints the report to out:
 *   history: ledger app db, 4 clients, 8123 requests: 8120 ok, 0 unavailable, ...
 *   acknowledged writes: 4000, lost 0, answered twice 0
 *   blackout: longest 35.2 ms with no answer, from 1.234 s; slowest request 35.9 ms
 * then one line per problem found (at most 20, then "... and N more") and
 * PASS or FAIL. Returns 0 when it passes, 1 when it fails, -1 with e set
 * (naming the file and the line) when the file cannot be read or is
 * malformed; then nothing is printed. */
int history_check(const char *path, FILE *out, struct history_verdict *v, struct err *e);

/* The same on an open stream (a file, or text in memory through
 * fmemopen()); name stands for it in error messages. */
int history_check_stream(FILE *in, const char *name, FILE *out, struct history_verdict *v,
			 struct err *e);

#endif
