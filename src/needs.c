/* needs.c — checking and showing what an OS computed from a program's
 * needs (needs.h). Claim served: 5. */
#include "needs.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* fixed + per x items into *bytes; false when that does not fit in 64
 * bits. */
static bool need_bytes(uint64_t fixed, uint64_t per, uint64_t items, uint64_t *bytes)
{
	if (per && items > (UINT64_MAX - fixed) / per)
		return false;
	*bytes = fixed + per * items;
	return true;
}

/* bytes in whole units, rounded up. */
static uint64_t whole_units(uint64_t bytes, uint64_t unit_bytes)
{
	return bytes / unit_bytes + (bytes % unit_bytes != 0);
}

const char *needs_calc_wrong(const struct vmfo_need_calc *c, const struct vmfo_prog_needs *n,
			     uint64_t unit_bytes)
{
	if (!n || n->item_bytes == 0)
		return "the program declares no needs";
	if (c->item_bytes != n->item_bytes || c->fixed_bytes != n->fixed_bytes ||
	    memchr(c->item, '\0', sizeof c->item) == NULL ||
	    strncmp(c->item, n->item, sizeof c->item) != 0)
		return "not the program's own needs";
	if (c->items < n->item_min)
		return "fewer items than the program works with";
	uint64_t bytes;
	if (!need_bytes(c->fixed_bytes, c->item_bytes, c->items, &bytes) || c->bytes != bytes)
		return "its bytes are not fixed + per item x items";
	if (c->units != whole_units(c->bytes, unit_bytes))
		return "its units are not its bytes in whole units";
	return NULL;
}

void needs_size_text(uint64_t bytes, char *buf, size_t size)
{
	static const char *const suffix[] = { "B", "KiB", "MiB", "GiB" };
	int i = 0;
	while (i < 3 && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		i++;
	}
	snprintf(buf, size, "%" PRIu64 "%s", bytes, suffix[i]);
}

void needs_how(const struct vmfo_need_calc *c, char *buf, size_t size)
{
	char per[32], fixed[32];
	needs_size_text(c->item_bytes, per, sizeof per);
	needs_size_text(c->fixed_bytes, fixed, sizeof fixed);
	snprintf(buf, size, "%.*s=%" PRIu64 "x%s+%s", (int)sizeof c->item, c->item, c->items, per,
		 fixed);
}

uint64_t needs_default_bytes(const struct vmfo_prog_needs *n, uint64_t unit_bytes)
{
	uint64_t bytes;
	if (!need_bytes(n->fixed_bytes, n->item_bytes, n->item_default, &bytes))
		return 0;
	return whole_units(bytes, unit_bytes) * unit_bytes;
}
