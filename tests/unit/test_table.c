/* test_table.c — the resource management table: rows, sums, the verbs
 * that change ownership (each refusing without changing anything), the
 * invariant checks, and the table's layout in main storage (its home in
 * the VMM's unit), against a real pool. No KVM needed. */
#include "table.h"
#include "tap.h"

static const char *fmt(const struct units *u)
{
	static char buf[256];
	units_format(u, buf, sizeof buf);
	return buf;
}

static const char *row_units(const struct table *t, int row)
{
	return fmt(&t->row[row].units);
}


static int add(struct table *t, struct pool *p, const char *name, enum row_kind k, int vm,
	       uint32_t n)
{
	struct units u;
	struct err e;
	if (pool_alloc(p, n, &u, &e))
		return -1;
	return table_add(t, name, k, vm, &u, &e);
}

/* The verbs, on vm0 = units 1-8 and vm1 = 9-10 of a 32-unit pool. */
static void test_verbs(struct table *t, struct pool *p, int vm0, int vm1)
{
	struct err e;
	struct units u, got;
	uint32_t nfree = p->nfree;

	/* split: an app's region out of its OS's free storage (claim 5). */
	units_parse("3-4", &u);
	int db = table_split(t, vm0, "db", ROW_APP, 0, &u, &e);
	ok(db >= 0, "split db out of vm0");
	is_str(row_units(t, vm0), "1-2,5-8", "vm0 keeps the rest");
	is_str(row_units(t, db), "3-4", "db holds 3-4");
	ok(t->row[db].vm == 0 && t->row[db].control == 0 && t->row[db].takeover == NO_VM,
	   "db mapped in and controlled by vm0, taken over by nobody yet");
	ok(p->nfree == nfree, "a split takes nothing from the pool");
	units_parse("9", &u);
	ok(table_split(t, vm0, "web", ROW_APP, 0, &u, &e) == -1, "a split of units the row lacks is refused");
	ok(strstr(e.msg, "'vm0' does not hold all of units 9") != NULL, "saying so: %s", e.msg);
	units_parse("5", &u);
	ok(table_split(t, vm0, "db", ROW_APP, 0, &u, &e) == -1, "a split to a name in use is refused");
	is_str(row_units(t, vm0), "1-2,5-8", "and gives the units back");

	/* move: an app grows out of its OS's storage, and shrinks back. */
	units_parse("5-6", &u);
	ok(table_move(t, vm0, db, &u, &e) == 0, "move 5-6 from vm0 to db");
	is_str(row_units(t, db), "3-6", "db grew");
	is_str(row_units(t, vm0), "1-2,7-8", "vm0 shrank");
	ok(table_move(t, vm0, db, &u, &e) == -1, "moving units the row no longer holds is refused");
	ok(table_move(t, db, db, &u, &e) == -1, "a move onto the same row is refused");
	units_parse("6", &u);
	ok(table_move(t, db, vm0, &u, &e) == 0, "move 6 back");
	is_str(row_units(t, vm0), "1-2,6-8", "vm0 has it again");

	/* takeover, hot, park (claims 3, 8). */
	table_set_takeover(t, db, 1);
	table_set_hot(t, db, true);
	ok(t->row[db].takeover == 1 && t->row[db].hot, "db: taken over by vm1, hot");
	table_drop_takeover(t, 1);
	ok(t->row[db].takeover == NO_VM, "vm1 failed: it takes nothing over");
	table_set_takeover_of_vm(t, 0, 1);
	ok(t->row[db].takeover == 1 && t->row[vm0].takeover == NO_VM,
	   "every app row on vm0 (only those) taken over by vm1");
	table_park(t, db);
	ok(t->row[db].vm == NO_VM && t->row[db].control == NO_VM && t->row[db].takeover == NO_VM,
	   "parked: mapped nowhere, no controller, no takeover");
	table_place(t, db, 1);
	ok(t->row[db].vm == 1, "unparked into vm1");
	table_place(t, db, 0);

	/* alloc and free: storage from and back to the pool (claim 5). */
	ok(table_alloc(t, vm1, 2, 1, &got, &e) == 0, "vm1 gets 2 more units");
	is_str(fmt(&got), "11-12", "the lowest free run");
	is_str(row_units(t, vm1), "9-12", "joined to vm1's row");
	ok(p->nfree == nfree - 2, "taken from the pool");
	ok(table_alloc(t, vm1, p->nunits, 64, &got, &e) == -1 && p->nfree == nfree - 2,
	   "more than the pool has: refused, nothing taken");
	units_parse("12", &u);
	ok(table_free(t, vm1, &u, &e) == 0 && p->nfree == nfree - 1, "unit 12 back to the pool");
	is_str(row_units(t, vm1), "9-11", "vm1 without it");
	ok(table_free(t, vm1, &u, &e) == -1 && p->nfree == nfree - 1,
	   "freeing a unit the row does not hold is refused");
	struct units gap;
	units_parse("12", &gap);
	int hole = table_alloc_row(t, "hole", ROW_APP, NO_VM, 1, &got, &e);
	ok(hole >= 0, "a row of its own from the pool");
	is_str(fmt(&got), "12", "the unit just freed");
	ok(table_alloc(t, vm1, 2, 1, &got, &e) == 0, "2 units in one run");
	is_str(fmt(&got), "13-14", "after the hole");
	ok(table_free_row(t, hole, &got, &e) == 0 && !t->row[hole].used, "a row and its units back");
	is_str(fmt(&got), "12", "what went back");
	int frag = table_alloc_row(t, "frag", ROW_APP, NO_VM, 1, &got, &e);
	units_parse("12", &u);
	ok(table_free(t, frag, &u, &e) == 0, "an empty row");
	ok(table_alloc(t, vm1, 3, 1, &got, &e) == 0, "3 units, one run");
	is_str(fmt(&got), "15-17", "the hole at 12 is too small");
	ok(table_alloc(t, frag, 2, 1, &got, &e) == 0, "a run of 2 after the hole");
	ok(table_alloc(t, vm1, 13, 1, &got, &e) == -1, "units that come in two runs refused with max 1");
	ok(strstr(e.msg, "more than 1 runs") != NULL, "saying so: %s", e.msg);
	ok(table_check(t, p, &e) == 0, "and nothing was taken: %s", e.msg);
	table_free_row(t, frag, NULL, &e);
	units_parse("11,13-17", &u);
	ok(table_free(t, vm1, &u, &e) == 0, "vm1 back to 9-10");
	is_str(row_units(t, vm1), "9-10", "as it was");

	/* absorb: a row's units join another's (app back to its OS, failed
	 * OS into the survivor). */
	ok(table_absorb(t, vm0, db, &e) == 0 && !t->row[db].used, "db's storage back to vm0");
	is_str(row_units(t, vm0), "1-8", "vm0 whole again");
	ok(table_absorb(t, vm0, db, &e) == -1, "absorbing a removed row is refused");
	ok(table_absorb(t, vm0, vm0, &e) == -1, "absorbing a row into itself is refused");

	ok(table_check(t, p, &e) == 0, "consistent after the verbs: %s", e.msg);
	ok(p->nfree == nfree, "every unit the verbs took went back");
	ok(t->row[vm1].used && t->row[vm0].used, "vm0 and vm1 still there");
}

/* A row with as many runs as a unit set holds: whatever would need one
 * more run is refused and nothing changes; no unit is ever dropped. */
static void test_overflow(void)
{
	struct pool p;
	struct table t;
	struct err e;
	struct units u, odd, got;

	pool_init(&p, 512 * MB, 2 * MB, &e);
	table_init(&t, &p);
	int a = table_alloc_row(&t, "a", ROW_APP, 0, 2 * UNITS_MAX_RUNS, &got, &e);
	units_clear(&odd);
	for (uint32_t i = 1; i < 2 * UNITS_MAX_RUNS; i += 2)
		units_add_run(&odd, i, 1);
	int b = table_split(&t, a, "b", ROW_APP, 0, &odd, &e);
	ok(a >= 0 && b >= 0 && t.row[a].units.nruns == UNITS_MAX_RUNS,
	   "a holds the even units: %u runs", t.row[a].units.nruns);
	int c = table_alloc_row(&t, "c", ROW_APP, 0, 1, &got, &e);
	is_str(fmt(&got), "128", "c holds unit 128");
	ok(table_absorb(&t, a, c, &e) == -1, "a cannot absorb c: one run too many");
	ok(strstr(e.msg, "too many runs") != NULL, "saying so: %s", e.msg);
	ok(t.row[c].used && units_count(&t.row[a].units) == UNITS_MAX_RUNS, "nothing changed");
	ok(table_move(&t, c, a, &got, &e) == -1 && t.row[c].used && units_count(&t.row[c].units) == 1,
	   "nor can c's unit move to a");
	ok(table_alloc(&t, a, 1, 1, &got, &e) == -1 && p.nfree == p.nunits - 2 * UNITS_MAX_RUNS - 1,
	   "nor can a get a new unit from the pool, which keeps it");
	units_parse("0", &u);
	ok(table_split(&t, a, "d", ROW_APP, 0, &u, &e) >= 0, "a run fewer ...");
	ok(table_absorb(&t, a, c, &e) == 0, "... and c fits");
	ok(table_check(&t, &p, &e) == 0, "consistent throughout: %s", e.msg);
	table_clear(&t);
	ok(p.nfree == p.nunits, "all back in the pool");
	pool_destroy(&p);
}

/* The table in main storage (claim 3): once it has a home unit, its rows
 * are the bytes at TABLE_OFFSET of that unit, in table_layout.h's layout;
 * the verbs change those bytes and nothing else; the unit never leaves the
 * VMM's row, and table_clear brings the table back out before it goes. */
static void test_home(void)
{
	struct pool p;
	struct table t;
	struct err e;
	struct units u, got;

	pool_init(&p, 64 * MB, 2 * MB, &e);
	table_init(&t, &p);
	ok(table_home(&t) == TABLE_NO_HOME && t.store == &t.fallback, "before boot: no home unit");
	ok(memcmp(t.store->hdr.magic, TABLE_MAGIC, TABLE_MAGIC_LEN) == 0 && t.store->hdr.used == 0,
	   "an empty table's header, in the fallback");
	int vmm = table_alloc_home(&t, "vmm", &got, &e);
	ok(vmm >= 0 && table_home(&t) == 0, "the VMM's unit 0 is the table's home");
	const uint8_t *at = (const uint8_t *)pool_hva(&p, 0) + TABLE_OFFSET;
	ok((const uint8_t *)t.store == at && (const uint8_t *)t.row == at + 64,
	   "the table lies at offset 0x%x of unit 0, its rows 64 bytes on", TABLE_OFFSET);
	ok(memcmp(at, "VMFOTABL", 8) == 0, "the bytes there start with the magic");
	uint32_t word[8];
	memcpy(word, at + 8, sizeof word);
	ok(word[0] == TABLE_VERSION && word[1] == 64 && word[2] == 548 &&
	   word[3] == TABLE_MAX_ROWS && word[4] == 1 && word[5] == 32,
	   "header: version 1, 64-byte header, 548-byte rows, 40 slots, 1 in use, 32 units");
	uint64_t ub;
	memcpy(&ub, at + 0x20, 8);
	memcpy(word, at + 0x28, 4);
	ok(ub == 2 * MB && word[0] == 0, "2 MB units; home unit 0");
	bool empty = true;
	for (size_t i = 0; i < sizeof t.fallback; i++)
		empty &= ((const uint8_t *)&t.fallback)[i] == 0;
	ok(empty, "one table: the fallback it left holds nothing");
	ok(table_alloc_home(&t, "vmm2", &got, &e) == -1, "a second home is refused: %s", e.msg);

	int vm0 = table_alloc_row(&t, "vm0", ROW_OS, 0, 8, &got, &e);
	units_parse("3-4", &u);
	int db = table_split(&t, vm0, "db", ROW_APP, 0, &u, &e);
	const uint8_t *r = at + 64 + (size_t)db * 548;
	ok(r[0] == 1 && r[1] == ROW_APP && strcmp((const char *)r + 0x10, "db") == 0,
	   "db's row in storage: used, kind app, its name at +0x10");
	uint32_t runs[3];
	memcpy(runs, r + 0x20, sizeof runs);
	ok(runs[0] == 1 && runs[1] == 3 && runs[2] == 2, "its units at +0x20: one run, 3, 2 units");
	table_set_hot(&t, db, true);
	table_set_takeover(&t, db, 1);
	int32_t tk;
	memcpy(&tk, r + 0x0c, 4);
	ok(r[2] == 1 && tk == 1, "the verbs write the storage: hot at +0x02, takeover at +0x0c");
	struct table_header h;
	memcpy(&h, at, sizeof h);
	ok(h.used == 3, "the header counts 3 rows in use");

	/* The snapshot's copy holds the rows, not a pointer to them. */
	static struct table copy;
	table_copy(&copy, &t);
	ok(copy.row != t.row && copy.pool == NULL && copy.row[db].hot && table_home(&copy) == 0,
	   "a copy has rows of its own, no pool, the same home");
	table_set_hot(&t, db, false);
	ok(copy.row[db].hot && !t.row[db].hot, "a change after the copy is not in it");

	/* The table's unit stays the VMM's, mapped in no VM. */
	units_parse("0", &u);
	ok(table_free(&t, vmm, &u, &e) == -1, "its unit is not freed: %s", e.msg);
	ok(table_free_row(&t, vmm, NULL, &e) == -1, "nor its row");
	ok(table_move(&t, vmm, vm0, &u, &e) == -1, "nor moved to an OS");
	ok(table_split(&t, vmm, "x", ROW_APP, 0, &u, &e) == -1, "nor split off as an app");
	ok(table_absorb(&t, vm0, vmm, &e) == -1, "nor absorbed by an OS");
	table_place(&t, vmm, 0);
	ok(t.row[vmm].vm == NO_VM, "nor mapped in a VM");
	ok(table_check(&t, &p, &e) == 0 && p.used[0], "unchanged, consistent: %s", e.msg);

	/* table_check reads the header too. */
	t.store->hdr.used++;
	ok(table_check(&t, &p, &e) == -1 && strstr(e.msg, "counts 4 rows"),
	   "a wrong count is caught: %s", e.msg);
	t.store->hdr.used--;
	t.store->hdr.magic[0] = 'X';
	ok(table_check(&t, &p, &e) == -1 && strstr(e.msg, "header"), "a broken magic is caught: %s",
	   e.msg);
	t.store->hdr.magic[0] = 'V';

	table_clear(&t);
	ok(t.store == &t.fallback && table_home(&t) == TABLE_NO_HOME && t.store->hdr.used == 0 &&
	   p.nfree == p.nunits && table_check(&t, &p, &e) == 0,
	   "reset: the table back in the fallback, empty, every unit in the pool");
	ok(table_alloc_home(&t, "vmm", &got, &e) >= 0 && table_home(&t) == 0,
	   "and a new boot houses it again");
	table_clear(&t);
	pool_destroy(&p);
}

int main(void)
{
	struct pool p;
	struct table t;
	struct err e;
	struct units u;

	pool_init(&p, 64 * MB, 2 * MB, &e);
	table_init(&t, &p);
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

	/* A row whose units the pool never handed out would break
	 * conservation: refused. Written by hand, the check catches it. */
	units_parse("20", &u);
	ok(table_add(&t, "stray", ROW_APP, 0, &u, &e) == -1, "units the pool never handed out are refused");
	ok(strstr(e.msg, "unit 20") != NULL, "naming the unit: %s", e.msg);
	struct units had = t.row[vm1].units;
	units_add_run(&t.row[vm1].units, 20, 1);
	ok(table_check(&t, &p, &e) == -1, "a unit held but free in the pool is caught");
	ok(strstr(e.msg, "unit 20") != NULL, "naming the unit: %s", e.msg);
	t.row[vm1].units = had;
	units_add_run(&t.row[vm1].units, 1, 1);
	ok(table_check(&t, &p, &e) == -1, "a unit in two rows is caught");
	is_str(e.msg, "unit 1 has two owners: 'vm0' and 'vm1'", "naming both");
	t.row[vm1].units = had;

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
	int controlled_by = t.row[vm0].control;
	table_place(&t, vm0, 1);
	ok(t.row[vm0].vm == 1 && t.row[vm0].control == controlled_by,
	   "placed: mapped in vm1, still controlled as before (until vm1 reports it)");
	table_set_control(&t, vm0, 1);
	ok(t.row[vm0].control == 1, "controlled by vm1 once it reports");
	table_units_of_vm(&t, 1, &u);
	units_format(&u, buf, sizeof buf);
	is_str(buf, "1-10", "after a move vm1 maps vm0's storage too");
	table_units_of_vm(&t, 0, &u);
	ok(u.nruns == 0, "and vm0 maps nothing");
	ok(table_check(&t, &p, &e) == 0, "ownership change keeps the invariants");
	table_place(&t, vm0, 0);

	test_verbs(&t, &p, vm0, vm1);

	table_clear(&t);
	ok(p.nfree == p.nunits && table_check(&t, &p, &e) == 0, "everything returned");
	bool none = true;
	for (int r = 0; r < TABLE_MAX_ROWS; r++)
		none &= !t.row[r].used;
	ok(none, "every row removed");
	test_overflow();
	test_home();
	pool_destroy(&p);
	return done_testing();
}
