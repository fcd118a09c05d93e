/* bench_int.h — inside vmfo bench: the helpers bench.c shares with the
 * figures measured in files of their own (bench_boot.c, bench_handover.c,
 * bench_clients.c, bench_protection.c), and those figures' results, which
 * bench.c keeps in its one results struct and prints with the rest. */
#ifndef VMFO_BENCH_INT_H
#define VMFO_BENCH_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bench.h"
#include "vmfo.h"

#define MAX_RUNS 50

struct stat3 {
	double min, median, max;
};

/* Sorts v in place: min, median, max of n values (all 0 when n is 0). */
struct stat3 bench_stats(double *v, int n);
json_t *bench_json_stat(struct stat3 s);
/* An action failed: say what, with the last events and the guests' logs,
 * on stderr. Returns -1. */
int bench_failed(struct vmfo *m, const char *what, const struct err *e);
/* A fresh pair with the command line's sizes (0) or these. */
int bench_fresh_pair(struct vmfo *m, uint64_t active_mb);
/* A hot-standby app of mb MB running prog. */
int bench_start(struct vmfo *m, const char *name, const char *prog, uint64_t mb);

/* The seq of app name, read from its storage through a snapshot (s). */
uint64_t bench_seq_of(struct vmfo *m, struct vmfo_snapshot *s, const char *name);
/* Make target (app: that app) fail with kind; 0, or -1 said on stderr. */
int bench_fault(struct vmfo *m, enum vmfo_fault_target target, const char *app, const char *kind);
/* Time of the first event called name at or after trace index from, or 0. */
uint64_t bench_t_of(struct vmfo *m, size_t from, const char *name);
/* Whether an event called name came at or after index from within ms;
 * if not, says so on stderr. */
bool bench_wait_for(struct vmfo *m, const char *name, size_t from, int ms);

/* ---- handover against copy (bench_handover.c) ---- */

#define MAX_SIZES 12

/* What each handover run measures, in ms: from os.disconnected to
 * app.resumed (service) and to app.verified (verify); to vmm.attach; and
 * the same bytes copied into fresh or into touched memory. */
enum { H_SERVICE, H_VERIFY, H_DETACH_ATTACH, H_COPY_FRESH, H_COPY_TOUCHED, H_FIGURES };

/* A size's handovers: each figure's min, median, max over its runs. */
struct handover {
	uint64_t mb;
	int runs;
	struct stat3 f[H_FIGURES];
};

struct handovers {
	struct handover h[MAX_SIZES];
	int n;
};

/* Each size (fewer with quick) a few times: a fully touched region handed
 * over, and the same bytes copied. 0, or -1 said on stderr. */
int bench_handovers(struct vmfo *m, bool quick, int runs, struct handovers *h);
void bench_handovers_text(const struct handovers *h, FILE *out);
/* Adds "handover" (one entry per size) and the summary figures to doc;
 * -1 when out of memory. */
int bench_handovers_json(const struct handovers *h, json_t *doc);

/* ---- how long the pair takes to boot (bench_boot.c) ---- */

/* The breakdown's rows, per OS: from the boot's start to its first phase,
 * each phase (enum boot_phase), and their sum, when it reported ready. */
enum { BOOT_ROW_QUEUED, BOOT_ROW_PHASE, BOOT_ROW_READY = BOOT_ROW_PHASE + BOOT_PHASES, BOOT_ROWS };

struct boot_bench {
	int runs;
	struct stat3 pair; /* vmfo_boot() to the later os.ready */
	char vm[2][8];
	const char *role[2];
	struct stat3 row[2][BOOT_ROWS];
};

/* runs boots of a fresh pair, each timed whole and phase by phase, in ms.
 * 0, or -1 when a boot failed (said on stderr). */
int bench_boot(struct vmfo *m, int runs, struct boot_bench *b);
void bench_boot_text(const struct boot_bench *b, FILE *out);
/* {"pair": {min,median,max}, "phases": [{"name": "vm0 queued", "ms":
 * {...}}, {"name": "vm0 create_vm", ...}, ..., {"name": "vm1 guest_init",
 * ...}]} */
json_t *bench_boot_json(const struct boot_bench *b);

/* ---- what protection costs (bench_protection.c) ---- */

enum { PROT_SETTINGS = 3 }; /* heartbeat off, every 10 ms, every 1 ms */

struct protection {
	uint64_t heartbeat_ms[PROT_SETTINGS];
	int rounds;
	double mtx[PROT_SETTINGS][MAX_RUNS];      /* million transactions/s, per round */
	double cost_pct[PROT_SETTINGS][MAX_RUNS]; /* against off in the same round */
	struct stat3 mtx_s[PROT_SETTINGS], cost_s[PROT_SETTINGS];
};

/* Ledger throughput for ms with each heartbeat setting, in interleaved
 * rounds. 0, or -1 when a run could not be carried out (said on stderr). */
int bench_protection(struct vmfo *m, int rounds, int ms, struct protection *p);
void bench_protection_text(const struct protection *p, FILE *out);
/* [{"heartbeat_ms":0,"rounds":10,"ledger_mtx_per_s":{min,median,max},
 *   "cost_pct":{...}}, ...] */
json_t *bench_protection_json(const struct protection *p);

/* ---- what clients see of each kind of failure (bench_clients.c) ---- */

enum { CB_KINDS = 5 }; /* app crash, os panic, os hang, os triple, standby panic */

struct client_blackout {
	const char *key;  /* its name in the JSON document: "app_crash" */
	const char *name; /* in the table: "app crash" */
	bool takeover;    /* false for a standby's failure: nothing moves */
	int runs;
	double blackout_ms[MAX_RUNS]; /* the history's longest wait with no answer */
	double vmm_ms[MAX_RUNS];      /* failover.done's ms: from detection, the VMM's own */
	struct stat3 blackout, vmm;
	/* Summed over the runs. */
	uint64_t requests, acked_writes, unavailable, indeterminate, lost, twice;
};

/* Each kind, runs times: boot, a hot ledger served on a private socket,
 * four clients, the fault, the takeover, and what the history shows.
 * 0, or -1 when a run could not be carried out (said on stderr). A run
 * that lost an acknowledged write is not an error here: it is counted,
 * and said on stderr at once. */
int bench_clients(struct vmfo *m, int runs, struct client_blackout cb[CB_KINDS]);
/* Whether any run lost an acknowledged write or answered one twice. */
bool bench_clients_bad(const struct client_blackout cb[CB_KINDS]);
void bench_clients_text(const struct client_blackout cb[CB_KINDS], FILE *out);
/* {"app_crash": {"runs":..., "blackout_ms": {...}, "vmm_ms": {...} or
 * null, "lost": 0, "twice": 0, "requests": ...}, ...} */
json_t *bench_clients_json(const struct client_blackout cb[CB_KINDS]);

#endif
