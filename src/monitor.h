/* monitor.h — the VMM's policy: boots the active/standby pair on the pool,
 * keeps the resource table, watches heartbeats, handles what guests report.
 * Front ends act only through the command layer (cmd.c), which calls here. */
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

struct config {
	uint64_t pool_mb;
	uint64_t unit_kb;
	uint64_t active_mb;
	uint64_t standby_mb;
	uint64_t heartbeat_ms; /* 0: guests send none, hangs go undetected */
	uint64_t miss;         /* heartbeats lost before an OS hang is declared */
	uint64_t pace_ms;
	const char *trace_path;
	bool no_color;
};

void config_defaults(struct config *c);
/* Whether the sizes describe the claimed configuration (claim 1): an active
 * OS with enough storage, a smaller standby, and a pool that holds both. */
int config_check(const struct config *c, struct err *e);

enum guest_state { G_DOWN, G_BOOTING, G_RUNNING, G_FAILED };

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
	_Atomic uint64_t hb_count;
	char fail_cause[16];
	struct log_ring log;
	uint64_t mb_next_seq;  /* mailbox: next request number */
	uint64_t mb_acked;     /* mailbox: last request answered */
};

struct vmfo {
	struct config cfg;
	struct kvm_host kvm;
	/* One lock for the pool, the table and the guests' state, taken by
	 * the command layer, the watchdog and vCPU threads (for hypercalls). */
	pthread_mutex_t lock;
	pthread_cond_t acked;  /* a mailbox request was answered */
	struct pool pool;
	struct table table;
	struct trace trace;
	struct guest g[2];
	int vmm_row;
	bool booted;
	size_t mark;           /* trace index of the last state-changing command */
	pthread_t watchdog;
	bool watchdog_started;
	atomic_bool quit;
};

/* Open /dev/kvm and map the pool; -1 means the environment is unusable
 * (the caller exits 3 when the message is about KVM). */
int monitor_init(struct vmfo *m, const struct config *cfg, bool *kvm_failed, struct err *e);
void monitor_destroy(struct vmfo *m);

/* Claim 1's starting point: the VMM takes its own unit, gives the active OS
 * sufficient storage and the standby insufficient storage, maps each as
 * memslots and starts both guests. Returns once both vCPUs run; os.ready
 * follows when each guest reports in. */
int monitor_boot(struct vmfo *m, struct err *e);
/* Stop both guests, delete their VMs and slots, return every unit. */
void monitor_reset(struct vmfo *m);
/* Ask the active OS to write a unit it does not own (fault os wild). */
int monitor_wild_write(struct vmfo *m, struct err *e);
/* Check the invariants: table against pool, memslots against table. */
int monitor_check_invariants(struct vmfo *m, struct err *e);

/* Called with m->lock held. */
void monitor_os_fault(struct vmfo *m, struct guest *g, const char *cause);
void log_append(struct log_ring *r, const char *text, size_t len);

const char *role_name(enum vmfo_role r);
const char *state_name(enum guest_state s);
/* The guest currently holding a role, or NULL. */
struct guest *guest_by_role(struct vmfo *m, enum vmfo_role r);

#endif
