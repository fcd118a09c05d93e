/* test_plot.c — the plots' arithmetic and models without a drawing
 * library or KVM: nice tick steps, linear, log and broken axes and where
 * values land on them, tick labels, stacked bars, and a small document's
 * three figures, with the errors a document missing one gets. */
#include "tap.h"
#include "plot.h"

#include <math.h>
#include <stdlib.h>

static bool near(double a, double b)
{
	return fabs(a - b) < 1e-9 * fmax(1, fabs(b));
}

static void ticks_text(const struct plot_axis *a, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < a->nticks && len < size; i++) {
		char t[32];
		plot_tick_label(a->tick[i], t, sizeof t);
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "," : "", t);
	}
}

static void test_nice_step(void)
{
	ok(near(plot_nice_step(10, 5), 2), "10 in about 5 ticks: steps of 2");
	ok(near(plot_nice_step(3.03, 7), 0.5), "3.03 in about 7: 0.5");
	ok(near(plot_nice_step(3.03, 6), 1), "in about 6: 1 (0.505 is over 5 x 0.1: the next nice step)");
	ok(near(plot_nice_step(100, 4), 50), "100 in about 4: 50 (25 rounds up to 5 x 10)");
	ok(near(plot_nice_step(1, 10), 0.1), "1 in 10: 0.1, not 0.09999");
	ok(near(plot_nice_step(0, 5), 1), "an empty span: a step of 1, not 0 or NaN");
}

static void test_linear(void)
{
	struct plot_axis a = { 0 };
	char t[256];
	plot_axis_linear(&a, 0, 3.03, 7);
	ticks_text(&a, t, sizeof t);
	ok(near(a.lo, 0) && near(a.hi, 3.5), "0 to 3.03 shows 0 to 3.5");
	is_str(t, "0,0.5,1,1.5,2,2.5,3,3.5", "a tick on every half");
	plot_axis_linear(&a, -7.02, 2.71, 6);
	ticks_text(&a, t, sizeof t);
	is_str(t, "-8,-6,-4,-2,0,2,4", "negative values: ends on whole steps, 0 a tick");
	plot_axis_linear(&a, 0, 4, 4);
	ok(near(a.hi, 4), "a value on a step ends the axis there, not a step beyond");
	plot_axis_linear(&a, 2, 3, 5);
	ok(near(a.lo, 0), "0 is always shown: a bar starts there");
	a.from = 300;
	a.to = 100; /* a y axis: up the page */
	plot_axis_linear(&a, -7.02, 2.71, 6);
	ok(near(plot_axis_pos(&a, -8), 300) && near(plot_axis_pos(&a, 4), 100), "the ends at from and to");
	ok(near(plot_axis_pos(&a, 0), 300 - 200.0 * 8 / 12), "0 two thirds of the way up");
}

static void test_log(void)
{
	struct plot_axis a = { 0 };
	char t[256];
	ok(plot_axis_log(&a, 0.087, 177.563) == 0, "0.087 to 177.563 ms fit a log axis");
	ticks_text(&a, t, sizeof t);
	is_str(t, "0.01,0.1,1,10,100,1000", "whole decades around them");
	plot_axis_log(&a, 2, 256);
	a.from = 100;
	a.to = 400;
	ok(near(plot_axis_pos(&a, 10), 200), "10 MB a third of the way along 1-1000");
	ok(near(plot_axis_pos(&a, 1000), 400), "and 1000 at the end");
	plot_axis_log(&a, 5, 5);
	ok(near(a.lo, 1) && near(a.hi, 10), "one value: its decade");
	ok(plot_axis_log(&a, 0, 10) == -1, "0 cannot be on a log axis: refused");
	ok(plot_axis_log(&a, -1, 10) == -1, "nor a negative value");
}

static void test_broken(void)
{
	struct plot_axis a = { 0 };
	char t[256];
	plot_axis_linear(&a, 0, 3.08, 4);
	a.from = 0;
	a.to = 100;
	a.gap_pt = 10;
	plot_axis_break(&a, 31.8, 34.9);
	ticks_text(&a, t, sizeof t);
	ok(a.broken && near(a.gap_lo, 4) && near(a.gap_hi, 31), "broken from 4 to 31: half a step before 31.8");
	is_str(t, "0,1,2,3,4,31,32,33,34,35", "ticks by the same step either side");
	ok(near(plot_axis_pos(&a, 4), 45) && near(plot_axis_pos(&a, 31), 55),
	   "the gap takes its 10 points, 4 units either side share the other 90");
	ok(near(plot_axis_pos(&a, 2), 22.5) && near(plot_axis_pos(&a, 33), 77.5), "the same scale either side");
	ok(near(plot_axis_pos(&a, 20), 50), "a value in the gap: its middle");
	plot_axis_linear(&a, 0, 3.08, 4);
	plot_axis_break(&a, 5.2, 6);
	ok(!a.broken && near(a.hi, 6), "a gap under two steps: no break, the axis runs on to 6");
}

static void test_labels_and_stack(void)
{
	char t[32];
	plot_tick_label(0.1 * 3, t, sizeof t);
	is_str(t, "0.3", "0.1 x 3 is labelled 0.3");
	plot_tick_label(-1e-17, t, sizeof t);
	is_str(t, "0", "nearly 0 is 0, not -0 or 1e-17");
	plot_tick_label(10000, t, sizeof t);
	is_str(t, "10000", "10000 in full");
	double v[] = { 1, 0, 2.5 }, start[3];
	double total = plot_stack(v, 3, start);
	ok(near(total, 3.5) && near(start[0], 0) && near(start[1], 1) && near(start[2], 1),
	   "stacked: each starts where the one before ended; a 0 takes no room");
}

/* A small document: two sizes (one figure a plain number, as older
 * documents have them), three faults (a hang far longer), two heartbeat
 * settings. */
static const char doc_text[] =
	"{\"vmfo\":\"9.9\",\"machine\":{\"kernel\":\"6.1\",\"arch\":\"x86_64\"},\"config\":{\"runs\":3},"
	"\"handover\":[{\"mb\":2,\"service_ms\":{\"min\":1,\"median\":2,\"max\":3},"
	"\"copy_fresh_ms\":{\"min\":0.5,\"median\":1,\"max\":1.5}},"
	"{\"mb\":256,\"service_ms\":3}],"
	"\"failover\":[{\"fault\":\"os panic\",\"steps_ms\":{\"detect\":{\"min\":0,\"median\":0.5,\"max\":1},"
	"\"engage\":{\"min\":1,\"median\":1.5,\"max\":2}}},"
	"{\"fault\":\"os hang\",\"steps_ms\":{\"detect\":{\"min\":30,\"median\":31,\"max\":32},"
	"\"engage\":{\"min\":1,\"median\":1,\"max\":1}},\"detect_bound_ms\":30},"
	"{\"fault\":\"app crash\",\"steps_ms\":{\"detect\":{\"min\":0,\"median\":0,\"max\":0},"
	"\"load\":{\"min\":1,\"median\":1,\"max\":1}}}],"
	"\"protection\":[{\"heartbeat_ms\":0,\"cost_pct\":{\"min\":0,\"median\":0,\"max\":0}},"
	"{\"heartbeat_ms\":10,\"cost_pct\":{\"min\":-1,\"median\":0.5,\"max\":3}}]}";

static void test_figures(void)
{
	struct plot *f = calloc(PLOT_FIGURES, sizeof *f);
	struct err e = { 0 };
	json_t *doc = json_loads(doc_text, 0, NULL);
	ok(doc && plot_figures(doc, "t.json", f, &e) == 0, "a small document's figures: %s", e.msg);
	const struct plot *h = &f[PLOT_HANDOVER], *s = &f[PLOT_STEPS], *p = &f[PLOT_PROTECTION];
	ok(h->nseries == 2 && h->series[0].n == 2 && h->series[1].n == 1,
	   "handover: a series for each figure the document has, a point for each size that has it");
	is_str(h->series[0].name, "time to service (move)", "named for the legend");
	ok(near(h->series[0].min[1], 3) && near(h->series[0].median[1], 3) && near(h->series[0].max[1], 3),
	   "a plain number (an older document's one run) is its own min, median and max");
	ok(h->x.log && h->y.log && near(h->x.lo, 1) && near(h->x.hi, 1000), "log-log, 1 to 1000 MB");
	ok(s->nbar == 3 && s->nsegname == 3, "steps: a bar per fault, a legend entry per step name");
	is_str(s->segname[2], "load", "step names in the order they first come");
	ok(near(s->bar[0].seg[2], 0) && near(s->bar[2].seg[1], 0), "a step a fault lacks takes no room");
	ok(near(s->bar[1].total, 32) && near(s->bar[1].start[1], 31), "stacked: engage starts after detect");
	ok(s->x.broken && s->x.gap_lo < 2.5 && s->x.gap_hi <= 31 && s->x.hi >= 32,
	   "the hang's bar breaks the axis");
	is_str(s->note[1], "os hang: detect took 31.000 ms; it cannot be under 30 ms (miss x heartbeat)",
	       "and a note says what was cut");
	is_str(s->bar[0].label, "2.000 ms", "each bar ends with its total");
	ok(p->nbar == 2 && near(p->bar[1].median, 0.5) && near(p->bar[1].min, -1), "protection: median and spread");
	is_str(p->bar[1].name, "every 10 ms", "named by the heartbeat");
	is_str(p->bar[0].name, "off", "0 is off");
	ok(near(p->y.lo, -1) && p->y.hi >= 3, "its axis holds every whisker and 0");
	ok(p->y.from > plot_axis_pos(&p->y, 0) && plot_axis_pos(&p->y, 0) > p->y.to, "the zero line inside the plot");

	json_object_del(doc, "protection");
	ok(plot_figures(doc, "t.json", f, &e) == -1, "without protection: an error");
	is_str(e.msg, "bench: t.json has no protection figure: its \"protection\" list is missing or empty",
	       "naming the document and the figure");
	json_object_set_new(doc, "handover", json_array());
	plot_figures(doc, "t.json", f, &e);
	is_str(e.msg, "bench: t.json has no handover figure: its \"handover\" list is missing or empty",
	       "an empty handover list: the same");
	json_decref(doc);
	free(f);
}

int main(void)
{
	test_nice_step();
	test_linear();
	test_log();
	test_broken();
	test_labels_and_stack();
	test_figures();
	return done_testing();
}
