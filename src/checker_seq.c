/* checker_seq.c — one failure's takeover in the event sequence, for the
 * claim checker. A failure report (vmm.os_fault, os.app_failure) starts a
 * takeover whose events carry its id (fo=N); without ids it runs to the next
 * failure report. Here: finding a takeover's events, telling when a later
 * failure cut it short or its storage still waits parked, what it records
 * that broke it, its route (taken, parked, or refused for a reason the
 * trace bears out), and the walk over the trace that hands each failure to
 * a claim with the world as it was just before. Judges no claim itself. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "checker_int.h"

/* ---- takeovers: the events of one failure's takeover ----------------- */

/* Without takeover ids: a takeover is taken to end where the next failure
 * is reported, so that a later one's events cannot stand in for it. */
static size_t window_end(const struct event *ev, size_t n, size_t i)
{
	for (size_t j = i + 1; j < n; j++)
		if (is_trigger(&ev[j]))
			return j;
	return n;
}

void tk_init(struct takeover *t, const struct event *ev, size_t n, size_t i,
	     const char *who, const char *app, const char *target)
{
	t->trig = i;
	t->fo = event_field(&ev[i], "fo");
	t->end = t->fo ? n : window_end(ev, n, i);
	t->who = who;
	t->app = app;
	t->target = target;
}

/* The first event of t called name (with key=val when key) after index
 * from; -1 if none. */
long tk_seek(const struct event *ev, const struct takeover *t, size_t from,
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
bool cut_short(const struct event *ev, size_t n, const struct takeover *t, size_t prev)
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
bool still_parked(const struct event *ev, const struct takeover *t, size_t prev)
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
enum verdict tk_broken(const struct event *ev, const struct takeover *t, char *why,
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

/* The failure whose takeover the event at i belongs to: the report with its
 * id, or without ids the latest report before it; -1 if none. */
long trigger_of(const struct event *ev, size_t i)
{
	const char *fo = event_field(&ev[i], "fo");

	for (size_t j = i; j-- > 0;)
		if (is_trigger(&ev[j]) && (!fo || has(&ev[j], "fo", fo)))
			return (long)j;
	return -1;
}

/* ---- routes: taken, parked, or nothing owed -------------------------- */

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
	const char *app = field(&ev[i], "app"); /* a guest may leave it out */

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
bool reason_holds(const struct event *ev, const struct world *w, size_t j, int *vm)
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
enum route route_of(const struct event *ev, size_t n, const struct world *w, size_t i)
{
	long j = refusal(ev, n, i);
	int vm;

	if (j < 0 || !reason_holds(ev, w, (size_t)j, &vm))
		return TAKEN;
	if (has(&ev[j], "reason", "no_standby"))
		return PARKED; /* the app, or a failed OS's hot apps */
	return NONE;
}

/* ---- walking the trace ----------------------------------------------- */

enum verdict each(const struct event *ev, size_t n, bool (*want)(const struct event *),
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
enum verdict judge_each(const struct event *ev, size_t n, bool (*want)(const struct event *),
			per_event fn, const char *none, char *why, size_t len)
{
	int shown = 0;

	if (each(ev, n, want, fn, &shown, why, len))
		return CLAIM_FAIL;
	if (!shown)
		return say(CLAIM_NOT_SHOWN, why, len, "%s", none);
	return pass(why, len);
}

/* ---- the failure at i: its VM, or its app's record ------------------- */

/* The failed VM of a vmm.os_fault, or a FAIL when it names no known VM. */
enum verdict failed_vm(const struct event *e, int *vm, char *why, size_t len)
{
	char d[DESC];

	*vm = vm_index(event_field(e, "vm"));
	if (*vm < 0)
		return say(CLAIM_FAIL, why, len, "%s names no known VM", describe(e, d, sizeof d));
	return CLAIM_PASS;
}

/* What the table holds for an app failure, or a FAIL when nothing was ever
 * reported for the app (then there is nothing the lookup could match). */
enum verdict failed_app(const struct event *ev, const struct world *w, size_t i,
			const struct app_rec **r, struct units *u, char *why, size_t len)
{
	char d[DESC];

	*r = app_find(w, field(&ev[i], "app"));
	if (!app_storage(ev, *r, u))
		return say(CLAIM_FAIL, why, len, "%s: no os.report before %s",
			   field(&ev[i], "app"), describe(&ev[i], d, sizeof d));
	return CLAIM_PASS;
}
