/* bench_handover.c — vmfo bench's handover against copy: for each size,
 * an app (hog) writes every page of its region, crashes, and its storage
 * is handed to the standby; beside it, the same bytes copied, as a
 * copying failover would have to.
 *
 * A handover has two ends (issue 16). Time to service: from the failed
 * side letting go (os.disconnected) to the app serving again on the
 * standby (app.resumed), having checked what it needs to go on. Full
 * verification: to app.verified, once it has read back and checked every
 * page, which on a nested host costs the new owner a shadow-paging fault
 * per 2 MiB. The copy is fair both ways: into fresh memory, which the copy
 * itself faults in, and into memory touched beforehand, as a standby that
 * reserved and pre-faulted its copy target would have. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "abi.h"
#include "bench_int.h"

static const char *const figure_names[H_FIGURES] = {
	[H_SERVICE] = "service_ms", [H_VERIFY] = "verify_ms", [H_DETACH_ATTACH] = "detach_attach_ms",
	[H_COPY_FRESH] = "copy_fresh_ms", [H_COPY_TOUCHED] = "copy_touched_ms",
};

/* Each copy over each end of the handover, as ratios of the medians. */
static const struct {
	const char *name;
	int copy, handover;
} ratios[] = {
	{ "copy_fresh_over_service", H_COPY_FRESH, H_SERVICE },
	{ "copy_touched_over_service", H_COPY_TOUCHED, H_SERVICE },
	{ "copy_fresh_over_verify", H_COPY_FRESH, H_VERIFY },
	{ "copy_touched_over_verify", H_COPY_TOUCHED, H_VERIFY },
};

static double ratio(const struct handover *h, int a, int b)
{
	return h->f[a].median / h->f[b].median;
}

/* Copy size bytes of app name's region, as a copying failover would
 * have to, into memory straight from the kernel (mmap: never touched,
 * whatever the allocator kept from an earlier run), first touching every
 * page of it when touched. ms, or -1. */
static double copy_ms(struct vmfo *m, const char *name, uint64_t size, bool touched)
{
	uint64_t bytes, us;
	unsigned char *dst = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dst == MAP_FAILED)
		return -1;
	if (touched)
		memset(dst, 0x5a, size); /* every page faulted in and written */
	int rc = vmfo_copy_app_storage(m, name, dst, size, &bytes, &us);
	/* Keep the copy from being optimised away. */
	volatile unsigned char sink = bytes ? dst[bytes - 1] : 0;
	(void)sink;
	munmap(dst, size);
	return rc ? -1 : (double)us / 1000.0;
}

/* Until every page hog can hold is written: a fully touched region. */
static int fill(struct vmfo *m, uint64_t mb)
{
	struct vmfo_snapshot *s = malloc(sizeof *s);
	if (!s)
		return -1;
	uint64_t pages = (mb * MB - VMFO_APP_OFF_DATA) / VMFO_CHECK_PAGE;
	for (int i = 0; i < 1200 && bench_seq_of(m, s, "h") < pages; i++)
		sleep_ms(50);
	uint64_t seq = bench_seq_of(m, s, "h");
	free(s);
	if (seq < pages)
		fprintf(stderr, "vmfo bench: hog wrote %" PRIu64 " of its %" PRIu64 " pages in 60 s\n", seq,
			pages);
	return seq < pages ? -1 : 0;
}

/* One handover of mb MB: its figures in v[H_*]. */
static int one_handover(struct vmfo *m, uint64_t mb, double v[H_FIGURES])
{
	struct event ev;
	if (bench_fresh_pair(m, mb + 16 > 64 ? mb + 16 : 64) || bench_start(m, "h", "hog", mb) ||
	    fill(m, mb))
		return -1;
	v[H_COPY_FRESH] = copy_ms(m, "h", mb * MB, false);
	v[H_COPY_TOUCHED] = copy_ms(m, "h", mb * MB, true);
	size_t from = trace_count(vmfo_trace(m));
	if (bench_fault(m, VMFO_FAULT_APP, "h", "crash") || !bench_wait_for(m, "app.verified", from, 30000))
		return -1;
	/* Read after it came: its fields say how the check went. */
	if (!trace_wait(vmfo_trace(m), "app.verified", "app", "h", from, 1, &ev) ||
	    strcmp(event_field(&ev, "result") ? event_field(&ev, "result") : "", "ok")) {
		fprintf(stderr, "vmfo bench: the %" PRIu64 " MB hog's full check failed after its handover\n", mb);
		return -1;
	}
	uint64_t start = bench_t_of(m, from, "os.disconnected");
	uint64_t attach = bench_t_of(m, from, "vmm.attach");
	uint64_t resumed = bench_t_of(m, from, "app.resumed");
	v[H_DETACH_ATTACH] = (double)(attach - start) / 1000.0;
	v[H_SERVICE] = (double)(resumed - start) / 1000.0;
	v[H_VERIFY] = (double)(ev.t_us - start) / 1000.0;
	return v[H_COPY_FRESH] < 0 || v[H_COPY_TOUCHED] < 0 || !start || !attach || !resumed ? -1 : 0;
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
		double run[H_FIGURES], v[H_FIGURES][3];
		int n = runs < 3 ? runs : 3;
		for (int k = 0; k < n; k++) {
			if (one_handover(m, sizes[i], run))
				return -1;
			for (int f = 0; f < H_FIGURES; f++)
				v[f][k] = run[f];
		}
		hs->h[i].mb = sizes[i];
		hs->h[i].runs = n;
		for (int f = 0; f < H_FIGURES; f++)
			hs->h[i].f[f] = bench_stats(v[f], n);
	}
	return 0;
}

int bench_handovers_json(const struct handovers *hs, json_t *doc)
{
	const struct handover *h = hs->h, *last = &hs->h[hs->n - 1];
	json_t *list = json_array();
	int rc = 0;
	/* Each setter takes its value, and drops it when it fails. */
	for (int i = 0; i < hs->n; i++) {
		json_t *e = json_pack("{s:I,s:i}", "mb", (json_int_t)h[i].mb, "runs", h[i].runs);
		for (int f = 0; f < H_FIGURES && e; f++)
			rc |= json_object_set_new(e, figure_names[f], bench_json_stat(h[i].f[f]));
		for (size_t r = 0; r < ARRAY_SIZE(ratios) && e; r++)
			rc |= json_object_set_new(e, ratios[r].name,
						  json_real(ratio(&h[i], ratios[r].copy, ratios[r].handover)));
		rc |= json_array_append_new(list, e);
	}
	rc |= json_object_set_new(doc, "handover", list);
	/* How each end of a handover grows with the size moved. */
	rc |= json_object_set_new(doc, "handover_service_largest_over_smallest",
				  json_real(last->f[H_SERVICE].median / h[0].f[H_SERVICE].median));
	rc |= json_object_set_new(doc, "handover_verify_largest_over_smallest",
				  json_real(last->f[H_VERIFY].median / h[0].f[H_VERIFY].median));
	return rc ? -1 : 0;
}

void bench_handovers_text(const struct handovers *hs, FILE *out)
{
	const struct handover *h = hs->h, *last = &hs->h[hs->n - 1];
	fprintf(out, "\nhandover vs copy, fully touched region, ms, median of %d run%s; copy over handover,\n"
		     "copied into fresh (f) or touched (t) memory, over time to service or to full check:\n"
		     "  %6s %9s %9s %7s %10s %12s %9s %9s %9s %9s\n",
		h[0].runs, h[0].runs == 1 ? "" : "s", "MB", "service", "verify", "det+att", "copy fresh",
		"copy touched", "f/service", "t/service", "f/verify", "t/verify");
	for (int i = 0; i < hs->n; i++) {
		fprintf(out, "  %6" PRIu64 " %9.3f %9.3f %7.3f %10.3f %12.3f", h[i].mb,
			h[i].f[H_SERVICE].median, h[i].f[H_VERIFY].median, h[i].f[H_DETACH_ATTACH].median,
			h[i].f[H_COPY_FRESH].median, h[i].f[H_COPY_TOUCHED].median);
		for (size_t r = 0; r < ARRAY_SIZE(ratios); r++)
			fprintf(out, " %8.1fx", ratio(&h[i], ratios[r].copy, ratios[r].handover));
		fputc('\n', out);
	}
	fprintf(out, "  %" PRIu64 " MB against %" PRIu64 " MB: service %.1fx the time, full verification %.1fx\n",
		last->mb, h[0].mb, last->f[H_SERVICE].median / h[0].f[H_SERVICE].median,
		last->f[H_VERIFY].median / h[0].f[H_VERIFY].median);
}
