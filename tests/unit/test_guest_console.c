/* test_guest_console.c — the VMM's formatting of a guest's console line
 * (VMFO_HC_CONSOLE): what a well-behaved kernel sends, and every way a
 * format from guest memory can be wrong. No KVM needed. */
#include <string.h>

#include "../../src/guest_console.h"
#include "tap.h"

#define is_int(got, want, ...) do { \
	int g_ = (got), w_ = (want); \
	ok(g_ == w_, __VA_ARGS__); \
	if (g_ != w_) \
		printf("#   got %d, want %d\n", g_, w_); \
} while (0)

static const char *why;
static char out[GUEST_CONSOLE_LINE];

static int fmt(const char *f, const uint64_t arg[VMFO_CONSOLE_ARGS])
{
	why = NULL;
	return guest_console_format(f, strlen(f), arg, out, &why);
}

int main(void)
{
	const uint64_t none[VMFO_CONSOLE_ARGS] = { 0 };
	const uint64_t nums[VMFO_CONSOLE_ARGS] = { 1, 22, 0xbeef, 0, UINT64_MAX, 7 };
	const uint64_t max[VMFO_CONSOLE_ARGS] = { UINT64_MAX, UINT64_MAX, UINT64_MAX,
						   UINT64_MAX, UINT64_MAX, UINT64_MAX };

	is_int(fmt("engaged units", none), 13, "plain text: its length");
	is_str(out, "engaged units", "plain text as sent");
	fmt("vm%u active, %u MiB, rip 0x%x, %u, %u, %u%%", nums);
	is_str(out, "vm1 active, 22 MiB, rip 0xbeef, 0, 18446744073709551615, 7%", "six numbers, decimal and hex, and %%%%");
	is_int(fmt("%u%u%u%u%u%u", max), 120, "six of the widest numbers fit");
	is_int((int)strlen(out), 120, "and the text ends where it says");

	char full[VMFO_CONSOLE_MAX + 1];
	memset(full, 'a', VMFO_CONSOLE_MAX);
	memcpy(full, "%u%u%u%u%u%u", 12);
	full[VMFO_CONSOLE_MAX] = '\0';
	is_int(fmt(full, max), VMFO_CONSOLE_MAX - 12 + 120, "the longest format with the widest numbers fits");

	/* Not NUL-terminated: only len bytes are read. */
	is_int(guest_console_format("abc%u", 3, nums, out, &why), 3, "only len bytes of the format are read");
	is_str(out, "abc", "the conversion past len is not seen");

	is_int(fmt("%u %u %u %u %u %u %u", nums), -1, "seven conversions for six numbers: refused");
	is_str(why, "console: format has more conversions than numbers", "with its reason");
	is_int(fmt("%s", nums), -1, "a %%s conversion: refused");
	is_str(why, "console: format has a conversion other than %u, %x or %%", "with its reason");
	is_int(fmt("100%", nums), -1, "a trailing %%: refused");
	is_str(why, "console: format ends in %", "with its reason");
	return done_testing();
}
