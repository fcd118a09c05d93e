/* bench_compare.c — `vmfo bench --compare OLD.json`: every figure of two
 * bench documents side by side with its change, so that a regression is
 * seen at once. A figure is a number of the document, or the median of a
 * {min, median, max} object; entries of a list are named by what they
 * measure (the fault, the size, the heartbeat, the boot phase), not by
 * their place, so that documents with more or fewer entries still line
 * up, and a figure that was renamed is read under its new name. */
#include "bench_compare.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_LEN 128

struct figure {
	char path[PATH_MAX_LEN];
	double value;
};

struct figures {
	struct figure *f;
	size_t n, cap;
};

static bool among(const char *key, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(key, *words))
			return true;
	return false;
}

/* What describes the run, or names an entry, rather than measures it. */
static bool not_a_figure(const char *key, bool top)
{
	static const char *const about_the_run[] = { "vmfo", "machine", "config", NULL };
	static const char *const naming[] = { "fault", "name", "mb", "heartbeat_ms", "runs", "clients",
					      NULL };
	return top ? among(key, about_the_run) : among(key, naming);
}

/* Figures an older document has under another name (key, in an object
 * at path). A handover used to end at app.resumed only after the app had
 * read every page back: what is now its full verification; its copy went
 * into fresh memory. */
static const char *current_name(const char *path, const char *key)
{
	static const struct {
		const char *under; /* the path's start: "" is the top */
		const char *was, *is;
	} renamed[] = {
		{ "handover[", "move_ms", "verify_ms" },
		{ "handover[", "copy_ms", "copy_fresh_ms" },
		{ "handover[", "copy_over_move", "copy_fresh_over_verify" },
		{ "", "handover_largest_over_smallest", "handover_verify_largest_over_smallest" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(renamed); i++)
		if (!strcmp(key, renamed[i].was) &&
		    (*renamed[i].under ? !strncmp(path, renamed[i].under, strlen(renamed[i].under))
				       : !*path))
			return renamed[i].is;
	return key;
}

static int add(struct figures *fs, const char *path, double value)
{
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? 2 * fs->cap : 64;
		struct figure *more = realloc(fs->f, cap * sizeof *more);
		if (!more)
			return -1;
		fs->f = more;
		fs->cap = cap;
	}
	strlcpy0(fs->f[fs->n].path, path, sizeof fs->f[fs->n].path);
	fs->f[fs->n++].value = value;
	return 0;
}

/* An entry of a list, by what it measures: "os panic", "vm0 memslots",
 * "64 MB", "heartbeat 10 ms"; else its place. */
static void entry_name(json_t *e, size_t i, char *buf, size_t size)
{
	json_t *fault = json_object_get(e, "fault"), *mb = json_object_get(e, "mb");
	json_t *hb = json_object_get(e, "heartbeat_ms"), *name = json_object_get(e, "name");
	if (json_is_string(fault))
		snprintf(buf, size, "%s", json_string_value(fault));
	else if (json_is_string(name))
		snprintf(buf, size, "%s", json_string_value(name));
	else if (json_is_integer(mb))
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT " MB", json_integer_value(mb));
	else if (json_is_integer(hb))
		snprintf(buf, size, "heartbeat %" JSON_INTEGER_FORMAT " ms", json_integer_value(hb));
	else
		snprintf(buf, size, "%zu", i);
}

static int collect(json_t *v, const char *path, struct figures *fs)
{
	char sub[PATH_MAX_LEN];
	if (json_is_number(v))
		return add(fs, path, json_number_value(v));
	if (json_is_object(v) && json_is_number(json_object_get(v, "median")))
		return add(fs, path, json_number_value(json_object_get(v, "median")));
	if (json_is_object(v)) {
		const char *key;
		json_t *child;
		json_object_foreach(v, key, child) {
			if (not_a_figure(key, !*path))
				continue;
			snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "",
				 current_name(path, key));
			if (collect(child, sub, fs))
				return -1;
		}
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			char name[48];
			entry_name(e, i, name, sizeof name);
			snprintf(sub, sizeof sub, "%s[%s]", path, name);
			if (collect(e, sub, fs))
				return -1;
		}
	}
	return 0;
}

static const struct figure *find(const struct figures *fs, const char *path)
{
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->f[i].path, path))
			return &fs->f[i];
	return NULL;
}

static void print_change(FILE *out, const struct figure *o, const struct figure *n)
{
	fprintf(out, "  %-48s %12.3f %12.3f", n->path, o->value, n->value);
	if (o->value != 0)
		fprintf(out, " %+9.1f %%\n", 100.0 * (n->value - o->value) / fabs(o->value));
	else
		fprintf(out, " %11s\n", n->value == 0 ? "same" : "was 0");
}

int bench_compare_docs(const char *old_name, json_t *old, const char *new_name, json_t *new,
		       FILE *out)
{
	struct figures o = { 0 }, n = { 0 };
	if (collect(old, "", &o) || collect(new, "", &n)) {
		free(o.f);
		free(n.f);
		return -1;
	}
	fprintf(out, "\ncompared: %s (old) with %s (new); a figure with runs is its median\n",
		old_name, new_name);
	fprintf(out, "  %-48s %12s %12s %11s\n", "figure", "old", "new", "change");
	for (size_t i = 0; i < n.n; i++) {
		const struct figure *was = find(&o, n.f[i].path);
		if (was)
			print_change(out, was, &n.f[i]);
	}
	for (size_t i = 0; i < n.n; i++)
		if (!find(&o, n.f[i].path))
			fprintf(out, "  only in %s: %s\n", new_name, n.f[i].path);
	for (size_t i = 0; i < o.n; i++)
		if (!find(&n, o.f[i].path))
			fprintf(out, "  only in %s: %s\n", old_name, o.f[i].path);
	free(o.f);
	free(n.f);
	return 0;
}

json_t *bench_compare_load(const char *path, struct err *e)
{
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	if (!doc)
		err_set(e, "bench: cannot read %s: %s (line %d)", path, je.text, je.line);
	else if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "vmfo"))) {
		err_set(e, "bench: %s is not a vmfo bench document (made by 'vmfo bench --json')", path);
		json_decref(doc);
		doc = NULL;
	}
	return doc;
}

int bench_compare_files(const char *old, const char *new, FILE *out, struct err *e)
{
	json_t *a = bench_compare_load(old, e), *b = a ? bench_compare_load(new, e) : NULL;
	int rc = a && b ? bench_compare_docs(old, a, new, b, out) : -1;
	if (rc && a && b)
		err_set(e, "bench: out of memory comparing %s and %s", old, new);
	json_decref(a);
	json_decref(b);
	return rc;
}
