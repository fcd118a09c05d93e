/* test_table.c — the resource management table: rows, sums, ownership
 * changes and the invariant checks, against a real pool. No KVM needed. */
#include "table.h"
#include "tap.h"


static int add(struct table *t, struct pool *p, const char *name, enum row_kind k, int vm,
	       uint32_t n)
{
	struct units u;
	struct err e;
	if (pool_alloc(p, n, &u, &e))
		return -1;
	return table_add(t, name, k, vm, &u, &e);
}

int main(void)
{
	struct pool p;
	struct table t;
	struct err e;
	struct units u;

	pool_init(&p, 64 * MB, 2 * MB, &e);
	table_init(&t, p.nunits, p.unit_bytes);
	ok(table_check(&t, &p, &e) == 0, "an empty table is consistent");

	int vmm = add(&t, &p, "vmm", ROW_VMM, NO_VM, 1);
	int vm0 = add(&t, &p, "vm0", ROW_OS, 0, 8);
	int vm1 = add(&t, &p, "vm1", ROW_OS, 1, 2);
	ok(vmm >= 0 && vm0 >= 0 && vm1 >= 0, "vmm, vm0 and vm1 rows");
	ok(table_check(&t, &p, &e) == 0, "consistent after boot-like allocation");
	ok(row_bytes(&t, &t.row[vm0]) == 16 * MB, "vm0 holds 16 MB");
	ok(table_find(&t, "vm1") == vm1 && table_find(&t, "nope") == -1, "find by name");
	ok(table_owner_of(&t, 0) == vmm && table_owner_of(&t, 1) == vm0 &&
	   table_owner_of(&t, 9) == vm1 && table_owner_of(&t, 11) == -1, "owner of each unit");

	uint64_t sum = 0;
	for (int r = 0; r < TABLE_MAX_ROWS; r++)
		if (t.row[r].used)
			sum += row_bytes(&t, &t.row[r]);
	ok(sum + (uint64_t)p.nfree * p.unit_bytes == 64 * MB, "rows plus unused add up to the pool");

	units_parse("1", &u);
	ok(table_add(&t, "x", ROW_APP, 0, &u, &e) == -1, "a unit cannot have two rows");
	ok(strstr(e.msg, "vm0") != NULL, "the error names the holder: %s", e.msg);
	units_parse("20", &u);
	ok(table_add(&t, "vm0", ROW_APP, 0, &u, &e) == -1, "duplicate names refused");
	ok(table_add(&t, "", ROW_APP, 0, &u, &e) == -1, "empty name refused");
	ok(table_add(&t, "averyveryverylongname", ROW_APP, 0, &u, &e) == -1, "long name refused");
	units_parse("40", &u);
	ok(table_add(&t, "far", ROW_APP, 0, &u, &e) == -1, "unit outside the pool refused");

	/* A row whose units the pool never handed out breaks conservation. */
	units_parse("20", &u);
	int stray = table_add(&t, "stray", ROW_APP, 0, &u, &e);
	ok(stray >= 0, "a row the pool knows nothing about can be written");
	ok(table_check(&t, &p, &e) == -1, "but the check catches it");
	ok(strstr(e.msg, "unit 20") != NULL, "naming the unit: %s", e.msg);
	table_remove(&t, stray);

	/* A unit allocated in the pool but in no row is lost storage. */
	struct units lost;
	pool_alloc(&p, 1, &lost, &e);
	ok(table_check(&t, &p, &e) == -1, "an allocated unit in no row is caught");
	pool_free(&p, &lost, &e);
	ok(table_check(&t, &p, &e) == 0, "consistent again");

	/* Moving a row to another VM changes only where it is mapped. */
	table_units_of_vm(&t, 1, &u);
	char buf[64];
	units_format(&u, buf, sizeof buf);
	is_str(buf, "9-10", "vm1 maps its own units");
	t.row[vm0].vm = 1;
	table_units_of_vm(&t, 1, &u);
	units_format(&u, buf, sizeof buf);
	is_str(buf, "1-10", "after a move vm1 maps vm0's storage too");
	table_units_of_vm(&t, 0, &u);
	ok(u.nruns == 0, "and vm0 maps nothing");
	ok(table_check(&t, &p, &e) == 0, "ownership change keeps the invariants");

	for (int r = 0; r < TABLE_MAX_ROWS; r++)
		if (t.row[r].used) {
			pool_free(&p, &t.row[r].units, &e);
			table_remove(&t, r);
		}
	ok(p.nfree == p.nunits && table_check(&t, &p, &e) == 0, "everything returned");
	pool_destroy(&p);
	return done_testing();
}
