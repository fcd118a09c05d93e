/* table.c — the resource management table (claim 3), the verbs that change
 * it, and its invariants: each unit has at most one row, and the rows hold
 * exactly the units the pool has handed out. Every verb checks what it is
 * given and each set operation it does, changes nothing when it refuses,
 * and (without NDEBUG) checks the whole table afterwards.
 * Claim served: 3 (the resource management table). */
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_ROW 0xff /* in the per-unit owner maps of table_check */
_Static_assert(TABLE_MAX_ROWS < NO_ROW, "row numbers must fit the owner maps");

void table_init(struct table *t, struct pool *p)
{
	memset(t, 0, sizeof *t);
	t->nunits = p->nunits;
	t->unit_bytes = p->unit_bytes;
	t->pool = p;
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

/* table_check without its error text when only memory for it was lacking:
 * -2 then, so that the check after a verb can tell. */
static int check(const struct table *t, const struct pool *p, struct err *e)
{
	if (t->nunits != p->nunits)
		return err_set(e, "table covers %u units, pool has %u", t->nunits, p->nunits);
	/* The first and second row holding each unit, rows in order. */
	uint8_t *first = malloc(2 * (size_t)t->nunits + 1);
	if (!first)
		return -2;
	uint8_t *second = first + t->nunits;
	memset(first, NO_ROW, 2 * (size_t)t->nunits);
	for (int i = 0; i < TABLE_MAX_ROWS; i++) {
		const struct units *u = &t->row[i].units;
		for (uint32_t r = 0; t->row[i].used && r < u->nruns; r++)
			for (uint32_t k = 0; k < u->run[r].count; k++) {
				uint32_t unit = u->run[r].first + k;
				if (unit >= t->nunits)
					continue; /* outside the pool: conservation catches it */
				if (first[unit] == NO_ROW)
					first[unit] = (uint8_t)i;
				else if (second[unit] == NO_ROW)
					second[unit] = (uint8_t)i;
			}
	}
	uint64_t held = 0;
	int rc = 0;
	for (uint32_t u = 0; u < t->nunits && rc == 0; u++) {
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
	free(first);
	if (rc == 0 && held + p->nfree != t->nunits)
		rc = err_set(e, "units not conserved: %llu held + %u unused != %u in the pool",
			     (unsigned long long)held, p->nfree, t->nunits);
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
			if (u >= t->nunits)
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
	r->units = *units;
	r->vm = vm;
	r->control = NO_VM;
	r->takeover = NO_VM;
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
		t->row[row].units = held;
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
	if (units_without(t, row, u, &left, e) || pool_free(t->pool, u, e))
		return -1;
	t->row[row].units = left;
	verify(t);
	return 0;
}

int table_free_row(struct table *t, int row, struct units *freed, struct err *e)
{
	if (!row_ok(t, row))
		return no_row(row, e);
	struct units u = t->row[row].units;
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
	for (int r = 0; r < TABLE_MAX_ROWS; r++)
		if (t->row[r].used) {
			pool_free(t->pool, &t->row[r].units, NULL);
			remove_row(t, r);
		}
	verify(t);
}

int table_move(struct table *t, int from, int to, const struct units *u, struct err *e)
{
	struct units left, grown;
	if (units_without(t, from, u, &left, e))
		return -1;
	if (!row_ok(t, to) || to == from)
		return no_row(to, e);
	grown = t->row[to].units;
	if (units_merge(&grown, u))
		return err_set(e, "'%s' cannot hold more runs of units", t->row[to].name);
	t->row[from].units = left;
	t->row[to].units = grown;
	verify(t);
	return 0;
}

int table_split(struct table *t, int from, const char *name, enum row_kind kind, int vm,
		const struct units *u, struct err *e)
{
	struct units left;
	if (units_without(t, from, u, &left, e))
		return -1;
	struct units had = t->row[from].units;
	t->row[from].units = left; /* so that the new row may hold them */
	int row = add_row(t, name, kind, vm, u, e);
	if (row < 0)
		t->row[from].units = had;
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
	struct units grown = t->row[into].units;
	if (units_merge(&grown, &t->row[from].units))
		return err_set(e, "'%s' cannot take '%s''s units: too many runs", t->row[into].name,
			       t->row[from].name);
	t->row[into].units = grown;
	remove_row(t, from);
	verify(t);
	return 0;
}

void table_place(struct table *t, int row, int vm)
{
	if (!row_ok(t, row))
		return;
	t->row[row].vm = t->row[row].control = vm;
	verify(t);
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
	return (uint64_t)units_count(&r->units) * t->unit_bytes;
}

const char *row_kind_name(enum row_kind k)
{
	switch (k) {
	case ROW_VMM: return "vmm";
	case ROW_OS: return "os";
	case ROW_APP: return "app";
	}
	return "?";
}
