/* plot_draw.c — a figure's model (plot_figures.c) drawn with cairo, by one
 * paint routine for SVG, PDF and PNG (figure_file.c writes each file whole
 * or not at all). Axes, grid, titles and notes in black and grey; the
 * data in a palette told apart by colour-blind readers too (Okabe and
 * Ito's), and lines told apart by their markers and dashes as well, so
 * that a figure still reads printed in grey. */
#include "plot.h"

#include <cairo.h>
#include <math.h>
#include <string.h>

#include "figure_file.h"

#define FACE "DejaVu Sans Mono" /* the face PLOT_CHAR_EM measures */
#define THIN 0.6
#define STROKE 1.4
#define MARKER 3.2   /* a marker's half size */
#define CAP 3.0      /* a whisker's cap, half its width */
#define TICK 4.0
#define MARGIN 16.0
#define GREY 0.87    /* grid lines */

enum align { LEFT, CENTRE, RIGHT };

static const double palette[][3] = {
	{ 0.00, 0.45, 0.70 }, /* blue */
	{ 0.00, 0.62, 0.45 }, /* bluish green */
	{ 0.84, 0.37, 0.00 }, /* vermillion */
	{ 0.90, 0.62, 0.00 }, /* orange */
	{ 0.80, 0.47, 0.65 }, /* reddish purple */
	{ 0.34, 0.71, 0.91 }, /* sky blue */
	{ 0.94, 0.89, 0.26 }, /* yellow */
	{ 0.40, 0.40, 0.40 }, /* grey */
	{ 0.00, 0.00, 0.00 }, /* black */
};

static void colour(cairo_t *cr, int i)
{
	const double *c = palette[i % (int)ARRAY_SIZE(palette)];
	cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

static void ink(cairo_t *cr, double grey)
{
	cairo_set_source_rgb(cr, grey, grey, grey);
}

static void face(cairo_t *cr, double size, bool bold)
{
	cairo_select_font_face(cr, FACE, CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

/* Text on baseline y. */
static void text(cairo_t *cr, double x, double y, enum align a, const char *s)
{
	cairo_text_extents_t t;
	cairo_text_extents(cr, s, &t);
	double x0 = a == LEFT ? x : a == CENTRE ? x - t.x_advance / 2 : x - t.x_advance;
	cairo_move_to(cr, x0, y);
	cairo_show_text(cr, s);
}

/* ---- axes ---- */

/* The minor ticks of a log axis: 2 to 9 times each decade. */
static void log_minor_ticks(cairo_t *cr, const struct plot *p, const struct plot_axis *a, bool x)
{
	for (double d = a->lo; d < a->hi; d *= 10)
		for (int m = 2; m <= 9; m++) {
			double at = plot_axis_pos(a, d * m);
			if (x)
				figure_line(cr, THIN, at, p->bottom, at, p->bottom + TICK / 2);
			else
				figure_line(cr, THIN, p->left - TICK / 2, at, p->left, at);
		}
}

/* A break in an axis: two short slanted strokes either side of its gap. */
static void break_marks(cairo_t *cr, double x0, double x1, double y)
{
	figure_line(cr, STROKE, x0 - 3, y + 5, x0 + 3, y - 5);
	figure_line(cr, STROKE, x1 - 3, y + 5, x1 + 3, y - 5);
}

/* Grid lines across the plot area at each tick, drawn before anything
 * else so that an axis or the data is never greyed over. */
static void grid(cairo_t *cr, const struct plot *p)
{
	ink(cr, GREY);
	for (int i = 0; p->kind != PLOT_PROTECTION && i < p->x.nticks; i++) {
		double at = plot_axis_pos(&p->x, p->x.tick[i]);
		figure_line(cr, THIN, at, p->top, at, p->bottom);
	}
	for (int i = 0; p->kind != PLOT_STEPS && i < p->y.nticks; i++) {
		double at = plot_axis_pos(&p->y, p->y.tick[i]);
		figure_line(cr, THIN, p->left, at, p->right, at);
	}
	ink(cr, 0);
}

static void x_axis(cairo_t *cr, const struct plot *p)
{
	const struct plot_axis *a = &p->x;
	char label[32];
	face(cr, PLOT_FONT, false);
	for (int i = 0; i < a->nticks; i++) {
		double at = plot_axis_pos(a, a->tick[i]);
		figure_line(cr, THIN, at, p->bottom, at, p->bottom + TICK);
		plot_tick_label(a->tick[i], label, sizeof label);
		text(cr, at, p->bottom + TICK + 10, CENTRE, label);
	}
	if (a->log)
		log_minor_ticks(cr, p, a, true);
	if (a->broken) {
		double g0 = plot_axis_pos(a, a->gap_lo), g1 = plot_axis_pos(a, a->gap_hi);
		figure_line(cr, STROKE, p->left, p->bottom, g0, p->bottom);
		figure_line(cr, STROKE, g1, p->bottom, p->right, p->bottom);
		break_marks(cr, g0, g1, p->bottom);
	} else
		figure_line(cr, STROKE, p->left, p->bottom, p->right, p->bottom);
	text(cr, (p->left + p->right) / 2, p->bottom + TICK + 26, CENTRE, a->title);
}

static void y_axis(cairo_t *cr, const struct plot *p)
{
	const struct plot_axis *a = &p->y;
	char label[32];
	face(cr, PLOT_FONT, false);
	for (int i = 0; i < a->nticks; i++) {
		double at = plot_axis_pos(a, a->tick[i]);
		figure_line(cr, THIN, p->left - TICK, at, p->left, at);
		plot_tick_label(a->tick[i], label, sizeof label);
		text(cr, p->left - TICK - 3, at + 3, RIGHT, label);
	}
	if (a->log)
		log_minor_ticks(cr, p, a, false);
	figure_line(cr, STROKE, p->left, p->top, p->left, p->bottom);
	cairo_save(cr); /* the title up the axis, read from below */
	cairo_translate(cr, MARGIN + 6, (p->top + p->bottom) / 2);
	cairo_rotate(cr, -M_PI / 2);
	text(cr, 0, 0, CENTRE, a->title);
	cairo_restore(cr);
}

/* ---- handover: lines of points ---- */

/* Marker k at (x, y): circle, square, triangle, diamond, in turn. */
static void marker(cairo_t *cr, int k, double x, double y)
{
	switch (k % 4) {
	case 0:
		cairo_arc(cr, x, y, MARKER, 0, 2 * M_PI);
		break;
	case 1:
		cairo_rectangle(cr, x - MARKER, y - MARKER, 2 * MARKER, 2 * MARKER);
		break;
	case 2:
		cairo_move_to(cr, x, y - MARKER * 1.2);
		cairo_line_to(cr, x + MARKER * 1.2, y + MARKER);
		cairo_line_to(cr, x - MARKER * 1.2, y + MARKER);
		cairo_close_path(cr);
		break;
	default:
		cairo_move_to(cr, x, y - MARKER * 1.3);
		cairo_line_to(cr, x + MARKER * 1.3, y);
		cairo_line_to(cr, x, y + MARKER * 1.3);
		cairo_line_to(cr, x - MARKER * 1.3, y);
		cairo_close_path(cr);
	}
	cairo_fill(cr);
}

/* Copies are the baseline: dashed, so they are told from handovers in grey. */
static void series_style(cairo_t *cr, const struct plot_series *s, int k)
{
	static const double dash[] = { 5, 3 };
	colour(cr, k);
	cairo_set_dash(cr, dash, strstr(s->key, "copy") ? 2 : 0, 0);
}

static void draw_series(cairo_t *cr, const struct plot *p, int k)
{
	const struct plot_series *s = &p->series[k];
	series_style(cr, s, k);
	cairo_set_line_width(cr, STROKE);
	for (int i = 0; i < s->n; i++) {
		double x = plot_axis_pos(&p->x, s->x[i]), y = plot_axis_pos(&p->y, s->median[i]);
		if (i)
			cairo_line_to(cr, x, y);
		else
			cairo_move_to(cr, x, y);
	}
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	for (int i = 0; i < s->n; i++) {
		double x = plot_axis_pos(&p->x, s->x[i]);
		double lo = plot_axis_pos(&p->y, s->min[i]), hi = plot_axis_pos(&p->y, s->max[i]);
		if (fabs(lo - hi) >= 1) {
			figure_line(cr, THIN * 1.5, x, lo, x, hi);
			figure_line(cr, THIN * 1.5, x - CAP, lo, x + CAP, lo);
			figure_line(cr, THIN * 1.5, x - CAP, hi, x + CAP, hi);
		}
		marker(cr, k, x, plot_axis_pos(&p->y, s->median[i]));
	}
}

static void series_legend(cairo_t *cr, const struct plot *p)
{
	face(cr, PLOT_FONT, false);
	for (int k = 0; k < p->nseries; k++) {
		double y = p->legend_y + k * 14.0, x = p->legend_x;
		series_style(cr, &p->series[k], k);
		figure_line(cr, STROKE, x, y - 3, x + 20, y - 3);
		cairo_set_dash(cr, NULL, 0, 0);
		marker(cr, k, x + 10, y - 3);
		ink(cr, 0);
		text(cr, x + 26, y, LEFT, p->series[k].name);
	}
}

/* ---- steps: stacked horizontal bars ---- */

/* The part of [v0, v1] on the axis's side of its gap, as page x's; false
 * when nothing of it is on that side. */
static bool visible_part(const struct plot_axis *a, double v0, double v1, bool high, double *x0,
			 double *x1)
{
	double lo = a->broken && high ? fmax(v0, a->gap_hi) : v0;
	double hi = a->broken && !high ? fmin(v1, a->gap_lo) : v1;
	if (hi <= lo)
		return false;
	*x0 = plot_axis_pos(a, lo);
	*x1 = plot_axis_pos(a, hi);
	return true;
}

static void draw_segment(cairo_t *cr, const struct plot *p, const struct plot_bar *b, int k)
{
	double top = b->at - p->bar_thick / 2, x0, x1;
	for (int side = 0; side < 1 + p->x.broken; side++) {
		if (!visible_part(&p->x, b->start[k], b->start[k] + b->seg[k], side, &x0, &x1))
			continue;
		cairo_rectangle(cr, x0, top, x1 - x0, p->bar_thick);
		colour(cr, k);
		cairo_fill_preserve(cr);
		ink(cr, 1); /* white between two steps */
		cairo_set_line_width(cr, THIN);
		cairo_stroke(cr);
	}
	if (p->x.broken && b->start[k] < p->x.gap_lo && b->start[k] + b->seg[k] > p->x.gap_hi) {
		ink(cr, 0); /* it runs through the gap: cut there, as the axis is */
		break_marks(cr, plot_axis_pos(&p->x, p->x.gap_lo), plot_axis_pos(&p->x, p->x.gap_hi), b->at);
	}
}

static void draw_stacked(cairo_t *cr, const struct plot *p)
{
	face(cr, PLOT_FONT, false);
	for (int i = 0; i < p->nbar; i++) {
		const struct plot_bar *b = &p->bar[i];
		for (int k = 0; k < b->nseg; k++)
			if (b->seg[k] > 0)
				draw_segment(cr, p, b, k);
		ink(cr, 0);
		text(cr, p->left - TICK - 3, b->at + 3, RIGHT, b->name);
		text(cr, plot_axis_pos(&p->x, b->total) + 4, b->at + 3, LEFT, b->label);
	}
	figure_line(cr, STROKE, p->left, p->top, p->left, p->bottom);
}

static void steps_legend(cairo_t *cr, const struct plot *p)
{
	face(cr, PLOT_FONT, false);
	for (int k = 0; k < p->nsegname; k++) {
		double y = p->legend_y + k * 14.0, x = p->legend_x;
		colour(cr, k);
		cairo_rectangle(cr, x, y - 8, 18, 9);
		cairo_fill(cr);
		ink(cr, 0);
		text(cr, x + 26, y, LEFT, p->segname[k]);
	}
}

/* ---- protection: bars with whiskers about a zero line ---- */

static void draw_whiskered(cairo_t *cr, const struct plot *p)
{
	double zero = plot_axis_pos(&p->y, 0);
	face(cr, PLOT_FONT, false);
	for (int i = 0; i < p->nbar; i++) {
		const struct plot_bar *b = &p->bar[i];
		double top = plot_axis_pos(&p->y, b->median);
		colour(cr, 0);
		cairo_rectangle(cr, b->at - p->bar_thick / 2, fmin(top, zero), p->bar_thick,
				fabs(zero - top));
		cairo_fill(cr);
		ink(cr, 0);
		double lo = plot_axis_pos(&p->y, b->min), hi = plot_axis_pos(&p->y, b->max);
		figure_line(cr, THIN * 1.5, b->at, lo, b->at, hi);
		figure_line(cr, THIN * 1.5, b->at - CAP * 2, lo, b->at + CAP * 2, lo);
		figure_line(cr, THIN * 1.5, b->at - CAP * 2, hi, b->at + CAP * 2, hi);
		text(cr, b->at, p->bottom + TICK + 10, CENTRE, b->name);
		text(cr, b->at, p->bottom + TICK + 22, CENTRE, b->label);
	}
	figure_line(cr, STROKE, p->left, zero, p->right, zero); /* the zero line */
	figure_line(cr, STROKE, p->left, p->bottom, p->right, p->bottom);
}

/* ---- the page ---- */

static void draw_titles(cairo_t *cr, const struct plot *p)
{
	ink(cr, 0);
	face(cr, PLOT_TITLE_FONT, true);
	text(cr, MARGIN, 24, LEFT, p->title);
	face(cr, PLOT_FONT, false);
	text(cr, MARGIN, 40, LEFT, p->subtitle);
	for (int i = 0; i < p->nnote; i++)
		text(cr, MARGIN, p->bottom + TICK + 48 + 12.0 * i, LEFT, p->note[i]);
}

static void paint(cairo_t *cr, const void *model)
{
	const struct plot *p = model;
	ink(cr, 1);
	cairo_paint(cr);
	draw_titles(cr, p);
	grid(cr, p);
	if (p->kind != PLOT_PROTECTION)
		x_axis(cr, p);
	if (p->kind != PLOT_STEPS)
		y_axis(cr, p);
	if (p->kind == PLOT_HANDOVER) {
		cairo_save(cr); /* a whisker below the axis's first decade stops at it */
		cairo_rectangle(cr, p->left, p->top, p->right - p->left, p->bottom - p->top);
		cairo_clip(cr);
		for (int k = 0; k < p->nseries; k++)
			draw_series(cr, p, k);
		cairo_restore(cr);
		series_legend(cr, p);
	} else if (p->kind == PLOT_STEPS) {
		draw_stacked(cr, p);
		steps_legend(cr, p);
	} else
		draw_whiskered(cr, p);
}

int plot_write(const struct plot *p, const char *dir, struct err *e)
{
	static const struct {
		enum figure_format format;
		const char *extension;
	} files[] = { { FIGURE_SVG, "svg" }, { FIGURE_PDF, "pdf" }, { FIGURE_PNG, "png" } };
	char what[64];
	snprintf(what, sizeof what, "the %s plot", p->name);
	struct figure fig = { p->width, p->height, what, p->title, paint, p };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char path[4096];
		if (snprintf(path, sizeof path, "%s/%s.%s", dir, p->name, files[i].extension) >=
		    (int)sizeof path)
			return err_set(e, "the directory name '%s' is too long", dir);
		if (figure_write(&fig, files[i].format, path, e))
			return -1;
	}
	return 0;
}
