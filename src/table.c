/* table.c — the resource management table (claim 3) and its invariants. */
#include "table.h"

#include <string.h>

void table_init(struct table *t, uint32_t nunits, uint64_t unit_bytes)
{
	memset(t, 0, sizeof *t);
	t->nunits = nunits;
	t->unit_bytes = unit_bytes;
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

int table_add(struct table *t, const char *name, enum row_kind kind, int vm,
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

void table_remove(struct table *t, int row)
{
	memset(&t->row[row], 0, sizeof t->row[row]);
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

int table_check(const struct table *t, const struct pool *p, struct err *e)
{
	uint64_t held = 0;

	if (t->nunits != p->nunits)
		return err_set(e, "table covers %u units, pool has %u", t->nunits, p->nunits);
	for (uint32_t u = 0; u < t->nunits; u++) {
		int owners = 0, first = -1;
		for (int i = 0; i < TABLE_MAX_ROWS; i++)
			if (t->row[i].used && units_contains(&t->row[i].units, u)) {
				if (owners++ == 0)
					first = i;
				else
					return err_set(e, "unit %u has two owners: '%s' and '%s'", u,
						       t->row[first].name, t->row[i].name);
			}
		if (owners && !pool_is_used(p, u))
			return err_set(e, "unit %u is held by '%s' but free in the pool", u,
				       t->row[first].name);
		if (!owners && pool_is_used(p, u))
			return err_set(e, "unit %u is allocated in the pool but in no row", u);
		held += (uint64_t)owners;
	}
	if (held + p->nfree != t->nunits)
		return err_set(e, "units not conserved: %llu held + %u unused != %u in the pool",
			       (unsigned long long)held, p->nfree, t->nunits);
	return 0;
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
