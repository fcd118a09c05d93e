/* test_pool.c — the storage pool: allocation, runs, exhaustion, bad sizes,
 * conservation of units, zeroed reuse. No KVM needed. */
#include "pool.h"
#include "tap.h"


static const char *fmt(const struct units *u)
{
	static char buf[256];
	units_format(u, buf, sizeof buf);
	return buf;
}

int main(void)
{
	struct pool p;
	struct err e;
	struct units a, b, c, d;

	ok(pool_init(&p, 16 * MB, 1 * MB, &e) == -1, "1 MiB units are refused");
	ok(strstr(e.msg, "multiple of 2048 KiB") != NULL, "with a reason: %s", e.msg);
	ok(pool_init(&p, 15 * MB, 2 * MB, &e) == -1, "a pool that is not whole units is refused");
	ok(pool_init(&p, 0, 2 * MB, &e) == -1, "an empty pool is refused");

	ok(pool_init(&p, 32 * MB, 2 * MB, &e) == 0, "32 MiB pool of 2 MiB units");
	ok(p.nunits == 16 && p.nfree == 16, "16 units, all free");
	ok(((uintptr_t)p.base & (POOL_ALIGN - 1)) == 0, "units start on a 2 MiB boundary");

	ok(pool_alloc(&p, 4, &a, &e) == 0, "take 4");
	is_str(fmt(&a), "0-3", "lowest run");
	ok(pool_alloc(&p, 2, &b, &e) == 0, "take 2");
	is_str(fmt(&b), "4-5", "next run");
	ok(pool_alloc(&p, 4, &c, &e) == 0, "take 4 more");
	is_str(fmt(&c), "6-9", "contiguous");
	ok(p.nfree == 6, "6 left");

	/* Fragment: free the 2 in the middle, then ask for more than any run. */
	memset(pool_hva(&p, 4), 0x5a, 2 * MB);
	ok(pool_free(&p, &b, &e) == 0, "give back 4-5");
	ok(pool_alloc(&p, 7, &d, &e) == 0, "7 units come from two runs");
	is_str(fmt(&d), "4-5,10-14", "lowest free units");
	ok(((uint8_t *)pool_hva(&p, 4))[0] == 0 && ((uint8_t *)pool_hva(&p, 5))[2 * MB - 1] == 0,
	   "a reused unit starts zeroed, not with the last owner's data");
	ok(pool_free(&p, &d, &e) == 0, "free them");

	ok(pool_alloc(&p, 20, &d, &e) == -1, "more than the pool: refused");
	ok(strstr(e.msg, "exhausted") != NULL, "exhaustion named: %s", e.msg);
	ok(p.nfree == 8, "and nothing taken");
	ok(pool_alloc(&p, 0, &d, &e) == -1, "zero units refused");

	ok(pool_free(&p, &b, &e) == -1, "double free refused");
	ok(p.nfree == 8, "and nothing changed");
	struct units bogus;
	units_parse("99", &bogus);
	ok(pool_free(&p, &bogus, &e) == -1, "freeing a unit outside the pool refused");

	struct units fr;
	ok(pool_free_units(&p, &fr) == 0, "free set listed");
	is_str(fmt(&fr), "4-5,10-15", "free set");
	ok(units_count(&fr) + units_count(&a) + units_count(&c) == p.nunits,
	   "units conserved: held + free = pool");

	ok(pool_free(&p, &a, &e) == 0 && pool_free(&p, &c, &e) == 0, "free everything");
	ok(p.nfree == p.nunits, "all free again");
	pool_destroy(&p);
	return done_testing();
}
