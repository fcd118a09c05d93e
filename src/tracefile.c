/* tracefile.c — events as JSON lines and back, with Jansson doing the JSON. */
#include "tracefile.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static const char *const top_level_keys[] = { "t_us", "seq", "ev", "claims" };

static bool is_top_level_key(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(top_level_keys); i++)
		if (strcmp(key, top_level_keys[i]) == 0)
			return true;
	return false;
}

/* Event strings are bytes and JSON strings are Unicode, so each byte is
 * taken as the character with its Latin-1 number: ASCII stays itself, a
 * byte from 0x80 up becomes two bytes of UTF-8 (and \u00XX in the file).
 * Jansson refuses invalid UTF-8, and this way no byte string is invalid.
 * At most max bytes of s; out must hold 2 * max + 1. */
static void latin1_to_utf8(const char *s, size_t max, char *out)
{
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			*out++ = (char)c;
		} else {
			*out++ = (char)(0xc0 | c >> 6);
			*out++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*out = '\0';
}

/* The reverse, into out[size]: 0, -1 for a character beyond U+00FF (no
 * byte stands for it), -2 if it does not fit. Jansson has checked that s
 * is valid UTF-8 without NULs, so a lead byte is followed by its tail. */
static int utf8_to_latin1(const char *s, size_t len, char *out, size_t size)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			if ((c & 0xfe) != 0xc2 || i + 1 == len)
				return -1; /* 0xc2 and 0xc3 lead U+0080..U+00FF */
			c = (unsigned char)((c & 0x03) << 6 | (s[++i] & 0x3f));
		}
		if (n + 1 >= size)
			return -2;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

/* json_object_set_new() that takes a NULL value (a failed json_*()) as
 * the failure it is. */
static int put(json_t *obj, const char *key, json_t *val)
{
	return val ? json_object_set_new(obj, key, val) : -1;
}

static json_t *string_of_bytes(const char *s)
{
	char buf[2 * EV_VAL_MAX + 1];
	latin1_to_utf8(s, EV_VAL_MAX - 1, buf);
	return json_string(buf);
}

/* The event as a JSON object, or NULL when out of memory. */
static json_t *event_to_json(const struct event *ev)
{
	json_t *obj = json_object(), *claims = json_array();
	if (!obj || !claims)
		goto fail;
	for (int c = 1; c <= 9; c++)
		if ((ev->claims & (1u << c)) && json_array_append_new(claims, json_integer(c)))
			goto fail;
	/* Keys in this order: Jansson (2.8 on) writes them as they were set. */
	if (put(obj, "t_us", json_integer((json_int_t)ev->t_us)) ||
	    put(obj, "seq", json_integer((json_int_t)ev->seq)) ||
	    put(obj, "ev", string_of_bytes(ev->name)))
		goto fail;
	int rc = json_object_set_new(obj, "claims", claims);
	claims = NULL; /* the object's now, even on failure */
	if (rc)
		goto fail;
	for (int i = 0; i < ev->nfields && i < EV_MAX_FIELDS; i++) {
		char key[2 * EV_KEY_MAX + 8];
		const char *k = ev->field[i].key;
		/* A field may not reuse a top-level key: app_KEY then. */
		bool clash = is_top_level_key(k);
		if (clash)
			memcpy(key, "app_", 4);
		latin1_to_utf8(k, EV_KEY_MAX - 1, key + (clash ? 4 : 0));
		if (put(obj, key, string_of_bytes(ev->field[i].val)))
			goto fail;
	}
	return obj;
fail:
	json_decref(claims);
	json_decref(obj);
	return NULL;
}

int event_write_json(const struct event *ev, FILE *f)
{
	json_t *obj = event_to_json(ev);
	if (!obj) {
		errno = ENOMEM;
		return -1;
	}
	errno = 0;
	int rc = json_dumpf(obj, f, JSON_COMPACT | JSON_ENSURE_ASCII) || fputc('\n', f) == EOF;
	json_decref(obj);
	if (rc && !errno)
		errno = EIO;
	return rc ? -1 : 0;
}

/* A whole number in [0, 2^63): seq and t_us. */
static int get_count(json_t *v, uint64_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_claims(json_t *v, uint32_t *out)
{
	size_t i;
	json_t *c;
	if (!json_is_array(v))
		return -1;
	*out = 0;
	json_array_foreach(v, i, c) {
		if (!json_is_integer(c) || json_integer_value(c) < 1 || json_integer_value(c) > 9)
			return -1;
		*out |= 1u << json_integer_value(c);
	}
	return 0;
}

/* Field text for messages: keys come from the file and may be anything. */
#define SHOW "%.40s"

static int why_set(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int why_set(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

/* One key/value pair of the line's object into ev. */
static int take(struct event *ev, const char *key, json_t *v, bool *have_claims, char *why,
		size_t whylen)
{
	if (strcmp(key, "t_us") == 0) {
		if (get_count(v, &ev->t_us))
			return why_set(why, whylen, "t_us is not a whole number of microseconds");
		return 0;
	}
	if (strcmp(key, "seq") == 0) {
		if (get_count(v, &ev->seq))
			return why_set(why, whylen, "seq is not a whole number");
		return 0;
	}
	if (strcmp(key, "claims") == 0) {
		if (get_claims(v, &ev->claims))
			return why_set(why, whylen, "claims is not a list of claim numbers 1-9");
		*have_claims = true;
		return 0;
	}
	if (strcmp(key, "ev") == 0) {
		if (!json_is_string(v))
			return why_set(why, whylen, "the event name (ev) is not a string");
		int rc = utf8_to_latin1(json_string_value(v), json_string_length(v), ev->name,
					sizeof ev->name);
		if (rc == -2)
			return why_set(why, whylen, "event name is longer than %d bytes",
				       EV_NAME_MAX - 1);
		if (rc)
			return why_set(why, whylen, "event name has a character beyond U+00FF");
		return 0;
	}
	if (ev->nfields == EV_MAX_FIELDS)
		return why_set(why, whylen, "more than %d fields (an event holds %d)",
			       EV_MAX_FIELDS, EV_MAX_FIELDS);
	struct ev_field *fl = &ev->field[ev->nfields];
	/* The writer's app_KEY for a field that shares a top-level key's name. */
	const char *name = key;
	if (strncmp(key, "app_", 4) == 0 && is_top_level_key(key + 4))
		name = key + 4;
	if (!name[0])
		return why_set(why, whylen, "a field with an empty name");
	int rc = utf8_to_latin1(name, strlen(name), fl->key, sizeof fl->key);
	if (rc == -2)
		return why_set(why, whylen, "field name '" SHOW "' is longer than %d bytes", key,
			       EV_KEY_MAX - 1);
	if (rc)
		return why_set(why, whylen, "field name '" SHOW "' has a character beyond U+00FF",
			       key);
	if (!json_is_string(v))
		return why_set(why, whylen, "field '%s' is not a string", fl->key);
	rc = utf8_to_latin1(json_string_value(v), json_string_length(v), fl->val, sizeof fl->val);
	if (rc == -2)
		return why_set(why, whylen, "field '%s' is longer than %d bytes", fl->key,
			       EV_VAL_MAX - 1);
	if (rc)
		return why_set(why, whylen, "field '%s' has a character beyond U+00FF", fl->key);
	ev->nfields++;
	return 0;
}

int event_from_json(const char *line, size_t len, struct event *ev, char *why, size_t whylen)
{
	json_error_t jerr;
	/* Duplicate keys would leave a choice of values: refuse them. */
	json_t *obj = json_loadb(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	if (!obj)
		return why_set(why, whylen, "not a JSON object (column %d: %s)", jerr.column,
			       jerr.text);
	int rc = 0;
	bool have_claims = false;
	memset(ev, 0, sizeof *ev);
	if (!json_is_object(obj)) {
		rc = why_set(why, whylen, "not a JSON object");
	} else {
		const char *key;
		json_t *v;
		json_object_foreach(obj, key, v) {
			rc = take(ev, key, v, &have_claims, why, whylen);
			if (rc)
				break;
		}
	}
	if (!rc && !ev->name[0])
		rc = why_set(why, whylen, "event without a name (ev)");
	if (!rc && !have_claims)
		ev->claims = event_claims(ev->name);
	json_decref(obj);
	return rc;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", s[i]))
			return false;
	return true;
}

struct event *trace_read_jsonl(const char *path, size_t *n, struct err *e)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		err_set(e, "cannot read trace file '%s': %s", path, strerror(errno));
		return NULL;
	}
	struct event *ev = malloc(sizeof *ev);
	size_t count = 0, cap = 1, lineno = 0, linecap = 0;
	char *line = NULL;
	bool ok = ev != NULL;
	if (!ok)
		err_set(e, "out of memory reading '%s'", path);
	for (ssize_t len; ok && (errno = 0, len = getline(&line, &linecap, f)) != -1;) {
		lineno++;
		if (blank(line, (size_t)len))
			continue;
		if (count == cap) {
			struct event *grown = realloc(ev, 2 * cap * sizeof *grown);
			if (!grown) {
				err_set(e, "%s:%zu: out of memory after %zu events", path, lineno,
					count);
				ok = false;
				break;
			}
			ev = grown;
			cap *= 2;
		}
		char why[200];
		if (event_from_json(line, (size_t)len, &ev[count], why, sizeof why)) {
			err_set(e, "%s:%zu: %s", path, lineno, why);
			ok = false;
			break;
		}
		if (!ev[count].seq)
			ev[count].seq = count + 1;
		count++;
	}
	if (ok && ferror(f)) {
		err_set(e, "reading '%s': %s", path, strerror(errno ? errno : EIO));
		ok = false;
	}
	free(line);
	fclose(f);
	if (!ok) {
		free(ev);
		return NULL;
	}
	*n = count;
	return ev;
}
