/* check_table.c — claims 3 and 5: the resource management table.
 *
 * Claim 3: at a failure the VMM looks up what failed (vmm.lookup) with the
 * storage it held, before that storage is detached or the takeover refused.
 * Claim 5: the table is fed by the OS: it reports an app's storage before
 * the app runs, and asks (os.request) before the VMM grants it more; what
 * it says it computed (os.report need_mb, how) adds up. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

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

/* A whole number at s; *end after it. */
static bool read_count(const char *s, const char **end, uint64_t *out)
{
	uint64_t n = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++)
		if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, (uint64_t)(*p - '0'), &n))
			return false;
	*out = n;
	*end = p;
	return p > s;
}

/* A size as an os.report's how= words it: "32B", "132KiB", "1MiB". */
static bool read_size(const char *s, const char **end, uint64_t *out)
{
	static const struct { const char *name; unsigned shift; } suffix[] = {
		{ "GiB", 30 }, { "MiB", 20 }, { "KiB", 10 }, { "B", 0 },
	};
	uint64_t n;
	if (!read_count(s, &s, &n))
		return false;
	for (size_t k = 0; k < sizeof suffix / sizeof suffix[0]; k++)
		if (strncmp(s, suffix[k].name, strlen(suffix[k].name)) == 0) {
			if (n > UINT64_MAX >> suffix[k].shift)
				return false;
			*out = n << suffix[k].shift;
			*end = s + strlen(suffix[k].name);
			return true;
		}
	return false;
}

/* The bytes how= comes to: "records=100000x32B+132KiB" is 100000 items of
 * 32 bytes and 132 KiB fixed. */
static bool how_bytes(const char *how, uint64_t *bytes)
{
	const char *eq = strchr(how, '='), *p;
	uint64_t items, per, fixed;
	if (!eq || eq == how || !read_count(eq + 1, &p, &items) || *p != 'x' ||
	    !read_size(p + 1, &p, &per) || *p != '+' || !read_size(p + 1, &p, &fixed) || *p)
		return false;
	return !__builtin_mul_overflow(items, per, bytes) && !__builtin_add_overflow(*bytes, fixed, bytes);
}

/* The unit size in MB, from the last vmm.alloc before i; 0 if none says. */
static uint64_t unit_mb_before(const struct event *ev, size_t i)
{
	struct units u;
	const char *mb, *p;
	uint64_t n;
	while (i-- > 0)
		if (is(&ev[i], "vmm.alloc") && ev_units(&ev[i], &u) && units_count(&u) &&
		    (mb = event_field(&ev[i], "mb")) && read_count(mb, &p, &n) && !*p &&
		    n % units_count(&u) == 0)
			return n / units_count(&u);
	return 0;
}

/* Claim 5, calculation: an os.report that says how the OS computed the
 * app's storage (need_mb, how) adds up: the items and sizes come to bytes
 * that need_mb covers, in whole units of the size the VMM hands out, and
 * the units reported hold need_mb. */
static enum verdict check_computed(const struct event *ev, size_t i, char *why, size_t len)
{
	const char *X = field(&ev[i], "app"), *need = event_field(&ev[i], "need_mb");
	const char *how = field(&ev[i], "how"), *p;
	uint64_t bytes, need_mb, unit_mb = unit_mb_before(ev, i);
	struct units u;
	char d[DESC];

	describe(&ev[i], d, sizeof d);
	if (!need || !read_count(need, &p, &need_mb) || *p || !how_bytes(how, &bytes))
		return say(CLAIM_FAIL, why, len, "%s: %s words its computation so that it cannot be "
			   "read (need_mb=%s how=%s)", X, d, need ? need : "-", how);
	uint64_t unit = unit_mb << 20;
	uint64_t want = unit ? (bytes / unit + (bytes % unit != 0)) * unit_mb
			     : bytes / (1 << 20) + (bytes % (1 << 20) != 0);
	if (unit ? need_mb != want : need_mb < want)
		return say(CLAIM_FAIL, why, len, "%s: %s says need_mb=%s, but %s is %llu bytes: %llu MB "
			   "in %llu MB units", X, d, need, how, (unsigned long long)bytes,
			   (unsigned long long)want, (unsigned long long)unit_mb);
	if (unit && ev_units(&ev[i], &u) && units_count(&u) * unit_mb < need_mb)
		return say(CLAIM_FAIL, why, len, "%s: %s gives it %llu MB, less than the need_mb=%s it "
			   "computed", X, d, (unsigned long long)(units_count(&u) * unit_mb), need);
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
		} else if (is(&ev[i], "os.report") && event_field(&ev[i], "how")) {
			v = check_computed(ev, i, why, len);
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
