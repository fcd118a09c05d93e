/* table.c — the resource management table (claim 3), the verbs that change
 * it, and its invariants: each unit has at most one row, and the rows hold
 * exactly the units the pool has handed out. Every verb checks what it is
 * given and each set operation it does, changes nothing when it refuses,
 * and (without NDEBUG) checks the whole table afterwards. The table is a
 * struct table_store (table_layout.h) that lies, once booted, in the VMM's
 * own unit of the pool: the verbs change those bytes in place.
 * Claim served: 3 (the resource management table, stored in main storage). */
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_ROW 0xff /* in the per-unit owner maps of table_check */
_Static_assert(TABLE_MAX_ROWS < NO_ROW, "row numbers must fit the owner maps");

/* An empty table, header and row slots, in s. */
static void store_init(struct table_store *s, uint32_t nunits, uint64_t unit_bytes)
{
	memset(s, 0, sizeof *s);
	memcpy(s->hdr.magic, TABLE_MAGIC, TABLE_MAGIC_LEN);
	s->hdr.version = TABLE_VERSION;
	s->hdr.header_bytes = sizeof s->hdr;
	s->hdr.row_bytes = sizeof s->row[0];
	s->hdr.rows = TABLE_MAX_ROWS;
	s->hdr.nunits = nunits;
	s->hdr.unit_bytes = unit_bytes;
	s->hdr.home_unit = TABLE_NO_HOME;
}

/* From now on the table is the bytes at s. */
static void lie_in(struct table *t, struct table_store *s)
{
	t->store = s;
	t->row = s->row;
}

void table_init(struct table *t, struct pool *p)
{
	t->pool = p;
	store_init(&t->fallback, p->nunits, p->unit_bytes);
	lie_in(t, &t->fallback);
}

void table_copy(struct table *dst, const struct table *src)
{
	memcpy(&dst->fallback, src->store, sizeof dst->fallback);
	lie_in(dst, &dst->fallback);
	dst->pool = NULL;
}

uint32_t table_home(const struct table *t)
{
	return t->store->hdr.home_unit;
}

int table_find(const struct table *t, const char *name)
{
	for (int i = 0; i < TABLE_MAX_ROWS; i++)
		if (t->row[i].used && strcmp(t->row[i].name, name) == 0)
			return i;
	return -1;
}

int table_owner_of(const struct table *t, uint32_t unit)
{
	for (int i = 0; i < TABLE_MAX_ROWS; i++)
		if (t->row[i].used && units_contains(&t->row[i].units, unit))
			return i;
	return -1;
}

/* The header describes this layout and counts the rows in use. */
static int check_header(const struct table *t, const struct pool *p, struct err *e)
{
	const struct table_header *h = &t->store->hdr;
	uint32_t used = 0;
	if (memcmp(h->magic, TABLE_MAGIC, TABLE_MAGIC_LEN) || h->version != TABLE_VERSION ||
	    h->header_bytes != sizeof *h || h->row_bytes != sizeof(struct row) ||
	    h->rows != TABLE_MAX_ROWS)
		return err_set(e, "the table's header is not that of layout version %d",
			       TABLE_VERSION);
	if (h->nunits != p->nunits || h->unit_bytes != p->unit_bytes)
		return err_set(e, "table covers %u units, pool has %u", h->nunits, p->nunits);
	for (int i = 0; i < TABLE_MAX_ROWS; i++)
		used += t->row[i].used != 0;
	if (used != h->used)
		return err_set(e, "the table's header counts %u rows in use, it has %u", h->used,
			       used);
	return 0;
}

/* The unit the table lies in is held by a VMM row mapped in no VM, and the
 * table lies where it should in it. first: each unit's row. */
static int check_home(const struct table *t, const struct pool *p, const uint8_t *first,
		      struct err *e)
{
	uint32_t home = t->store->hdr.home_unit;
	if (home == TABLE_NO_HOME)
		return t->store == &t->fallback ? 0
						: err_set(e, "the table lies in no unit it names");
	if (home >= p->nunits || first[home] == NO_ROW)
		return err_set(e, "unit %u holds the table but is in no row", home);
	const struct row *r = &t->row[first[home]];
	if (r->kind != ROW_VMM || r->vm != NO_VM)
		return err_set(e, "unit %u holds the table but '%s' holds it%s", home, r->name,
			       r->vm != NO_VM ? ", mapped in a VM" : "");
	if ((const uint8_t *)t->store != (const uint8_t *)pool_hva(p, home) + TABLE_OFFSET)
		return err_set(e, "the table does not lie at offset 0x%x of unit %u", TABLE_OFFSET,
			       home);
	return 0;
}

/* table_check without its error text when only memory for it was lacking:
 * -2 then, so that the check after a verb can tell. */
static int check(const struct table *t, const struct pool *p, struct err *e)
{
	uint32_t nunits = t->store->hdr.nunits;
	if (check_header(t, p, e))
		return -1;
	/* The first and second row holding each unit, rows in order. */
	uint8_t *first = malloc(2 * (size_t)nunits + 1);
	if (!first)
		return -2;
	uint8_t *second = first + nunits;
	memset(first, NO_ROW, 2 * (size_t)nunits);
	for (int i = 0; i < TABLE_MAX_ROWS; i++) {
		const struct units *u = &t->row[i].units;
		for (uint32_t r = 0; t->row[i].used && r < u->nruns; r++)
			for (uint32_t k = 0; k < u->run[r].count; k++) {
				uint32_t unit = u->run[r].first + k;
				if (unit >= nunits)
					continue; /* outside the pool: conservation catches it */
				if (first[unit] == NO_ROW)
					first[unit] = (uint8_t)i;
				else if (second[unit] == NO_ROW)
					second[unit] = (uint8_t)i;
			}
	}
	uint64_t held = 0;
	int rc = 0;
	for (uint32_t u = 0; u < nunits && rc == 0; u++) {
		bool owned = first[u] != NO_ROW;
		if (second[u] != NO_ROW)
			rc = err_set(e, "unit %u has two owners: '%s' and '%s'", u, t->row[first[u]].name,
				     t->row[second[u]].name);
		else if (owned && !pool_is_used(p, u))
			rc = err_set(e, "unit %u is held by '%s' but free in the pool", u,
				     t->row[first[u]].name);
		else if (!owned && pool_is_used(p, u))
			rc = err_set(e, "unit %u is allocated in the pool but in no row", u);
		held += owned;
	}
	if (rc == 0)
		rc = check_home(t, p, first, e);
	free(first);
	if (rc == 0 && held + p->nfree != nunits)
		rc = err_set(e, "units not conserved: %llu held + %u unused != %u in the pool",
			     (unsigned long long)held, p->nfree, nunits);
	return rc;
}

int table_check(const struct table *t, const struct pool *p, struct err *e)
{
	int rc = check(t, p, e);
	return rc == -2 ? err_set(e, "out of memory checking the table") : rc;
}

/* After every change: a broken invariant is a bug in the VMM, found where
 * it happened rather than later by `invariants` or the checker. */
static void verify(const struct table *t)
{
#ifndef NDEBUG
	struct err e;
	if (check(t, t->pool, &e) == -1) {
		fprintf(stderr, "vmfo: the resource table lost its invariant: %s\n", e.msg);
		abort();
	}
#else
	(void)t;
#endif
}

static bool row_ok(const struct table *t, int row)
{
	return row >= 0 && row < TABLE_MAX_ROWS && t->row[row].used;
}

static int no_row(int row, struct err *e)
{
	return err_set(e, "table row %d holds nothing", row);
}

/* Whether u holds the unit the table lies in: only table_clear gives it
 * up, and it never leaves the VMM's row or is mapped in a VM. */
static bool holds_home(const struct table *t, const struct units *u)
{
	uint32_t home = t->store->hdr.home_unit;
	return home != TABLE_NO_HOME && units_contains(u, home);
}

static int home_stays(const struct table *t, struct err *e)
{
	return err_set(e, "unit %u holds the resource management table: it stays the VMM's",
		       t->store->hdr.home_unit);
}

/* A row's units become u: its runs, and zeroes in the run slots it does
 * not use, so that what lies in storage is the table and nothing else
 * (a struct units from the stack has leftovers there). */
static void set_units(struct row *r, const struct units *u)
{
	uint32_t n = u->nruns <= UNITS_MAX_RUNS ? u->nruns : UNITS_MAX_RUNS;
	r->units.nruns = n;
	memcpy(r->units.run, u->run, n * sizeof u->run[0]);
	memset(r->units.run + n, 0, (UNITS_MAX_RUNS - n) * sizeof u->run[0]);
}

/* table_add without the check afterwards, for verbs part-way through. */
static int add_row(struct table *t, const char *name, enum row_kind kind, int vm,
		   const struct units *units, struct err *e)
{
	int slot = -1;

	if (!*name || strlen(name) >= ROW_NAME_MAX)
		return err_set(e, "name '%s' must be 1 to %d characters", name, ROW_NAME_MAX - 1);
	if (table_find(t, name) >= 0)
		return err_set(e, "'%s' is already in the table", name);
	for (uint32_t r = 0; r < units->nruns; r++)
		for (uint32_t k = 0; k < units->run[r].count; k++) {
			uint32_t u = units->run[r].first + k;
			if (u >= t->store->hdr.nunits)
				return err_set(e, "unit %u is outside the pool", u);
			int owner = table_owner_of(t, u);
			if (owner >= 0)
				return err_set(e, "unit %u already belongs to '%s'", u, t->row[owner].name);
			if (!pool_is_used(t->pool, u))
				return err_set(e, "unit %u was never taken from the pool", u);
		}
	for (int i = 0; i < TABLE_MAX_ROWS && slot < 0; i++)
		if (!t->row[i].used)
			slot = i;
	if (slot < 0)
		return err_set(e, "the resource table is full (%d rows)", TABLE_MAX_ROWS);

	struct row *r = &t->row[slot];
	memset(r, 0, sizeof *r);
	r->used = true;
	strlcpy0(r->name, name, sizeof r->name);
	r->kind = kind;
	set_units(r, units);
	r->vm = vm;
	r->control = NO_VM;
	r->takeover = NO_VM;
	t->store->hdr.used++;
	return slot;
}

int table_add(struct table *t, const char *name, enum row_kind kind, int vm,
	      const struct units *units, struct err *e)
{
	int row = add_row(t, name, kind, vm, units, e);
	verify(t);
	return row;
}

static void remove_row(struct table *t, int row)
{
	memset(&t->row[row], 0, sizeof t->row[row]);
	t->store->hdr.used--;
}

int table_alloc_home(struct table *t, const char *name, struct units *got, struct err *e)
{
	if (t->store != &t->fallback)
		return err_set(e, "the table already lies in unit %u", table_home(t));
	if (t->pool->unit_bytes < TABLE_OFFSET + sizeof *t->store)
		return err_set(e, "a unit of %llu bytes cannot hold the table at offset 0x%x",
			       (unsigned long long)t->pool->unit_bytes, TABLE_OFFSET);
	if (pool_alloc(t->pool, 1, got, e))
		return -1;
	int row = add_row(t, name, ROW_VMM, NO_VM, got, e);
	if (row < 0) {
		pool_free(t->pool, got, NULL);
		return -1;
	}
	/* The table moves into the unit; what it leaves behind is emptied,
	 * so that there is one table, the one in main storage. */
	uint8_t *unit = pool_hva(t->pool, got->run[0].first);
	struct table_store *home = (struct table_store *)(unit + TABLE_OFFSET);
	memcpy(home, &t->fallback, sizeof *home);
	home->hdr.home_unit = got->run[0].first;
	lie_in(t, home);
	memset(&t->fallback, 0, sizeof t->fallback);
	verify(t);
	return row;
}

int table_alloc_row(struct table *t, const char *name, enum row_kind kind, int vm, uint32_t n,
		    struct units *got, struct err *e)
{
	if (pool_alloc(t->pool, n, got, e))
		return -1;
	int row = add_row(t, name, kind, vm, got, e);
	if (row < 0)
		pool_free(t->pool, got, NULL);
	verify(t);
	return row;
}

int table_alloc(struct table *t, int row, uint32_t n, uint32_t max_runs, struct units *got,
		struct err *e)
{
	if (!row_ok(t, row))
		return no_row(row, e);
	if (pool_alloc(t->pool, n, got, e))
		return -1;
	struct units held = t->row[row].units;
	int rc = 0;
	if (got->nruns > max_runs)
		rc = err_set(e, "the pool's free units lie in more than %u runs", max_runs);
	else if (units_merge(&held, got))
		rc = err_set(e, "'%s' cannot hold more runs of units", t->row[row].name);
	if (rc)
		pool_free(t->pool, got, NULL);
	else
		set_units(&t->row[row], &held);
	verify(t);
	return rc;
}

/* The row's units less u, in *left; -1 unless u lies inside the row. */
static int units_without(const struct table *t, int row, const struct units *u, struct units *left,
			 struct err *e)
{
	if (!row_ok(t, row))
		return no_row(row, e);
	*left = t->row[row].units;
	if (units_remove(left, u)) {
		char text[128];
		units_format(u, text, sizeof text);
		return err_set(e, "'%s' does not hold all of units %s", t->row[row].name, text);
	}
	return 0;
}

int table_free(struct table *t, int row, const struct units *u, struct err *e)
{
	struct units left;
	if (holds_home(t, u))
		return home_stays(t, e);
	if (units_without(t, row, u, &left, e) || pool_free(t->pool, u, e))
		return -1;
	set_units(&t->row[row], &left);
	verify(t);
	return 0;
}

int table_free_row(struct table *t, int row, struct units *freed, struct err *e)
{
	if (!row_ok(t, row))
		return no_row(row, e);
	struct units u = t->row[row].units;
	if (holds_home(t, &u))
		return home_stays(t, e);
	if (pool_free(t->pool, &u, e))
		return -1;
	remove_row(t, row);
	if (freed)
		*freed = u;
	verify(t);
	return 0;
}

void table_clear(struct table *t)
{
	struct units home;
	units_clear(&home);
	for (int r = 0; r < TABLE_MAX_ROWS; r++)
		if (t->row[r].used && holds_home(t, &t->row[r].units))
			home = t->row[r].units; /* last: the table lies there */
		else if (t->row[r].used) {
			pool_free(t->pool, &t->row[r].units, NULL);
			remove_row(t, r);
		}
	if (t->store != &t->fallback) {
		/* Out of the unit before it goes back (and the pool discards
		 * its contents): an empty table again, in the VMM process. */
		store_init(&t->fallback, t->store->hdr.nunits, t->store->hdr.unit_bytes);
		lie_in(t, &t->fallback);
		pool_free(t->pool, &home, NULL);
	}
	verify(t);
}

int table_move(struct table *t, int from, int to, const struct units *u, struct err *e)
{
	struct units left, grown;
	if (holds_home(t, u))
		return home_stays(t, e);
	if (units_without(t, from, u, &left, e))
		return -1;
	if (!row_ok(t, to) || to == from)
		return no_row(to, e);
	grown = t->row[to].units;
	if (units_merge(&grown, u))
		return err_set(e, "'%s' cannot hold more runs of units", t->row[to].name);
	set_units(&t->row[from], &left);
	set_units(&t->row[to], &grown);
	verify(t);
	return 0;
}

int table_split(struct table *t, int from, const char *name, enum row_kind kind, int vm,
		const struct units *u, struct err *e)
{
	struct units left;
	if (holds_home(t, u))
		return home_stays(t, e);
	if (units_without(t, from, u, &left, e))
		return -1;
	struct units had = t->row[from].units;
	set_units(&t->row[from], &left); /* so that the new row may hold them */
	int row = add_row(t, name, kind, vm, u, e);
	if (row < 0)
		set_units(&t->row[from], &had);
	else
		t->row[row].control = vm;
	verify(t);
	return row;
}

int table_absorb(struct table *t, int into, int from, struct err *e)
{
	if (!row_ok(t, into))
		return no_row(into, e);
	if (!row_ok(t, from) || from == into)
		return no_row(from, e);
	if (holds_home(t, &t->row[from].units))
		return home_stays(t, e);
	struct units grown = t->row[into].units;
	if (units_merge(&grown, &t->row[from].units))
		return err_set(e, "'%s' cannot take '%s''s units: too many runs", t->row[into].name,
			       t->row[from].name);
	set_units(&t->row[into], &grown);
	remove_row(t, from);
	verify(t);
	return 0;
}

void table_place(struct table *t, int row, int vm)
{
	if (!row_ok(t, row) || (vm != NO_VM && holds_home(t, &t->row[row].units)))
		return; /* the table is never mapped in a VM */
	t->row[row].vm = vm;
	if (vm == NO_VM)
		t->row[row].control = NO_VM; /* parked: no OS controls it */
	verify(t);
}

void table_set_control(struct table *t, int row, int vm)
{
	if (row_ok(t, row))
		t->row[row].control = vm;
}

void table_park(struct table *t, int row)
{
	table_place(t, row, NO_VM);
	table_set_takeover(t, row, NO_VM);
}

void table_set_takeover(struct table *t, int row, int vm)
{
	if (!row_ok(t, row))
		return;
	t->row[row].takeover = vm;
	verify(t);
}

void table_set_takeover_of_vm(struct table *t, int vm, int by)
{
	for (int r = 0; r < TABLE_MAX_ROWS; r++)
		if (t->row[r].used && t->row[r].kind == ROW_APP && t->row[r].vm == vm)
			t->row[r].takeover = by;
	verify(t);
}

void table_drop_takeover(struct table *t, int vm)
{
	for (int r = 0; r < TABLE_MAX_ROWS; r++)
		if (t->row[r].used && t->row[r].takeover == vm)
			t->row[r].takeover = NO_VM;
	verify(t);
}

void table_set_hot(struct table *t, int row, bool hot)
{
	if (!row_ok(t, row))
		return;
	t->row[row].hot = hot;
	verify(t);
}

void table_units_of_vm(const struct table *t, int vm, struct units *out)
{
	units_clear(out);
	for (int i = 0; i < TABLE_MAX_ROWS; i++)
		if (t->row[i].used && t->row[i].vm == vm)
			units_merge(out, &t->row[i].units); /* disjoint by invariant */
}

uint64_t row_bytes(const struct table *t, const struct row *r)
{
	return (uint64_t)units_count(&r->units) * t->store->hdr.unit_bytes;
}

const char *row_kind_name(enum row_kind k)
{
	switch (k) {
	case ROW_VMM: return "vmm";
	case ROW_OS: return "os";
	case ROW_APP: return "app";
	case ROW_IO: return "io";
	}
	return "?";
}
