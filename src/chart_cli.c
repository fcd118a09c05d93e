/* chart_cli.c — asking for a chart: 'vmfo trace FILE --svg OUT' on a
 * saved trace, the options the console's 'trace save --svg FILE' shares
 * with it, and the live view's one key. Each lays the events out, draws
 * the model, and says in one line what went wrong if anything did. */
#include "chart.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chart_handout.h"
#include "tracefile.h"

#define TRACE_USAGE "usage: vmfo trace FILE.jsonl --svg|--pdf|--png OUT [--fo N] [--to-scale] " \
	"[--dump] (or -o OUT.svg|.pdf|.png; --handout OUT.pdf for the one-page handout)"

enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

static const struct {
	const char *option, *extension;
	enum chart_format format;
} formats[] = {
	{ "--svg", ".svg", CHART_SVG },
	{ "--pdf", ".pdf", CHART_PDF },
	{ "--png", ".png", CHART_PNG },
};

/* The format a file's name ends in, or -1. */
static int format_of_name(const char *path)
{
	size_t len = strlen(path);
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (len > 4 && strcasecmp(path + len - 4, formats[i].extension) == 0)
			return (int)formats[i].format;
	return -1;
}

/* --svg OUT, --pdf OUT, --png OUT, -o OUT: the file to draw into. */
static int take_output(struct chart_request *r, const char *option, const char *value,
		       struct err *e)
{
	if (!value)
		return err_set(e, "%s needs the file to write", option);
	if (r->out)
		return err_set(e, "one chart file at a time ('%s', then '%s')", r->out, value);
	int f = -1;
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (strcmp(option, formats[i].option) == 0)
			f = (int)formats[i].format;
	if (f < 0 && (f = format_of_name(value)) < 0)
		return err_set(e, "'%s': the format does not follow from its name: end it in .svg, "
				  ".pdf or .png, or use --svg, --pdf or --png", value);
	r->out = value;
	r->format = (enum chart_format)f;
	r->handout = strcmp(option, "--handout") == 0;
	return 0;
}

/* --handout OUT: the one-page handout, its format from OUT's name as -o. */
static bool is_output_option(const char *word)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (strcmp(word, formats[i].option) == 0)
			return true;
	return strcmp(word, "-o") == 0 || strcmp(word, "--output") == 0 ||
	       strcmp(word, "--handout") == 0;
}

/* One option at argv[*i] (its value after it): 0, or -1 with e filled. */
static int take_option(int argc, char **argv, int *i, bool console, struct chart_request *r,
		       struct err *e)
{
	const char *word = argv[*i], *value = *i + 1 < argc ? argv[*i + 1] : NULL;
	if (is_output_option(word)) {
		if (value && value[0] == '-' && value[1])
			value = NULL; /* another option, not a file */
		*i += value != NULL;
		return take_output(r, word, value, e);
	}
	if (strcmp(word, "--fo") == 0) {
		*i += value != NULL;
		if (!value || parse_u64(value, 1, UINT64_MAX, &r->opts.fo))
			return err_set(e, "--fo %s%s%s: expected a takeover id (fo=N), a whole "
					  "number from 1", value ? "'" : "without a number",
				       value ? value : "", value ? "'" : "");
		return 0;
	}
	if (strcmp(word, "--to-scale") == 0) {
		r->opts.to_scale = true;
		return 0;
	}
	if (strcmp(word, "--dump") == 0 && !console) {
		r->dump = true;
		return 0;
	}
	if (word[0] == '-')
		return err_set(e, "unknown option '%s'", word);
	if (console || r->in)
		return err_set(e, "unexpected argument '%s'", word);
	r->in = word;
	return 0;
}

int chart_parse(int argc, char **argv, bool console, struct chart_request *r, struct err *e)
{
	memset(r, 0, sizeof *r);
	for (int i = 0; i < argc; i++)
		if (take_option(argc, argv, &i, console, r, e))
			return -1;
	if (!console && !r->in)
		return err_set(e, "trace needs the trace FILE to draw");
	if (!r->out && !r->dump)
		return err_set(e, "nothing to draw into: give %s", console
			       ? "--svg FILE, --pdf FILE, --png FILE or --handout FILE"
			       : "--svg OUT, --pdf OUT, --png OUT, --handout OUT or --dump");
	if (r->handout && r->opts.fo)
		return err_set(e, "--fo does not go with --handout: the handout chooses the "
				  "failovers it draws");
	return 0;
}

/* The handout of ev[0..n) as r asks: its model on dump, its page in r->out. */
static int handout_render(const struct event *ev, size_t n, const struct chart_request *r,
			  FILE *dump, struct err *e)
{
	struct handout *h = malloc(sizeof *h); /* large: its charts' wrapped claim lines */
	if (!h)
		return err_set(e, "out of memory laying out the handout");
	int rc = chart_handout_layout(ev, n, r->in ? r->in : "(the live trace)", r->opts.to_scale,
				      h, e);
	if (!rc)
		rc = chart_handout_draw_file(h, r->format, r->out, e);
	if (!rc && r->dump)
		chart_handout_dump(h, dump);
	chart_handout_free(h);
	free(h);
	return rc;
}

int chart_render(const struct event *ev, size_t n, const struct chart_request *r, FILE *dump,
		 struct err *e)
{
	struct chart c;
	if (r->handout)
		return handout_render(ev, n, r, dump, e);
	if (chart_layout(ev, n, &r->opts, &c, e))
		return -1;
	int rc = r->out ? chart_draw_file(&c, r->format, r->out, e) : 0;
	if (!rc && r->dump)
		chart_dump(&c, dump);
	chart_free(&c);
	return rc;
}

int chart_latest_svg(const struct event *ev, size_t n, char *name, size_t size, struct err *e)
{
	uint64_t fo = 0;
	for (size_t i = n; i-- > 0 && !fo;) {
		const char *text = event_field(&ev[i], "fo");
		if (text && parse_u64(text, 1, UINT64_MAX, &fo))
			fo = 0;
	}
	if (!fo)
		return err_set(e, "no failover yet: nothing to draw");
	snprintf(name, size, "vmfo-fo%llu.svg", (unsigned long long)fo);
	struct chart_request r = { .out = name, .format = CHART_SVG, .opts = { .fo = fo } };
	return chart_render(ev, n, &r, NULL, e);
}

int chart_main(int argc, char **argv, const char *live_option)
{
	struct chart_request r;
	struct err e;
	if (chart_parse(argc - 1, argv + 1, false, &r, &e)) {
		fprintf(stderr, "vmfo: trace: %s (" TRACE_USAGE ")\n", e.msg);
		return EXIT_USAGE;
	}
	if (live_option) {
		fprintf(stderr, "vmfo: trace FILE draws a saved trace; %s does not go with it\n",
			live_option);
		return EXIT_USAGE;
	}
	size_t n;
	struct event *ev = trace_read_jsonl(r.in, &n, &e);
	if (!ev) {
		fprintf(stderr, "vmfo: %s\n", e.msg);
		return EXIT_USAGE;
	}
	int rc = chart_render(ev, n, &r, stdout, &e);
	free(ev);
	if (rc) {
		fprintf(stderr, "vmfo: trace: %s\n", e.msg);
		return EXIT_FAILED;
	}
	if (fflush(stdout) == EOF) {
		perror("vmfo: trace: writing the chart's model");
		return EXIT_FAILED;
	}
	return EXIT_OK;
}
