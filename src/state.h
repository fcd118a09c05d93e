/* state.h — the monitor's state: struct vmfo and its parts (guests, apps,
 * the work queue, the log rings), the lock that guards them with its
 * debug-build ownership check, the table of policy entry points the lower
 * layers call through, and the small accessors everyone reads them with.
 * No policy here: every layer of the monitor includes this, and this
 * includes nothing above the state (pool, table, trace, vm).
 * Claims served: 3 (with table.h: what the VMM knows of every holder). */
#ifndef VMFO_STATE_H
#define VMFO_STATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "abi.h"
#include "iodev.h"
#include "lifecycle.h"
#include "pool.h"
#include "settings.h"
#include "table.h"
#include "trace.h"
#include "util.h"
#include "vm.h"

/* What the VMM knows of an app; its storage is table row `row`. */
struct app {
	enum app_state state;
	char name[APP_NAME_MAX];
	int prog;              /* index in the auxiliary image */
	bool hot;              /* asked for at `app start`: a hot-standby job
				* (claims 5, 8). Its row's hot flag takes it
				* over at the first report; from then on policy
				* reads the row (claim 3), never this */
	int row;               /* table row, or -1 once it holds no storage */
	uint32_t hdr_unit;     /* where its header (its state) starts: the first
				* unit it was given, wherever grows add units */
	uint64_t acked_seq;    /* last seq its OS acknowledged (heartbeats) */
	uint64_t acked_before; /* acked_seq when its failed side let go: what a
				* takeover must not fall behind */
	uint64_t failed_us;    /* when its failure was reported */
	uint64_t fo;           /* the takeover moving it (fo=N on its events) */
	bool check_due;        /* it resumed or restarted on a check of part of
				* its state: the rest may follow (app.verified) */
	uint64_t check_fo;     /* the takeover it resumed from (0: a restart),
				* which that check's events belong to */
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

/* What the heartbeat watchdog (watchdog.c) last saw of one guest. */
struct hb_watch {
	uint64_t pulse;      /* the OS's pulse and its apps' progress, summed */
	uint64_t t_us;       /* when it looked */
	uint64_t outside_us; /* the vCPU thread's time in the VMM by then */
	uint64_t delay_us;   /* its time waiting for a host CPU by then */
	uint64_t on_cpu_us;  /* its time on a host CPU by then */
	bool runnable;       /* it was runnable (or running) then */
	uint64_t silent_us;  /* guest time since the last heartbeat */
	bool probed;         /* a doorbell was rung in this silence */
};

struct guest {
	struct vm vm;
	bool created;
	enum vmfo_role role;
	enum guest_state state;
	int os_row;            /* its own storage in the table */
	uint32_t kernel_unit;  /* first unit: kernel, boot info, mailbox */
	uint64_t t_boot_us, t_ready_us;
	/* Its boot, timed (enum boot_phase): when the first phase began,
	 * when the last one so far ended, and what each took. */
	uint64_t boot_begin_us, boot_at_us;
	uint64_t boot_phase_us[BOOT_PHASES];
	_Atomic uint64_t last_hb_us;
	_Atomic uint64_t heartbeats; /* the watchdog's looks that found it alive */
	struct hb_watch watch;       /* the watchdog's view (watchdog.c) */
	char fail_cause[16];
	struct log_ring log;
	uint64_t mb_next_seq;  /* mailbox: next request number */
	uint64_t mb_acked;     /* mailbox: last request answered */
	uint64_t mb_posted_us; /* mailbox: when the last request was posted */
	uint64_t fault_us;     /* when its OS fault was detected */
	uint64_t fo;           /* the takeover its fault started */
	bool reprotected;      /* rebooted as the new standby after a failure */
	uint64_t reject_window_us; /* refusals counted per second ... */
	unsigned rejects;      /* ... to stop a guest that floods */
};

struct vmfo;

/* What the layers below policy (the vCPU exit handlers in hcall.c, the
 * heartbeat watchdog) ask of it: one table of entry points, set up by
 * monitor_init_core(), so that they include no policy header. Both are
 * called with m->lock held. */
struct monitor_policy {
	/* Claim 9: an OS fault was detected; mark g failed and start its
	 * takeover (monitor_os_fault). */
	void (*os_fault)(struct vmfo *m, struct guest *g, const char *cause);
	/* Queue work for the monitor thread (monitor_queue); -1 when full. */
	int (*queue)(struct vmfo *m, enum work_kind kind, int index);
};

struct vmfo {
	struct config cfg;     /* in force: a boot with sizes changes it */
	struct config cfg0;    /* as given on the command line: the defaults */
	struct kvm_host kvm;
	/* ctl serialises policy: one state-changing command or failover
	 * sequence at a time. Taken before lock, never by vCPU threads.
	 * Released with monitor_ctl_release() or monitor_end(), which wake
	 * whoever waits for it (ctl_free). */
	pthread_mutex_t ctl;
	/* lock guards the pool, the table, the apps and the guests' state; it
	 * is held briefly by commands, the monitor thread and vCPU threads
	 * (hypercalls), and released while anyone waits for a guest. Take it
	 * with monitor_lock() (below) so that assert_locked() can check. */
	pthread_mutex_t lock;
	pthread_t lock_owner;  /* who holds lock through monitor_lock, or 0 */
	pthread_cond_t acked;  /* a mailbox request was answered */
	pthread_cond_t wake;   /* work was queued for the monitor thread */
	pthread_cond_t watch_wake; /* the watchdog thread should look now */
	/* ctl was released, or a failover paused before a step (step_next
	 * set): monitor_ctl_acquire and monitor_quiesce wait on this. */
	pthread_cond_t ctl_free;
	const struct monitor_policy *policy; /* see struct monitor_policy */
	struct app app[MAX_APPS];
	struct work work[WORK_MAX];
	unsigned work_head, work_count;
	unsigned work_dropped; /* work refused because the queue was full */
	struct pool pool;
	struct table table;
	struct trace trace;
	struct iodev io;        /* the I/O control unit (iodev.h, iochan.h) */
	struct guest g[2];
	int vmm_row;
	bool booted;
	uint64_t boot_begin_us; /* monitor_boot began: the pair's own set-up */
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

/* ---- m->lock and who holds it ----
 * The monitor's own code takes m->lock with monitor_lock() and waits on
 * its conditions with monitor_wait()/monitor_timedwait(), which keep
 * m->lock_owner up to date (relaxed atomics: a thread that does not hold
 * the lock may read it while another writes it). assert_locked(m), at the
 * top of every function documented "with m->lock held", then aborts in
 * builds without NDEBUG when the calling thread does not hold it: one load
 * and one pthread_equal(). Front ends that take m->lock directly for a
 * read-only look call none of those functions. */
static inline void monitor_lock(struct vmfo *m)
{
	pthread_mutex_lock(&m->lock);
	__atomic_store_n(&m->lock_owner, pthread_self(), __ATOMIC_RELAXED);
}

static inline void monitor_unlock(struct vmfo *m)
{
	__atomic_store_n(&m->lock_owner, (pthread_t)0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&m->lock);
}

static inline void monitor_wait(struct vmfo *m, pthread_cond_t *c)
{
	__atomic_store_n(&m->lock_owner, (pthread_t)0, __ATOMIC_RELAXED);
	pthread_cond_wait(c, &m->lock);
	__atomic_store_n(&m->lock_owner, pthread_self(), __ATOMIC_RELAXED);
}

static inline int monitor_timedwait(struct vmfo *m, pthread_cond_t *c, const struct timespec *at)
{
	__atomic_store_n(&m->lock_owner, (pthread_t)0, __ATOMIC_RELAXED);
	int rc = pthread_cond_timedwait(c, &m->lock, at);
	__atomic_store_n(&m->lock_owner, pthread_self(), __ATOMIC_RELAXED);
	return rc;
}

#ifndef NDEBUG
void monitor_assert_locked(struct vmfo *m, const char *fn);
#define assert_locked(m) monitor_assert_locked((m), __func__)
#else
#define assert_locked(m) ((void)(m))
#endif

/* ---- reading the state (with m->lock held, or a front end's own hold) ---- */

/* A front end's state-changing action begins now: 'wait' and vmfo.wait
 * look for events from here on (m->mark). With m->lock held. */
void monitor_mark_action(struct vmfo *m);
const char *role_name(enum vmfo_role r);
/* The live (booting or running) guest holding a role, or NULL. */
struct guest *guest_by_role(struct vmfo *m, enum vmfo_role r);
struct app *app_by_name(struct vmfo *m, const char *name);
static inline int app_id(const struct vmfo *m, const struct app *a)
{
	return (int)(a - m->app);
}
/* The VM an app's storage is mapped in, or NO_VM. */
int app_vm(const struct vmfo *m, const struct app *a);
/* The apps whose storage is mapped in vm, by id, in *ids (MAX_APPS long);
 * returns how many. */
int apps_on(const struct vmfo *m, int vm, int *ids);
/* Whether an app is a hot-standby job: its table row says (claim 3);
 * before it has a row, what app start asked for. */
bool app_hot(const struct vmfo *m, const struct app *a);
/* An app's storage goes back to the OS `os` as its free storage: the
 * app's row is merged into the OS's (same VM, so no memslot changes).
 * With m->lock held. -1 (the app keeps its row) if the OS's row cannot
 * hold it. */
int app_give_back(struct vmfo *m, struct guest *os, struct app *a);
/* The app's header in host memory (only while it holds storage). */
const struct vmfo_app_hdr *app_header(const struct vmfo *m, const struct app *a);
/* App fault kinds (crash, hang, error) by name and back. */
int app_fault_kind(const char *kind);
const char *app_fault_name(uint32_t kind);
void log_append(struct log_ring *r, const char *text, size_t len);
/* Phase p of g's boot ended at now: it took the time since the last one
 * ended (or since the boot began). With m->lock held. */
void guest_phase_done(struct guest *g, enum boot_phase p, uint64_t now);
/* A new takeover id, for the failure report about to be emitted. With
 * m->lock held. */
uint64_t monitor_new_fo(struct vmfo *m);
/* fo as the text of an event field. */
const char *fo_text(uint64_t fo, char *buf, size_t size);

/* The auxiliary image (claim 2): app programs, embedded at build time. */
extern const unsigned char vmfo_aux_image[];
extern const unsigned char vmfo_aux_image_end[];
/* Index of a program in the auxiliary image, or -1. */
int aux_find(const char *prog);
const char *aux_name(int prog);
/* What program prog declares it needs (claim 5), or NULL. */
const struct vmfo_prog_needs *aux_needs(int prog);

#endif
