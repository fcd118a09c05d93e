/* chart_int.h — inside the chart front end: what chart_pick.c hands
 * chart_layout.c, the events a chart draws and the lifelines between
 * which each one goes. Front ends include chart.h only. */
#ifndef VMFO_CHART_INT_H
#define VMFO_CHART_INT_H

#include "chart.h"

/* One takeover: its events share a run of the numbering and an fo. */
struct chart_group {
	int run;
	uint64_t fo;
};

/* An event to draw, between two lifelines (indices as registered). */
struct chart_pick {
	size_t idx;
	int group, from, to;
};

/* The picks in drawing order: takeover by takeover, each in trace order. */
struct chart_picks {
	struct chart_pick *pick;
	size_t npick;
	struct chart_group *group;
	int ngroup;
};

/* Pick what to draw of ev[0..n) and register the lifelines in c->life
 * (room for CHART_MAX_LIFELINES; the VMM first), with the roles the OSes
 * had as the first failover drawn began. 0, or -1 with e saying why.
 * chart_picks_free() it either way. */
int chart_pick(const struct event *ev, size_t n, const struct chart_opts *o, struct chart *c,
	       struct chart_picks *p, struct err *e);
void chart_picks_free(struct chart_picks *p);

/* A failure report, which starts a takeover: os.app_failure, vmm.os_fault. */
bool chart_is_report(const struct event *ev);
/* Labels are drawn as they are: keep them to printable ASCII. */
void chart_printable(char *s);

#endif
