/* render.h — one renderer per thing a front end shows (status, the
 * resource table, the unit map, the app list, a guest's log), all from a
 * snapshot (vmfo.h), so that the console, the view and Lua agree. */
#ifndef VMFO_RENDER_H
#define VMFO_RENDER_H

#include <stdio.h>

#include "vmfo.h"

/* "vm0", "vm1", or "-" for NO_VM. */
const char *vm_or_dash(int vm);
/* 0 or 1 for "vm0" or "vm1", else -1. */
int vm_index_of(const char *name);
/* The storage mapped in vm according to the table, in bytes. */
uint64_t render_vm_bytes(const struct vmfo_snapshot *s, int vm);

/* Who owns a unit, as one mark: # the VMM, 0/1 an OS's own storage, A-Z
 * apps in table order (a-z while parked), . unused. *app gets the app's
 * place among the table's apps (for its colour), or -1. */
char render_unit_mark(const struct vmfo_snapshot *s, uint32_t unit, int *app);
/* The legend of those marks, entry by entry: i from 0 until it returns
 * false. *app as above; name is "vmm", "vm0 OS", an app's name, "unused". */
bool render_legend_entry(const struct vmfo_snapshot *s, int i, char *mark, const char **name,
			 bool *parked, int *app);

/* The console's screens. */
void render_status(const struct vmfo_snapshot *s, FILE *out);
void render_table(const struct vmfo_snapshot *s, FILE *out);
/* The table's bytes in the VMM's unit (vmfo_table_bytes) as a hex dump
 * with offsets from the unit's start, then the header and each row
 * decoded from those bytes. */
void render_table_raw(const struct vmfo_table_bytes *b, FILE *out);
void render_map(const struct vmfo_snapshot *s, FILE *out);
void render_app_list(const struct vmfo_snapshot *s, FILE *out);
void render_log(const char *vm, const struct vmfo_log *log, FILE *out);
/* counts[0..n), oldest first, as one bar each, the largest the tallest:
 * Unicode blocks when utf8, else ASCII (".,:-=+*#"); a 0 is blank. n columns wide. */
void render_sparkline(const uint64_t *counts, int n, bool utf8, char *buf, size_t size);

/* One row of the table in the view's form, cell by cell (no use amount,
 * no hot column: the view lays the columns out to the room it has). i
 * counts rows from 0 until it returns false; the last is the unused
 * storage, with no units listed. */
struct render_table_cells {
	char name[ROW_NAME_MAX];
	const char *kind, *vm, *control, *takeover;
	char units[256];
	uint64_t mb;
};
bool render_table_cells(const struct vmfo_snapshot *s, int i, struct render_table_cells *c);

#endif
