/* needs.h — claim 5's arithmetic as the VMM sees it. The active OS
 * computes an app's storage from its program's needs (guests/needs.c):
 *   bytes = fixed_bytes + item_bytes x items, rounded up to whole units.
 * The VMM never computes a size itself: it checks that what an OS reports
 * adds up, and shows it. */
#ifndef VMFO_NEEDS_H
#define VMFO_NEEDS_H

#include <stddef.h>
#include <stdint.h>

#include "abi.h"

/* How much storage an app is to get: the shorthand, a size in MB that the
 * VMM names; or (mb 0) as much as the active OS computes its program needs
 * for `items` of its item (0 at a start: the program's default). */
struct vmfo_app_size {
	uint64_t mb;
	uint64_t items;
	const char *item;  /* the item's name as the user wrote it (checked
			    * against the program's), or NULL: not named */
	/* OUT, with mb 0: what the OS computed (its answer, for messages;
	 * mb 0: nothing, or more than 64 bits hold). */
	struct {
		uint64_t items, bytes, mb;
		char item[16];
	} got;
};

/* NULL if c adds up for a program that needs n, in units of unit_bytes:
 * the program's own figures and item, bytes = fixed + per item x items
 * (no overflow), units = bytes in whole units. Else why not. */
const char *needs_calc_wrong(const struct vmfo_need_calc *c, const struct vmfo_prog_needs *n,
			     uint64_t unit_bytes);
/* The storage a program needs at its default item count, in whole units
 * of unit_bytes, in bytes (claim 1: what the standby must not already
 * have). 0 when it overflows. */
uint64_t needs_default_bytes(const struct vmfo_prog_needs *n, uint64_t unit_bytes);
/* How c was computed, as one word: "records=100000x32B+132KiB". */
void needs_how(const struct vmfo_need_calc *c, char *buf, size_t size);
/* A size as one word, in the largest unit it is a whole number of:
 * "32B", "132KiB", "1MiB". */
void needs_size_text(uint64_t bytes, char *buf, size_t size);

#endif
