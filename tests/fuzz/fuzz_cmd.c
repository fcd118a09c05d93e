/* fuzz_cmd.c — libFuzzer harness for the console command parser: any line
 * gets a result or one error line, never a crash. No KVM: nothing is
 * booted, and a boot fails on the closed KVM descriptor. Commands that
 * sleep or wait are left out (they would only time out). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fuzz_vmfo.h"

static struct vmfo m;
static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!devnull) {
		fake_vmfo_init(&m, 64);
		devnull = fopen("/dev/null", "w");
	}
	char *line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	if (!strstr(line, "sleep") && !strstr(line, "wait") && !strstr(line, "lua") &&
	    !strstr(line, "run") && !strstr(line, "step")) {
		struct cmd_ctx c = { .m = &m, .out = devnull, .err = devnull, .in_script = true };
		cmd_exec_list(&c, line);
	}
	free(line);
	return 0;
}
