/* chart_handout.c — the one-page handout of a trace as a model to draw
 * (claims 1-9): which takeovers get a cell (all, up to four; else the
 * first of each kind), each one's chart from chart_layout(), one scale
 * for all of them that fits the grid on an A4 page, and for each claim
 * the arrows drawn that show it, found from the charts' own arrows and
 * the claims each event carries, never written down per trace. No
 * drawing library: chart_handout_draw.c paints the model, tests read it. */
#include "chart_handout.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define GAP 10.0           /* between cells, and around the claim list */

/* Each claim in a few plain words (docs/claims.md has them in full). */
static const char *const plain_words[HANDOUT_CLAIMS] = {
	"The active OS gets enough storage, the standby too little; on failure it goes to the standby",
	"Hot-standby programs are loaded from auxiliary memory, not from main storage",
	"A table in main storage says who holds what; the VMM looks the failure up in it",
	"On an app failure only that app's storage moves, and the standby runs the app on it",
	"The active OS works out what its apps need, reports it, and asks the VMM when short",
	"Report, fail, disconnect, reallocate, activate, allocate: the steps between OS, VMM and standby",
	"When the first OS itself fails, its storage goes to the second, which is asked to run the apps",
	"Only hot-standby jobs are started on the standby; the others are not taken over",
	"The routines on each side: fault level, disconnection, engaging, OS fault detection, lookup",
};

/* A takeover of the trace: its events carry fo, in one run of the numbering. */
struct takeover {
	int run;
	uint64_t fo;
	const char *kind;
};

/* The width of s's first len bytes: a monospaced face, and UTF-8, so
 * characters are counted, not bytes. */
static double text_wn(const char *s, size_t len, double size)
{
	size_t chars = 0;
	for (size_t i = 0; i < len && s[i]; i++)
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
	return (double)chars * size * CHART_CHAR_EM;
}

/* s + printf(fmt, ...) while it fits; false once it did not (s then holds
 * what did). */
static bool append(char *s, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool append(char *s, size_t size, const char *fmt, ...)
{
	size_t len = strlen(s);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(s + len, size - len, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < size - len)
		return true;
	s[len] = '\0';
	return false;
}

/* The kind of a takeover, from the report that started it, as the chart's
 * section titles say it (chart_layout.c). */
static const char *kind_of_report(const struct event *ev)
{
	return !strcmp(ev->name, "os.app_failure") ? "app failover"
	       : !strcmp(ev->name, "vmm.os_fault") ? "OS failover" : NULL;
}

/* The takeovers of ev[0..n) in the order they began; *count of them. */
static struct takeover *find_takeovers(const struct event *ev, size_t n, int *count,
				       struct err *e)
{
	struct takeover *t = calloc(n ? n : 1, sizeof *t);
	if (!t) {
		err_set(e, "out of memory laying out the handout");
		return NULL;
	}
	int run = 1, k = 0, last = -1;
	for (size_t i = 0; i < n; i++) {
		uint64_t fo;
		const char *text = event_field(&ev[i], "fo");
		run += i > 0 && ev[i].seq <= ev[i - 1].seq; /* a reset starts the numbering again */
		if (!text || parse_u64(text, 1, UINT64_MAX, &fo))
			continue;
		if (last < 0 || t[last].fo != fo || t[last].run != run)
			for (last = 0; last < k && (t[last].fo != fo || t[last].run != run); last++)
				;
		if (last == k)
			t[k++] = (struct takeover){ run, fo, "takeover" };
		const char *kind = kind_of_report(&ev[i]);
		if (kind && !strcmp(t[last].kind, "takeover"))
			t[last].kind = kind;
	}
	*count = k;
	return t;
}

/* All of them when they fit; else the first of each kind, in trace order. */
static int choose(const struct takeover *t, int count, int *chosen)
{
	int n = 0;
	for (int i = 0; i < count && n < HANDOUT_MAX_CELLS; i++) {
		bool seen = false;
		for (int j = 0; j < n && count > HANDOUT_MAX_CELLS; j++)
			seen |= !strcmp(t[chosen[j]].kind, t[i].kind);
		if (!seen)
			chosen[n++] = i;
	}
	return n;
}

static bool is_chosen(const int *chosen, int n, int i)
{
	for (int j = 0; j < n; j++)
		if (chosen[j] == i)
			return true;
	return false;
}

static void label(char *buf, size_t size, const struct takeover *t)
{
	if (t->run > 1)
		snprintf(buf, size, "fo=%llu (run %d)", (unsigned long long)t->fo, t->run);
	else
		snprintf(buf, size, "fo=%llu", (unsigned long long)t->fo);
}

/* "Not drawn (one of each kind is): fo=3 app failover, ... and 4 more". */
static void say_left_out(struct handout *h, const struct takeover *t, int count,
			 const int *chosen)
{
	int left = count - h->ncell, said = 0;
	char one[48], item[128];
	if (!left)
		return;
	snprintf(h->left_out, sizeof h->left_out, "Not drawn (one chart of each kind is):");
	size_t room = sizeof h->left_out - 24; /* for ", and N more" */
	for (int i = 0; i < count; i++) {
		if (is_chosen(chosen, h->ncell, i))
			continue;
		label(one, sizeof one, &t[i]);
		snprintf(item, sizeof item, "%s %s %s", said ? "," : "", one, t[i].kind);
		if (strlen(h->left_out) + strlen(item) >= room)
			break;
		strcat(h->left_out, item);
		said++;
	}
	if (said < left)
		append(h->left_out, sizeof h->left_out, ", and %d more", left - said);
}

static int lay_out_cells(struct handout *h, const struct event *ev, size_t n,
			 const struct takeover *t, const int *chosen, bool to_scale, struct err *e)
{
	for (int k = 0; k < h->ncell; k++) {
		struct handout_cell *cell = &h->cell[k];
		const struct takeover *one = &t[chosen[k]];
		struct chart_opts o = { .fo = one->fo, .run = one->run, .to_scale = to_scale };
		if (chart_layout(ev, n, &o, &cell->chart, e))
			return -1;
		cell->fo = one->fo;
		cell->run = one->run;
		strlcpy0(cell->kind, cell->chart.section[0].kind, sizeof cell->kind);
		label(cell->label, sizeof cell->label, one);
	}
	return 0;
}

/* The names of cell's arrows that show claim, each once: "a, b". */
static void drawn_names(const struct handout_cell *cell, int claim, char *buf, size_t size)
{
	buf[0] = '\0';
	for (int i = 0; i < cell->chart.narrow; i++) {
		const struct chart_arrow *a = &cell->chart.arrow[i];
		bool again = false;
		for (int j = 0; j < i && !again; j++)
			again = !strcmp(cell->chart.arrow[j].name, a->name) &&
				(cell->chart.arrow[j].claims & (1u << claim));
		if ((a->claims & (1u << claim)) && !again)
			append(buf, size, "%s%s", buf[0] ? ", " : "", a->name);
	}
}

static bool name_drawn_for(const struct handout *h, int claim, const char *name)
{
	for (int k = 0; k < h->ncell; k++)
		for (int i = 0; i < h->cell[k].chart.narrow; i++) {
			const struct chart_arrow *a = &h->cell[k].chart.arrow[i];
			if ((a->claims & (1u << claim)) && !strcmp(a->name, name))
				return true;
		}
	return false;
}

static bool outside_for(const struct event *ev, int claim)
{
	return (ev->claims & (1u << claim)) && !event_field(ev, "fo");
}

/* A run of events from, before end: its names in order, each once where
 * it repeats, and their numbers: "os.request -> vmm.grant -> os.report
 * (events 11-13)". */
static void say_run(const struct event *ev, size_t from, size_t end, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t j = from; j < end; j++)
		if (j == from || strcmp(ev[j].name, ev[j - 1].name))
			append(buf, size, "%s%s", j == from ? "" : " \u2192 ", ev[j].name);
	if (ev[end - 1].seq == ev[from].seq)
		append(buf, size, " (event %llu)", (unsigned long long)ev[from].seq);
	else
		append(buf, size, " (events %llu-%llu)", (unsigned long long)ev[from].seq,
		       (unsigned long long)ev[end - 1].seq);
}

/* Outside every takeover, runs of consecutive events that show claim, of
 * which one at least no chart draws for it; the longest (the fullest
 * picture, the first of equals) said, and how many more there are. That
 * is how claim 5's request for storage, which no takeover holds, and
 * claim 1's allocation at boot still get onto the page. */
static void outside_runs(const struct handout *h, const struct event *ev, size_t n, int claim,
			 char *buf, size_t size)
{
	int runs = 0;
	size_t best = 0, best_end = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n;) {
		size_t end = i;
		bool new_name = false;
		for (; end < n && outside_for(&ev[end], claim); end++)
			new_name |= !name_drawn_for(h, claim, ev[end].name);
		if (new_name && runs++ == 0) {
			best = i;
			best_end = end;
		} else if (new_name && end - i > best_end - best) {
			best = i;
			best_end = end;
		}
		i = end > i ? end : i + 1;
	}
	if (!runs)
		return;
	say_run(ev, best, best_end, buf, size);
	if (runs > 1)
		append(buf, size, ", and %d more like it", runs - 1);
}

static void find_claim(struct handout *h, const struct event *ev, size_t n, int claim)
{
	struct handout_claim *c = &h->claim[claim - 1];
	char names[HANDOUT_TEXT_MAX], outside[HANDOUT_TEXT_MAX];
	c->plain = plain_words[claim - 1];
	for (int k = 0; k < h->ncell; k++) {
		drawn_names(&h->cell[k], claim, names, sizeof names);
		if (names[0])
			append(c->where, sizeof c->where, "%s%s: %s", c->drawn ? "; " : "",
			       h->cell[k].label, names);
		c->drawn |= names[0] != '\0';
	}
	if (!c->drawn)
		strlcpy0(c->where, "not in these charts", sizeof c->where);
	outside_runs(h, ev, n, claim, outside, sizeof outside);
	if (outside[0])
		append(c->where, sizeof c->where, "; in the trace, not drawn: %s", outside);
}

/* How much of s fits in width points: up to the last space before it
 * would not, or its first word, whole, when not even that does. */
static size_t line_end(const char *s, double width)
{
	size_t fits = 0;
	for (size_t i = 0;; i++) {
		if (s[i] != ' ' && s[i] != '\0')
			continue;
		if (fits && text_wn(s, i, HANDOUT_FONT) > width)
			break;
		fits = i;
		if (!s[i])
			break;
	}
	return fits;
}

/* The claim's where in lines of at most width points; the last ends in
 * "..." when it does not all fit. */
static void wrap(struct handout_claim *c, double width)
{
	const char *s = c->where;
	for (c->nline = 0; *s && c->nline < HANDOUT_WRAP_MAX; c->nline++) {
		size_t cut = line_end(s, width);
		snprintf(c->line[c->nline], HANDOUT_TEXT_MAX, "%.*s", (int)cut, s);
		for (s += cut; *s == ' '; s++)
			;
	}
	char *last = c->line[c->nline - 1];
	size_t len = strlen(last);
	while (*s && len > 3 && ((unsigned char)last[len - 3] & 0xc0) == 0x80)
		len--; /* not into a character's middle */
	if (*s && len > 3)
		strcpy(last + len - 3, "...");
}

/* The claim list at the foot of the page, from the bottom up: the y where
 * it begins. */
static double place_claims(struct handout *h)
{
	double height = 14 + 2;
	for (int k = 0; k < HANDOUT_CLAIMS; k++) {
		wrap(&h->claim[k], HANDOUT_W - 2 * HANDOUT_MARGIN - HANDOUT_INDENT);
		height += HANDOUT_LINE_H * (1 + h->claim[k].nline) + 1.5;
	}
	double top = HANDOUT_H - HANDOUT_MARGIN - height;
	h->claims_rule_y = top;
	h->claims_head_y = top + 12;
	double y = h->claims_head_y + 2;
	for (int k = 0; k < HANDOUT_CLAIMS; k++) {
		h->claim[k].y = y + HANDOUT_LINE_H;
		y += HANDOUT_LINE_H * (1 + h->claim[k].nline) + 1.5;
	}
	return top;
}

/* The scale at which the cells fit a grid of cols columns (row by row)
 * into width x height. */
static double fit(const struct handout *h, int cols, double width, double height)
{
	int rows = (h->ncell + cols - 1) / cols;
	double cell_w = (width - (cols - 1) * GAP) / cols, widest = 0, tall = 0;
	for (int r = 0; r < rows; r++) {
		double row_h = 0;
		for (int k = r * cols; k < h->ncell && k < (r + 1) * cols; k++) {
			const struct chart *c = &h->cell[k].chart;
			widest = c->width > widest ? c->width : widest;
			row_h = c->height > row_h ? c->height : row_h;
		}
		tall += row_h;
	}
	double s = fmin(cell_w / widest, (height - (rows - 1) * GAP) / tall);
	return fmin(s, 1.0);
}

/* The grid that lets the charts be largest, the charts centred in their
 * columns, each row as tall as its tallest chart. */
static void place_cells(struct handout *h, double top, double bottom)
{
	double width = HANDOUT_W - 2 * HANDOUT_MARGIN, height = bottom - top;
	h->cols = 1;
	h->scale = fit(h, 1, width, height);
	for (int cols = 2; cols <= h->ncell; cols++)
		if (fit(h, cols, width, height) > h->scale) {
			h->cols = cols;
			h->scale = fit(h, cols, width, height);
		}
	h->rows = (h->ncell + h->cols - 1) / h->cols;
	double cell_w = (width - (h->cols - 1) * GAP) / h->cols, y = top;
	for (int r = 0; r < h->rows; r++) {
		double row_h = 0;
		for (int k = r * h->cols; k < h->ncell && k < (r + 1) * h->cols; k++) {
			struct handout_cell *cell = &h->cell[k];
			cell->w = cell->chart.width * h->scale;
			cell->h = cell->chart.height * h->scale;
			cell->x = HANDOUT_MARGIN + (k - r * h->cols) * (cell_w + GAP) +
				  (cell_w - cell->w) / 2;
			cell->y = y;
			row_h = cell->h > row_h ? cell->h : row_h;
		}
		y += row_h + GAP;
	}
}

static void say_source(struct handout *h, const struct event *ev, size_t n, const char *source,
		       const struct takeover *t, int count)
{
	const char *base = strrchr(source, '/');
	double span = n ? (double)(ev[n - 1].t_us - ev[0].t_us) / 1e6 : 0;
	snprintf(h->source, sizeof h->source, "Trace %.80s: %zu events over %.3f s, %d failover%s",
		 base ? base + 1 : source, n, span, count, count == 1 ? "" : "s");
	for (int i = 0; i < count && i < HANDOUT_MAX_CELLS; i++) {
		char one[48];
		label(one, sizeof one, &t[i]);
		append(h->source, sizeof h->source, "%s %s %s", i ? "," : ":", one, t[i].kind);
	}
	if (count > HANDOUT_MAX_CELLS)
		append(h->source, sizeof h->source, ", ...");
}

static void place(struct handout *h)
{
	h->title_y = HANDOUT_MARGIN + HANDOUT_TITLE_FONT;
	h->source_y = h->title_y + 13;
	h->left_out_y = h->source_y + (h->left_out[0] ? HANDOUT_LINE_H + 1 : 0);
	double bottom = place_claims(h) - GAP;
	place_cells(h, h->left_out_y + GAP, bottom);
}

int chart_handout_layout(const struct event *ev, size_t n, const char *source, bool to_scale,
			 struct handout *h, struct err *e)
{
	int count = 0, chosen[HANDOUT_MAX_CELLS];
	memset(h, 0, sizeof *h);
	struct takeover *t = find_takeovers(ev, n, &count, e);
	if (!t)
		return -1;
	int rc = 0;
	if (!count)
		rc = err_set(e, "no failover in the trace to put on the handout: no event has a "
				"takeover id (fo=N)");
	if (!rc) {
		h->ncell = choose(t, count, chosen);
		rc = lay_out_cells(h, ev, n, t, chosen, to_scale, e);
	}
	if (!rc) {
		snprintf(h->title, sizeof h->title,
			 "vmfo \u2014 the failover method of claims 1\u20139, as it ran");
		say_source(h, ev, n, source, t, count);
		say_left_out(h, t, count, chosen);
		for (int claim = 1; claim <= HANDOUT_CLAIMS; claim++)
			find_claim(h, ev, n, claim);
		place(h);
	}
	free(t);
	if (rc)
		chart_handout_free(h);
	return rc;
}

void chart_handout_free(struct handout *h)
{
	for (int k = 0; k < HANDOUT_MAX_CELLS; k++)
		chart_free(&h->cell[k].chart);
	memset(h, 0, sizeof *h);
}

void chart_handout_dump(const struct handout *h, FILE *f)
{
	fprintf(f, "handout %.0fx%.0f, %d cell%s in %d column%s, scale %.3f\n", HANDOUT_W,
		HANDOUT_H, h->ncell, h->ncell == 1 ? "" : "s", h->cols, h->cols == 1 ? "" : "s",
		h->scale);
	fprintf(f, "title %s\n", h->title);
	fprintf(f, "source %s\n", h->source);
	fprintf(f, "left out %s\n", h->left_out[0] ? h->left_out : "-");
	for (int k = 0; k < h->ncell; k++) {
		const struct handout_cell *c = &h->cell[k];
		fprintf(f, "cell %d %s %s at %.0f,%.0f size %.0fx%.0f chart=%.0fx%.0f\n", k + 1,
			c->label, c->kind, c->x, c->y, c->w, c->h, c->chart.width, c->chart.height);
	}
	for (int k = 0; k < HANDOUT_CLAIMS; k++) {
		const struct handout_claim *c = &h->claim[k];
		fprintf(f, "claim %d %s | %s | %s\n", k + 1, c->drawn ? "drawn" : "not-drawn",
			c->plain, c->where);
	}
}
