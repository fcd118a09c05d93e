/* render.c — status, table, map, app list and logs as text, from a
 * snapshot, and the table's bytes in main storage (table raw), decoded.
 * The console prints these; the view draws the same marks and rows in its
 * own narrower layout. */
#include "render.h"

#include <inttypes.h>
#include <string.h>

const char *vm_or_dash(int vm)
{
	static const char *const names[] = { "vm0", "vm1" };
	return vm == 0 || vm == 1 ? names[vm] : "-";
}

int vm_index_of(const char *name)
{
	for (int i = 0; i < 2; i++)
		if (name && strcmp(name, vm_or_dash(i)) == 0)
			return i;
	return -1;
}

/* A VM's state as a person reads it: "running", "failed (panic)". */
static void os_state(const struct vmfo_os_view *o, char *buf, size_t size)
{
	if (o->state == G_FAILED)
		snprintf(buf, size, "failed (%s)", o->fail_cause);
	else
		strlcpy0(buf, state_name(o->state), size);
}

uint64_t render_vm_bytes(const struct vmfo_snapshot *s, int vm)
{
	struct units held;
	table_units_of_vm(&s->table, vm, &held);
	return units_count(&held) * s->unit_bytes;
}

/* The place of row r among the table's apps: their marks and colours. */
static int app_place(const struct table *t, int r)
{
	int app = 0;
	for (int i = 0; i < r; i++)
		app += t->row[i].used && t->row[i].kind == ROW_APP;
	return app;
}

/* An app's mark: A-Z by its place, a-z while it is parked (mapped nowhere). */
static char app_mark(const struct row *row, int place)
{
	return (char)((row->vm == NO_VM ? 'a' : 'A') + place % 26);
}

char render_unit_mark(const struct vmfo_snapshot *s, uint32_t unit, int *app)
{
	int r = table_owner_of(&s->table, unit);
	*app = -1;
	if (r < 0)
		return '.';
	const struct row *row = &s->table.row[r];
	if (row->kind == ROW_VMM)
		return '#';
	if (row->kind == ROW_OS)
		return (char)('0' + row->vm);
	*app = app_place(&s->table, r);
	return app_mark(row, *app);
}

bool render_legend_entry(const struct vmfo_snapshot *s, int i, char *mark, const char **name,
			 bool *parked, int *app)
{
	static const char *const fixed[] = { "vmm", "vm0 OS", "vm1 OS" };
	*parked = false;
	*app = -1;
	if (i < 3) {
		*mark = "#01"[i];
		*name = fixed[i];
		return true;
	}
	int nth = i - 3;
	for (int r = 0; r < TABLE_MAX_ROWS; r++) {
		const struct row *row = &s->table.row[r];
		if (!row->used || row->kind != ROW_APP || nth--)
			continue;
		*app = app_place(&s->table, r);
		*parked = row->vm == NO_VM;
		*mark = app_mark(row, *app);
		*name = row->name;
		return true;
	}
	if (nth == 0) {
		*mark = '.';
		*name = "unused";
		return true;
	}
	return false;
}

/* ---- status ---- */

static void render_heartbeat(const struct vmfo_snapshot *s, const struct vmfo_os_view *o, FILE *out)
{
	char age[24];
	if (s->cfg.heartbeat_ms == 0)
		strlcpy0(age, "off", sizeof age);
	else if (o->state == G_BOOTING)
		strlcpy0(age, "-", sizeof age);
	else
		snprintf(age, sizeof age, "#%" PRIu64 " %.1f ms ago", o->hb_count,
			 (double)(s->now_us - o->last_hb_us) / 1000.0);
	fprintf(out, "  %-20s", age);
}

/* With both OSes down: what is left where, and how to go on. */
static void render_both_down(const struct vmfo_snapshot *s, FILE *out)
{
	struct units left;
	for (int i = 0; i < 2; i++) {
		uint64_t bytes = render_vm_bytes(s, i);
		if (bytes)
			fprintf(out, "both OSes are down: %" PRIu64 " MB remain with %s\n", bytes / MB,
				s->os[i].name);
	}
	table_units_of_vm(&s->table, NO_VM, &left);
	uint64_t parked = units_count(&left) - units_count(&s->table.row[s->vmm_row].units);
	if (parked)
		fprintf(out, "parked: %" PRIu64 " MB of hot apps wait for an OS to take them\n",
			parked * s->unit_bytes / MB);
	fprintf(out, "reprotect boots a new active OS%s; reset starts again\n",
		parked ? " that takes the parked apps over" : "");
}

void render_status(const struct vmfo_snapshot *s, FILE *out)
{
	fprintf(out, "%-4s  %-8s  %-17s  %7s  %-20s  %s\n", "vm", "role", "state", "storage",
		"heartbeat", "ready in");
	for (int i = 0; i < 2; i++) {
		const struct vmfo_os_view *o = &s->os[i];
		char state[32];
		os_state(o, state, sizeof state);
		fprintf(out, "%-4s  %-8s  %-17s  %4" PRIu64 " MB", o->name, o->role, state,
			render_vm_bytes(s, i) / MB);
		render_heartbeat(s, o, out);
		if (o->t_ready_us)
			fprintf(out, "  %.1f ms\n", (double)(o->t_ready_us - o->t_boot_us) / 1000.0);
		else
			fprintf(out, "  -\n");
	}
	fprintf(out, "pool: %" PRIu64 " MB in %u units of %" PRIu64 " MB, %u unused; "
		     "huge pages %s; memslots vm0 %d, vm1 %d\n",
		s->cfg.pool_mb, s->nunits, s->unit_bytes / MB, s->nfree, s->huge ? "on" : "off",
		s->os[0].slots, s->os[1].slots);
	if (s->os[0].state != G_RUNNING && s->os[1].state != G_RUNNING)
		render_both_down(s, out);
}

/* ---- the resource table ---- */

static void table_line(const struct vmfo_snapshot *s, FILE *out, const char *name,
		       const char *kind, const char *vm, const struct units *u, uint64_t use_bytes,
		       const char *control, const char *takeover, const char *hot)
{
	char units[256];
	units_format(u, units, sizeof units);
	fprintf(out, "%-10s %-5s %-4s %-16s %6" PRIu64 " %7" PRIu64 "  %-8s %-8s %s\n", name, kind,
		vm, units, (uint64_t)units_count(u) * s->unit_bytes / MB, use_bytes / MB, control,
		takeover, hot);
}

void render_table(const struct vmfo_snapshot *s, FILE *out)
{
	fprintf(out, "%-10s %-5s %-4s %-16s %6s %7s  %-8s %-8s %s\n", "row", "kind", "vm", "units",
		"MB", "use MB", "control", "takeover", "hot");
	for (int r = 0; r < TABLE_MAX_ROWS; r++) {
		const struct row *row = &s->table.row[r];
		if (!row->used)
			continue;
		bool app = row->kind == ROW_APP, io = row->kind == ROW_IO;
		/* A parked app's storage is mapped nowhere: the VMM holds it; an
		 * app's I/O channel is detached while its storage moves. */
		const char *control = !app && !io   ? "-"
				      : row->vm != NO_VM ? vm_or_dash(row->control)
				      : app              ? "parked"
							 : "detached";
		table_line(s, out, row->name, row_kind_name(row->kind), vm_or_dash(row->vm), &row->units,
			   row_bytes(&s->table, row), control, app ? vm_or_dash(row->takeover) : "-",
			   app ? (row->hot ? "yes" : "no") : "-");
	}
	if (!s->free_fragmented)
		table_line(s, out, "unused", "free", "-", &s->free_units, 0, "-", "-", "-");
	else
		fprintf(out, "%-10s %-5s %-4s %-16s %6u\n", "unused", "free", "-", "(fragmented)",
			(unsigned)(s->nfree * (s->unit_bytes / MB)));
	fprintf(out, "%-10s %-5s %-4s %-16s %6" PRIu64 "\n", "total", "", "", "",
		(uint64_t)s->nunits * s->unit_bytes / MB);
}

bool render_table_cells(const struct vmfo_snapshot *s, int i, struct render_table_cells *c)
{
	for (int r = 0; r < TABLE_MAX_ROWS; r++) {
		const struct row *row = &s->table.row[r];
		if (!row->used || i--)
			continue;
		bool app = row->kind == ROW_APP;
		strlcpy0(c->name, row->name, sizeof c->name);
		/* A parked app's storage is mapped nowhere: the VMM holds it. */
		c->kind = app && row->vm == NO_VM ? "park" : row_kind_name(row->kind);
		c->vm = vm_or_dash(row->vm);
		units_format(&row->units, c->units, sizeof c->units);
		c->mb = row_bytes(&s->table, row) / MB;
		c->control = app || row->kind == ROW_IO ? vm_or_dash(row->control) : "-";
		c->takeover = app ? vm_or_dash(row->takeover) : "-";
		return true;
	}
	if (i)
		return false;
	*c = (struct render_table_cells){ .name = "unused", .kind = "free", .vm = "-",
					  .mb = s->nfree * (s->unit_bytes / MB), .control = "",
					  .takeover = "" };
	return true;
}

/* ---- the table's bytes in main storage (table raw) ---- */

static void hex_line(FILE *out, uint64_t at, const unsigned char *p, size_t n)
{
	fprintf(out, "%08" PRIx64 " ", at);
	for (size_t i = 0; i < 16; i++) {
		if (i == 8)
			fputc(' ', out);
		if (i < n)
			fprintf(out, " %02x", p[i]);
		else
			fputs("   ", out);
	}
	fputs("  |", out);
	for (size_t i = 0; i < n; i++)
		fputc(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.', out);
	fputs("|\n", out);
}

/* As `hexdump -C` shows bytes: offsets from base, and a line the same as
 * the one before it (empty row slots, unused runs) once, as '*'. */
static void hex_dump(FILE *out, uint64_t base, const unsigned char *p, size_t size)
{
	bool starred = false;
	for (size_t at = 0; at < size; at += 16) {
		size_t n = size - at < 16 ? size - at : 16;
		if (at >= 16 && n == 16 && memcmp(p + at, p + at - 16, 16) == 0) {
			if (!starred)
				fputs("*\n", out);
			starred = true;
			continue;
		}
		starred = false;
		hex_line(out, base + at, p + at, n);
	}
	fprintf(out, "%08" PRIx64 "\n", base + size);
}

/* One row slot decoded from the bytes, if it is a row. */
static void raw_row(const struct vmfo_table_bytes *b, const struct table_header *h, uint32_t i,
		    FILE *out)
{
	static const char *const hot[] = { "no", "yes" };
	struct row r;
	char units[256] = "?";
	size_t at = h->header_bytes + (size_t)i * h->row_bytes;
	memcpy(&r, b->bytes + at, sizeof r);
	if (!r.used)
		return;
	r.name[ROW_NAME_MAX - 1] = '\0';
	if (r.units.nruns <= UNITS_MAX_RUNS)
		units_format(&r.units, units, sizeof units);
	fprintf(out, "%-3u 0x%06zx %-10s %-4s %-4s %-7s %-8s %-3s %s\n", i, b->offset + at, r.name,
		r.kind <= ROW_IO ? row_kind_name(r.kind) : "?", vm_or_dash(r.vm),
		vm_or_dash(r.control), vm_or_dash(r.takeover), r.hot <= 1 ? hot[r.hot] : "?",
		units);
}

void render_table_raw(const struct vmfo_table_bytes *b, FILE *out)
{
	struct table_header h;
	memcpy(&h, b->bytes, sizeof h);
	fprintf(out,
		"the resource management table in main storage: unit %u (the VMM's own, mapped in "
		"no VM), bytes 0x%x-0x%zx of the unit\n",
		b->unit, b->offset, b->offset + b->size - 1);
	hex_dump(out, b->offset, b->bytes, b->size);
	if (memcmp(h.magic, TABLE_MAGIC, TABLE_MAGIC_LEN) || h.version != TABLE_VERSION ||
	    h.header_bytes != sizeof h || h.row_bytes != sizeof(struct row) ||
	    h.rows > TABLE_MAX_ROWS) {
		fprintf(out, "header: not that of layout version %d\n", TABLE_VERSION);
		return;
	}
	fprintf(out,
		"header: magic %.8s, version %u, %u-byte header, %u row slots of %u bytes, %u in "
		"use, %u units of %" PRIu64 " MB, in unit %u\n",
		h.magic, h.version, h.header_bytes, h.rows, h.row_bytes, h.used, h.nunits,
		h.unit_bytes / MB, h.home_unit);
	fprintf(out, "%-3s %-8s %-10s %-4s %-4s %-7s %-8s %-3s %s\n", "row", "offset", "name",
		"kind", "vm", "control", "takeover", "hot", "units");
	for (uint32_t i = 0; i < h.rows; i++)
		raw_row(b, &h, i, out);
}

/* ---- the unit map ---- */

/* One legend entry, two spaces after the last; past 79 columns it goes on
 * a line of its own, under the first entry, so an 80-column terminal never
 * cuts an entry in two. */
static void legend_put(FILE *out, int *col, const char *entry)
{
	int len = (int)strlen(entry);
	if (*col + 2 + len > 79) {
		fputs("\n        ", out);
		*col = 8;
	} else {
		fputs("  ", out);
		*col += 2;
	}
	fputs(entry, out);
	*col += len;
}

void render_map(const struct vmfo_snapshot *s, FILE *out)
{
	const uint32_t per_line = 64;
	int app;
	for (uint32_t u = 0; u < s->nunits; u += per_line) {
		fprintf(out, "%5u  ", u);
		for (uint32_t k = u; k < u + per_line && k < s->nunits; k++)
			fputc(render_unit_mark(s, k, &app), out);
		fputc('\n', out);
	}
	char entry[96];
	int col = fprintf(out, "legend: # vmm");
	snprintf(entry, sizeof entry, "0 vm0 OS (%s)", s->os[0].role);
	legend_put(out, &col, entry);
	snprintf(entry, sizeof entry, "1 vm1 OS (%s)", s->os[1].role);
	legend_put(out, &col, entry);
	char mark;
	const char *name;
	bool parked;
	for (int i = 3; render_legend_entry(s, i, &mark, &name, &parked, &app) && app >= 0; i++) {
		snprintf(entry, sizeof entry, "%c %s%s", mark, name, parked ? " (parked)" : "");
		legend_put(out, &col, entry);
	}
	legend_put(out, &col, ". unused");
	snprintf(entry, sizeof entry, "(1 unit = %" PRIu64 " MB)", s->unit_bytes / MB);
	legend_put(out, &col, entry);
	fputc('\n', out);
}

/* ---- apps and logs ---- */

void render_app_list(const struct vmfo_snapshot *s, FILE *out)
{
	fprintf(out, "%-10s %-7s %-4s %-8s %6s %-4s %14s %14s\n", "app", "prog", "vm", "state", "MB",
		"hot", "seq", "acked");
	for (int i = 0; i < MAX_APPS; i++) {
		const struct vmfo_app_view *a = &s->app[i];
		if (a->state == A_FREE)
			continue;
		fprintf(out, "%-10s %-7s %-4s %-8s %6" PRIu64 " %-4s %14" PRIu64 " %14" PRIu64 "\n",
			a->name, a->prog, vm_or_dash(a->vm), app_state_name(a->state), a->bytes / MB,
			a->hot ? "yes" : "no", a->seq, a->acked);
	}
}

void render_log(const char *vm, const struct vmfo_log *log, FILE *out)
{
	for (unsigned i = 0; i < log->count; i++)
		fprintf(out, "%s %+11.6f s  %s\n", vm, (double)log->t_us[i] / 1e6, log->line[i]);
}

void render_sparkline(const uint64_t *counts, int n, bool utf8, char *buf, size_t size)
{
	static const char *const blocks[8] = { "\u2581", "\u2582", "\u2583", "\u2584",
					       "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = ".,:-=+*#";
	uint64_t max = 0;
	size_t len = 0;
	for (int i = 0; i < n; i++)
		max = counts[i] > max ? counts[i] : max;
	buf[0] = '\0';
	for (int i = 0; i < n && len + 4 < size; i++) {
		/* 0 stays blank; anything else is at least the lowest bar. */
		int level = counts[i] == 0 ? -1 : (int)((counts[i] * 8 - 1) / max);
		const char *bar = level < 0 ? " " : utf8 ? blocks[level] : (char[]){ ascii[level], 0 };
		len += (size_t)snprintf(buf + len, size - len, "%s", bar);
	}
}
