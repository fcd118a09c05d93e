/* checker_int.h — what the checker's files share; not for use outside them
 * (the public interface is checker.h).
 *
 * Where things are:
 *   checker.c          check_claim(), check_format(), the claims list, the
 *                      numbering rule, and the verdict plumbing (say, pass,
 *                      describe)
 *   checker_world.c    the world as the trace has made it so far: who holds
 *                      which units, which OS runs, each app's VM, heat and
 *                      latest report
 *   checker_seq.c      one failure's takeover among the events (paired by
 *                      fo=N, or by position), its route (taken, parked or
 *                      refused), cut short or parked, and the walk over the
 *                      trace failure by failure
 *   checker_steps.c    finding a claim's expected steps in order, and why
 *                      one is not there (missing, out of order, wrong VM,
 *                      wrong units)
 *   check_os.c         claims 1 and 7: an OS's storage at boot, and what an
 *                      OS failure's takeover moves and activates
 *   check_table.c      claims 3 and 5: the table looked up at a failure, and
 *                      fed by reports and requests
 *   check_app.c        claims 4 and 6: a hot app's storage moved to the OS
 *                      taking over
 *   check_activation.c claims 2 and 8: what is activated (only hot apps) and
 *                      where its program comes from (auxiliary memory)
 *   check_routines.c   claim 9: the routines on each side
 *
 * The names here are short and meant for these files only: the pragma below
 * keeps them out of the program's dynamic symbol table, so no shared library
 * the program links can clash with them. */
#ifndef VMFO_CHECKER_INT_H
#define VMFO_CHECKER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "checker.h"
#include "trace.h"
#include "units.h"

#pragma GCC visibility push(hidden)

/* Apps a trace may name: more than run at once (MAX_APPS in state.h),
 * because a saved trace spans resets and apps come and go. */
#define TRACE_MAX_APPS 64
#define NVMS 2
#define DESC 512   /* room for one described event */
#define UBUF 256   /* room for one unit set in a message */

extern const char *const vm_names[NVMS]; /* "vm0", "vm1" */

/* ---- events ---------------------------------------------------------- */

static inline bool is(const struct event *e, const char *name)
{
	return strcmp(e->name, name) == 0;
}

static inline bool has(const struct event *e, const char *key, const char *val)
{
	const char *v = event_field(e, key);
	return v && strcmp(v, val) == 0;
}

/* A field for a message: "?" rather than a NULL pointer when absent. */
static inline const char *field(const struct event *e, const char *key)
{
	const char *v = event_field(e, key);
	return v ? v : "?";
}

static inline int vm_index(const char *name)
{
	for (int i = 0; i < NVMS; i++)
		if (name && strcmp(name, vm_names[i]) == 0)
			return i;
	return -1;
}

/* With two VMs the one to take over is always the one that did not fail. */
static inline const char *other_vm(const char *name)
{
	int i = vm_index(name);
	return i < 0 ? NULL : vm_names[1 - i];
}

static inline bool is_os_fault(const struct event *e)
{
	return is(e, "vmm.os_fault");
}

static inline bool is_app_failure(const struct event *e)
{
	return is(e, "os.app_failure");
}

static inline bool is_trigger(const struct event *e)
{
	return is_os_fault(e) || is_app_failure(e);
}

/* ---- verdicts and messages (checker.c) ------------------------------- */

/* printf into buf at *len, moving *len on; never past size. */
void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "name vm=.. app=.. (seq N)": enough to find the event in a trace dump. */
const char *describe(const struct event *e, char *buf, size_t size);

/* Verdict v, with its reason printed into why. */
enum verdict say(enum verdict v, char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* CLAIM_PASS, with why emptied. */
enum verdict pass(char *why, size_t len);

/* Internal: a takeover that a later failure cut short (the app failed again,
 * or the OS taking over failed) or that waits for an OS to take its parked
 * storage. It is judged no further and not counted; the failure that cut
 * it short starts a takeover of its own. */
#define CUT ((enum verdict)3)

/* The claims (check_*.c), as the claims list in checker.c calls them. */
enum verdict claim1(const struct event *ev, size_t n, char *why, size_t len);
enum verdict claim2(const struct event *ev, size_t n, char *why, size_t len);
enum verdict claim3(const struct event *ev, size_t n, char *why, size_t len);
enum verdict claim4(const struct event *ev, size_t n, char *why, size_t len);
enum verdict claim5(const struct event *ev, size_t n, char *why, size_t len);
enum verdict claim6(const struct event *ev, size_t n, char *why, size_t len);
enum verdict claim7(const struct event *ev, size_t n, char *why, size_t len);
enum verdict claim8(const struct event *ev, size_t n, char *why, size_t len);
enum verdict claim9(const struct event *ev, size_t n, char *why, size_t len);

/* ---- unit sets ------------------------------------------------------- */

static inline bool ev_units(const struct event *e, struct units *u)
{
	const char *s = event_field(e, "units");
	return s && units_parse(s, u) == 0;
}

/* units_remove refuses unless its second set lies inside the first. */
static inline bool inside(const struct units *small, const struct units *big)
{
	struct units t = *big;
	return units_remove(&t, small) == 0;
}

static inline const char *ustr(const struct units *u, char *buf, size_t size)
{
	units_format(u, buf, size);
	return buf;
}

/* ---- the world as the trace has made it so far (checker_world.c) ----- */

struct app_rec {
	char name[EV_VAL_MAX];
	int vm;      /* where it runs now; -1 unknown */
	bool hot;    /* from its latest app.started */
	bool alive;  /* started, restarted or resumed, and not failed since */
	bool moving; /* hot, failed, and its takeover not ended yet */
	long report; /* index of its latest os.report; -1 none */
};

struct world {
	struct units owned[NVMS]; /* mapped in each VM; parked units in none */
	bool up[NVMS];            /* os.ready and no vmm.os_fault since */
	bool standby[NVMS];       /* its latest role, as os.ready and takeovers set it */
	bool ran_apps[NVMS];      /* it held apps when it last failed */
	struct app_rec app[TRACE_MAX_APPS];
	int napps;
};

void world_init(struct world *w);
/* Step w past event i. */
void world_step(struct world *w, const struct event *ev, size_t i);
const struct app_rec *app_find(const struct world *w, const char *name);
/* An app's storage is what its latest os.report said (a grow re-reports). */
bool app_storage(const struct event *ev, const struct app_rec *r, struct units *u);
/* Whether app r's storage is in vm: it runs there, or a takeover moving it
 * has its reported storage mapped there now. */
bool on_vm(const struct event *ev, const struct world *w, const struct app_rec *r, int vm);
/* Whether vm holds an app that runs, or one a takeover is moving there. */
bool holds_apps(const struct world *w, int vm);
/* Whether vm's OS was running just before event j, as the trace shows it. */
bool up_at(const struct event *ev, size_t j, int vm);

/* ---- one failure's takeover (checker_seq.c) -------------------------- */

struct takeover {
	size_t trig;        /* the failure report */
	size_t end;         /* search before here */
	const char *fo;     /* its id; NULL: judged by window (end) instead */
	const char *who;    /* what it is about, first in a message: app or VM */
	const char *app;    /* the app moving, for an app failure */
	const char *target; /* the VM taking over */
};

/* How a failure's takeover goes, as its own events say. */
enum route {
	TAKEN,  /* the other OS takes it over: judged step by step */
	PARKED, /* a hot app's storage parked (no OS to take it), taken later */
	NONE,   /* nothing to take over: the claims' steps are not owed */
};

/* One check of one kind of event, seeing the world as it was just before. */
typedef enum verdict (*per_event)(const struct event *ev, size_t n, const struct world *w,
		      size_t i, int *count, char *why, size_t len);

void tk_init(struct takeover *t, const struct event *ev, size_t n, size_t i,
	     const char *who, const char *app, const char *target);

static inline bool in_tk(const struct takeover *t, const struct event *e)
{
	return !t->fo || has(e, "fo", t->fo);
}

/* The first event of t called name (with key=val when key) after index
 * from; -1 if none. */
long tk_seek(const struct event *ev, const struct takeover *t, size_t from,
	     const char *name, const char *key, const char *val);
/* A later failure report ended t early (prev: the last step found). */
bool cut_short(const struct event *ev, size_t n, const struct takeover *t, size_t prev);
/* Parked storage (at prev) that no OS has taken yet. */
bool still_parked(const struct event *ev, const struct takeover *t, size_t prev);
/* A FAIL if t records that it broke (failover.error, app.lost, app.corrupt). */
enum verdict tk_broken(const struct event *ev, const struct takeover *t, char *why, size_t len);
/* The failure whose takeover the event at i belongs to; -1 if none. */
long trigger_of(const struct event *ev, size_t i);

/* Whether the reason of the vmm.no_takeover at j is true of the world. */
bool reason_holds(const struct event *ev, const struct world *w, size_t j, int *vm);
/* The route of the failure at i, the world seen just before it. */
enum route route_of(const struct event *ev, size_t n, const struct world *w, size_t i);

/* fn on every event want picks (a failure only when a takeover is owed),
 * stopping at the first FAIL. */
enum verdict each(const struct event *ev, size_t n, bool (*want)(const struct event *),
		  per_event fn, int *count, char *why, size_t len);
/* each(), then NOT SHOWN (saying none) if fn counted nothing, else PASS. */
enum verdict judge_each(const struct event *ev, size_t n, bool (*want)(const struct event *),
			per_event fn, const char *none, char *why, size_t len);

/* The failed VM of a vmm.os_fault, or a FAIL when it names no known VM. */
enum verdict failed_vm(const struct event *e, int *vm, char *why, size_t len);
/* The table's record and storage for the app failure at i, or a FAIL. */
enum verdict failed_app(const struct event *ev, const struct world *w, size_t i,
			const struct app_rec **r, struct units *u, char *why, size_t len);

/* ---- steps a claim expects, in order (checker_steps.c) --------------- */

struct step {
	const char *name;
	const char *key[2], *val[2];   /* fields that must match; NULL key: none */
	const struct units *units;     /* when set, the event's units must match */
	bool subset;                   /* ...lie inside them rather than equal them */
	const char *whose;             /* for the message: "vm0 held" */
	const char *fo;                /* the takeover it must belong to; NULL: any */
	bool by_units;                 /* the units pick the event (one of several) */
};

/* The first (last) event in [from, to) that step s matches; -1 if none. */
long seek(const struct event *ev, size_t from, size_t to, const struct step *s);
long seek_back(const struct event *ev, size_t from, size_t to, const struct step *s);
/* Each step after the one before, all of takeover t and after prev; at[k]
 * receives where step k was found. */
enum verdict run_steps(const struct event *ev, size_t n, const struct takeover *t,
		       size_t prev, const struct step *st, int nst, size_t *at, char *why,
		       size_t len);

#pragma GCC visibility pop

#endif
