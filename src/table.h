/* table.h — the resource management table of claim 3: who holds which units
 * of main storage, how much each uses, which OS controls each app and which
 * OS takes it over. The single source of truth for ownership: the VMM maps
 * memslots to match it, never the other way round. */
#ifndef VMFO_TABLE_H
#define VMFO_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "pool.h"
#include "units.h"
#include "util.h"

#define TABLE_MAX_ROWS 40
#define ROW_NAME_MAX 16
#define NO_VM (-1)

enum row_kind { ROW_VMM, ROW_OS, ROW_APP };

struct row {
	bool used;
	char name[ROW_NAME_MAX];
	enum row_kind kind;
	struct units units;  /* the storage this row holds; its use amount
			      * (claim 3) is row_bytes() */
	int vm;              /* VM the units are mapped in, or NO_VM */
	int control;         /* apps: the OS (VM index) controlling it */
	int takeover;        /* apps: the OS to take it over on failure */
	bool hot;            /* apps: a hot-standby job (claim 5, 8) */
};

struct table {
	struct row row[TABLE_MAX_ROWS];
	uint32_t nunits;     /* units in the pool */
	uint64_t unit_bytes;
};

void table_init(struct table *t, uint32_t nunits, uint64_t unit_bytes);
/* Add a row holding units; -1 on a duplicate name, a full table, or units
 * that another row holds already. Returns the row index. */
int table_add(struct table *t, const char *name, enum row_kind kind, int vm,
	      const struct units *units, struct err *e);
void table_remove(struct table *t, int row);
int table_find(const struct table *t, const char *name);
/* The row holding unit, or -1 when it is unused. */
int table_owner_of(const struct table *t, uint32_t unit);
/* Every unit mapped in vm according to the table. */
void table_units_of_vm(const struct table *t, int vm, struct units *out);
uint64_t row_bytes(const struct table *t, const struct row *r);

/* Claim 3's invariants against the pool: every unit has at most one row,
 * every held unit is allocated in the pool and every allocated unit is held,
 * and held + unused units add up to the pool. */
int table_check(const struct table *t, const struct pool *p, struct err *e);

const char *row_kind_name(enum row_kind k);

#endif
