/* history_read.c — a client history's JSON lines, read with Jansson into
 * requests and stray answers, every line checked for what its kind needs. */
#include "history_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static const char *const op_names[] = { "append", "read", "put", "get" };
static const char *const result_names[] = { "ok", "unavailable", "indeterminate", "refused" };
static const char *const phase_names[] = { "load", "verify" };

/* Why a line is refused. */
struct why {
	char text[200];
};

static int why_set(struct why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int why_set(struct why *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->text, sizeof w->text, fmt, ap);
	va_end(ap);
	return -1;
}

/* The whole number at key: 0; 1 when the line has no such key; -1 (why
 * set) when it is not a whole number from 0 up. */
static int number(json_t *obj, const char *key, uint64_t *out, struct why *w)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return 1;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return why_set(w, "'%s' is not a whole number", key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int required(json_t *obj, const char *key, uint64_t *out, struct why *w)
{
	int rc = number(obj, key, out, w);
	return rc == 1 ? why_set(w, "no '%s'", key) : rc;
}

/* The string at key, one of names[n]: its index, or -1 (why set). */
static int name_of(json_t *obj, const char *key, const char *const *names, int n, struct why *w)
{
	const char *s = json_string_value(json_object_get(obj, key));
	if (!s)
		return why_set(w, "no '%s' string", key);
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return why_set(w, "'%s' is not one of %s, %s...: '%.20s'", key, names[0], names[1], s);
}

/* The string at key into out[size]: 0, or -1 (why set). */
static int text(json_t *obj, const char *key, char *out, size_t size, struct why *w)
{
	const char *s = json_string_value(json_object_get(obj, key));
	if (!s || !s[0] || strlen(s) >= size)
		return why_set(w, "'%s' is not a name of 1 to %zu bytes", key, size - 1);
	strlcpy0(out, s, size);
	return 0;
}

static int parse_header(json_t *o, struct history *h, struct why *w)
{
	uint64_t version, clients;
	if (required(o, "history", &version, w) || text(o, "app", h->app, sizeof h->app, w) ||
	    text(o, "program", h->program, sizeof h->program, w) ||
	    required(o, "clients", &clients, w))
		return -1;
	if (version != 1)
		return why_set(w, "history version %llu (this vmfo reads 1)",
			       (unsigned long long)version);
	if (strcmp(h->program, "ledger") && strcmp(h->program, "kv"))
		return why_set(w, "program '%s' (ledger or kv)", h->program);
	if (clients < 1 || clients > 64)
		return why_set(w, "%llu clients (1 to 64)", (unsigned long long)clients);
	h->kv = strcmp(h->program, "kv") == 0;
	h->clients = (unsigned)clients;
	h->have_header = true;
	return 0;
}

/* The fields that only some requests have, as the op and result say. */
static int parse_request_detail(json_t *o, const struct history *h, struct request *r,
				struct why *w)
{
	if ((r->op == OP_PUT || r->op == OP_GET) != h->kv)
		return why_set(w, "%s in a %s history", op_names[r->op], h->program);
	if (r->op != OP_APPEND && required(o, "key", &r->key, w))
		return -1;
	if ((r->op == OP_APPEND || r->op == OP_PUT) && required(o, "value", &r->value, w))
		return -1;
	if (r->result == RES_OK && required(o, "seq", &r->seq, w))
		return -1;
	if (r->result == RES_OK && (r->op == OP_READ || r->op == OP_GET) &&
	    required(o, "got", &r->got, w))
		return -1;
	const char *reason = json_string_value(json_object_get(o, "reason"));
	strlcpy0(r->reason, reason ? reason : "", sizeof r->reason);
	if (r->ack_us < r->send_us)
		return why_set(w, "answered (ack_us) before it was sent (send_us)");
	return 0;
}

static int parse_request(json_t *o, const struct history *h, struct request *r, struct why *w)
{
	uint64_t client;
	memset(r, 0, sizeof *r);
	if (required(o, "client", &client, w) || required(o, "id", &r->id, w) ||
	    required(o, "send_us", &r->send_us, w) || required(o, "ack_us", &r->ack_us, w) ||
	    number(o, "retry", &r->retry, w) < 0)
		return -1;
	if (client >= h->clients)
		return why_set(w, "client %llu of %u", (unsigned long long)client, h->clients);
	r->client = (unsigned)client;
	int op = name_of(o, "op", op_names, 4, w);
	int result = op < 0 ? -1 : name_of(o, "result", result_names, 4, w);
	int phase = result < 0 ? -1 : name_of(o, "phase", phase_names, 2, w);
	if (phase < 0)
		return -1;
	r->op = (enum op)op;
	r->result = (enum result)result;
	r->verify = phase == 1;
	return parse_request_detail(o, h, r, w);
}

static int parse_stray(json_t *o, const struct history *h, struct stray *s, struct why *w)
{
	uint64_t client;
	const char *line = json_string_value(json_object_get(o, "stray"));
	if (!line)
		return why_set(w, "'stray' is not a string");
	if (required(o, "client", &client, w) || required(o, "at_us", &s->at_us, w))
		return -1;
	if (client >= h->clients)
		return why_set(w, "client %llu of %u", (unsigned long long)client, h->clients);
	s->client = (unsigned)client;
	strlcpy0(s->line, line, sizeof s->line);
	return 0;
}

/* Room for one more element in *arr (n used of *cap): 0, or -1. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t more = *cap ? 2 * *cap : 64;
	void *bigger = realloc(*arr, more * size);
	if (!bigger)
		return -1;
	*arr = bigger;
	*cap = more;
	return 0;
}

/* One line's object into h, by its kind: the header (first), a stray
 * answer, the end (last), or a request. */
static int take_line(json_t *o, struct history *h, struct why *w)
{
	if (!json_is_object(o))
		return why_set(w, "not a JSON object");
	if (h->ended)
		return why_set(w, "a line after the end line");
	if (!h->have_header) {
		if (!json_object_get(o, "history"))
			return why_set(w, "the first line is not the header {\"history\":1,...}");
		return parse_header(o, h, w);
	}
	if (json_object_get(o, "history"))
		return why_set(w, "a second header line");
	if (json_object_get(o, "end")) {
		h->ended = true;
		return 0;
	}
	if (json_object_get(o, "stray")) {
		if (grow((void **)&h->stray, &h->capstray, h->nstray, sizeof *h->stray))
			return why_set(w, "out of memory");
		return parse_stray(o, h, &h->stray[h->nstray++], w);
	}
	if (grow((void **)&h->req, &h->capreq, h->nreq, sizeof *h->req))
		return why_set(w, "out of memory");
	return parse_request(o, h, &h->req[h->nreq++], w);
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", s[i]))
			return false;
	return true;
}

int history_read(FILE *in, const char *name, struct history *h, struct err *e)
{
	char *line = NULL;
	size_t linecap = 0, lineno = 0;
	struct why w;
	int rc = 0;
	for (ssize_t len; !rc && (errno = 0, len = getline(&line, &linecap, in)) != -1;) {
		lineno++;
		if (blank(line, (size_t)len))
			continue;
		json_error_t jerr;
		json_t *o = json_loadb(line, (size_t)len, JSON_REJECT_DUPLICATES, &jerr);
		if (!o)
			rc = err_set(e, "%s:%zu: not a JSON object (column %d: %s)", name, lineno,
				     jerr.column, jerr.text);
		else if (take_line(o, h, &w))
			rc = err_set(e, "%s:%zu: %s", name, lineno, w.text);
		json_decref(o);
	}
	if (!rc && ferror(in))
		rc = err_set(e, "reading '%s': %s", name, strerror(errno ? errno : EIO));
	else if (!rc && !h->have_header)
		rc = err_set(e, "%s: empty: no header line", name);
	else if (!rc && !h->ended)
		rc = err_set(e, "%s: no end line after line %zu: the history stops short", name,
			     lineno);
	free(line);
	return rc;
}
