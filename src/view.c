/* view.c — the live view. It redraws ten times a second from a snapshot
 * (vmfo.h) and the trace, with the same marks and rows as the console's
 * renderers; keys act through the typed API like any other front end.
 * Nothing else writes to the terminal while it runs. */
#include "view.h"

#include <curses.h>
#include <inttypes.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "chart.h"
#include "checker.h"
#include "render.h"

#define FRAME_MS 100      /* ten frames a second */
#define CLAIMS_EVERY 5    /* frames between claim verdicts */
#define GRID_ROWS_MAX 8
#define SPARK_BARS 10    /* a served app's requests, one bar per ... */
#define SPARK_FRAMES 5   /* ... this many frames (half a second) */

/* Colour pairs by meaning (htop style): drawing code never names colours. */
enum role_color { C_TITLE = 1, C_VMM, C_OS0, C_OS1, C_FREE, C_APP0, C_PASS = C_APP0 + 6, C_FAIL,
		  C_NOTE, C_EVENT };

struct view {
	struct vmfo *m;
	struct vmfo_snapshot *s; /* what this frame draws */
	bool color;
	bool paused;         /* 'p': the display stands still, the guests do not */
	bool redraw;         /* draw once even while paused (the title says so) */
	bool help;
	int selected;        /* app index for one-key faults */
	char status[400];    /* the last action's result */
	char claim[10][16];  /* verdict per claim */
	int frame;
	/* Requests each app's I/O channel answered, per half second, oldest
	 * first, and the count when last sampled. */
	uint64_t io_bars[MAX_APPS][SPARK_BARS];
	uint64_t io_seen[MAX_APPS];
	bool utf8;           /* the terminal takes UTF-8: block sparklines */
};

static void init_colors(struct view *v, bool color)
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

/* Print at (y, x), never past width w: panels must not run into each other. */
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
	/* The legend, in the same colours, wrapped to the grid's width. */
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

/* Once per SPARK_FRAMES frames: what each channel answered since. */
static void sample_io(struct view *v)
{
	for (int i = 0; i < MAX_APPS; i++) {
		const struct vmfo_app_view *a = &v->s->app[i];
		uint64_t now = a->io_open ? a->io.answered : 0;
		memmove(v->io_bars[i], v->io_bars[i] + 1, (SPARK_BARS - 1) * sizeof v->io_bars[i][0]);
		v->io_bars[i][SPARK_BARS - 1] = now >= v->io_seen[i] ? now - v->io_seen[i] : 0;
		v->io_seen[i] = now;
	}
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

static void draw_vm(struct view *v, int idx, int y, int x, int w, int h)
{
	const struct vmfo_snapshot *s = v->s;
	const struct vmfo_os_view *o = &s->os[idx];
	uint64_t mb = render_vm_bytes(s, idx) / MB;
	char hb[32] = "-";
	if (o->state == G_RUNNING && s->cfg.heartbeat_ms)
		snprintf(hb, sizeof hb, "%.0f ms", (double)(s->now_us - o->last_hb_us) / 1000.0);
	attron(A_BOLD);
	if (o->state == G_FAILED)
		put(y, x, w - 1, "vm%d failed (%s)  %" PRIu64 " MB", idx, o->fail_cause, mb);
	else
		put(y, x, w - 1, "vm%d %s %s %" PRIu64 " MB  hb %s", idx, s->booted ? o->role : "down",
		    s->booted ? state_name(o->state) : "", mb, hb);
	attroff(A_BOLD);
	int line = 1;
	for (int i = 0; i < MAX_APPS && line < h; i++) {
		const struct vmfo_app_view *a = &s->app[i];
		if (a->state == A_FREE || a->vm != idx)
			continue;
		put(y + line++, x, w - 1, "%s%-8.8s seq %-11" PRIu64 " %-7s %s %s", i == v->selected ? ">" : " ",
		    a->name, a->seq, app_state_name(a->state), a->hot ? "hot" : "   ", a->prog);
		if (a->io_open && line < h)
			draw_io(v, i, y + line++, x, w - 1);
	}
}

static void draw_table(struct view *v, int y, int h)
{
	char row[128];
	attron(A_BOLD);
	mvprintw(y, 0, "%s", render_table_head_narrow);
	attroff(A_BOLD);
	for (int i = 0; i + 1 < h && render_table_row_narrow(v->s, i, row, sizeof row); i++)
		mvprintw(y + 1 + i, 0, "%s", row);
}

static void draw_events(struct view *v, int y, int x, int w, int h)
{
	struct trace *t = vmfo_trace(v->m);
	size_t n = trace_count(t);
	struct event ev;
	char line[512];
	attron(A_BOLD);
	mvprintw(y, x, "last events");
	attroff(A_BOLD);
	for (int i = 1; i < h; i++) {
		size_t idx = n >= (size_t)(h - 1) ? n - (size_t)(h - 1) + (size_t)(i - 1) : (size_t)(i - 1);
		if (!trace_get(t, idx, &ev))
			break;
		/* Compact: time, name, the claims it serves, then the fields:
		 * the claims first, so that a narrow screen still shows them. */
		int len = snprintf(line, sizeof line, "%6.2f %s", (double)ev.t_us / 1e6, ev.name);
		for (int c = 1; c <= 9 && len > 0 && (size_t)len < sizeof line; c++)
			if (ev.claims & (1u << c))
				len += snprintf(line + len, sizeof line - (size_t)len, "%sc%d",
						ev.claims & ((1u << c) - 1) ? "," : " [", c);
		if (ev.claims && len > 0 && (size_t)len < sizeof line)
			len += snprintf(line + len, sizeof line - (size_t)len, "]");
		for (int f = 0; f < ev.nfields && len > 0 && (size_t)len < sizeof line; f++)
			len += snprintf(line + len, sizeof line - (size_t)len, " %s=%s", ev.field[f].key,
					ev.field[f].val);
		on(v, C_EVENT);
		mvprintw(y + i, x, "%.*s", w, line);
		off(v, C_EVENT);
	}
}

static void update_claims(struct view *v)
{
	/* Half a failover would read as FAIL: keep the last verdicts until
	 * the monitor is idle again. */
	vmfo_snapshot(v->m, v->s);
	if (v->s->busy)
		return;
	size_t n;
	struct event *ev = trace_snapshot(vmfo_trace(v->m), &n);
	char why[256];
	for (int c = 1; c <= 9 && ev; c++) {
		enum verdict vd = check_claim(ev, n, c, why, sizeof why);
		strlcpy0(v->claim[c], vd == CLAIM_PASS ? "PASS" : vd == CLAIM_FAIL ? "FAIL" : "-",
			 sizeof v->claim[c]);
	}
	free(ev);
}

static void draw_claims(struct view *v, int y, int x)
{
	attron(A_BOLD);
	mvprintw(y, x, "claims");
	attroff(A_BOLD);
	for (int c = 1; c <= 9; c++) {
		int pair = !strcmp(v->claim[c], "PASS") ? C_PASS : !strcmp(v->claim[c], "FAIL") ? C_FAIL : 0;
		mvprintw(y + c, x, "%d ", c);
		on(v, pair);
		printw("%-4s", v->claim[c]);
		off(v, pair);
	}
}

static const char *const keys_help[] = {
	"q  back to the console        ?  this help",
	"p  pause / resume the display (the guests run on)",
	"b  boot    r  reset    R  reprotect the failed side",
	"1  panic the active OS        3  hang it      4  triple fault",
	"Tab  select the next app      2  crash the selected app",
	"e  recoverable error in the selected app",
	"s  step mode on/off           space  carry out the next step",
	"+/-  pace failover steps slower / faster",
	"c  chart of the last failover into vmfo-foN.svg here",
};

/* The keys, in a framed box drawn over the screen: everything under the
 * box is cleared first, so no text shows through between its lines. */
static void draw_help(int h, int w)
{
	int n = (int)(sizeof keys_help / sizeof keys_help[0]);
	int bw = 66 < w ? 66 : w, bh = n + 4 < h ? n + 4 : h;
	WINDOW *box_win = derwin(stdscr, bh, bw, (h - bh) / 2, (w - bw) / 2);
	if (!box_win)
		return;
	werase(box_win);
	box(box_win, 0, 0);
	mvwprintw(box_win, 0, 2, " keys: ? closes ");
	for (int i = 0; i < n && i + 2 < bh - 1; i++)
		mvwprintw(box_win, i + 2, 2, "%.*s", bw - 4, keys_help[i]);
	delwin(box_win);
}

static void draw(struct view *v)
{
	const struct vmfo_snapshot *s = v->s;
	int h, w;
	getmaxyx(stdscr, h, w);
	erase();
	if (h < 20 || w < 60) {
		mvprintw(0, 0, "vmfo view: the terminal is %dx%d; it needs at least 60x20. q quits.", w, h);
		return;
	}
	vmfo_snapshot(v->m, v->s);
	if (v->frame % SPARK_FRAMES == 0)
		sample_io(v);
	const char *next = s->step_next;
	on(v, C_TITLE);
	mvprintw(0, 0, "%-*.*s", w, w, "");
	mvprintw(0, 0, " vmfo view  pool %" PRIu64 " MB, %u units  pace %" PRIu64 " ms%s%s", s->cfg.pool_mb,
		 s->nunits, s->cfg.pace_ms, s->step_mode ? "  STEP MODE" : "",
		 v->paused ? "  PAUSED" : "");
	off(v, C_TITLE);

	int claims_w = 12;
	int y = 1 + draw_grid(v, 1, w - claims_w - 1, GRID_ROWS_MAX);
	int rest = h - y - 2;
	int vm_h = rest / 3 > 3 ? rest / 3 : 3;
	int half = (w - claims_w) / 2;
	draw_vm(v, 0, y + 1, 0, half, vm_h);
	draw_vm(v, 1, y + 1, half, half, vm_h);
	int ty = y + 1 + vm_h;
	draw_table(v, ty, h - ty - 2);
	draw_events(v, ty, 46, w - 46, h - ty - 2);
	draw_claims(v, 1, w - claims_w + 1);

	on(v, C_NOTE);
	if (next[0])
		mvprintw(h - 2, 0, "next step: %.*s  (space)", w - 20, next);
	off(v, C_NOTE);
	mvprintw(h - 1, 0, "%.*s", w - 1, v->status[0] ? v->status : "q quit  ? keys  1 panic OS  2 crash app  space step");
	if (v->help)
		draw_help(h, w);
}

/* What an action did, on the status line: "fault os panic: done", or its
 * error as the console would print it. */
static void report(struct view *v, const char *what, int rc, const struct err *e, const char *done)
{
	/* The monitor's refusal while a step waits tells the console's way on
	 * (Enter, 'step'); here it is the space bar and s. */
	if (rc && v->s->step_next[0] && strncmp(e->msg, "a failover is paused", 20) == 0) {
		snprintf(v->status, sizeof v->status,
			 "%s: refused while a step waits: space = next step, s = step off", what);
		return;
	}
	snprintf(v->status, sizeof v->status, "%s: %s%s", what, rc ? "error: " : "", rc ? e->msg : done);
}

static void boot(struct view *v)
{
	struct err e;
	struct vmfo_booted b;
	char line[96] = "done";
	int rc = vmfo_boot(v->m, 0, 0, &b, &e);
	if (rc == 0)
		snprintf(line, sizeof line, "%s %s OS ready in %.1f ms with %" PRIu64 " MB", b.os[0].vm,
			 b.os[0].role, b.os[0].ready_ms, b.os[0].mb);
	report(v, "boot", rc, &e, line);
}

static void reprotect(struct view *v)
{
	struct err e;
	struct vmfo_reprotected r;
	char line[96] = "done";
	int rc = vmfo_reprotect(v->m, &r, &e);
	if (rc == 0)
		snprintf(line, sizeof line, "%s rebooted as the new %s", r.vm, r.role);
	report(v, "reprotect", rc, &e, line);
}

static void fault(struct view *v, enum vmfo_fault_target target, const char *app, const char *kind)
{
	struct err e;
	char what[64];
	struct vmfo_fault f = { .target = target, .kind = kind, .app = app, .unit = UINT32_MAX };
	if (app)
		snprintf(what, sizeof what, "fault app %s %s", app, kind);
	else
		snprintf(what, sizeof what, "fault os %s", kind);
	report(v, what, vmfo_fault(v->m, &f, &e), &e, "done");
}

static void select_next_app(struct view *v)
{
	for (int k = 1; k <= MAX_APPS; k++) {
		int i = (v->selected + k) % MAX_APPS;
		if (v->s->app[i].state == A_RUNNING) {
			v->selected = i;
			return;
		}
	}
}

static void fault_selected(struct view *v, const char *kind)
{
	const struct vmfo_app_view *a = v->selected >= 0 ? &v->s->app[v->selected] : NULL;
	if (!a || a->state != A_RUNNING) {
		snprintf(v->status, sizeof v->status, "no running app selected (Tab selects one)");
		return;
	}
	char name[APP_NAME_MAX];
	strlcpy0(name, a->name, sizeof name);
	fault(v, VMFO_FAULT_APP, name, kind);
}

static void pace(struct view *v, int ch)
{
	char what[32];
	uint64_t p = v->s->cfg.pace_ms;
	p = ch == '+' ? (p ? p * 2 : 250) : p / 2;
	p = p > 60000 ? 60000 : p < 50 ? 0 : p;
	vmfo_set_pace(v->m, p);
	snprintf(what, sizeof what, "pace %" PRIu64, p);
	report(v, what, 0, NULL, "done");
}

/* The latest failover as a message sequence chart, in the current
 * directory, named by its takeover id. */
static void chart(struct view *v)
{
	char name[48] = "";
	struct err e;
	size_t n;
	struct event *ev = trace_snapshot(vmfo_trace(v->m), &n);
	if (!ev) {
		snprintf(v->status, sizeof v->status, "chart: error: out of memory copying the trace");
		return;
	}
	int rc = chart_latest_svg(ev, n, name, sizeof name, &e);
	free(ev);
	char done[96];
	snprintf(done, sizeof done, "written to %s", name);
	report(v, "chart", rc, &e, done);
}

static bool handle_key(struct view *v, int ch)
{
	struct err e;
	vmfo_snapshot(v->m, v->s); /* act on what is there now */
	switch (ch) {
	case 'q': case 'Q': return false;
	case '?': v->help = !v->help; break;
	case 'p': v->paused = !v->paused; v->redraw = true; break;
	case 'b': boot(v); break;
	case 'r': vmfo_reset(v->m); report(v, "reset", 0, NULL, "done"); break;
	case 'R': reprotect(v); break;
	case '1': fault(v, VMFO_FAULT_OS, NULL, "panic"); break;
	case '3': fault(v, VMFO_FAULT_OS, NULL, "hang"); break;
	case '4': fault(v, VMFO_FAULT_OS, NULL, "triple"); break;
	case '2': fault_selected(v, "crash"); break;
	case 'e': fault_selected(v, "error"); break;
	case '\t': select_next_app(v); break;
	case 's':
		vmfo_set_step(v->m, !v->s->step_mode);
		report(v, v->s->step_mode ? "step off" : "step on", 0, NULL, "done");
		break;
	case ' ': case '\n': vmfo_step(v->m, &e); break;
	case '+': case '-': pace(v, ch); break;
	case 'c': chart(v); break;
	}
	return true;
}

int view_run(struct vmfo *m, bool color, FILE *err)
{
	struct view v = { .m = m, .selected = -1, .s = malloc(sizeof *v.s) };
	if (!v.s) {
		fprintf(err, "error: out of memory\n");
		return -1;
	}
	vmfo_snapshot(m, v.s);
	setlocale(LC_ALL, "");
	v.utf8 = MB_CUR_MAX > 1;
	SCREEN *screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		fprintf(err, "error: cannot start the view: the terminal (TERM) is not usable\n");
		free(v.s);
		return -1;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(FRAME_MS);
	init_colors(&v, color);
	select_next_app(&v);
	update_claims(&v);
	struct winsize ws = { 0 };
	for (bool go = true; go && !interrupt_pending(); v.frame++) {
		/* Resizes are polled, not signalled: the console's readline may
		 * own SIGWINCH. */
		struct winsize now;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &now) == 0 &&
		    (now.ws_row != ws.ws_row || now.ws_col != ws.ws_col)) {
			ws = now;
			resizeterm(ws.ws_row, ws.ws_col);
			clearok(curscr, TRUE);
		}
		if (v.frame % CLAIMS_EVERY == 0 && !v.paused)
			update_claims(&v);
		if (!v.paused || v.help || v.redraw)
			draw(&v);
		v.redraw = false;
		refresh();
		int ch = getch(); /* waits at most FRAME_MS; KEY_RESIZE just redraws */
		if (ch != ERR && ch != KEY_RESIZE)
			go = handle_key(&v, ch);
	}
	endwin();
	delscreen(screen);
	interrupt_clear();
	free(v.s);
	return 0;
}
