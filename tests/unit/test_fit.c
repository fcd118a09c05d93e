/* test_fit.c — fitting text to a width (src/fit.c) without a terminal:
 * columns of UTF-8 and colour, fields flowed and left out whole, lines
 * broken between words with bracketed tags kept whole. */
#include "tap.h"

#include "fit.h"

static void columns(void)
{
	ok(fit_columns("hb 10 ms") == 8, "plain text: a column a byte");
	ok(fit_columns("app.started …") == 13, "a UTF-8 ellipsis takes one column");
	ok(fit_columns("\033[31mFAIL\033[0m") == 4, "colour escapes take none");
	ok(fit_columns_n("ledger hot", 6) == 6, "only the first n bytes");
	is_str(fit_ellipsis(true), "…", "the ellipsis on a UTF-8 terminal");
	is_str(fit_ellipsis(false), "...", "and elsewhere");
}

static void flow(void)
{
	/* "vm=vm0" "app=db" "units=2-5": 6, 6, 9 columns, one space apart. */
	int width[3] = { 6, 6, 9 }, sep[3] = { 0, 1, 1 };
	struct fit_place at[3], ell;

	int lines = fit_flow(width, sep, 3, 40, 0, 1, 1, at, &ell);
	ok(lines == 1 && at[0].col == 0 && at[1].col == 7 && at[2].col == 14 && ell.line == -1,
	   "fields that fit go on one line, a space apart, nothing left out");

	lines = fit_flow(width, sep, 3, 16, 4, 3, 1, at, &ell);
	ok(lines == 2 && at[1].line == 0 && at[2].line == 1 && at[2].col == 4,
	   "a field that would pass the edge starts a new line at the indent");

	lines = fit_flow(width, sep, 3, 16, 4, 1, 1, at, &ell);
	ok(lines == 1 && at[2].line == -1, "with no line left, the field is left out whole");
	ok(ell.line == 0 && ell.col >= 13 && ell.col + 1 <= 16,
	   "and the ellipsis goes after the last field kept, inside the width (col %d)", ell.col);

	int wide[1] = { 30 }, none[1] = { 0 };
	lines = fit_flow(wide, none, 1, 16, 0, 2, 1, at, &ell);
	ok(lines == 1 && at[0].line == 0, "a field wider than a line gets a line of its own");
}

static void wrap(void)
{
	char lines[4][FIT_LINE];
	int n = fit_wrap("look db up in the resource management table (claim 3)", 24, 2, 4, "...",
			 lines);
	ok(n == 3, "a sentence broken into %d lines of at most 24 columns", n);
	is_str(lines[0], "look db up in the", "the first line ends between words");
	is_str(lines[1], "  resource management", "the next ones are indented");
	is_str(lines[2], "  table (claim 3)", "to the end");

	n = fit_wrap("vmm.detach vm=vm0 units=2-5 [claim 1,4,6,7]", 30, 0, 4, "...", lines);
	ok(n == 2, "a claim tag is one word: it moves whole to the next line");
	is_str(lines[1], "[claim 1,4,6,7]", "and is not cut at its space");

	n = fit_wrap("one two three four five six", 10, 0, 2, "...", lines);
	ok(n == 2, "at most max_lines lines");
	is_str(lines[1], "three ...", "what does not fit ends at a word with the ellipsis");
}

int main(void)
{
	columns();
	flow();
	wrap();
	return done_testing();
}
