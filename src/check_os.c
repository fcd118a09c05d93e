/* check_os.c — claims 1 and 7: an OS's storage.
 *
 * Claim 1: at boot the active OS is given storage enough for its apps and
 * the standby less; at an OS failure everything the failed OS held is
 * detached from it and attached to the other OS.
 * Claim 7: at an OS failure its storage goes to the second OS, which is
 * asked to activate the failed OS's hot apps, and they resume there; with
 * no OS left, each hot app's storage is parked until one can take it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "checker_int.h"
#include "util.h"

/* The first event called name (with key=val when key); -1 if none. */
static long first_with(const struct event *ev, size_t n, const char *name, const char *key,
		       const char *val)
{
	struct step s = { .name = name, .key = { key }, .val = { val } };
	return seek(ev, 0, n, &s);
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

enum verdict claim1(const struct event *ev, size_t n, char *why, size_t len)
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

enum verdict claim7(const struct event *ev, size_t n, char *why, size_t len)
{
	return judge_each(ev, n, is_os_fault, check_os_takeover, "no OS failure with a hot app yet",
			  why, len);
}
