/* table.h — the resource management table of claim 3: who holds which units
 * of main storage, how much each uses, which OS controls each app and which
 * OS takes it over. The single source of truth for ownership: the VMM maps
 * memslots to match it, never the other way round. Like the claim says, it
 * is stored in main storage: in the VMM's own unit of the pool, in the
 * binary layout of table_layout.h.
 *
 * The table keeps its own invariant: rows change only through the verbs
 * below, never by hand. Each verb checks its arguments and every set
 * operation, changes nothing when it refuses, and leaves every unit with
 * at most one row, every held unit allocated in the pool and every
 * allocated unit held. In builds without NDEBUG each verb runs
 * table_check() afterwards and aborts on a broken invariant. */
#ifndef VMFO_TABLE_H
#define VMFO_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "pool.h"
#include "table_layout.h"
#include "units.h"
#include "util.h"

/* The table is a struct table_store (table_layout.h): header and rows in a
 * fixed binary layout. `store` says where those bytes are: in the VMM's
 * unit of the pool once table_alloc_home() has run (boot), else in
 * `fallback` (before boot, after a reset, in a snapshot, in unit tests).
 * `row` is store->row, so that t->row[i] is row i wherever it lies. There
 * is one table: while it lies in the pool, `fallback` holds nothing. */
struct table {
	struct row *row;             /* store->row */
	struct table_store *store;   /* the table's bytes */
	struct pool *pool;           /* where held units come from and go back to;
				      * NULL in a copy (table_copy) */
	struct table_store fallback; /* the table while it has no home unit */
};

/* An empty table over the pool p (every unit unused), in `fallback`. */
void table_init(struct table *t, struct pool *p);
/* A copy to read at leisure (the front ends' snapshot): src's header and
 * rows into dst's own `fallback`, never a pointer to src's storage; dst
 * has no pool, so no verb can change it. */
void table_copy(struct table *dst, const struct table *src);
/* The unit the table lies in, or TABLE_NO_HOME before boot. */
uint32_t table_home(const struct table *t);
/* Add a row holding units the pool has handed out and no row holds; -1 on
 * a bad or duplicate name, a full table, or any other unit. Returns the
 * row index. The verbs below are the usual way to add rows. */
int table_add(struct table *t, const char *name, enum row_kind kind, int vm,
	      const struct units *units, struct err *e);
int table_find(const struct table *t, const char *name);
/* The row holding unit, or -1 when it is unused. */
int table_owner_of(const struct table *t, uint32_t unit);
/* Every unit mapped in vm according to the table. */
void table_units_of_vm(const struct table *t, int vm, struct units *out);
uint64_t row_bytes(const struct table *t, const struct row *r);

/* ---- the verbs: every change of ownership goes through one of these ---- */

/* The VMM's own unit (boot): one unit from the pool becomes row `name`
 * (kind vmm, mapped nowhere) and the table moves into it, at TABLE_OFFSET;
 * from then on every verb works on those bytes. Returns the row, or -1
 * with nothing taken (the table already has a home, the pool is empty, a
 * unit is too small to hold it). Only table_clear() gives that unit back:
 * the verbs refuse to free it, move it to another row or map it in a VM. */
int table_alloc_home(struct table *t, const char *name, struct units *got, struct err *e);
/* Storage from the pool: n units become a new row (boot: an OS's
 * storage). Returns the row, or -1 with nothing taken. */
int table_alloc_row(struct table *t, const char *name, enum row_kind kind, int vm, uint32_t n,
		    struct units *got, struct err *e);
/* Storage from the pool for a row (claim 5: the VMM grants an OS more):
 * -1 with nothing taken when the pool has fewer than n units, they would
 * come in more than max_runs runs, or the row cannot hold them. */
int table_alloc(struct table *t, int row, uint32_t n, uint32_t max_runs, struct units *got,
		struct err *e);
/* Units u leave row and go back to the pool, which discards their
 * contents. -1 with nothing changed unless u lies inside the row. */
int table_free(struct table *t, int row, const struct units *u, struct err *e);
/* Every unit of row goes back to the pool and the row is removed; *freed
 * (if not NULL) gets the units. */
int table_free_row(struct table *t, int row, struct units *freed, struct err *e);
/* Every row's units back to the pool, every row removed (reset); the
 * table leaves its home unit for `fallback` before that unit goes back. */
void table_clear(struct table *t);
/* Units u move from row `from` to row `to` (an app's storage grows out of
 * its OS's free storage, or goes back). -1 with nothing changed unless u
 * lies inside `from` and `to` can hold it. */
int table_move(struct table *t, int from, int to, const struct units *u, struct err *e);
/* A new row called name holding units u carved out of row `from`, mapped
 * in and controlled by vm (claim 5: an app's own storage). Returns the new
 * row, or -1 with nothing changed. */
int table_split(struct table *t, int from, const char *name, enum row_kind kind, int vm,
		const struct units *u, struct err *e);
/* Row `from`'s units join row `into` and row `from` is removed (a failed
 * OS's storage joins the survivor's; an app's goes back to its OS). */
int table_absorb(struct table *t, int into, int from, struct err *e);
/* Where a row's units are mapped (claims 3, 4): vm, or NO_VM for nowhere
 * (then no OS controls it either). The row holding the table stays
 * unmapped. */
void table_place(struct table *t, int row, int vm);
/* Which OS controls an app (claims 5, 6): set when that OS reports the
 * app's resources, so after a takeover only once the new OS has. */
void table_set_control(struct table *t, int row, int vm);
/* A row that waits for an OS (parked, claim 8): mapped nowhere, controlled
 * by nobody, taken over by nobody. */
void table_park(struct table *t, int row);
/* The OS that takes a row over on failure (claim 3), or NO_VM. */
void table_set_takeover(struct table *t, int row, int vm);
/* Every app row mapped in vm is taken over by `by` from now on. (An OS
 * row's takeover is set with table_set_takeover.) */
void table_set_takeover_of_vm(struct table *t, int vm, int by);
/* vm takes nothing over any more (it failed). */
void table_drop_takeover(struct table *t, int vm);
/* Whether an app row is a hot-standby job (claims 5, 8). */
void table_set_hot(struct table *t, int row, bool hot);

/* Claim 3's invariants against the pool: the header is this layout's and
 * counts the rows in use, every unit has at most one row, every held unit
 * is allocated in the pool and every allocated unit is held, held + unused
 * units add up to the pool, and the unit the table lies in is held by a
 * VMM row mapped in no VM. */
int table_check(const struct table *t, const struct pool *p, struct err *e);

const char *row_kind_name(enum row_kind k);

#endif
