/* bench.h — vmfo bench: what moving storage instead of copying it buys,
 * measured step by step in one run, so that the figures compare. */
#ifndef VMFO_BENCH_H
#define VMFO_BENCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "vmfo.h"

struct bench_opts {
	bool json;
	bool quick;  /* a smoke run for CI: small sizes, one run each */
	int runs;    /* repetitions per figure */
	const char *compare; /* --compare OLD.json: this run against it */
	const char *against; /* --compare OLD.json NEW.json: two files, no run */
	const char *plot;    /* --plot DIR: the figures drawn into DIR */
	const char *from;    /* --plot DIR --from DOC.json: a saved document's, no run */
	bool dump;           /* --dump (with --from): each figure's model on stdout */
	bool help;           /* --help: the usage, nothing run */
};

/* Parse "bench [--json] [--quick] [--runs N] [--compare OLD.json [NEW.json]]
 * [--plot DIR [--from DOC.json [--dump]]]" (argv[0] is "bench"); OLD.json
 * and DOC.json must be readable. */
int bench_parse(int argc, char **argv, struct bench_opts *o, struct err *e);
/* The pool bench needs for its largest handover, in MB. */
uint64_t bench_pool_mb(const struct bench_opts *o);
/* Run every benchmark on m; print a table, or one JSON document. */
int bench_run(struct vmfo *m, const struct bench_opts *o, FILE *out);

/* ---- plots of a bench document (bench_plot.c) ---- */

enum { BENCH_PLOT_OK = 0, BENCH_PLOT_BAD_DOCUMENT = -1, BENCH_PLOT_CANNOT_WRITE = -2 };

/* Make DIR, and its parents, unless it is a directory already. 0, or -1
 * with e saying why not. */
int bench_plot_dir(const char *dir, struct err *e);
/* doc's figures (name: the document's, for notes and errors) into DIR as
 * SVG, PDF and PNG; each model printed on dump unless NULL. BENCH_PLOT_OK,
 * or an error of the two with e set; a document lacking a figure writes
 * nothing. */
int bench_plot_doc(json_t *doc, const char *name, const char *dir, FILE *dump, struct err *e);
/* The same for a saved document: needs no KVM. */
int bench_plot_file(const char *from, const char *dir, FILE *dump, struct err *e);

#endif
