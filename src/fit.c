/* fit.c — flowing fields and words onto lines of a given width (fit.h). */
#include "fit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int fit_terminal_columns(FILE *f)
{
	struct winsize ws;
	int fd = fileno(f);
	if (fd < 0 || !isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) != 0)
		return 0;
	return ws.ws_col;
}

int fit_columns_n(const char *text, size_t n)
{
	int cols = 0;
	for (size_t i = 0; i < n && text[i]; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch == '\033') { /* CSI ... final byte: no columns */
			i++;
			if (i < n && text[i] == '[')
				while (i + 1 < n && text[i + 1] && !(text[i + 1] >= 0x40 && text[i + 1] <= 0x7e))
					i++;
			i++;
			continue;
		}
		if ((ch & 0xc0) != 0x80) /* not a UTF-8 continuation byte */
			cols++;
	}
	return cols;
}

int fit_columns(const char *text)
{
	return fit_columns_n(text, strlen(text));
}

const char *fit_ellipsis(bool utf8)
{
	return utf8 ? "\xe2\x80\xa6" : "...";
}

/* The column just past fields from..n-1 put on one line starting at col,
 * the first of them with its separator when after is set. */
static int end_of_rest(const int *width_of, const int *sep, int from, int n, int col, bool after)
{
	for (int i = from; i < n; i++) {
		col += (after || i > from ? sep[i] : 0) + width_of[i];
	}
	return col;
}

int fit_flow(const int *width_of, const int *sep, int n, int width, int indent, int max_lines,
	     int ell_width, struct fit_place *at, struct fit_place *ell)
{
	int line = 0, col = 0;
	bool first = true; /* no field on this line yet */
	ell->line = -1;
	for (int i = 0; i < n; i++)
		at[i].line = -1;
	for (int i = 0; i < n; i++) {
		int start = first ? col : col + sep[i];
		bool last_line = line >= max_lines - 1;
		if (last_line && end_of_rest(width_of, sep, i, n, col, !first) > width) {
			/* Not all the rest fits: this field only if the mark
			 * still does after it; a line's only field goes anyway. */
			if (first && start + width_of[i] > width - ell_width - 1) {
				if (line > 0 || i > 0) {
					*ell = (struct fit_place){ line, start };
					return line + 1;
				}
			} else if (start + width_of[i] + 1 + ell_width > width) {
				*ell = (struct fit_place){ line, first ? col : col + 1 };
				return line + 1;
			}
		} else if (!first && start + width_of[i] > width) {
			line++;
			col = indent;
			first = true;
			i--;
			continue;
		}
		at[i] = (struct fit_place){ line, start };
		col = start + width_of[i];
		first = false;
	}
	return line + 1;
}

int fit_wrap(const char *text, int width, int indent, int max_lines, const char *ellipsis,
	     char lines[][FIT_LINE])
{
	/* Words are what lies between single spaces: two spaces in a row
	 * make an empty word, so that the line keeps them. */
	enum { WORDS_MAX = 256 };
	const char *word[WORDS_MAX];
	int len[WORDS_MAX], cols[WORDS_MAX], sep[WORDS_MAX];
	int n = 0;
	for (const char *p = text; n < WORDS_MAX; n++) {
		size_t l = strcspn(p, " ");
		/* A tag in brackets is one word: "[claim 5,6]". */
		if (p[0] == '[' && !memchr(p, ']', l) && strchr(p, ']'))
			l = (size_t)(strchr(p, ']') - p) + strcspn(strchr(p, ']'), " ");
		word[n] = p;
		len[n] = (int)l;
		cols[n] = fit_columns_n(p, l);
		sep[n] = 1;
		if (!p[l]) {
			n++;
			break;
		}
		p += l + 1;
	}
	struct fit_place *at = calloc((size_t)n, sizeof *at), ell;
	if (!at)
		return 0;
	int used = fit_flow(cols, sep, n, width, indent, max_lines, fit_columns(ellipsis), at, &ell);
	for (int l = 0; l < used; l++)
		lines[l][0] = '\0';
	for (int i = 0; i < n; i++) {
		if (at[i].line < 0)
			continue;
		char *s = lines[at[i].line];
		size_t have = strlen(s);
		int pad = at[i].col - fit_columns(s);
		snprintf(s + have, FIT_LINE - have, "%*s%.*s", pad > 0 ? pad : 0, "", len[i], word[i]);
	}
	if (ell.line >= 0) {
		char *s = lines[ell.line];
		size_t have = strlen(s);
		int pad = ell.col - fit_columns(s);
		snprintf(s + have, FIT_LINE - have, "%*s%s", pad > 0 ? pad : 0, "", ellipsis);
	}
	free(at);
	return used;
}
