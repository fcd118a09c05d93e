/* view_draw.c — the live view's screen, laid out to the terminal's size so
 * that no word, number or field is cut in two (fit.h): what does not fit on
 * a line goes on the next, or, where a pane has no line left, is left out
 * whole with an ellipsis. Every pane keeps the last column free, so that no
 * line of the view looks like one a terminal wrapped. */
#include "view_int.h"

#include <curses.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fit.h"
#include "render.h"

#define GRID_ROWS_MAX 8
#define FIELDS_MAX 40
#define FIELD_MAX 256
/* Below this many columns for the last events, the table leaves out its
 * control and takeover columns: an event's fields matter more. */
#define EVENTS_MIN_WIDTH 50
/* Rows kept for the table and the last events under the VM panels. */
#define LOWER_MIN_ROWS 6
#define STATUS_IDLE "q quit  ? keys  1 panic OS  2 crash app  space step"

/* Colour pairs by meaning (htop style): drawing code never names colours. */
enum role_color { C_TITLE = 1, C_VMM, C_OS0, C_OS1, C_FREE, C_APP0, C_PASS = C_APP0 + 6, C_FAIL,
		  C_NOTE, C_EVENT };

void view_init_colors(struct view *v, bool color)
{
	v->color = has_colors() && color;
	if (!v->color)
		return;
	start_color();
	use_default_colors();
	init_pair(C_TITLE, COLOR_WHITE, COLOR_BLUE);
	init_pair(C_VMM, COLOR_WHITE, COLOR_BLUE);
	init_pair(C_OS0, COLOR_BLACK, COLOR_GREEN);
	init_pair(C_OS1, COLOR_BLACK, COLOR_CYAN);
	init_pair(C_FREE, -1, -1);
	static const short apps[6] = { COLOR_YELLOW, COLOR_MAGENTA, COLOR_RED, COLOR_WHITE,
				       COLOR_GREEN, COLOR_CYAN };
	for (int i = 0; i < 6; i++)
		init_pair((short)(C_APP0 + i), COLOR_BLACK, apps[i]);
	init_pair(C_PASS, COLOR_GREEN, -1);
	init_pair(C_FAIL, COLOR_RED, -1);
	init_pair(C_NOTE, COLOR_MAGENTA, -1);
	init_pair(C_EVENT, COLOR_CYAN, -1);
}

/* Print at (y, x), never past width w: for text known to fit (the grid's
 * legend, the sparkline's line), as a guard, not as a layout. */
static void put(int y, int x, int w, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(int y, int x, int w, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	if (w <= 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	mvprintw(y, x, "%.*s", w, buf);
}

/* The attributes for a colour pair (0: none), bold or not. */
static attr_t paint(const struct view *v, int pair, bool bold)
{
	return (v->color && pair ? COLOR_PAIR(pair) : 0) | (bold ? A_BOLD : 0);
}

static void on(struct view *v, int pair)
{
	if (v->color)
		attron(COLOR_PAIR(pair));
}

static void off(struct view *v, int pair)
{
	if (v->color)
		attroff(COLOR_PAIR(pair));
}

/* A line's fields as the view lays them out: each with the spaces before
 * it (when it follows another on the line) and its attributes. */
struct fields {
	int n;
	char text[FIELDS_MAX][FIELD_MAX];
	int sep[FIELDS_MAX];
	attr_t attr[FIELDS_MAX];
};

static void add(struct fields *f, int sep, attr_t attr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(struct fields *f, int sep, attr_t attr, const char *fmt, ...)
{
	if (f->n == FIELDS_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->text[f->n], FIELD_MAX, fmt, ap);
	va_end(ap);
	f->sep[f->n] = sep;
	f->attr[f->n++] = attr;
}

/* f's fields flowed onto at most max_lines lines from (y, x), w columns
 * wide, the lines after the first indented by indent. Returns the lines
 * used. */
static int draw_fields(struct view *v, const struct fields *f, int y, int x, int w, int indent,
		       int max_lines)
{
	int cols[FIELDS_MAX];
	struct fit_place at[FIELDS_MAX], ell;
	const char *mark = fit_ellipsis(v->utf8);
	if (max_lines <= 0 || w <= 0)
		return 0;
	for (int i = 0; i < f->n; i++)
		cols[i] = fit_columns(f->text[i]);
	int lines = fit_flow(cols, f->sep, f->n, w, indent, max_lines, fit_columns(mark), at, &ell);
	for (int i = 0; i < f->n; i++) {
		if (at[i].line < 0)
			continue;
		attron(f->attr[i]);
		/* Only a field wider than the whole pane can pass its edge. */
		mvaddnstr(y + at[i].line, x + at[i].col, f->text[i], w - at[i].col);
		attroff(f->attr[i]);
	}
	if (ell.line >= 0)
		mvaddstr(y + ell.line, x + ell.col, mark);
	return lines;
}

/* Lines of text, broken between words, from row y on. */
static void draw_lines(struct view *v, int y, int pair, char lines[][FIT_LINE], int n)
{
	on(v, pair);
	for (int i = 0; i < n; i++)
		mvaddstr(y + i, 0, lines[i]);
	off(v, pair);
}

/* What matters most comes first, so that a narrow title leaves out the
 * pace before the modes. */
static void draw_title(struct view *v, int w)
{
	const struct vmfo_snapshot *s = v->s;
	struct fields f = { 0 };
	attr_t title = paint(v, C_TITLE, false);
	add(&f, 0, title, "vmfo view");
	add(&f, 2, title, "pool %" PRIu64 " MB, %u units", s->cfg.pool_mb, s->nunits);
	if (s->step_mode)
		add(&f, 2, title, "STEP MODE");
	if (v->paused)
		add(&f, 2, title, "PAUSED");
	add(&f, 2, title, "pace %" PRIu64 " ms", s->cfg.pace_ms);
	on(v, C_TITLE);
	mvprintw(0, 0, "%*s", w + 1, "");
	draw_fields(v, &f, 0, 1, w - 1, 0, 1);
	off(v, C_TITLE);
}

/* The colour of a mark: by owner, apps by their place in the table. */
static int mark_pair(char mark, int app)
{
	return app >= 0 ? C_APP0 + app % 6 : mark == '#' ? C_VMM : mark == '0' ? C_OS0
					 : mark == '1' ? C_OS1 : C_FREE;
}

/* One cell per unit, or per `per` units when there are more units than
 * cells (the cell shows its first unit's owner). Returns rows used. */
static int draw_grid(struct view *v, int y, int width, int max_rows)
{
	const struct vmfo_snapshot *s = v->s;
	uint32_t n = s->nunits, cols = (uint32_t)width;
	uint32_t per = 1;
	while ((n + per - 1) / per > cols * (uint32_t)max_rows)
		per++;
	uint32_t cells = (n + per - 1) / per;
	int rows = (int)((cells + cols - 1) / cols);
	for (uint32_t cell = 0; cell < cells; cell++) {
		int app;
		char mark = render_unit_mark(s, cell * per, &app);
		on(v, mark_pair(mark, app));
		mvaddch(y + (int)(cell / cols), (int)(cell % cols), (chtype)mark);
		off(v, mark_pair(mark, app));
	}
	/* The legend, in the same colours, wrapped between entries. */
	int ly = y + rows, lx = 0;
	char text[64];
	snprintf(text, sizeof text, "1 cell = %u unit%s of %" PRIu64 " MB ", per, per > 1 ? "s" : "",
		 s->unit_bytes / MB);
	put(ly, 0, width, "%s", text);
	lx = (int)strlen(text);
	char mark;
	const char *name;
	bool parked;
	int app;
	for (int i = 0; render_legend_entry(s, i, &mark, &name, &parked, &app); i++) {
		int len = 3 + (int)strlen(name);
		if (lx + len > width) {
			ly++;
			lx = 0;
		}
		on(v, mark_pair(mark, app));
		mvaddch(ly, lx, (chtype)mark);
		off(v, mark_pair(mark, app));
		put(ly, lx + 1, width - lx - 1, " %s ", name);
		lx += len;
	}
	return ly - y + 1;
}

/* The nine verdicts on one row, or two where it is narrow. */
static int draw_claims(struct view *v, int y, int w)
{
	struct fields f = { 0 };
	add(&f, 0, A_BOLD, "claims");
	for (int c = 1; c <= 9; c++) {
		int pair = !strcmp(v->claim[c], "PASS") ? C_PASS : !strcmp(v->claim[c], "FAIL") ? C_FAIL : 0;
		add(&f, 2, paint(v, pair, false), "%d %-4s", c, v->claim[c]);
	}
	return draw_fields(v, &f, y, 0, w, 8, 2);
}

/* A served app's channel: which OS it is attached to, its requests per
 * second over the last five seconds, and the rate now. */
static void draw_io(struct view *v, int app, int y, int x, int w)
{
	const struct vmfo_app_view *a = &v->s->app[app];
	char spark[SPARK_BARS * 4 + 1];
	char where[16] = "detached";
	if (a->io_vm >= 0)
		snprintf(where, sizeof where, "vm%d", a->io_vm);
	render_sparkline(v->io_bars[app], SPARK_BARS, v->utf8, spark, sizeof spark);
	int n = snprintf(NULL, 0, "  io %s ", where);
	put(y, x, w, "  io %s ", where);
	if (n + SPARK_BARS + 8 <= w) {
		mvaddstr(y, x + n, spark);
		put(y, x + n + SPARK_BARS, w - n - SPARK_BARS, " %" PRIu64 "/s",
		    v->io_bars[app][SPARK_BARS - 1] * (1000 / (FRAME_MS * SPARK_FRAMES)));
	}
}

/* The widths of one VM's app lines, so that its apps line up. */
struct app_columns {
	int name, seq, state, prog;
	bool one_line; /* name, seq, state, hot, prog fit on one line */
};

static struct app_columns app_columns(const struct view *v, int vm, int w)
{
	struct app_columns c = { 0 };
	char seq[32];
	for (int i = 0; i < MAX_APPS; i++) {
		const struct vmfo_app_view *a = &v->s->app[i];
		if (a->state == A_FREE || a->vm != vm)
			continue;
		int name = (int)strlen(a->name), state = (int)strlen(app_state_name(a->state));
		int seql = snprintf(seq, sizeof seq, "seq %" PRIu64, a->seq), prog = (int)strlen(a->prog);
		c.name = name > c.name ? name : c.name;
		c.seq = seql > c.seq ? seql : c.seq;
		c.state = state > c.state ? state : c.state;
		c.prog = prog > c.prog ? prog : c.prog;
	}
	c.one_line = 1 + c.name + 1 + c.seq + 1 + c.state + 1 + 3 + 1 + c.prog <= w;
	return c;
}

/* An app: on one line where the panel is wide enough, else its seq (the
 * widest field, and the one that changes all the time) on a line of its
 * own under the state. Returns the lines used. */
static int draw_app(struct view *v, int i, const struct app_columns *c, int y, int x, int w,
		    int max_lines)
{
	const struct vmfo_app_view *a = &v->s->app[i];
	struct fields f = { 0 }, seq = { 0 };
	int under_state = 1 + c->name + 1;
	add(&f, 0, 0, "%s%-*s", i == v->selected ? ">" : " ", c->name, a->name);
	add(c->one_line ? &f : &seq, 1, 0, "seq %-*" PRIu64, c->seq - 4, a->seq);
	add(&f, 1, 0, "%-*s", c->state, app_state_name(a->state));
	add(&f, 1, 0, "%s", a->hot ? "hot" : "   ");
	add(&f, 1, 0, "%s", a->prog);
	int lines = draw_fields(v, &f, y, x, w, under_state, max_lines);
	if (seq.n)
		lines += draw_fields(v, &seq, y + lines, x + under_state, w - under_state, 0,
				     max_lines - lines);
	return lines;
}

/* A VM's name, role, state, storage and heartbeat age, and under it the
 * apps it runs. Returns the lines used, at most max_lines. */
static int draw_vm(struct view *v, int idx, int y, int x, int w, int max_lines)
{
	const struct vmfo_snapshot *s = v->s;
	const struct vmfo_os_view *o = &s->os[idx];
	struct fields f = { 0 };
	add(&f, 0, A_BOLD, "vm%d", idx);
	if (o->state == G_FAILED) {
		add(&f, 1, A_BOLD, "failed (%s)", o->fail_cause);
	} else {
		add(&f, 1, A_BOLD, "%s", s->booted ? o->role : "down");
		if (s->booted)
			add(&f, 1, A_BOLD, "%s", state_name(o->state));
	}
	add(&f, o->state == G_FAILED || !s->booted ? 2 : 1, A_BOLD, "%" PRIu64 " MB",
	    render_vm_bytes(s, idx) / MB);
	if (o->state == G_RUNNING && s->cfg.heartbeat_ms)
		add(&f, 2, A_BOLD, "hb %.0f ms", (double)(s->now_us - o->last_hb_us) / 1000.0);
	else if (o->state != G_FAILED)
		add(&f, 2, A_BOLD, "hb -");
	int line = draw_fields(v, &f, y, x, w, 4, max_lines < 2 ? max_lines : 2);
	struct app_columns c = app_columns(v, idx, w);
	for (int i = 0; i < MAX_APPS && line < max_lines; i++) {
		const struct vmfo_app_view *a = &s->app[i];
		if (a->state == A_FREE || a->vm != idx)
			continue;
		line += draw_app(v, i, &c, y + line, x, w, max_lines - line);
		if (a->io_open && line < max_lines)
			draw_io(v, i, y + line++, x, w);
	}
	return line;
}

#define TABLE_LINES_MAX (TABLE_MAX_ROWS + 1)

/* The table with columns as wide as their widest cell; its control and
 * takeover columns only where the last events keep EVENTS_MIN_WIDTH
 * columns beside it. Returns the table's width. */
static int draw_table(struct view *v, int y, int h, int w)
{
	static struct render_table_cells rows[TABLE_LINES_MAX];
	struct render_table_cells head = { .name = "table", .kind = "kind", .vm = "vm", .units = "units",
					   .control = "ctl", .takeover = "tk" };
	int n = 0, wn = 5, wk = 4, wv = 2, wu = 5, wmb = 2;
	while (n < TABLE_LINES_MAX && render_table_cells(v->s, n, &rows[n]))
		n++;
	for (int i = 0; i < n; i++) {
		const struct render_table_cells *r = &rows[i];
		int mb = snprintf(NULL, 0, "%" PRIu64, r->mb);
		wn = (int)strlen(r->name) > wn ? (int)strlen(r->name) : wn;
		wk = (int)strlen(r->kind) > wk ? (int)strlen(r->kind) : wk;
		wv = (int)strlen(r->vm) > wv ? (int)strlen(r->vm) : wv;
		wu = (int)strlen(r->units) > wu ? (int)strlen(r->units) : wu;
		wmb = mb > wmb ? mb : wmb;
	}
	int narrow = wn + 1 + wk + 1 + wv + 1 + wu + 1 + wmb, wide = narrow + 8;
	bool ctl = w - wide - 2 >= EVENTS_MIN_WIDTH;
	attron(A_BOLD);
	mvprintw(y, 0, "%-*s %-*s %-*s %-*s %*s", wn, head.name, wk, head.kind, wv, head.vm, wu,
		 head.units, wmb, "MB");
	if (ctl)
		printw(" %-3s %-3s", head.control, head.takeover);
	attroff(A_BOLD);
	for (int i = 0; i < n && i + 1 < h; i++) {
		const struct render_table_cells *r = &rows[i];
		mvprintw(y + 1 + i, 0, "%-*s %-*s %-*s %-*s %*" PRIu64, wn, r->name, wk, r->kind, wv, r->vm,
			 wu, r->units, wmb, r->mb);
		if (ctl)
			printw(" %-3s %-3s", r->control, r->takeover);
	}
	return ctl ? wide : narrow;
}

/* Compact: time, name, the claims it serves, then the fields: the claims
 * first, so that a narrow pane still shows them. What does not fit is
 * left out from the end, field by field. */
static void draw_event(struct view *v, const struct event *ev, int y, int x, int w)
{
	struct fields f = { 0 };
	attr_t attr = paint(v, C_EVENT, false);
	add(&f, 0, attr, "%6.2f", (double)ev->t_us / 1e6);
	add(&f, 1, attr, "%s", ev->name);
	char tag[40] = "";
	size_t len = 0;
	for (int c = 1; c <= 9 && len < sizeof tag; c++)
		if (ev->claims & (1u << c))
			len += (size_t)snprintf(tag + len, sizeof tag - len, "%sc%d",
						ev->claims & ((1u << c) - 1) ? "," : "[", c);
	if (ev->claims)
		add(&f, 1, attr, "%s]", tag);
	for (int i = 0; i < ev->nfields; i++)
		add(&f, 1, attr, "%s=%s", ev->field[i].key, ev->field[i].val);
	draw_fields(v, &f, y, x, w, 0, 1);
}

static void draw_events(struct view *v, int y, int x, int w, int h)
{
	struct trace *t = vmfo_trace(v->m);
	size_t n = trace_count(t);
	struct event ev;
	attron(A_BOLD);
	mvprintw(y, x, "last events");
	attroff(A_BOLD);
	for (int i = 1; i < h; i++) {
		size_t idx = n >= (size_t)(h - 1) ? n - (size_t)(h - 1) + (size_t)(i - 1) : (size_t)(i - 1);
		if (!trace_get(t, idx, &ev))
			break;
		draw_event(v, &ev, y + i, x, w);
	}
}

static const char *const keys_help[] = {
	"q  back to the console        ?  this help",
	"p  pause / resume the display (the guests run on)",
	"b  boot    r  reset    R  reprotect the failed side",
	"1  panic the active OS   3  hang it   4  triple fault",
	"Tab  select the next app    2  crash the selected app",
	"e  recoverable error in the selected app",
	"s  step mode on/off   space  carry out the next step",
	"+/-  pace failover steps slower / faster",
	"c  chart of the last failover into vmfo-foN.svg here",
};

/* The keys, in a framed box drawn over the screen, as wide as its longest
 * line (which fits the narrowest view): everything under the box is
 * cleared first, so no text shows through between its lines. */
static void draw_help(int h, int w)
{
	int n = (int)(sizeof keys_help / sizeof keys_help[0]), longest = 0;
	for (int i = 0; i < n; i++)
		longest = (int)strlen(keys_help[i]) > longest ? (int)strlen(keys_help[i]) : longest;
	int bw = longest + 6 < w ? longest + 6 : w, bh = n + 4 < h ? n + 4 : h;
	WINDOW *box_win = derwin(stdscr, bh, bw, (h - bh) / 2, (w - bw) / 2);
	if (!box_win)
		return;
	werase(box_win);
	box(box_win, 0, 0);
	mvwprintw(box_win, 0, 2, " keys: ? closes ");
	for (int i = 0; i < n && i + 2 < bh - 1; i++)
		mvwprintw(box_win, i + 2, 3, "%.*s", bw - 5, keys_help[i]);
	delwin(box_win);
}

/* The bottom rows: the step that waits (in step mode), then the last
 * action's result, or the keys when there is none; each broken between
 * words. Returns the rows they take. */
static int draw_bottom(struct view *v, int h, int w)
{
	char next[3][FIT_LINE], status[2][FIT_LINE], text[FIT_LINE];
	const char *mark = fit_ellipsis(v->utf8);
	int nn = 0;
	if (v->s->step_next[0]) {
		snprintf(text, sizeof text, "next step: %s  (space)", v->s->step_next);
		nn = fit_wrap(text, w, 11, 3, mark, next);
	}
	int ns = fit_wrap(v->status[0] ? v->status : STATUS_IDLE, w, 2, 2, mark, status);
	draw_lines(v, h - ns - nn, C_NOTE, next, nn);
	draw_lines(v, h - ns, 0, status, ns);
	return nn + ns;
}

void view_draw(struct view *v)
{
	int h, w;
	getmaxyx(stdscr, h, w);
	erase();
	if (h < 20 || w < 60) {
		char lines[4][FIT_LINE], text[160];
		snprintf(text, sizeof text,
			 "vmfo view: the terminal is %dx%d; it needs at least 60x20. q quits.", w, h);
		draw_lines(v, 0, 0, lines, fit_wrap(text, w - 1, 0, h < 4 ? h : 4, "...", lines));
		return;
	}
	int width = w - 1; /* the last column stays free */
	draw_title(v, width);
	int bottom = draw_bottom(v, h, width);
	int y = 1 + draw_grid(v, 1, width, GRID_ROWS_MAX);
	y += draw_claims(v, y, width);
	int gap = h >= 24; /* a blank row between the parts where there is room */
	y += gap;
	int half = (width + 1) / 2, room = h - bottom - y - gap - LOWER_MIN_ROWS;
	int vm0 = draw_vm(v, 0, y, 0, half - 1, room), vm1 = draw_vm(v, 1, y, half, width - half, room);
	y += (vm0 > vm1 ? vm0 : vm1) + gap;
	int lower = h - bottom - y;
	int table_w = draw_table(v, y, lower, width);
	draw_events(v, y, table_w + 2, width - table_w - 2, lower);
	if (v->help)
		draw_help(h, w);
}
