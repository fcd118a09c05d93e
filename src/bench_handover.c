/* bench_handover.c — vmfo bench's handover against copy: for each size,
 * an app (hog) writes every page of its region, crashes, and its storage
 * is handed to the standby; beside it, the same bytes copied, as a
 * copying failover would have to. */
#include <inttypes.h>
#include <stdlib.h>

#include "abi.h"
#include "bench_int.h"

/* One handover of mb MB. */
struct handover_run {
	double move_ms;  /* detach + attach + engage + the app's first pass */
	double detach_attach_ms;
	double copy_ms;  /* the same bytes copied into fresh memory */
};

/* Copy size bytes of app name's region into memory nobody has touched
 * yet, as a copying failover would have to. */
static double copy_ms(struct vmfo *m, const char *name, uint64_t size)
{
	uint64_t bytes, us;
	void *dst = aligned_alloc(2u << 20, size);
	if (!dst)
		return -1;
	int rc = vmfo_copy_app_storage(m, name, dst, size, &bytes, &us);
	/* Keep the copy from being optimised away. */
	volatile unsigned char sink = bytes ? ((unsigned char *)dst)[bytes - 1] : 0;
	(void)sink;
	free(dst);
	return rc ? -1 : (double)us / 1000.0;
}

static int one_handover(struct vmfo *m, uint64_t mb, struct handover_run *h)
{
	if (bench_fresh_pair(m, mb + 16 > 64 ? mb + 16 : 64) || bench_start(m, "h", "hog", mb))
		return -1;
	/* Let hog write every page of its region: the handover moves a
	 * fully touched region. */
	struct vmfo_snapshot *s = malloc(sizeof *s);
	if (!s)
		return -1;
	uint64_t pages = (mb * MB - VMFO_APP_OFF_DATA) / 4096;
	for (int i = 0; i < 600 && bench_seq_of(m, s, "h") < pages; i++)
		sleep_ms(50);
	free(s);
	h->copy_ms = copy_ms(m, "h", mb * MB);
	size_t from = trace_count(vmfo_trace(m));
	if (bench_fault(m, VMFO_FAULT_APP, "h", "crash") ||
	    !bench_wait_for(m, "failover.done", from, 30000))
		return -1;
	uint64_t start = bench_t_of(m, from, "os.disconnected");
	uint64_t attach = bench_t_of(m, from, "vmm.attach");
	uint64_t resumed = bench_t_of(m, from, "app.resumed");
	h->detach_attach_ms = (double)(attach - start) / 1000.0;
	h->move_ms = (double)(resumed - start) / 1000.0;
	return 0;
}

/* Each size a few times (at most 3: a 2 GiB region takes a while to
 * fill): one run can catch the host busy. */
int bench_handovers(struct vmfo *m, bool quick, int runs, struct handovers *hs)
{
	static const uint64_t full[] = { 2, 8, 64, 256, 512, 1024, 2048 };
	static const uint64_t small[] = { 2, 64, 256 };
	const uint64_t *sizes = quick ? small : full;
	hs->n = quick ? 3 : 7;
	for (int i = 0; i < hs->n; i++) {
		struct handover_run run;
		double move[3], detach_attach[3], copy[3];
		int n = runs < 3 ? runs : 3;
		for (int k = 0; k < n; k++) {
			if (one_handover(m, sizes[i], &run))
				return -1;
			move[k] = run.move_ms;
			detach_attach[k] = run.detach_attach_ms;
			copy[k] = run.copy_ms;
		}
		hs->h[i] = (struct handover){ .mb = sizes[i], .runs = n, .move = bench_stats(move, n),
					      .detach_attach = bench_stats(detach_attach, n),
					      .copy = bench_stats(copy, n) };
	}
	return 0;
}

int bench_handovers_json(const struct handovers *hs, json_t *doc)
{
	const struct handover *h = hs->h;
	json_t *handover = json_array();
	for (int i = 0; i < hs->n; i++)
		json_array_append_new(handover, json_pack("{s:I,s:i,s:o,s:o,s:o,s:f}", "mb",
							  (json_int_t)h[i].mb, "runs", h[i].runs,
							  "move_ms", bench_json_stat(h[i].move),
							  "detach_attach_ms", bench_json_stat(h[i].detach_attach),
							  "copy_ms", bench_json_stat(h[i].copy), "copy_over_move",
							  h[i].copy.median / h[i].move.median));
	return json_object_set_new(doc, "handover", handover) ||
			       json_object_set_new(doc, "handover_largest_over_smallest",
						   json_real(h[hs->n - 1].move.median / h[0].move.median))
		       ? -1
		       : 0;
}

void bench_handovers_text(const struct handovers *hs, FILE *out)
{
	const struct handover *h = hs->h;
	int last = hs->n - 1;
	fprintf(out, "\nhandover vs copy, fully touched region, median of %d run%s:\n"
		     "  %8s %12s %14s %12s %10s\n", h[0].runs, h[0].runs == 1 ? "" : "s", "MB",
		"move ms", "detach+attach", "copy ms", "copy/move");
	for (int i = 0; i < hs->n; i++)
		fprintf(out, "  %8" PRIu64 " %12.3f %14.3f %12.3f %9.1fx\n", h[i].mb, h[i].move.median,
			h[i].detach_attach.median, h[i].copy.median, h[i].copy.median / h[i].move.median);
	fprintf(out, "  %" PRIu64 " MB moves in %.1fx the time of %" PRIu64 " MB\n", h[last].mb,
		h[last].move.median / h[0].move.median, h[0].mb);
}
