/* check_activation.c — claims 2 and 8: activation of an app on the OS
 * taking over.
 *
 * Claim 2: a standby asked to activate a hot-standby app loads its program
 * from auxiliary memory (src=aux) into the storage it was attached.
 * Claim 8: only hot-standby apps are activated; a non-hot app's takeover is
 * refused (vmm.no_takeover), and every refusal's reason must be true of the
 * trace. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "checker_int.h"

/* ---- claim 2 --------------------------------------------------------- */

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

enum verdict claim2(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_activate, check_load, "no program loaded by a standby yet", why,
			  len);
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

enum verdict claim8(const struct event *ev, size_t n, char *why, size_t len)
{
	if (check_reasons(ev, n, why, len))
		return CLAIM_FAIL;
	return judge_each(ev, n, is_trigger, check_failed_apps, "no non-hot app failure yet", why, len);
}
