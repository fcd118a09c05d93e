/* chart_handout_draw.c — the handout's page painted with cairo (claims
 * 1-9 on one sheet): its text here, each cell's chart by chart_paint(),
 * the very painting of 'vmfo trace --svg', scaled; written as PDF, SVG or
 * PNG by figure_file.c, whole or not at all. Black on white, one face,
 * so that it prints as it shows. */
#include "chart_handout.h"

#include <cairo.h>

#include "figure_file.h"

#define FACE "DejaVu Sans Mono" /* the face CHART_CHAR_EM measures */
#define FRAME 0.5               /* around each chart */

static void say(cairo_t *cr, double x, double y, double size, bool bold, const char *s)
{
	cairo_select_font_face(cr, FACE, CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

static void draw_head(cairo_t *cr, const struct handout *h)
{
	say(cr, HANDOUT_MARGIN, h->title_y, HANDOUT_TITLE_FONT, true, h->title);
	say(cr, HANDOUT_MARGIN, h->source_y, HANDOUT_FONT, false, h->source);
	if (h->left_out[0])
		say(cr, HANDOUT_MARGIN, h->left_out_y, HANDOUT_FONT, false, h->left_out);
}

/* Each chart as 'vmfo trace' draws it, scaled, in a thin frame so that
 * two side by side stay apart. */
static void draw_cells(cairo_t *cr, const struct handout *h)
{
	for (int k = 0; k < h->ncell; k++) {
		const struct handout_cell *c = &h->cell[k];
		chart_paint(cr, &c->chart, c->x, c->y, h->scale);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_set_line_width(cr, FRAME);
		cairo_rectangle(cr, c->x, c->y, c->w, c->h);
		cairo_stroke(cr);
	}
}

static void draw_claims(cairo_t *cr, const struct handout *h)
{
	double right = HANDOUT_W - HANDOUT_MARGIN;
	cairo_set_line_width(cr, FRAME);
	cairo_move_to(cr, HANDOUT_MARGIN, h->claims_rule_y);
	cairo_line_to(cr, right, h->claims_rule_y);
	cairo_stroke(cr);
	say(cr, HANDOUT_MARGIN, h->claims_head_y, HANDOUT_HEAD_FONT, true,
	    "Claim \u2192 where to look: the arrows (event names) of the charts above");
	for (int k = 0; k < HANDOUT_CLAIMS; k++) {
		const struct handout_claim *c = &h->claim[k];
		char number[4];
		snprintf(number, sizeof number, "%d", k + 1);
		say(cr, HANDOUT_MARGIN, c->y, HANDOUT_FONT, true, number);
		say(cr, HANDOUT_MARGIN + HANDOUT_INDENT, c->y, HANDOUT_FONT, true, c->plain);
		for (int i = 0; i < c->nline; i++)
			say(cr, HANDOUT_MARGIN + HANDOUT_INDENT, c->y + (i + 1) * HANDOUT_LINE_H, HANDOUT_FONT,
			    false, c->line[i]);
	}
}

static void paint(cairo_t *cr, const void *model)
{
	const struct handout *h = model;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	draw_head(cr, h);
	draw_cells(cr, h);
	draw_claims(cr, h);
}

int chart_handout_draw_file(const struct handout *h, enum chart_format f, const char *path,
			    struct err *e)
{
	struct figure fig = { HANDOUT_W, HANDOUT_H, "the handout", h->title, paint, h };
	return figure_write(&fig, (enum figure_format)f, path, e);
}
