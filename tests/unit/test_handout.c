/* test_handout.c — the handout's page model without a drawing library or
 * KVM: which takeovers get a cell, the grid and its one scale, what is
 * said to be left out, and each claim's line found from the arrows drawn
 * (and, for what no takeover holds, from the rest of the trace). */
#include "tap.h"
#include "chart_handout.h"
#include "event_build.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>

static struct event evs[256];
static size_t nev;

/* Append an event: name, then "key=value" strings, NULL; seq and time
 * follow on from the one before. */
static void add(const char *name, ...)
{
	va_list ap;
	va_start(ap, name);
	nev++;
	event_build(&evs[nev - 1], nev, 1000 * nev, name, ap);
	va_end(ap);
}

/* Boot, db hot and cache not on vm0; cache grows past what vm0 has. */
static void boot(void)
{
	nev = 0;
	add("vmm.alloc", "vm=vm0", "units=1-32", NULL);
	add("vmm.alloc", "vm=vm1", "units=33-36", NULL);
	add("os.ready", "vm=vm0", "role=active", NULL);
	add("os.ready", "vm=vm1", "role=standby", NULL);
	add("os.report", "vm=vm0", "app=db", "units=2-5", NULL);
	add("app.started", "app=db", "vm=vm0", "hot=yes", NULL);
	add("os.report", "vm=vm0", "app=cache", "units=6-7", NULL);
	add("app.started", "app=cache", "vm=vm0", "hot=no", NULL);
	add("os.request", "vm=vm0", "mb=2", NULL);
	add("vmm.grant", "vm=vm0", "units=37", NULL);
	add("os.report", "vm=vm0", "app=cache", "units=6-32,37", NULL);
}

static void app_failover(const char *fo)
{
	add("app.fault", "app=db", "kind=crash", NULL);
	add("os.app_failure", "vm=vm0", "app=db", fo, NULL);
	add("vmm.lookup", "what=db", "units=2-5", fo, NULL);
	add("vmm.detach", "vm=vm0", "units=2-5", fo, NULL);
	add("vmm.attach", "vm=vm1", "units=2-5", fo, NULL);
	add("vmm.activate_request", "vm=vm1", "app=db", fo, NULL);
	add("app.resumed", "app=db", "vm=vm1", fo, NULL);
	add("failover.done", "app=db", "ms=1.000", fo, NULL);
}

static void os_failover(const char *fo)
{
	add("vmm.os_fault", "vm=vm0", "cause=panic", fo, NULL);
	add("vmm.lookup", "what=vm0", "units=1,6-32", fo, NULL);
	add("vmm.detach", "vm=vm0", "units=1,6-32", fo, NULL);
	add("vmm.attach", "vm=vm1", "units=1,6-32", fo, NULL);
	add("vmm.no_takeover", "app=cache", "reason=not_hot", fo, NULL);
	add("failover.done", "os=vm0", "ms=2.000", fo, NULL);
}

static bool inside(double lo, double v, double hi)
{
	return v >= lo - 1e-9 && v <= hi + 1e-9;
}

/* Each chart on the page, within the margins, above the claim list, and
 * as large as the scale says. */
static bool cells_fit(const struct handout *h)
{
	for (int k = 0; k < h->ncell; k++) {
		const struct handout_cell *c = &h->cell[k];
		if (!inside(HANDOUT_MARGIN, c->x, HANDOUT_W - HANDOUT_MARGIN - c->w) ||
		    !inside(h->source_y, c->y, h->claims_rule_y - c->h) ||
		    fabs(c->w - c->chart.width * h->scale) > 1e-6)
			return false;
		for (int j = 0; j < k; j++) { /* no two overlap */
			const struct handout_cell *d = &h->cell[j];
			if (c->x < d->x + d->w && d->x < c->x + c->w && c->y < d->y + d->h &&
			    d->y < c->y + c->h)
				return false;
		}
	}
	return true;
}

static void two_failovers(void)
{
	boot();
	app_failover("fo=1");
	os_failover("fo=2");
	struct handout h;
	struct err e = { "" };
	ok(chart_handout_layout(evs, nev, "/some/dir/run.jsonl", false, &h, &e) == 0,
	   "an app and an OS failover lay out (%s)", e.msg);
	ok(h.ncell == 2, "a cell for each (%d)", h.ncell);
	ok(h.cell[0].fo == 1 && h.cell[1].fo == 2, "in trace order");
	is_str(h.cell[0].kind, "app failover", "the first, an app failover");
	is_str(h.cell[1].kind, "OS failover", "the second, an OS failover");
	ok(h.cell[0].chart.nsection == 1 && h.cell[1].chart.nsection == 1,
	   "each cell that takeover's chart alone");
	ok(h.scale > 0.2 && h.scale <= 1, "one scale, readable (%.3f)", h.scale);
	ok(cells_fit(&h), "the charts fit the page, above the claims, apart");
	ok(h.claims_rule_y < HANDOUT_H - HANDOUT_MARGIN &&
	   h.claim[8].y + h.claim[8].nline * HANDOUT_LINE_H <= HANDOUT_H - HANDOUT_MARGIN + 1e-9,
	   "the claim list ends within the bottom margin");
	is_str(h.source, "Trace run.jsonl: 25 events over 0.024 s, 2 failovers: fo=1 app failover, "
	       "fo=2 OS failover", "the source: the file's name, its events, its failovers");
	is_str(h.left_out, "", "nothing left out");
	is_str(h.claim[0].where, "fo=1: vmm.detach, vmm.attach; fo=2: vmm.detach, vmm.attach; "
	       "in the trace, not drawn: vmm.alloc (events 1-2)",
	       "claim 1: the moves in both charts, and the allocation at boot");
	is_str(h.claim[2].where, "fo=1: vmm.lookup; fo=2: vmm.lookup", "claim 3: the lookups");
	is_str(h.claim[4].where, "not in these charts; in the trace, not drawn: "
	       "os.request \u2192 vmm.grant \u2192 os.report (events 9-11), and 2 more like it",
	       "claim 5: no takeover shows it here, the request for storage does");
	ok(!h.claim[4].drawn && h.claim[0].drawn, "and it is said to be not drawn");
	is_str(h.claim[7].where, "fo=1: vmm.activate_request; fo=2: vmm.no_takeover",
	       "claim 8: the activation of the hot app, the refusal of the other");
	is_str(h.claim[8].where, "fo=1: app.fault, os.app_failure, vmm.lookup; "
	       "fo=2: vmm.os_fault, vmm.lookup", "claim 9: the routines, chart by chart");
	is_str(h.claim[1].plain, "Hot-standby programs are loaded from auxiliary memory, not from "
	       "main storage", "each claim in plain words");
	for (int k = 0; k < HANDOUT_CLAIMS; k++) {
		bool fits = h.claim[k].nline >= 1;
		for (int i = 0; i < h.claim[k].nline; i++)
			fits &= strlen(h.claim[k].line[i]) * HANDOUT_FONT * CHART_CHAR_EM <=
				HANDOUT_W - 2 * HANDOUT_MARGIN - HANDOUT_INDENT + 12;
		ok(fits, "claim %d: its lines fit the page's width", k + 1);
	}
	chart_handout_free(&h);
}

/* More than four: the first of each kind, the rest named. */
static void many_failovers(void)
{
	boot();
	char fo[16];
	for (int i = 1; i <= 6; i++) {
		snprintf(fo, sizeof fo, "fo=%d", i);
		if (i % 2)
			app_failover(fo);
		else
			os_failover(fo);
	}
	struct handout h;
	struct err e = { "" };
	ok(chart_handout_layout(evs, nev, "many.jsonl", false, &h, &e) == 0, "six failovers (%s)",
	   e.msg);
	ok(h.ncell == 2 && h.cell[0].fo == 1 && h.cell[1].fo == 2,
	   "the first of each kind (%d cells)", h.ncell);
	is_str(h.left_out, "Not drawn (one chart of each kind is): fo=3 app failover, "
	       "fo=4 OS failover, fo=5 app failover, fo=6 OS failover", "the others named");
	ok(cells_fit(&h), "and the two fit");
	chart_handout_free(&h);

	boot();
	for (int i = 1; i <= 3; i++) {
		snprintf(fo, sizeof fo, "fo=%d", i);
		app_failover(fo);
	}
	ok(chart_handout_layout(evs, nev, "three.jsonl", false, &h, &e) == 0, "three of a kind");
	ok(h.ncell == 3, "up to four: each gets a cell (%d)", h.ncell);
	ok(cells_fit(&h), "three fit (%d columns, scale %.3f)", h.cols, h.scale);
	chart_handout_free(&h);
}

static void none(void)
{
	boot();
	struct handout h;
	struct err e = { "" };
	ok(chart_handout_layout(evs, nev, "boot.jsonl", false, &h, &e) == -1,
	   "a trace without a failover: no handout");
	is_str(e.msg, "no failover in the trace to put on the handout: no event has a takeover "
	       "id (fo=N)", "said why");
	ok(h.ncell == 0, "nothing left laid out");
	chart_handout_free(&h);
}

static void dump(void)
{
	boot();
	app_failover("fo=1");
	struct handout h;
	struct err e = { "" };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ok(f && chart_handout_layout(evs, nev, "one.jsonl", false, &h, &e) == 0, "one failover");
	chart_handout_dump(&h, f);
	fclose(f);
	ok(strstr(text, "handout 595x842, 1 cell in 1 column, scale ") == text,
	   "the dump starts with the page");
	ok(strstr(text, "\ncell 1 fo=1 app failover at ") != NULL, "then the cell");
	ok(strstr(text, "\nclaim 7 drawn | ") != NULL, "and a line per claim");
	ok(strstr(text, "\nclaim 8 drawn | ") != NULL && strstr(text, "\nclaim 9 drawn | ") != NULL,
	   "to the ninth");
	free(text);
	chart_handout_free(&h);
}

int main(void)
{
	two_failovers();
	many_failovers();
	none();
	dump();
	return done_testing();
}
