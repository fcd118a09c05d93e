/* monitor.h — the VMM's policy: boots the active/standby pair on the pool,
 * keeps the resource table, watches heartbeats, handles what guests report.
 * Private to the core: front ends use the typed API in vmfo.h. */
#ifndef VMFO_MONITOR_H
#define VMFO_MONITOR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "abi.h"
#include "pool.h"
#include "table.h"
#include "trace.h"
#include "util.h"
#include "vm.h"
#include "state.h"
#include "watchdog.h"

/* The app watchdog's bound in force: --app-watchdog-ms, or 3 timer ticks. */
uint64_t monitor_app_watchdog_ms(const struct config *c);

/* What the VMM knows of an app; its storage is table row `row`. */
struct app {
	enum app_state state;
	char name[APP_NAME_MAX];
	int prog;              /* index in the auxiliary image */
	bool hot;              /* a hot-standby job (claims 5, 8) */
	int row;               /* table row, or -1 once it holds no storage */
	uint32_t hdr_unit;     /* where its header (its state) starts: the first
				* unit it was given, wherever grows add units */
	uint64_t acked_seq;    /* last seq its OS acknowledged (heartbeats) */
	uint64_t acked_before; /* acked_seq when its failed side let go: what a
				* takeover must not fall behind */
	uint64_t failed_us;    /* when its failure was reported */
	uint64_t fo;           /* the takeover moving it (fo=N on its events) */
};

/* Policy work the monitor thread carries out, in order. */
enum work_kind { WORK_OS_FAILOVER, WORK_APP_FAILOVER, WORK_UNPARK };
struct work {
	enum work_kind kind;
	int index;           /* VM index or app id */
	uint64_t generation; /* m->generation when queued: a reset drops it */
};
#define WORK_MAX 32

#define LOG_LINES 64
struct log_ring {
	char line[LOG_LINES][VMFO_CONSOLE_MAX + 1];
	uint64_t t_us[LOG_LINES];
	unsigned next, count;
};

struct guest {
	struct vm vm;
	bool created;
	enum vmfo_role role;
	enum guest_state state;
	int os_row;            /* its own storage in the table */
	uint32_t kernel_unit;  /* first unit: kernel, boot info, mailbox */
	uint64_t t_boot_us, t_ready_us;
	_Atomic uint64_t last_hb_us;
	_Atomic uint64_t hb_count;   /* the count the guest last sent */
	_Atomic uint64_t heartbeats; /* heartbeats the VMM received */
	struct hb_watch watch;       /* the watchdog's view (watchdog.c) */
	char fail_cause[16];
	struct log_ring log;
	uint64_t mb_next_seq;  /* mailbox: next request number */
	uint64_t mb_acked;     /* mailbox: last request answered */
	uint64_t mb_posted_us; /* mailbox: when the last request was posted */
	uint64_t fault_us;     /* when its OS fault was detected */
	uint64_t fo;           /* the takeover its fault started */
	bool reprotected;      /* rebooted as the new standby after a failure */
	const char *reject_why;/* the reason a hypercall handler refused */
	uint64_t reject_window_us; /* refusals counted per second ... */
	unsigned rejects;      /* ... to stop a guest that floods */
};

struct vmfo {
	struct config cfg;     /* in force: a boot with sizes changes it */
	struct config cfg0;    /* as given on the command line: the defaults */
	struct kvm_host kvm;
	/* ctl serialises policy: one state-changing command or failover
	 * sequence at a time. Taken before lock, never by vCPU threads. */
	pthread_mutex_t ctl;
	/* lock guards the pool, the table, the apps and the guests' state; it
	 * is held briefly by commands, the monitor thread and vCPU threads
	 * (hypercalls), and released while anyone waits for a guest. */
	pthread_mutex_t lock;
	pthread_cond_t acked;  /* a mailbox request was answered */
	pthread_cond_t wake;   /* work was queued for the monitor thread */
	pthread_cond_t watch_wake; /* the watchdog thread should look now */
	struct app app[MAX_APPS];
	struct work work[WORK_MAX];
	unsigned work_head, work_count;
	struct pool pool;
	struct table table;
	struct trace trace;
	struct guest g[2];
	int vmm_row;
	bool booted;
	uint64_t generation;   /* bumped by every reset */
	size_t mark;           /* trace index of the last state-changing command */
	/* Takeover ids: each failure report starts one, and every event of
	 * that takeover carries it as fo=N, so that the checker pairs them by
	 * failure, not by position (docs/protocol.md, "Takeover ids"). */
	uint64_t fo_next;
	char fo_cur[24];       /* the takeover the monitor thread is running */
	/* Classroom stepping: with step_mode on, a failover waits before each
	 * step (described by step_next) until the console grants one. */
	bool step_mode;
	unsigned step_grants;
	char step_next[160];
	pthread_cond_t stepped;
	pthread_t monitor;     /* the monitor thread: failovers, in order */
	bool monitor_started;
	pthread_t watchdog;    /* the heartbeat watchdog (watchdog.c) */
	bool watchdog_started;
	atomic_bool quit;
};

/* Open /dev/kvm and map the pool; -1 means the environment is unusable
 * (the caller exits 3 when the message is about KVM). */
int monitor_init(struct vmfo *m, const struct config *cfg, bool *kvm_failed, struct err *e);
/* Stop the monitor thread and the guests, write out and close the trace
 * file, free everything. -1 if the trace file could not be written in
 * full: e says why, or is empty when a front end has shown it already
 * (trace_file_error_news). */
int monitor_destroy(struct vmfo *m, struct err *e);

/* Claim 1's starting point: the VMM takes its own unit, gives the active OS
 * sufficient storage (active_mb) and the standby insufficient storage
 * (standby_mb, which must be smaller; both then become the configuration), maps each as
 * memslots and starts both guests. Returns once both vCPUs run; os.ready
 * follows when each guest reports in. */
int monitor_boot(struct vmfo *m, uint64_t active_mb, uint64_t standby_mb, struct err *e);
/* Stop both guests, delete their VMs and slots, return every unit. */
void monitor_reset(struct vmfo *m);
/* Make the active OS execute an OS fault (enum vmfo_os_fault). A wild
 * write goes to unit `target`, or with UINT32_MAX to the standby's kernel
 * unit (or the first unit the active OS does not own). */
int monitor_os_fault_inject(struct vmfo *m, int kind, uint32_t target, struct err *e);
/* enum vmfo_os_fault for a name (panic, hang, triple, wild, engage-hang,
 * activate-hang), or -1. */
int os_fault_kind(const char *name);
const char *os_fault_name(int kind);
/* The same for the standby OS (test of faults at the worst moment). */
int monitor_standby_fault_inject(struct vmfo *m, int kind, struct err *e);
/* Take m->ctl for a front end's state-changing action. A failover paused
 * in step mode holds it until the console grants a step, so waiting for it
 * there would hang the console: refuse then, saying how to go on. */
int monitor_ctl_acquire(struct vmfo *m, struct err *e);
/* Begin a front end's action on the active OS: take ctl and lock and
 * return the running active guest; or NULL, holding nothing, with e saying
 * why ("no active OS is running to <what>"). monitor_end releases both. */
struct guest *monitor_begin_active(struct vmfo *m, const char *what, struct err *e);
struct guest *monitor_begin_role(struct vmfo *m, enum vmfo_role role, const char *what,
				 struct err *e);
void monitor_end(struct vmfo *m);
/* Wait until no failover is queued or running (at most timeout_ms), so a
 * verdict is not taken on half a sequence. -1 when paused in step mode. */
int monitor_quiesce(struct vmfo *m, int timeout_ms, struct err *e);
/* A copy of the trace (free() it; *n events) taken while the monitor was
 * quiet, with nothing recorded between two quiet points around it: what
 * a verdict is taken on. NULL with e saying why. */
struct event *monitor_settled_trace(struct vmfo *m, int timeout_ms, size_t *n, struct err *e);

/* Classroom controls: slow each failover step by ms; pause before each
 * step until monitor_step_grant; what the paused sequence does next
 * (copied into buf, empty when nothing waits). */
void monitor_set_pace(struct vmfo *m, uint64_t ms);
void monitor_set_step(struct vmfo *m, bool on);
void monitor_step_grant(struct vmfo *m);
void monitor_step_waiting(struct vmfo *m, char *buf, size_t size);
/* Test mode: make the active OS misuse the hypercall interface (enum
 * vmfo_hostile); *answer gets what the VMM told the guest. */
int monitor_hostile(struct vmfo *m, int kind, int64_t *answer, struct err *e);
/* Reboot the failed VM as the new standby with insufficient storage. */
int monitor_reprotect(struct vmfo *m, struct err *e);
/* Check the invariants: table against pool, memslots against table.
 * -1 when one is broken, -2 when they could not be checked now. */
int monitor_check_invariants(struct vmfo *m, struct err *e);

/* Called with m->lock held. */
void monitor_os_fault(struct vmfo *m, struct guest *g, const char *cause);
void monitor_queue(struct vmfo *m, enum work_kind kind, int index);
/* A new takeover id, for the failure report about to be emitted. With
 * m->lock held. */
uint64_t monitor_new_fo(struct vmfo *m);
/* fo as the text of an event field. */
const char *fo_text(uint64_t fo, char *buf, size_t size);
/* Make g's memslots match the table (see monitor.c for when it is safe). */
int sync_slots(struct vmfo *m, struct guest *g, struct err *e);
/* The units g's memslots map now, whatever the table says. */
void mapped_units(const struct vmfo *m, const struct guest *g, struct units *u);
/* Post a mailbox request (runs may be NULL) and ring g's doorbell; returns
 * the request's number, or -1. With m->lock held. */
int64_t guest_post(struct vmfo *m, struct guest *g, enum vmfo_mb_cmd cmd, const uint64_t *args,
		   int nargs, const struct units *runs, struct err *e);
/* Wait for the answer to request seq, releasing m->lock while waiting;
 * *status gets the guest's answer. Ends at once if g fails. */
int guest_await(struct vmfo *m, struct guest *g, int64_t seq, int timeout_ms, int64_t *status,
		struct err *e);
/* Both: post a request and wait for its answer. */
int guest_request(struct vmfo *m, struct guest *g, enum vmfo_mb_cmd cmd, const uint64_t *args,
		  int nargs, const struct units *runs, int timeout_ms, int64_t *status,
		  struct err *e);
/* Unit sets to and from the ABI's runs. */
void units_to_runs(const struct units *u, struct vmfo_runs *r);
int runs_to_units(const struct vmfo_runs *r, struct units *u);
struct app *app_by_name(struct vmfo *m, const char *name);
static inline int app_id(const struct vmfo *m, const struct app *a)
{
	return (int)(a - m->app);
}
/* The VM an app's storage is mapped in, or NO_VM. */
int app_vm(const struct vmfo *m, const struct app *a);
/* An app's storage goes back to the OS `os` as its free storage: the
 * app's row is merged into the OS's (same VM, so no memslot changes). */
void app_give_back(struct vmfo *m, struct guest *os, struct app *a);
/* The app's header in host memory (only while it holds storage). */
const struct vmfo_app_hdr *app_header(const struct vmfo *m, const struct app *a);
void log_append(struct log_ring *r, const char *text, size_t len);

const char *role_name(enum vmfo_role r);
/* The live (booting or running) guest holding a role, or NULL. */
struct guest *guest_by_role(struct vmfo *m, enum vmfo_role r);

/* The auxiliary image (claim 2): app programs, embedded at build time. */
extern const unsigned char vmfo_aux_image[];
extern const unsigned char vmfo_aux_image_end[];
/* Index of a program in the auxiliary image, or -1. */
int aux_find(const char *prog);
const char *aux_name(int prog);

#endif
