/* bench_boot.c — how long the pair takes to boot: from vmfo_boot() to the
 * later of the two os.ready events, over several runs. */
#include <string.h>

#include "bench_int.h"

int bench_boot(struct vmfo *m, int runs, struct stat3 *out)
{
	double ms[MAX_RUNS];
	for (int r = 0; r < runs; r++) {
		vmfo_reset(m);
		uint64_t t0 = now_us();
		if (bench_fresh_pair(m, 0))
			return -1;
		uint64_t last = 0;
		struct event ev;
		for (size_t i = 0; trace_get(vmfo_trace(m), i, &ev); i++)
			if (strcmp(ev.name, "os.ready") == 0 && ev.t_us > last)
				last = ev.t_us;
		ms[r] = (double)(last - t0) / 1000.0;
	}
	*out = bench_stats(ms, runs);
	return 0;
}
