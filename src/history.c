/* history.c — judging a client history (read by history_read.c) by the
 * rules of docs/protocol.md, "Judging a history", and measuring its
 * blackout, from the history alone. */
#include "history.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "history_int.h"

#define SHOWN_MAX 20

/* The problems found: the first SHOWN_MAX worded, the rest counted. */
struct problems {
	char line[SHOWN_MAX][300];
	uint64_t n;
};

static void problem(struct problems *p, uint64_t *counter, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct problems *p, uint64_t *counter, const char *fmt, ...)
{
	if (p->n < SHOWN_MAX) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->line[p->n], sizeof p->line[p->n], fmt, ap);
		va_end(ap);
	}
	p->n++;
	(*counter)++;
}

static double seconds(uint64_t us)
{
	return (double)us / 1e6;
}

static bool acked_write(const struct request *r)
{
	return r->result == RES_OK && !r->verify && (r->op == OP_APPEND || r->op == OP_PUT);
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* Orders of request indices, for qsort_r() with the requests as context. */
#define REQ(p) (&((const struct request *)req)[*(const size_t *)(p)])

/* By key (0 for appends), then seq: equal neighbours got one seq twice. */
static int by_key_seq(const void *a, const void *b, void *req)
{
	int c = cmp_u64(REQ(a)->key, REQ(b)->key);
	return c ? c : cmp_u64(REQ(a)->seq, REQ(b)->seq);
}

/* By key, then when it was acknowledged. */
static int by_key_ack(const void *a, const void *b, void *req)
{
	int c = cmp_u64(REQ(a)->key, REQ(b)->key);
	return c ? c : cmp_u64(REQ(a)->ack_us, REQ(b)->ack_us);
}

static int by_ack(const void *a, const void *b, void *req)
{
	return cmp_u64(REQ(a)->ack_us, REQ(b)->ack_us);
}

/* The indices of the requests that pass keep, sorted by cmp; NULL only
 * when out of memory (an empty list is a 1-byte allocation). */
static size_t *select_sorted(const struct history *h, bool (*keep)(const struct request *),
			     int (*cmp)(const void *, const void *, void *), size_t *n)
{
	size_t *idx = malloc(h->nreq * sizeof *idx + 1);
	*n = 0;
	if (!idx)
		return NULL;
	for (size_t i = 0; i < h->nreq; i++)
		if (keep(&h->req[i]))
			idx[(*n)++] = i;
	qsort_r(idx, *n, sizeof *idx, cmp, h->req);
	return idx;
}

/* No two acknowledged writes (of one key) got the same seq or version. */
static void judge_twice(const struct history *h, const size_t *w, size_t n,
			struct history_verdict *v, struct problems *p)
{
	for (size_t i = 1; i < n; i++) {
		const struct request *a = &h->req[w[i - 1]], *b = &h->req[w[i]];
		if (a->key != b->key || a->seq != b->seq)
			continue;
		unsigned long long seq = a->seq, first = a->value, second = b->value;
		if (h->kv)
			problem(p, &v->twice, "twice: version %llu of key %llu acknowledged to "
				"put %llu and put %llu", seq, (unsigned long long)a->key, first,
				second);
		else
			problem(p, &v->twice, "twice: seq %llu acknowledged to append %llu and "
				"append %llu", seq, first, second);
	}
	for (size_t i = 0; i < h->nstray; i++)
		problem(p, &v->twice, "twice: stray answer on client %u: \"%s\"",
			h->stray[i].client, h->stray[i].line);
}

static bool verify_read(const struct request *r)
{
	return r->verify && r->op == OP_READ;
}

/* How the verify phase's reads of append's seq came back: with its
 * transaction, with another (*seen: that read), refused (*seen: the
 * refusal), or not at all. reads are sorted by the seq asked, and appends
 * come in seq order: *at moves on to the first read of this seq. */
enum readback { READ_BACK, READ_OTHER, READ_REFUSED, READ_NEVER };
static enum readback read_back(const struct history *h, const size_t *reads, size_t n,
			       size_t *at, const struct request *append,
			       const struct request **seen)
{
	while (*at < n && h->req[reads[*at]].key < append->seq)
		(*at)++;
	enum readback how = READ_NEVER;
	for (size_t i = *at; i < n && h->req[reads[i]].key == append->seq; i++) {
		const struct request *r = &h->req[reads[i]];
		if (r->result == RES_OK && r->got != append->value) {
			*seen = r;
			return READ_OTHER;
		}
		if (r->result == RES_OK)
			how = READ_BACK;
		else if (r->result == RES_REFUSED && how == READ_NEVER) {
			how = READ_REFUSED;
			*seen = r;
		}
	}
	return how;
}

/* Ledger: every acknowledged append's seq, read in the verify phase,
 * returns its transaction. */
static void judge_ledger_lost(const struct history *h, const size_t *w, size_t n,
			      const size_t *reads, size_t nreads, struct history_verdict *v,
			      struct problems *p)
{
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		const struct request *a = &h->req[w[i]], *r = NULL;
		char what[160];
		snprintf(what, sizeof what, "lost: append %llu acknowledged as seq %llu "
			 "(client %u at %.3f s)", (unsigned long long)a->value,
			 (unsigned long long)a->seq, a->client, seconds(a->ack_us));
		switch (read_back(h, reads, nreads, &at, a, &r)) {
		case READ_BACK:
			break;
		case READ_OTHER:
			problem(p, &v->lost, "%s reads back as %llu", what,
				(unsigned long long)r->got);
			break;
		case READ_REFUSED:
			problem(p, &v->lost, "%s read back: refused %s", what, r->reason);
			break;
		case READ_NEVER:
			problem(p, &v->lost, "%s never read back", what);
			break;
		}
	}
}

/* The acknowledged put of key with the highest version among those
 * acknowledged before t (puts sorted by key then ack, best[i] the highest
 * of puts[..i] of the same key), or NULL. */
static const struct request *newest_before(const struct history *h, const size_t *puts,
					   const size_t *best, size_t n, uint64_t key, uint64_t t)
{
	size_t lo = 0, hi = n; /* the first put past (key, acked before t) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct request *m = &h->req[puts[mid]];
		if (m->key < key || (m->key == key && m->ack_us < t))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || h->req[puts[lo - 1]].key != key)
		return NULL;
	return &h->req[best[lo - 1]];
}

static bool ok_get(const struct request *r)
{
	return r->result == RES_OK && r->op == OP_GET;
}

/* A get against the newest put acknowledged before it was sent. */
static void judge_get(const struct request *g, const struct request *put,
		      struct history_verdict *v, struct problems *p)
{
	unsigned long long key = g->key, version = g->seq;
	if (g->seq < put->seq)
		problem(p, &v->lost, "lost: get %llu by client %u at %.3f s returned version %llu, "
			"older than version %llu acknowledged at %.3f s", key, g->client,
			seconds(g->send_us), version, (unsigned long long)put->seq,
			seconds(put->ack_us));
	else if (g->seq == put->seq && g->got != put->value)
		problem(p, &v->lost, "lost: get %llu by client %u at %.3f s returned value %llu at "
			"version %llu, acknowledged to put %llu at %.3f s", key, g->client,
			seconds(g->send_us), (unsigned long long)g->got, version,
			(unsigned long long)put->value, seconds(put->ack_us));
}

/* kv: the newest acknowledged put of a key must be read back, by a get
 * sent after its acknowledgement (the gets judge_get holds to it), or
 * nothing shows it survived. */
static void judge_kv_read_back(const struct history *h, const struct request *put,
			       struct history_verdict *v, struct problems *p)
{
	for (size_t i = 0; i < h->nreq; i++) {
		const struct request *g = &h->req[i];
		if (ok_get(g) && g->key == put->key && g->send_us > put->ack_us)
			return;
	}
	problem(p, &v->lost, "lost: put %llu %llu acknowledged as version %llu (client %u at %.3f s) "
		"never read back", (unsigned long long)put->key, (unsigned long long)put->value,
		(unsigned long long)put->seq, put->client, seconds(put->ack_us));
}

/* kv: a get sent after a put of its key was acknowledged returns that
 * put's version or a later one, and at that version that put's value. A
 * get concurrent with the put may see either. Puts sorted by key, then
 * acknowledgement. -1 when out of memory. */
static int judge_kv_lost(const struct history *h, const size_t *puts, size_t n,
			 struct history_verdict *v, struct problems *p)
{
	size_t *best = malloc(n * sizeof *best + 1);
	if (!best)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct request *put = &h->req[puts[i]];
		bool same_key = i && h->req[puts[i - 1]].key == put->key;
		best[i] = same_key && h->req[best[i - 1]].seq > put->seq ? best[i - 1] : puts[i];
	}
	for (size_t i = 0; i < h->nreq; i++) {
		const struct request *g = &h->req[i], *put;
		if (ok_get(g) && (put = newest_before(h, puts, best, n, g->key, g->send_us)))
			judge_get(g, put, v, p);
	}
	for (size_t i = 0; i < n; i++) /* each key's newest put: its last best */
		if (i + 1 == n || h->req[puts[i + 1]].key != h->req[puts[i]].key)
			judge_kv_read_back(h, &h->req[best[i]], v, p);
	free(best);
	return 0;
}

static bool in_load(const struct request *r)
{
	return !r->verify;
}

/* The blackout: the longest time in the load phase during which a
 * request was waiting and none was answered (or given up on, which ends a
 * wait too). Between two consecutive answers, requests wait from the
 * earlier answer on if one of those answered later was sent before it,
 * else from the first of them sent in between. 0, or -1 out of memory. */
static int judge_blackout(const struct history *h, struct history_verdict *v)
{
	size_t n;
	size_t *answered = select_sorted(h, in_load, by_ack, &n);
	uint64_t *first_send = malloc(n * sizeof *first_send + 1);
	if (!answered || !first_send) {
		free(answered);
		free(first_send);
		return -1;
	}
	/* first_send[j]: the earliest send of the requests answered[j..]. */
	for (size_t j = n; j-- > 0;) {
		uint64_t send = h->req[answered[j]].send_us;
		first_send[j] = j + 1 < n && first_send[j + 1] < send ? first_send[j + 1] : send;
	}
	uint64_t longest = 0, longest_from = 0;
	for (size_t j = 0; j < n; j++) {
		uint64_t from = first_send[j], ack = h->req[answered[j]].ack_us;
		if (j && h->req[answered[j - 1]].ack_us > from)
			from = h->req[answered[j - 1]].ack_us;
		if (ack - from > longest) {
			longest = ack - from;
			longest_from = from;
		}
	}
	v->blackout_ms = (double)longest / 1e3;
	v->blackout_from_ms = (double)longest_from / 1e3;
	free(answered);
	free(first_send);
	return 0;
}

static void count(const struct history *h, struct history_verdict *v)
{
	uint64_t longest = 0;
	for (size_t i = 0; i < h->nreq; i++) {
		const struct request *r = &h->req[i];
		uint64_t *by_result[] = { &v->ok, &v->unavailable, &v->indeterminate, &v->refused };
		(*by_result[r->result])++;
		v->retried += r->retry > 0;
		v->acked_writes += acked_write(r);
		if (r->ack_us - r->send_us > longest)
			longest = r->ack_us - r->send_us;
	}
	v->requests = h->nreq;
	v->stray = h->nstray;
	v->longest_wait_ms = (double)longest / 1e3;
}

/* Both rules; -1 when out of memory. */
static int judge_rules(const struct history *h, struct history_verdict *v, struct problems *p)
{
	size_t n, nreads = 0;
	size_t *writes = select_sorted(h, acked_write, by_key_seq, &n);
	size_t *reads = h->kv ? NULL : select_sorted(h, verify_read, by_key_seq, &nreads);
	int rc = writes && (h->kv || reads) ? 0 : -1;
	if (!rc)
		judge_twice(h, writes, n, v, p);
	if (!rc && h->kv) {
		qsort_r(writes, n, sizeof *writes, by_key_ack, h->req);
		rc = judge_kv_lost(h, writes, n, v, p);
	} else if (!rc) {
		judge_ledger_lost(h, writes, n, reads, nreads, v, p);
	}
	free(writes);
	free(reads);
	return rc;
}

static void report(const struct history_verdict *v, const struct problems *p, FILE *out)
{
	fprintf(out, "history: %s app %s, %u clients, %llu requests: %llu ok, %llu unavailable, "
		     "%llu indeterminate, %llu refused, %llu retried\n",
		v->program, v->app, v->clients, (unsigned long long)v->requests,
		(unsigned long long)v->ok, (unsigned long long)v->unavailable,
		(unsigned long long)v->indeterminate, (unsigned long long)v->refused,
		(unsigned long long)v->retried);
	fprintf(out, "acknowledged writes: %llu, lost %llu, answered twice %llu\n",
		(unsigned long long)v->acked_writes, (unsigned long long)v->lost,
		(unsigned long long)v->twice);
	fprintf(out, "blackout: longest %.1f ms with no answer, from %.3f s; "
		     "slowest request %.1f ms\n",
		v->blackout_ms, v->blackout_from_ms / 1e3, v->longest_wait_ms);
	for (uint64_t i = 0; i < p->n && i < SHOWN_MAX; i++)
		fprintf(out, "%s\n", p->line[i]);
	if (p->n > SHOWN_MAX)
		fprintf(out, "... and %llu more\n", (unsigned long long)(p->n - SHOWN_MAX));
	fprintf(out, "%s\n", v->pass ? "PASS" : "FAIL");
}

int history_check_stream(FILE *in, const char *name, FILE *out, struct history_verdict *v,
			 struct err *e)
{
	struct history h = { 0 };
	struct problems *p = calloc(1, sizeof *p);
	int rc = p ? history_read(in, name, &h, e) : err_set(e, "out of memory judging '%s'", name);
	memset(v, 0, sizeof *v);
	if (!rc) {
		strlcpy0(v->app, h.app, sizeof v->app);
		strlcpy0(v->program, h.program, sizeof v->program);
		v->clients = h.clients;
		count(&h, v);
		if (judge_rules(&h, v, p) || judge_blackout(&h, v))
			rc = err_set(e, "out of memory judging '%s'", name);
	}
	if (!rc) {
		v->pass = v->lost == 0 && v->twice == 0;
		report(v, p, out);
		rc = v->pass ? 0 : 1;
	}
	free(h.req);
	free(h.stray);
	free(p);
	return rc;
}

int history_check(const char *path, FILE *out, struct history_verdict *v, struct err *e)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		memset(v, 0, sizeof *v);
		return err_set(e, "cannot read history file '%s': %s", path, strerror(errno));
	}
	int rc = history_check_stream(f, path, out, v, e);
	fclose(f);
	return rc;
}
