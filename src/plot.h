/* plot.h — the bench's figures as plots: `vmfo bench --plot DIR [--from
 * DOC.json]`. A front end in three parts, like the sequence charts:
 * plot_axis.c is the arithmetic of a plot (log and linear axes, nice tick
 * values, an axis broken over a gap, stacked bars), plot_figures.c turns a
 * bench document (vmfo bench --json) into each figure's model, and
 * plot_draw.c draws a model with cairo as SVG, PDF and PNG through one
 * code path. Neither of the first two knows a drawing library; all three
 * read the document's numbers and nothing else. */
#ifndef VMFO_PLOT_H
#define VMFO_PLOT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "util.h"

/* Sizes in points (1/72 inch). Labels are monospaced, so the layout knows
 * their width without asking a font: PLOT_CHAR_EM of the size a character
 * (DejaVu Sans Mono's advance, as CHART_CHAR_EM). */
#define PLOT_FONT 9.0
#define PLOT_TITLE_FONT 12.0
#define PLOT_CHAR_EM 0.602
#define PLOT_LABEL_MAX 64
#define PLOT_TEXT_MAX 200
#define PLOT_MAX_TICKS 32
#define PLOT_MAX_SERIES 8
#define PLOT_MAX_POINTS 24
#define PLOT_MAX_BARS 12
#define PLOT_MAX_SEGS 12
#define PLOT_MAX_NOTES 4

/* ---- axes (plot_axis.c) ---- */

/* An axis: the values it shows, from lo to hi, drawn from page coordinate
 * from to to. A log axis shows decades; a linear one may be broken: the
 * values between gap_lo and gap_hi are left out (the same scale either
 * side), so that one long bar does not squash the others. */
struct plot_axis {
	bool log;
	bool broken;
	double lo, hi;
	double step; /* between ticks, linear */
	double gap_lo, gap_hi;
	double from, to;
	double gap_pt; /* the page space the break itself takes */
	int nticks;
	double tick[PLOT_MAX_TICKS];
	char title[PLOT_LABEL_MAX];
};

/* The step of about want ticks over span: 1, 2 or 5 times a power of ten. */
double plot_nice_step(double span, int want);
/* Fit a linear axis to [lo, hi] (0 always shown): its ends on whole steps,
 * a tick on each. */
void plot_axis_linear(struct plot_axis *a, double lo, double hi, int want);
/* Fit a log axis to [lo, hi] (both > 0): its ends on powers of ten, a tick
 * on each; -1 when a value is not positive (no log scale can show it). */
int plot_axis_log(struct plot_axis *a, double lo, double hi);
/* Break a linear axis fitted to [0, low_hi] so that it also shows
 * [high_lo, high_hi]: the gap runs from a step above low_hi to a step
 * below high_lo, and ticks go on, by the same step, after it. Nothing is
 * broken when the gap would be under two steps. */
void plot_axis_break(struct plot_axis *a, double high_lo, double high_hi);
/* Where value v goes on the page (a value in the gap: the gap's middle). */
double plot_axis_pos(const struct plot_axis *a, double v);
/* A tick's label: as short as its value allows ("0.01", "10", "2.5", "-5"). */
void plot_tick_label(double v, char *buf, size_t size);

/* Each stacked segment's start: start[i] is the sum of v[0..i). Returns
 * the total. */
double plot_stack(const double *v, int n, double *start);

/* ---- the figures (plot_figures.c) ---- */

enum plot_kind { PLOT_HANDOVER, PLOT_STEPS, PLOT_PROTECTION };

/* A line of points (handover): x the size, each with its runs' spread. */
struct plot_series {
	char key[PLOT_LABEL_MAX];  /* the document's name: "service_ms" */
	char name[PLOT_LABEL_MAX]; /* the legend's: "time to service (move)" */
	int n;
	double x[PLOT_MAX_POINTS], min[PLOT_MAX_POINTS], median[PLOT_MAX_POINTS],
		max[PLOT_MAX_POINTS];
};

/* A bar: stacked segments (steps), or one value with its spread
 * (protection). */
struct plot_bar {
	char name[PLOT_LABEL_MAX];
	int nseg;
	double seg[PLOT_MAX_SEGS], start[PLOT_MAX_SEGS];
	double total;
	double at; /* its centre across its axis, on the page */
	double min, median, max;
	char label[PLOT_LABEL_MAX]; /* printed at its end: "2.969 ms" */
};

struct plot {
	enum plot_kind kind;
	char name[16]; /* the files' name: handover.svg */
	char title[PLOT_TEXT_MAX], subtitle[PLOT_TEXT_MAX];
	char note[PLOT_MAX_NOTES][PLOT_TEXT_MAX]; /* under the plot */
	int nnote;
	double width, height;
	double left, top, right, bottom; /* the plot area */
	double legend_x, legend_y;       /* the legend's first entry */
	struct plot_axis x, y;
	int nseries;
	struct plot_series series[PLOT_MAX_SERIES];
	int nbar;
	struct plot_bar bar[PLOT_MAX_BARS];
	int nsegname; /* steps: the legend, one name a segment */
	char segname[PLOT_MAX_SEGS][PLOT_LABEL_MAX];
	double bar_thick; /* a bar's thickness across its axis */
};

enum { PLOT_FIGURES = 3 };

/* The three figures of a bench document, laid out: handover, steps,
 * protection. 0, or -1 with e saying which figure the document lacks or
 * holds wrong (name is the document's, for the message). */
int plot_figures(json_t *doc, const char *name, struct plot figs[PLOT_FIGURES], struct err *e);
/* A model as text, one line per thing drawn, for tests and for reading:
 *   plot handover 640x400 "..."
 *   point service_ms x=64 min=... median=... max=... at=312,140 */
void plot_dump(const struct plot *p, FILE *f);

/* ---- drawing (plot_draw.c) ---- */

/* Draw p into DIR/NAME.svg, .pdf and .png, each whole or not at all. 0,
 * or -1 with e naming the file and why. */
int plot_write(const struct plot *p, const char *dir, struct err *e);

#endif
