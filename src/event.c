/* event.c — one event: the vocabulary of names (the claims each serves,
 * between whom it goes, what it means), its fields, matching, and its
 * one-line text. */
#include "event.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

#define C(n) (1u << (n))

/* Who takes part, as a message sequence chart draws the event: an arrow
 * from the party that took the step to the one it concerns. */
#define VMM ACTOR_VMM
#define OS ACTOR_OS
#define APP ACTOR_APP
#define SUBJECT ACTOR_SUBJECT

/* The event vocabulary: the claims each event helps to show; its route
 * (from, to) and the one field worth writing beside its arrow besides
 * units (vmfo trace --svg, chart.h); and what it means in plain words
 * (the console's 'explain on'). The routes follow the messages of
 * docs/protocol.md: a request goes from the VMM to an OS, an answer or a
 * report back; a step the VMM takes on its own (lookup, park, done) stays
 * on its lifeline; the OS loads and allocates for the app, and the app's
 * fault and resumption go to its OS. The detection of an OS failure is
 * drawn from the failed OS to the VMM: it reaches the VMM from there (a
 * panic hypercall, a KVM exit, the heartbeat gone silent). */
static const struct {
	const char *name;
	uint32_t claims;
	enum ev_actor from, to;
	const char *detail;
	const char *explain;
} vocabulary[] = {
	{ "vmm.alloc", C(1), VMM, OS, NULL,
	  "the VMM gives an OS its main storage: enough for the active, too little for the standby" },
	{ "os.ready", 0, OS, VMM, "role",
	  "the guest OS booted and reported in" },
	{ "app.started", 0, APP, OS, "prog",
	  "the app runs in ring 3 on its own storage" },
	{ "os.report", C(5) | C(6), OS, VMM, NULL,
	  "the OS had enough storage and tells the VMM which units the app uses" },
	{ "os.request", C(5), OS, VMM, "mb",
	  "the OS lacks storage for its apps and asks the VMM for more" },
	{ "vmm.grant", C(5), VMM, OS, NULL,
	  "the VMM gives the OS unused units from the pool" },
	{ "app.fault", C(9), APP, OS, "kind",
	  "the OS's fault-level routine sees an app fault and judges how bad it is" },
	{ "app.restarted", C(9), OS, APP, NULL,
	  "a recoverable fault: the OS restarted the app itself, nothing reported" },
	{ "os.app_failure", C(6) | C(9), OS, VMM, NULL,
	  "an unrecoverable app fault: the OS reports it to the VMM" },
	{ "vmm.os_fault", C(7) | C(9), OS, VMM, "cause",
	  "the VMM's OS fault detecting routine finds the OS has failed" },
	{ "vmm.lookup", C(3) | C(9), VMM, VMM, "what",
	  "the VMM looks the failure up in the resource management table" },
	{ "vmm.disconnect_request", C(6) | C(9), VMM, OS, NULL,
	  "the VMM asks the OS to let go of the failed app's storage" },
	{ "os.disconnected", C(9), OS, VMM, NULL,
	  "the OS's disconnection routine has stopped using that storage, and says which units it let go" },
	{ "vmm.detach", C(1) | C(4) | C(6) | C(7), VMM, OS, NULL,
	  "the storage's memslots are removed from the failed side: it can no longer touch them" },
	{ "vmm.attach", C(1) | C(4) | C(6) | C(7), VMM, OS, NULL,
	  "the same memory is mapped into the standby: moved, not copied" },
	{ "vmm.io_detach", C(1) | C(4) | C(6) | C(7), VMM, OS, NULL,
	  "the app's I/O channel is detached from the failed OS: clients' new requests wait in the VMM" },
	{ "vmm.io_attach", C(1) | C(4) | C(6) | C(7), VMM, OS, NULL,
	  "the I/O channel is attached to the OS taking over: waiting requests go into the app's ring" },
	{ "vmm.attach_request", C(9), VMM, OS, NULL,
	  "the VMM tells the standby which units it now holds" },
	{ "os.attached", C(9), OS, VMM, "record",
	  "the standby's engaging routine has taken the units as its own, and says which it took" },
	{ "vmm.activate_request", C(6) | C(7) | C(8), VMM, OS, NULL,
	  "the VMM asks the standby to run the hot-standby app" },
	{ "vmm.no_takeover", C(8), VMM, SUBJECT, "reason",
	  "not taken over: not a hot-standby job, or no standby left to take it" },
	{ "vmm.park", C(8), VMM, VMM, NULL,
	  "no OS can take this hot app over yet: the VMM keeps its storage, mapped nowhere, until one can" },
	{ "os.load", C(2), OS, APP, "src",
	  "the program is read from auxiliary memory, not from main storage" },
	{ "os.app_alloc", C(6), OS, APP, NULL,
	  "the standby gives the app its storage out of what it was handed" },
	{ "app.resumed", C(2) | C(4), APP, OS, NULL,
	  "the app continues from the state its storage holds: nothing lost" },
	{ "app.verified", 0, APP, OS, "result",
	  "the resumed app has read back the rest of its state and checked it (result=ok), or found it damaged (result=bad)" },
	{ "failover.done", 0, VMM, VMM, "ms",
	  "the takeover is complete; ms counts from detection" },
	{ "io.open", C(3), VMM, APP, NULL,
	  "an I/O channel now carries clients' requests to the app: a row of the table says which OS controls it" },
	{ "io.close", 0, VMM, APP, "why",
	  "the app's I/O channel closed: requests it had not answered fail to their clients" },
	{ "vmm.blocked", 0, OS, VMM, "gpa",
	  "a VM touched storage it does not own: the access was refused" },
	{ "vmm.reprotect", 0, VMM, OS, NULL,
	  "the failed side rebooted as the new standby, with too little storage again (or as the new active OS when none was left)" },
	{ "vmm.reclaim", 0, VMM, OS, NULL,
	  "storage went back to the pool: the active OS's surplus, or what a failed OS still held" },
	{ "vmm.reject", 0, VMM, OS, "reason",
	  "the VMM refused a malformed or hostile request from a guest; nothing changed" },
	{ "app.lost", 0, APP, OS, NULL,
	  "LOSS: the resumed app is behind what was acknowledged -- a bug, reported loudly" },
	{ "app.corrupt", 0, APP, OS, NULL,
	  "the resumed app's state failed its own verification: its OS stopped it" },
	{ "failover.error", 0, VMM, VMM, "step",
	  "a takeover step failed; the sequence stopped there" },
};

uint32_t event_claims(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(vocabulary); i++)
		if (strcmp(vocabulary[i].name, name) == 0)
			return vocabulary[i].claims;
	return 0;
}

bool event_route(const char *name, struct ev_route *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(vocabulary); i++)
		if (strcmp(vocabulary[i].name, name) == 0) {
			*r = (struct ev_route){ vocabulary[i].from, vocabulary[i].to,
						vocabulary[i].detail };
			return true;
		}
	*r = (struct ev_route){ ACTOR_VMM, ACTOR_VMM, NULL };
	return false;
}

const char *event_name_at(size_t i)
{
	return i < ARRAY_SIZE(vocabulary) ? vocabulary[i].name : NULL;
}

const char *event_explain(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(vocabulary); i++)
		if (strcmp(vocabulary[i].name, name) == 0)
			return vocabulary[i].explain;
	return NULL;
}

bool event_match(const struct event *ev, const struct event_match *w)
{
	return event_matches(ev, w->name, w->app ? "app" : NULL, w->app) &&
	       (!w->vm || event_matches(ev, w->name, "vm", w->vm));
}

bool event_matches(const struct event *ev, const char *name, const char *key, const char *val)
{
	if (strcmp(ev->name, name) != 0)
		return false;
	if (!key)
		return true;
	const char *have = event_field(ev, key);
	return have && strcmp(have, val) == 0;
}

const char *event_field(const struct event *ev, const char *key)
{
	for (int i = 0; i < ev->nfields; i++)
		if (strcmp(ev->field[i].key, key) == 0)
			return ev->field[i].val;
	return NULL;
}

size_t event_claims_text(uint32_t claims, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int c = 1; c <= 9; c++)
		if (claims & C(c)) {
			int n = snprintf(buf + len, size - len, "%s%d", len ? "," : "", c);
			if (n < 0 || (size_t)n >= size - len)
				break;
			len += (size_t)n;
		}
	return len;
}

void event_format(const struct event *ev, char *buf, size_t size)
{
	size_t len;
	int n = snprintf(buf, size, "%5llu %+11.6f s  %-*s", (unsigned long long)ev->seq,
			 (double)ev->t_us / 1e6, EVENT_NAME_WIDTH, ev->name);
	len = n > 0 ? (size_t)n : 0;
	for (int i = 0; i < ev->nfields && len < size; i++) {
		n = snprintf(buf + len, size - len, " %s=%s", ev->field[i].key, ev->field[i].val);
		len += n > 0 ? (size_t)n : 0;
	}
	if (ev->claims && len < size) {
		char cl[32];
		event_claims_text(ev->claims, cl, sizeof cl);
		snprintf(buf + len, size - len, "  [claim %s]", cl);
	}
}
