/* bench_protection.c — what protection costs: ledger throughput with the
 * guest's heartbeat off, every 10 ms and every 1 ms. One run each would
 * measure the host's mood as much as the heartbeat's cost, so the settings
 * are measured in interleaved rounds (off, 10 ms, 1 ms, then again): a
 * host busy at one moment weighs on one round, not on one setting. Each
 * round's cost is against "off" in the same round; the figures are the
 * min / median / max over the rounds. */
#include <stdlib.h>

#include "bench_int.h"

static const uint64_t heartbeats[PROT_SETTINGS] = { 0, 10, 1 }; /* off first */

/* Millions of ledger transactions a second over ms, on a fresh pair whose
 * guests send a heartbeat every hb ms (0: none); -1 when it could not run. */
static double throughput(struct vmfo *m, uint64_t hb, int ms)
{
	struct err e;
	struct vmfo_snapshot *s = malloc(sizeof *s);
	double mtx = -1;
	vmfo_reset(m);
	/* This measures what heartbeats cost, not how fast a hang is seen:
	 * a 3 ms limit on a nested host would take busy moments for hangs. */
	vmfo_set_heartbeat(m, hb, 50);
	int rc = !s ? -1
		 : vmfo_boot(m, 0, 0, NULL, &e) ? bench_failed(m, "boot", &e)
						: bench_start(m, "db", "ledger", 8);
	if (rc == 0) {
		sleep_ms(50);
		uint64_t s0 = bench_seq_of(m, s, "db"), t0 = now_us();
		sleep_ms((uint64_t)ms);
		uint64_t s1 = bench_seq_of(m, s, "db"), t1 = now_us();
		mtx = (double)(s1 - s0) / (double)(t1 - t0);
	}
	free(s);
	return mtx;
}

int bench_protection(struct vmfo *m, int rounds, int ms, struct protection *p)
{
	double v[MAX_RUNS];
	p->rounds = rounds;
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < PROT_SETTINGS; k++) {
			p->heartbeat_ms[k] = heartbeats[k];
			if ((p->mtx[k][r] = throughput(m, heartbeats[k], ms)) < 0)
				return -1;
			/* The cost against off, measured moments before. */
			p->cost_pct[k][r] = 100.0 * (1.0 - p->mtx[k][r] / p->mtx[0][r]);
		}
	for (int k = 0; k < PROT_SETTINGS; k++) {
		for (int r = 0; r < rounds; r++)
			v[r] = p->mtx[k][r];
		p->mtx_s[k] = bench_stats(v, rounds);
		for (int r = 0; r < rounds; r++)
			v[r] = p->cost_pct[k][r];
		p->cost_s[k] = bench_stats(v, rounds);
	}
	return 0;
}

void bench_protection_text(const struct protection *p, FILE *out)
{
	fprintf(out, "\ncost of protection: ledger throughput in %d interleaved rounds, million "
		     "transactions/s\n  %-14s %26s   %s\n", p->rounds, "heartbeat", "min / median / max",
		"cost against off in the same round: median (min, max)");
	for (int k = 0; k < PROT_SETTINGS; k++) {
		char hb[32] = "off";
		if (p->heartbeat_ms[k])
			snprintf(hb, sizeof hb, "%llu ms", (unsigned long long)p->heartbeat_ms[k]);
		fprintf(out, "  %-14s %8.2f / %6.2f / %6.2f", hb, p->mtx_s[k].min, p->mtx_s[k].median,
			p->mtx_s[k].max);
		if (p->heartbeat_ms[k])
			fprintf(out, "   %+.1f %% (%+.1f, %+.1f)", p->cost_s[k].median, p->cost_s[k].min,
				p->cost_s[k].max);
		fputc('\n', out);
	}
}

json_t *bench_protection_json(const struct protection *p)
{
	json_t *list = json_array();
	for (int k = 0; k < PROT_SETTINGS; k++)
		json_array_append_new(list, json_pack("{s:I,s:i,s:o,s:o}", "heartbeat_ms",
						      (json_int_t)p->heartbeat_ms[k], "rounds", p->rounds,
						      "ledger_mtx_per_s", bench_json_stat(p->mtx_s[k]),
						      "cost_pct", bench_json_stat(p->cost_s[k])));
	return list;
}
