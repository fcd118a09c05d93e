/* test_catalogue.c — the claim checker on the trace catalogue in
 * tests/traces/catalogue/: traces recorded from real runs and hand-edited
 * copies of them, each with the verdict expected for every claim.
 *
 * A file is text. Lines starting with "#" are comments, except
 * "# claim N: ..." lines, which give the start of the expected
 * `check claim N` line (claims 1-9, each exactly once). Every other line is
 * one event: "SEQ NAME KEY=VALUE ...", as `trace` lists it without the time
 * and the claim tags; a word with no "=" continues the previous value (a
 * failover.error's why). */
#include "tap.h"
#include "checker.h"
#include "util.h"

#include <dirent.h>
#include <stdlib.h>

#define MAXEV 2048
#define NCLAIMS 9

struct trace_file {
	struct event ev[MAXEV];
	size_t n;
	char want[NCLAIMS + 1][512]; /* expected line starts; "" when not given */
	int nwant;
};

static struct trace_file tf;

/* A word of an event line: a new field, or more of the previous value. */
static int event_word(struct event *e, char *word)
{
	char *eq = strchr(word, '=');

	if (!eq) {
		if (!e->nfields)
			return -1;
		struct ev_field *f = &e->field[e->nfields - 1];
		size_t l = strlen(f->val);
		snprintf(f->val + l, sizeof f->val - l, " %s", word);
		return 0;
	}
	if (e->nfields == EV_MAX_FIELDS)
		return -1;
	*eq = '\0';
	strlcpy0(e->field[e->nfields].key, word, EV_KEY_MAX);
	strlcpy0(e->field[e->nfields].val, eq + 1, EV_VAL_MAX);
	e->nfields++;
	return 0;
}

static int event_line(char *line)
{
	char *save = NULL, *seq = strtok_r(line, " ", &save), *name = strtok_r(NULL, " ", &save);
	struct event *e = &tf.ev[tf.n];

	if (!seq || !name || tf.n == MAXEV)
		return -1;
	memset(e, 0, sizeof *e);
	e->seq = strtoull(seq, NULL, 10);
	strlcpy0(e->name, name, sizeof e->name);
	e->claims = event_claims(e->name);
	for (char *w = strtok_r(NULL, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (event_word(e, w))
			return -1;
	tf.n++;
	return 0;
}

static int want_line(const char *line)
{
	int c;

	if (sscanf(line, "# claim %d:", &c) != 1 || c < 1 || c > NCLAIMS || tf.want[c][0])
		return -1;
	strlcpy0(tf.want[c], line + 2, sizeof tf.want[c]);
	tf.nwant++;
	return 0;
}

static int load(const char *path)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int rc = 0;

	memset(&tf, 0, sizeof tf);
	if (!f)
		return -1;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "# claim ", 8))
			rc = want_line(line);
		else if (line[0] && line[0] != '#')
			rc = event_line(line);
	}
	fclose(f);
	return rc || tf.nwant != NCLAIMS ? -1 : 0;
}

static void judge(const char *name)
{
	for (int c = 1; c <= NCLAIMS; c++) {
		char why[512], got[1024];
		enum verdict v = check_claim(tf.ev, tf.n, c, why, sizeof why);
		check_format(c, v, why, got, sizeof got);
		int good = !strncmp(got, tf.want[c], strlen(tf.want[c]));
		ok(good, "%s: %s", name, tf.want[c]);
		if (!good)
			printf("#   got '%s'\n", got);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	const char *top = getenv("TOP_SRCDIR");
	char dir[512], path[1024];
	char *names[256];
	int n = 0;

	snprintf(dir, sizeof dir, "%s/tests/traces/catalogue", top ? top : ".");
	DIR *d = opendir(dir);
	ok(d != NULL, "open %s", dir);
	for (struct dirent *de; d && (de = readdir(d)) && n < 256;) {
		size_t l = strlen(de->d_name);
		if (l > 6 && !strcmp(de->d_name + l - 6, ".trace"))
			names[n++] = strdup(de->d_name);
	}
	if (d)
		closedir(d);
	qsort(names, (size_t)n, sizeof names[0], by_name);
	ok(n >= 20, "the catalogue holds %d traces", n);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		int rc = load(path);
		ok(rc == 0, "%s: read, with an expected verdict for each claim", names[i]);
		if (rc == 0)
			judge(names[i]);
		free(names[i]);
	}
	return done_testing();
}
