/* checker_world.c — the world as the trace has made it so far, for the
 * claim checker: which units each VM holds (alloc, grant, attach give;
 * detach and reclaim take), whether each OS runs and its role, and for each
 * app its VM, whether it is hot, alive or being moved, and its latest
 * os.report. The claims look at it as it was just before each failure.
 * Judges no claim itself. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "checker_int.h"
#include "util.h"

const char *const vm_names[NVMS] = { "vm0", "vm1" };

void world_init(struct world *w)
{
	for (int v = 0; v < NVMS; v++) {
		units_clear(&w->owned[v]);
		w->up[v] = w->standby[v] = w->ran_apps[v] = false;
	}
	w->napps = 0;
}

static int app_index(const struct world *w, const char *name)
{
	for (int a = 0; a < w->napps; a++)
		if (strcmp(w->app[a].name, name) == 0)
			return a;
	return -1;
}

const struct app_rec *app_find(const struct world *w, const char *name)
{
	int a = app_index(w, name);
	return a < 0 ? NULL : &w->app[a];
}

static struct app_rec *world_app(struct world *w, const char *name, bool create)
{
	int a = app_index(w, name);

	if (a >= 0)
		return &w->app[a];
	if (!create || w->napps == TRACE_MAX_APPS)
		return NULL;
	struct app_rec *r = &w->app[w->napps++];
	strlcpy0(r->name, name, sizeof r->name);
	r->vm = -1;
	r->hot = r->alive = r->moving = false;
	r->report = -1;
	return r;
}

/* Ownership: alloc, grant and attach give units to a VM; detach (to the
 * other VM, or to parked storage) and reclaim (back to the pool) take them
 * away. A refused merge or removal is left for the checks to notice. */
static void own_step(struct world *w, const struct event *e)
{
	int v = vm_index(event_field(e, "vm"));
	struct units u;

	if (v < 0 || !ev_units(e, &u))
		return;
	if (is(e, "vmm.detach") || is(e, "vmm.reclaim"))
		units_remove(&w->owned[v], &u);
	else
		units_merge(&w->owned[v], &u);
}

static void app_step(struct world *w, const struct event *e, size_t i)
{
	const char *name = event_field(e, "app");
	struct app_rec *r;

	if (!name)
		return;
	r = world_app(w, name, is(e, "os.report") || is(e, "app.started"));
	if (!r)
		return;
	if (is(e, "os.report")) {
		r->report = (long)i;
	} else if (is(e, "app.started")) {
		r->vm = vm_index(event_field(e, "vm"));
		r->hot = has(e, "hot", "yes");
		r->alive = true;
		r->moving = false;
	} else if (is(e, "app.resumed") || is(e, "app.restarted")) {
		if (event_field(e, "vm"))
			r->vm = vm_index(event_field(e, "vm"));
		r->alive = true;
		r->moving = false;
	} else if (is_app_failure(e)) {
		r->alive = false;
		r->moving = r->hot;
	} else {
		r->alive = r->moving = false; /* app.lost, app.corrupt, refused */
	}
}

/* An OS failure ends every app it ran (a hot one lives on via app.resumed);
 * a failed active OS's survivor becomes the active OS. */
static void os_down(struct world *w, int vm)
{
	if (vm < 0)
		return;
	w->ran_apps[vm] = holds_apps(w, vm);
	w->up[vm] = false;
	for (int a = 0; a < w->napps; a++)
		if (w->app[a].vm == vm)
			w->app[a].alive = false;
}

void world_step(struct world *w, const struct event *ev, size_t i)
{
	const struct event *e = &ev[i];
	int v = vm_index(event_field(e, "vm"));

	if (is(e, "vmm.alloc") || is(e, "vmm.grant") || is(e, "vmm.attach") ||
	    is(e, "vmm.detach") || is(e, "vmm.reclaim")) {
		own_step(w, e);
	} else if (is_os_fault(e)) {
		os_down(w, v);
	} else if (is(e, "os.ready") && v >= 0) {
		w->up[v] = true;
		w->standby[v] = has(e, "role", "standby");
	} else if (is(e, "os.attached") && v >= 0 && !w->up[1 - v] && !w->standby[1 - v]) {
		/* The standby engaged a failed active OS's storage: from here it
		 * is the active OS. (Not at the fault: the standby may fail
		 * itself before the takeover reaches it, still a standby.) */
		w->standby[v] = false;
	} else if (is(e, "os.report") || is(e, "app.started") || is(e, "app.resumed") ||
		   is(e, "app.restarted") || is_app_failure(e) || is(e, "app.lost") ||
		   is(e, "app.corrupt") || (is(e, "vmm.no_takeover") && has(e, "reason", "not_hot"))) {
		app_step(w, e, i);
	}
}

/* An app's storage is what its latest os.report said (a grow re-reports). */
bool app_storage(const struct event *ev, const struct app_rec *r, struct units *u)
{
	return r && r->report >= 0 && ev_units(&ev[r->report], u);
}

/* Whether app r's storage is in vm: it runs there, or a takeover is moving
 * it and its reported storage is mapped there now. An OS failure takes
 * both kinds along (failover_os moves every app row on the VM). */
bool on_vm(const struct event *ev, const struct world *w, const struct app_rec *r, int vm)
{
	struct units u;

	if (vm < 0 || vm >= NVMS) /* a trace may name no VM, or a strange one */
		return false;
	if (r->alive)
		return r->vm == vm;
	return r->moving && app_storage(ev, r, &u) && units_count(&u) && inside(&u, &w->owned[vm]);
}

/* Whether vm holds an app that runs, or one a takeover is moving there. */
bool holds_apps(const struct world *w, int vm)
{
	for (int a = 0; a < w->napps; a++)
		if ((w->app[a].alive || w->app[a].moving) && w->app[a].vm == vm)
			return true;
	return false;
}

/* Whether vm's OS was running just before event j, as the trace shows it:
 * an os.ready with no vmm.os_fault after it. */
bool up_at(const struct event *ev, size_t j, int vm)
{
	for (size_t k = j; k-- > 0;) {
		if (vm_index(event_field(&ev[k], "vm")) != vm)
			continue;
		if (is(&ev[k], "os.ready"))
			return true;
		if (is_os_fault(&ev[k]))
			return false;
	}
	return false;
}
