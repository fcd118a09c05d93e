/* view.c — the live view. It redraws ten times a second from the monitor's
 * state (read under its lock) and the trace; keys act through the command
 * layer like any other front end. Nothing else writes to the terminal
 * while it runs. */
#include "view.h"

#include <curses.h>
#include <inttypes.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "checker.h"

#define FRAME_MS 100      /* ten frames a second */
#define CLAIMS_EVERY 5    /* frames between claim verdicts */
#define GRID_ROWS_MAX 8

/* Colour pairs by meaning (htop style): drawing code never names colours. */
enum role_color { C_TITLE = 1, C_VMM, C_OS0, C_OS1, C_FREE, C_APP0, C_PASS = C_APP0 + 6, C_FAIL,
		  C_NOTE, C_EVENT };

struct view {
	struct cmd_ctx *c;
	bool color;
	bool paused;         /* 'p': the display stands still, the guests do not */
	bool redraw;         /* draw once even while paused (the title says so) */
	bool help;
	int selected;        /* app index for one-key faults */
	char status[160];    /* the last action's result */
	char claim[10][16];  /* verdict per claim */
	int frame;
};

static void init_colors(struct view *v)
{
	v->color = has_colors() && v->c->color;
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

/* The mark and colour of a unit's owner: # the VMM, 0/1 an OS, A.. apps. */
static char owner_mark(const struct vmfo *m, uint32_t unit, int *pair)
{
	int r = table_owner_of(&m->table, unit);
	if (r < 0) {
		*pair = C_FREE;
		return '.';
	}
	const struct row *row = &m->table.row[r];
	if (row->kind == ROW_VMM) {
		*pair = C_VMM;
		return '#';
	}
	if (row->kind == ROW_OS) {
		*pair = row->vm == 0 ? C_OS0 : C_OS1;
		return (char)('0' + row->vm);
	}
	int app = 0;
	for (int i = 0; i < r; i++)
		app += m->table.row[i].used && m->table.row[i].kind == ROW_APP;
	*pair = C_APP0 + app % 6;
	return (char)((row->vm == NO_VM ? 'a' : 'A') + app % 26); /* a-z: parked */
}

/* One cell per unit, or per `per` units when there are more units than
 * cells (the cell shows its first unit's owner). Returns rows used. */
static int draw_grid(struct view *v, int y, int width, int max_rows)
{
	const struct vmfo *m = v->c->m;
	uint32_t n = m->pool.nunits, cols = (uint32_t)width;
	uint32_t per = 1;
	while ((n + per - 1) / per > cols * (uint32_t)max_rows)
		per++;
	uint32_t cells = (n + per - 1) / per;
	int rows = (int)((cells + cols - 1) / cols);
	for (uint32_t cell = 0; cell < cells; cell++) {
		int pair;
		char mark = owner_mark(m, cell * per, &pair);
		on(v, pair);
		mvaddch(y + (int)(cell / cols), (int)(cell % cols), (chtype)mark);
		off(v, pair);
	}
	/* The legend, in the same colours, wrapped to the grid's width. */
	int ly = y + rows, lx = 0;
	char text[64];
	snprintf(text, sizeof text, "1 cell = %u unit%s of %" PRIu64 " MB ", per, per > 1 ? "s" : "",
		 m->pool.unit_bytes / MB);
	put(ly, 0, width, "%s", text);
	lx = (int)strlen(text);
	for (int r = -3, app = 0; r <= TABLE_MAX_ROWS; r++) {
		int pair;
		char mark;
		const char *name;
		if (r < 0) { /* the VMM and the two OSes first */
			static const char *const names[] = { "vmm", "vm0 OS", "vm1 OS" };
			static const char marks[] = { '#', '0', '1' };
			static const int pairs[] = { C_VMM, C_OS0, C_OS1 };
			mark = marks[r + 3], name = names[r + 3], pair = pairs[r + 3];
		} else if (r == TABLE_MAX_ROWS) {
			mark = '.', name = "unused", pair = C_FREE;
		} else if (m->table.row[r].used && m->table.row[r].kind == ROW_APP) {
			bool parked = m->table.row[r].vm == NO_VM;
			mark = (char)((parked ? 'a' : 'A') + app % 26), pair = C_APP0 + app % 6;
			name = m->table.row[r].name;
			app++;
		} else {
			continue;
		}
		int len = 3 + (int)strlen(name);
		if (lx + len > width) {
			ly++;
			lx = 0;
		}
		on(v, pair);
		mvaddch(ly, lx, (chtype)mark);
		off(v, pair);
		put(ly, lx + 1, width - lx - 1, " %s ", name);
		lx += len;
	}
	return ly - y + 1;
}

static void draw_vm(struct view *v, int idx, int y, int x, int w, int h)
{
	const struct vmfo *m = v->c->m;
	const struct guest *g = &m->g[idx];
	struct units held;
	table_units_of_vm(&m->table, idx, &held);
	char hb[32] = "-";
	if (g->state == G_RUNNING && m->cfg.heartbeat_ms)
		snprintf(hb, sizeof hb, "%.0f ms", (double)(now_us() - atomic_load(&g->last_hb_us)) / 1000.0);
	attron(A_BOLD);
	if (g->state == G_FAILED)
		put(y, x, w - 1, "vm%d failed (%s)  %" PRIu64 " MB", idx, g->fail_cause,
		    units_count(&held) * m->pool.unit_bytes / MB);
	else
		put(y, x, w - 1, "vm%d %s %s %" PRIu64 " MB  hb %s", idx,
		    m->booted ? role_name(g->role) : "down", m->booted ? state_name(g->state) : "",
		    units_count(&held) * m->pool.unit_bytes / MB, hb);
	attroff(A_BOLD);
	int line = 1;
	for (int i = 0; i < MAX_APPS && line < h; i++) {
		const struct app *a = &m->app[i];
		if (a->state == A_FREE || app_vm(m, a) != idx)
			continue;
		const struct vmfo_app_hdr *hdr = app_header(m, a);
		put(y + line++, x, w - 1, "%s%-8.8s seq %-11" PRIu64 " %-7s %s %s", i == v->selected ? ">" : " ",
		    a->name, __atomic_load_n(&hdr->seq, __ATOMIC_RELAXED), app_state_name(a->state),
		    a->hot ? "hot" : "   ", aux_name(a->prog));
	}
}

static void draw_table(struct view *v, int y, int h)
{
	const struct vmfo *m = v->c->m;
	char units[64];
	int line = 0;
	attron(A_BOLD);
	mvprintw(y + line++, 0, "%-8s %-4s %-3s %-12s %4s %-3s %-3s", "table", "kind", "vm", "units", "MB",
		 "ctl", "tk");
	attroff(A_BOLD);
	for (int r = 0; r < TABLE_MAX_ROWS && line < h; r++) {
		const struct row *row = &m->table.row[r];
		if (!row->used)
			continue;
		units_format(&row->units, units, sizeof units);
		bool app = row->kind == ROW_APP;
		/* A parked app's storage is mapped nowhere: the VMM holds it. */
		const char *kind = app && row->vm == NO_VM ? "park" : row_kind_name(row->kind);
		mvprintw(y + line++, 0, "%-8.8s %-4s %-3s %-12.12s %4" PRIu64 " %-3s %-3s", row->name,
			 kind, row->vm >= 0 ? (row->vm ? "vm1" : "vm0") : "-", units,
			 row_bytes(&m->table, row) / MB,
			 app && row->control >= 0 ? (row->control ? "vm1" : "vm0") : "-",
			 app && row->takeover >= 0 ? (row->takeover ? "vm1" : "vm0") : "-");
	}
	if (line < h)
		mvprintw(y + line, 0, "%-8s %-4s %-3s %-12s %4u", "unused", "free", "-", "",
			 (unsigned)(m->pool.nfree * (m->pool.unit_bytes / MB)));
}

static void draw_events(struct view *v, int y, int x, int w, int h)
{
	struct trace *t = &v->c->m->trace;
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
		/* Compact: time, name, fields; the claims it serves last. */
		int len = snprintf(line, sizeof line, "%6.2f %s", (double)ev.t_us / 1e6, ev.name);
		/* The claims it serves first, so a narrow screen still shows them. */
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
	struct vmfo *m = v->c->m;
	pthread_mutex_lock(&m->lock);
	bool queued = m->work_count > 0;
	pthread_mutex_unlock(&m->lock);
	if (queued || pthread_mutex_trylock(&m->ctl) != 0)
		return;
	pthread_mutex_unlock(&m->ctl);
	size_t n;
	struct event *ev = trace_snapshot(&v->c->m->trace, &n);
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
};

static void draw(struct view *v)
{
	struct vmfo *m = v->c->m;
	int h, w;
	getmaxyx(stdscr, h, w);
	erase();
	if (h < 20 || w < 60) {
		mvprintw(0, 0, "vmfo view: the terminal is %dx%d; it needs at least 60x20. q quits.", w, h);
		return;
	}
	char next[160];
	monitor_step_waiting(m, next, sizeof next);
	on(v, C_TITLE);
	mvprintw(0, 0, "%-*.*s", w, w, "");
	mvprintw(0, 0, " vmfo view  pool %" PRIu64 " MB, %u units  pace %" PRIu64 " ms%s%s", m->cfg.pool_mb,
		 m->pool.nunits, m->cfg.pace_ms, m->step_mode ? "  STEP MODE" : "",
		 v->paused ? "  PAUSED" : "");
	off(v, C_TITLE);

	pthread_mutex_lock(&m->lock);
	int claims_w = 12;
	int y = 1 + draw_grid(v, 1, w - claims_w - 1, GRID_ROWS_MAX);
	int rest = h - y - 2;
	int vm_h = rest / 3 > 3 ? rest / 3 : 3;
	int half = (w - claims_w) / 2;
	draw_vm(v, 0, y + 1, 0, half, vm_h);
	draw_vm(v, 1, y + 1, half, half, vm_h);
	int ty = y + 1 + vm_h;
	draw_table(v, ty, h - ty - 2);
	pthread_mutex_unlock(&m->lock);
	draw_events(v, ty, 46, w - 46, h - ty - 2);
	draw_claims(v, 1, w - claims_w + 1);

	on(v, C_NOTE);
	if (next[0])
		mvprintw(h - 2, 0, "next step: %.*s  (space)", w - 20, next);
	off(v, C_NOTE);
	mvprintw(h - 1, 0, "%.*s", w - 1, v->status[0] ? v->status : "q quit  ? keys  1 panic OS  2 crash app  space step");
	if (v->help) {
		int bx = 4, by = 3;
		for (size_t i = 0; i < sizeof keys_help / sizeof keys_help[0]; i++)
			mvprintw(by + (int)i, bx, " %-56s ", keys_help[i]);
	}
}

/* Run a command through the command layer; its first line goes to the
 * status line. */
static void act(struct view *v, const char *line)
{
	char *out, *err;
	int rc = cmd_capture(v->c->m, line, &out, &err);
	const char *text = rc ? err : out;
	if (!text || !*text)
		text = "done";
	snprintf(v->status, sizeof v->status, "%s: %.*s", line, (int)strcspn(text, "\n"), text);
	free(out);
	free(err);
}

static void select_next_app(struct view *v)
{
	for (int k = 1; k <= MAX_APPS; k++) {
		int i = (v->selected + k) % MAX_APPS;
		if (v->c->m->app[i].state == A_RUNNING) {
			v->selected = i;
			return;
		}
	}
}

static void fault_selected(struct view *v, const char *kind)
{
	char line[64];
	struct app *a = &v->c->m->app[v->selected];
	if (a->state != A_RUNNING) {
		snprintf(v->status, sizeof v->status, "no running app selected (Tab selects one)");
		return;
	}
	snprintf(line, sizeof line, "fault app %s %s", a->name, kind);
	act(v, line);
}

static bool handle_key(struct view *v, int ch)
{
	char line[32];
	switch (ch) {
	case 'q': case 'Q': return false;
	case '?': v->help = !v->help; break;
	case 'p': v->paused = !v->paused; v->redraw = true; break;
	case 'b': act(v, "boot"); break;
	case 'r': act(v, "reset"); break;
	case 'R': act(v, "reprotect"); break;
	case '1': act(v, "fault os panic"); break;
	case '3': act(v, "fault os hang"); break;
	case '4': act(v, "fault os triple"); break;
	case '2': fault_selected(v, "crash"); break;
	case 'e': fault_selected(v, "error"); break;
	case '\t': select_next_app(v); break;
	case 's': act(v, v->c->m->step_mode ? "step off" : "step on"); break;
	case ' ': case '\n': monitor_step_grant(v->c->m); break;
	case '+': case '-': {
		uint64_t p = v->c->m->cfg.pace_ms;
		p = ch == '+' ? (p ? p * 2 : 250) : p / 2;
		snprintf(line, sizeof line, "pace %" PRIu64, p > 60000 ? 60000 : p < 50 ? 0 : p);
		act(v, line);
		break;
	}
	}
	return true;
}

int view_run(struct cmd_ctx *c)
{
	struct view v = { .c = c, .selected = -1 };
	setlocale(LC_ALL, "");
	SCREEN *screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		fprintf(c->err, "error: cannot start the view: the terminal (TERM) is not usable\n");
		return -1;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(FRAME_MS);
	init_colors(&v);
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
	c->printed = trace_count(&c->m->trace); /* what the view showed is not repeated */
	return 0;
}
