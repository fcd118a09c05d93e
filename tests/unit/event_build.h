/* event_build.h — events made by hand for the unit tests of the front ends
 * that read them (charts, the handout), without a monitor or a trace. */
#ifndef VMFO_TEST_EVENT_BUILD_H
#define VMFO_TEST_EVENT_BUILD_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "event.h"

/* ev as the event called name, numbered seq at t_us, with the claims the
 * event table gives it and the fields of ap: "key=value" strings, NULL. */
static inline void event_build(struct event *ev, uint64_t seq, uint64_t t_us, const char *name,
			       va_list ap)
{
	memset(ev, 0, sizeof *ev);
	ev->seq = seq;
	ev->t_us = t_us;
	strlcpy0(ev->name, name, sizeof ev->name);
	ev->claims = event_claims(name);
	for (const char *kv; (kv = va_arg(ap, const char *)) != NULL && ev->nfields < EV_MAX_FIELDS;
	     ev->nfields++) {
		const char *eq = strchr(kv, '=');
		snprintf(ev->field[ev->nfields].key, EV_KEY_MAX, "%.*s", (int)(eq - kv), kv);
		strlcpy0(ev->field[ev->nfields].val, eq + 1, EV_VAL_MAX);
	}
}

#endif
