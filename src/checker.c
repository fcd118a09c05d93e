/* checker.c — judge claims 1..9 from a recorded event trace.
 *
 * The checker replays the trace once per claim. A small "world" (who owns
 * which units, which app runs where, is hot, and last reported what) is
 * stepped event by event, so at each failure we know what the table held at
 * that moment. The takeover that follows is then matched against the steps
 * the claim needs, in order, among that takeover's own events: those that
 * carry the failure's takeover id (fo=N, docs/protocol.md). Reports of other
 * failures may come in the middle of a takeover; ids keep them apart. A
 * trace without ids (from an older vmfo) is judged by position instead:
 * from the failure to the next failure report. */
#include "checker.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "units.h"
#include "util.h"

#define MAX_APPS 64
#define NVMS 2
#define DESC 512   /* room for one described event */
#define UBUF 256   /* room for one unit set in a message */

static const char *const vm_names[NVMS] = { "vm0", "vm1" };

/* ---- events ---------------------------------------------------------- */

static bool is(const struct event *e, const char *name)
{
	return strcmp(e->name, name) == 0;
}

static bool has(const struct event *e, const char *key, const char *val)
{
	const char *v = event_field(e, key);
	return v && strcmp(v, val) == 0;
}

/* A field for a message: "?" rather than a NULL pointer when absent. */
static const char *field(const struct event *e, const char *key)
{
	const char *v = event_field(e, key);
	return v ? v : "?";
}

static int vm_index(const char *name)
{
	for (int i = 0; i < NVMS; i++)
		if (name && strcmp(name, vm_names[i]) == 0)
			return i;
	return -1;
}

/* With two VMs the one to take over is always the one that did not fail. */
static const char *other_vm(const char *name)
{
	int i = vm_index(name);
	return i < 0 ? NULL : vm_names[1 - i];
}

static bool is_os_fault(const struct event *e)
{
	return is(e, "vmm.os_fault");
}

static bool is_app_failure(const struct event *e)
{
	return is(e, "os.app_failure");
}

static bool is_trigger(const struct event *e)
{
	return is_os_fault(e) || is_app_failure(e);
}

/* Without takeover ids: a takeover is taken to end where the next failure
 * is reported, so that a later one's events cannot stand in for it. */
static size_t window_end(const struct event *ev, size_t n, size_t i)
{
	for (size_t j = i + 1; j < n; j++)
		if (is_trigger(&ev[j]))
			return j;
	return n;
}

static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*len >= size)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (k > 0)
		*len += (size_t)k;
}

/* "name vm=.. app=.. (seq N)": enough to find the event in a trace dump. */
static const char *describe(const struct event *e, char *buf, size_t size)
{
	static const char *const keys[] = { "vm", "app", "what", "os", "level", "reason", "step" };
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	append(buf, size, &len, "%s", e->name);
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		if (event_field(e, keys[k]))
			append(buf, size, &len, " %s=%s", keys[k], event_field(e, keys[k]));
	append(buf, size, &len, " (event %llu)", (unsigned long long)e->seq);
	return buf;
}

/* ---- verdicts -------------------------------------------------------- */

static enum verdict say(enum verdict v, char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum verdict say(enum verdict v, char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return v;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return v;
}

/* Internal: a takeover that a later failure cut short (the app failed again,
 * or the OS taking over failed) or that waits for an OS to take its parked
 * storage. It is judged no further and not counted; the failure that cut
 * it short starts a takeover of its own. */
#define CUT ((enum verdict)3)

static enum verdict pass(char *why, size_t len)
{
	if (why && len)
		why[0] = '\0';
	return CLAIM_PASS;
}

/* ---- unit sets ------------------------------------------------------- */

static bool ev_units(const struct event *e, struct units *u)
{
	const char *s = event_field(e, "units");
	return s && units_parse(s, u) == 0;
}

/* units_remove refuses unless its second set lies inside the first. */
static bool inside(const struct units *small, const struct units *big)
{
	struct units t = *big;
	return units_remove(&t, small) == 0;
}

static const char *ustr(const struct units *u, char *buf, size_t size)
{
	units_format(u, buf, size);
	return buf;
}

/* ---- the world as the trace has made it so far ----------------------- */

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
	struct app_rec app[MAX_APPS];
	int napps;
};

static void world_init(struct world *w)
{
	for (int v = 0; v < NVMS; v++) {
		units_clear(&w->owned[v]);
		w->up[v] = w->standby[v] = w->ran_apps[v] = false;
	}
	w->napps = 0;
}

static int app_index(const struct world *w, const char *name)
{
	for (int a = 0; a < w->napps; a++)
		if (strcmp(w->app[a].name, name) == 0)
			return a;
	return -1;
}

static const struct app_rec *app_find(const struct world *w, const char *name)
{
	int a = app_index(w, name);
	return a < 0 ? NULL : &w->app[a];
}

static struct app_rec *world_app(struct world *w, const char *name, bool create)
{
	int a = app_index(w, name);

	if (a >= 0)
		return &w->app[a];
	if (!create || w->napps == MAX_APPS)
		return NULL;
	struct app_rec *r = &w->app[w->napps++];
	strlcpy0(r->name, name, sizeof r->name);
	r->vm = -1;
	r->hot = r->alive = r->moving = false;
	r->report = -1;
	return r;
}

/* Ownership: alloc, grant and attach give units to a VM; detach (to the
 * other VM, or to parked storage) and reclaim (back to the pool) take them
 * away. A refused merge or removal is left for the checks to notice. */
static void own_step(struct world *w, const struct event *e)
{
	int v = vm_index(event_field(e, "vm"));
	struct units u;

	if (v < 0 || !ev_units(e, &u))
		return;
	if (is(e, "vmm.detach") || is(e, "vmm.reclaim"))
		units_remove(&w->owned[v], &u);
	else
		units_merge(&w->owned[v], &u);
}

static void app_step(struct world *w, const struct event *e, size_t i)
{
	const char *name = event_field(e, "app");
	struct app_rec *r;

	if (!name)
		return;
	r = world_app(w, name, is(e, "os.report") || is(e, "app.started"));
	if (!r)
		return;
	if (is(e, "os.report")) {
		r->report = (long)i;
	} else if (is(e, "app.started")) {
		r->vm = vm_index(event_field(e, "vm"));
		r->hot = has(e, "hot", "yes");
		r->alive = true;
		r->moving = false;
	} else if (is(e, "app.resumed") || is(e, "app.restarted")) {
		if (event_field(e, "vm"))
			r->vm = vm_index(event_field(e, "vm"));
		r->alive = true;
		r->moving = false;
	} else if (is_app_failure(e)) {
		r->alive = false;
		r->moving = r->hot;
	} else {
		r->alive = r->moving = false; /* app.lost, app.corrupt, refused */
	}
}

/* An OS failure ends every app it ran (a hot one lives on via app.resumed);
 * a failed active OS's survivor becomes the active OS. */
static bool holds_apps(const struct world *w, int vm);

static void os_down(struct world *w, int vm)
{
	if (vm < 0)
		return;
	w->ran_apps[vm] = holds_apps(w, vm);
	w->up[vm] = false;
	for (int a = 0; a < w->napps; a++)
		if (w->app[a].vm == vm)
			w->app[a].alive = false;
}

static void world_step(struct world *w, const struct event *ev, size_t i)
{
	const struct event *e = &ev[i];
	int v = vm_index(event_field(e, "vm"));

	if (is(e, "vmm.alloc") || is(e, "vmm.grant") || is(e, "vmm.attach") ||
	    is(e, "vmm.detach") || is(e, "vmm.reclaim")) {
		own_step(w, e);
	} else if (is_os_fault(e)) {
		os_down(w, v);
	} else if (is(e, "os.ready") && v >= 0) {
		w->up[v] = true;
		w->standby[v] = has(e, "role", "standby");
	} else if (is(e, "os.attached") && v >= 0 && !w->up[1 - v] && !w->standby[1 - v]) {
		/* The standby engaged a failed active OS's storage: from here it
		 * is the active OS. (Not at the fault: the standby may fail
		 * itself before the takeover reaches it, still a standby.) */
		w->standby[v] = false;
	} else if (is(e, "os.report") || is(e, "app.started") || is(e, "app.resumed") ||
		   is(e, "app.restarted") || is_app_failure(e) || is(e, "app.lost") ||
		   is(e, "app.corrupt") || (is(e, "vmm.no_takeover") && has(e, "reason", "not_hot"))) {
		app_step(w, e, i);
	}
}

/* An app's storage is what its latest os.report said (a grow re-reports). */
static bool app_storage(const struct event *ev, const struct app_rec *r, struct units *u)
{
	return r && r->report >= 0 && ev_units(&ev[r->report], u);
}

/* Whether app r's storage is in vm: it runs there, or a takeover is moving
 * it and its reported storage is mapped there now. An OS failure takes
 * both kinds along (failover_os moves every app row on the VM). */
static bool on_vm(const struct event *ev, const struct world *w, const struct app_rec *r, int vm)
{
	struct units u;

	if (r->alive)
		return r->vm == vm;
	return r->moving && app_storage(ev, r, &u) && units_count(&u) && inside(&u, &w->owned[vm]);
}

/* Whether vm holds an app that runs, or one a takeover is moving there. */
static bool holds_apps(const struct world *w, int vm)
{
	for (int a = 0; a < w->napps; a++)
		if ((w->app[a].alive || w->app[a].moving) && w->app[a].vm == vm)
			return true;
	return false;
}

/* Whether vm's OS was running just before event j, as the trace shows it:
 * an os.ready with no vmm.os_fault after it. */
static bool up_at(const struct event *ev, size_t j, int vm)
{
	for (size_t k = j; k-- > 0;) {
		if (vm_index(event_field(&ev[k], "vm")) != vm)
			continue;
		if (is(&ev[k], "os.ready"))
			return true;
		if (is_os_fault(&ev[k]))
			return false;
	}
	return false;
}

/* ---- takeovers: the events of one failure's takeover ------------------ */

struct takeover {
	size_t trig;        /* the failure report */
	size_t end;         /* search before here */
	const char *fo;     /* its id; NULL: judged by window (end) instead */
	const char *who;    /* what it is about, first in a message: app or VM */
	const char *app;    /* the app moving, for an app failure */
	const char *target; /* the VM taking over */
};

static void tk_init(struct takeover *t, const struct event *ev, size_t n, size_t i,
		    const char *who, const char *app, const char *target)
{
	t->trig = i;
	t->fo = event_field(&ev[i], "fo");
	t->end = t->fo ? n : window_end(ev, n, i);
	t->who = who;
	t->app = app;
	t->target = target;
}

static bool in_tk(const struct takeover *t, const struct event *e)
{
	return !t->fo || has(e, "fo", t->fo);
}

/* The first event of t called name (with key=val when key) after index
 * from; -1 if none. */
static long tk_seek(const struct event *ev, const struct takeover *t, size_t from,
		    const char *name, const char *key, const char *val)
{
	for (size_t j = from; j < t->end; j++)
		if (in_tk(t, &ev[j]) && event_matches(&ev[j], name, key, val))
			return (long)j;
	return -1;
}

/* A later failure report ended t early: the moving app failed again, or
 * the OS taking over failed. Its own takeover carries on from there. Not
 * so if t completed (failover.done), or if the report came only after
 * another takeover had begun (takeovers run one at a time, so t had ended
 * by then). */
static bool cut_short(const struct event *ev, size_t n, const struct takeover *t, size_t prev)
{
	for (size_t j = t->trig + 1; j < t->end; j++)
		if (in_tk(t, &ev[j]) && is(&ev[j], "failover.done"))
			return false;
	/* The OS taking over may have failed before the last step found
	 * (the VMM maps the storage, then finds it cannot be engaged). */
	for (size_t j = t->trig + 1; j <= prev && j < n; j++)
		if (t->target && is_os_fault(&ev[j]) && has(&ev[j], "vm", t->target) &&
		    !(t->fo && has(&ev[j], "fo", t->fo)))
			return true;
	for (size_t j = prev + 1; j < n; j++) {
		const char *fo = event_field(&ev[j], "fo");
		if (t->fo && fo && strcmp(fo, t->fo) && !is_trigger(&ev[j]) &&
		    !is(&ev[j], "vmm.no_takeover"))
			return false;
		if (!is_trigger(&ev[j]) || (t->fo && has(&ev[j], "fo", t->fo)))
			continue;
		if (t->app && is_app_failure(&ev[j]) && has(&ev[j], "app", t->app))
			return true;
		if (t->target && is_os_fault(&ev[j]) && has(&ev[j], "vm", t->target))
			return true;
	}
	return false;
}

/* Parked storage that no OS has taken yet: nothing of t about the app
 * follows the park (an OS failure parks several apps in a row). */
static bool still_parked(const struct event *ev, const struct takeover *t, size_t prev)
{
	if (!is(&ev[prev], "vmm.park"))
		return false;
	for (size_t j = prev + 1; j < t->end; j++)
		if (in_tk(t, &ev[j]) && t->app &&
		    (has(&ev[j], "app", t->app) || has(&ev[j], "what", t->app)))
			return false;
	return true;
}

/* What broke a takeover, if it records so: a step that failed
 * (failover.error), or the moved app's state lost or corrupt. */
static enum verdict tk_broken(const struct event *ev, const struct takeover *t, char *why,
			      size_t len)
{
	char d[DESC];

	for (size_t j = t->trig + 1; j < t->end; j++) {
		const struct event *e = &ev[j];
		if (!in_tk(t, e) || !(is(e, "failover.error") || is(e, "app.lost") ||
				      is(e, "app.corrupt")))
			continue;
		if (t->app && event_field(e, "app") && !has(e, "app", t->app))
			continue;
		if (is(e, "failover.error"))
			return say(CLAIM_FAIL, why, len, "%s: %s: %s", t->who,
				   describe(e, d, sizeof d), field(e, "why"));
		return say(CLAIM_FAIL, why, len, "%s: %s", t->who, describe(e, d, sizeof d));
	}
	return CLAIM_PASS;
}

/* ---- steps: the events a claim expects, found in order --------------- */

struct step {
	const char *name;
	const char *key[2], *val[2];   /* fields that must match; NULL key: none */
	const struct units *units;     /* when set, the event's units must match */
	bool subset;                   /* ...lie inside them rather than equal them */
	const char *whose;             /* for the message: "vm0 held" */
	const char *fo;                /* the takeover it must belong to; NULL: any */
	bool by_units;                 /* the units pick the event (one of several) */
};

static bool step_fields(const struct step *s, const struct event *e)
{
	struct units u;

	for (int k = 0; k < 2; k++)
		if (s->key[k] && !has(e, s->key[k], s->val[k]))
			return false;
	if (s->by_units && s->units && !(ev_units(e, &u) && units_equal(&u, s->units)))
		return false;
	return !s->fo || has(e, "fo", s->fo);
}

static long seek(const struct event *ev, size_t from, size_t to, const struct step *s)
{
	for (size_t j = from; j < to; j++)
		if (is(&ev[j], s->name) && step_fields(s, &ev[j]))
			return (long)j;
	return -1;
}

static long seek_back(const struct event *ev, size_t from, size_t to, const struct step *s)
{
	for (size_t j = to; j-- > from;)
		if (is(&ev[j], s->name) && step_fields(s, &ev[j]))
			return (long)j;
	return -1;
}

/* The one constraint on "vm" or "what" an otherwise matching event of the
 * same takeover breaks: that is the step sent to the wrong VM (or naming
 * the wrong thing), which says more than "missing". -1 when it is not such
 * a near miss. */
static int near_key(const struct step *s, const struct event *e)
{
	int bad = -1;

	if (!is(e, s->name) || (s->fo && !has(e, "fo", s->fo)))
		return -1;
	for (int k = 0; k < 2; k++) {
		if (!s->key[k] || has(e, s->key[k], s->val[k]))
			continue;
		if (bad >= 0 || (strcmp(s->key[k], "vm") && strcmp(s->key[k], "what")))
			return -1;
		bad = k;
	}
	return bad;
}

/* Where step s is, after prev and before the takeover's end; otherwise why
 * not: out of order (it came after the failure but before the previous
 * step), near miss (wrong VM), cut short or still parked (CUT), or
 * missing. */
static enum verdict find_step(const struct event *ev, size_t n, const struct takeover *t,
			      size_t prev, const struct step *s, size_t *at, int k, char *why,
			      size_t len)
{
	char d[DESC], p[DESC];
	long j = seek(ev, prev + 1, t->end, s);

	if (j >= 0) {
		at[k] = (size_t)j;
		return CLAIM_PASS;
	}
	/* Out of order: found before the previous step, and not as an earlier
	 * step itself (a parked app is looked up twice). */
	for (j = seek(ev, t->trig + 1, prev, s); j >= 0; j = seek(ev, (size_t)j + 1, prev, s)) {
		bool used = false;
		for (int u = 0; u < k; u++)
			used |= at[u] == (size_t)j;
		if (!used)
			break;
	}
	if (j >= 0)
		return say(CLAIM_FAIL, why, len, "%s: %s came before %s", t->who,
			   describe(&ev[j], d, sizeof d), describe(&ev[prev], p, sizeof p));
	for (size_t k = prev + 1; k < t->end; k++) {
		int bad = near_key(s, &ev[k]);
		if (bad >= 0)
			return say(CLAIM_FAIL, why, len, "%s: %s has %s=%s, expected %s", t->who,
				   describe(&ev[k], d, sizeof d), s->key[bad],
				   field(&ev[k], s->key[bad]), s->val[bad]);
	}
	if (cut_short(ev, n, t, prev) || still_parked(ev, t, prev))
		return CUT;
	return say(CLAIM_FAIL, why, len, "%s: no %s after %s", t->who, s->name,
		   describe(&ev[prev], d, sizeof d));
}

static enum verdict check_units(const struct event *e, const struct step *s, const char *who,
				char *why, size_t len)
{
	char d[DESC], g[UBUF], w[UBUF];
	struct units got;

	if (!s->units)
		return CLAIM_PASS;
	if (!ev_units(e, &got))
		return say(CLAIM_FAIL, why, len, "%s: %s has malformed units '%s'", who,
			   describe(e, d, sizeof d), field(e, "units"));
	if (s->subset ? inside(&got, s->units) : units_equal(&got, s->units))
		return CLAIM_PASS;
	return say(CLAIM_FAIL, why, len, "%s: %s has units %s but %s %s%s", who,
		   describe(e, d, sizeof d), ustr(&got, g, sizeof g), s->whose,
		   s->subset ? "only " : "", ustr(s->units, w, sizeof w));
}

/* Each step after the one before, all of takeover t and after prev; at[k]
 * receives where step k was found. */
static enum verdict run_steps(const struct event *ev, size_t n, const struct takeover *t,
			      size_t prev, const struct step *st, int nst, size_t *at, char *why,
			      size_t len)
{
	for (int k = 0; k < nst; k++) {
		struct step s = st[k];
		s.fo = t->fo;
		enum verdict v = find_step(ev, n, t, prev, &s, at, k, why, len);
		if (v == CLAIM_PASS)
			v = check_units(&ev[at[k]], &s, t->who, why, len);
		if (v != CLAIM_PASS)
			return v;
		prev = at[k];
	}
	return CLAIM_PASS;
}

/* ---- walking the trace ----------------------------------------------- */

/* One check of one kind of event, seeing the world as it was just before. */
typedef enum verdict (*per_event)(const struct event *ev, size_t n, const struct world *w,
				  size_t i, int *count, char *why, size_t len);

/* How a failure's takeover goes, as its own events say. */
enum route {
	TAKEN,  /* the other OS takes it over: judged step by step */
	PARKED, /* a hot app's storage parked (no OS to take it), taken later */
	NONE,   /* nothing to take over: the claims' steps are not owed */
};

/* Without takeover ids: where an app's takeover surely ends, its next
 * failure or its resumption. */
static size_t app_window_end(const struct event *ev, size_t n, size_t i, const char *app)
{
	size_t j = i + 1;

	while (j < n && !event_matches(&ev[j], "os.app_failure", "app", app) &&
	       !event_matches(&ev[j], "app.resumed", "app", app))
		j++;
	return j;
}

/* The vmm.no_takeover of the failure at i that changes its route, if any:
 * about the failed VM (an OS fault), or the failed app. */
static long refusal(const struct event *ev, size_t n, size_t i)
{
	struct takeover t;
	const char *app = event_field(&ev[i], "app");

	tk_init(&t, ev, n, i, "", NULL, NULL);
	if (is_os_fault(&ev[i]))
		return tk_seek(ev, &t, i + 1, "vmm.no_takeover", "vm", field(&ev[i], "vm"));
	if (!t.fo) /* the OS may fail mid-takeover: look up to the app's next failure */
		t.end = app_window_end(ev, n, i, app);
	/* The app's OS may fail after the VMM found no standby: then the OS
	 * failover carries the app (os_failed), which overrides no_standby. */
	long first = -1;
	for (long j = tk_seek(ev, &t, i + 1, "vmm.no_takeover", "app", app); j >= 0;
	     j = tk_seek(ev, &t, (size_t)j + 1, "vmm.no_takeover", "app", app)) {
		if (has(&ev[j], "reason", "os_failed"))
			return j;
		if (first < 0 && !has(&ev[j], "reason", "not_hot"))
			first = j;
	}
	return first;
}

/* Whether the reason a vmm.no_takeover (at j) gives is true of the world
 * the trace shows: claim 8 judges each; the others believe only true ones. */
static bool reason_holds(const struct event *ev, const struct world *w, size_t j, int *vm)
{
	const struct event *e = &ev[j];
	const struct app_rec *r = app_find(w, field(e, "app"));
	int v = event_field(e, "vm") ? vm_index(event_field(e, "vm")) : r ? r->vm : -1;

	*vm = v;
	if (v < 0)
		return false;
	if (has(e, "reason", "not_hot"))
		return r && !r->hot;
	if (has(e, "reason", "no_standby"))
		return !up_at(ev, j, 1 - v);
	if (has(e, "reason", "os_failed"))
		return !up_at(ev, j, v);
	if (has(e, "reason", "standby_failed")) /* judged at its fault, or after it */
		return w->standby[v] && !(w->up[v] ? holds_apps(w, v) : w->ran_apps[v]);
	return false;
}

/* The route of the failure at i, the world seen just before it. A refusal
 * whose reason the trace does not bear out changes nothing: the takeover
 * is owed, and judged. */
static enum route route_of(const struct event *ev, size_t n, const struct world *w, size_t i)
{
	long j = refusal(ev, n, i);
	int vm;

	if (j < 0 || !reason_holds(ev, w, (size_t)j, &vm))
		return TAKEN;
	if (has(&ev[j], "reason", "no_standby"))
		return PARKED; /* the app, or a failed OS's hot apps */
	return NONE;
}

static enum verdict each(const struct event *ev, size_t n, bool (*want)(const struct event *),
			 per_event fn, int *count, char *why, size_t len)
{
	struct world w;

	world_init(&w);
	for (size_t i = 0; i < n; i++) {
		if (want(&ev[i]) && (!is_trigger(&ev[i]) || route_of(ev, n, &w, i) != NONE)) {
			enum verdict v = fn(ev, n, &w, i, count, why, len);
			if (v != CLAIM_PASS && v != CUT)
				return v;
		}
		world_step(&w, ev, i);
	}
	return CLAIM_PASS;
}

/* Judge every event `want` picks with fn: FAIL at the first that fails,
 * NOT SHOWN (saying `none`) if fn counted no case it could judge, else PASS.
 * Most claims are exactly this. */
static enum verdict judge_each(const struct event *ev, size_t n, bool (*want)(const struct event *),
			       per_event fn, const char *none, char *why, size_t len)
{
	int shown = 0;

	if (each(ev, n, want, fn, &shown, why, len))
		return CLAIM_FAIL;
	if (!shown)
		return say(CLAIM_NOT_SHOWN, why, len, "%s", none);
	return pass(why, len);
}

static long first_with(const struct event *ev, size_t n, const char *name, const char *key,
		       const char *val)
{
	struct step s = { .name = name, .key = { key }, .val = { val } };
	return seek(ev, 0, n, &s);
}

/* The failed VM of a vmm.os_fault, or a FAIL when it names no known VM. */
static enum verdict failed_vm(const struct event *e, int *vm, char *why, size_t len)
{
	char d[DESC];

	*vm = vm_index(event_field(e, "vm"));
	if (*vm < 0)
		return say(CLAIM_FAIL, why, len, "%s names no known VM", describe(e, d, sizeof d));
	return CLAIM_PASS;
}

/* ---- claim 1 --------------------------------------------------------- */

static enum verdict alloc_mb(const struct event *e, uint64_t *mb, char *why, size_t len)
{
	char d[DESC];

	if (parse_u64(field(e, "mb"), 0, UINT64_MAX, mb))
		return say(CLAIM_FAIL, why, len, "%s has malformed mb '%s'",
			   describe(e, d, sizeof d), field(e, "mb"));
	return CLAIM_PASS;
}

/* Claim 1, boot half: the active OS is given storage enough for its apps,
 * the standby less — judged by the first vmm.alloc of each, the roles by the
 * first os.ready of each role. */
static enum verdict check_boot(const struct event *ev, size_t n, char *why, size_t len)
{
	long act = first_with(ev, n, "os.ready", "role", "active");
	long sby = first_with(ev, n, "os.ready", "role", "standby");
	uint64_t amb, smb;

	if (act < 0 || sby < 0)
		return say(CLAIM_NOT_SHOWN, why, len, "boot not recorded: no os.ready role=%s",
			   act < 0 ? "active" : "standby");
	const char *A = field(&ev[act], "vm"), *S = field(&ev[sby], "vm");
	long aa = first_with(ev, n, "vmm.alloc", "vm", A);
	long sa = first_with(ev, n, "vmm.alloc", "vm", S);
	if (aa < 0 || sa < 0)
		return say(CLAIM_NOT_SHOWN, why, len, "boot not recorded: no vmm.alloc for %s",
			   aa < 0 ? A : S);
	if (alloc_mb(&ev[aa], &amb, why, len) || alloc_mb(&ev[sa], &smb, why, len))
		return CLAIM_FAIL;
	if (smb >= amb)
		return say(CLAIM_FAIL, why, len,
			   "standby %s was given %llu MB at boot (event %llu), "
			   "not less than the active's %llu (event %llu)",
			   S, (unsigned long long)smb, (unsigned long long)ev[sa].seq,
			   (unsigned long long)amb, (unsigned long long)ev[aa].seq);
	return pass(why, len);
}

/* Whether some app running on vm has reported storage vm still holds:
 * without one, an OS failover shows nothing about apps' storage moving. */
static bool holds_app_storage(const struct event *ev, const struct world *w, int vm)
{
	struct units u;

	for (int a = 0; a < w->napps; a++) {
		const struct app_rec *r = &w->app[a];
		if (on_vm(ev, w, r, vm) && app_storage(ev, r, &u) && units_count(&u) &&
		    inside(&u, &w->owned[vm]))
			return true;
	}
	return false;
}

/* An OS failure's takeover: the failed VM A, taken over by the other. */
static enum verdict os_tk(const struct event *ev, size_t n, size_t i, struct takeover *t, int *a,
			  char *why, size_t len)
{
	if (failed_vm(&ev[i], a, why, len))
		return CLAIM_FAIL;
	tk_init(t, ev, n, i, vm_names[*a], NULL, vm_names[1 - *a]);
	return tk_broken(ev, t, why, len);
}

/* Claim 1, failure half: at an OS failure everything it held — its own
 * storage and its apps' — is detached from it and attached to the other
 * OS. count: failures that moved some app's storage. */
static enum verdict check_os_move(const struct event *ev, size_t n, const struct world *w,
				  size_t i, int *count, char *why, size_t len)
{
	struct takeover t;
	char whose[32];
	size_t at[2];
	int a;

	if (os_tk(ev, n, i, &t, &a, why, len))
		return CLAIM_FAIL;
	if (route_of(ev, n, w, i) == PARKED)
		return CLAIM_PASS; /* no OS took A's storage: its hot apps' is parked (claim 7) */
	const struct units *held = &w->owned[a];
	snprintf(whose, sizeof whose, "%s held", vm_names[a]);
	const struct step st[2] = {
		{ .name = "vmm.detach", .key = { "vm" }, .val = { vm_names[a] }, .units = held,
		  .whose = whose },
		{ .name = "vmm.attach", .key = { "vm" }, .val = { vm_names[1 - a] },
		  .units = held, .whose = whose },
	};
	enum verdict v = run_steps(ev, n, &t, i, st, 2, at, why, len);
	if (v == CLAIM_PASS && holds_app_storage(ev, w, a))
		++*count;
	return v;
}

static enum verdict claim1(const struct event *ev, size_t n, char *why, size_t len)
{
	int moved = 0;
	enum verdict boot = check_boot(ev, n, why, len);

	if (boot == CLAIM_FAIL)
		return boot;
	if (first_with(ev, n, "vmm.os_fault", NULL, NULL) < 0)
		return say(CLAIM_NOT_SHOWN, why, len, "no OS failure yet");
	if (boot != CLAIM_PASS)
		return boot;
	if (each(ev, n, is_os_fault, check_os_move, &moved, why, len))
		return CLAIM_FAIL;
	if (!moved)
		return say(CLAIM_NOT_SHOWN, why, len, "OS failure with no app storage to move");
	return pass(why, len);
}

/* ---- claim 2 --------------------------------------------------------- */

/* The failure whose takeover the event at i belongs to: the report with its
 * id, or without ids the latest report before it; -1 if none. */
static long trigger_of(const struct event *ev, size_t i)
{
	const char *fo = event_field(&ev[i], "fo");

	for (size_t j = i; j-- > 0;)
		if (is_trigger(&ev[j]) && (!fo || has(&ev[j], "fo", fo)))
			return (long)j;
	return -1;
}

/* Whether, in takeover t and before i, vm was attached units that include
 * u. */
static bool attached_before(const struct event *ev, const struct takeover *t, size_t i,
			    const char *vm, const struct units *u)
{
	struct units got;

	for (size_t j = t->trig + 1; j < i; j++)
		if (in_tk(t, &ev[j]) && is(&ev[j], "vmm.attach") && has(&ev[j], "vm", vm) &&
		    ev_units(&ev[j], &got) && inside(u, &got))
			return true;
	return false;
}

/* Claim 2: a standby asked to activate a hot-standby app loads its program
 * from auxiliary memory (src=aux) and runs it in the storage it was
 * attached, where it resumes. count: takeover loads. */
static enum verdict check_load(const struct event *ev, size_t n, const struct world *w,
			       size_t i, int *count, char *why, size_t len)
{
	const char *S = field(&ev[i], "vm"), *X = field(&ev[i], "app");
	long trig = trigger_of(ev, i);
	struct takeover t;
	char d[DESC], us[UBUF];
	struct units mine;
	size_t at[2];

	if (trig < 0)
		return CLAIM_PASS; /* no failure: not a takeover this checker can judge */
	tk_init(&t, ev, n, (size_t)trig, X, X, S);
	const struct step st[2] = {
		{ .name = "os.load", .key = { "vm", "app" }, .val = { S, X } },
		{ .name = "app.resumed", .key = { "app", "vm" }, .val = { X, S } },
	};
	enum verdict v = run_steps(ev, n, &t, i, st, 2, at, why, len);
	if (v != CLAIM_PASS)
		return v;
	if (!has(&ev[at[0]], "src", "aux"))
		return say(CLAIM_FAIL, why, len, "%s: %s loaded from src=%s, not aux", X,
			   describe(&ev[at[0]], d, sizeof d), field(&ev[at[0]], "src"));
	if (!app_storage(ev, app_find(w, X), &mine))
		return say(CLAIM_FAIL, why, len, "%s: no os.report gives its storage before %s", X,
			   describe(&ev[i], d, sizeof d));
	if (!attached_before(ev, &t, i, S, &mine))
		return say(CLAIM_FAIL, why, len, "%s: no vmm.attach to %s holding its units %s before %s",
			   X, S, ustr(&mine, us, sizeof us), describe(&ev[i], d, sizeof d));
	++*count;
	return CLAIM_PASS;
}

static bool is_activate(const struct event *e)
{
	return is(e, "vmm.activate_request");
}

static enum verdict claim2(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_activate, check_load, "no program loaded by a standby yet", why,
			  len);
}

/* ---- claim 3 --------------------------------------------------------- */

/* What the table holds for an app failure, or a FAIL when nothing was ever
 * reported for the app (then there is nothing the lookup could match). */
static enum verdict failed_app(const struct event *ev, const struct world *w, size_t i,
			       const struct app_rec **r, struct units *u, char *why, size_t len)
{
	char d[DESC];

	*r = app_find(w, field(&ev[i], "app"));
	if (!app_storage(ev, *r, u))
		return say(CLAIM_FAIL, why, len, "%s: no os.report before %s",
			   field(&ev[i], "app"), describe(&ev[i], d, sizeof d));
	return CLAIM_PASS;
}

/* Claim 3, OS failure: vmm.lookup what=A with what A held, before the detach
 * of those same units. */
static enum verdict check_os_lookup(const struct event *ev, size_t n, const struct world *w,
				    size_t i, char *why, size_t len)
{
	struct takeover t;
	char whose[32];
	size_t at[2];
	int a;

	if (failed_vm(&ev[i], &a, why, len))
		return CLAIM_FAIL;
	if (route_of(ev, n, w, i) == PARKED)
		return CLAIM_PASS; /* nothing is looked up for A: no OS could take it */
	tk_init(&t, ev, n, i, vm_names[a], NULL, vm_names[1 - a]);
	snprintf(whose, sizeof whose, "%s held", vm_names[a]);
	const struct step st[2] = {
		{ .name = "vmm.lookup", .key = { "what" }, .val = { vm_names[a] },
		  .units = &w->owned[a], .whose = whose },
		{ .name = "vmm.detach", .key = { "vm" }, .val = { vm_names[a] },
		  .units = &w->owned[a], .whose = whose },
	};
	return run_steps(ev, n, &t, i, st, 2, at, why, len);
}

/* Claim 3, app failure: vmm.lookup what=X with X's storage, before X's
 * storage is detached (hot) or the takeover is refused (not hot). */
static enum verdict check_app_lookup(const struct event *ev, size_t n, const struct world *w,
				     size_t i, char *why, size_t len)
{
	const char *X = field(&ev[i], "app"), *A = field(&ev[i], "vm");
	const struct app_rec *r;
	struct takeover t;
	char whose[EV_VAL_MAX + 16];
	struct units u;
	size_t at[2];

	if (failed_app(ev, w, i, &r, &u, why, len))
		return CLAIM_FAIL;
	tk_init(&t, ev, n, i, X, X, other_vm(A));
	snprintf(whose, sizeof whose, "%s's storage is", X);
	const struct step st[2] = {
		{ .name = "vmm.lookup", .key = { "what" }, .val = { X }, .units = &u, .whose = whose },
		r->hot ? (struct step){ .name = "vmm.detach", .key = { "vm" }, .val = { A },
		                        .units = &u, .whose = whose }
		       : (struct step){ .name = "vmm.no_takeover", .key = { "app" }, .val = { X } },
	};
	return run_steps(ev, n, &t, i, st, 2, at, why, len);
}

static enum verdict check_lookup(const struct event *ev, size_t n, const struct world *w,
				 size_t i, int *count, char *why, size_t len)
{
	enum verdict v = is_os_fault(&ev[i]) ? check_os_lookup(ev, n, w, i, why, len)
					     : check_app_lookup(ev, n, w, i, why, len);
	if (v == CLAIM_PASS)
		++*count;
	return v;
}

static enum verdict claim3(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_trigger, check_lookup, "no failure yet", why, len);
}

/* ---- claim 4 --------------------------------------------------------- */

/* Claim 4 moves only the failed app's storage: the one detach found is the
 * only detach from A in its takeover until failover.done. */
static enum verdict only_detach(const struct event *ev, const struct takeover *t, size_t done,
				size_t detach, const char *A, char *why, size_t len)
{
	char d[DESC];

	for (size_t j = t->trig + 1; j < done; j++)
		if (j != detach && in_tk(t, &ev[j]) && is(&ev[j], "vmm.detach") && has(&ev[j], "vm", A))
			return say(CLAIM_FAIL, why, len, "%s: %s detaches more than its storage", t->who,
				   describe(&ev[j], d, sizeof d));
	return CLAIM_PASS;
}

/* The hot app at i (an os.app_failure) and its storage U, for claims 4 and
 * 6; CLAIM_NOT_SHOWN when it is not hot (not theirs to judge). */
static enum verdict hot_app(const struct event *ev, size_t n, const struct world *w, size_t i,
			    struct takeover *t, struct units *U, char *why, size_t len)
{
	const char *X = field(&ev[i], "app"), *A = field(&ev[i], "vm");
	const struct app_rec *r = app_find(w, X);

	if (!r || !r->hot)
		return CLAIM_NOT_SHOWN;
	if (!other_vm(A))
		return failed_vm(&ev[i], &(int){ 0 }, why, len);
	tk_init(t, ev, n, i, X, X, other_vm(A));
	if (failed_app(ev, w, i, &r, U, why, len) || tk_broken(ev, t, why, len))
		return CLAIM_FAIL;
	return CLAIM_PASS;
}

/* The OS that takes the app's storage: the other VM, or for parked storage
 * whichever VM the takeover attaches it to later. */
static const char *taker(const struct event *ev, const struct takeover *t, enum route rt)
{
	long j = rt == PARKED ? tk_seek(ev, t, t->trig + 1, "vmm.park", "app", t->app) : -1;

	if (j >= 0)
		j = tk_seek(ev, t, (size_t)j + 1, "vmm.attach", NULL, NULL);
	return j >= 0 ? field(&ev[j], "vm") : t->target;
}

/* Claim 4, the steps to the detach; then, for parked storage, the park and
 * the lookup when an OS can take it. Returns how many it filled in. */
static int steps_to_detach(struct step *st, const char *A, const char *X, const struct units *U,
			   const char *whose, enum route rt)
{
	int k = 0;

	st[k++] = (struct step){ .name = "vmm.lookup", .key = { "what" }, .val = { X }, .units = U,
				 .whose = whose };
	st[k++] = (struct step){ .name = "vmm.disconnect_request", .key = { "vm", "app" },
				 .val = { A, X }, .units = U, .whose = whose };
	st[k++] = (struct step){ .name = "os.disconnected", .key = { "vm", "app" }, .val = { A, X } };
	st[k++] = (struct step){ .name = "vmm.detach", .key = { "vm" }, .val = { A }, .units = U,
				 .whose = whose };
	if (rt != PARKED)
		return k;
	st[k++] = (struct step){ .name = "vmm.park", .key = { "app" }, .val = { X }, .units = U,
				 .whose = whose };
	st[k++] = (struct step){ .name = "vmm.lookup", .key = { "what" }, .val = { X }, .units = U,
				 .whose = whose };
	return k;
}

/* Claim 4: on a hot app's failure the VMM looks the app up and moves only
 * its storage to the standby (or parks it until an OS can take it), which
 * runs the same app. The standby's own os.app_alloc need only lie inside
 * U (claim 6 asks no more of it). */
static enum verdict check_app_move(const struct event *ev, size_t n, const struct world *w,
				   size_t i, int *count, char *why, size_t len)
{
	const char *X = field(&ev[i], "app"), *A = field(&ev[i], "vm");
	char whose[EV_VAL_MAX + 16];
	struct takeover t;
	struct units U;
	struct step st[16];
	size_t at[16];
	enum verdict v = hot_app(ev, n, w, i, &t, &U, why, len);

	if (v != CLAIM_PASS)
		return v == CLAIM_NOT_SHOWN ? CLAIM_PASS : v;
	enum route rt = route_of(ev, n, w, i);
	const char *S = taker(ev, &t, rt);
	snprintf(whose, sizeof whose, "%s's storage is", X);
	int k = steps_to_detach(st, A, X, &U, whose, rt), detach = 3;
	st[k++] = (struct step){ .name = "vmm.attach", .key = { "vm" }, .val = { S }, .units = &U,
				 .whose = whose };
	st[k++] = (struct step){ .name = "vmm.attach_request", .key = { "vm" }, .val = { S },
				 .units = &U, .whose = whose };
	st[k++] = (struct step){ .name = "os.attached", .key = { "vm" }, .val = { S }, .units = &U,
				 .whose = whose };
	st[k++] = (struct step){ .name = "vmm.activate_request", .key = { "vm", "app" },
				 .val = { S, X } };
	st[k++] = (struct step){ .name = "os.load", .key = { "vm", "app" }, .val = { S, X } };
	st[k++] = (struct step){ .name = "os.app_alloc", .key = { "vm", "app" }, .val = { S, X },
				 .units = &U, .subset = true, .whose = whose };
	st[k++] = (struct step){ .name = "app.resumed", .key = { "app", "vm" }, .val = { X, S } };
	st[k++] = (struct step){ .name = "failover.done", .key = { "app" }, .val = { X } };
	v = run_steps(ev, n, &t, i, st, k, at, why, len);
	if (v == CLAIM_PASS)
		v = only_detach(ev, &t, at[k - 1], at[detach], A, why, len);
	if (v == CLAIM_PASS)
		++*count;
	return v;
}

static enum verdict claim4(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_app_failure, check_app_move, "no hot app failure yet", why, len);
}

/* ---- claim 5 --------------------------------------------------------- */

/* Claim 5, report: the OS told the VMM which storage an app uses before it
 * ran the app, from the VM that runs it. */
static enum verdict check_reported(const struct event *ev, size_t i, char *why, size_t len)
{
	const char *X = field(&ev[i], "app"), *V = field(&ev[i], "vm");
	const struct step s = { .name = "os.report", .key = { "app", "vm" }, .val = { X, V } };
	char d[DESC];

	if (seek_back(ev, 0, i, &s) < 0)
		return say(CLAIM_FAIL, why, len, "%s: no os.report from %s before %s", X, V,
			   describe(&ev[i], d, sizeof d));
	return CLAIM_PASS;
}

/* Claim 5, request: the VMM gives new storage only when asked — an
 * os.request from the VM since its previous grant. */
static enum verdict check_requested(const struct event *ev, size_t i, char *why, size_t len)
{
	const char *V = field(&ev[i], "vm");
	const struct step grant = { .name = "vmm.grant", .key = { "vm" }, .val = { V } };
	const struct step req = { .name = "os.request", .key = { "vm" }, .val = { V } };
	long last = seek_back(ev, 0, i, &grant);
	char d[DESC];

	if (seek_back(ev, (size_t)(last + 1), i, &req) < 0)
		return say(CLAIM_FAIL, why, len, "%s: no os.request before %s", V,
			   describe(&ev[i], d, sizeof d));
	return CLAIM_PASS;
}

/* Claim 5's second half shown: after the grant at i, its OS reports an app
 * whose storage includes the units granted (it obtained them for its app). */
static bool grant_used(const struct event *ev, size_t n, size_t i)
{
	struct units g, u;
	const char *V = field(&ev[i], "vm");

	if (!ev_units(&ev[i], &g))
		return false;
	for (size_t j = i + 1; j < n && !event_matches(&ev[j], "vmm.grant", "vm", V); j++)
		if (event_matches(&ev[j], "os.report", "vm", V) && ev_units(&ev[j], &u) &&
		    inside(&g, &u))
			return true;
	return false;
}

static enum verdict claim5(const struct event *ev, size_t n, char *why, size_t len)
{
	int started = 0, granted = 0;

	for (size_t i = 0; i < n; i++) {
		enum verdict v = CLAIM_PASS;
		if (is(&ev[i], "app.started")) {
			started++;
			v = check_reported(ev, i, why, len);
		} else if (is(&ev[i], "vmm.grant")) {
			v = check_requested(ev, i, why, len);
			granted += v == CLAIM_PASS && grant_used(ev, n, i);
		}
		if (v != CLAIM_PASS)
			return v;
	}
	if (!started)
		return say(CLAIM_NOT_SHOWN, why, len, "no app started yet");
	if (!granted)
		return say(CLAIM_NOT_SHOWN, why, len,
			   "reports shown, but no OS short of storage yet (os.request, vmm.grant, "
			   "then os.report with the units granted)");
	return pass(why, len);
}

/* ---- claim 6 --------------------------------------------------------- */

/* Claim 6: the first OS reported X's storage and reports X's failure; the
 * VMM disconnects that storage from it, allocates it to the second OS and
 * requests activation; the second OS allocates X's storage from what it got
 * and, now controlling X, reports it in turn. */
static enum verdict check_handover(const struct event *ev, size_t n, const struct world *w,
				   size_t i, int *count, char *why, size_t len)
{
	const char *X = field(&ev[i], "app"), *A = field(&ev[i], "vm");
	const struct app_rec *r = app_find(w, X);
	char whose[EV_VAL_MAX + 16], d[DESC];
	struct takeover t;
	struct units U;
	struct step st[10];
	size_t at[10];
	enum verdict v = hot_app(ev, n, w, i, &t, &U, why, len);

	if (v != CLAIM_PASS)
		return v == CLAIM_NOT_SHOWN ? CLAIM_PASS : v;
	if (!has(&ev[r->report], "vm", A))
		return say(CLAIM_FAIL, why, len, "%s: its latest os.report is from %s, not %s, before %s",
			   X, field(&ev[r->report], "vm"), A, describe(&ev[i], d, sizeof d));
	enum route rt = route_of(ev, n, w, i);
	const char *S = taker(ev, &t, rt);
	snprintf(whose, sizeof whose, "%s's storage is", X);
	int k = 0;
	st[k++] = (struct step){ .name = "vmm.disconnect_request", .key = { "vm", "app" },
				 .val = { A, X }, .units = &U, .whose = whose };
	st[k++] = (struct step){ .name = "os.disconnected", .key = { "vm", "app" }, .val = { A, X } };
	st[k++] = (struct step){ .name = "vmm.detach", .key = { "vm" }, .val = { A }, .units = &U,
				 .whose = whose };
	if (rt == PARKED)
		st[k++] = (struct step){ .name = "vmm.park", .key = { "app" }, .val = { X },
					 .units = &U, .whose = whose };
	st[k++] = (struct step){ .name = "vmm.attach", .key = { "vm" }, .val = { S }, .units = &U,
				 .whose = whose };
	st[k++] = (struct step){ .name = "vmm.activate_request", .key = { "vm", "app" },
				 .val = { S, X } };
	st[k++] = (struct step){ .name = "os.app_alloc", .key = { "vm", "app" }, .val = { S, X },
				 .units = &U, .subset = true, .whose = whose };
	st[k++] = (struct step){ .name = "os.report", .key = { "vm", "app" }, .val = { S, X },
				 .units = &U, .whose = whose };
	v = run_steps(ev, n, &t, i, st, k, at, why, len);
	if (v == CLAIM_PASS)
		++*count;
	return v;
}

static enum verdict claim6(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_app_failure, check_handover, "no hot app failure yet", why, len);
}

/* ---- claim 7 --------------------------------------------------------- */

/* Claim 7, per hot app of the failed OS: activation requested of the second
 * OS after the attach, the second OS allocating the app's storage, and the
 * app resuming there. last: where the last app resumed. */
static enum verdict activate_hot_apps(const struct event *ev, size_t n, const struct takeover *t,
				      size_t attach, const struct world *w, int a, int *hot,
				      size_t *last, char *why, size_t len)
{
	const char *S = vm_names[1 - a];
	size_t at[4];

	*last = attach;
	for (int k = 0; k < w->napps; k++) {
		const struct app_rec *r = &w->app[k];
		if (!on_vm(ev, w, r, a) || !r->hot)
			continue;
		const struct step st[4] = {
			{ .name = "vmm.activate_request", .key = { "vm", "app" }, .val = { S, r->name } },
			{ .name = "os.load", .key = { "vm", "app" }, .val = { S, r->name } },
			{ .name = "os.app_alloc", .key = { "vm", "app" }, .val = { S, r->name } },
			{ .name = "app.resumed", .key = { "app", "vm" }, .val = { r->name, S } },
		};
		struct takeover ta = *t;
		ta.app = r->name; /* this app failing again cuts its part short */
		++*hot;
		enum verdict v = run_steps(ev, n, &ta, attach, st, 4, at, why, len);
		if (v != CLAIM_PASS)
			return v;
		if (at[3] > *last)
			*last = at[3];
	}
	return CLAIM_PASS;
}

/* Claim 7 with no OS left to take over: each hot app's storage leaves the
 * failed VM and is parked; once an OS is ready it is looked up, attached
 * there, and the app activated and resumed. A park not taken yet is not
 * counted. count: failures whose every hot app was taken. */
static enum verdict park_hot_apps(const struct event *ev, size_t n, const struct takeover *t,
				  const struct world *w, int a, int *count, char *why, size_t len)
{
	char whose[EV_VAL_MAX + 16];
	struct units U;
	size_t at[8];
	int hot = 0, taken = 0;

	for (int k = 0; k < w->napps; k++) {
		const struct app_rec *r = &w->app[k];
		if (!on_vm(ev, w, r, a) || !r->hot || !app_storage(ev, r, &U))
			continue;
		struct takeover ta = *t;
		ta.app = r->name;
		ta.who = r->name;
		long park = tk_seek(ev, t, t->trig + 1, "vmm.park", "app", r->name);
		long att = park < 0 ? -1 : tk_seek(ev, t, (size_t)park + 1, "vmm.attach", NULL, NULL);
		const char *S = att < 0 ? vm_names[1 - a] : field(&ev[att], "vm"), *X = r->name;
		snprintf(whose, sizeof whose, "%s's storage is", X);
		const struct step st[8] = {
			{ .name = "vmm.detach", .key = { "vm" }, .val = { vm_names[a] }, .units = &U,
			  .whose = whose, .by_units = true },
			{ .name = "vmm.park", .key = { "app" }, .val = { X }, .units = &U, .whose = whose },
			{ .name = "vmm.lookup", .key = { "what" }, .val = { X }, .units = &U,
			  .whose = whose },
			{ .name = "vmm.attach", .key = { "vm" }, .val = { S }, .units = &U, .whose = whose },
			{ .name = "vmm.activate_request", .key = { "vm", "app" }, .val = { S, X } },
			{ .name = "os.app_alloc", .key = { "vm", "app" }, .val = { S, X } },
			{ .name = "app.resumed", .key = { "app", "vm" }, .val = { X, S } },
			{ .name = "failover.done", .key = { "app" }, .val = { X } },
		};
		++hot;
		enum verdict v = run_steps(ev, n, &ta, t->trig, st, 8, at, why, len);
		if (v != CLAIM_PASS && v != CUT)
			return v;
		taken += v == CLAIM_PASS;
	}
	if (hot && taken == hot)
		++*count;
	return CLAIM_PASS;
}

/* Claim 7: on the first OS's failure the VMM allocates its storage to the
 * second OS (detach, then attach) and requests activation of its hot apps,
 * which resume there; failover.done os=A closes it. count: failures with
 * at least one hot app. */
static enum verdict check_os_takeover(const struct event *ev, size_t n, const struct world *w,
				      size_t i, int *count, char *why, size_t len)
{
	struct takeover t;
	size_t at[2], last, done;
	int a, hot = 0;

	if (os_tk(ev, n, i, &t, &a, why, len))
		return CLAIM_FAIL;
	if (route_of(ev, n, w, i) == PARKED)
		return park_hot_apps(ev, n, &t, w, a, count, why, len);
	const struct step st[2] = {
		{ .name = "vmm.detach", .key = { "vm" }, .val = { vm_names[a] } },
		{ .name = "vmm.attach", .key = { "vm" }, .val = { vm_names[1 - a] } },
	};
	const struct step fin = { .name = "failover.done", .key = { "os" }, .val = { vm_names[a] } };
	enum verdict v = run_steps(ev, n, &t, i, st, 2, at, why, len);
	if (v == CLAIM_PASS)
		v = activate_hot_apps(ev, n, &t, at[1], w, a, &hot, &last, why, len);
	if (v == CLAIM_PASS)
		v = run_steps(ev, n, &t, last, &fin, 1, &done, why, len);
	if (v == CLAIM_PASS && hot)
		++*count;
	return v;
}

static enum verdict claim7(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_os_fault, check_os_takeover, "no OS failure with a hot app yet",
			  why, len);
}

/* ---- claim 8 --------------------------------------------------------- */

/* Where app X is next started afresh after i (a new instance may be
 * activated again), or n. */
static size_t next_start(const struct event *ev, size_t n, size_t i, const char *X)
{
	const struct step s = { .name = "app.started", .key = { "app" }, .val = { X } };
	long j = seek(ev, i + 1, n, &s);
	return j < 0 ? n : (size_t)j;
}

/* Claim 8 for one failed app: a hot one is activated and never refused
 * (but for a true reason: no OS to take it yet, or its OS failed first); a
 * non-hot one is refused (vmm.no_takeover) and not activated until it is
 * started again. count: non-hot failures handled. */
static enum verdict check_activation(const struct event *ev, size_t n, size_t i, const char *X,
				     bool hot, int *count, char *why, size_t len)
{
	const char *A = field(&ev[i], "vm");
	struct takeover t;
	char d[DESC], f[DESC];

	/* The app failing again, or the OS taking over failing, cuts it short. */
	tk_init(&t, ev, n, i, X, X, other_vm(A));
	long ja = tk_seek(ev, &t, i + 1, "vmm.activate_request", "app", X);
	long jn = tk_seek(ev, &t, i + 1, "vmm.no_takeover", "app", X);
	describe(&ev[i], f, sizeof f);
	if (hot && jn >= 0 && !has(&ev[jn], "reason", "not_hot"))
		return CLAIM_PASS; /* parked, or its OS's takeover carries it: reason judged apart */
	if (hot && jn >= 0)
		return say(CLAIM_FAIL, why, len, "%s: %s refuses a hot app (failure %s)", X,
			   describe(&ev[jn], d, sizeof d), f);
	if (hot && ja < 0 && !cut_short(ev, n, &t, i))
		return say(CLAIM_FAIL, why, len, "%s: no vmm.activate_request after %s", X, f);
	if (hot)
		return CLAIM_PASS;
	if (jn < 0 && cut_short(ev, n, &t, i))
		return CLAIM_PASS; /* the takeover that cuts it short refuses it */
	if (jn < 0)
		return say(CLAIM_FAIL, why, len, "%s: no vmm.no_takeover for this non-hot app after %s",
			   X, f);
	const struct step act = { .name = "vmm.activate_request", .key = { "app" }, .val = { X } };
	ja = seek(ev, i + 1, next_start(ev, n, i, X), &act);
	if (ja >= 0)
		return say(CLAIM_FAIL, why, len, "%s: %s activates a non-hot app (failure %s)", X,
			   describe(&ev[ja], d, sizeof d), f);
	++*count;
	return CLAIM_PASS;
}

/* Whether app X was parked in the takeover of the failure at i and no OS
 * has taken it yet. */
static bool parked_yet(const struct event *ev, size_t n, size_t i, const char *X)
{
	struct takeover t;

	tk_init(&t, ev, n, i, X, X, NULL);
	long p = tk_seek(ev, &t, i + 1, "vmm.park", "app", X);
	return p >= 0 && still_parked(ev, &t, (size_t)p);
}

/* Claim 8: the apps a failure takes down are the one named by an
 * os.app_failure, or every app running on an OS that failed. An app never
 * started (so never declared hot) counts as not hot. */
static enum verdict check_failed_apps(const struct event *ev, size_t n, const struct world *w,
				      size_t i, int *count, char *why, size_t len)
{
	if (is_app_failure(&ev[i])) {
		const struct app_rec *r = app_find(w, field(&ev[i], "app"));
		return check_activation(ev, n, i, field(&ev[i], "app"), r && r->hot, count, why, len);
	}
	int a = vm_index(event_field(&ev[i], "vm"));
	bool parked = route_of(ev, n, w, i) == PARKED;
	for (int k = 0; k < w->napps; k++) {
		const struct app_rec *r = &w->app[k];
		/* With no OS left, a non-hot app's storage stays with the
		 * failed VM unsaid, and a hot app waits parked (claim 7). */
		if (parked && (!r->hot || parked_yet(ev, n, i, r->name)))
			continue;
		if (on_vm(ev, w, r, a) && check_activation(ev, n, i, r->name, r->hot, count, why, len))
			return CLAIM_FAIL;
	}
	return CLAIM_PASS;
}

/* Claim 8, every refusal: its reason must be true of the trace (a faked
 * no_standby or os_failed would hide a takeover that never happened). */
static enum verdict check_reasons(const struct event *ev, size_t n, char *why, size_t len)
{
	struct world w;
	char d[DESC];
	int vm;

	world_init(&w);
	for (size_t j = 0; j < n; j++) {
		if (is(&ev[j], "vmm.no_takeover") && !reason_holds(ev, &w, j, &vm))
			return say(CLAIM_FAIL, why, len, "%s: %s, but the trace shows otherwise (%s)",
				   event_field(&ev[j], "app") ? field(&ev[j], "app") : field(&ev[j], "vm"),
				   describe(&ev[j], d, sizeof d),
				   has(&ev[j], "reason", "not_hot") ? "it was started hot"
				   : has(&ev[j], "reason", "no_standby") ? "the other OS was running"
				   : has(&ev[j], "reason", "os_failed") ? "its OS had not failed"
				   : has(&ev[j], "reason", "standby_failed")
					   ? "it was not a standby with no apps"
					   : "no such reason");
		world_step(&w, ev, j);
	}
	return CLAIM_PASS;
}

static enum verdict claim8(const struct event *ev, size_t n, char *why, size_t len)
{
	if (check_reasons(ev, n, why, len))
		return CLAIM_FAIL;
	return judge_each(ev, n, is_trigger, check_failed_apps, "no non-hot app failure yet", why, len);
}

/* ---- claim 9 --------------------------------------------------------- */

/* Claim 9(a), fault-level notification: an unrecoverable fault is reported
 * (os.app_failure); a recoverable one is handled locally (app.restarted)
 * and not reported. Looked for up to the app's next fault. */
static enum verdict check_fault_level(const struct event *ev, size_t n, size_t i, int *unrec,
				      char *why, size_t len)
{
	const char *X = field(&ev[i], "app");
	const struct step next = { .name = "app.fault", .key = { "app" }, .val = { X } };
	const struct step fail = { .name = "os.app_failure", .key = { "app" }, .val = { X } };
	const struct step rest = { .name = "app.restarted", .key = { "app" }, .val = { X } };
	long jx = seek(ev, i + 1, n, &next);
	size_t end = jx < 0 ? n : (size_t)jx;
	long jf = seek(ev, i + 1, end, &fail), jr = seek(ev, i + 1, end, &rest);
	char d[DESC], f[DESC];

	describe(&ev[i], f, sizeof f);
	if (has(&ev[i], "level", "unrecoverable")) {
		if (jf < 0)
			return say(CLAIM_FAIL, why, len, "%s: no os.app_failure after %s", X, f);
		++*unrec;
		return CLAIM_PASS;
	}
	if (!has(&ev[i], "level", "recoverable"))
		return say(CLAIM_FAIL, why, len, "%s: %s has no known level", X, f);
	if (jf >= 0 && (jr < 0 || jf < jr))
		return say(CLAIM_FAIL, why, len, "%s: %s reports the recoverable %s", X,
			   describe(&ev[jf], d, sizeof d), f);
	if (jr < 0)
		return say(CLAIM_FAIL, why, len, "%s: no app.restarted after %s", X, f);
	return CLAIM_PASS;
}

/* The takeover of a request at i: its id, or without ids the window from
 * the failure before it. */
static bool request_tk(const struct event *ev, size_t n, size_t i, const char *who,
		       struct takeover *t)
{
	long trig = trigger_of(ev, i);

	if (trig < 0)
		return false;
	/* An OS that fails before it answers owes no answer. */
	tk_init(t, ev, n, (size_t)trig, who, NULL, field(&ev[i], "vm"));
	t->trig = i; /* search from the request on */
	return true;
}

/* Claim 9(b), resource disconnection: the active OS releases what it was
 * asked to (os.disconnected, same vm and app). */
static enum verdict check_disconnect(const struct event *ev, size_t n, size_t i, char *why,
				     size_t len)
{
	const struct step st = { .name = "os.disconnected", .key = { "vm", "app" },
				 .val = { field(&ev[i], "vm"), field(&ev[i], "app") } };
	struct takeover t;
	size_t at;

	if (!request_tk(ev, n, i, field(&ev[i], "app"), &t))
		return CLAIM_PASS;
	enum verdict v = run_steps(ev, n, &t, i, &st, 1, &at, why, len);
	return v == CUT ? CLAIM_PASS : v;
}

/* Claim 9(c), resource engaging: the OS told it now holds storage engages
 * it (os.attached from the same vm, in the same takeover). Both events'
 * units are the VMM's own words, so comparing them would show nothing:
 * that the OS engaged the right units shows in its os.app_alloc (claims 4,
 * 6). */
static enum verdict check_engage(const struct event *ev, size_t n, size_t i, char *why,
				 size_t len)
{
	const struct step st = { .name = "os.attached", .key = { "vm" },
				 .val = { field(&ev[i], "vm") } };
	struct takeover t;
	size_t at;

	if (!request_tk(ev, n, i, field(&ev[i], "vm"), &t))
		return CLAIM_PASS;
	enum verdict v = run_steps(ev, n, &t, i, &st, 1, &at, why, len);
	return v == CUT ? CLAIM_PASS : v;
}

/* Whether the app of a disconnect request had its OS fail before it could
 * answer (vmm.no_takeover reason=os_failed, true of the trace): no answer
 * is owed then. */
static bool gave_way(const struct event *ev, size_t n, size_t i)
{
	const char *app = event_field(&ev[i], "app");
	int vm = vm_index(event_field(&ev[i], "vm"));

	for (size_t j = i + 1; app && j < n && !event_matches(&ev[j], "os.app_failure", "app", app); j++)
		if (event_matches(&ev[j], "vmm.no_takeover", "app", app) &&
		    event_matches(&ev[j], "vmm.no_takeover", "reason", "os_failed"))
			return vm >= 0 && !up_at(ev, j, vm);
	return false;
}

/* Claim 9(d, e): the VMM's OS fault detecting routine found an OS failed
 * and reported the failed OS's resources to the other OS: a vmm.os_fault
 * whose takeover made a vmm.attach_request. */
static bool os_fault_reported(const struct event *ev, size_t n, size_t i)
{
	struct takeover t;
	const char *A = field(&ev[i], "vm");

	if (!other_vm(A))
		return false;
	tk_init(&t, ev, n, i, A, NULL, NULL);
	return tk_seek(ev, &t, i + 1, "vmm.attach_request", "vm", other_vm(A)) >= 0;
}

/* How many times each of claim 9's routines was seen working. */
struct routines {
	int unrec, disc, engage, osfault, lookup;
};

static enum verdict check_routines(const struct event *ev, size_t n, struct routines *r,
				   char *why, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		const struct event *e = &ev[i];
		enum verdict v = CLAIM_PASS;
		if (is(e, "app.fault"))
			v = check_fault_level(ev, n, i, &r->unrec, why, len);
		if (is(e, "vmm.disconnect_request") && !gave_way(ev, n, i)) {
			r->disc++;
			v = check_disconnect(ev, n, i, why, len);
		}
		if (is(e, "vmm.attach_request")) {
			r->engage++;
			v = check_engage(ev, n, i, why, len);
		}
		r->osfault += is_os_fault(e) && os_fault_reported(ev, n, i);
		r->lookup += is(e, "vmm.lookup");
		if (v != CLAIM_PASS)
			return v;
	}
	return CLAIM_PASS;
}

/* Claim 9: all five routines shown working, and none seen misbehaving. */
static enum verdict claim9(const struct event *ev, size_t n, char *why, size_t len)
{
	struct routines r = { 0 };
	char missing[256] = "";
	size_t m = 0;

	if (check_routines(ev, n, &r, why, len))
		return CLAIM_FAIL;
	if (!r.unrec)
		append(missing, sizeof missing, &m, "%sno unrecoverable app fault reported yet", m ? ", " : "");
	if (!r.disc)
		append(missing, sizeof missing, &m, "%sno resource disconnection yet", m ? ", " : "");
	if (!r.engage)
		append(missing, sizeof missing, &m, "%sno resource engaging yet", m ? ", " : "");
	if (!r.osfault)
		append(missing, sizeof missing, &m, "%sno OS fault detected and its resources reported yet",
		       m ? ", " : "");
	if (!r.lookup)
		append(missing, sizeof missing, &m, "%sno resource lookup yet", m ? ", " : "");
	if (m)
		return say(CLAIM_NOT_SHOWN, why, len, "%s", missing);
	return pass(why, len);
}

/* ---- public ---------------------------------------------------------- */

typedef enum verdict (*claim_fn)(const struct event *ev, size_t n, char *why, size_t len);

static const claim_fn claims[] = {
	NULL, claim1, claim2, claim3, claim4, claim5, claim6, claim7, claim8, claim9,
};

/* Events are numbered as they happen: a number that goes backwards means
 * the trace was reordered or edited, and no claim can be judged on it. A
 * new boot after a reset starts again at 1. */
static enum verdict check_order(const struct event *ev, size_t n, char *why, size_t len)
{
	for (size_t i = 1; i < n; i++)
		if (ev[i].seq <= ev[i - 1].seq && ev[i].seq != 1)
			return say(CLAIM_FAIL, why, len,
				   "event %llu (%s) follows event %llu: the numbering goes backwards",
				   (unsigned long long)ev[i].seq, ev[i].name,
				   (unsigned long long)ev[i - 1].seq);
	return CLAIM_PASS;
}

enum verdict check_claim(const struct event *ev, size_t n, int claim, char *why, size_t whylen)
{
	if (claim < 1 || claim >= (int)ARRAY_SIZE(claims))
		return say(CLAIM_NOT_SHOWN, why, whylen, "there is no claim %d", claim);
	if (check_order(ev, n, why, whylen))
		return CLAIM_FAIL;
	return claims[claim](ev, n, why, whylen);
}

void check_format(int claim, enum verdict v, const char *why, char *buf, size_t size)
{
	if (!why)
		why = "";
	if (v == CLAIM_PASS)
		snprintf(buf, size, "claim %d: PASS", claim);
	else if (v == CLAIM_FAIL)
		snprintf(buf, size, "claim %d: FAIL %s", claim, why);
	else
		snprintf(buf, size, "claim %d: NOT SHOWN (%s)", claim, why);
}
