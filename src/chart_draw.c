/* chart_draw.c — a chart's model drawn with cairo. One drawing routine
 * serves every format: a cairo context draws the same on an SVG or PDF
 * document as on an image, so the three cannot drift apart. Black on
 * white, plain lines, one face, in the style of a patent's figures, so it
 * reads the same printed. figure_file.c writes the file, whole or not at
 * all. */
#include "chart.h"

#include <cairo.h>
#include <math.h>
#include <string.h>

#include "figure_file.h"

#define FACE "DejaVu Sans Mono" /* the face CHART_CHAR_EM measures */
#define THIN 0.75               /* lifelines, head boxes, section rules */
#define STROKE 1.0              /* arrows */
#define TIP_LEN 6.0             /* an arrowhead's length and half its width */
#define TIP_HALF 2.6

enum align { LEFT, CENTRE, RIGHT };

const char *chart_format_name(enum chart_format f)
{
	return figure_format_name((enum figure_format)f);
}

static void face(cairo_t *cr, double size, bool bold)
{
	cairo_select_font_face(cr, FACE, CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

/* Text on baseline y. With ground, on white: a lifeline it crosses stops
 * short of it instead of running through the letters. */
static void text(cairo_t *cr, double x, double y, enum align a, bool ground, const char *s)
{
	cairo_text_extents_t t;
	cairo_text_extents(cr, s, &t);
	double x0 = a == LEFT ? x : a == CENTRE ? x - t.x_advance / 2 : x - t.x_advance;
	if (ground) {
		cairo_font_extents_t f;
		cairo_font_extents(cr, &f);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_rectangle(cr, x0 - 2, y - f.ascent, t.x_advance + 4, f.ascent + f.descent);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
	}
	cairo_move_to(cr, x0, y);
	cairo_show_text(cr, s);
}

/* A filled head with its tip at (x, y), pointing right (dir 1) or left (-1). */
static void tip(cairo_t *cr, double x, double y, double dir)
{
	cairo_move_to(cr, x, y);
	cairo_line_to(cr, x - dir * TIP_LEN, y - TIP_HALF);
	cairo_line_to(cr, x - dir * TIP_LEN, y + TIP_HALF);
	cairo_close_path(cr);
	cairo_fill(cr);
}

static void draw_titles(cairo_t *cr, const struct chart *c)
{
	face(cr, CHART_TITLE_FONT, true);
	text(cr, c->seq_x, c->title_y, LEFT, false, c->title);
	face(cr, CHART_FONT, false);
	text(cr, c->seq_x, c->subtitle_y, LEFT, false, c->subtitle);
}

/* Each lifeline: a box with its name (and role), the line down, and a
 * short bar where it ends. */
static void draw_lifelines(cairo_t *cr, const struct chart *c)
{
	double w = c->spacing - 16, h = c->head_h;
	for (int i = 0; i < c->nlife; i++) {
		const struct chart_lifeline *l = &c->life[i];
		cairo_set_line_width(cr, THIN);
		cairo_rectangle(cr, l->x - w / 2, c->head_top, w, h);
		cairo_stroke(cr);
		bool two = l->role[0] != '\0';
		face(cr, CHART_HEAD_FONT, true);
		text(cr, l->x, c->head_top + (two ? 12.5 : 18.5), CENTRE, false, l->name);
		face(cr, CHART_FONT, false);
		if (two)
			text(cr, l->x, c->head_top + 24, CENTRE, false, l->role);
		figure_line(cr, THIN, l->x, c->life_top, l->x, c->life_end);
		figure_line(cr, STROKE, l->x - 6, c->life_end, l->x + 6, c->life_end);
	}
}

/* Between takeovers: a dashed rule across the page, the takeover's title
 * on it. */
static void draw_sections(cairo_t *cr, const struct chart *c)
{
	static const double dash[] = { 4, 3 };
	for (int k = 0; c->nsection > 1 && k < c->nsection; k++) {
		const struct chart_section *s = &c->section[k];
		cairo_set_dash(cr, dash, 2, 0);
		figure_line(cr, THIN, c->seq_x, s->y, c->width - c->seq_x, s->y);
		cairo_set_dash(cr, NULL, 0, 0);
		face(cr, CHART_HEAD_FONT, true);
		text(cr, c->seq_x, s->y - 4, LEFT, true, s->title);
	}
}

static void draw_margins(cairo_t *cr, const struct chart *c, const struct chart_arrow *a)
{
	char buf[48];
	face(cr, CHART_FONT, false);
	snprintf(buf, sizeof buf, "#%llu", (unsigned long long)a->seq);
	text(cr, c->seq_x, a->y + 3, LEFT, false, buf);
	snprintf(buf, sizeof buf, "+%.3f ms", (double)a->since_us / 1000.0);
	text(cr, c->time_x, a->y + 3, RIGHT, false, buf);
	char list[24];
	if (event_claims_text(a->claims, list, sizeof list)) {
		snprintf(buf, sizeof buf, "claim%s %s", strchr(list, ',') ? "s" : "", list);
		text(cr, c->claims_x, a->y + 3, LEFT, false, buf);
	}
}

/* An arrow from one lifeline to another with its label above it, or a
 * step on one lifeline: a loop back to it, the label beside. */
static void draw_arrow(cairo_t *cr, const struct chart *c, const struct chart_arrow *a)
{
	double x0 = c->life[a->from].x, x1 = c->life[a->to].x, y = a->y;
	if (a->from == a->to) {
		double top = y - CHART_SELF_H / 2, bottom = y + CHART_SELF_H / 2;
		cairo_set_line_width(cr, STROKE);
		cairo_move_to(cr, x0, top);
		cairo_line_to(cr, x0 + CHART_SELF_W, top);
		cairo_line_to(cr, x0 + CHART_SELF_W, bottom);
		cairo_line_to(cr, x0 + TIP_LEN, bottom);
		cairo_stroke(cr);
		tip(cr, x0, bottom, -1);
		face(cr, CHART_FONT, false);
		text(cr, x0 + CHART_SELF_W + 6, y, LEFT, true, a->name);
		if (a->note[0])
			text(cr, x0 + CHART_SELF_W + 6, y + 10, LEFT, true, a->note);
	} else {
		double dir = x1 > x0 ? 1 : -1;
		figure_line(cr, STROKE, x0, y, x1 - dir * TIP_LEN, y);
		tip(cr, x1, y, dir);
		face(cr, CHART_FONT, false);
		text(cr, (x0 + x1) / 2, y - 4, CENTRE, true, a->name);
		if (a->note[0])
			text(cr, (x0 + x1) / 2, y + 10, CENTRE, true, a->note);
	}
	draw_margins(cr, c, a);
}

/* The chart on white, its own size only: on the handout's page the
 * ground must not cover what lies beside it. */
void chart_paint(cairo_t *cr, const struct chart *c, double x, double y, double scale)
{
	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_scale(cr, scale, scale);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, 0, 0, c->width, c->height);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	draw_titles(cr, c);
	draw_lifelines(cr, c);
	draw_sections(cr, c);
	for (int i = 0; i < c->narrow; i++)
		draw_arrow(cr, c, &c->arrow[i]);
	cairo_restore(cr);
}

static void paint(cairo_t *cr, const void *model)
{
	chart_paint(cr, model, 0, 0, 1);
}

static int too_big_for_png(const struct chart *c, struct err *e)
{
	double w = ceil(c->width * FIGURE_PNG_SCALE), h = ceil(c->height * FIGURE_PNG_SCALE);
	if (w <= FIGURE_PNG_MAX_PX && h <= FIGURE_PNG_MAX_PX)
		return 0;
	return err_set(e, "the chart is too big for a PNG (%.0fx%.0f pixels, at most %d a side): "
			  "draw one failover with --fo N, or use --svg or --pdf", w, h, FIGURE_PNG_MAX_PX);
}

int chart_draw_file(const struct chart *c, enum chart_format f, const char *path, struct err *e)
{
	if (f == CHART_PNG && too_big_for_png(c, e))
		return -1;
	struct figure fig = { c->width, c->height, "the chart", c->title, paint, c };
	return figure_write(&fig, (enum figure_format)f, path, e);
}
