/* units.h — sets of storage units kept as ascending runs, and their text form
 * ("4-7,12-15"), shared by the table, the trace, the console and Lua. */
#ifndef VMFO_UNITS_H
#define VMFO_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UNITS_MAX_RUNS 64

struct run {
	uint32_t first;
	uint32_t count;
};

/* Runs are ascending, non-empty, and never touch (adjacent runs are merged). */
struct units {
	uint32_t nruns;
	struct run run[UNITS_MAX_RUNS];
};

void units_clear(struct units *u);
uint32_t units_count(const struct units *u);
bool units_contains(const struct units *u, uint32_t unit);
/* Add [first, first+count); -1 if it overlaps or the run table is full. */
int units_add_run(struct units *u, uint32_t first, uint32_t count);
/* Add every unit of b to a; -1 (a unchanged) on overlap or overflow. */
int units_merge(struct units *a, const struct units *b);
/* Remove every unit of b from a; -1 (a unchanged) unless b is inside a. */
int units_remove(struct units *a, const struct units *b);
bool units_equal(const struct units *a, const struct units *b);
/* The units in a and not in b, in *out (b need not lie inside a). */
void units_minus(const struct units *a, const struct units *b, struct units *out);
/* "4-7,12-15", "3", or "-" for the empty set. Returns the length needed. */
size_t units_format(const struct units *u, char *buf, size_t size);
/* Inverse of units_format; -1 on malformed, unordered or overlapping input. */
int units_parse(const char *s, struct units *out);

#endif
