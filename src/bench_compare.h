/* bench_compare.h — two bench documents (vmfo bench --json) figure by
 * figure: `vmfo bench --compare OLD.json [NEW.json]`. */
#ifndef VMFO_BENCH_COMPARE_H
#define VMFO_BENCH_COMPARE_H

#include <jansson.h>
#include <stdio.h>

#include "util.h"

/* A bench document from a file, or NULL with e saying why. */
json_t *bench_compare_load(const char *path, struct err *e);
/* One line per figure both have (old, new, the change in percent), then
 * the figures only one has. -1 when out of memory. */
int bench_compare_docs(const char *old_name, json_t *old, const char *new_name, json_t *new,
		       FILE *out);
/* The same for two files: needs no KVM. -1 with e set when one cannot be
 * read or is not a bench document. */
int bench_compare_files(const char *old, const char *new, FILE *out, struct err *e);

#endif
