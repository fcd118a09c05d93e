/* checker.c — judge claims 1..9 from a recorded event trace.
 *
 * The checker replays the trace once per claim. A small "world" (who owns
 * which units, which app runs where, is hot, and last reported what) is
 * stepped event by event, so at each failure we know what the table held at
 * that moment. The failover that follows is then matched against the steps
 * the claim needs, in order, within the failover's window: from the failure
 * to the next failure (failovers never interleave). */
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

/* Failover sequences never interleave, so one ends where the next failure
 * begins: searching only up to there keeps a later failover's events from
 * standing in for this one's. */
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
	static const char *const keys[] = { "vm", "app", "what", "level" };
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	append(buf, size, &len, "%s", e->name);
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		if (event_field(e, keys[k]))
			append(buf, size, &len, " %s=%s", keys[k], event_field(e, keys[k]));
	append(buf, size, &len, " (seq %llu)", (unsigned long long)e->seq);
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
	long report; /* index of its latest os.report; -1 none */
};

struct world {
	struct units owned[NVMS];
	struct app_rec app[MAX_APPS];
	int napps;
};

static void world_init(struct world *w)
{
	for (int v = 0; v < NVMS; v++)
		units_clear(&w->owned[v]);
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
	r->hot = r->alive = false;
	r->report = -1;
	return r;
}

/* Ownership: alloc, grant and attach give units to a VM, detach takes them
 * away. A refused merge or removal is left for the checks to notice. */
static void own_step(struct world *w, const struct event *e)
{
	int v = vm_index(event_field(e, "vm"));
	struct units u;

	if (v < 0 || !ev_units(e, &u))
		return;
	if (is(e, "vmm.detach"))
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
	r = world_app(w, name, !is_app_failure(e));
	if (!r)
		return;
	if (is(e, "os.report")) {
		r->report = (long)i;
	} else if (is(e, "app.started")) {
		r->vm = vm_index(event_field(e, "vm"));
		r->hot = has(e, "hot", "yes");
		r->alive = true;
	} else if (is(e, "app.resumed") || is(e, "app.restarted")) {
		if (event_field(e, "vm"))
			r->vm = vm_index(event_field(e, "vm"));
		r->alive = true;
	} else if (is_app_failure(e)) {
		r->alive = false;
	}
}

/* An OS failure ends every app it ran; a hot one lives on via app.resumed. */
static void kill_apps_on(struct world *w, int vm)
{
	if (vm < 0)
		return;
	for (int a = 0; a < w->napps; a++)
		if (w->app[a].vm == vm)
			w->app[a].alive = false;
}

static void world_step(struct world *w, const struct event *ev, size_t i)
{
	const struct event *e = &ev[i];

	if (is(e, "vmm.alloc") || is(e, "vmm.grant") || is(e, "vmm.attach") || is(e, "vmm.detach"))
		own_step(w, e);
	else if (is_os_fault(e))
		kill_apps_on(w, vm_index(event_field(e, "vm")));
	else if (is(e, "os.report") || is(e, "app.started") || is(e, "app.resumed") ||
		 is(e, "app.restarted") || is_app_failure(e))
		app_step(w, e, i);
}

/* An app's storage is what its latest os.report said (a grow re-reports). */
static bool app_storage(const struct event *ev, const struct app_rec *r, struct units *u)
{
	return r && r->report >= 0 && ev_units(&ev[r->report], u);
}

/* ---- steps: the events a claim expects, found in order --------------- */

struct step {
	const char *name;
	const char *key[2], *val[2];   /* fields that must match; NULL key: none */
	const struct units *units;     /* when set, the event's units must match */
	bool subset;                   /* ...lie inside them rather than equal them */
	const char *whose;             /* for the message: "vm0 held" */
};

static bool step_fields(const struct step *s, const struct event *e)
{
	for (int k = 0; k < 2; k++)
		if (s->key[k] && !has(e, s->key[k], s->val[k]))
			return false;
	return true;
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

/* The one constraint on "vm" or "what" an otherwise matching event breaks:
 * that is the step sent to the wrong VM (or naming the wrong thing), which
 * says more than "missing". -1 when it is not such a near miss. */
static int near_key(const struct step *s, const struct event *e)
{
	int bad = -1;

	if (!is(e, s->name))
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

/* Where step s is, after prev and before end; otherwise why not: out of
 * order (it came after the failure but before the previous step), near
 * miss (wrong VM), or missing. */
static enum verdict find_step(const struct event *ev, size_t trig, size_t prev, size_t end,
			      const struct step *s, size_t *at, char *why, size_t len)
{
	char d[DESC];
	long j = seek(ev, prev + 1, end, s);

	if (j >= 0) {
		*at = (size_t)j;
		return CLAIM_PASS;
	}
	j = seek(ev, trig + 1, prev, s);
	if (j >= 0)
		return say(CLAIM_FAIL, why, len, "out of order: %s (seq %llu) before %s (seq %llu)",
			   s->name, (unsigned long long)ev[j].seq, ev[prev].name,
			   (unsigned long long)ev[prev].seq);
	for (size_t k = prev + 1; k < end; k++) {
		int bad = near_key(s, &ev[k]);
		if (bad >= 0)
			return say(CLAIM_FAIL, why, len, "%s has %s=%s, expected %s",
				   describe(&ev[k], d, sizeof d), s->key[bad],
				   field(&ev[k], s->key[bad]), s->val[bad]);
	}
	return say(CLAIM_FAIL, why, len, "%s missing after %s", s->name,
		   describe(&ev[prev], d, sizeof d));
}

static enum verdict check_units(const struct event *e, const struct step *s, char *why, size_t len)
{
	char d[DESC], g[UBUF], w[UBUF];
	struct units got;

	if (!s->units)
		return CLAIM_PASS;
	if (!ev_units(e, &got))
		return say(CLAIM_FAIL, why, len, "%s has malformed units '%s'",
			   describe(e, d, sizeof d), field(e, "units"));
	if (s->subset ? inside(&got, s->units) : units_equal(&got, s->units))
		return CLAIM_PASS;
	return say(CLAIM_FAIL, why, len, "%s has units %s but %s %s%s", describe(e, d, sizeof d),
		   ustr(&got, g, sizeof g), s->whose, s->subset ? "only " : "",
		   ustr(s->units, w, sizeof w));
}

/* Each step after the one before, all after the failure at trig and before
 * end; at[k] receives where step k was found. */
static enum verdict run_steps(const struct event *ev, size_t trig, size_t prev, size_t end,
			      const struct step *st, int nst, size_t *at, char *why, size_t len)
{
	for (int k = 0; k < nst; k++) {
		enum verdict v = find_step(ev, trig, prev, end, &st[k], &at[k], why, len);
		if (v == CLAIM_PASS)
			v = check_units(&ev[at[k]], &st[k], why, len);
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

/* An OS fault the VMM could not act on (the standby failed, or there was no
 * standby left) says so with vmm.no_takeover vm=...: it starts no takeover
 * for the claims to judge. */
static bool untakeable(const struct event *ev, size_t n, size_t i)
{
	const char *vm = event_field(&ev[i], "vm");
	if (is_os_fault(&ev[i]) && vm) {
		for (size_t j = i + 1; j < window_end(ev, n, i); j++) {
			if (is(&ev[j], "vmm.lookup"))
				return false;
			if (event_matches(&ev[j], "vmm.no_takeover", "vm", vm))
				return true;
		}
	}
	/* Likewise an app whose failure found no standby running to take it
	 * (reason=no_standby), or whose OS failed first (reason=os_failed:
	 * the OS failover carries it). */
	const char *app = event_field(&ev[i], "app");
	/* The OS may fail in the middle of this app's failover, so look past
	 * the window: up to the app's next failure or resumption. */
	if (is_app_failure(&ev[i]) && app)
		for (size_t j = i + 1; j < n && !event_matches(&ev[j], "os.app_failure", "app", app) &&
				       !event_matches(&ev[j], "app.resumed", "app", app);
		     j++)
			if (event_matches(&ev[j], "vmm.no_takeover", "app", app) &&
			    (event_matches(&ev[j], "vmm.no_takeover", "reason", "no_standby") ||
			     event_matches(&ev[j], "vmm.no_takeover", "reason", "os_failed")))
				return true;
	return false;
}

static enum verdict each(const struct event *ev, size_t n, bool (*want)(const struct event *),
			 per_event fn, int *count, char *why, size_t len)
{
	struct world w;

	world_init(&w);
	for (size_t i = 0; i < n; i++) {
		if (want(&ev[i]) && !untakeable(ev, n, i)) {
			enum verdict v = fn(ev, n, &w, i, count, why, len);
			if (v != CLAIM_PASS)
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
			   "standby %s was given %llu MB at boot (seq %llu), not less than the active's %llu (seq %llu)",
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
		if (r->alive && r->vm == vm && app_storage(ev, r, &u) && units_count(&u) &&
		    inside(&u, &w->owned[vm]))
			return true;
	}
	return false;
}

/* Claim 1, failure half: at an active-OS failure everything it held — its
 * own storage and its apps' — is detached from it and attached to the
 * standby. count: failures that moved some app's storage. */
static enum verdict check_os_move(const struct event *ev, size_t n, const struct world *w,
				  size_t i, int *count, char *why, size_t len)
{
	char whose[32];
	size_t at[2];
	int a;

	if (failed_vm(&ev[i], &a, why, len))
		return CLAIM_FAIL;
	const struct units *held = &w->owned[a];
	snprintf(whose, sizeof whose, "%s held", vm_names[a]);
	const struct step st[2] = {
		{ .name = "vmm.detach", .key = { "vm" }, .val = { vm_names[a] }, .units = held, .whose = whose },
		{ .name = "vmm.attach", .key = { "vm" }, .val = { vm_names[1 - a] },
		  .units = held, .whose = whose },
	};
	enum verdict v = run_steps(ev, i, i, window_end(ev, n, i), st, 2, at, why, len);
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

/* Whether, since the failure that started this takeover, vm was attached
 * units that include u. */
static bool attached_before(const struct event *ev, size_t i, const char *vm,
			    const struct units *u)
{
	struct units got;

	for (size_t j = i; j-- > 0;) {
		if (is(&ev[j], "vmm.attach") && has(&ev[j], "vm", vm) && ev_units(&ev[j], &got) &&
		    inside(u, &got))
			return true;
		if (is_trigger(&ev[j]))
			break;
	}
	return false;
}

/* Whether, since the latest failure, vm was asked to activate app: what
 * makes an os.load part of a takeover rather than an ordinary start. */
static bool activated_before(const struct event *ev, size_t i, const char *vm, const char *app)
{
	for (size_t j = i; j-- > 0;) {
		if (is(&ev[j], "vmm.activate_request") && has(&ev[j], "vm", vm) &&
		    has(&ev[j], "app", app))
			return true;
		if (is_trigger(&ev[j]))
			break;
	}
	return false;
}

/* Claim 2: after a takeover the standby loads the hot-standby program from
 * auxiliary memory (src=aux) and runs it in the storage it was attached.
 * count: takeover loads. */
static enum verdict check_load(const struct event *ev, size_t n, const struct world *w,
			       size_t i, int *count, char *why, size_t len)
{
	const struct event *e = &ev[i];
	const char *S = field(e, "vm"), *X = field(e, "app");
	char d[DESC], us[UBUF];
	struct units mine;
	size_t at;

	if (!activated_before(ev, i, S, X))
		return CLAIM_PASS;
	if (!has(e, "src", "aux"))
		return say(CLAIM_FAIL, why, len, "%s loaded from src=%s, not aux",
			   describe(e, d, sizeof d), field(e, "src"));
	if (!app_storage(ev, app_find(w, X), &mine))
		return say(CLAIM_FAIL, why, len, "no os.report gives %s's storage before %s", X,
			   describe(e, d, sizeof d));
	if (!attached_before(ev, i, S, &mine))
		return say(CLAIM_FAIL, why, len, "no vmm.attach to %s holding %s's units %s before %s",
			   S, X, ustr(&mine, us, sizeof us), describe(e, d, sizeof d));
	const struct step st = { .name = "app.resumed", .key = { "app", "vm" }, .val = { X, S } };
	++*count;
	return run_steps(ev, i, i, window_end(ev, n, i), &st, 1, &at, why, len);
}

static bool is_load(const struct event *e)
{
	return is(e, "os.load");
}

static enum verdict claim2(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_load, check_load, "no program loaded by a standby yet", why, len);
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
		return say(CLAIM_FAIL, why, len, "no os.report for %s before %s",
			   field(&ev[i], "app"), describe(&ev[i], d, sizeof d));
	return CLAIM_PASS;
}

/* Claim 3, OS failure: vmm.lookup what=A with what A held, before the detach
 * of those same units. */
static enum verdict check_os_lookup(const struct event *ev, size_t n, const struct world *w,
				    size_t i, char *why, size_t len)
{
	char whose[32];
	size_t at[2];
	int a;

	if (failed_vm(&ev[i], &a, why, len))
		return CLAIM_FAIL;
	snprintf(whose, sizeof whose, "%s held", vm_names[a]);
	const struct step st[2] = {
		{ .name = "vmm.lookup", .key = { "what" }, .val = { vm_names[a] },
		  .units = &w->owned[a], .whose = whose },
		{ .name = "vmm.detach", .key = { "vm" }, .val = { vm_names[a] },
		  .units = &w->owned[a], .whose = whose },
	};
	return run_steps(ev, i, i, window_end(ev, n, i), st, 2, at, why, len);
}

/* Claim 3, app failure: vmm.lookup what=X with X's storage, before X's
 * storage is detached (hot) or the takeover is refused (not hot). */
static enum verdict check_app_lookup(const struct event *ev, size_t n, const struct world *w,
				     size_t i, char *why, size_t len)
{
	const char *X = field(&ev[i], "app"), *A = field(&ev[i], "vm");
	const struct app_rec *r;
	char whose[EV_VAL_MAX + 16];
	struct units u;
	size_t at[2];

	if (failed_app(ev, w, i, &r, &u, why, len))
		return CLAIM_FAIL;
	snprintf(whose, sizeof whose, "%s's storage is", X);
	const struct step st[2] = {
		{ .name = "vmm.lookup", .key = { "what" }, .val = { X }, .units = &u, .whose = whose },
		r->hot ? (struct step){ .name = "vmm.detach", .key = { "vm" }, .val = { A },
		                        .units = &u, .whose = whose }
		       : (struct step){ .name = "vmm.no_takeover", .key = { "app" }, .val = { X } },
	};
	return run_steps(ev, i, i, window_end(ev, n, i), st, 2, at, why, len);
}

static enum verdict check_lookup(const struct event *ev, size_t n, const struct world *w,
				 size_t i, int *count, char *why, size_t len)
{
	++*count;
	if (is_os_fault(&ev[i]))
		return check_os_lookup(ev, n, w, i, why, len);
	return check_app_lookup(ev, n, w, i, why, len);
}

static enum verdict claim3(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_trigger, check_lookup, "no failure yet", why, len);
}

/* ---- claim 4 --------------------------------------------------------- */

/* Claim 4 moves only the failed app's storage: the one detach found is the
 * only detach from A until failover.done. */
static enum verdict only_detach(const struct event *ev, size_t i, size_t done, size_t detach,
				const char *A, const char *X, char *why, size_t len)
{
	char d[DESC];

	for (size_t j = i + 1; j < done; j++)
		if (j != detach && is(&ev[j], "vmm.detach") && has(&ev[j], "vm", A))
			return say(CLAIM_FAIL, why, len,
				   "%s detaches more than %s's storage (os.app_failure seq %llu)",
				   describe(&ev[j], d, sizeof d), X, (unsigned long long)ev[i].seq);
	return CLAIM_PASS;
}

/* Claim 4: on a hot app's failure the VMM looks the app up and moves only
 * its storage to the standby, which runs the same app. The standby's own
 * os.app_alloc need only lie inside U (claim 6 asks no more of it). */
static enum verdict check_app_move(const struct event *ev, size_t n, const struct world *w,
				   size_t i, int *count, char *why, size_t len)
{
	const char *X = field(&ev[i], "app"), *A = field(&ev[i], "vm"), *S = other_vm(A);
	const struct app_rec *r = app_find(w, X);
	char whose[EV_VAL_MAX + 16];
	struct units U;
	size_t at[12];

	if (!r || !r->hot)
		return CLAIM_PASS;
	if (!S)
		return failed_vm(&ev[i], &(int){ 0 }, why, len);
	if (failed_app(ev, w, i, &r, &U, why, len))
		return CLAIM_FAIL;
	snprintf(whose, sizeof whose, "%s's storage is", X);
	const struct step st[12] = {
		{ .name = "vmm.lookup", .key = { "what" }, .val = { X }, .units = &U, .whose = whose },
		{ .name = "vmm.disconnect_request", .key = { "vm", "app" }, .val = { A, X },
		  .units = &U, .whose = whose },
		{ .name = "os.disconnected", .key = { "vm", "app" }, .val = { A, X } },
		{ .name = "vmm.detach", .key = { "vm" }, .val = { A }, .units = &U, .whose = whose },
		{ .name = "vmm.attach", .key = { "vm" }, .val = { S }, .units = &U, .whose = whose },
		{ .name = "vmm.attach_request", .key = { "vm" }, .val = { S }, .units = &U, .whose = whose },
		{ .name = "os.attached", .key = { "vm" }, .val = { S }, .units = &U, .whose = whose },
		{ .name = "vmm.activate_request", .key = { "vm", "app" }, .val = { S, X } },
		{ .name = "os.load", .key = { "vm", "app" }, .val = { S, X } },
		{ .name = "os.app_alloc", .key = { "vm", "app" }, .val = { S, X },
		  .units = &U, .subset = true, .whose = whose },
		{ .name = "app.resumed", .key = { "app", "vm" }, .val = { X, S } },
		{ .name = "failover.done", .key = { "app" }, .val = { X } },
	};
	++*count;
	if (run_steps(ev, i, i, window_end(ev, n, i), st, 12, at, why, len))
		return CLAIM_FAIL;
	return only_detach(ev, i, at[11], at[3], A, X, why, len);
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
		return say(CLAIM_FAIL, why, len, "os.report for %s from %s missing before %s", X, V,
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
		return say(CLAIM_FAIL, why, len, "os.request from %s missing before %s", V,
			   describe(&ev[i], d, sizeof d));
	return CLAIM_PASS;
}

static enum verdict claim5(const struct event *ev, size_t n, char *why, size_t len)
{
	int started = 0;

	for (size_t i = 0; i < n; i++) {
		enum verdict v = CLAIM_PASS;
		if (is(&ev[i], "app.started")) {
			started++;
			v = check_reported(ev, i, why, len);
		} else if (is(&ev[i], "vmm.grant")) {
			v = check_requested(ev, i, why, len);
		}
		if (v != CLAIM_PASS)
			return v;
	}
	if (!started)
		return say(CLAIM_NOT_SHOWN, why, len, "no app started yet");
	return pass(why, len);
}

/* ---- claim 6 --------------------------------------------------------- */

/* Claim 6: the first OS reported X's storage and reports X's failure; the
 * VMM disconnects that storage from it, allocates it to the second OS and
 * requests activation; the second OS allocates X's storage from what it got. */
static enum verdict check_handover(const struct event *ev, size_t n, const struct world *w,
				   size_t i, int *count, char *why, size_t len)
{
	const char *X = field(&ev[i], "app"), *A = field(&ev[i], "vm"), *S = other_vm(A);
	const struct app_rec *r = app_find(w, X);
	char whose[EV_VAL_MAX + 16], d[DESC];
	struct units U;
	size_t at[6];

	if (!r || !r->hot)
		return CLAIM_PASS;
	if (!S)
		return failed_vm(&ev[i], &(int){ 0 }, why, len);
	if (r->report < 0 || !has(&ev[r->report], "vm", A) || !ev_units(&ev[r->report], &U))
		return say(CLAIM_FAIL, why, len, "os.report for %s from %s missing before %s", X, A,
			   describe(&ev[i], d, sizeof d));
	snprintf(whose, sizeof whose, "%s's storage is", X);
	const struct step st[6] = {
		{ .name = "vmm.disconnect_request", .key = { "vm", "app" }, .val = { A, X },
		  .units = &U, .whose = whose },
		{ .name = "os.disconnected", .key = { "vm", "app" }, .val = { A, X } },
		{ .name = "vmm.detach", .key = { "vm" }, .val = { A }, .units = &U, .whose = whose },
		{ .name = "vmm.attach", .key = { "vm" }, .val = { S }, .units = &U, .whose = whose },
		{ .name = "vmm.activate_request", .key = { "vm", "app" }, .val = { S, X } },
		{ .name = "os.app_alloc", .key = { "vm", "app" }, .val = { S, X },
		  .units = &U, .subset = true, .whose = whose },
	};
	++*count;
	return run_steps(ev, i, i, window_end(ev, n, i), st, 6, at, why, len);
}

static enum verdict claim6(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_app_failure, check_handover, "no hot app failure yet", why, len);
}

/* ---- claim 7 --------------------------------------------------------- */

/* Claim 7, per hot app of the failed OS: activation requested of the second
 * OS after the attach, and the second OS allocating the app's storage. */
static enum verdict activate_hot_apps(const struct event *ev, size_t i, size_t attach,
				      size_t end, const struct world *w, int a, int *hot,
				      char *why, size_t len)
{
	const char *S = vm_names[1 - a];
	size_t at[2];

	for (int k = 0; k < w->napps; k++) {
		const struct app_rec *r = &w->app[k];
		if (!r->alive || r->vm != a || !r->hot)
			continue;
		const struct step st[2] = {
			{ .name = "vmm.activate_request", .key = { "vm", "app" }, .val = { S, r->name } },
			{ .name = "os.app_alloc", .key = { "vm", "app" }, .val = { S, r->name } },
		};
		++*hot;
		if (run_steps(ev, i, attach, end, st, 2, at, why, len))
			return CLAIM_FAIL;
	}
	return CLAIM_PASS;
}

/* Claim 7: on the first OS's failure the VMM allocates its storage to the
 * second OS (detach, then attach) and requests activation of its hot apps.
 * count: failures with at least one hot app. */
static enum verdict check_os_takeover(const struct event *ev, size_t n, const struct world *w,
				      size_t i, int *count, char *why, size_t len)
{
	size_t at[2], end = window_end(ev, n, i);
	int a, hot = 0;

	if (failed_vm(&ev[i], &a, why, len))
		return CLAIM_FAIL;
	const struct step st[2] = {
		{ .name = "vmm.detach", .key = { "vm" }, .val = { vm_names[a] } },
		{ .name = "vmm.attach", .key = { "vm" }, .val = { vm_names[1 - a] } },
	};
	if (run_steps(ev, i, i, end, st, 2, at, why, len) ||
	    activate_hot_apps(ev, i, at[1], end, w, a, &hot, why, len))
		return CLAIM_FAIL;
	if (hot)
		++*count;
	return CLAIM_PASS;
}

static enum verdict claim7(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_os_fault, check_os_takeover, "no OS failure with a hot app yet", why, len);
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

/* Claim 8 for one failed app: a hot one is activated and never refused; a
 * non-hot one is refused (vmm.no_takeover) and not activated until it is
 * started again. count: non-hot failures handled. */
static enum verdict check_activation(const struct event *ev, size_t n, size_t i,
				     const char *X, bool hot, int *count, char *why, size_t len)
{
	const struct step act = { .name = "vmm.activate_request", .key = { "app" }, .val = { X } };
	const struct step no = { .name = "vmm.no_takeover", .key = { "app" }, .val = { X } };
	size_t end = window_end(ev, n, i);
	long ja = seek(ev, i + 1, end, &act), jn = seek(ev, i + 1, end, &no);
	char d[DESC], f[DESC];

	describe(&ev[i], f, sizeof f);
	if (hot && jn >= 0)
		return say(CLAIM_FAIL, why, len, "%s refuses hot app %s (failure %s)",
			   describe(&ev[jn], d, sizeof d), X, f);
	if (hot && ja < 0)
		return say(CLAIM_FAIL, why, len, "vmm.activate_request missing for hot app %s after %s", X, f);
	if (hot)
		return CLAIM_PASS;
	if (jn < 0)
		return say(CLAIM_FAIL, why, len, "vmm.no_takeover missing for non-hot app %s after %s", X, f);
	ja = seek(ev, i + 1, next_start(ev, n, i, X), &act);
	if (ja >= 0)
		return say(CLAIM_FAIL, why, len, "%s activates non-hot app %s (failure %s)",
			   describe(&ev[ja], d, sizeof d), X, f);
	++*count;
	return CLAIM_PASS;
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
	for (int k = 0; k < w->napps; k++) {
		const struct app_rec *r = &w->app[k];
		if (r->alive && r->vm == a && check_activation(ev, n, i, r->name, r->hot, count, why, len))
			return CLAIM_FAIL;
	}
	return CLAIM_PASS;
}

static enum verdict claim8(const struct event *ev, size_t n, char *why, size_t len)
{
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
			return say(CLAIM_FAIL, why, len, "os.app_failure missing after %s", f);
		++*unrec;
		return CLAIM_PASS;
	}
	if (!has(&ev[i], "level", "recoverable"))
		return say(CLAIM_FAIL, why, len, "%s has no known level", f);
	if (jf >= 0 && (jr < 0 || jf < jr))
		return say(CLAIM_FAIL, why, len, "%s reports the recoverable %s",
			   describe(&ev[jf], d, sizeof d), f);
	if (jr < 0)
		return say(CLAIM_FAIL, why, len, "app.restarted missing after %s", f);
	return CLAIM_PASS;
}

/* Claim 9(b), resource disconnection: the active OS releases what it was
 * asked to (os.disconnected, same vm and app). */
static enum verdict check_disconnect(const struct event *ev, size_t n, size_t i, char *why,
				     size_t len)
{
	const struct step st = { .name = "os.disconnected", .key = { "vm", "app" },
				 .val = { field(&ev[i], "vm"), field(&ev[i], "app") } };
	size_t at;
	return run_steps(ev, i, i, window_end(ev, n, i), &st, 1, &at, why, len);
}

/* Claim 9(c), resource engaging: the standby engages exactly what it was
 * told it now has (os.attached, same vm and units). */
static enum verdict check_engage(const struct event *ev, size_t n, size_t i, char *why,
				 size_t len)
{
	struct units u;
	char d[DESC];
	size_t at;

	if (!ev_units(&ev[i], &u))
		return say(CLAIM_FAIL, why, len, "%s has malformed units '%s'",
			   describe(&ev[i], d, sizeof d), field(&ev[i], "units"));
	const struct step st = { .name = "os.attached", .key = { "vm" }, .val = { field(&ev[i], "vm") },
				 .units = &u, .whose = "vmm.attach_request gave" };
	return run_steps(ev, i, i, window_end(ev, n, i), &st, 1, &at, why, len);
}

/* Whether the app of a disconnect request had its OS fail before it could
 * answer (vmm.no_takeover reason=os_failed): no answer is owed then. */
static bool gave_way(const struct event *ev, size_t n, size_t i)
{
	const char *app = event_field(&ev[i], "app");
	for (size_t j = i + 1; app && j < n && !event_matches(&ev[j], "os.app_failure", "app", app); j++)
		if (event_matches(&ev[j], "vmm.no_takeover", "app", app) &&
		    event_matches(&ev[j], "vmm.no_takeover", "reason", "os_failed"))
			return true;
	return false;
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
		r->osfault += is_os_fault(e);
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
		append(missing, sizeof missing, &m, "%sno OS fault detected yet", m ? ", " : "");
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

enum verdict check_claim(const struct event *ev, size_t n, int claim, char *why, size_t whylen)
{
	if (claim < 1 || claim >= (int)ARRAY_SIZE(claims))
		return say(CLAIM_NOT_SHOWN, why, whylen, "there is no claim %d", claim);
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
