/* bench_boot.c — how long the pair takes to boot, and where that time
 * goes: from vmfo_boot() to the later of the two os.ready events, and each
 * OS's boot phase by phase as the monitor timed it (enum boot_phase in
 * lifecycle.h, handed over by vmfo_boot() in struct vmfo_booted). */
#include <string.h>

#include "bench_int.h"

/* One boot's figures, as the monitor reported them. */
struct boot_run {
	double pair_ms;
	double row_ms[2][BOOT_ROWS];
};

static int one_boot(struct vmfo *m, struct boot_run *run, struct boot_bench *b)
{
	struct vmfo_booted booted;
	struct err e;
	vmfo_reset(m);
	uint64_t t0 = now_us();
	if (vmfo_boot(m, 0, 0, &booted, &e))
		return bench_failed(m, "boot", &e);
	uint64_t last = 0;
	struct event ev;
	for (size_t i = 0; trace_get(vmfo_trace(m), i, &ev); i++)
		if (strcmp(ev.name, "os.ready") == 0 && ev.t_us > last)
			last = ev.t_us;
	run->pair_ms = (double)(last - t0) / 1000.0;
	for (int i = 0; i < 2; i++) {
		double *row = run->row_ms[i];
		strlcpy0(b->vm[i], booted.os[i].vm, sizeof b->vm[i]);
		b->role[i] = booted.os[i].role;
		row[BOOT_ROW_QUEUED] = row[BOOT_ROW_READY] = booted.os[i].begin_ms;
		for (int p = 0; p < BOOT_PHASES; p++) {
			row[BOOT_ROW_PHASE + p] = booted.os[i].phase_ms[p];
			row[BOOT_ROW_READY] += booted.os[i].phase_ms[p];
		}
	}
	return 0;
}

int bench_boot(struct vmfo *m, int runs, struct boot_bench *b)
{
	struct boot_run run[MAX_RUNS];
	double v[MAX_RUNS];
	memset(b, 0, sizeof *b);
	b->runs = runs;
	for (int r = 0; r < runs; r++)
		if (one_boot(m, &run[r], b))
			return -1;
	for (int r = 0; r < runs; r++)
		v[r] = run[r].pair_ms;
	b->pair = bench_stats(v, runs);
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < BOOT_ROWS; k++) {
			for (int r = 0; r < runs; r++)
				v[r] = run[r].row_ms[i][k];
			b->row[i][k] = bench_stats(v, runs);
		}
	return 0;
}

static const char *row_name(int k)
{
	return k == BOOT_ROW_QUEUED ? "queued" : k == BOOT_ROW_READY ? "= ready"
									: boot_phase_name(k - BOOT_ROW_PHASE);
}

static void text_row(FILE *out, const struct boot_bench *b, int k)
{
	fprintf(out, "  %-14s", row_name(k));
	for (int i = 0; i < 2; i++)
		fprintf(out, "  %7.3f / %7.3f / %7.3f", b->row[i][k].min, b->row[i][k].median,
			b->row[i][k].max);
	fputc('\n', out);
}

void bench_boot_text(const struct boot_bench *b, FILE *out)
{
	fprintf(out, "pair boot to both os.ready: min %.1f / median %.1f / max %.1f ms (%d runs)\n",
		b->pair.min, b->pair.median, b->pair.max, b->runs);
	fprintf(out, "where it goes, ms, min / median / max; each OS's phases follow one another:\n");
	fprintf(out, "  %-14s", "phase");
	for (int i = 0; i < 2; i++) {
		char head[32];
		snprintf(head, sizeof head, "%s (%s)", b->vm[i], b->role[i]);
		fprintf(out, i ? "  %s" : "  %-27s", head);
	}
	fputc('\n', out);
	for (int k = 0; k < BOOT_ROWS; k++)
		text_row(out, b, k);
	fprintf(out, "  queued: from the boot's start to the OS's first phase (the VMM's own set-up,\n"
		     "  and any OS set up before it); ready: queued + phases, per run\n\n");
}

/* Every row but ready, which is their sum. */
json_t *bench_boot_json(const struct boot_bench *b)
{
	json_t *phases = json_array();
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < BOOT_ROW_READY; k++) {
			char name[32];
			snprintf(name, sizeof name, "%s %s", b->vm[i], row_name(k));
			json_array_append_new(phases, json_pack("{s:s,s:o}", "name", name, "ms",
								bench_json_stat(b->row[i][k])));
		}
	return json_pack("{s:o,s:o}", "pair", bench_json_stat(b->pair), "phases", phases);
}
