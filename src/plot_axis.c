/* plot_axis.c — the arithmetic of a plot, with no drawing library: axes
 * fitted to the values they show, on nice numbers (1, 2 or 5 times a power
 * of ten, or whole decades on a log scale), an axis broken over a gap, and
 * stacked bars. Kept apart so that tests can check it number by number. */
#include "plot.h"

#include <math.h>
#include <string.h>

/* Values computed as k * step carry rounding (0.30000000000000004): a
 * value this close to a whole step counts as on it. */
#define ON_STEP 1e-9

double plot_nice_step(double span, int want)
{
	if (!(span > 0) || want < 1)
		return 1;
	double raw = span / want;
	double mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	return (f <= 1 + ON_STEP ? 1 : f <= 2 + ON_STEP ? 2 : f <= 5 + ON_STEP ? 5 : 10) * mag;
}

static void add_tick(struct plot_axis *a, double v)
{
	if (a->nticks < PLOT_MAX_TICKS)
		a->tick[a->nticks++] = fabs(v) < ON_STEP * a->step ? 0 : v;
}

/* Ticks every step from lo to hi, both on steps. */
static void ticks_between(struct plot_axis *a, double lo, double hi)
{
	long first = lround(lo / a->step), last = lround(hi / a->step);
	for (long k = first; k <= last; k++)
		add_tick(a, (double)k * a->step);
}

void plot_axis_linear(struct plot_axis *a, double lo, double hi, int want)
{
	lo = lo < 0 ? lo : 0;
	hi = hi > 0 ? hi : 0;
	if (hi - lo <= 0)
		hi = lo + 1;
	a->log = a->broken = false;
	a->step = plot_nice_step(hi - lo, want);
	a->lo = floor(lo / a->step + ON_STEP) * a->step;
	a->hi = ceil(hi / a->step - ON_STEP) * a->step;
	a->gap_lo = a->gap_hi = 0;
	a->nticks = 0;
	ticks_between(a, a->lo, a->hi);
}

int plot_axis_log(struct plot_axis *a, double lo, double hi)
{
	if (!(lo > 0) || !(hi > 0))
		return -1;
	if (lo > hi) {
		double t = lo;
		lo = hi;
		hi = t;
	}
	int e0 = (int)floor(log10(lo) + ON_STEP), e1 = (int)ceil(log10(hi) - ON_STEP);
	if (e1 <= e0)
		e1 = e0 + 1; /* one value, or one decade's worth: show that decade */
	a->log = true;
	a->broken = false;
	a->step = 0;
	a->lo = pow(10, e0);
	a->hi = pow(10, e1);
	a->nticks = 0;
	for (int e = e0; e <= e1 && a->nticks < PLOT_MAX_TICKS; e++)
		a->tick[a->nticks++] = pow(10, e);
	return 0;
}

void plot_axis_break(struct plot_axis *a, double high_lo, double high_hi)
{
	if (a->log || high_hi <= a->hi)
		return;
	/* Half a step of what lies beyond the gap stays in sight after it, so
	 * that a bar running through the gap is seen to go on. */
	double gap_hi = floor((high_lo - a->step / 2) / a->step + ON_STEP) * a->step;
	if (gap_hi - a->hi < 2 * a->step - ON_STEP) { /* too small a gap to be worth one */
		plot_axis_linear(a, a->lo, high_hi, a->nticks > 1 ? a->nticks - 1 : 5);
		return;
	}
	a->broken = true;
	a->gap_lo = a->hi;
	a->gap_hi = gap_hi;
	a->hi = ceil(high_hi / a->step - ON_STEP) * a->step;
	ticks_between(a, a->gap_hi, a->hi);
}

/* Where v goes, from 0 at the axis's start to 1 at its end, and the share
 * of the page span the gap takes (0 when not broken). */
static double fraction(const struct plot_axis *a, double v, double span)
{
	if (a->log) {
		double l = v > 0 ? log10(v) : log10(a->lo);
		return (l - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
	}
	if (!a->broken)
		return (v - a->lo) / (a->hi - a->lo);
	double gap = span > a->gap_pt ? a->gap_pt / span : 0;
	double shown = (a->gap_lo - a->lo) + (a->hi - a->gap_hi);
	double scale = (1 - gap) / shown;
	if (v <= a->gap_lo)
		return (v - a->lo) * scale;
	if (v >= a->gap_hi)
		return (a->gap_lo - a->lo) * scale + gap + (v - a->gap_hi) * scale;
	return (a->gap_lo - a->lo) * scale + gap / 2;
}

double plot_axis_pos(const struct plot_axis *a, double v)
{
	double span = fabs(a->to - a->from);
	return a->from + (a->to - a->from) * fraction(a, v, span);
}

void plot_tick_label(double v, char *buf, size_t size)
{
	if (fabs(v) < 1e-12)
		v = 0; /* not "-0" */
	snprintf(buf, size, "%.10g", v);
}

double plot_stack(const double *v, int n, double *start)
{
	double sum = 0;
	for (int i = 0; i < n; i++) {
		start[i] = sum;
		sum += v[i];
	}
	return sum;
}
