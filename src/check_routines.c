/* check_routines.c — claim 9: the routines on each side, each seen working
 * and none misbehaving: fault-level notification (an unrecoverable app fault
 * reported, a recoverable one handled locally), resource disconnection,
 * resource engaging, OS fault detection with its resources reported to the
 * other OS, and resource lookup. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "checker_int.h"

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

/* The OS's answer st to the VMM's request at i, in the request's takeover
 * (who: what a message is about). A takeover cut short owes no answer.
 * An answer that gives its own units (the guest's list, from vmfo with
 * answer runs) must give the units asked for: `did` says what it did with
 * them. An older trace's answer without units is not compared. */
static enum verdict answered(const struct event *ev, size_t n, size_t i, const char *who,
			     const struct step *st, const char *did, size_t *answer, char *why,
			     size_t len)
{
	struct takeover t;
	struct units asked, got;
	char d[DESC], r[DESC], a[UBUF], g[UBUF];
	size_t at;

	*answer = n; /* none found (yet) */
	if (!request_tk(ev, n, i, who, &t))
		return CLAIM_PASS;
	enum verdict v = run_steps(ev, n, &t, i, st, 1, &at, why, len);
	if (v == CLAIM_PASS)
		*answer = at;
	if (v != CLAIM_PASS)
		return v == CUT ? CLAIM_PASS : v;
	if (!event_field(&ev[at], "units") || !ev_units(&ev[i], &asked))
		return CLAIM_PASS;
	if (!ev_units(&ev[at], &got))
		return say(CLAIM_FAIL, why, len, "%s: %s has malformed units '%s'", who,
			   describe(&ev[at], d, sizeof d), field(&ev[at], "units"));
	if (units_equal(&got, &asked))
		return CLAIM_PASS;
	return say(CLAIM_FAIL, why, len, "%s: %s %s units %s but %s asked for %s", who,
		   describe(&ev[at], d, sizeof d), did, ustr(&got, g, sizeof g),
		   describe(&ev[i], r, sizeof r), ustr(&asked, a, sizeof a));
}

/* Claim 9(b), resource disconnection: the active OS releases what it was
 * asked to (os.disconnected, same vm and app, and the units it says it let
 * go are those requested). */
static enum verdict check_disconnect(const struct event *ev, size_t n, size_t i, char *why,
				     size_t len)
{
	const struct step st = { .name = "os.disconnected", .key = { "vm", "app" },
				 .val = { field(&ev[i], "vm"), field(&ev[i], "app") } };
	size_t at;

	return answered(ev, n, i, field(&ev[i], "app"), &st, "let go of", &at, why, len);
}

/* The first unit of the storage vm was last given at boot before event i:
 * its kernel unit, where its crash record lies. -1 when the trace does not
 * show it. */
static long kernel_unit_before(const struct event *ev, size_t i, const char *vm)
{
	struct units u;
	for (size_t j = i; j-- > 0;)
		if (event_matches(&ev[j], "vmm.alloc", "vm", vm))
			return ev_units(&ev[j], &u) && u.nruns ? (long)u.run[0].first : -1;
	return -1;
}

/* After an OS failure, the engaging routine reads the failed OS's crash
 * record: the unit it says it read it from (crash=N on os.attached) must
 * be that OS's kernel unit. */
static enum verdict check_crash_unit(const struct event *ev, size_t n, size_t i, size_t at,
				     char *why, size_t len)
{
	long trig = trigger_of(ev, i);
	const char *crash = at < n ? event_field(&ev[at], "crash") : NULL;
	if (!crash || trig < 0 || !is_os_fault(&ev[trig]))
		return CLAIM_PASS;
	const char *failed = field(&ev[trig], "vm");
	long kernel = kernel_unit_before(ev, (size_t)trig, failed);
	char d[DESC];
	if (kernel < 0 || strtol(crash, NULL, 10) == kernel)
		return CLAIM_PASS;
	return say(CLAIM_FAIL, why, len, "%s: %s read the crash record from unit %s, but %s's "
		   "kernel unit is %ld", failed, describe(&ev[at], d, sizeof d), crash, failed, kernel);
}

/* Claim 9(c), resource engaging: the OS told it now holds storage engages
 * it (os.attached from the same vm, in the same takeover), and the units
 * it says it engaged, read from its own storage map, are those the VMM
 * reported to it. */
static enum verdict check_engage(const struct event *ev, size_t n, size_t i, char *why,
				 size_t len)
{
	const struct step st = { .name = "os.attached", .key = { "vm" },
				 .val = { field(&ev[i], "vm") } };
	size_t at;

	enum verdict v = answered(ev, n, i, field(&ev[i], "vm"), &st, "engaged", &at, why, len);
	return v == CLAIM_PASS ? check_crash_unit(ev, n, i, at, why, len) : v;
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
enum verdict claim9(const struct event *ev, size_t n, char *why, size_t len)
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
