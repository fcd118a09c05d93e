/* cmd_trace.c — events at the console: printing them (coloured, explained,
 * live as they happen), 'trace', 'wait', and the claim verdicts. */
#include "cmd_verbs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"
#include "checker.h"
#include "fit.h"
#include "tracefile.h"

#define DEFAULT_WAIT_MS 5000

/* Colour by meaning: failures red, completions green, the VMM's steps
 * cyan, the OSes' answers blue, apps yellow. */
static const char *event_color(const char *name)
{
	static const char *const red[] = { "vmm.os_fault", "os.app_failure", "app.fault",
					   "app.lost", "app.corrupt", "vmm.blocked", "failover.error" };
	for (size_t i = 0; i < ARRAY_SIZE(red); i++)
		if (strcmp(name, red[i]) == 0)
			return "\033[1;31m";
	if (strcmp(name, "failover.done") == 0 || strcmp(name, "app.resumed") == 0)
		return "\033[1;32m";
	if (strncmp(name, "vmm.", 4) == 0)
		return "\033[36m";
	if (strncmp(name, "os.", 3) == 0)
		return "\033[34m";
	return "\033[33m";
}

/* Where the next break may go in line from p on: the end of the next
 * field, a claim tag ("[claim 5,6]") kept whole. */
static const char *next_break(const char *p)
{
	while (*p == ' ')
		p++;
	const char *end = p + strcspn(p, " ");
	if (strncmp(p, "[claim", 6) == 0 && *end == ' ')
		end += 1 + strcspn(end + 1, " ");
	return end;
}

/* An event line at most columns wide: broken between fields, never inside
 * one, each further line indented to where the fields begin (or by 8 on a
 * terminal too narrow to leave a long field room there), so that a
 * terminal's own wrap does not cut a field in two. */
#define FIELD_ROOM 32 /* hash=... and units=... lists fit in it */
static void print_wrapped(FILE *out, const char *line, int columns, const char *on, const char *off)
{
	size_t indent = (size_t)columns >= EVENT_FIELDS_COLUMN + FIELD_ROOM ? EVENT_FIELDS_COLUMN : 8;
	size_t room = (size_t)columns - 1, used = 0;
	const char *p = line;
	fputs(on, out);
	while (*p) {
		const char *end = next_break(p);
		size_t len = (size_t)(end - p);
		if (used > indent && used + len > room) {
			fprintf(out, "%s\n%s%*s", off, on, (int)indent, "");
			used = indent;
			while (*p == ' ')
				p++;
			len = (size_t)(end - p);
		}
		fwrite(p, 1, len, out);
		used += len;
		p = end;
	}
	fprintf(out, "%s\n", off);
}

void cmd_print_event(struct cmd_ctx *c, const struct event *ev)
{
	char line[1024];
	event_format(ev, line, sizeof line);
	int columns = fit_terminal_columns(c->terminal ? c->terminal : c->out);
	const char *on = c->color ? event_color(ev->name) : "", *off = c->color ? "\033[0m" : "";
	if (columns >= 40 && strlen(line) >= (size_t)columns)
		print_wrapped(c->out, line, columns, on, off);
	else
		fprintf(c->out, "%s%s%s\n", on, line, off);
	const char *why = c->explain ? event_explain(ev->name) : NULL;
	if (why)
		fprintf(c->out, "%s      -> %s%s\n", c->color ? "\033[2m" : "", why, c->color ? "\033[0m" : "");
}

bool cmd_print_new(struct cmd_ctx *c)
{
	struct event ev;
	struct trace *t = vmfo_trace(c->m);
	char next[sizeof c->announced];
	bool printed = false;
	size_t n = trace_count(t);
	if (c->printed > n)
		c->printed = 0; /* reset cleared the trace */
	for (; c->printed < n && trace_get(t, c->printed, &ev); c->printed++, printed = true)
		cmd_print_event(c, &ev);
	vmfo_step_waiting(c->m, next, sizeof next);
	if (next[0] && strcmp(next, c->announced) != 0) {
		fprintf(c->out, "%s[step] next: %s -- press Enter%s\n", c->color ? "\033[1;35m" : "", next,
			c->color ? "\033[0m" : "");
		printed = true;
	}
	strlcpy0(c->announced, next, sizeof c->announced);
	if (printed)
		fflush(c->out);
	return printed;
}

void cmd_print_new_tick(void *c)
{
	cmd_print_new(c);
}

static int trace_save(struct cmd_ctx *c, const char *path)
{
	FILE *f = fopen(path, "w");
	struct event ev;
	if (!f)
		return cmd_fail(c, "cannot write '%s': %s", path, strerror(errno));
	for (size_t i = 0; trace_get(vmfo_trace(c->m), i, &ev); i++)
		if (event_write_json(&ev, f)) {
			int err = errno;
			fclose(f);
			return cmd_fail(c, "writing '%s': %s", path, strerror(err));
		}
	if (fclose(f))
		return cmd_fail(c, "writing '%s': %s", path, strerror(errno));
	return 0;
}

/* trace save --svg|--pdf|--png FILE [--fo N] [--to-scale]: the failovers
 * so far as a message sequence chart, as 'vmfo trace' draws a saved one. */
static int trace_save_chart(struct cmd_ctx *c, int argc, char **argv)
{
	struct chart_request r;
	struct err e;
	if (chart_parse(argc, argv, true, &r, &e))
		return cmd_fail(c, "trace save: %s", e.msg);
	size_t n;
	struct event *ev = trace_snapshot(vmfo_trace(c->m), &n);
	if (!ev)
		return cmd_fail(c, "out of memory copying the trace");
	int rc = chart_render(ev, n, &r, c->out, &e);
	free(ev);
	return rc ? cmd_fail(c, "trace save: %s", e.msg) : 0;
}

int cmd_trace(struct cmd_ctx *c, int argc, char **argv)
{
	uint64_t n = 20;
	struct event ev;
	struct trace *t = vmfo_trace(c->m);

	if (argc >= 3 && strcmp(argv[1], "save") == 0)
		return argc == 3 && argv[2][0] != '-' ? trace_save(c, argv[2])
						      : trace_save_chart(c, argc - 2, argv + 2);
	if (argc > 2 || (argc == 2 && parse_u64(argv[1], 1, 1000000, &n)))
		return cmd_usage(c, "trace");
	size_t count = trace_count(t);
	for (size_t i = count > n ? count - n : 0; trace_get(t, i, &ev); i++)
		cmd_print_event(c, &ev);
	return 0;
}

int cmd_wait(struct cmd_ctx *c, int argc, char **argv)
{
	uint64_t ms = DEFAULT_WAIT_MS;
	struct event ev;
	struct trace *t = vmfo_trace(c->m);

	if (argc < 2 || argc > 3 || (argc == 3 && parse_u64(argv[2], 1, 600000, &ms)))
		return cmd_usage(c, "wait");
	if (event_claims(argv[1]) == 0 && !strchr(argv[1], '.'))
		return cmd_fail(c, "'%s' is not an event name (events look like os.ready)", argv[1]);
	struct event_match w = { argv[1], NULL, NULL };
	int got = vmfo_wait(c->m, &w, ms, c->live ? cmd_print_new_tick : NULL, c, &ev);
	if (got <= 0) {
		if (got < 0)
			return cmd_fail(c, "interrupted while waiting for %s", argv[1]);
		size_t n = trace_count(t);
		if (n && trace_get(t, n - 1, &ev))
			return cmd_fail(c, "no %s within %" PRIu64 " ms (last event: #%" PRIu64 " %s)",
					argv[1], ms, ev.seq, ev.name);
		return cmd_fail(c, "no %s within %" PRIu64 " ms (no events yet)", argv[1], ms);
	}
	if (!c->live) {
		cmd_print_event(c, &ev);
		return 0;
	}
	/* Printed as it came, before or while waiting: say which it was,
	 * rather than print it twice or say nothing. */
	bool shown = ev.seq <= c->printed;
	cmd_print_new(c);
	if (shown)
		fprintf(c->out, "%s: event %" PRIu64 ", shown above\n", ev.name, ev.seq);
	return 0;
}

int cmd_check_events(struct cmd_ctx *c, const struct event *ev, size_t n, int only)
{
	int failed = 0;
	for (int claim = 1; claim <= 9; claim++) {
		char why[512], line[640];
		if (only && claim != only)
			continue;
		enum verdict v = check_claim(ev, n, claim, why, sizeof why);
		check_format(claim, v, why, line, sizeof line);
		fprintf(c->out, "%s\n", line);
		failed += v == CLAIM_FAIL;
	}
	fflush(c->out); /* the verdicts before the error line that sums them up */
	/* A claim that is not shown yet is no error; one that failed is. */
	return failed ? cmd_fail(c, "%d claim%s failed", failed, failed > 1 ? "s" : "") : 0;
}
