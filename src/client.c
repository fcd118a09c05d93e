/* client.c — the clients of a served app: one thread and one connection
 * per client, one request in flight on each; a load phase, then a verify
 * phase; every answer recorded in the history (client_record.c). */
#include "client.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client_int.h"

/* A resend of an unavailable request waits this long: the VMM holds or
 * refuses requests while the app's channel is detached. */
#define RETRY_MS 10

void client_defaults(struct client_opts *o)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	*o = (struct client_opts){
		.clients = 4,
		.ms = 2000,
		.keys = 16,
		.timeout_ms = 10000,
		.seed = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec,
	};
}

/* splitmix64: a client's stream of choices, from the seed and its number. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* A number no other request of the run uses, readable in the history:
 * client 2's 17th is 3000000000017. */
static uint64_t unique_value(struct client *c)
{
	return (uint64_t)(c->n + 1) * 1000000000000u + ++c->values;
}

static struct request load_request(struct client *c)
{
	struct request q = { .op = OP_APPEND };
	if (c->run->greeting.kv) {
		uint64_t choice = next_random(&c->random);
		q.op = choice & 1 ? OP_PUT : OP_GET;
		q.key = (choice >> 1) % c->run->o.keys;
	}
	if (q.op != OP_GET)
		q.value = unique_value(c);
	return q;
}

/* The request line: "17 append 1234", "18 read 88", "19 put 3 77", "20 get 3". */
static void format_request(const struct request *q, char *line, size_t size)
{
	unsigned long long id = q->id, key = q->key, value = q->value;
	switch (q->op) {
	case OP_APPEND:
		snprintf(line, size, "%llu append %llu\n", id, value);
		break;
	case OP_READ:
		snprintf(line, size, "%llu read %llu\n", id, key);
		break;
	case OP_PUT:
		snprintf(line, size, "%llu put %llu %llu\n", id, key, value);
		break;
	case OP_GET:
		snprintf(line, size, "%llu get %llu\n", id, key);
		break;
	}
}

/* A number in an answer: whole, and small enough for the history's JSON. */
static int answer_number(char **save, uint64_t *out)
{
	return parse_u64(strtok_r(NULL, " ", save), 0, INT64_MAX, out);
}

/* The answer after its id: "ok SEQ [GOT]" or "err CLASS REASON...". An
 * answer that is neither leaves the request indeterminate: it reached the
 * server, and what became of it cannot be told. */
static void parse_answer(const char *rest, struct request *q)
{
	static const char *const classes[] = { "unavailable", "indeterminate", "refused" };
	char copy[LINE_MAX_BYTES + 1], *save;
	strlcpy0(copy, rest, sizeof copy);
	const char *word = strtok_r(copy, " ", &save);
	bool two = q->op == OP_READ || q->op == OP_GET;
	if (word && strcmp(word, "ok") == 0 && !answer_number(&save, &q->seq) &&
	    (!two || !answer_number(&save, &q->got)) && !strtok_r(NULL, " ", &save)) {
		q->result = RES_OK;
		return;
	}
	if (word && strcmp(word, "err") == 0 && (word = strtok_r(NULL, " ", &save)))
		for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
			if (strcmp(word, classes[i]) == 0) {
				q->result = RES_UNAVAILABLE + (enum result)i;
				strlcpy0(q->reason, save ? save : "", sizeof q->reason);
				return;
			}
	q->result = RES_INDETERMINATE;
	snprintf(q->reason, sizeof q->reason, "bad answer: %.80s", rest);
}

/* The id an answer line starts with, and the rest after it: 0, or -1
 * when the line starts with no id. */
static int answer_id(const char *line, uint64_t *id, const char **rest)
{
	char digits[24];
	size_t n = strspn(line, "0123456789");
	if (!n || n >= sizeof digits || line[n] != ' ')
		return -1;
	memcpy(digits, line, n);
	digits[n] = '\0';
	*rest = line + n + 1;
	return parse_u64(digits, 0, UINT64_MAX, id);
}

/* Wait for the answer to q, recording stray lines on the way: 0 with q's
 * result set; 1 at the deadline; -1 (why set) when the connection broke. */
static int await_answer(struct client *c, struct request *q, char *why, size_t whylen)
{
	uint64_t deadline = c->run->t0 + q->send_us + c->run->o.timeout_ms * 1000;
	char line[LINE_MAX_BYTES + 1];
	for (;;) {
		int rc = conn_read_line(&c->conn, deadline, line, why, whylen);
		if (rc)
			return rc;
		uint64_t id;
		const char *rest;
		if (answer_id(line, &id, &rest) == 0 && id == q->id) {
			q->ack_us = now_us() - c->run->t0;
			parse_answer(rest, q);
			return 0;
		}
		record_stray(c, line, now_us() - c->run->t0);
	}
}

/* Connect again after a broken or silent connection, trying every
 * RETRY_MS for timeout_ms: 0, or -1 with the client's error set. */
static int reconnect(struct client *c)
{
	struct client_run *r = c->run;
	uint64_t give_up = now_us() + r->o.timeout_ms * 1000;
	conn_close(&c->conn);
	for (;;) {
		struct greeting g;
		struct err e;
		if (conn_open(&c->conn, r->o.socket, r->o.timeout_ms, &g, &e) == 0) {
			if (strcmp(g.program, r->greeting.program) == 0)
				return 0;
			conn_close(&c->conn);
			snprintf(e.msg, sizeof e.msg, "%s: now serves program %s, not %s",
				 r->o.socket, g.program, r->greeting.program);
		}
		if (now_us() >= give_up) {
			err_set(&c->error, "client %u: reconnecting: %s", c->n, e.msg);
			return -1;
		}
		sleep_ms(RETRY_MS);
	}
}

/* Send q once and wait for its answer; record it. A request whose answer
 * does not come is indeterminate: it reached the server, and may have
 * been applied. Then the connection is not usable (an answer may still be
 * on its way), so a new one is made. 0, or -1 when that failed or the
 * connection broke in the verify phase (the client's error set). */
static int exchange(struct client *c, struct request *q)
{
	char line[LINE_MAX_BYTES + 1], why[96];
	q->id = ++c->next_id;
	format_request(q, line, sizeof line);
	q->send_us = now_us() - c->run->t0;
	int rc = conn_send(&c->conn, line, why, sizeof why);
	if (!rc)
		rc = await_answer(c, q, why, sizeof why);
	if (rc) {
		q->ack_us = now_us() - c->run->t0;
		q->result = RES_INDETERMINATE;
		strlcpy0(q->reason, rc == 1 ? "timeout" : why, sizeof q->reason);
	}
	record_request(c, q);
	if (rc < 0 && q->verify) {
		err_set(&c->error, "client %u: connection broke in the verify phase: %s", c->n,
			why);
		return -1;
	}
	return rc ? reconnect(c) : 0;
}

static bool load_goes_on(const struct client *c)
{
	const struct client_run *r = c->run;
	return !atomic_load(&r->stop) && (!r->o.ms || now_us() < r->end_us) &&
	       (!r->o.requests || c->done < r->o.requests);
}

/* Send q until it is answered other than unavailable, resending after
 * RETRY_MS (a new id, retry + 1) while more(c, since) says so. */
static int send_until_answered(struct client *c, struct request *q,
			       bool (*more)(struct client *, uint64_t))
{
	uint64_t since = now_us();
	for (;;) {
		if (exchange(c, q))
			return -1;
		if (q->result != RES_UNAVAILABLE)
			return 0;
		sleep_ms(RETRY_MS);
		if (!more(c, since))
			return 0;
		q->retry++;
		memset(q->reason, 0, sizeof q->reason);
	}
}

static bool load_retry(struct client *c, uint64_t since)
{
	(void)since;
	return load_goes_on(c);
}

/* The verify phase resends unavailable reads for as long as one answer
 * may take, all its reads together: a channel that stays closed costs the
 * phase timeout_ms once, not once per read. */
static bool verify_retry(struct client *c, uint64_t since)
{
	(void)since;
	if (!c->resend_until)
		c->resend_until = now_us() + c->run->o.timeout_ms * 1000;
	return now_us() < c->resend_until;
}

/* Keep what the verify phase must read back: the seq an append got, the
 * key a put wrote. 0, or -1 out of memory. */
static int remember(struct client *c, const struct request *q)
{
	if (q->result != RES_OK)
		return 0;
	if (q->op == OP_PUT)
		c->put_keys[q->key] = 1;
	if (q->op != OP_APPEND)
		return 0;
	if (c->nseqs == c->capseqs) {
		size_t cap = c->capseqs ? 2 * c->capseqs : 256;
		uint64_t *more = realloc(c->seqs, cap * sizeof *more);
		if (!more)
			return err_set(&c->error, "client %u: out of memory for %zu seqs", c->n,
				       cap);
		c->seqs = more;
		c->capseqs = cap;
	}
	c->seqs[c->nseqs++] = q->seq;
	return 0;
}

static int load_phase(struct client *c)
{
	while (load_goes_on(c)) {
		struct request q = load_request(c);
		if (send_until_answered(c, &q, load_retry) || remember(c, &q))
			return -1;
		c->done++;
	}
	return 0;
}

/* Read back what this client was acknowledged: each seq its appends got,
 * each key it put (one get, after all its puts). */
static int verify_phase(struct client *c)
{
	bool kv = c->run->greeting.kv;
	size_t n = kv ? c->run->o.keys : c->nseqs;
	for (size_t i = 0; i < n; i++) {
		if (kv && !c->put_keys[i])
			continue;
		struct request q = { .op = kv ? OP_GET : OP_READ, .key = kv ? i : c->seqs[i],
				     .verify = true };
		if (send_until_answered(c, &q, verify_retry))
			return -1;
	}
	return 0;
}

static void *client_thread(void *arg)
{
	struct client *c = arg;
	int rc = load_phase(c);
	atomic_fetch_sub(&c->run->loading, 1);
	if (!rc)
		verify_phase(c);
	return NULL;
}

bool client_running(const struct client_run *r)
{
	return !atomic_load(&r->stop) && atomic_load(&r->loading) > 0 &&
	       (!r->o.ms || now_us() < r->end_us);
}

static int check_opts(const struct client_opts *o, struct err *e)
{
	if (!o->socket || !o->socket[0])
		return err_set(e, "no socket to connect to");
	if (o->clients < 1 || o->clients > 64)
		return err_set(e, "%u clients: from 1 to 64", o->clients);
	if (!o->keys)
		return err_set(e, "no keys: a kv run needs at least one");
	if (!o->timeout_ms)
		return err_set(e, "a timeout of 0 ms leaves no time for an answer");
	return 0;
}

static void run_free(struct client_run *r)
{
	for (unsigned i = 0; i < r->o.clients; i++) {
		conn_close(&r->client[i].conn);
		free(r->client[i].seqs);
		free(r->client[i].put_keys);
	}
	if (r->history)
		fclose(r->history);
	free((char *)r->o.socket);
	free((char *)r->o.history);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* A run with its own copies of the strings and every client closed. */
static struct client_run *run_new(const struct client_opts *o, struct err *e)
{
	struct client_run *r = calloc(1, sizeof *r + o->clients * sizeof r->client[0]);
	if (!r) {
		err_set(e, "out of memory for %u clients", o->clients);
		return NULL;
	}
	r->o = *o;
	r->o.socket = strdup(o->socket);
	r->o.history = o->history ? strdup(o->history) : NULL;
	pthread_mutex_init(&r->lock, NULL);
	for (unsigned i = 0; i < o->clients; i++) {
		struct client *c = &r->client[i];
		*c = (struct client){ .run = r, .n = i, .conn.fd = -1 };
		c->random = o->seed + i;
		c->random = next_random(&c->random);
	}
	if (!r->o.socket || (o->history && !r->o.history)) {
		run_free(r);
		err_set(e, "out of memory");
		return NULL;
	}
	return r;
}

/* Every client connected and greeted alike; a kv run's key marks. */
static int connect_all(struct client_run *r, struct err *e)
{
	for (unsigned i = 0; i < r->o.clients; i++) {
		struct client *c = &r->client[i];
		struct greeting g;
		if (conn_open(&c->conn, r->o.socket, r->o.timeout_ms, &g, e))
			return -1;
		if (i == 0)
			r->greeting = g;
		else if (strcmp(g.app, r->greeting.app) || strcmp(g.program, r->greeting.program))
			return err_set(e, "%s: client %u was greeted by app %s (%s), client 0 "
					  "by %s (%s)", r->o.socket, i, g.app, g.program,
				       r->greeting.app, r->greeting.program);
		if (g.kv && !(c->put_keys = calloc(r->o.keys, 1)))
			return err_set(e, "out of memory for %u keys", r->o.keys);
	}
	return 0;
}

static int open_history(struct client_run *r, struct err *e)
{
	if (!r->o.history)
		return 0;
	r->history = fopen(r->o.history, "w");
	if (!r->history)
		return err_set(e, "cannot write history file '%s': %s", r->o.history,
			       strerror(errno));
	return 0;
}

/* The run's clock starts; each client's thread starts its load phase. */
static int start_threads(struct client_run *r, struct err *e)
{
	r->t0 = now_us();
	r->end_us = r->t0 + r->o.ms * 1000;
	atomic_store(&r->loading, r->o.clients);
	record_header(r);
	for (unsigned i = 0; i < r->o.clients; i++) {
		int rc = thread_start(&r->client[i].thread, client_thread, &r->client[i]);
		if (!rc)
			continue;
		atomic_store(&r->stop, true);
		while (i--)
			pthread_join(r->client[i].thread, NULL);
		return err_set(e, "starting client thread: %s", strerror(rc));
	}
	return 0;
}

struct client_run *client_start(const struct client_opts *o, struct err *e)
{
	struct err why;
	struct client_run *r = check_opts(o, e) ? NULL : run_new(o, e);
	if (!r)
		return NULL;
	if (connect_all(r, e) || open_history(r, e))
		goto fail;
	if (start_threads(r, &why)) {
		/* The file was made (or emptied) here, and holds no history. */
		if (r->o.history && unlink(r->o.history) < 0)
			err_set(e, "%s; and removing '%s': %s", why.msg, r->o.history,
				strerror(errno));
		else
			err_set(e, "%s", why.msg);
		goto fail;
	}
	return r;
fail:
	run_free(r);
	return NULL;
}

int client_finish(struct client_run *r, struct client_summary *s, struct err *e)
{
	int rc = 0;
	atomic_store(&r->stop, true);
	for (unsigned i = 0; i < r->o.clients; i++) {
		pthread_join(r->client[i].thread, NULL);
		if (!rc && r->client[i].error.msg[0])
			rc = err_set(e, "%s", r->client[i].error.msg);
	}
	record_end(r);
	if (r->history) {
		errno = 0;
		if (fclose(r->history) == EOF && !r->history_errno)
			r->history_errno = errno ? errno : EIO;
		r->history = NULL;
	}
	if (!rc && r->history_errno)
		rc = err_set(e, "writing the history to '%s': %s", r->o.history,
			     strerror(r->history_errno));
	*s = r->sum;
	strlcpy0(s->app, r->greeting.app, sizeof s->app);
	strlcpy0(s->program, r->greeting.program, sizeof s->program);
	s->clients = r->o.clients;
	run_free(r);
	return rc;
}

void client_summary_format(const struct client_summary *s, char *buf, size_t size)
{
	snprintf(buf, size, "%u clients, %llu requests: %llu ok, %llu unavailable, "
		 "%llu indeterminate, %llu refused, %llu retried; slowest %.1f ms",
		 s->clients, (unsigned long long)s->requests, (unsigned long long)s->ok,
		 (unsigned long long)s->unavailable, (unsigned long long)s->indeterminate,
		 (unsigned long long)s->refused, (unsigned long long)s->retried,
		 s->longest_wait_ms);
}
