/* check_app.c — claims 4 and 6: a hot app's failure, its storage moved to
 * the OS taking over.
 *
 * Claim 4: the VMM looks the app up and moves only its storage (lookup,
 * disconnect, detach, attach, activate, load, resume, failover.done), or
 * parks it until an OS can take it.
 * Claim 6: the same takeover seen as the claim words it: reported by the
 * first OS, disconnected, reallocated, activated, allocated by the second
 * OS from what it got, and reported by it in turn.
 * The two judge the same takeover but ask for different steps, so each
 * keeps its own list (check_app_move, check_handover). */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "checker_int.h"

/* ---- a hot app's takeover, as claims 4 and 6 see it ------------------ */

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

enum verdict claim4(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_app_failure, check_app_move, "no hot app failure yet", why, len);
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

enum verdict claim6(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_app_failure, check_handover, "no hot app failure yet", why, len);
}
