/* bench_plot.c — `vmfo bench --plot DIR`: the figures of a bench document
 * drawn into DIR (plot.h), after a run or from a saved document (--from
 * DOC.json), which runs nothing and so needs no KVM. Every figure is laid
 * out before the first file is written: a document that lacks one writes
 * nothing. */
#include "bench.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_compare.h"
#include "plot.h"

/* mkdir for path[0..len): 0 when it is a directory now. */
static int make_one(char *path, size_t len, struct err *e)
{
	char keep = path[len];
	struct stat st;
	path[len] = '\0';
	int rc = 0;
	if (mkdir(path, 0777) && errno != EEXIST)
		rc = err_set(e, "bench: cannot create directory '%s': %s", path, strerror(errno));
	else if (stat(path, &st))
		rc = err_set(e, "bench: cannot use directory '%s': %s", path, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		rc = err_set(e, "bench: cannot create directory '%s': something not a directory is "
			     "there", path);
	path[len] = keep;
	return rc;
}

int bench_plot_dir(const char *dir, struct err *e)
{
	if (!*dir)
		return err_set(e, "bench: --plot needs a directory name");
	char *path = strdup(dir);
	if (!path)
		return err_set(e, "bench: out of memory for '%s'", dir);
	int rc = 0;
	/* Each parent first, as mkdir -p does. */
	for (size_t i = 1; path[i] && !rc; i++)
		if (path[i] == '/' && path[i - 1] != '/')
			rc = make_one(path, i, e);
	if (!rc)
		rc = make_one(path, strlen(path), e);
	free(path);
	return rc;
}

/* Lay every figure out, then make DIR and write them: a document that
 * lacks a figure leaves nothing behind, not even DIR. */
int bench_plot_doc(json_t *doc, const char *name, const char *dir, FILE *dump, struct err *e)
{
	struct plot *figs = calloc(PLOT_FIGURES, sizeof *figs);
	if (!figs) {
		err_set(e, "bench: out of memory plotting %s", name);
		return BENCH_PLOT_CANNOT_WRITE;
	}
	int rc = plot_figures(doc, name, figs, e) ? BENCH_PLOT_BAD_DOCUMENT : BENCH_PLOT_OK;
	if (!rc && bench_plot_dir(dir, e))
		rc = BENCH_PLOT_CANNOT_WRITE;
	for (int i = 0; !rc && i < PLOT_FIGURES; i++) {
		if (dump)
			plot_dump(&figs[i], dump);
		if (plot_write(&figs[i], dir, e)) {
			char why[sizeof e->msg]; /* figure_write's message names the file */
			strlcpy0(why, e->msg, sizeof why);
			err_set(e, "bench: plot: %s", why);
			rc = BENCH_PLOT_CANNOT_WRITE;
		}
	}
	free(figs);
	return rc;
}

int bench_plot_file(const char *from, const char *dir, FILE *dump, struct err *e)
{
	json_t *doc = bench_compare_load(from, e);
	if (!doc)
		return BENCH_PLOT_BAD_DOCUMENT;
	/* The figures carry the document's name, not where it happens to be. */
	const char *slash = strrchr(from, '/');
	int rc = bench_plot_doc(doc, slash ? slash + 1 : from, dir, dump, e);
	json_decref(doc);
	return rc;
}
