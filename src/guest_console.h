/* guest_console.h — the text of a guest's console line, built by the VMM
 * from the format and numbers the guest sent (VMFO_HC_CONSOLE). */
#ifndef VMFO_GUEST_CONSOLE_H
#define VMFO_GUEST_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "abi.h"

/* Room for the longest line: every byte of the format, and each number at
 * its widest (20 decimal digits). */
#define GUEST_CONSOLE_LINE (VMFO_CONSOLE_MAX + VMFO_CONSOLE_ARGS * 20 + 1)

/* Format fmt (len bytes, not NUL-terminated, from guest memory) with
 * arg[] into out (GUEST_CONSOLE_LINE bytes, NUL-terminated). Returns the
 * text's length, or -1 with *why set if the format is not one the ABI
 * allows; out then holds nothing useful. */
int guest_console_format(const char *fmt, size_t len, const uint64_t arg[VMFO_CONSOLE_ARGS],
			 char out[GUEST_CONSOLE_LINE], const char **why);

#endif
