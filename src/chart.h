/* chart.h — message sequence charts of a trace's failovers, drawn the way
 * the patent draws its method: a lifeline for the VMM, each OS and each
 * app; an arrow per event from the party that took the step to the one it
 * concerns (the routes beside the event vocabulary in event.c); the time
 * at the left, the claims each step shows at the right.
 *
 * A front end in three parts: chart_layout.c turns events into a model
 * (lifelines with x positions, rows, arrows with their labels), with no
 * drawing library; chart_draw.c draws a model with cairo as SVG, PDF or
 * PNG through one code path; chart_cli.c is 'vmfo trace FILE' and the
 * options the console's 'trace save --svg FILE' shares. The one-page
 * handout (chart_handout.h) sets several charts on a page in the same
 * way. It reads events (a saved trace or a snapshot of the live one) and
 * nothing else. */
#ifndef VMFO_CHART_H
#define VMFO_CHART_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "event.h"
#include "util.h"

/* Sizes in points (1/72 inch), the unit of SVG and PDF; a PNG has two
 * pixels per point, so that it stays sharp when printed. Labels are set
 * in a monospaced face, so that the layout knows their width without
 * asking a font: CHART_CHAR_EM of the size per character. */
#define CHART_FONT 9.0        /* arrow labels, times, claims */
#define CHART_HEAD_FONT 10.0  /* lifeline heads */
#define CHART_TITLE_FONT 12.0
#define CHART_CHAR_EM 0.602   /* DejaVu Sans Mono's advance */
#define CHART_SELF_W 18.0     /* a step on one lifeline: its loop's width */
#define CHART_SELF_H 8.0      /* and height */
#define CHART_TEXT_MAX 64     /* the line under an arrow, with its NUL */
#define CHART_MAX_LIFELINES 32
#define CHART_MAX_ARROWS 4000

struct chart_opts {
	uint64_t fo;   /* only takeover fo=N; 0: every one in the trace */
	int run;       /* with fo: only that run of the numbering's (1, 2, ... after
			* each reset); 0: fo=N of every run */
	bool to_scale; /* rows spaced by time, not one row per event */
};

enum chart_party { PARTY_VMM, PARTY_OS, PARTY_APP };

struct chart_lifeline {
	enum chart_party party;
	char name[EV_VAL_MAX]; /* VMM, vm0, db */
	char role[16];         /* under the name: "active OS", "hot app", or "" */
	double x;              /* the line's centre */
};

struct chart_arrow {
	int from, to;          /* lifeline indices; equal: a step on one lifeline */
	double y;
	uint64_t seq, t_us;
	uint64_t since_us;     /* since the first event drawn of its failover */
	uint32_t claims;
	char name[EV_NAME_MAX];
	char units[EV_VAL_MAX];      /* the event's units, or "" */
	char note[CHART_TEXT_MAX];   /* under the name: app, detail, units, or "" */
};

struct chart_section {
	uint64_t fo;
	int run;               /* 2, 3, ... once the trace's numbering restarted (reset) */
	char kind[32];         /* "app failover", "OS failover", ... */
	char title[256];
	double y;              /* its header line, drawn when there are two or more */
	int first, count;      /* its arrows */
};

struct chart {
	char title[256], subtitle[160];
	double width, height;
	double title_y, subtitle_y;  /* baselines */
	double head_top, head_h;     /* the lifelines' head boxes */
	double life_top, life_end;   /* where the lines run */
	double spacing;              /* between two lifelines */
	double seq_x, time_x;        /* left column: seq from, time right-aligned at */
	double claims_x;             /* right column */
	int nlife, narrow, nsection;
	struct chart_lifeline *life;
	struct chart_arrow *arrow;
	struct chart_section *section;
};

/* chart_layout.c */

/* The chart of ev[0..n): every takeover (events with fo=N; only N's with
 * o->fo), each with the detection before it (app.fault, vmm.blocked),
 * each takeover a section of its own in trace order. 0, or -1 with e
 * saying why (no failover in the trace, fo=N not in it, too big) and c
 * left empty. chart_free() it either way. */
int chart_layout(const struct event *ev, size_t n, const struct chart_opts *o, struct chart *c,
		 struct err *e);
void chart_free(struct chart *c);
/* The model as text, one line per thing drawn, for tests and for reading:
 *   lifeline vm0 x=150 active OS
 *   arrow 4 vm0->VMM os.disconnected claims=9 units=2-5 seq=18 at=+0.736ms y=224 */
void chart_dump(const struct chart *c, FILE *f);

/* chart_draw.c */

/* In figure_file.h's order: a chart is written by figure_write(). */
enum chart_format { CHART_SVG, CHART_PDF, CHART_PNG };
const char *chart_format_name(enum chart_format f);
struct _cairo; /* cairo_t, as cairo.h declares it (see figure_file.h) */
/* Paint c onto cr with its top left corner at (x, y), every length times
 * scale: what chart_draw_file() draws at (0, 0) and scale 1, and the
 * handout (chart_handout.h) in each of its cells, so the two cannot
 * differ. cr's state is left as it was. */
void chart_paint(struct _cairo *cr, const struct chart *c, double x, double y, double scale);
/* Draw c into path as f: written whole, or not at all (nothing is left at
 * path on error). 0, or -1 with e naming what failed. */
int chart_draw_file(const struct chart *c, enum chart_format f, const char *path, struct err *e);

/* chart_cli.c */

/* What to draw, and where: 'vmfo trace FILE [OPTIONS]' and the console's
 * 'trace save --svg|--pdf|--png|--handout FILE [--fo N] [--to-scale]'. */
struct chart_request {
	const char *in;        /* the trace file (vmfo trace) */
	const char *out;       /* the chart file, or NULL */
	enum chart_format format;
	bool dump;             /* print the model (vmfo trace --dump) */
	bool handout;          /* out is the one-page handout (chart_handout.h) */
	struct chart_opts opts;
};
/* Parse the words after 'trace' (command line: the trace FILE among
 * them) or after 'trace save' (the console: no FILE to read, no --dump).
 * 0, or -1 with e saying what is wrong. */
int chart_parse(int argc, char **argv, bool console, struct chart_request *r, struct err *e);
/* Lay out ev[0..n) as r asks, print the model on dump when r->dump, draw
 * it into r->out when given. 0, or -1 with e filled and nothing written. */
int chart_render(const struct event *ev, size_t n, const struct chart_request *r, FILE *dump,
		 struct err *e);
/* The same for the latest failover only: its chart as SVG in name (e.g.
 * "vmfo-fo3.svg", size bytes), for the live view's key. */
int chart_latest_svg(const struct event *ev, size_t n, char *name, size_t size, struct err *e);
/* vmfo trace FILE ...: the exit status (0, 1 nothing to draw or the file
 * could not be written, 2 usage or a trace that cannot be read).
 * live_option: a live option given before the word (-c, --view, ...). */
int chart_main(int argc, char **argv, const char *live_option);

#endif
