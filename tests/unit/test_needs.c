/* test_needs.c — the VMM's check of what an OS says it computed from a
 * program's needs (claim 5), and how os.report words it. */
#include "needs.h"
#include "tap.h"

#include <stdint.h>

#define UNIT (2u << 20)

int main(void)
{
	const struct vmfo_prog_needs ledger = { .magic = VMFO_NEEDS_MAGIC, .fixed_bytes = 0x21000,
						.item_bytes = 32, .item_default = 100000,
						.item_min = 2, .item = "records" };
	const struct vmfo_need_calc good = { .items = 100000, .item_bytes = 32,
					     .fixed_bytes = 0x21000, .bytes = 3335168, .units = 2,
					     .item = "records" };
	struct vmfo_need_calc c;
	char buf[96];

	ok(needs_calc_wrong(&good, &ledger, UNIT) == NULL, "100000 records: 3335168 bytes, 2 units");
	needs_how(&good, buf, sizeof buf);
	is_str(buf, "records=100000x32B+132KiB", "how= words it");

	c = good;
	c.units = 3;
	is_str(needs_calc_wrong(&c, &ledger, UNIT), "its units are not its bytes in whole units",
	       "a unit more than the bytes need");
	c = good;
	c.bytes = 3335167;
	is_str(needs_calc_wrong(&c, &ledger, UNIT), "its bytes are not fixed + per item x items",
	       "bytes that do not add up");
	c = good;
	c.item_bytes = 16;
	c.bytes = 0x21000 + 16 * 100000;
	is_str(needs_calc_wrong(&c, &ledger, UNIT), "not the program's own needs",
	       "another program's figures");
	c = good;
	memcpy(c.item, "keys", 5);
	is_str(needs_calc_wrong(&c, &ledger, UNIT), "not the program's own needs", "another item");
	c = good;
	memset(c.item, 'r', sizeof c.item);
	is_str(needs_calc_wrong(&c, &ledger, UNIT), "not the program's own needs",
	       "an item name with no end");
	c = good;
	c.items = 1;
	c.bytes = 0x21000 + 32;
	c.units = 1;
	is_str(needs_calc_wrong(&c, &ledger, UNIT), "fewer items than the program works with",
	       "below the minimum");
	c = good;
	c.items = UINT64_MAX / 16;
	c.bytes = 0x21000 + 32 * c.items; /* wraps */
	c.units = c.bytes / UNIT + (c.bytes % UNIT != 0);
	is_str(needs_calc_wrong(&c, &ledger, UNIT), "its bytes are not fixed + per item x items",
	       "a count whose bytes overflow");
	ok(needs_calc_wrong(&good, NULL, UNIT) != NULL, "a program without needs");

	needs_size_text(1048576, buf, sizeof buf);
	is_str(buf, "1MiB", "1 MiB");
	needs_size_text(1536, buf, sizeof buf);
	is_str(buf, "1536B", "1536 bytes: not a whole KiB");
	needs_size_text(3072, buf, sizeof buf);
	is_str(buf, "3KiB", "3 KiB");
	return done_testing();
}
