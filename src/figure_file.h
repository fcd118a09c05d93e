/* figure_file.h — one drawing written as SVG, PDF or PNG through one cairo
 * code path, whole or not at all: what the sequence charts (chart_draw.c)
 * and the bench's plots (plot_draw.c) share, so that neither keeps its own
 * copy of the surfaces, the temporary file and the rename. */
#ifndef VMFO_FIGURE_FILE_H
#define VMFO_FIGURE_FILE_H

#include "util.h"

struct _cairo; /* cairo_t, as cairo.h declares it: users of this header
		* need not include cairo's */

/* A PNG has this many pixels per point (1/72 inch, the unit of SVG and
 * PDF), so that it stays sharp when printed. */
#define FIGURE_PNG_SCALE 2
#define FIGURE_PNG_MAX_PX 32767 /* the largest image cairo makes */

enum figure_format { FIGURE_SVG, FIGURE_PDF, FIGURE_PNG };

/* What to draw: a page of width x height points, painted by paint(cr,
 * model) on a cairo context (declared by cairo.h as struct _cairo), which
 * draws the same on each format. what names the drawing in errors ("the
 * chart"); title goes into a PDF's metadata. */
struct figure {
	double width, height;
	const char *what, *title;
	void (*paint)(struct _cairo *cr, const void *model);
	const void *model;
};

const char *figure_format_name(enum figure_format f);
/* A straight line of the given width, in the current colour: the stroke
 * both the charts and the plots draw most. */
void figure_line(struct _cairo *cr, double width, double x0, double y0, double x1, double y1);
/* Draw fig into path as f: into a file of its own beside path, renamed
 * over it at the end, so that a failure leaves nothing half written, nor
 * an old file spoilt. 0, or -1 with e naming what failed and why. */
int figure_write(const struct figure *fig, enum figure_format f, const char *path, struct err *e);

#endif
