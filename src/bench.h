/* bench.h — vmfo bench: what moving storage instead of copying it buys,
 * measured step by step in one run, so that the figures compare. */
#ifndef VMFO_BENCH_H
#define VMFO_BENCH_H

#include <stdbool.h>
#include <stdio.h>

#include "vmfo.h"

struct bench_opts {
	bool json;
	bool quick;  /* a smoke run for CI: small sizes, one run each */
	int runs;    /* repetitions per figure */
	const char *compare; /* --compare OLD.json: this run against it */
	const char *against; /* --compare OLD.json NEW.json: two files, no run */
};

/* Parse "bench [--json] [--quick] [--runs N] [--compare OLD.json [NEW.json]]"
 * (argv[0] is "bench"); OLD.json must be readable. */
int bench_parse(int argc, char **argv, struct bench_opts *o, struct err *e);
/* The pool bench needs for its largest handover, in MB. */
uint64_t bench_pool_mb(const struct bench_opts *o);
/* Run every benchmark on m; print a table, or one JSON document. */
int bench_run(struct vmfo *m, const struct bench_opts *o, FILE *out);

#endif
