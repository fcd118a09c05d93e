/* vmfo.h — the typed core API: every action a front end (console, view,
 * Lua, bench) can take, and a read snapshot of everything they show.
 *
 * Front ends include this header, never monitor.h: `struct vmfo` is opaque
 * to them. An action returns 0, or -1 with e saying what failed and why,
 * having changed nothing. A snapshot is a plain copy taken under the
 * monitor's lock, so a front end reads it at leisure without racing the
 * monitor thread or the vCPUs. The trace (trace.h) has its own lock and is
 * read directly. */
#ifndef VMFO_VMFO_H
#define VMFO_VMFO_H

#include <stdbool.h>
#include <stdint.h>

#include "iodev.h"
#include "lifecycle.h"
#include "needs.h"
#include "settings.h"
#include "table.h"
#include "trace.h"
#include "util.h"

struct vmfo;

/* ---- life cycle ---- */

/* Open /dev/kvm, map the pool, start the monitor's threads. NULL with e
 * saying why; *kvm_failed tells whether KVM itself is unusable (exit 3). */
struct vmfo *vmfo_open(const struct config *cfg, bool *kvm_failed, struct err *e);
/* Stop everything, write out the trace file, free. -1 if the trace file
 * could not be written in full (e says why, or is empty when a front end
 * has shown it already). */
int vmfo_close(struct vmfo *m, struct err *e);
/* The configuration as given on the command line (the defaults for boot). */
const struct config *vmfo_defaults(const struct vmfo *m);
/* Heartbeat period and misses for the next boot (bench measures their
 * cost); the command line's values stay the defaults. */
void vmfo_set_heartbeat(struct vmfo *m, uint64_t heartbeat_ms, uint64_t miss);
/* Back to the command line's configuration for the next boot. */
void vmfo_restore_config(struct vmfo *m);

/* ---- actions ---- */

/* What a boot did, per VM: the time from start to os.ready, the storage,
 * and where the boot's time went, as the monitor timed it (enum
 * boot_phase). Each OS's phases follow one another from its begin_ms, the
 * time since the boot began (the VMM's own set-up, and for an OS started
 * after the other, that one's phases); begin_ms plus its phases is when
 * it reported ready. */
struct vmfo_booted {
	struct {
		char vm[8];
		const char *role;
		double ready_ms;
		uint64_t mb;
		double begin_ms;
		double phase_ms[BOOT_PHASES];
	} os[2];
};
/* Claim 1's starting point: boot the pair with these sizes (0: the
 * command line's) and wait until both OSes report ready. */
int vmfo_boot(struct vmfo *m, uint64_t active_mb, uint64_t standby_mb, struct vmfo_booted *out,
	      struct err *e);
/* Whether a boot with these sizes (0: the command line's) would be
 * refused, and why: what vmfo_boot checks first, for a caller that must
 * change nothing on bad input before it boots (Lua resets first). */
int vmfo_check_sizes(struct vmfo *m, uint64_t active_mb, uint64_t standby_mb, struct err *e);
/* Stop both guests, return all storage to the pool, clear the trace. */
void vmfo_reset(struct vmfo *m);
/* Start NAME running PROG (a name in the auxiliary image) on the active
 * OS (claim 5), with size->mb MB (the shorthand) or, with mb 0, as much as
 * size->items of the program's item need (0: its default), which the OS
 * computes from the program's needs; size->got then holds what it
 * computed. Waits for app.started. */
int vmfo_app_start(struct vmfo *m, const char *name, const char *prog, bool hot,
		   struct vmfo_app_size *size, struct err *e);
/* Give a running app size->mb MB more or, with mb 0, as much more as
 * size->items need in all (the OS computes how much; only for programs
 * whose needs say VMFO_NEEDS_GROWS). */
int vmfo_app_grow(struct vmfo *m, const char *name, struct vmfo_app_size *size, struct err *e);

/* Who executes a fault: the active OS, the standby, or an app. */
enum vmfo_fault_target { VMFO_FAULT_OS, VMFO_FAULT_STANDBY, VMFO_FAULT_APP };
struct vmfo_fault {
	enum vmfo_fault_target target;
	const char *kind;   /* a name from vmfo_fault_kinds(target) */
	const char *app;    /* VMFO_FAULT_APP: the app's name */
	uint32_t unit;      /* os wild: the unit to write, or UINT32_MAX */
};
/* The guest executes the fault itself; detection follows by real means. */
int vmfo_fault(struct vmfo *m, const struct vmfo_fault *f, struct err *e);
/* The kinds a target can execute, NULL-terminated (help, completion, Lua). */
const char *const *vmfo_fault_kinds(enum vmfo_fault_target t);
/* The same as one line for messages: "panic, hang, triple or wild". */
const char *vmfo_fault_kinds_text(enum vmfo_fault_target t);

/* Test mode: the active OS misuses the hypercall interface; *answer gets
 * the status the VMM gave it. Case names from vmfo_hostile_cases(). */
int vmfo_hostile(struct vmfo *m, const char *name, int64_t *answer, struct err *e);
const char *const *vmfo_hostile_cases(void);

/* ---- the resource management table in main storage (claim 3) ---- */

/* The table's bytes as they lie in the VMM's own unit of the pool, copied
 * under the monitor's lock, and where they lie. Laid out as
 * table_layout.h says: decode them with struct table_header and struct
 * row at the offsets the header gives. */
struct vmfo_table_bytes {
	uint32_t unit;            /* the VMM's unit that holds the table */
	uint32_t offset;          /* from the start of that unit: TABLE_OFFSET */
	uint64_t unit_bytes;
	size_t size;              /* sizeof(struct table_store) */
	_Alignas(8) unsigned char bytes[sizeof(struct table_store)];
};
/* -1 before boot (the table, empty, then lies in the VMM process). */
int vmfo_table_bytes(struct vmfo *m, struct vmfo_table_bytes *out, struct err *e);
/* Test mode: change one column of a row in the table's storage only (not
 * the app record, not the memslots); the next takeover follows it. An
 * app's hot flag; an app's or an OS's takeover OS (0, 1 or NO_VM). */
int vmfo_table_set_hot(struct vmfo *m, const char *row, bool hot, struct err *e);
int vmfo_table_set_takeover(struct vmfo *m, const char *row, int vm, struct err *e);

/* Reboot the failed VM as the new standby (or, with both down, as the new
 * active OS); waits until it reports ready. */
struct vmfo_reprotected {
	char vm[8];
	const char *role;
};
int vmfo_reprotect(struct vmfo *m, struct vmfo_reprotected *out, struct err *e);
/* Check the invariants: 0 when they hold; -1 when one is broken ("invariant
 * broken: ..."), -2 when they could not be checked now. */
int vmfo_invariants(struct vmfo *m, struct err *e);

/* ---- the trace ---- */

struct trace *vmfo_trace(struct vmfo *m);
/* Wait for w among the events since the last state-changing action, for
 * at most ms, calling tick(arg) about every 50 ms: 1 with *out filled, 0 on
 * timeout, -1 on Ctrl-C. */
int vmfo_wait(struct vmfo *m, const struct event_match *w, uint64_t ms, void (*tick)(void *),
	      void *arg, struct event *out);
/* A copy of the trace taken while no failover was half done (free() it);
 * what verdicts are taken on. NULL with e saying why. */
struct event *vmfo_settled_trace(struct vmfo *m, int timeout_ms, size_t *n, struct err *e);

/* ---- classroom ---- */

void vmfo_set_pace(struct vmfo *m, uint64_t ms);
void vmfo_set_step(struct vmfo *m, bool on);
/* What a failover paused in step mode does next (empty: nothing waits). */
void vmfo_step_waiting(struct vmfo *m, char *buf, size_t size);
/* Carry out the paused step; -1 when none waits. */
int vmfo_step(struct vmfo *m, struct err *e);
/* Whether e is the refusal of an action (or of a verdict) because a
 * stepped failover waits for its next step: a front end then says how to
 * go on in its own terms. */
bool vmfo_refused_paused(const struct err *e);

/* ---- the I/O control unit (docs/protocol.md) ---- */

/* Open app's I/O channel: a row of the table (APP.io), attached to the OS
 * that controls the app, which from then on serves requests from its
 * ring. Only ledger and kv serve. */
int vmfo_io_open(struct vmfo *m, const char *app, struct err *e);
/* Close it: requests it has not answered fail to their clients. */
int vmfo_io_close(struct vmfo *m, const char *app, struct err *e);
/* Carry one client request (op: enum vmfo_io_op) to app and wait at most
 * timeout_ms for what becomes of it, in *ans. Any thread may call it, at
 * any time: a failover under way only makes it wait. */
void vmfo_io_call(struct vmfo *m, const char *app, uint32_t op, uint64_t key, uint64_t value,
		  uint64_t timeout_ms, struct io_answer *ans);

/* ---- the read snapshot ---- */

struct vmfo_os_view {
	char name[8];             /* vm0, vm1 */
	const char *role;         /* active, standby */
	enum guest_state state;
	char fail_cause[16];
	uint64_t hb_count;        /* heartbeats: the watchdog's looks that found it alive */
	uint64_t last_hb_us;      /* when the VMM last heard a heartbeat */
	uint64_t t_boot_us, t_ready_us;
	int slots;                /* memslots its VM has */
};

struct vmfo_app_view {
	char name[APP_NAME_MAX];
	const char *prog;
	enum app_state state;     /* A_FREE: this slot is empty */
	int vm;                   /* where its storage is mapped, or NO_VM */
	uint64_t bytes;           /* its storage */
	bool hot;
	uint64_t seq, hash;       /* read from its header in its storage */
	uint64_t acked;           /* the last seq its OS acknowledged */
	bool io_open;             /* its I/O channel is open */
	int io_vm;                /* the VM the channel is attached to, or NO_VM */
	struct io_stats io;       /* the channel's counters */
};

struct vmfo_snapshot {
	uint64_t now_us;          /* when it was taken (heartbeat ages) */
	bool booted;
	struct config cfg;        /* in force */
	bool step_mode;
	char step_next[160];      /* the step a paused failover waits on */
	bool busy;                /* a failover is queued or running */
	struct vmfo_os_view os[2];
	struct vmfo_app_view app[MAX_APPS]; /* by app id */
	struct table table;       /* the resource management table */
	int vmm_row;
	uint32_t nunits, nfree;   /* the pool */
	uint64_t unit_bytes;
	bool huge;
	struct units free_units;
	bool free_fragmented;     /* free_units could not hold every run */
};
void vmfo_snapshot(struct vmfo *m, struct vmfo_snapshot *s);
/* The app called name in a snapshot, or NULL. */
const struct vmfo_app_view *vmfo_snapshot_app(const struct vmfo_snapshot *s, const char *name);

/* For bench's copy baseline only: copy app name's storage, from its
 * header on and within one run of units, at most max bytes, into dst, as a
 * copying failover would have to. m->lock is held meanwhile, so that no
 * hypercall writes that storage during the copy. *bytes gets how many were
 * copied, *us how long the copy took; -1 when there is no such app or it
 * holds no storage. */
int vmfo_copy_app_storage(struct vmfo *m, const char *name, void *dst, uint64_t max,
			  uint64_t *bytes, uint64_t *us);

/* Test mode: damage app name's storage, one byte at offset from its
 * header (within the run of units that starts there), through the VMM's
 * own mapping, whichever VM holds it or none (parked). The app finds it
 * when it checks its state: app.corrupt. *gpa gets the byte's
 * guest-physical address. */
int vmfo_corrupt(struct vmfo *m, const char *name, uint64_t offset, uint64_t *gpa, struct err *e);

/* A guest's console lines, oldest first. */
#define VMFO_LOG_LINES 64
struct vmfo_log {
	char line[VMFO_LOG_LINES][256];
	uint64_t t_us[VMFO_LOG_LINES];
	unsigned count;
};
/* vm: 0 or 1. */
void vmfo_log(struct vmfo *m, int vm, struct vmfo_log *out);

/* The app programs in the auxiliary image, NULL-terminated. */
const char *const *vmfo_programs(void);
/* What a program declares it needs (its item's name, ...), or NULL. */
const struct vmfo_prog_needs *vmfo_program_needs(const char *prog);

#endif
