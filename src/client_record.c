/* client_record.c — the clients' history, one JSON object per line written
 * with Jansson under the run's lock, in the order the answers arrive
 * (docs/protocol.md, "The client history"); and the summary's counts. */
#include "client_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const op_names[] = { "append", "read", "put", "get" };
static const char *const result_names[] = { "ok", "unavailable", "indeterminate", "refused" };

/* json_object_set_new() that takes a NULL value (a failed json_*()) as
 * the failure it is. */
static int put(json_t *obj, const char *key, json_t *val)
{
	return val ? json_object_set_new(obj, key, val) : -1;
}

static int put_number(json_t *obj, const char *key, uint64_t n)
{
	return put(obj, key, json_integer((json_int_t)n));
}

/* Write obj as one line, and free it; the lock held (or no thread yet).
 * A NULL obj is a json_*() that ran out of memory. */
static void write_line(struct client_run *r, json_t *obj)
{
	if (r->history && !r->history_errno) {
		char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
		errno = 0;
		if (!text || fputs(text, r->history) == EOF || fputc('\n', r->history) == EOF)
			r->history_errno = errno ? errno : ENOMEM;
		free(text);
	}
	json_decref(obj);
}

void record_header(struct client_run *r)
{
	json_t *obj = json_object();
	if (obj && (put_number(obj, "history", 1) ||
		    put(obj, "app", json_string(r->greeting.app)) ||
		    put(obj, "program", json_string(r->greeting.program)) ||
		    put_number(obj, "clients", r->o.clients))) {
		json_decref(obj);
		obj = NULL;
	}
	write_line(r, obj);
}

void record_end(struct client_run *r)
{
	json_t *obj = json_object();
	if (obj && (put_number(obj, "end", 1) || put_number(obj, "requests", r->sum.requests) ||
		    put_number(obj, "elapsed_us", now_us() - r->t0))) {
		json_decref(obj);
		obj = NULL;
	}
	write_line(r, obj);
}

/* The fields in the order of the protocol's table, each where it applies. */
static json_t *request_json(const struct client *c, const struct request *q)
{
	json_t *obj = json_object();
	bool reads = q->op == OP_READ || q->op == OP_GET, ok = q->result == RES_OK;
	if (!obj || put_number(obj, "client", c->n) || put_number(obj, "id", q->id) ||
	    put(obj, "op", json_string(op_names[q->op])) ||
	    (q->op != OP_APPEND && put_number(obj, "key", q->key)) ||
	    ((q->op == OP_APPEND || q->op == OP_PUT) && put_number(obj, "value", q->value)) ||
	    put_number(obj, "send_us", q->send_us) || put_number(obj, "ack_us", q->ack_us) ||
	    put(obj, "result", json_string(result_names[q->result])) ||
	    (!ok && put(obj, "reason", json_string(q->reason))) ||
	    (ok && put_number(obj, "seq", q->seq)) ||
	    (ok && reads && put_number(obj, "got", q->got)) ||
	    put_number(obj, "retry", q->retry) ||
	    put(obj, "phase", json_string(q->verify ? "verify" : "load"))) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static void count(struct client_summary *s, const struct request *q)
{
	uint64_t *by_result[] = { &s->ok, &s->unavailable, &s->indeterminate, &s->refused };
	double wait_ms = (double)(q->ack_us - q->send_us) / 1e3;
	s->requests++;
	(*by_result[q->result])++;
	s->retried += q->retry > 0;
	if (wait_ms > s->longest_wait_ms)
		s->longest_wait_ms = wait_ms;
}

void record_request(struct client *c, const struct request *q)
{
	struct client_run *r = c->run;
	pthread_mutex_lock(&r->lock);
	count(&r->sum, q);
	write_line(r, r->history ? request_json(c, q) : NULL);
	pthread_mutex_unlock(&r->lock);
}

/* Bytes from the server as they came, but only printable ASCII: any other
 * byte becomes '?', so that the line is always valid JSON text. */
static void printable(const char *line, char *out, size_t size)
{
	size_t n = 0;
	for (; line[n] && n + 1 < size; n++)
		out[n] = line[n] >= 0x20 && line[n] < 0x7f ? line[n] : '?';
	out[n] = '\0';
}

void record_stray(struct client *c, const char *line, uint64_t at_us)
{
	struct client_run *r = c->run;
	char text[LINE_MAX_BYTES + 1];
	json_t *obj = r->history ? json_object() : NULL;
	printable(line, text, sizeof text);
	if (obj && (put_number(obj, "client", c->n) || put(obj, "stray", json_string(text)) ||
		    put_number(obj, "at_us", at_us))) {
		json_decref(obj);
		obj = NULL;
	}
	pthread_mutex_lock(&r->lock);
	r->sum.stray++;
	write_line(r, obj);
	pthread_mutex_unlock(&r->lock);
}
