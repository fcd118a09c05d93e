/* chart_handout.h — one printable A4 page that shows the method of claims
 * 1-9 as a run of vmfo performed it: a title, where the trace came from,
 * the sequence chart of each kind of failover in the trace (as
 * chart_layout() makes it, scaled down alike to fit a grid of up to four
 * cells), and for each claim a line of plain words and the arrows on the
 * page (or the events of the trace) that show it.
 *
 * Part of the chart front end, and made the same way: chart_handout.c
 * turns events into a model of the page, with no drawing library;
 * chart_handout_draw.c paints it with cairo, each chart by chart_paint().
 * 'vmfo trace FILE --handout OUT' (chart_cli.c) asks for it. */
#ifndef VMFO_CHART_HANDOUT_H
#define VMFO_CHART_HANDOUT_H

#include "chart.h"

/* The page: A4 portrait, in points. */
#define HANDOUT_W 595.0
#define HANDOUT_H 842.0
#define HANDOUT_MARGIN 36.0
#define HANDOUT_MAX_CELLS 4
#define HANDOUT_CLAIMS 9
/* Text on the page, in the charts' monospaced face (CHART_CHAR_EM). */
#define HANDOUT_TITLE_FONT 13.0
#define HANDOUT_FONT 7.0         /* the source line, the claim lines */
#define HANDOUT_HEAD_FONT 8.5    /* the claim list's heading */
#define HANDOUT_LINE_H 8.6
#define HANDOUT_INDENT 12.0      /* a claim's words after its number */
#define HANDOUT_TEXT_MAX 512     /* a claim's "where to look", whole */
#define HANDOUT_WRAP_MAX 4       /* and wrapped on the page, at most */

/* One takeover's chart in a cell of the grid. */
struct handout_cell {
	struct chart chart;  /* that takeover alone */
	uint64_t fo;
	int run;             /* of the numbering: 2, 3, ... after a reset */
	char kind[32];       /* "app failover", "OS failover", "takeover" */
	char label[48];      /* "fo=1", or "fo=1 (run 2)" */
	double x, y;         /* the scaled chart's top left corner */
	double w, h;         /* its size on the page */
};

/* One claim: what it says, and where on the page to look. */
struct handout_claim {
	const char *plain;              /* in a few plain words */
	char where[HANDOUT_TEXT_MAX];   /* "fo=1: vmm.detach, vmm.attach; ..." */
	bool drawn;                     /* an arrow on the page shows it */
	double y;                       /* the plain line's baseline */
	int nline;                      /* where, wrapped below it */
	char line[HANDOUT_WRAP_MAX][HANDOUT_TEXT_MAX];
};

struct handout {
	char title[96];
	char source[256];     /* "two_failovers.jsonl: 42 events over 0.403 s, 2 failovers" */
	char left_out[256];   /* the failovers not drawn, or "" */
	double title_y, source_y, left_out_y;
	int ncell, cols, rows;
	double scale;         /* every chart's, alike: their labels the same size */
	struct handout_cell cell[HANDOUT_MAX_CELLS];
	double claims_rule_y, claims_head_y;
	struct handout_claim claim[HANDOUT_CLAIMS]; /* claim[k]: claim k + 1 */
};

/* The handout of ev[0..n), read from source (its name on the page:
 * the file's name without its directory). to_scale: each chart's rows
 * spaced by time (chart_opts). 0, or -1 with e saying why (no failover in
 * the trace) and h left empty. chart_handout_free() it either way. */
int chart_handout_layout(const struct event *ev, size_t n, const char *source, bool to_scale,
			 struct handout *h, struct err *e);
void chart_handout_free(struct handout *h);
/* The model as text, for tests and for reading:
 *   cell 1 fo=1 app failover at 36,84 size 335x251 chart=789x592
 *   claim 5 drawn | The active OS works out ... | fo=1: os.report; ... */
void chart_handout_dump(const struct handout *h, FILE *f);

/* chart_handout_draw.c */

/* Draw h into path as f, whole or not at all. 0, or -1 with e filled. */
int chart_handout_draw_file(const struct handout *h, enum chart_format f, const char *path,
			    struct err *e);

#endif
