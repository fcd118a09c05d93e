/* test_chart.c — the chart's layout without a drawing library or KVM:
 * which events become arrows, between which lifelines, in what order,
 * with what labels; titles; the errors; rows stepped and to scale. */
#include "tap.h"
#include "chart.h"
#include "event_build.h"

#include <stdarg.h>
#include <stdlib.h>

static struct event evs[64];
static size_t nev;

/* Append an event: seq, time in µs, name, then "key=value" strings, NULL. */
static void add(uint64_t seq, uint64_t t_us, const char *name, ...)
{
	va_list ap;
	va_start(ap, name);
	event_build(&evs[nev++], seq, t_us, name, ap);
	va_end(ap);
}

static void boot(uint64_t seq)
{
	add(seq, 10, "vmm.alloc", "vm=vm0", "units=1-32", NULL);
	add(seq + 1, 20, "vmm.alloc", "vm=vm1", "units=33-36", NULL);
	add(seq + 2, 30, "os.ready", "vm=vm1", "role=standby", NULL);
	add(seq + 3, 40, "os.ready", "vm=vm0", "role=active", NULL);
	add(seq + 4, 50, "app.started", "app=db", "vm=vm0", "hot=yes", NULL);
}

/* db crashes on vm0 and resumes on vm1: takeover fo, from seq on. */
static void app_failover(uint64_t seq, uint64_t t, const char *fo)
{
	add(seq, t, "app.fault", "app=db", "kind=crash", NULL);
	add(seq + 1, t + 100, "os.app_failure", "vm=vm0", "app=db", fo, NULL);
	add(seq + 2, t + 150, "vmm.lookup", "what=db", "units=2-5", fo, NULL);
	add(seq + 3, t + 160, "vmm.disconnect_request", "vm=vm0", "app=db", "units=2-5", fo, NULL);
	add(seq + 4, t + 400, "os.disconnected", "vm=vm0", "app=db", "units=2-5", fo, NULL);
	add(seq + 5, t + 450, "vmm.detach", "vm=vm0", "units=2-5", fo, NULL);
	add(seq + 6, t + 460, "vmm.attach", "vm=vm1", "units=2-5", fo, NULL);
	add(seq + 7, t + 900, "vmm.activate_request", "vm=vm1", "app=db", fo, NULL);
	add(seq + 8, t + 1000, "os.load", "vm=vm1", "app=db", "src=aux", fo, NULL);
	add(seq + 9, t + 5000, "app.resumed", "app=db", "vm=vm1", fo, NULL);
	add(seq + 10, t + 5100, "failover.done", "app=db", "ms=5.100", fo, NULL);
}

static const struct chart_arrow *find(const struct chart *c, const char *name)
{
	for (int i = 0; i < c->narrow; i++)
		if (!strcmp(c->arrow[i].name, name))
			return &c->arrow[i];
	return NULL;
}

/* "vm0->VMM", the arrow's ends by lifeline name; "none" without it. */
static const char *ends(const struct chart *c, const char *name)
{
	static char buf[2 * EV_VAL_MAX + 4];
	const struct chart_arrow *a = find(c, name);
	if (!a)
		return "none";
	snprintf(buf, sizeof buf, "%s->%s", c->life[a->from].name, c->life[a->to].name);
	return buf;
}

static bool rows_go_down(const struct chart *c, double min_gap)
{
	for (int i = 1; i < c->narrow; i++)
		if (c->arrow[i].y < c->arrow[i - 1].y + min_gap)
			return false;
	return true;
}

static void one_app_failover(void)
{
	nev = 0;
	boot(1);
	app_failover(6, 1000, "fo=1");
	struct chart c;
	struct err e = { "" };
	struct chart_opts o = { 0 };
	ok(chart_layout(evs, nev, &o, &c, &e) == 0, "an app failover lays out (%s)", e.msg);
	ok(c.nlife == 4, "four lifelines: vm0, the VMM, vm1, db (%d)", c.nlife);
	if (c.nlife == 4) {
		is_str(c.life[0].name, "vm0", "the failed side first");
		is_str(c.life[1].name, "VMM", "the VMM next to it");
		is_str(c.life[2].name, "vm1", "then the standby");
		is_str(c.life[3].name, "db", "then the app");
		is_str(c.life[0].role, "active OS", "vm0's role when the failover began");
		is_str(c.life[2].role, "standby OS", "vm1's role");
		is_str(c.life[3].role, "hot app", "db was started hot");
		ok(c.life[0].x < c.life[1].x && c.life[1].x < c.life[2].x && c.life[2].x < c.life[3].x,
		   "lifelines left to right in that order");
	}
	ok(c.narrow == 11, "one arrow per takeover event and the detection (%d)", c.narrow);
	ok(c.narrow > 0 && !strcmp(c.arrow[0].name, "app.fault"), "the detection comes first");
	is_str(ends(&c, "app.fault"), "db->vm0", "app.fault: from the app to the OS it ran on");
	is_str(ends(&c, "os.app_failure"), "vm0->VMM", "os.app_failure: the OS reports to the VMM");
	is_str(ends(&c, "vmm.lookup"), "VMM->VMM", "vmm.lookup: a step on the VMM's own lifeline");
	is_str(ends(&c, "vmm.disconnect_request"), "VMM->vm0", "the VMM asks the failed side");
	is_str(ends(&c, "os.disconnected"), "vm0->VMM", "and it answers");
	is_str(ends(&c, "vmm.detach"), "VMM->vm0", "detach: from the failed side");
	is_str(ends(&c, "vmm.attach"), "VMM->vm1", "attach: to the standby");
	is_str(ends(&c, "os.load"), "vm1->db", "the standby loads the app");
	is_str(ends(&c, "app.resumed"), "db->vm1", "the app resumes on its new OS");
	is_str(ends(&c, "os.ready"), "none", "boot events are not drawn");
	const struct chart_arrow *d = find(&c, "vmm.detach");
	is_str(d ? d->units : "", "2-5", "the units moved on the detach arrow");
	is_str(d ? d->note : "", "units=2-5", "and under it");
	const struct chart_arrow *a = find(&c, "vmm.activate_request");
	is_str(a ? a->note : "", "app=db", "the app named where no end is it");
	a = find(&c, "os.load");
	is_str(a ? a->note : "", "src=aux", "not where an end is it; the route's detail");
	ok(d && d->claims == event_claims("vmm.detach"), "claims as the trace gave them");
	ok(c.narrow > 2 && c.arrow[2].since_us == 150, "time since the detection (%llu us)",
	   c.narrow > 2 ? (unsigned long long)c.arrow[2].since_us : 0ULL);
	is_str(c.title, "fo=1: app failover, db on vm0 (crash), done in 5.100 ms",
	       "the title: the takeover, its kind, what failed, how it ended");
	ok(rows_go_down(&c, 1), "one row per event, top to bottom");
	ok(c.width > c.life[c.nlife - 1].x && c.height > c.arrow[c.narrow - 1].y,
	   "everything within the page");
	chart_free(&c);

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ok(chart_layout(evs, nev, &o, &c, &e) == 0, "again, for the dump");
	chart_dump(&c, f);
	fclose(f);
	ok(strstr(text, "\narrow 5 vm0->VMM os.disconnected claims=9 units=2-5 seq=10 at=+0.400ms") !=
		   NULL, "the dump has one line per arrow");
	ok(strstr(text, "\nlifeline VMM x=") != NULL, "and per lifeline");
	free(text);
	chart_free(&c);
}

static void two_takeovers(void)
{
	nev = 0;
	boot(1);
	app_failover(6, 1000, "fo=1");
	add(17, 90000, "vmm.blocked", "vm=vm0", "gpa=0x1000", NULL);
	add(18, 90010, "vmm.os_fault", "vm=vm0", "cause=mmio", "fo=2", NULL);
	add(19, 90020, "vmm.lookup", "what=vm0", "units=1,6-32", "fo=2", NULL);
	add(20, 90030, "app.fault", "app=web", "kind=crash", NULL); /* another app, no report */
	add(21, 90040, "vmm.detach", "vm=vm0", "units=1,6-32", "fo=2", NULL);
	add(22, 90050, "os.app_failure", "vm=vm1", "app=db", "fo=3", NULL); /* in the middle */
	add(23, 90060, "vmm.attach", "vm=vm1", "units=1,6-32", "fo=2", NULL);
	add(24, 90070, "failover.done", "os=vm0", "ms=0.060", "fo=2", NULL);
	struct chart c;
	struct err e = { "" };
	struct chart_opts o = { 0 };
	ok(chart_layout(evs, nev, &o, &c, &e) == 0, "three takeovers lay out (%s)", e.msg);
	ok(c.nsection == 3, "one section each (%d)", c.nsection);
	if (c.nsection == 3) {
		ok(c.section[1].fo == 2 && c.section[1].count == 6,
		   "fo=2 together, its report cut in: the blocked access, five steps (%d)",
		   c.section[1].count);
		is_str(c.arrow[c.section[1].first].name, "vmm.blocked", "the refused access first");
		is_str(c.section[1].title, "fo=2: OS failover, vm0 (mmio), done in 0.060 ms",
		       "an OS failover's title");
		ok(c.section[2].fo == 3 && c.section[2].count == 1, "fo=3 after it, alone");
		ok(c.section[1].y > c.arrow[c.section[0].first + c.section[0].count - 1].y &&
			   c.arrow[c.section[1].first].y > c.section[1].y,
		   "each section's header between the sections");
	}
	is_str(ends(&c, "vmm.blocked"), "vm0->VMM", "the refused access: from the OS to the VMM");
	is_str(ends(&c, "vmm.os_fault"), "vm0->VMM", "an OS failure reaches the VMM from the OS");
	ok(!strncmp(c.title, "3 failovers: fo=1 app failover, fo=2 OS failover, fo=3 ", 55),
	   "the title names each takeover: %s", c.title);
	int faults = 0;
	for (int i = 0; i < c.narrow; i++)
		faults += !strcmp(c.arrow[i].name, "app.fault");
	ok(faults == 1, "an app.fault no report followed is not drawn (%d drawn)", faults);
	chart_free(&c);

	o.fo = 2;
	ok(chart_layout(evs, nev, &o, &c, &e) == 0 && c.nsection == 1 && c.narrow == 6,
	   "--fo 2: that takeover alone, with its detection");
	ok(c.nlife == 3, "and the lifelines it needs: vm0, VMM, vm1 (%d)", c.nlife);
	chart_free(&c);
	o.fo = 9;
	ok(chart_layout(evs, nev, &o, &c, &e) == -1, "--fo 9: no such takeover");
	is_str(e.msg, "no failover fo=9 in the trace (it has fo=1 to fo=3)", "and says which there are");
	chart_free(&c);
}

static void errors_and_oddities(void)
{
	struct chart c;
	struct err e = { "" };
	struct chart_opts o = { 0 };
	nev = 0;
	ok(chart_layout(evs, 0, &o, &c, &e) == -1, "an empty trace: nothing to draw");
	ok(strstr(e.msg, "no failover in the trace") != NULL, "said so: %s", e.msg);
	boot(1);
	ok(chart_layout(evs, nev, &o, &c, &e) == -1, "a trace with no takeover id: nothing to draw");

	nev = 0;
	add(1, 10, "app.fault", "app=x\x01y", "kind=crash", NULL);
	add(2, 20, "os.app_failure", "vm=vm0", "app=x\x01y", "fo=1", NULL);
	add(3, 30, "vmm.frobnicate", "vm=vm0", "fo=1", NULL);
	e.msg[0] = '\0';
	ok(chart_layout(evs, nev, &o, &c, &e) == 0, "a trace cut short still draws (%s)", e.msg);
	is_str(ends(&c, "app.fault"), "x?y->vm0",
	       "an app never seen started: its OS from the report; odd bytes as ?");
	is_str(ends(&c, "vmm.frobnicate"), "VMM->VMM", "a name outside the vocabulary: on the VMM");
	chart_free(&c);

	/* A --trace file across a reset: the numbering starts again. */
	nev = 0;
	boot(1);
	app_failover(6, 1000, "fo=1");
	boot(1);
	app_failover(6, 9000, "fo=1");
	ok(chart_layout(evs, nev, &o, &c, &e) == 0 && c.nsection == 2, "two runs, two fo=1");
	if (c.nsection == 2)
		ok(!strncmp(c.section[1].title, "fo=1 (run 2): app failover", 26), "the second says so");
	chart_free(&c);
	o.to_scale = true;
	ok(chart_layout(evs, nev, &o, &c, &e) == 0, "to scale");
	ok(rows_go_down(&c, 15), "rows still top to bottom, never closer than a line");
	const struct chart_arrow *resumed = find(&c, "app.resumed");
	ok(resumed && resumed->y - resumed[-1].y > resumed[1].y - resumed->y,
	   "a long wait takes more room than a short one");
	chart_free(&c);
}

int main(void)
{
	one_app_failover();
	two_takeovers();
	errors_and_oddities();
	return done_testing();
}
