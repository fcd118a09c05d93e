/* fit.h — text that fits a width without a word, a number or a field cut
 * in two: fields flowed onto lines and broken only between them, and when
 * the lines run out, the fields that do not fit left out whole, with an
 * ellipsis saying so. The view lays out its panes with it; the console
 * breaks a terminal's long lines with it. */
#ifndef VMFO_FIT_H
#define VMFO_FIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define FIT_LINE 512 /* bytes of one line fit_wrap makes */

/* The columns text takes on a terminal: a UTF-8 character takes one, an
 * ANSI escape sequence (colour) none. Only the first n bytes. */
int fit_columns_n(const char *text, size_t n);
int fit_columns(const char *text);

/* The width of the terminal f writes to, in columns; 0 when f is no
 * terminal or its width is unknown. */
int fit_terminal_columns(FILE *f);

/* What marks left-out fields: "…" on a UTF-8 terminal, else "...". */
const char *fit_ellipsis(bool utf8);

/* Where a field goes: its line (from 0) and column; line -1: left out. */
struct fit_place {
	int line, col;
};

/* Flow n fields of width[i] columns onto lines at most `width` wide: field
 * i follows the one before it after sep[i] spaces, or starts a new line at
 * column `indent` when it would pass the edge. On line max_lines - 1 the
 * fields that do not fit all stay off, and *ell says where the ellipsis
 * (ell_width columns) goes (line -1: nothing was left out). A field wider
 * than a whole line goes on a line of its own: there is nowhere better.
 * Returns the lines used. */
int fit_flow(const int *width_of, const int *sep, int n, int width, int indent, int max_lines,
	     int ell_width, struct fit_place *at, struct fit_place *ell);

/* Text broken between words into at most max_lines lines of `width`
 * columns, the lines after the first indented by `indent` spaces; what does
 * not fit ends at a word boundary with `ellipsis`. Runs of spaces inside a
 * line are kept; a tag in brackets ("[claim 5,6]") is one word. Returns the lines written to lines[]. */
int fit_wrap(const char *text, int width, int indent, int max_lines, const char *ellipsis,
	     char lines[][FIT_LINE]);

#endif
