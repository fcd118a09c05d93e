/* chart_layout.c — a trace's failovers as a model to draw: the events
 * chart_pick.c chose, the lifelines in a fixed order, each arrow's label,
 * each takeover's title, and where everything goes on the page. No
 * drawing library here: chart_draw.c draws the model, the tests read it. */
#include "chart_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Geometry, in points. */
#define MARGIN 24.0
#define SEQ_W 30.0        /* "#123" */
#define TIME_W 66.0       /* "+12.345 ms", right-aligned */
#define CLAIMS_W 84.0     /* "claims 1,4,6,7" */
#define HEAD_H 30.0       /* name and role */
#define ROW_H 28.0        /* the name above an arrow, its note below */
#define SECTION_H 34.0
#define MIN_SPACING 110.0
#define MAX_SPACING 340.0

static double text_w(const char *s, double size)
{
	return (double)strlen(s) * size * CHART_CHAR_EM;
}

/* The lifelines in a fixed order: the first OS by name, the VMM, the
 * other OSes, then the apps as they first appear; so a takeover reads
 * from the failed side on the left to the side taking over on the right.
 * map[registered index] = drawn index. */
static void order_lifelines(struct chart *c, int *map)
{
	int os[CHART_MAX_LIFELINES], order[CHART_MAX_LIFELINES], nos = 0, n = 0;
	for (int i = 0; i < c->nlife; i++) {
		if (c->life[i].party != PARTY_OS)
			continue;
		int at = nos++;
		for (; at > 0 && strcmp(c->life[os[at - 1]].name, c->life[i].name) > 0; at--)
			os[at] = os[at - 1];
		os[at] = i;
	}
	if (nos)
		order[n++] = os[0];
	for (int i = 0; i < c->nlife; i++)
		if (c->life[i].party == PARTY_VMM)
			order[n++] = i;
	for (int k = 1; k < nos; k++)
		order[n++] = os[k];
	for (int i = 0; i < c->nlife; i++)
		if (c->life[i].party == PARTY_APP)
			order[n++] = i;
	struct chart_lifeline sorted[CHART_MAX_LIFELINES];
	for (int j = 0; j < n; j++) {
		sorted[j] = c->life[order[j]];
		map[order[j]] = j;
	}
	memcpy(c->life, sorted, (size_t)n * sizeof sorted[0]);
}

/* "key=val" after what buf holds, cut short where it is full. */
static void append(char *buf, size_t size, const char *key, const char *val)
{
	size_t len = strlen(buf);
	if (val && len + 1 < size &&
	    snprintf(buf + len, size - len, "%s%s=%s", len ? " " : "", key, val) < 0)
		buf[len] = '\0';
}

/* The line under the event's name: its app when no end of the arrow is
 * that app's lifeline; the one field its route names; its units. */
static void note(const struct chart *c, struct chart_arrow *a, const struct event *ev)
{
	struct ev_route r;
	event_route(ev->name, &r);
	const char *app = event_field(ev, "app");
	const struct chart_lifeline *from = &c->life[a->from], *to = &c->life[a->to];
	bool app_drawn = app && ((from->party == PARTY_APP && !strcmp(from->name, app)) ||
				 (to->party == PARTY_APP && !strcmp(to->name, app)));
	if (!app_drawn)
		append(a->note, sizeof a->note, "app", app);
	if (r.detail)
		append(a->note, sizeof a->note, r.detail, event_field(ev, r.detail));
	append(a->note, sizeof a->note, "units", a->units[0] ? a->units : NULL);
	chart_printable(a->note);
}

static void fill_arrow(struct chart *c, struct chart_arrow *a, const struct event *ev,
		       const struct chart_pick *p, const int *map, uint64_t t0)
{
	memset(a, 0, sizeof *a);
	a->from = map[p->from];
	a->to = map[p->to];
	a->seq = ev->seq;
	a->t_us = ev->t_us;
	a->since_us = ev->t_us > t0 ? ev->t_us - t0 : 0;
	a->claims = ev->claims;
	strlcpy0(a->name, ev->name, sizeof a->name);
	chart_printable(a->name);
	const char *units = event_field(ev, "units");
	strlcpy0(a->units, units ? units : "", sizeof a->units);
	chart_printable(a->units);
	note(c, a, ev);
}

static const char *field_or(const struct event *ev, const char *key, const char *none)
{
	const char *v = ev ? event_field(ev, key) : NULL;
	return v ? v : none;
}

/* Whether a refusal is about the failed party itself (its app, or the
 * failed OS when it names no app), not about another app it held. */
static bool about_failed(const struct event *ev, const struct event *start)
{
	const char *app = event_field(start, "app"), *vm = event_field(start, "vm");
	if (app)
		return event_matches(ev, ev->name, "app", app);
	return !event_field(ev, "app") && vm && event_matches(ev, ev->name, "vm", vm);
}

/* How the takeover ended, from its own events: ", done in 2.194 ms". */
static void outcome(const struct event *ev, const struct event *start, char *how, size_t size)
{
	if (!strcmp(ev->name, "vmm.no_takeover") && start && about_failed(ev, start))
		snprintf(how, size, ", not taken over (%.40s)", field_or(ev, "reason", "?"));
	else if (!strcmp(ev->name, "vmm.park"))
		snprintf(how, size, ", parked");
	else if (!strcmp(ev->name, "failover.error"))
		snprintf(how, size, ", stopped at %.40s", field_or(ev, "step", "?"));
	else if (!strcmp(ev->name, "failover.done"))
		snprintf(how, size, ", done in %.20s ms", field_or(ev, "ms", "?"));
}

/* "fo=2: OS failover, vm0 (panic), done in 2.194 ms": what failed, how
 * it was found, and how the takeover ended. */
static void title_section(const struct event *evs, struct chart_section *sec,
			  const struct chart_pick *p)
{
	const struct event *start = NULL, *fault = NULL;
	char how[64] = "", run[24] = "", what[64] = "", cause[48] = "";
	for (int i = 0; i < sec->count; i++) {
		const struct event *ev = &evs[p[i].idx];
		if (!strcmp(ev->name, "app.fault"))
			fault = ev;
		if (!start && chart_is_report(ev))
			start = ev;
		outcome(ev, start, how, sizeof how);
	}
	bool app = start && !strcmp(start->name, "os.app_failure");
	strlcpy0(sec->kind, !start ? "takeover" : app ? "app failover" : "OS failover",
		 sizeof sec->kind);
	if (sec->run > 1)
		snprintf(run, sizeof run, " (run %d)", sec->run);
	if (app)
		snprintf(what, sizeof what, ", %.30s on %.20s", field_or(start, "app", "?"),
			 field_or(start, "vm", "?"));
	else if (start)
		snprintf(what, sizeof what, ", %.20s", field_or(start, "vm", "?"));
	const char *why = app ? field_or(fault, "kind", NULL) : field_or(start, "cause", NULL);
	if (why)
		snprintf(cause, sizeof cause, " (%.40s)", why);
	snprintf(sec->title, sizeof sec->title, "fo=%llu%s: %s%s%s%s", (unsigned long long)sec->fo,
		 run, sec->kind, what, cause, how);
	chart_printable(sec->title);
}

/* The arrows, section by section, from the picks in drawing order. */
static int build(struct chart *c, const struct event *ev, const struct chart_picks *p,
		 struct err *e)
{
	int map[CHART_MAX_LIFELINES];
	order_lifelines(c, map);
	c->arrow = calloc(p->npick, sizeof *c->arrow);
	c->section = calloc((size_t)p->ngroup, sizeof *c->section);
	if (!c->arrow || !c->section)
		return err_set(e, "out of memory laying out the chart");
	for (size_t i = 0; i < p->npick; i++) {
		const struct chart_pick *k = &p->pick[i];
		const struct chart_group *g = &p->group[k->group];
		struct chart_section *sec = c->nsection ? &c->section[c->nsection - 1] : NULL;
		if (!sec || g->fo != sec->fo || g->run != sec->run) {
			sec = &c->section[c->nsection++];
			*sec = (struct chart_section){ .fo = g->fo, .run = g->run, .first = (int)i };
		}
		uint64_t t0 = ev[p->pick[sec->first].idx].t_us;
		fill_arrow(c, &c->arrow[i], &ev[k->idx], k, map, t0);
		sec->count++;
		c->narrow++;
	}
	for (int j = 0; j < c->nsection; j++)
		title_section(ev, &c->section[j], &p->pick[c->section[j].first]);
	return 0;
}

/* Wide enough that every label fits between the lifelines its arrow
 * joins, and a step on one lifeline's label before the next one. */
static double spacing_for(const struct chart *c, bool *self_on_last)
{
	double spacing = MIN_SPACING;
	*self_on_last = false;
	for (int i = 0; i < c->narrow; i++) {
		const struct chart_arrow *a = &c->arrow[i];
		int gaps = abs(a->to - a->from);
		double w = text_w(a->name, CHART_FONT), wn = text_w(a->note, CHART_FONT);
		w = wn > w ? wn : w;
		double need = gaps ? (w + 16) / gaps : CHART_SELF_W + 6 + w + 10;
		spacing = need > spacing ? need : spacing;
		*self_on_last |= !gaps && a->from == c->nlife - 1;
	}
	for (int i = 0; i < c->nlife; i++) {
		double w = text_w(c->life[i].name, CHART_HEAD_FONT) + 16;
		spacing = w > spacing ? w : spacing;
	}
	return spacing < MAX_SPACING ? spacing : MAX_SPACING;
}

/* Each section's rows below y: one per event, or (to scale) by time since
 * its first event, the section as tall as stepped rows would make it, but
 * never two arrows closer than a row, so that labels never collide: steps
 * close together are stepped, a long wait leaves room. The y after them. */
static double place_rows(struct chart *c, struct chart_section *sec, double y, bool to_scale)
{
	struct chart_arrow *a = &c->arrow[sec->first];
	uint64_t span = a[sec->count - 1].since_us;
	double scale = to_scale && span ? sec->count * ROW_H / (double)span : 0;
	for (int i = 0; i < sec->count; i++) {
		double at = y + ROW_H + (double)a[i].since_us * scale;
		double stepped = (i ? a[i - 1].y : y) + ROW_H;
		a[i].y = at > stepped ? at : stepped;
	}
	return a[sec->count - 1].y;
}

static void title_chart(struct chart *c, bool to_scale)
{
	if (c->nsection == 1) {
		strlcpy0(c->title, c->section[0].title, sizeof c->title);
	} else if (c->nsection > 4) { /* too many to name each */
		snprintf(c->title, sizeof c->title, "%d failovers, fo=%llu to fo=%llu", c->nsection,
			 (unsigned long long)c->section[0].fo,
			 (unsigned long long)c->section[c->nsection - 1].fo);
	} else {
		snprintf(c->title, sizeof c->title, "%d failovers:", c->nsection);
		for (int k = 0; k < c->nsection; k++) {
			size_t len = strlen(c->title);
			snprintf(c->title + len, sizeof c->title - len, "%s fo=%llu %s", k ? "," : "",
				 (unsigned long long)c->section[k].fo, c->section[k].kind);
		}
	}
	snprintf(c->subtitle, sizeof c->subtitle, "%s; left: event number, time since "
		 "detection; right: the claims it shows", to_scale ? "rows spaced by time"
								   : "one row per event");
}

static void place(struct chart *c, bool to_scale)
{
	bool self_on_last;
	c->spacing = spacing_for(c, &self_on_last);
	c->seq_x = MARGIN;
	c->time_x = MARGIN + SEQ_W + TIME_W;
	double left = c->time_x + 12;
	for (int i = 0; i < c->nlife; i++)
		c->life[i].x = left + c->spacing / 2 + i * c->spacing;
	double right = left + c->nlife * c->spacing + (self_on_last ? c->spacing / 2 : 0);
	c->claims_x = right + 8;
	title_chart(c, to_scale);
	c->title_y = MARGIN + CHART_TITLE_FONT;
	c->subtitle_y = c->title_y + CHART_FONT + 8;
	c->head_top = c->subtitle_y + 16;
	c->head_h = HEAD_H;
	c->life_top = c->head_top + c->head_h;
	double y = c->life_top;
	for (int k = 0; k < c->nsection; k++) {
		struct chart_section *sec = &c->section[k];
		if (c->nsection > 1) { /* the rule, its title above it clear of the last note */
			sec->y = y + SECTION_H;
			y = sec->y - 2;
		}
		y = place_rows(c, sec, y, to_scale);
	}
	c->life_end = y + ROW_H * 0.75;
	c->height = c->life_end + MARGIN;
	c->width = c->claims_x + CLAIMS_W + MARGIN;
	double title_w = 2 * MARGIN + text_w(c->title, CHART_TITLE_FONT);
	double sub_w = 2 * MARGIN + text_w(c->subtitle, CHART_FONT);
	c->width = title_w > c->width ? title_w : c->width;
	c->width = ceil(sub_w > c->width ? sub_w : c->width); /* whole points: whole pixels */
	c->height = ceil(c->height);
}

int chart_layout(const struct event *ev, size_t n, const struct chart_opts *o, struct chart *c,
		 struct err *e)
{
	struct chart_picks p = { 0 };
	memset(c, 0, sizeof *c);
	c->life = calloc(CHART_MAX_LIFELINES, sizeof *c->life);
	int rc = c->life ? 0 : err_set(e, "out of memory laying out the chart");
	if (!rc)
		rc = chart_pick(ev, n, o, c, &p, e);
	if (!rc)
		rc = build(c, ev, &p, e);
	if (!rc)
		place(c, o->to_scale);
	chart_picks_free(&p);
	if (rc)
		chart_free(c);
	return rc;
}

void chart_free(struct chart *c)
{
	free(c->life);
	free(c->arrow);
	free(c->section);
	memset(c, 0, sizeof *c);
}

void chart_dump(const struct chart *c, FILE *f)
{
	char claims[24];
	fprintf(f, "chart %.0fx%.0f, %d failover%s, %d lifelines, %d arrows\n", c->width, c->height,
		c->nsection, c->nsection == 1 ? "" : "s", c->nlife, c->narrow);
	fprintf(f, "title %s\n", c->title);
	for (int i = 0; i < c->nlife; i++)
		fprintf(f, "lifeline %s x=%.0f%s%s\n", c->life[i].name, c->life[i].x,
			c->life[i].role[0] ? " " : "", c->life[i].role);
	for (int k = 0; k < c->nsection; k++) {
		const struct chart_section *sec = &c->section[k];
		fprintf(f, "section %d-%d %s\n", sec->first + 1, sec->first + sec->count, sec->title);
		for (int i = sec->first; i < sec->first + sec->count; i++) {
			const struct chart_arrow *a = &c->arrow[i];
			event_claims_text(a->claims, claims, sizeof claims);
			fprintf(f, "arrow %d %s->%s %s claims=%s units=%s seq=%llu at=+%.3fms y=%.0f\n",
				i + 1, c->life[a->from].name, c->life[a->to].name, a->name,
				claims[0] ? claims : "-", a->units[0] ? a->units : "-",
				(unsigned long long)a->seq, (double)a->since_us / 1000.0, a->y);
		}
	}
}
