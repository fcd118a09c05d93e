/* view.c — the live view. It redraws ten times a second from a snapshot
 * (vmfo.h) and the trace, with the same marks and rows as the console's
 * renderers; keys act through the typed API like any other front end.
 * Nothing else writes to the terminal while it runs. Drawing, laid out to
 * the terminal's size, is view_draw.c's. */
#include "view.h"

#include <curses.h>
#include <inttypes.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "chart.h"
#include "checker.h"
#include "render.h"
#include "view_int.h"

#define CLAIMS_EVERY 5    /* frames between claim verdicts */

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

/* A frame from what is there now; the I/O rates sampled every
 * SPARK_FRAMES frames. */
static void draw_frame(struct view *v)
{
	vmfo_snapshot(v->m, v->s);
	if (v->frame % SPARK_FRAMES == 0)
		sample_io(v);
	view_draw(v);
}

/* What an action did, on the status line: "fault os panic: done", or its
 * error as the console would print it. */
static void report(struct view *v, const char *what, int rc, const struct err *e, const char *done)
{
	/* Refused while a step waits: the way on, in the view, is the space
	 * bar or s. */
	if (rc && vmfo_refused_paused(e)) {
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
	view_init_colors(&v, color);
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
			draw_frame(&v);
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
