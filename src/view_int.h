/* view_int.h — the live view's state, shared by its loop and keys
 * (view.c) and its drawing (view_draw.c). */
#ifndef VMFO_VIEW_INT_H
#define VMFO_VIEW_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "vmfo.h"

#define FRAME_MS 100      /* ten frames a second */
#define SPARK_BARS 10    /* a served app's requests, one bar per ... */
#define SPARK_FRAMES 5   /* ... this many frames (half a second) */

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
	bool utf8;           /* the terminal takes UTF-8: block sparklines, … */
};

void view_init_colors(struct view *v, bool color);
/* One frame: the whole screen from v->s, laid out to the terminal's size. */
void view_draw(struct view *v);

#endif
