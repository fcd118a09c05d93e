/* fuzz_lua.c — libFuzzer harness for the Lua API's argument checks: every
 * vmfo.* function called with arbitrary Lua expressions as arguments must
 * raise a clean Lua error or work, never crash. Nothing is booted and
 * there is no KVM. Input: a function index byte, then the argument text. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fuzz_vmfo.h"
#include "script.h"

static struct vmfo m;
static struct script *lua;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fns[] = { "boot", "app", "grow", "fault", "wait", "check", "claim",
					   "table", "owner", "role", "app_state", "trace", "sleep",
					   "reset", "reprotect", "cmd" };
	if (!lua) {
		fake_vmfo_init(&m, 64);
		FILE *devnull = fopen("/dev/null", "w");
		lua = script_new(&m, devnull, devnull, cmd_capture);
	}
	if (size < 1 || size > 512)
		return 0;
	const char *fn = fns[data[0] % (sizeof fns / sizeof fns[0])];
	if (!strcmp(fn, "sleep") || !strcmp(fn, "wait"))
		return 0; /* they only wait */
	char code[700];
	snprintf(code, sizeof code, "pcall(vmfo.%s, %.*s)", fn, (int)size - 1, (const char *)data + 1);
	if (!strstr(code, "while") && !strstr(code, "for") && !strstr(code, "repeat") &&
	    !strstr(code, "goto") && !strstr(code, "function"))
		script_run_string(lua, code);
	return 0;
}
