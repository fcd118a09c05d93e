/* bench_clients.c — vmfo bench's client-seen blackout: for each kind of
 * failure, clients outside the VMs keep writing to a served ledger while
 * it is taken over, and the history they leave says how long they waited
 * with no answer and whether any acknowledged write was lost. Beside it,
 * the VMM's own time for that takeover (failover.done's ms, from
 * detection): what the clients see on top of that is detection, the
 * resumed app's first answers, and the clients' own round trips. A front
 * end like any other: the typed API, a server and clients on a socket. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_int.h"
#include "client.h"
#include "history.h"
#include "serve.h"

#define CLIENTS 4
#define LOAD_MS 200 /* of load before the fault, and again after the takeover */
/* A takeover after a hang waits out the heartbeat misses; anything past
 * this is a failure of the run, not a slow figure. */
#define TAKEOVER_WAIT_MS 20000

static const struct kind {
	const char *key, *name;
	enum vmfo_fault_target target;
	const char *fault;
	const char *until; /* the event that ends the failure's handling */
} kinds[CB_KINDS] = {
	{ "app_crash", "app crash", VMFO_FAULT_APP, "crash", "failover.done" },
	{ "os_panic", "os panic", VMFO_FAULT_OS, "panic", "failover.done" },
	{ "os_hang", "os hang", VMFO_FAULT_OS, "hang", "failover.done" },
	{ "os_triple", "os triple", VMFO_FAULT_OS, "triple", "failover.done" },
	/* Nothing is taken over: the active OS goes on serving. */
	{ "standby_panic", "standby panic", VMFO_FAULT_STANDBY, "panic", "vmm.no_takeover" },
};

/* The fault, once the clients have run LOAD_MS; the wait for its end;
 * LOAD_MS more. *vmm_ms gets failover.done's ms (0 with no takeover). */
static int fault_and_wait(struct vmfo *m, const struct kind *k, double *vmm_ms)
{
	struct err e;
	struct event ev;
	struct vmfo_fault f = { .target = k->target, .kind = k->fault, .unit = UINT32_MAX,
				.app = k->target == VMFO_FAULT_APP ? "db" : NULL };
	struct event_match until = { .name = k->until };
	sleep_ms(LOAD_MS);
	if (vmfo_fault(m, &f, &e))
		return bench_failed(m, "fault", &e);
	if (vmfo_wait(m, &until, TAKEOVER_WAIT_MS, NULL, NULL, &ev) != 1) {
		err_set(&e, "no %s within %d ms of the %s", k->until, TAKEOVER_WAIT_MS, k->name);
		return bench_failed(m, "waiting for the takeover", &e);
	}
	const char *ms = event_field(&ev, "ms");
	*vmm_ms = ms ? strtod(ms, NULL) : 0;
	sleep_ms(LOAD_MS);
	return 0;
}

/* Judge the history; a lost or twice-answered write is said at once, with
 * the checker's report, so that it cannot pass unseen in a long run. */
static int judge(const char *hist, const struct kind *k, struct client_blackout *cb, int r)
{
	struct err e;
	struct history_verdict v;
	char *report = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&report, &len);
	if (!out) {
		fprintf(stderr, "vmfo bench: %s: open_memstream: %s\n", k->name, strerror(errno));
		return -1;
	}
	int rc = history_check(hist, out, &v, &e);
	fclose(out);
	if (rc < 0)
		fprintf(stderr, "vmfo bench: %s: judging the clients' history: %s\n", k->name, e.msg);
	else if (v.lost || v.twice)
		fprintf(stderr, "vmfo bench: A BUG: %s, run %d: %" PRIu64
			" acknowledged writes lost, %" PRIu64 " answered twice; the history's report:\n%s",
			k->name, r + 1, v.lost, v.twice, report);
	free(report);
	if (rc < 0)
		return -1;
	cb->blackout_ms[r] = v.blackout_ms;
	cb->requests += v.requests;
	cb->acked_writes += v.acked_writes;
	cb->unavailable += v.unavailable;
	cb->indeterminate += v.indeterminate;
	cb->lost += v.lost;
	cb->twice += v.twice;
	return 0;
}

/* db served on sock, CLIENTS clients writing the history to hist, through
 * the fault; the server is stopped again whatever happens. */
static int served_run(struct vmfo *m, const struct kind *k, const char *sock, const char *hist,
		      struct client_blackout *cb, int r)
{
	struct err e;
	struct client_opts o;
	struct client_summary s;
	if (serve_start(m, "db", sock, &e))
		return bench_failed(m, "serve", &e);
	client_defaults(&o);
	o.socket = sock;
	o.clients = CLIENTS;
	o.ms = 0; /* until client_finish */
	o.timeout_ms = SERVE_CLIENT_WAIT_MS;
	o.history = hist;
	struct client_run *run = client_start(&o, &e);
	int rc = run ? fault_and_wait(m, k, &cb->vmm_ms[r]) : bench_failed(m, "client start", &e);
	/* After a failed run the server goes first: closing its channel fails
	 * what waits there at once, and the clients stop on the closed socket
	 * instead of reading back every write through a channel that may
	 * never answer. */
	bool served = rc == 0;
	if (!served)
		serve_stop("db", &e);
	if (run && client_finish(run, &s, &e) && rc == 0)
		rc = bench_failed(m, "the clients' verify phase", &e);
	if (served && serve_stop("db", &e) && rc == 0)
		rc = bench_failed(m, "serve off", &e);
	return rc ? -1 : judge(hist, k, cb, r);
}

/* One run, its socket and history in the process's own directory
 * (serve_private_path), both removed afterwards: they are this run's
 * alone. */
static int one_run(struct vmfo *m, const struct kind *k, struct client_blackout *cb, int r)
{
	struct err e;
	char sock[128], hist[128];
	if (serve_private_path("bench-db.sock", sock, sizeof sock, &e) ||
	    serve_private_path("bench-history.jsonl", hist, sizeof hist, &e)) {
		fprintf(stderr, "vmfo bench: %s\n", e.msg);
		return -1;
	}
	int rc = -1;
	if (!bench_fresh_pair(m, 0) && !bench_start(m, "db", "ledger", 8))
		rc = served_run(m, k, sock, hist, cb, r);
	/* Whatever the run got to: a stopped server has removed its socket,
	 * and a run that failed early wrote no history. */
	const char *files[] = { sock, hist };
	for (size_t i = 0; i < 2; i++)
		if (unlink(files[i]) && errno != ENOENT)
			fprintf(stderr, "vmfo bench: removing %s: %s\n", files[i], strerror(errno));
	return rc;
}

int bench_clients(struct vmfo *m, int runs, struct client_blackout cb[CB_KINDS])
{
	for (int i = 0; i < CB_KINDS; i++) {
		struct client_blackout *x = &cb[i];
		memset(x, 0, sizeof *x);
		x->key = kinds[i].key;
		x->name = kinds[i].name;
		x->takeover = kinds[i].target != VMFO_FAULT_STANDBY;
		x->runs = runs;
		for (int r = 0; r < runs; r++)
			if (one_run(m, &kinds[i], x, r))
				return -1;
		x->blackout = bench_stats(x->blackout_ms, runs);
		x->vmm = bench_stats(x->vmm_ms, runs);
	}
	return 0;
}

bool bench_clients_bad(const struct client_blackout cb[CB_KINDS])
{
	for (int i = 0; i < CB_KINDS; i++)
		if (cb[i].lost || cb[i].twice)
			return true;
	return false;
}

/* "3.647 (4.102)": a median and the worst run, as the failover table. */
static void median_worst(const struct stat3 *s, char *buf, size_t size)
{
	snprintf(buf, size, "%.3f (%.3f)", s->median, s->max);
}

void bench_clients_text(const struct client_blackout cb[CB_KINDS], FILE *out)
{
	char blackout[48], vmm[48];
	fprintf(out, "\nclient-seen blackout, %d clients on a served hot ledger, median ms (worst), "
		     "%d run%s each:\n", CLIENTS, cb[0].runs, cb[0].runs == 1 ? "" : "s");
	fprintf(out, "  %-16s%-22s%-22s%10s%7s%7s\n", "fault", "clients' blackout", "vmm takeover",
		"requests", "lost", "twice");
	for (int i = 0; i < CB_KINDS; i++) {
		const struct client_blackout *x = &cb[i];
		median_worst(&x->blackout, blackout, sizeof blackout);
		if (x->takeover)
			median_worst(&x->vmm, vmm, sizeof vmm);
		else
			snprintf(vmm, sizeof vmm, "none");
		fprintf(out, "  %-16s%-22s%-22s%10" PRIu64 "%7" PRIu64 "%7" PRIu64 "%s\n", x->name,
			blackout, vmm, x->requests, x->lost, x->twice,
			x->lost || x->twice ? "  <-- A BUG" : "");
	}
	fprintf(out, "  clients' blackout: the longest wait with no request answered, from their "
		     "history;\n  vmm takeover: failover.done's ms, from detection\n");
}

json_t *bench_clients_json(const struct client_blackout cb[CB_KINDS])
{
	json_t *all = json_object();
	for (int i = 0; i < CB_KINDS && all; i++) {
		const struct client_blackout *x = &cb[i];
		json_object_set_new(
			all, x->key,
			json_pack("{s:s,s:i,s:i,s:o,s:o,s:I,s:I,s:I,s:I,s:I,s:I}", "fault", x->name,
				  "runs", x->runs, "clients", CLIENTS, "blackout_ms",
				  bench_json_stat(x->blackout), "vmm_ms",
				  x->takeover ? bench_json_stat(x->vmm) : json_null(), "requests",
				  (json_int_t)x->requests, "acked_writes", (json_int_t)x->acked_writes,
				  "unavailable", (json_int_t)x->unavailable, "indeterminate",
				  (json_int_t)x->indeterminate, "lost", (json_int_t)x->lost, "twice",
				  (json_int_t)x->twice));
	}
	return all;
}
