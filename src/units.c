/* units.c — unit sets as ascending runs, and their "4-7,12-15" text form. */
#include "units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void units_clear(struct units *u)
{
	u->nruns = 0;
}

uint32_t units_count(const struct units *u)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < u->nruns; i++)
		n += u->run[i].count;
	return n;
}

bool units_contains(const struct units *u, uint32_t unit)
{
	for (uint32_t i = 0; i < u->nruns; i++)
		if (unit >= u->run[i].first && unit - u->run[i].first < u->run[i].count)
			return true;
	return false;
}

int units_add_run(struct units *u, uint32_t first, uint32_t count)
{
	uint32_t i;
	uint64_t end = (uint64_t)first + count;

	if (count == 0 || end > UINT32_MAX)
		return -1;
	/* Find the insertion point; reject overlap with either neighbour. */
	for (i = 0; i < u->nruns && u->run[i].first < first; i++)
		;
	if (i > 0 && (uint64_t)u->run[i - 1].first + u->run[i - 1].count > first)
		return -1;
	if (i < u->nruns && u->run[i].first < end)
		return -1;

	bool join_prev = i > 0 && u->run[i - 1].first + u->run[i - 1].count == first;
	bool join_next = i < u->nruns && u->run[i].first == end;
	if (join_prev && join_next) {
		u->run[i - 1].count += count + u->run[i].count;
		memmove(&u->run[i], &u->run[i + 1], (u->nruns - i - 1) * sizeof u->run[0]);
		u->nruns--;
	} else if (join_prev) {
		u->run[i - 1].count += count;
	} else if (join_next) {
		u->run[i].first = first;
		u->run[i].count += count;
	} else {
		if (u->nruns == UNITS_MAX_RUNS)
			return -1;
		memmove(&u->run[i + 1], &u->run[i], (u->nruns - i) * sizeof u->run[0]);
		u->run[i] = (struct run){ first, count };
		u->nruns++;
	}
	return 0;
}

int units_merge(struct units *a, const struct units *b)
{
	struct units t = *a;
	for (uint32_t i = 0; i < b->nruns; i++)
		if (units_add_run(&t, b->run[i].first, b->run[i].count))
			return -1;
	*a = t;
	return 0;
}

int units_remove(struct units *a, const struct units *b)
{
	struct units t;
	units_clear(&t);
	for (uint32_t i = 0; i < a->nruns; i++)
		for (uint32_t k = 0; k < a->run[i].count; k++) {
			uint32_t unit = a->run[i].first + k;
			if (!units_contains(b, unit) && units_add_run(&t, unit, 1))
				return -1;
		}
	if (units_count(&t) + units_count(b) != units_count(a))
		return -1; /* b was not wholly inside a */
	*a = t;
	return 0;
}

bool units_equal(const struct units *a, const struct units *b)
{
	if (a->nruns != b->nruns)
		return false;
	for (uint32_t i = 0; i < a->nruns; i++)
		if (a->run[i].first != b->run[i].first || a->run[i].count != b->run[i].count)
			return false;
	return true;
}

void units_minus(const struct units *a, const struct units *b, struct units *out)
{
	units_clear(out);
	for (uint32_t i = 0; i < a->nruns; i++)
		for (uint32_t k = 0; k < a->run[i].count; k++)
			if (!units_contains(b, a->run[i].first + k))
				units_add_run(out, a->run[i].first + k, 1);
}

size_t units_format(const struct units *u, char *buf, size_t size)
{
	size_t len = 0;
	char piece[32];

	if (size)
		buf[0] = '\0';
	if (u->nruns == 0)
		return (size_t)snprintf(buf, size, "-");
	for (uint32_t i = 0; i < u->nruns; i++) {
		const struct run *r = &u->run[i];
		int n = r->count == 1
			? snprintf(piece, sizeof piece, "%s%u", i ? "," : "", r->first)
			: snprintf(piece, sizeof piece, "%s%u-%u", i ? "," : "", r->first,
				   r->first + r->count - 1);
		if (len + (size_t)n < size)
			memcpy(buf + len, piece, (size_t)n + 1);
		len += (size_t)n;
	}
	return len;
}

static int parse_number(const char **s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (**s < '0' || **s > '9')
		return -1;
	v = strtoul(*s, &end, 10);
	if (v > UINT32_MAX - 1)
		return -1;
	*s = end;
	*out = (uint32_t)v;
	return 0;
}

int units_parse(const char *s, struct units *out)
{
	struct units t;
	int64_t last_end = -1;

	units_clear(&t);
	if (strcmp(s, "-") == 0) {
		*out = t;
		return 0;
	}
	for (;;) {
		uint32_t lo, hi;
		if (parse_number(&s, &lo))
			return -1;
		hi = lo;
		if (*s == '-') {
			s++;
			if (parse_number(&s, &hi) || hi < lo)
				return -1;
		}
		if ((int64_t)lo <= last_end || units_add_run(&t, lo, hi - lo + 1))
			return -1;
		last_end = hi;
		if (*s == '\0')
			break;
		if (*s++ != ',')
			return -1;
	}
	*out = t;
	return 0;
}
