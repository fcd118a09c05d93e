/* checker.c — judge claims 1..9 from a recorded event trace: the entry
 * points (check_claim, check_format), the claims list, the rule on event
 * numbering that every claim shares, and the verdict plumbing (say, pass,
 * describe) the claim files build their reasons with.
 *
 * The checker replays the trace once per claim. A small "world" (who owns
 * which units, which app runs where, is hot, and last reported what) is
 * stepped event by event, so at each failure we know what the table held at
 * that moment. The takeover that follows is then matched against the steps
 * the claim needs, in order, among that takeover's own events: those that
 * carry the failure's takeover id (fo=N, docs/protocol.md). Reports of other
 * failures may come in the middle of a takeover; ids keep them apart. A
 * trace without ids (from an older vmfo) is judged by position instead:
 * from the failure to the next failure report.
 *
 * Which file holds what: the list at the top of checker_int.h. */
#include "checker.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "checker_int.h"
#include "util.h"

/* ---- messages -------------------------------------------------------- */

void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*len >= size)
		return;
	va_start(ap, fmt);
	k = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (k > 0)
		*len += (size_t)k;
}

/* "name vm=.. app=.. (seq N)": enough to find the event in a trace dump. */
const char *describe(const struct event *e, char *buf, size_t size)
{
	static const char *const keys[] = { "vm", "app", "what", "os", "level", "reason", "step" };
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	append(buf, size, &len, "%s", e->name);
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		if (event_field(e, keys[k]))
			append(buf, size, &len, " %s=%s", keys[k], event_field(e, keys[k]));
	append(buf, size, &len, " (event %llu)", (unsigned long long)e->seq);
	return buf;
}

/* ---- verdicts -------------------------------------------------------- */

enum verdict say(enum verdict v, char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return v;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return v;
}

enum verdict pass(char *why, size_t len)
{
	if (why && len)
		why[0] = '\0';
	return CLAIM_PASS;
}

/* ---- public ---------------------------------------------------------- */

/* Claim N is judged by claimN(): claims 1 and 7 in check_os.c, 2 and 8 in
 * check_activation.c, 3 and 5 in check_table.c, 4 and 6 in check_app.c, 9 in
 * check_routines.c. */
typedef enum verdict (*claim_fn)(const struct event *ev, size_t n, char *why, size_t len);

static const claim_fn claims[] = {
	NULL, claim1, claim2, claim3, claim4, claim5, claim6, claim7, claim8, claim9,
};

/* Events are numbered as they happen: a number that goes backwards means
 * the trace was reordered or edited, and no claim can be judged on it. A
 * new boot after a reset starts again at 1. */
static enum verdict check_order(const struct event *ev, size_t n, char *why, size_t len)
{
	for (size_t i = 1; i < n; i++)
		if (ev[i].seq <= ev[i - 1].seq && ev[i].seq != 1)
			return say(CLAIM_FAIL, why, len,
				   "event %llu (%s) follows event %llu: the numbering goes backwards",
				   (unsigned long long)ev[i].seq, ev[i].name,
				   (unsigned long long)ev[i - 1].seq);
	return CLAIM_PASS;
}

enum verdict check_claim(const struct event *ev, size_t n, int claim, char *why, size_t whylen)
{
	if (claim < 1 || claim >= (int)ARRAY_SIZE(claims))
		return say(CLAIM_NOT_SHOWN, why, whylen, "there is no claim %d", claim);
	if (check_order(ev, n, why, whylen))
		return CLAIM_FAIL;
	return claims[claim](ev, n, why, whylen);
}

void check_format(int claim, enum verdict v, const char *why, char *buf, size_t size)
{
	if (!why)
		why = "";
	if (v == CLAIM_PASS)
		snprintf(buf, size, "claim %d: PASS", claim);
	else if (v == CLAIM_FAIL)
		snprintf(buf, size, "claim %d: FAIL %s", claim, why);
	else
		snprintf(buf, size, "claim %d: NOT SHOWN (%s)", claim, why);
}
