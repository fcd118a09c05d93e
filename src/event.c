/* event.c — one event: the vocabulary of names (the claims each serves
 * and what it means), its fields, matching, and its one-line text. */
#include "event.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

#define C(n) (1u << (n))

/* The event vocabulary, the claims each event helps to show, and
 * what it means in plain words (the console's 'explain on'). */
static const struct {
	const char *name;
	uint32_t claims;
	const char *explain;
} vocabulary[] = {
	{ "vmm.alloc", C(1), "the VMM gives an OS its main storage: enough for the active, too little for the standby" },
	{ "os.ready", 0, "the guest OS booted and reported in" },
	{ "app.started", 0, "the app runs in ring 3 on its own storage" },
	{ "os.report", C(5) | C(6), "the OS had enough storage and tells the VMM which units the app uses" },
	{ "os.request", C(5), "the OS lacks storage for its apps and asks the VMM for more" },
	{ "vmm.grant", C(5), "the VMM gives the OS unused units from the pool" },
	{ "app.fault", C(9), "the OS's fault-level routine sees an app fault and judges how bad it is" },
	{ "app.restarted", C(9), "a recoverable fault: the OS restarted the app itself, nothing reported" },
	{ "os.app_failure", C(6) | C(9), "an unrecoverable app fault: the OS reports it to the VMM" },
	{ "vmm.os_fault", C(7) | C(9), "the VMM's OS fault detecting routine finds the OS has failed" },
	{ "vmm.lookup", C(3) | C(9), "the VMM looks the failure up in the resource management table" },
	{ "vmm.disconnect_request", C(6) | C(9), "the VMM asks the OS to let go of the failed app's storage" },
	{ "os.disconnected", C(9), "the OS's disconnection routine has stopped using that storage, and says which units it let go" },
	{ "vmm.detach", C(1) | C(4) | C(6) | C(7), "the storage's memslots are removed from the failed side: it can no longer touch them" },
	{ "vmm.attach", C(1) | C(4) | C(6) | C(7), "the same memory is mapped into the standby: moved, not copied" },
	{ "vmm.io_detach", C(1) | C(4) | C(6) | C(7), "the app's I/O channel is detached from the failed OS: clients' new requests wait in the VMM" },
	{ "vmm.io_attach", C(1) | C(4) | C(6) | C(7), "the I/O channel is attached to the OS taking over: waiting requests go into the app's ring" },
	{ "vmm.attach_request", C(9), "the VMM tells the standby which units it now holds" },
	{ "os.attached", C(9), "the standby's engaging routine has taken the units as its own, and says which it took" },
	{ "vmm.activate_request", C(6) | C(7) | C(8), "the VMM asks the standby to run the hot-standby app" },
	{ "vmm.no_takeover", C(8), "not taken over: not a hot-standby job, or no standby left to take it" },
	{ "vmm.park", C(8), "no OS can take this hot app over yet: the VMM keeps its storage, mapped nowhere, until one can" },
	{ "os.load", C(2), "the program is read from auxiliary memory, not from main storage" },
	{ "os.app_alloc", C(6), "the standby gives the app its storage out of what it was handed" },
	{ "app.resumed", C(2) | C(4), "the app continues from the state its storage holds: nothing lost" },
	{ "app.verified", 0, "the resumed app has read back the rest of its state and checked it (result=ok), or found it damaged (result=bad)" },
	{ "failover.done", 0, "the takeover is complete; ms counts from detection" },
	{ "io.open", C(3), "an I/O channel now carries clients' requests to the app: a row of the table says which OS controls it" },
	{ "io.close", 0, "the app's I/O channel closed: requests it had not answered fail to their clients" },
	{ "vmm.blocked", 0, "a VM touched storage it does not own: the access was refused" },
	{ "vmm.reprotect", 0, "the failed side rebooted as the new standby, with too little storage again (or as the new active OS when none was left)" },
	{ "vmm.reclaim", 0, "storage went back to the pool: the active OS's surplus, or what a failed OS still held" },
	{ "vmm.reject", 0, "the VMM refused a malformed or hostile request from a guest; nothing changed" },
	{ "app.lost", 0, "LOSS: the resumed app is behind what was acknowledged -- a bug, reported loudly" },
	{ "app.corrupt", 0, "the resumed app's state failed its own verification: its OS stopped it" },
	{ "failover.error", 0, "a takeover step failed; the sequence stopped there" },
};

uint32_t event_claims(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(vocabulary); i++)
		if (strcmp(vocabulary[i].name, name) == 0)
			return vocabulary[i].claims;
	return 0;
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

static size_t claims_text(uint32_t claims, char *buf, size_t size)
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
	int n = snprintf(buf, size, "%5llu %+11.6f s  %-22s",
			 (unsigned long long)ev->seq, (double)ev->t_us / 1e6, ev->name);
	len = n > 0 ? (size_t)n : 0;
	for (int i = 0; i < ev->nfields && len < size; i++) {
		n = snprintf(buf + len, size - len, " %s=%s", ev->field[i].key, ev->field[i].val);
		len += n > 0 ? (size_t)n : 0;
	}
	if (ev->claims && len < size) {
		char cl[32];
		claims_text(ev->claims, cl, sizeof cl);
		snprintf(buf + len, size - len, "  [claim %s]", cl);
	}
}
