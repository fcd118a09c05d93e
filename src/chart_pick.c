/* chart_pick.c — which events of a trace a chart draws, and between which
 * parties: every event of each takeover (those carrying fo=N) and the
 * detection before it (the app's app.fault, the OS's refused access),
 * each sent along its route (event.c) from one lifeline to another. The
 * parties are resolved against what the trace had said by then: the OS an
 * app ran on, each OS's role, whether an app was hot. */
#include "chart_int.h"

#include <stdlib.h>
#include <string.h>

#define MAX_APPS_TRACKED 64

/* What the trace has said so far about one OS (its role) or one app (the
 * OS it runs on, whether it is hot). */
struct tracked {
	char name[EV_VAL_MAX];
	char where[EV_VAL_MAX];
	const char *role;
	bool hot;
};

struct scan {
	const struct event *ev;
	size_t n;
	const struct chart_opts *o;
	struct chart *c;
	struct tracked os[CHART_MAX_LIFELINES], app[MAX_APPS_TRACKED];
	int nos, napp;
	int run;
	bool roles_taken;    /* the heads show the roles as the first failover began */
	struct chart_picks *p;
	uint64_t fo_min, fo_max; /* for the message when fo=N is not there */
	int last_report;         /* the latest failure report's index, or -1 */
};

void chart_printable(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}

bool chart_is_report(const struct event *ev)
{
	return !strcmp(ev->name, "os.app_failure") || !strcmp(ev->name, "vmm.os_fault");
}

static struct tracked *tracked(struct tracked *list, int *n, int max, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(list[i].name, name) == 0)
			return &list[i];
	if (*n == max)
		return NULL;
	struct tracked *t = &list[(*n)++];
	memset(t, 0, sizeof *t);
	strlcpy0(t->name, name, sizeof t->name);
	return t;
}

static const char *os_role_text(const struct tracked *t)
{
	if (!t || !t->role)
		return "OS";
	return !strcmp(t->role, "active") ? "active OS" : !strcmp(t->role, "standby") ? "standby OS"
										 : "failed OS";
}

/* The lifeline of a party, registered on first use: its index, or -1 when
 * there would be too many to draw. */
static int lifeline(struct scan *s, enum chart_party party, const char *name)
{
	struct chart *c = s->c;
	for (int i = 0; i < c->nlife; i++)
		if (c->life[i].party == party && strcmp(c->life[i].name, name) == 0)
			return i;
	if (c->nlife == CHART_MAX_LIFELINES)
		return -1;
	struct chart_lifeline *l = &c->life[c->nlife];
	memset(l, 0, sizeof *l);
	l->party = party;
	strlcpy0(l->name, name, sizeof l->name);
	chart_printable(l->name);
	if (party == PARTY_OS) {
		struct tracked *t = tracked(s->os, &s->nos, CHART_MAX_LIFELINES, name);
		strlcpy0(l->role, os_role_text(t), sizeof l->role);
	} else if (party == PARTY_APP) {
		struct tracked *t = tracked(s->app, &s->napp, MAX_APPS_TRACKED, name);
		strlcpy0(l->role, t && t->hot ? "hot app" : "app", sizeof l->role);
	}
	return c->nlife++;
}

/* The heads show each OS's role as the first failover drawn began. */
static void take_roles(struct scan *s)
{
	for (int i = 0; i < s->c->nlife; i++) {
		struct chart_lifeline *l = &s->c->life[i];
		if (l->party == PARTY_OS)
			strlcpy0(l->role, os_role_text(tracked(s->os, &s->nos, CHART_MAX_LIFELINES,
							       l->name)), sizeof l->role);
	}
	s->roles_taken = true;
}

/* The lifeline an actor of ev resolves to; hint_os: the OS to take when
 * the event names none and its app's OS is not known (a detection, from
 * the report that followed it). Unresolved parties are drawn on the VMM. */
static int resolve(struct scan *s, const struct event *ev, enum ev_actor a, const char *hint_os)
{
	const char *vm = event_field(ev, "vm"), *app = event_field(ev, "app");
	if (a == ACTOR_SUBJECT)
		a = app ? ACTOR_APP : ACTOR_OS;
	if (a == ACTOR_APP && app)
		return lifeline(s, PARTY_APP, app);
	if (a == ACTOR_OS && !vm && app) {
		struct tracked *t = tracked(s->app, &s->napp, MAX_APPS_TRACKED, app);
		vm = t && t->where[0] ? t->where : hint_os;
	}
	if (a == ACTOR_OS && vm)
		return lifeline(s, PARTY_OS, vm);
	return lifeline(s, PARTY_VMM, "VMM");
}

static int add_pick(struct scan *s, size_t idx, int group, const char *hint_os, struct err *e)
{
	const struct event *ev = &s->ev[idx];
	struct ev_route r;
	event_route(ev->name, &r);
	int from = resolve(s, ev, r.from, hint_os), to = resolve(s, ev, r.to, hint_os);
	if (from < 0 || to < 0)
		return err_set(e, "the chart would have more than %d lifelines: draw one failover "
				  "with --fo N", CHART_MAX_LIFELINES);
	if (s->p->npick == CHART_MAX_ARROWS)
		return err_set(e, "more than %d events to draw: draw one failover with --fo N",
			       CHART_MAX_ARROWS);
	s->p->pick[s->p->npick++] = (struct chart_pick){ idx, group, from, to };
	return 0;
}

/* The detection a failure report follows: its app's app.fault, or the
 * refused access (vmm.blocked) of its OS, since the previous report. */
static int detection_before(const struct scan *s, size_t report)
{
	const struct event *r = &s->ev[report];
	bool app_failure = !strcmp(r->name, "os.app_failure");
	const char *key = app_failure ? "app" : "vm", *val = event_field(r, key);
	for (size_t i = report; val && i-- > 0 && (int)i > s->last_report;)
		if (!event_field(&s->ev[i], "fo") &&
		    event_matches(&s->ev[i], app_failure ? "app.fault" : "vmm.blocked", key, val))
			return (int)i;
	return -1;
}

static int group_of(struct scan *s, uint64_t fo, size_t idx, struct err *e)
{
	struct chart_picks *p = s->p;
	for (int g = 0; g < p->ngroup; g++)
		if (p->group[g].run == s->run && p->group[g].fo == fo)
			return g;
	p->group[p->ngroup] = (struct chart_group){ s->run, fo };
	int g = p->ngroup++;
	int det = chart_is_report(&s->ev[idx]) ? detection_before(s, idx) : -1;
	if (det >= 0 && add_pick(s, (size_t)det, g, event_field(&s->ev[idx], "vm"), e))
		return -1;
	return g;
}

/* What an event tells about the parties, after it is drawn. */
static void learn(struct scan *s, const struct event *ev)
{
	const char *vm = event_field(ev, "vm"), *app = event_field(ev, "app");
	struct tracked *os = vm ? tracked(s->os, &s->nos, CHART_MAX_LIFELINES, vm) : NULL;
	if (os && !strcmp(ev->name, "os.ready")) {
		const char *role = event_field(ev, "role");
		os->role = role && !strcmp(role, "active") ? "active" : "standby";
	}
	if (os && !strcmp(ev->name, "vmm.os_fault")) {
		/* The standby takes the failed active OS's place (docs/protocol.md). */
		for (int i = 0; os->role && !strcmp(os->role, "active") && i < s->nos; i++)
			if (s->os[i].role && !strcmp(s->os[i].role, "standby"))
				s->os[i].role = "active";
		os->role = "failed";
	}
	struct tracked *a = app ? tracked(s->app, &s->napp, MAX_APPS_TRACKED, app) : NULL;
	if (a && vm)
		strlcpy0(a->where, vm, sizeof a->where);
	if (a && !strcmp(ev->name, "app.started"))
		a->hot = event_matches(ev, "app.started", "hot", "yes");
}

/* The numbering restarts after a reset: a new run, with a new world. */
static void next_event(struct scan *s, size_t i)
{
	if (i > 0 && s->ev[i].seq <= s->ev[i - 1].seq) {
		s->run++;
		s->nos = s->napp = 0;
		s->last_report = -1;
	}
}

static int scan_one(struct scan *s, size_t i, struct err *e)
{
	const struct event *ev = &s->ev[i];
	const char *fo_text = event_field(ev, "fo");
	uint64_t fo;
	next_event(s, i);
	bool booted = !strcmp(ev->name, "os.ready") || !strcmp(ev->name, "vmm.alloc");
	const char *vm = event_field(ev, "vm");
	if (booted && vm && lifeline(s, PARTY_OS, vm) < 0)
		return err_set(e, "the trace has more than %d OSes to draw", CHART_MAX_LIFELINES);
	if (fo_text && !parse_u64(fo_text, 1, UINT64_MAX, &fo)) {
		s->fo_min = s->fo_min && s->fo_min < fo ? s->fo_min : fo;
		s->fo_max = s->fo_max > fo ? s->fo_max : fo;
		if (!s->o->fo || (s->o->fo == fo && (!s->o->run || s->o->run == s->run))) {
			if (!s->roles_taken)
				take_roles(s);
			int g = group_of(s, fo, i, e);
			if (g < 0 || add_pick(s, i, g, NULL, e))
				return -1;
		}
	}
	if (chart_is_report(ev))
		s->last_report = (int)i;
	learn(s, ev);
	return 0;
}

static int by_group_then_order(const void *a, const void *b)
{
	const struct chart_pick *p = a, *q = b;
	if (p->group != q->group)
		return p->group < q->group ? -1 : 1;
	return p->idx < q->idx ? -1 : p->idx > q->idx;
}

int chart_pick(const struct event *ev, size_t n, const struct chart_opts *o, struct chart *c,
	       struct chart_picks *p, struct err *e)
{
	memset(p, 0, sizeof *p);
	struct scan *s = calloc(1, sizeof *s);
	p->group = calloc(n ? n : 1, sizeof *p->group);
	p->pick = calloc(CHART_MAX_ARROWS, sizeof *p->pick);
	if (!s || !p->group || !p->pick) {
		free(s);
		return err_set(e, "out of memory laying out the chart");
	}
	*s = (struct scan){ .ev = ev, .n = n, .o = o, .c = c, .p = p, .run = 1, .last_report = -1 };
	lifeline(s, PARTY_VMM, "VMM"); /* first, so there is room: it is in every takeover */
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++)
		rc = scan_one(s, i, e);
	if (!rc && !s->fo_max)
		rc = err_set(e, "no failover in the trace: no event has a takeover id (fo=N); "
				"a trace from before takeover ids cannot be drawn");
	else if (!rc && !p->npick)
		rc = err_set(e, "no failover fo=%llu in the trace (it has fo=%llu to fo=%llu)",
			     (unsigned long long)o->fo, (unsigned long long)s->fo_min,
			     (unsigned long long)s->fo_max);
	if (!rc)
		qsort(p->pick, p->npick, sizeof *p->pick, by_group_then_order);
	free(s);
	return rc;
}

void chart_picks_free(struct chart_picks *p)
{
	free(p->pick);
	free(p->group);
	memset(p, 0, sizeof *p);
}
