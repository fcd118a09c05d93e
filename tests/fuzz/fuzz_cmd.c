/* fuzz_cmd.c — libFuzzer harness for the console command parser: any line
 * gets a result or one error line, never a crash. No KVM: nothing is
 * booted, and a boot fails on the closed KVM descriptor. Commands that
 * sleep or wait are left out (they would only time out). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static struct vmfo m;
static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!devnull) {
		struct err e;
		config_defaults(&m.cfg);
		m.cfg0 = m.cfg;
		m.kvm.fd = -1;
		pthread_mutex_init(&m.ctl, NULL);
		pthread_mutex_init(&m.lock, NULL);
		pthread_cond_init(&m.acked, NULL);
		pthread_cond_init(&m.wake, NULL);
		pthread_cond_init(&m.stepped, NULL);
		trace_init(&m.trace);
		if (pool_init(&m.pool, 64u << 20, 2u << 20, &e))
			abort();
		table_init(&m.table, m.pool.nunits, m.pool.unit_bytes);
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
