/* plot_figures.c — a bench document (vmfo bench --json) as the models of
 * its three figures: handover against copy by size, the failover's steps
 * per fault kind, and what the heartbeat costs. Every number drawn is the
 * document's: series, sizes, fault kinds and step names are read from it,
 * in its order, so that a document with more or fewer of them draws them
 * all. No drawing library here: plot_draw.c draws what this lays out. */
#include "plot.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 700.0
#define PAGE_H 430.0
#define MARGIN 16.0
#define LEGEND_ROW 14.0
#define NOTE_ROW 12.0
#define SWATCH 26.0 /* a legend entry's sample, before its name */
/* A bar this many times the median bar's length breaks the axis: drawn to
 * scale, it would leave the others a few points long. */
#define OUTLIER_FACTOR 4.0

/* ---- reading the document ---- */

/* o[key] as {min, median, max}, or a plain number (one run, as older
 * documents have it: no spread). 0, or -1 when it is neither. */
static int read_stat(json_t *o, const char *key, double *min, double *median, double *max)
{
	json_t *s = json_object_get(o, key);
	if (json_is_number(s)) {
		*min = *median = *max = json_number_value(s);
		return 0;
	}
	json_t *lo = json_object_get(s, "min"), *mid = json_object_get(s, "median"),
	       *hi = json_object_get(s, "max");
	if (!json_is_number(lo) || !json_is_number(mid) || !json_is_number(hi))
		return -1;
	*min = json_number_value(lo);
	*median = json_number_value(mid);
	*max = json_number_value(hi);
	return 0;
}

static const char *string_of(json_t *o, const char *key, const char *otherwise)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : otherwise;
}

/* doc[key] as a list with at least one entry, or NULL with e set. */
static json_t *figure_list(json_t *doc, const char *name, const char *key, const char *what,
			   struct err *e)
{
	json_t *list = json_object_get(doc, key);
	if (!json_is_array(list) || json_array_size(list) == 0) {
		err_set(e, "bench: %s has no %s figure: its \"%s\" list is missing or empty", name, what,
			key);
		return NULL;
	}
	return list;
}

/* "vmfo 0.1.0 on Linux 6.1 x86_64, 3 runs; document: NAME" */
static void source_note(json_t *doc, const char *name, char *buf, size_t size)
{
	json_t *machine = json_object_get(doc, "machine"), *config = json_object_get(doc, "config");
	json_t *runs = json_object_get(config, "runs");
	snprintf(buf, size, "vmfo %s bench on Linux %s %s, %lld run%s a figure; from %s",
		 string_of(doc, "vmfo", "?"), string_of(machine, "kernel", "?"),
		 string_of(machine, "arch", "?"), (long long)json_integer_value(runs),
		 json_integer_value(runs) == 1 ? "" : "s", name);
}

/* ---- the page ---- */

static double text_width(const char *s, double size)
{
	return (double)strlen(s) * size * PLOT_CHAR_EM;
}

static void add_note(struct plot *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(struct plot *p, const char *fmt, ...)
{
	if (p->nnote == PLOT_MAX_NOTES)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->note[p->nnote++], PLOT_TEXT_MAX, fmt, ap);
	va_end(ap);
}

/* The page around a plot area: titles above, the legend (widest entry
 * legend_w) at the right, the x axis's labels and the notes below. */
static void page(struct plot *p, double label_w, double legend_w)
{
	p->width = PAGE_W;
	p->height = PAGE_H;
	p->top = 64;
	p->left = MARGIN + 14 + label_w + 12; /* the y axis's title, its labels */
	p->right = PAGE_W - MARGIN - (legend_w > 0 ? legend_w + SWATCH + 16 : 0);
	p->bottom = PAGE_H - MARGIN - 36 - NOTE_ROW * PLOT_MAX_NOTES;
	p->legend_x = p->right + 16;
	p->legend_y = p->top + 8;
}

/* The widest of n names, each stride bytes after the one before. */
static double widest(const char *first, int n, size_t stride)
{
	double w = 0;
	for (int i = 0; i < n; i++) {
		const char *s = first + (size_t)i * stride;
		double t = text_width(s, PLOT_FONT);
		w = t > w ? t : w;
	}
	return w;
}

/* ---- handover against copy ---- */

static const struct {
	const char *key, *name;
} handover_series[] = {
	{ "service_ms", "time to service (move)" },
	{ "detach_attach_ms", "detach + attach" },
	{ "copy_fresh_ms", "copy into fresh memory" },
	{ "copy_touched_ms", "copy into touched memory" },
	/* a document from before a handover had two ends */
	{ "move_ms", "move, read back (older)" },
	{ "copy_ms", "copy (older document)" },
};

/* Series k's points from each size that has it. -1 with e set when an
 * entry is not what a handover entry is. */
static int read_series(json_t *list, const char *name, int k, struct plot_series *s, struct err *e)
{
	size_t i;
	json_t *h;
	memset(s, 0, sizeof *s);
	strlcpy0(s->key, handover_series[k].key, sizeof s->key);
	strlcpy0(s->name, handover_series[k].name, sizeof s->name);
	json_array_foreach(list, i, h) {
		json_t *mb = json_object_get(h, "mb");
		if (!json_is_number(mb))
			return err_set(e, "bench: %s: handover entry %zu has no size (\"mb\")", name, i + 1);
		if (!json_object_get(h, s->key))
			continue;
		if (s->n == PLOT_MAX_POINTS)
			return err_set(e, "bench: %s: more than %d handover sizes", name, PLOT_MAX_POINTS);
		if (read_stat(h, s->key, &s->min[s->n], &s->median[s->n], &s->max[s->n]))
			return err_set(e, "bench: %s: handover[%g MB].%s is neither a number nor {min, median, max}",
				       name, json_number_value(mb), s->key);
		s->x[s->n++] = json_number_value(mb);
	}
	return 0;
}

/* The range of the series' positive values (a log scale shows no other):
 * 0 when there is one, and the points left out (at 0 or below). */
static int positive_range(const struct plot *p, double *xlo, double *xhi, double *ylo, double *yhi,
			  int *left_out)
{
	*xlo = *ylo = INFINITY;
	*xhi = *yhi = 0;
	*left_out = 0;
	for (int k = 0; k < p->nseries; k++)
		for (int i = 0; i < p->series[k].n; i++) {
			const struct plot_series *s = &p->series[k];
			if (!(s->median[i] > 0) || !(s->x[i] > 0)) {
				(*left_out)++;
				continue;
			}
			*xlo = fmin(*xlo, s->x[i]);
			*xhi = fmax(*xhi, s->x[i]);
			*ylo = fmin(*ylo, s->min[i] > 0 ? s->min[i] : s->median[i]);
			*yhi = fmax(*yhi, fmax(s->max[i], s->median[i]));
		}
	return *xhi > 0 ? 0 : -1;
}

static int handover_figure(json_t *doc, const char *name, struct plot *p, struct err *e)
{
	json_t *list = figure_list(doc, name, "handover", "handover", e);
	if (!list)
		return -1;
	for (int k = 0; k < (int)ARRAY_SIZE(handover_series) && p->nseries < PLOT_MAX_SERIES; k++) {
		if (read_series(list, name, k, &p->series[p->nseries], e))
			return -1;
		p->nseries += p->series[p->nseries].n > 0;
	}
	double xlo, xhi, ylo, yhi;
	int left_out;
	if (!p->nseries || positive_range(p, &xlo, &xhi, &ylo, &yhi, &left_out))
		return err_set(e, "bench: %s has no handover figure: no size has a time above 0 ms in "
			       "service_ms, detach_attach_ms, copy_fresh_ms or copy_touched_ms", name);
	strlcpy0(p->name, "handover", sizeof p->name);
	snprintf(p->title, sizeof p->title,
		 "Handing over storage moves its ownership; copying it is the baseline");
	snprintf(p->subtitle, sizeof p->subtitle,
		 "time against storage moved, log-log: medians joined by lines, min-max as whiskers");
	double legend_w = widest(&p->series[0].name[0], p->nseries, sizeof p->series[0]);
	page(p, text_width("1000", PLOT_FONT), legend_w);
	plot_axis_log(&p->x, xlo, xhi);
	plot_axis_log(&p->y, ylo, yhi);
	strlcpy0(p->x.title, "storage moved (MB)", sizeof p->x.title);
	strlcpy0(p->y.title, "time (ms)", sizeof p->y.title);
	if (left_out)
		add_note(p, "%d point%s at 0 ms left out: a log scale cannot show 0", left_out,
			 left_out == 1 ? "" : "s");
	return 0;
}

/* ---- the failover's steps ---- */

static int step_index(struct plot *p, const char *step)
{
	for (int i = 0; i < p->nsegname; i++)
		if (!strcmp(p->segname[i], step))
			return i;
	if (p->nsegname == PLOT_MAX_SEGS)
		return -1;
	strlcpy0(p->segname[p->nsegname], step, sizeof p->segname[0]);
	return p->nsegname++;
}

/* One fault kind's bar: the median of each step, in the legend's order. */
static int read_steps(struct plot *p, json_t *f, const char *name, struct err *e)
{
	struct plot_bar *b = &p->bar[p->nbar];
	json_t *steps = json_object_get(f, "steps_ms"), *v;
	const char *step;
	memset(b, 0, sizeof *b);
	strlcpy0(b->name, string_of(f, "fault", "?"), sizeof b->name);
	if (!json_is_object(steps) || json_object_size(steps) == 0)
		return err_set(e, "bench: %s: failover[%s] has no steps (\"steps_ms\")", name, b->name);
	json_object_foreach(steps, step, v) {
		double lo, mid, hi;
		int k = step_index(p, step);
		if (k < 0)
			return err_set(e, "bench: %s: more than %d failover steps", name, PLOT_MAX_SEGS);
		if (read_stat(steps, step, &lo, &mid, &hi))
			return err_set(e, "bench: %s: failover[%s].steps_ms.%s is neither a number nor "
				       "{min, median, max}",
				       name, b->name, step);
		b->seg[k] = mid;
	}
	p->nbar++;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median_total(const struct plot *p)
{
	double t[PLOT_MAX_BARS];
	for (int i = 0; i < p->nbar; i++)
		t[i] = p->bar[i].total;
	qsort(t, (size_t)p->nbar, sizeof t[0], cmp_double);
	return p->nbar % 2 ? t[p->nbar / 2] : (t[p->nbar / 2 - 1] + t[p->nbar / 2]) / 2;
}

static int longest_segment(const struct plot_bar *b)
{
	int k = 0;
	for (int i = 1; i < b->nseg; i++)
		if (b->seg[i] > b->seg[k])
			k = i;
	return k;
}

/* A bar far longer than the median one: its longest step runs through a
 * gap in the axis, the same scale either side, and a note says so. */
static void break_for_outliers(struct plot *p, json_t *list)
{
	double typical = median_total(p), low = 0, high_lo = INFINITY, high_hi = 0;
	int outliers = 0;
	for (int i = 0; i < p->nbar; i++) {
		const struct plot_bar *b = &p->bar[i];
		if (b->total > OUTLIER_FACTOR * typical && typical > 0) {
			int k = longest_segment(b);
			low = fmax(low, b->start[k]);
			high_lo = fmin(high_lo, b->start[k] + b->seg[k]);
			high_hi = fmax(high_hi, b->total);
			outliers++;
		} else
			low = fmax(low, b->total);
	}
	plot_axis_linear(&p->x, 0, low, 6);
	if (!outliers || outliers == p->nbar)
		return;
	p->x.gap_pt = 30; /* room for the two tick labels either side of it */
	plot_axis_break(&p->x, high_lo, high_hi);
	if (!p->x.broken)
		return;
	add_note(p, "The axis is broken from %g to %g ms (the same scale either side), so that the "
		    "short steps stay readable:", p->x.gap_lo, p->x.gap_hi);
	for (int i = 0; i < p->nbar; i++) {
		const struct plot_bar *b = &p->bar[i];
		if (b->total <= p->x.gap_lo)
			continue;
		int k = longest_segment(b);
		double bound = json_number_value(json_object_get(json_array_get(list, (size_t)i),
								 "detect_bound_ms"));
		char why[80] = "";
		if (bound > 0)
			snprintf(why, sizeof why, "; it cannot be under %g ms (miss x heartbeat)", bound);
		add_note(p, "%s: %s took %.3f ms%s", b->name, p->segname[k], b->seg[k], why);
	}
}

static int steps_figure(json_t *doc, const char *name, struct plot *p, struct err *e)
{
	json_t *list = figure_list(doc, name, "failover", "failover steps", e), *f;
	size_t i;
	if (!list)
		return -1;
	json_array_foreach(list, i, f) {
		if (p->nbar == PLOT_MAX_BARS)
			return err_set(e, "bench: %s: more than %d fault kinds", name, PLOT_MAX_BARS);
		if (read_steps(p, f, name, e))
			return -1;
	}
	for (int b = 0; b < p->nbar; b++) {
		struct plot_bar *bar = &p->bar[b];
		bar->nseg = p->nsegname;
		bar->total = plot_stack(bar->seg, bar->nseg, bar->start);
		snprintf(bar->label, sizeof bar->label, "%.3f ms", bar->total);
	}
	strlcpy0(p->name, "steps", sizeof p->name);
	snprintf(p->title, sizeof p->title, "A failover step by step, per kind of fault");
	snprintf(p->subtitle, sizeof p->subtitle,
		 "each step's median time, stacked in the order the steps come (a step of 0 ms "
		 "is not seen)");
	double label_w = 0;
	for (int b = 0; b < p->nbar; b++)
		label_w = fmax(label_w, text_width(p->bar[b].name, PLOT_FONT));
	page(p, label_w, widest(&p->segname[0][0], p->nsegname, sizeof p->segname[0]));
	p->right -= text_width("000.000 ms", PLOT_FONT); /* room for the totals */
	p->legend_x = p->right + text_width("000.000 ms", PLOT_FONT) + 16;
	break_for_outliers(p, list);
	strlcpy0(p->x.title, "time (ms), the sum of the medians at each bar's end", sizeof p->x.title);
	return 0;
}

/* ---- what the heartbeat costs ---- */

static int protection_figure(json_t *doc, const char *name, struct plot *p, struct err *e)
{
	json_t *list = figure_list(doc, name, "protection", "protection", e), *entry;
	size_t i;
	if (!list)
		return -1;
	double lo = 0, hi = 0;
	json_array_foreach(list, i, entry) {
		struct plot_bar *b = &p->bar[p->nbar];
		json_t *hb = json_object_get(entry, "heartbeat_ms");
		if (p->nbar == PLOT_MAX_BARS)
			return err_set(e, "bench: %s: more than %d heartbeat settings", name, PLOT_MAX_BARS);
		if (!json_is_number(hb))
			return err_set(e, "bench: %s: protection entry %zu has no heartbeat_ms", name, i + 1);
		memset(b, 0, sizeof *b);
		if (json_number_value(hb) > 0)
			snprintf(b->name, sizeof b->name, "every %g ms", json_number_value(hb));
		else
			strlcpy0(b->name, "off", sizeof b->name);
		if (read_stat(entry, "cost_pct", &b->min, &b->median, &b->max))
			return err_set(e, "bench: %s has no protection figure: protection[heartbeat %g ms] "
				       "has no cost_pct {min, median, max}", name, json_number_value(hb));
		snprintf(b->label, sizeof b->label, "%+.2f %%", b->median);
		lo = fmin(lo, fmin(b->min, b->median));
		hi = fmax(hi, fmax(b->max, b->median));
		p->nbar++;
	}
	strlcpy0(p->name, "protection", sizeof p->name);
	snprintf(p->title, sizeof p->title, "What protection costs: ledger throughput lost to the "
		 "heartbeat");
	snprintf(p->subtitle, sizeof p->subtitle,
		 "cost against heartbeat off in the same round: medians as bars, min-max as whiskers");
	page(p, text_width("-100", PLOT_FONT), 0);
	plot_axis_linear(&p->y, lo, hi, 6);
	strlcpy0(p->y.title, "cost against off (%)", sizeof p->y.title);
	add_note(p, "Below 0: faster than with the heartbeat off in the same round, which is noise.");
	return 0;
}

/* ---- all three ---- */

/* Page coordinates for the axes, and the bars' places along the other
 * axis, once each figure has its plot area. */
static void place(struct plot *p)
{
	p->x.from = p->left;
	p->x.to = p->right;
	p->y.from = p->bottom;
	p->y.to = p->top;
	if (p->kind == PLOT_STEPS) { /* horizontal bars, top to bottom */
		double row = (p->bottom - p->top) / p->nbar;
		p->bar_thick = fmin(row * 0.6, 28);
		for (int i = 0; i < p->nbar; i++)
			p->bar[i].at = p->top + row * (i + 0.5);
	} else if (p->kind == PLOT_PROTECTION) { /* vertical bars, left to right */
		double col = (p->right - p->left) / p->nbar;
		p->bar_thick = fmin(col * 0.5, 60);
		for (int i = 0; i < p->nbar; i++)
			p->bar[i].at = p->left + col * (i + 0.5);
	}
}

int plot_figures(json_t *doc, const char *name, struct plot figs[PLOT_FIGURES], struct err *e)
{
	static int (*const make[PLOT_FIGURES])(json_t *, const char *, struct plot *, struct err *) = {
		handover_figure, steps_figure, protection_figure
	};
	char source[PLOT_TEXT_MAX];
	source_note(doc, name, source, sizeof source);
	for (int i = 0; i < PLOT_FIGURES; i++) {
		memset(&figs[i], 0, sizeof figs[i]);
		figs[i].kind = (enum plot_kind)i;
		if (make[i](doc, name, &figs[i], e))
			return -1;
		add_note(&figs[i], "%s", source);
		place(&figs[i]);
	}
	return 0;
}

/* ---- the model as text ---- */

static void dump_axis(const struct plot_axis *a, const char *which, FILE *f)
{
	char t[32];
	fprintf(f, "axis %s %s %g..%g", which, a->log ? "log" : "linear", a->lo, a->hi);
	if (a->broken)
		fprintf(f, " broken=%g..%g", a->gap_lo, a->gap_hi);
	fprintf(f, " ticks=");
	for (int i = 0; i < a->nticks; i++) {
		plot_tick_label(a->tick[i], t, sizeof t);
		fprintf(f, "%s%s", i ? "," : "", t);
	}
	fprintf(f, " \"%s\"\n", a->title);
}

static void dump_series(const struct plot *p, FILE *f)
{
	for (int k = 0; k < p->nseries; k++) {
		const struct plot_series *s = &p->series[k];
		fprintf(f, "series %s \"%s\" points=%d\n", s->key, s->name, s->n);
		for (int i = 0; i < s->n; i++)
			fprintf(f, "point %s x=%g min=%g median=%g max=%g at=%.0f,%.0f\n", s->key, s->x[i],
				s->min[i], s->median[i], s->max[i], plot_axis_pos(&p->x, s->x[i]),
				plot_axis_pos(&p->y, s->median[i]));
	}
	for (int k = 0; k < p->nseries; k++)
		fprintf(f, "legend \"%s\"\n", p->series[k].name);
}

static void dump_bars(const struct plot *p, FILE *f)
{
	for (int i = 0; i < p->nbar; i++) {
		const struct plot_bar *b = &p->bar[i];
		if (p->kind == PLOT_PROTECTION) {
			fprintf(f, "bar \"%s\" min=%g median=%g max=%g label=\"%s\" at=%.0f\n", b->name,
				b->min, b->median, b->max, b->label, b->at);
			continue;
		}
		fprintf(f, "bar \"%s\" total=%g label=\"%s\" at=%.0f\n", b->name, b->total, b->label,
			b->at);
		for (int k = 0; k < b->nseg; k++)
			fprintf(f, "segment \"%s\" %s start=%g ms=%g\n", b->name, p->segname[k],
				b->start[k], b->seg[k]);
	}
	for (int k = 0; k < p->nsegname; k++)
		fprintf(f, "legend \"%s\"\n", p->segname[k]);
	if (p->kind == PLOT_PROTECTION)
		fprintf(f, "zero at=%.0f\n", plot_axis_pos(&p->y, 0));
}

void plot_dump(const struct plot *p, FILE *f)
{
	fprintf(f, "plot %s %.0fx%.0f \"%s\"\n", p->name, p->width, p->height, p->title);
	fprintf(f, "subtitle \"%s\"\n", p->subtitle);
	if (p->kind != PLOT_PROTECTION)
		dump_axis(&p->x, "x", f);
	if (p->kind != PLOT_STEPS)
		dump_axis(&p->y, "y", f);
	dump_series(p, f);
	dump_bars(p, f);
	for (int i = 0; i < p->nnote; i++)
		fprintf(f, "note \"%s\"\n", p->note[i]);
}
