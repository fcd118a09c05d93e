/* checker_steps.c — the steps a claim expects, found in order, for the
 * claim checker. A claim lists the events its takeover must hold (name,
 * fields, units); run_steps finds each after the one before, within the
 * takeover, and says why one is not there: out of order, sent to the wrong
 * VM (a near miss), cut short or still parked (CUT), missing, or with the
 * wrong units. Judges no claim itself. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "checker_int.h"

static bool step_fields(const struct step *s, const struct event *e)
{
	struct units u;

	for (int k = 0; k < 2; k++)
		if (s->key[k] && !has(e, s->key[k], s->val[k]))
			return false;
	if (s->by_units && s->units && !(ev_units(e, &u) && units_equal(&u, s->units)))
		return false;
	return !s->fo || has(e, "fo", s->fo);
}

long seek(const struct event *ev, size_t from, size_t to, const struct step *s)
{
	for (size_t j = from; j < to; j++)
		if (is(&ev[j], s->name) && step_fields(s, &ev[j]))
			return (long)j;
	return -1;
}

long seek_back(const struct event *ev, size_t from, size_t to, const struct step *s)
{
	for (size_t j = to; j-- > from;)
		if (is(&ev[j], s->name) && step_fields(s, &ev[j]))
			return (long)j;
	return -1;
}

/* The one constraint on "vm" or "what" an otherwise matching event of the
 * same takeover breaks: that is the step sent to the wrong VM (or naming
 * the wrong thing), which says more than "missing". -1 when it is not such
 * a near miss. */
static int near_key(const struct step *s, const struct event *e)
{
	int bad = -1;

	if (!is(e, s->name) || (s->fo && !has(e, "fo", s->fo)))
		return -1;
	for (int k = 0; k < 2; k++) {
		if (!s->key[k] || has(e, s->key[k], s->val[k]))
			continue;
		if (bad >= 0 || (strcmp(s->key[k], "vm") && strcmp(s->key[k], "what")))
			return -1;
		bad = k;
	}
	return bad;
}

/* Where step s is, after prev and before the takeover's end; otherwise why
 * not: out of order (it came after the failure but before the previous
 * step), cut short or still parked (CUT), near miss (wrong VM), or
 * missing. */
static enum verdict find_step(const struct event *ev, size_t n, const struct takeover *t,
			      size_t prev, const struct step *s, size_t *at, int k, char *why,
			      size_t len)
{
	char d[DESC], p[DESC];
	long j = seek(ev, prev + 1, t->end, s);

	if (j >= 0) {
		at[k] = (size_t)j;
		return CLAIM_PASS;
	}
	/* Out of order: found before the previous step, and not as an earlier
	 * step itself (a parked app is looked up twice). */
	for (j = seek(ev, t->trig + 1, prev, s); j >= 0; j = seek(ev, (size_t)j + 1, prev, s)) {
		bool used = false;
		for (int u = 0; u < k; u++)
			used |= at[u] == (size_t)j;
		if (!used)
			break;
	}
	if (j >= 0)
		return say(CLAIM_FAIL, why, len, "%s: %s came before %s", t->who,
			   describe(&ev[j], d, sizeof d), describe(&ev[prev], p, sizeof p));
	/* Cut short or still parked first: then a step of the same takeover
	 * naming something else is another app's (several parked apps share
	 * one takeover), not this one sent astray. */
	if (cut_short(ev, n, t, prev) || still_parked(ev, t, prev))
		return CUT;
	for (size_t k = prev + 1; k < t->end; k++) {
		int bad = near_key(s, &ev[k]);
		if (bad >= 0)
			return say(CLAIM_FAIL, why, len, "%s: %s has %s=%s, expected %s", t->who,
				   describe(&ev[k], d, sizeof d), s->key[bad],
				   field(&ev[k], s->key[bad]), s->val[bad]);
	}
	return say(CLAIM_FAIL, why, len, "%s: no %s after %s", t->who, s->name,
		   describe(&ev[prev], d, sizeof d));
}

static enum verdict check_units(const struct event *e, const struct step *s, const char *who,
				char *why, size_t len)
{
	char d[DESC], g[UBUF], w[UBUF];
	struct units got;

	if (!s->units)
		return CLAIM_PASS;
	if (!ev_units(e, &got))
		return say(CLAIM_FAIL, why, len, "%s: %s has malformed units '%s'", who,
			   describe(e, d, sizeof d), field(e, "units"));
	if (s->subset ? inside(&got, s->units) : units_equal(&got, s->units))
		return CLAIM_PASS;
	return say(CLAIM_FAIL, why, len, "%s: %s has units %s but %s %s%s", who,
		   describe(e, d, sizeof d), ustr(&got, g, sizeof g), s->whose,
		   s->subset ? "only " : "", ustr(s->units, w, sizeof w));
}

/* Each step after the one before, all of takeover t and after prev; at[k]
 * receives where step k was found. */
enum verdict run_steps(const struct event *ev, size_t n, const struct takeover *t,
		       size_t prev, const struct step *st, int nst, size_t *at, char *why,
		       size_t len)
{
	for (int k = 0; k < nst; k++) {
		struct step s = st[k];
		s.fo = t->fo;
		enum verdict v = find_step(ev, n, t, prev, &s, at, k, why, len);
		if (v == CLAIM_PASS)
			v = check_units(&ev[at[k]], &s, t->who, why, len);
		if (v != CLAIM_PASS)
			return v;
		prev = at[k];
	}
	return CLAIM_PASS;
}
