/* bench.c — benchmarks driven through the typed API like any front end;
 * step times come from the trace's own timestamps, so they measure what the
 * monitor did, not how fast this file polls. */
#include "bench.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench_compare.h"
#include "bench_int.h"
#include "config.h"
#include "render.h"

/* ---- small helpers ---- */

/* Shows the last events and the guests' logs, so that a failed run can be
 * understood. */
int bench_failed(struct vmfo *m, const char *what, const struct err *e)
{
	struct event ev;
	struct trace *t = vmfo_trace(m);
	char line[1024];
	fprintf(stderr, "vmfo bench: %s failed: %s; the last events and the guests' logs:\n", what,
		e->msg);
	size_t n = trace_count(t);
	for (size_t i = n > 12 ? n - 12 : 0; trace_get(t, i, &ev); i++) {
		event_format(&ev, line, sizeof line);
		fprintf(stderr, "%s\n", line);
	}
	struct vmfo_log *log = malloc(sizeof *log);
	for (int i = 0; log && i < 2; i++) {
		vmfo_log(m, i, log);
		render_log(vm_or_dash(i), log, stderr);
	}
	free(log);
	return -1;
}

int bench_fresh_pair(struct vmfo *m, uint64_t active_mb)
{
	struct err e;
	vmfo_reset(m);
	return vmfo_boot(m, active_mb, active_mb ? 8 : 0, NULL, &e) ? bench_failed(m, "boot", &e) : 0;
}

int bench_start(struct vmfo *m, const char *name, const char *prog, uint64_t mb)
{
	struct err e;
	struct vmfo_app_size size = { .mb = mb };
	return vmfo_app_start(m, name, prog, true, &size, &e) ? bench_failed(m, "app start", &e) : 0;
}

int bench_fault(struct vmfo *m, enum vmfo_fault_target target, const char *app, const char *kind)
{
	struct err e;
	struct vmfo_fault f = { .target = target, .kind = kind, .app = app, .unit = UINT32_MAX };
	return vmfo_fault(m, &f, &e) ? bench_failed(m, "fault", &e) : 0;
}

/* An app's seq, read from its header in its storage. */
uint64_t bench_seq_of(struct vmfo *m, struct vmfo_snapshot *s, const char *name)
{
	vmfo_snapshot(m, s);
	const struct vmfo_app_view *a = vmfo_snapshot_app(s, name);
	return a ? a->seq : 0;
}

uint64_t bench_t_of(struct vmfo *m, size_t from, const char *name)
{
	struct event ev;
	for (size_t i = from; trace_get(vmfo_trace(m), i, &ev); i++)
		if (strcmp(ev.name, name) == 0)
			return ev.t_us;
	return 0;
}

bool bench_wait_for(struct vmfo *m, const char *name, size_t from, int ms)
{
	if (trace_wait(vmfo_trace(m), name, NULL, NULL, from, ms, NULL))
		return true;
	struct event ev;
	size_t n = trace_count(vmfo_trace(m));
	fprintf(stderr, "vmfo bench: no %s within %d ms (last event: %s)\n", name, ms,
		n && trace_get(vmfo_trace(m), n - 1, &ev) ? ev.name : "none");
	return false;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct stat3 bench_stats(double *v, int n)
{
	struct stat3 s = { 0, 0, 0 };
	if (n <= 0)
		return s;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	s.min = v[0];
	s.max = v[n - 1];
	s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	return s;
}

static uint64_t rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	uint64_t kb = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %" SCNu64, &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* ---- 2. failover breakdown ---- */

enum { S_DETECT, S_LOOKUP, S_DISCONNECT, S_DETACH, S_ATTACH, S_ENGAGE, S_LOAD, S_RESUMED, S_MAX };
static const char *const step_names[S_MAX] = { "detect", "lookup", "disconnect", "detach",
						"attach", "engage", "load", "resumed" };
/* The event that ends each step (the step runs from the previous one). */
static const char *const step_events[S_MAX] = { NULL, "vmm.lookup", "os.disconnected",
						 "vmm.detach", "vmm.attach", "os.attached",
						 "os.load", "app.resumed" };

struct breakdown {
	const char *name;
	double step[S_MAX][MAX_RUNS];
	double total[MAX_RUNS];
	int runs;
	struct stat3 s[S_MAX], t;
	double bound_ms; /* hang: detection cannot beat miss x heartbeat */
};

/* One failover: start db, inject, and split fault -> resumed by events. */
static int one_failover(struct vmfo *m, const char *kind, bool os, struct breakdown *b, int r)
{
	if (bench_fresh_pair(m, 0) || bench_start(m, "db", "ledger", 8))
		return -1;
	sleep_ms(30);
	size_t from = trace_count(vmfo_trace(m));
	if (os ? bench_fault(m, VMFO_FAULT_OS, NULL, kind) : bench_fault(m, VMFO_FAULT_APP, "db", kind))
		return -1;
	/* The request was answered: the guest executes the fault now. */
	uint64_t t0 = now_us();
	if (!bench_wait_for(m, "failover.done", from, 10000))
		return -1;
	uint64_t detected = bench_t_of(m, from, os ? "vmm.os_fault" : "os.app_failure");
	/* A fast fault (a triple fault exits at once) can be recorded before
	 * the command returns here: then detection took no measurable time. */
	if (detected < t0)
		t0 = detected;
	uint64_t prev = detected;
	b->step[S_DETECT][r] = (double)(detected - t0) / 1000.0;
	for (int s = S_LOOKUP; s < S_MAX; s++) {
		uint64_t t = step_events[s] ? bench_t_of(m, from, step_events[s]) : 0;
		if (!t) { /* an OS failover has no disconnect step */
			b->step[s][r] = 0;
			continue;
		}
		b->step[s][r] = (double)(t - prev) / 1000.0;
		prev = t;
	}
	b->total[r] = (double)(prev - t0) / 1000.0;
	return 0;
}

static int bench_failovers(struct vmfo *m, int runs, struct breakdown *b, int *nb)
{
	static const struct {
		const char *name, *fault;
		bool os;
	} kinds[] = {
		{ "os panic", "panic", true }, { "os hang", "hang", true },
		{ "os triple", "triple", true }, { "app crash", "crash", false },
	};
	*nb = 0;
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		struct breakdown *x = &b[(*nb)++];
		memset(x, 0, sizeof *x);
		x->name = kinds[k].name;
		x->runs = runs;
		if (!strcmp(kinds[k].fault, "hang"))
			x->bound_ms = (double)(vmfo_defaults(m)->miss * vmfo_defaults(m)->heartbeat_ms);
		for (int r = 0; r < runs; r++)
			if (one_failover(m, kinds[k].fault, kinds[k].os, x, r))
				return -1;
		for (int s = 0; s < S_MAX; s++)
			x->s[s] = bench_stats(x->step[s], runs);
		x->t = bench_stats(x->total, runs);
	}
	return 0;
}

/* ---- 4. blackout and loss under load ---- */

struct blackout {
	double gap_ms;       /* last acknowledgement before -> resumed after */
	uint64_t acked, resumed, lost;
};

static int one_blackout(struct vmfo *m, struct blackout *b)
{
	if (bench_fresh_pair(m, 0) || bench_start(m, "db", "ledger", 16))
		return -1;
	sleep_ms(200);
	size_t from = trace_count(vmfo_trace(m));
	struct vmfo_snapshot *s = malloc(sizeof *s);
	if (!s)
		return -1;
	vmfo_snapshot(m, s);
	uint64_t last_ack_us = s->os[0].last_hb_us;
	free(s);
	if (bench_fault(m, VMFO_FAULT_OS, NULL, "panic") || !bench_wait_for(m, "failover.done", from, 10000))
		return -1;
	/* app.resumed carries the acknowledged seq it was checked against:
	 * the last one the failed OS sent (later ones come from the standby). */
	struct event ev;
	if (!trace_wait(vmfo_trace(m), "app.resumed", "app", "db", from, 1, &ev))
		return -1;
	b->acked = strtoull(event_field(&ev, "acked"), NULL, 10);
	b->resumed = strtoull(event_field(&ev, "seq"), NULL, 10);
	b->gap_ms = (double)(bench_t_of(m, from, "app.resumed") - last_ack_us) / 1000.0;
	b->lost = b->acked > b->resumed ? b->acked - b->resumed : 0;
	return 0;
}

/* ---- reporting ---- */

static void machine(FILE *out)
{
	struct utsname u;
	uname(&u);
	fprintf(out, "machine: Linux %s %s (figures compare within this run)\n", u.release, u.machine);
}

/* --from plots a saved document and runs nothing: what only a run can
 * use does not go with it, and it needs --plot to say where to. */
static int check_plot_options(const struct bench_opts *o, bool runs_set, struct err *e)
{
	if (o->from && !o->plot)
		return err_set(e, "bench: --from DOC.json goes with --plot DIR (it names the document to "
			       "plot)");
	if (o->dump && !o->from)
		return err_set(e, "bench: --dump goes with --plot DIR --from DOC.json");
	if (o->from && (o->json || o->quick || runs_set || o->compare))
		return err_set(e, "bench: --plot DIR --from DOC.json runs nothing: --json, --quick, "
			       "--runs and --compare do not go with it");
	if (o->from && access(o->from, R_OK))
		return err_set(e, "bench: cannot read %s: %s", o->from, strerror(errno));
	return 0;
}

int bench_parse(int argc, char **argv, struct bench_opts *o, struct err *e)
{
	*o = (struct bench_opts){ .runs = 5 };
	bool runs_set = false;
	for (int i = 1; i < argc; i++) {
		uint64_t n;
		if (!strcmp(argv[i], "--json"))
			o->json = true;
		else if (!strcmp(argv[i], "--quick"))
			o->quick = true;
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc && !parse_u64(argv[i + 1], 1, MAX_RUNS, &n)) {
			o->runs = (int)n;
			runs_set = true;
			i++;
		} else if (!strcmp(argv[i], "--compare") && i + 1 < argc && !o->compare) {
			o->compare = argv[++i];
			if (i + 1 < argc && strncmp(argv[i + 1], "--", 2))
				o->against = argv[++i];
		} else if (!strcmp(argv[i], "--plot") && i + 1 < argc && !o->plot && argv[i + 1][0] != '-')
			o->plot = argv[++i];
		else if (!strcmp(argv[i], "--from") && i + 1 < argc && !o->from && argv[i + 1][0] != '-')
			o->from = argv[++i];
		else if (!strcmp(argv[i], "--dump"))
			o->dump = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			o->help = true;
		else
			return err_set(e, "bench: unknown or bad argument '%s' (--json, --quick, --runs 1-%d, "
				       "--compare OLD.json [NEW.json], --plot DIR [--from DOC.json [--dump]])",
				       argv[i], MAX_RUNS);
	}
	if (o->help)
		return 0; /* the usage says how the options go together */
	if (o->compare && access(o->compare, R_OK))
		return err_set(e, "bench: cannot read %s: %s", o->compare, strerror(errno));
	if (check_plot_options(o, runs_set, e))
		return -1;
	if (o->quick && !runs_set)
		o->runs = 1;
	return 0;
}

uint64_t bench_pool_mb(const struct bench_opts *o)
{
	return o->quick ? 640 : 2816;
}

/* Everything one run measured: printed as a table or as JSON. */
struct results {
	const struct bench_opts *o;
	struct config cfg;
	bool huge;
	struct boot_bench boot;
	struct breakdown b[4];
	int nb;
	struct handovers h;
	struct blackout bo;
	struct client_blackout cb[CB_KINDS];
	struct protection prot;
	uint64_t rss_idle, rss_booted;
};

static int measure(struct vmfo *m, const struct bench_opts *o, struct results *r)
{
	r->o = o;
	r->cfg = *vmfo_defaults(m);
	r->rss_idle = rss_kb();
	if (bench_boot(m, o->runs, &r->boot) || bench_failovers(m, o->runs, r->b, &r->nb) ||
	    bench_handovers(m, o->quick, o->runs, &r->h) || one_blackout(m, &r->bo) ||
	    bench_clients(m, o->runs, r->cb))
		return -1;
	r->rss_booted = rss_kb();
	/* At least ten rounds: a cost of 1 % is smaller than the spread of
	 * one run against another on a nested host. */
	int rounds = o->quick ? 2 : o->runs * 2 > 10 ? o->runs * 2 : 10;
	if (bench_protection(m, rounds < MAX_RUNS ? rounds : MAX_RUNS, o->quick ? 150 : 500, &r->prot))
		return -1;
	vmfo_reset(m);
	vmfo_restore_config(m);
	struct vmfo_snapshot *snap = malloc(sizeof *snap);
	if (snap) {
		vmfo_snapshot(m, snap);
		r->huge = snap->huge;
		free(snap);
	}
	return 0;
}

json_t *bench_json_stat(struct stat3 s)
{
	return json_pack("{s:f,s:f,s:f}", "min", s.min, "median", s.median, "max", s.max);
}

static json_t *json_failover(const struct breakdown *b)
{
	json_t *steps = json_object();
	for (int s = 0; s < S_MAX; s++)
		json_object_set_new(steps, step_names[s], bench_json_stat(b->s[s]));
	return json_pack("{s:s,s:o,s:o,s:f}", "fault", b->name, "steps_ms", steps, "total_ms",
			 bench_json_stat(b->t), "detect_bound_ms", b->bound_ms);
}

/* The same figures as print_text, as one JSON document (Jansson builds
 * it: no hand-made quoting). NULL when out of memory. */
static json_t *results_json(const struct results *r)
{
	const struct config *c = &r->cfg;
	struct utsname u;
	uname(&u);
	json_t *failover = json_array();
	for (int i = 0; i < r->nb; i++)
		json_array_append_new(failover, json_failover(&r->b[i]));
	/* In three parts, so that the handovers' figures keep their place. */
	json_t *doc = json_pack(
		"{s:s, s:{s:s,s:s,s:s}, s:{s:I,s:I,s:I,s:I,s:i,s:b,s:b}, s:o, s:o}",
		"vmfo", PACKAGE_VERSION,
		"machine", "kernel", u.release, "arch", u.machine, "nested_kvm_note",
		"figures are ratios within one run; absolute times on nested KVM are slow",
		"config", "pool_mb", (json_int_t)c->pool_mb, "unit_kb", (json_int_t)c->unit_kb,
		"heartbeat_ms", (json_int_t)c->heartbeat_ms, "miss", (json_int_t)c->miss, "runs", r->o->runs,
		"quick", r->o->quick, "huge_pages", r->huge,
		"boot_ms", bench_boot_json(&r->boot),
		"failover", failover);
	json_t *rest = json_pack(
		"{s:{s:f,s:I,s:I,s:I}, s:o, s:o, s:{s:f,s:f}}",
		"blackout", "gap_ms", r->bo.gap_ms, "acked", (json_int_t)r->bo.acked, "resumed",
		(json_int_t)r->bo.resumed, "lost", (json_int_t)r->bo.lost,
		"client_blackout", bench_clients_json(r->cb),
		"protection", bench_protection_json(&r->prot),
		"vmm_rss_mb", "idle", (double)r->rss_idle / 1024, "after_runs", (double)r->rss_booted / 1024);
	if (!doc || !rest || bench_handovers_json(&r->h, doc) || json_object_update(doc, rest)) {
		json_decref(doc);
		doc = NULL;
	}
	json_decref(rest);
	return doc;
}

static int print_json(json_t *doc, FILE *out)
{
	return doc && json_dumpf(doc, out, JSON_COMPACT | JSON_REAL_PRECISION(9)) == 0 &&
			       fputc('\n', out) != EOF
		       ? 0
		       : -1;
}

/* This run against the document of an earlier one (--compare OLD.json). */
static int compare(const struct bench_opts *o, json_t *doc, FILE *out)
{
	struct err e;
	json_t *old = bench_compare_load(o->compare, &e);
	int rc = old && doc ? bench_compare_docs(o->compare, old, "this run", doc, out) : -1;
	if (!old)
		fprintf(stderr, "vmfo: %s\n", e.msg);
	json_decref(old);
	return rc;
}

/* This run's figures into --plot DIR. */
static int plot(const struct bench_opts *o, json_t *doc)
{
	struct err e;
	if (!doc) {
		fprintf(stderr, "vmfo: bench: out of memory plotting this run\n");
		return -1;
	}
	if (bench_plot_doc(doc, "this run", o->plot, NULL, &e) == BENCH_PLOT_OK)
		return 0;
	fprintf(stderr, "vmfo: %s\n", e.msg);
	return -1;
}

static void print_text(const struct results *r, FILE *out)
{
	machine(out);
	bench_boot_text(&r->boot, out);
	fprintf(out, "failover, median ms (worst)   ");
	for (int s = 0; s < S_MAX; s++)
		fprintf(out, "%-11s", step_names[s]);
	fprintf(out, "total\n");
	for (int i = 0; i < r->nb; i++) {
		const struct breakdown *b = &r->b[i];
		fprintf(out, "  %-28s", b->name);
		for (int s = 0; s < S_MAX; s++)
			fprintf(out, "%-11.3f", b->s[s].median);
		fprintf(out, "%.3f (%.3f)%s\n", b->t.median, b->t.max,
			b->bound_ms > 0 ? "  detection bounded by miss x heartbeat" : "");
	}
	bench_handovers_text(&r->h, out);
	fprintf(out, "\nblackout under load (OS panic): %.3f ms from the last acknowledgement to resumed; "
		     "acked %" PRIu64 ", resumed at %" PRIu64 ", lost %" PRIu64 "%s\n",
		r->bo.gap_ms, r->bo.acked, r->bo.resumed, r->bo.lost, r->bo.lost ? "  <-- A BUG" : "");
	bench_clients_text(r->cb, out);
	bench_protection_text(&r->prot, out);
	fprintf(out, "vmm resident memory: %.1f MB idle, %.1f MB after the runs\n",
		(double)r->rss_idle / 1024, (double)r->rss_booted / 1024);
}

int bench_run(struct vmfo *m, const struct bench_opts *o, FILE *out)
{
	struct results *r = calloc(1, sizeof *r);
	if (!r || measure(m, o, r)) {
		free(r);
		return 1;
	}
	/* A lost acknowledged write is a bug, and so is one answered twice. */
	int rc = r->bo.lost || bench_clients_bad(r->cb) ? 1 : 0;
	json_t *doc = o->json || o->compare || o->plot ? results_json(r) : NULL;
	if (o->json && print_json(doc, out)) {
		fprintf(stderr, "vmfo bench: could not write the JSON document\n");
		rc = 1;
	}
	if (!o->json)
		print_text(r, out);
	/* A comparison goes with the table; after a JSON document it would
	 * spoil it, so with --json it goes to stderr. */
	if (o->compare && compare(o, doc, o->json ? stderr : out))
		rc = 1;
	if (o->plot && plot(o, doc))
		rc = 1;
	json_decref(doc);
	free(r);
	return rc;
}
