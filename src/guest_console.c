/* guest_console.c — a guest's console line, formatted at host speed: the
 * guest's kernel runs at CPL0, where every instruction is emulated on
 * nested hosts, so it sends a format and numbers instead of text it built
 * a digit at a time (docs/protocol.md, "Console"). The format comes from
 * guest memory and is trusted no further than its length. */
#include "guest_console.h"

#include <inttypes.h>
#include <stdio.h>

int guest_console_format(const char *fmt, size_t len, const uint64_t arg[VMFO_CONSOLE_ARGS],
			 char out[GUEST_CONSOLE_LINE], const char **why)
{
	size_t n = 0;
	int used = 0;

	for (size_t i = 0; i < len; i++) {
		if (fmt[i] != '%') {
			out[n++] = fmt[i];
			continue;
		}
		if (++i == len) {
			*why = "console: format ends in %";
			return -1;
		}
		if (fmt[i] == '%') {
			out[n++] = '%';
			continue;
		}
		if (fmt[i] != 'u' && fmt[i] != 'x') {
			*why = "console: format has a conversion other than %u, %x or %%";
			return -1;
		}
		if (used == VMFO_CONSOLE_ARGS) {
			*why = "console: format has more conversions than numbers";
			return -1;
		}
		/* Each number takes at most 20 characters for the two bytes of
		 * its conversion: GUEST_CONSOLE_LINE has room for all six. */
		n += (size_t)snprintf(out + n, GUEST_CONSOLE_LINE - n, fmt[i] == 'u' ? "%" PRIu64 : "%" PRIx64,
				      arg[used++]);
	}
	out[n] = '\0';
	return (int)n;
}
