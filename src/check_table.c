/* check_table.c — claims 3 and 5: the resource management table.
 *
 * Claim 3: at a failure the VMM looks up what failed (vmm.lookup) with the
 * storage it held, before that storage is detached or the takeover refused.
 * Claim 5: the table is fed by the OS: it reports an app's storage before
 * the app runs, and asks (os.request) before the VMM grants it more. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "checker_int.h"

/* ---- claim 3 --------------------------------------------------------- */

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

enum verdict claim3(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_trigger, check_lookup, "no failure yet", why, len);
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

enum verdict claim5(const struct event *ev, size_t n, char *why, size_t len)
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
