/* figure_file.c — a drawing written as SVG, PDF or PNG: cairo draws the
 * same on an SVG or PDF document as on an image, so one paint routine
 * serves the three formats and they cannot drift apart. The file is
 * written whole or not at all. */
#include "figure_file.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void figure_line(cairo_t *cr, double width, double x0, double y0, double x1, double y1)
{
	cairo_set_line_width(cr, width);
	cairo_move_to(cr, x0, y0);
	cairo_line_to(cr, x1, y1);
	cairo_stroke(cr);
}

const char *figure_format_name(enum figure_format f)
{
	return f == FIGURE_SVG ? "SVG" : f == FIGURE_PDF ? "PDF" : "PNG";
}

/* Where cairo's output goes: a file, and the first error writing it. */
struct sink {
	FILE *f;
	int err;
};

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
	struct sink *s = closure;
	errno = 0;
	if (fwrite(data, 1, len, s->f) == len)
		return CAIRO_STATUS_SUCCESS;
	if (!s->err)
		s->err = errno ? errno : EIO;
	return CAIRO_STATUS_WRITE_ERROR;
}

static cairo_surface_t *surface(const struct figure *fig, enum figure_format f, struct sink *s)
{
	cairo_surface_t *sf;
	if (f == FIGURE_SVG) {
		sf = cairo_svg_surface_create_for_stream(write_out, s, fig->width, fig->height);
		cairo_svg_surface_set_document_unit(sf, CAIRO_SVG_UNIT_PT);
	} else if (f == FIGURE_PDF) {
		sf = cairo_pdf_surface_create_for_stream(write_out, s, fig->width, fig->height);
		cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, fig->title);
		cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "vmfo");
	} else {
		sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
						(int)ceil(fig->width * FIGURE_PNG_SCALE),
						(int)ceil(fig->height * FIGURE_PNG_SCALE));
	}
	return sf;
}

/* Draw fig as f into s: 0, or -1 with e naming what failed. */
static int render(const struct figure *fig, enum figure_format f, struct sink *s, const char *path,
		  struct err *e)
{
	cairo_surface_t *sf = surface(fig, f, s);
	cairo_status_t st = cairo_surface_status(sf);
	if (st == CAIRO_STATUS_SUCCESS) {
		cairo_t *cr = cairo_create(sf);
		if (f == FIGURE_PNG)
			cairo_scale(cr, FIGURE_PNG_SCALE, FIGURE_PNG_SCALE);
		fig->paint(cr, fig->model);
		st = cairo_status(cr);
		cairo_destroy(cr);
	}
	if (st == CAIRO_STATUS_SUCCESS && f == FIGURE_PNG)
		st = cairo_surface_write_to_png_stream(sf, write_out, s);
	cairo_surface_finish(sf); /* SVG and PDF: the rest of the document */
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (s->err)
		return err_set(e, "writing '%s': %s", path, strerror(s->err));
	if (st != CAIRO_STATUS_SUCCESS)
		return err_set(e, "drawing %s as %s: %s", fig->what, figure_format_name(f),
			       cairo_status_to_string(st));
	return 0;
}

/* Let go of the fonts cairo looked up, and fontconfig's own data, once no
 * cairo object is left: a figure is drawn now and then, and a process that
 * drew one (the console) should hold nothing of it after, nor leave it to
 * a leak checker at exit. The next figure looks its face up again. */
static void release_fonts(void)
{
	cairo_debug_reset_static_data();
	FcFini();
}

int figure_write(const struct figure *fig, enum figure_format f, const char *path, struct err *e)
{
	size_t size = strlen(path) + 32;
	char *tmp = malloc(size);
	if (!tmp)
		return err_set(e, "out of memory writing '%s'", path);
	snprintf(tmp, size, "%s.part-%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	struct sink s = { fd >= 0 ? fdopen(fd, "w") : NULL, 0 };
	int rc = -1;
	if (fd < 0 || !s.f) {
		err_set(e, "cannot write '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		rc = render(fig, f, &s, path, e);
		if (fclose(s.f) && !rc)
			rc = err_set(e, "writing '%s': %s", path, strerror(errno));
		if (!rc && rename(tmp, path))
			rc = err_set(e, "cannot write '%s': %s", path, strerror(errno));
	}
	if (rc && fd >= 0 && unlink(tmp)) { /* say so after why it failed */
		size_t len = strlen(e->msg);
		snprintf(e->msg + len, sizeof e->msg - len, "; and cannot remove '%s': %s", tmp,
			 strerror(errno));
	}
	free(tmp);
	release_fonts();
	return rc;
}
