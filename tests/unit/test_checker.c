/* test_checker.c — the claim checker on doctored traces: one complete run on
 * which every claim passes, then variants with a step removed, swapped, sent
 * to the wrong VM or given the wrong units, each of which must FAIL for the
 * right reason, and short traces on which claims are NOT SHOWN. */
#include "tap.h"
#include "checker.h"

#include <stdarg.h>
#include <stdlib.h>

#define MAXEV 128
#define VM0_LEFT "0-15,24-31,40-41" /* vm0's storage after db moved away */

struct tr {
	struct event ev[MAXEV];
	size_t n;
};

static struct tr full, t; /* the passing trace, and the variant under test */

static void renumber(struct tr *x)
{
	for (size_t i = 0; i < x->n; i++)
		x->ev[i].seq = i + 1;
}

static void set(struct tr *x, size_t i, const char *key, const char *val)
{
	struct event *e = &x->ev[i];
	int f;

	for (f = 0; f < e->nfields && strcmp(e->field[f].key, key); f++)
		;
	if (f == e->nfields) {
		if (f == EV_MAX_FIELDS)
			abort();
		e->nfields++;
	}
	snprintf(e->field[f].key, sizeof e->field[f].key, "%s", key);
	snprintf(e->field[f].val, sizeof e->field[f].val, "%s", val);
}

/* Append an event: name, then key/value pairs, then NULL; seq = index + 1. */
static void add(struct tr *x, const char *name, ...) __attribute__((sentinel));

static void add(struct tr *x, const char *name, ...)
{
	struct event *e = &x->ev[x->n];
	const char *key;
	va_list ap;

	if (x->n == MAXEV)
		abort();
	memset(e, 0, sizeof *e);
	snprintf(e->name, sizeof e->name, "%s", name);
	e->seq = ++x->n;
	va_start(ap, name);
	while ((key = va_arg(ap, const char *)))
		set(x, x->n - 1, key, va_arg(ap, const char *));
	va_end(ap);
}

/* First event at or after index from called name (with key=val when key). */
static size_t after(const struct tr *x, size_t from, const char *name, const char *key,
		    const char *val)
{
	for (size_t i = from; i < x->n; i++)
		if (event_matches(&x->ev[i], name, key, val))
			return i;
	printf("# test bug: no %s %s=%s after %zu\n", name, key ? key : "", val ? val : "", from);
	abort();
}

static size_t find(const struct tr *x, const char *name, const char *key, const char *val)
{
	return after(x, 0, name, key, val);
}

static void drop(struct tr *x, size_t i)
{
	memmove(&x->ev[i], &x->ev[i + 1], (x->n - i - 1) * sizeof x->ev[0]);
	x->n--;
	renumber(x);
}

static void swap(struct tr *x, size_t i, size_t j)
{
	struct event e = x->ev[i];
	x->ev[i] = x->ev[j];
	x->ev[j] = e;
	renumber(x);
}

static void rename_ev(struct tr *x, size_t i, const char *name)
{
	snprintf(x->ev[i].name, sizeof x->ev[i].name, "%s", name);
}

/* Move the last event to index i (to insert one made with add). */
static void move_last_to(struct tr *x, size_t i)
{
	struct event e = x->ev[x->n - 1];
	memmove(&x->ev[i + 1], &x->ev[i], (x->n - 1 - i) * sizeof x->ev[0]);
	x->ev[i] = e;
	renumber(x);
}

static void truncate_at(struct tr *x, size_t i)
{
	x->n = i;
}

static void boot(struct tr *x)
{
	x->n = 0;
	add(x, "vmm.alloc", "vm", "vm0", "units", "0-31", "mb", "64", NULL);
	add(x, "vmm.alloc", "vm", "vm1", "units", "32-39", "mb", "16", NULL);
	add(x, "os.ready", "vm", "vm0", "role", "active", NULL);
	add(x, "os.ready", "vm", "vm1", "role", "standby", NULL);
}

static void start_apps(struct tr *x)
{
	add(x, "os.report", "vm", "vm0", "app", "db", "units", "16-23", NULL);
	/* an ordinary start's load is no takeover: claim 2 ignores it */
	add(x, "os.load", "vm", "vm0", "app", "db", "src", "aux", NULL);
	add(x, "app.started", "app", "db", "vm", "vm0", "prog", "ledger", "hot", "yes", "mb", "16", NULL);
	add(x, "os.report", "vm", "vm0", "app", "web", "units", "24-27", NULL);
	add(x, "app.started", "app", "web", "vm", "vm0", "prog", "web", "hot", "yes", "mb", "8", NULL);
	add(x, "os.report", "vm", "vm0", "app", "cache", "units", "28-29", NULL);
	add(x, "app.started", "app", "cache", "vm", "vm0", "prog", "cache", "hot", "no", "mb", "4", NULL);
	add(x, "os.report", "vm", "vm0", "app", "log", "units", "30-31", NULL);
	add(x, "app.started", "app", "log", "vm", "vm0", "prog", "log", "hot", "no", "mb", "4", NULL);
	/* web grows: it asks, is granted, and re-reports its storage */
	add(x, "os.request", "vm", "vm0", "mb", "4", NULL);
	add(x, "vmm.grant", "vm", "vm0", "units", "40-41", NULL);
	add(x, "os.report", "vm", "vm0", "app", "web", "units", "24-27,40-41", NULL);
}

static void app_faults(struct tr *x)
{
	add(x, "app.fault", "app", "web", "kind", "segv", "level", "recoverable", NULL);
	add(x, "app.restarted", "app", "web", "vm", "vm0", NULL);
	/* cache is not hot: looked up, refused, its storage stays with vm0 */
	add(x, "app.fault", "app", "cache", "kind", "abort", "level", "unrecoverable", NULL);
	add(x, "os.app_failure", "vm", "vm0", "app", "cache", NULL);
	add(x, "vmm.lookup", "what", "cache", "units", "28-29", NULL);
	add(x, "vmm.no_takeover", "app", "cache", "reason", "not_hot", NULL);
	/* db is hot: its storage alone moves to vm1 */
	add(x, "app.fault", "app", "db", "kind", "abort", "level", "unrecoverable", NULL);
	add(x, "os.app_failure", "vm", "vm0", "app", "db", NULL);
	add(x, "vmm.lookup", "what", "db", "units", "16-23", NULL);
	add(x, "vmm.disconnect_request", "vm", "vm0", "app", "db", "units", "16-23", NULL);
	add(x, "os.disconnected", "vm", "vm0", "app", "db", NULL);
	add(x, "vmm.detach", "vm", "vm0", "units", "16-23", NULL);
	add(x, "vmm.attach", "vm", "vm1", "units", "16-23", NULL);
	add(x, "vmm.attach_request", "vm", "vm1", "units", "16-23", NULL);
	add(x, "os.attached", "vm", "vm1", "units", "16-23", NULL);
	add(x, "vmm.activate_request", "vm", "vm1", "app", "db", NULL);
	add(x, "os.load", "vm", "vm1", "app", "db", "src", "aux", NULL);
	add(x, "os.app_alloc", "vm", "vm1", "app", "db", "units", "16-23", NULL);
	add(x, "os.report", "vm", "vm1", "app", "db", "units", "16-23", NULL);
	add(x, "app.resumed", "app", "db", "vm", "vm1", "seq", "10", "hash", "9f3a", NULL);
	add(x, "failover.done", "app", "db", "ms", "12", NULL);
	add(x, "vmm.blocked", "vm", "vm0", "gpa", "0x20000", NULL);
}

static void os_panic(struct tr *x)
{
	add(x, "vmm.os_fault", "vm", "vm0", "cause", "panic", NULL);
	add(x, "vmm.lookup", "what", "vm0", "units", VM0_LEFT, NULL);
	add(x, "vmm.detach", "vm", "vm0", "units", VM0_LEFT, NULL);
	add(x, "vmm.attach", "vm", "vm1", "units", VM0_LEFT, NULL);
	add(x, "vmm.attach_request", "vm", "vm1", "units", VM0_LEFT, NULL);
	add(x, "os.attached", "vm", "vm1", "units", VM0_LEFT, NULL);
	add(x, "vmm.activate_request", "vm", "vm1", "app", "web", NULL);
	add(x, "os.load", "vm", "vm1", "app", "web", "src", "aux", NULL);
	add(x, "os.app_alloc", "vm", "vm1", "app", "web", "units", "24-27,40-41", NULL);
	add(x, "os.report", "vm", "vm1", "app", "web", "units", "24-27,40-41", NULL);
	add(x, "app.resumed", "app", "web", "vm", "vm1", "seq", "40", "hash", "77c1", NULL);
	add(x, "vmm.no_takeover", "app", "log", "reason", "not_hot", NULL);
	add(x, "failover.done", "os", "vm0", "ms", "30", NULL);
	add(x, "vmm.reprotect", "vm", "vm0", NULL);
	add(x, "vmm.alloc", "vm", "vm0", "units", "42-49", "mb", "16", NULL);
	add(x, "os.ready", "vm", "vm0", "role", "standby", NULL);
}

/* After the reprotect, the new active vm1 (holding everything) fails too:
 * both hot apps go back to vm0. */
static void second_panic(struct tr *x)
{
	add(x, "vmm.os_fault", "vm", "vm1", "cause", "heartbeat", NULL);
	add(x, "vmm.lookup", "what", "vm1", "units", "0-41", NULL);
	add(x, "vmm.detach", "vm", "vm1", "units", "0-41", NULL);
	add(x, "vmm.attach", "vm", "vm0", "units", "0-41", NULL);
	add(x, "vmm.attach_request", "vm", "vm0", "units", "0-41", NULL);
	add(x, "os.attached", "vm", "vm0", "units", "0-41", NULL);
	add(x, "vmm.activate_request", "vm", "vm0", "app", "db", NULL);
	add(x, "os.load", "vm", "vm0", "app", "db", "src", "aux", NULL);
	add(x, "os.app_alloc", "vm", "vm0", "app", "db", "units", "16-23", NULL);
	add(x, "app.resumed", "app", "db", "vm", "vm0", "seq", "55", "hash", "1b2c", NULL);
	add(x, "vmm.activate_request", "vm", "vm0", "app", "web", NULL);
	add(x, "os.load", "vm", "vm0", "app", "web", "src", "aux", NULL);
	add(x, "os.app_alloc", "vm", "vm0", "app", "web", "units", "24-27,40-41", NULL);
	add(x, "app.resumed", "app", "web", "vm", "vm0", "seq", "61", "hash", "c0de", NULL);
	add(x, "failover.done", "os", "vm1", "ms", "28", NULL);
}

static const char *vname(enum verdict v)
{
	return v == CLAIM_PASS ? "PASS" : v == CLAIM_FAIL ? "FAIL" : "NOT SHOWN";
}

/* A message with seq numbers filled in, for strstr against the reason. */
static const char *msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *msg(const char *fmt, ...)
{
	static char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return buf;
}

static unsigned long long seq(size_t i)
{
	return (unsigned long long)i + 1;
}

/* The claim's verdict on x is want, and its reason contains text (for PASS:
 * the reason is empty). */
static void expect(const struct tr *x, int claim, enum verdict want, const char *text,
		   const char *what)
{
	char why[512];
	enum verdict v = check_claim(x->ev, x->n, claim, why, sizeof why);
	int good = v == want && (want == CLAIM_PASS ? why[0] == '\0' : strstr(why, text) != NULL);

	ok(good, "claim %d %s: %s", claim, vname(want), what);
	if (!good)
		printf("#   got %s '%s', want %s '%s'\n", vname(v), why, vname(want), text);
}

static void expect_fail(int claim, const char *text, const char *what)
{
	expect(&t, claim, CLAIM_FAIL, text, what);
}

static void test_full(void)
{
	boot(&full);
	start_apps(&full);
	app_faults(&full);
	os_panic(&full);
	for (int c = 1; c <= 9; c++)
		expect(&full, c, CLAIM_PASS, "", "the complete trace");
}

static void test_chain(void)
{
	size_t i;

	t = full;
	second_panic(&t);
	for (int c = 1; c <= 9; c++)
		expect(&t, c, CLAIM_PASS, "", "a chain of failovers");
	i = find(&t, "vmm.detach", "vm", "vm1");
	set(&t, i, "units", VM0_LEFT);
	expect_fail(1, msg("vmm.detach vm=vm1 (event %llu) has units " VM0_LEFT " but vm1 held 0-41",
			   seq(i)), "second failover leaves db's storage behind");
}

static void test_not_shown(void)
{
	static const char *const reason[10] = {
		NULL, "no OS failure yet", "no program loaded by a standby yet", "no failure yet",
		"no hot app failure yet", "no app started yet", "no hot app failure yet",
		"no OS failure with a hot app yet", "no non-hot app failure yet",
		"no unrecoverable app fault reported yet",
	};

	t.n = 0;
	for (int c = 1; c <= 9; c++)
		expect(&t, c, CLAIM_NOT_SHOWN, reason[c], "empty trace");
	boot(&t);
	for (int c = 1; c <= 9; c++)
		expect(&t, c, CLAIM_NOT_SHOWN, reason[c], "boot only");
	expect(&t, 9, CLAIM_NOT_SHOWN, "no OS fault detected and its resources reported yet",
	       "boot only names each routine");

	/* up to the OS panic: app failovers shown, OS ones not */
	t = full;
	truncate_at(&t, find(&t, "vmm.os_fault", NULL, NULL));
	expect(&t, 1, CLAIM_NOT_SHOWN, "no OS failure yet", "app failures only");
	expect(&t, 7, CLAIM_NOT_SHOWN, "no OS failure with a hot app yet", "app failures only");
	expect(&t, 9, CLAIM_NOT_SHOWN, "no OS fault detected and its resources reported yet",
	       "app failures only");
	expect(&t, 4, CLAIM_PASS, "", "app failures only");
	expect(&t, 8, CLAIM_PASS, "", "app failures only");

	/* an OS failure of a VM that ran no apps */
	boot(&t);
	add(&t, "vmm.os_fault", "vm", "vm0", "cause", "heartbeat", NULL);
	add(&t, "vmm.lookup", "what", "vm0", "units", "0-31", NULL);
	add(&t, "vmm.detach", "vm", "vm0", "units", "0-31", NULL);
	add(&t, "vmm.attach", "vm", "vm1", "units", "0-31", NULL);
	expect(&t, 1, CLAIM_NOT_SHOWN, "OS failure with no app storage to move", "no apps");
	expect(&t, 3, CLAIM_PASS, "", "lookup before detach, no apps");
}

static void test_claim1(void)
{
	size_t os, i;

	boot(&t);
	set(&t, find(&t, "vmm.alloc", "vm", "vm1"), "mb", "64");
	expect_fail(1, "standby vm1 was given 64 MB at boot (event 2), not less than the active's 64",
		    "boot with an equal standby");

	t = full;
	os = find(&t, "vmm.os_fault", NULL, NULL);
	drop(&t, after(&t, os, "vmm.detach", NULL, NULL));
	expect_fail(1, msg("no vmm.detach after vmm.os_fault vm=vm0 (event %llu)", seq(os)),
		    "OS failover without a detach");

	t = full;
	i = after(&t, os, "vmm.attach", NULL, NULL);
	set(&t, i, "units", "0-15");
	expect_fail(1, msg("vmm.attach vm=vm1 (event %llu) has units 0-15 but vm0 held " VM0_LEFT, seq(i)),
		    "attach of only part of what vm0 held");

	t = full;
	i = after(&t, os, "vmm.detach", NULL, NULL);
	set(&t, i, "units", "0-31");
	expect_fail(1, "has units 0-31 but vm0 held " VM0_LEFT, "detach that ignores the app move");

	t = full;
	i = after(&t, os, "vmm.detach", NULL, NULL);
	set(&t, i, "vm", "vm1");
	expect_fail(1, msg("vmm.detach vm=vm1 (event %llu) has vm=vm1, expected vm0", seq(i)),
		    "detach from the wrong VM");

	t = full;
	i = after(&t, os, "vmm.detach", NULL, NULL);
	swap(&t, i, i + 1);
	expect_fail(1, msg("vmm.attach vm=vm1 (event %llu) came before vmm.detach vm=vm0 (event %llu)",
			   seq(i), seq(i + 1)), "attach before detach");
}

static void test_claim2(void)
{
	size_t i;

	t = full;
	i = find(&t, "os.load", "vm", "vm1"); /* db's takeover load */
	set(&t, i, "src", "main");
	expect_fail(2, msg("os.load vm=vm1 app=db (event %llu) loaded from src=main, not aux", seq(i)),
		    "program loaded from main storage");

	t = full;
	i = find(&t, "os.load", "vm", "vm1"); /* db's takeover load */
	drop(&t, find(&t, "app.resumed", "app", "db"));
	expect_fail(2, msg("no app.resumed after os.load vm=vm1 app=db (event %llu)", seq(i)),
		    "loaded but never resumed");

	t = full;
	set(&t, find(&t, "app.resumed", "app", "db"), "vm", "vm0");
	expect_fail(2, "has vm=vm0, expected vm1", "resumed on the failed VM");

	t = full;
	set(&t, find(&t, "vmm.attach", "vm", "vm1"), "units", "16-20");
	expect_fail(2, "db: no vmm.attach to vm1 holding its units 16-23 before vmm.activate_request",
		    "standby never given all of db's storage");
}

static void test_claim3(void)
{
	size_t i, f;

	t = full;
	f = find(&t, "os.app_failure", "app", "db");
	drop(&t, find(&t, "vmm.lookup", "what", "db"));
	expect_fail(3, msg("no vmm.lookup after os.app_failure vm=vm0 app=db (event %llu)", seq(f)),
		    "no lookup for the hot app");

	t = full;
	i = find(&t, "vmm.lookup", "what", "vm0");
	set(&t, i, "what", "vm1");
	expect_fail(3, msg("vmm.lookup what=vm1 (event %llu) has what=vm1, expected vm0", seq(i)),
		    "lookup of the wrong VM");

	t = full;
	i = find(&t, "vmm.lookup", "what", "db");
	set(&t, i, "units", "16-20");
	expect_fail(3, msg("vmm.lookup what=db (event %llu) has units 16-20 but db's storage is 16-23",
			   seq(i)), "lookup units that are not the app's");

	t = full;
	i = find(&t, "vmm.lookup", "what", "cache");
	swap(&t, i, i + 1);
	expect_fail(3, msg("vmm.no_takeover app=cache reason=not_hot (event %llu) came before "
			   "vmm.lookup what=cache (event %llu)",
			   seq(i), seq(i + 1)), "refused before looking up");

	/* web grew: a lookup with its first report's units is stale */
	t = full;
	f = find(&t, "vmm.os_fault", NULL, NULL);
	add(&t, "os.app_failure", "vm", "vm0", "app", "web", NULL);
	add(&t, "vmm.lookup", "what", "web", "units", "24-27", NULL);
	add(&t, "vmm.no_takeover", "app", "web", "reason", "x", NULL);
	for (int k = 0; k < 3; k++)
		move_last_to(&t, f);
	expect_fail(3, "has units 24-27 but web's storage is 24-27,40-41", "the later os.report counts");
}

static void test_claim4(void)
{
	size_t i;

	t = full;
	i = find(&t, "vmm.disconnect_request", "app", "db");
	drop(&t, find(&t, "os.disconnected", "app", "db"));
	expect_fail(4, msg("no os.disconnected after vmm.disconnect_request vm=vm0 app=db (event %llu)",
			   seq(i)), "storage never released");

	t = full;
	i = find(&t, "failover.done", "app", "db");
	add(&t, "vmm.detach", "vm", "vm0", "units", "0-3", NULL);
	move_last_to(&t, i);
	expect_fail(4, msg("db: vmm.detach vm=vm0 (event %llu) detaches more than its storage", seq(i)),
		    "more than the app's storage detached");

	t = full;
	i = find(&t, "vmm.detach", "vm", "vm0");
	set(&t, i, "units", "16-31");
	set(&t, find(&t, "vmm.attach", "vm", "vm1"), "units", "16-31");
	expect_fail(4, msg("vmm.detach vm=vm0 (event %llu) has units 16-31 but db's storage is 16-23",
			   seq(i)), "detached units that are not the app's");

	t = full;
	set(&t, find(&t, "app.resumed", "app", "db"), "vm", "vm0");
	expect_fail(4, "app.resumed vm=vm0 app=db", "resumed on the failed VM");

	t = full;
	drop(&t, find(&t, "failover.done", "app", "db"));
	expect_fail(4, "no failover.done after app.resumed vm=vm1 app=db", "never done");
}

static void test_claim5(void)
{
	size_t i;

	t = full;
	drop(&t, find(&t, "os.request", NULL, NULL));
	i = find(&t, "vmm.grant", NULL, NULL);
	expect_fail(5, msg("vm0: no os.request before vmm.grant vm=vm0 (event %llu)", seq(i)),
		    "grant without a request");

	t = full;
	i = find(&t, "vmm.grant", NULL, NULL);
	add(&t, "vmm.grant", "vm", "vm0", "units", "50-51", NULL);
	move_last_to(&t, i + 1);
	expect_fail(5, msg("vm0: no os.request before vmm.grant vm=vm0 (event %llu)", seq(i + 1)),
		    "one request, two grants");

	t = full;
	drop(&t, find(&t, "os.report", "app", "db"));
	i = find(&t, "app.started", "app", "db");
	expect_fail(5, msg("db: no os.report from vm0 before app.started vm=vm0 app=db (event %llu)",
			   seq(i)), "app started unreported");

	t = full;
	set(&t, find(&t, "os.report", "app", "log"), "vm", "vm1");
	expect_fail(5, "log: no os.report from vm0", "report from the other VM");

	/* What the OS computed: 500000 records of 32 bytes and 132 KiB fixed
	 * are 16135168 bytes, 8 units of 2 MB: db's 16-23. */
	t = full;
	i = find(&t, "os.report", "app", "db");
	set(&t, i, "need_mb", "16");
	set(&t, i, "how", "records=500000x32B+132KiB");
	expect(&t, 5, CLAIM_PASS, "", "a computation that adds up");

	set(&t, i, "need_mb", "14");
	expect_fail(5, msg("db: os.report vm=vm0 app=db (event %llu) says need_mb=14, but "
			   "records=500000x32B+132KiB is 16135168 bytes: 16 MB in 2 MB units", seq(i)),
		    "need_mb not what the formula gives");

	set(&t, i, "need_mb", "20");
	set(&t, i, "how", "records=600000x32B+132KiB");
	expect_fail(5, "gives it 16 MB, less than the need_mb=20 it computed",
		    "fewer units reported than computed");

	set(&t, i, "how", "records=lots");
	expect_fail(5, "words its computation so that it cannot be read", "an unreadable how=");
	set(&t, i, "how", "records=99999999999999999999x32B+132KiB");
	expect_fail(5, "cannot be read", "a count beyond 64 bits");
}

static void test_claim6(void)
{
	size_t i;

	t = full;
	i = find(&t, "vmm.detach", "vm", "vm0");
	swap(&t, i, i + 1);
	expect_fail(6, msg("vmm.attach vm=vm1 (event %llu) came before vmm.detach vm=vm0 (event %llu)",
			   seq(i), seq(i + 1)), "attach to the second OS before detach from the first");

	t = full;
	i = find(&t, "os.app_alloc", "app", "db");
	set(&t, i, "units", "16-24");
	expect_fail(6, msg("os.app_alloc vm=vm1 app=db (event %llu) has units 16-24 "
			   "but db's storage is only 16-23",
			   seq(i)), "second OS allocates beyond what it got");

	t = full;
	drop(&t, find(&t, "vmm.activate_request", "app", "db"));
	i = find(&t, "vmm.attach", "vm", "vm1");
	expect_fail(6, msg("no vmm.activate_request after vmm.attach vm=vm1 (event %llu)", seq(i)),
		    "no activation request");

	t = full;
	i = find(&t, "vmm.disconnect_request", "app", "db");
	set(&t, i, "vm", "vm1");
	expect_fail(6, msg("vmm.disconnect_request vm=vm1 app=db (event %llu) has vm=vm1, expected vm0",
			   seq(i)), "disconnect asked of the wrong OS");

	t = full;
	set(&t, find(&t, "os.report", "app", "db"), "vm", "vm1");
	expect_fail(6, "db: its latest os.report is from vm1, not vm0, before os.app_failure vm=vm0",
		    "first OS never reported the app");
}

static void test_claim7(void)
{
	size_t os, i;

	t = full;
	os = find(&t, "vmm.os_fault", NULL, NULL);
	drop(&t, find(&t, "vmm.activate_request", "app", "web"));
	i = after(&t, os, "vmm.attach", NULL, NULL);
	expect_fail(7, msg("no vmm.activate_request after vmm.attach vm=vm1 (event %llu)", seq(i)),
		    "hot app of the failed OS never activated");

	t = full;
	i = after(&t, os, "vmm.attach", NULL, NULL);
	set(&t, i, "vm", "vm0");
	expect_fail(7, msg("vmm.attach vm=vm0 (event %llu) has vm=vm0, expected vm1", seq(i)),
		    "storage attached to the failed VM");

	t = full;
	i = find(&t, "vmm.activate_request", "app", "web");
	swap(&t, i, find(&t, "os.app_alloc", "app", "web"));
	expect_fail(7, "came before vmm.activate_request vm=vm1 app=web",
		    "allocated before activation was requested");
}

static void test_claim8(void)
{
	size_t i, os;

	t = full;
	i = find(&t, "vmm.no_takeover", "app", "cache");
	add(&t, "vmm.activate_request", "vm", "vm1", "app", "cache", NULL);
	move_last_to(&t, i + 1);
	expect_fail(8, msg("vmm.activate_request vm=vm1 app=cache (event %llu) activates a non-hot app",
			   seq(i + 1)), "non-hot app activated");

	t = full;
	i = find(&t, "failover.done", "os", "vm0");
	add(&t, "vmm.no_takeover", "app", "web", "reason", "not_hot", NULL);
	move_last_to(&t, i);
	expect_fail(8, "web: vmm.no_takeover app=web reason=not_hot (event", "hot app refused");

	t = full;
	os = find(&t, "vmm.os_fault", NULL, NULL);
	drop(&t, find(&t, "vmm.no_takeover", "app", "log"));
	expect_fail(8, msg("log: no vmm.no_takeover for this non-hot app "
			   "after vmm.os_fault vm=vm0 (event %llu)",
			   seq(os)), "non-hot app of a failed OS silently dropped");

	t = full;
	set(&t, find(&t, "app.started", "app", "cache"), "hot", "yes");
	expect_fail(8, "app=cache reason=not_hot (event 22), but the trace shows otherwise",
		    "hot app treated as not hot");
}

/* The full trace with the first answer given other units than its request
 * asked for: claim 9 FAILs with text (the answer's event, then the
 * request's). */
static void answer_differs(const char *request, const char *answer, const char *units,
			   const char *text, const char *what)
{
	t = full;
	size_t i = find(&t, request, NULL, NULL), f = find(&t, answer, NULL, NULL);
	set(&t, f, "units", units);
	expect_fail(9, msg(text, seq(f), seq(i)), what);
}

static void test_claim9(void)
{
	size_t i, f;

	t = full;
	f = find(&t, "app.fault", "app", "web");
	i = find(&t, "app.restarted", "app", "web");
	rename_ev(&t, i, "os.app_failure");
	expect_fail(9, msg("os.app_failure vm=vm0 app=web (event %llu) reports the recoverable "
			   "app.fault app=web level=recoverable (event %llu)",
			   seq(i), seq(f)), "recoverable fault reported");

	t = full;
	drop(&t, find(&t, "app.restarted", "app", "web"));
	expect_fail(9, msg("no app.restarted after app.fault app=web level=recoverable (event %llu)",
			   seq(f)), "recoverable fault never handled");

	t = full;
	f = find(&t, "app.fault", "app", "cache");
	drop(&t, find(&t, "os.app_failure", "app", "cache"));
	expect_fail(9, msg("no os.app_failure after "
			   "app.fault app=cache level=unrecoverable (event %llu)",
			   seq(f)), "unrecoverable fault never reported");

	t = full;
	i = find(&t, "vmm.disconnect_request", NULL, NULL);
	drop(&t, find(&t, "os.disconnected", NULL, NULL));
	expect_fail(9, msg("no os.disconnected after vmm.disconnect_request vm=vm0 app=db (event %llu)",
			   seq(i)), "disconnection routine silent");

	t = full;
	i = find(&t, "vmm.attach_request", NULL, NULL);
	drop(&t, find(&t, "os.attached", NULL, NULL));
	expect_fail(9, msg("no os.attached after vmm.attach_request vm=vm1 (event %llu)", seq(i)),
		    "standby never engaged");

	/* The answers give the guest's own units: those asked for, or FAIL. */
	t = full;
	set(&t, find(&t, "os.disconnected", NULL, NULL), "units", "16-23");
	expect(&t, 9, CLAIM_PASS, "", "disconnected the units asked for");

	answer_differs("vmm.disconnect_request", "os.disconnected", "16-24",
		       "db: os.disconnected vm=vm0 app=db (event %llu) let go of units 16-24 but "
		       "vmm.disconnect_request vm=vm0 app=db (event %llu) asked for 16-23",
		       "disconnected other units than asked");
	answer_differs("vmm.attach_request", "os.attached", "16-22",
		       "vm1: os.attached vm=vm1 (event %llu) engaged units 16-22 but "
		       "vmm.attach_request vm=vm1 (event %llu) asked for 16-23",
		       "engaged fewer units than reported");

	t = full;
	set(&t, find(&t, "os.disconnected", NULL, NULL), "units", "16-2x");
	expect_fail(9, "has malformed units '16-2x'", "malformed units in an answer");
}

static void test_format(void)
{
	char buf[128];

	check_format(3, CLAIM_PASS, "", buf, sizeof buf);
	is_str(buf, "claim 3: PASS", "format PASS");
	check_format(6, CLAIM_FAIL, "os.disconnected missing", buf, sizeof buf);
	is_str(buf, "claim 6: FAIL os.disconnected missing", "format FAIL");
	check_format(1, CLAIM_NOT_SHOWN, "no OS failure yet", buf, sizeof buf);
	is_str(buf, "claim 1: NOT SHOWN (no OS failure yet)", "format NOT SHOWN");
	ok(check_claim(full.ev, full.n, 10, buf, sizeof buf) == CLAIM_NOT_SHOWN, "no claim 10");
}

int main(void)
{
	test_full();
	test_chain();
	test_not_shown();
	test_claim1();
	test_claim2();
	test_claim3();
	test_claim4();
	test_claim5();
	test_claim6();
	test_claim7();
	test_claim8();
	test_claim9();
	test_format();
	return done_testing();
}
