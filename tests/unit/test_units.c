/* test_units.c — unit sets: runs, merging, removal, text form. */
#include "tap.h"
#include "units.h"

static const char *fmt(const struct units *u)
{
	static char buf[256];
	units_format(u, buf, sizeof buf);
	return buf;
}

int main(void)
{
	struct units u, v;

	units_clear(&u);
	is_str(fmt(&u), "-", "empty set formats as -");
	ok(units_add_run(&u, 4, 4) == 0, "add 4-7");
	ok(units_add_run(&u, 12, 4) == 0, "add 12-15");
	is_str(fmt(&u), "4-7,12-15", "two runs");
	ok(units_add_run(&u, 6, 2) == -1, "overlap rejected");
	ok(units_add_run(&u, 0, 0) == -1, "empty run rejected");
	ok(units_add_run(&u, 8, 4) == 0, "filling the gap");
	is_str(fmt(&u), "4-15", "adjacent runs merge");
	ok(units_count(&u) == 12, "count 12");
	ok(units_contains(&u, 4) && units_contains(&u, 15) && !units_contains(&u, 16) &&
	   !units_contains(&u, 3), "contains at the edges");

	ok(units_parse("3,5-6,9", &v) == 0, "parse 3,5-6,9");
	is_str(fmt(&v), "3,5-6,9", "round trip");
	ok(units_parse("5-3", &v) == -1, "reversed range rejected");
	ok(units_parse("4,2", &v) == -1, "unordered rejected");
	ok(units_parse("1,,2", &v) == -1, "empty item rejected");
	ok(units_parse("x", &v) == -1, "junk rejected");
	ok(units_parse("2-4,4", &v) == -1, "overlap rejected");
	ok(units_parse("-", &v) == 0 && v.nruns == 0, "- is the empty set");

	units_parse("4-15", &u);
	units_parse("6-7,10", &v);
	ok(units_remove(&u, &v) == 0, "remove inner units");
	is_str(fmt(&u), "4-5,8-9,11-15", "holes punched");
	units_parse("1", &v);
	ok(units_remove(&u, &v) == -1, "removing a unit not held fails");
	is_str(fmt(&u), "4-5,8-9,11-15", "and changes nothing");
	units_parse("6-7,10", &v);
	ok(units_merge(&u, &v) == 0, "merge back");
	is_str(fmt(&u), "4-15", "whole again");
	ok(units_merge(&u, &v) == -1, "merging overlapping sets fails");

	struct units a, b;
	units_parse("1-2", &a);
	units_parse("1-2", &b);
	ok(units_equal(&a, &b), "equal sets");
	units_parse("1", &b);
	ok(!units_equal(&a, &b), "unequal sets");

	/* The run table is bounded; overflowing it fails cleanly. */
	units_clear(&u);
	int rc = 0;
	for (uint32_t i = 0; i < UNITS_MAX_RUNS; i++)
		rc |= units_add_run(&u, i * 2, 1);
	ok(rc == 0 && u.nruns == UNITS_MAX_RUNS, "fill the run table");
	ok(units_add_run(&u, 1000, 1) == -1, "one run too many is refused");
	ok(units_add_run(&u, 1, 1) == 0 && u.nruns == UNITS_MAX_RUNS - 1,
	   "a unit that joins two runs still fits");
	return done_testing();
}
