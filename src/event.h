/* event.h — one event of the trace: its name from a fixed vocabulary, the
 * claims it serves, and its fields; what a name means in plain words and
 * between whom it goes as a message; and the one-line text the console,
 * the view and 'trace' show. */
#ifndef VMFO_EVENT_H
#define VMFO_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EV_NAME_MAX 28
#define EV_MAX_FIELDS 8
#define EV_KEY_MAX 16
#define EV_VAL_MAX 96

struct ev_field {
	char key[EV_KEY_MAX];
	char val[EV_VAL_MAX];
};

struct event {
	uint64_t seq;   /* 1, 2, 3, ... since the trace was last cleared */
	uint64_t t_us;  /* monotonic microseconds since vmfo started */
	char name[EV_NAME_MAX];
	uint32_t claims; /* bit n set: serves claim n */
	int nfields;
	struct ev_field field[EV_MAX_FIELDS];
};

/* What to wait for: an event called name, and (when not NULL) with that
 * app and vm fields. */
struct event_match {
	const char *name, *app, *vm;
};
bool event_match(const struct event *ev, const struct event_match *w);

/* Whether ev is called name and (when key is not NULL) has key=val. */
bool event_matches(const struct event *ev, const char *name, const char *key, const char *val);

const char *event_field(const struct event *ev, const char *key);

/* One readable line: "   12   +1.234567 s  os.ready               vm=vm0 role=active  [claim 1]":
 * the number in 5 columns, the time in 11, the name padded to
 * EVENT_NAME_WIDTH, then the fields, each after a space; they begin at
 * EVENT_FIELDS_COLUMN, where a line broken to fit a terminal goes on. */
#define EVENT_NAME_WIDTH 22
#define EVENT_FIELDS_COLUMN (5 + 1 + 11 + 4 + EVENT_NAME_WIDTH + 1)
void event_format(const struct event *ev, char *buf, size_t size);

/* A set of claims as text, "1,4,6,7" ("" for none); its length. */
size_t event_claims_text(uint32_t claims, char *buf, size_t size);
/* The claims an event name serves, as a bit set (bit n: claim n). */
uint32_t event_claims(const char *name);
/* The parties of an event drawn as a message: the VMM; the OS it names
 * (its vm field, or else the OS its app runs on); the app it names; or
 * its subject (the app if it names one, else the OS). */
enum ev_actor { ACTOR_VMM, ACTOR_OS, ACTOR_APP, ACTOR_SUBJECT };
struct ev_route {
	enum ev_actor from, to;
	const char *detail; /* the field to write beside the arrow, or NULL */
};
/* The route of an event name, from the vocabulary; false (and a step on
 * the VMM's own lifeline) for a name outside it. */
bool event_route(const char *name, struct ev_route *r);
/* The i-th name of the event vocabulary, or NULL past the end. */
const char *event_name_at(size_t i);
/* What the event means, in plain words; NULL for names not in the vocabulary. */
const char *event_explain(const char *name);

#endif
