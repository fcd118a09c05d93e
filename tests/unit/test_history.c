/* test_history.c — the history checker on small histories written here,
 * each passing or breaking one rule of docs/protocol.md, "Judging a
 * history". */
#include <stdlib.h>

#include "history.h"
#include "tap.h"

/* Lines of a history, as `vmfo client` writes them. */
#define LEDGER(clients) \
	"{\"history\":1,\"app\":\"db\",\"program\":\"ledger\",\"clients\":" #clients "}\n"
#define KV(clients) "{\"history\":1,\"app\":\"cache\",\"program\":\"kv\",\"clients\":" #clients "}\n"
#define END "{\"end\":1,\"requests\":0,\"elapsed_us\":50000}\n"
#define TIMES(send, ack) ",\"send_us\":" #send ",\"ack_us\":" #ack
#define OK_LOAD(seq) ",\"result\":\"ok\",\"seq\":" #seq ",\"retry\":0,\"phase\":\"load\"}\n"
#define APPEND(c, id, tx, send, ack, seq) \
	"{\"client\":" #c ",\"id\":" #id ",\"op\":\"append\",\"value\":" #tx TIMES(send, ack) \
	OK_LOAD(seq)
#define READ(c, id, seq, send, ack, tx) \
	"{\"client\":" #c ",\"id\":" #id ",\"op\":\"read\",\"key\":" #seq TIMES(send, ack) \
	",\"result\":\"ok\",\"seq\":" #seq ",\"got\":" #tx ",\"retry\":0,\"phase\":\"verify\"}\n"
#define PUT(c, id, key, value, send, ack, version) \
	"{\"client\":" #c ",\"id\":" #id ",\"op\":\"put\",\"key\":" #key ",\"value\":" #value \
	TIMES(send, ack) OK_LOAD(version)
#define GET(c, id, key, send, ack, version, value) \
	"{\"client\":" #c ",\"id\":" #id ",\"op\":\"get\",\"key\":" #key TIMES(send, ack) \
	",\"result\":\"ok\",\"seq\":" #version ",\"got\":" #value ",\"retry\":0,\"phase\":\"load\"}\n"

static char report[4096];
static struct history_verdict v;
static struct err e;

/* Judge text: the return value, with the report in report[]. */
static int judge(const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *out = open_memstream(&buf, &len);
	if (!in || !out) {
		perror("test_history: fmemopen/open_memstream");
		exit(1);
	}
	e.msg[0] = '\0';
	int rc = history_check_stream(in, "h.jsonl", out, &v, &e);
	fclose(in);
	fclose(out);
	snprintf(report, sizeof report, "%s", buf);
	free(buf);
	return rc;
}

/* Whether the report has this line. */
static int has_line(const char *line)
{
	size_t n = strlen(line);
	for (const char *p = report; (p = strstr(p, line)); p++)
		if ((p == report || p[-1] == '\n') && p[n] == '\n')
			return 1;
	printf("# no line '%s' in:\n# %s", line, report);
	return 0;
}

/* Three appends by two clients, each read back. */
#define GOOD_LOAD \
	LEDGER(2) APPEND(0, 1, 1001, 1000, 2000, 1) APPEND(1, 1, 2001, 1500, 2500, 2) \
	APPEND(0, 2, 1002, 2100, 3000, 3)

static void ledger_passes(void)
{
	ok(judge(GOOD_LOAD READ(0, 3, 1, 4000, 4100, 1001) READ(0, 4, 3, 4200, 4300, 1002)
		 READ(1, 2, 2, 4000, 4200, 2001) END) == 0, "a ledger history with every append read back passes");
	is_str(report,
	       "history: ledger app db, 2 clients, 6 requests: 6 ok, 0 unavailable, 0 indeterminate, 0 refused, 0 retried\n"
	       "acknowledged writes: 3, lost 0, answered twice 0\n"
	       "blackout: longest 1.0 ms with no answer, from 0.001 s; slowest request 1.0 ms\n"
	       "PASS\n", "its report");
	ok(v.pass && v.acked_writes == 3 && v.clients == 2 && !strcmp(v.app, "db"), "and its verdict");
}

static void ledger_lost(void)
{
	ok(judge(GOOD_LOAD READ(0, 3, 1, 4000, 4100, 1001) READ(0, 4, 3, 4200, 4300, 1002)
		 READ(1, 2, 2, 4000, 4200, 999) END) == 1, "an append read back as another transaction: FAIL");
	ok(has_line("lost: append 2001 acknowledged as seq 2 (client 1 at 0.003 s) reads back as 999"),
	   "the lost append named, with what its seq holds");
	ok(has_line("FAIL") && v.lost == 1 && !v.pass, "counted as lost");

	ok(judge(GOOD_LOAD READ(0, 3, 1, 4000, 4100, 1001) READ(0, 4, 3, 4200, 4300, 1002)
		 "{\"client\":1,\"id\":2,\"op\":\"read\",\"key\":2" TIMES(4000, 4200)
		 ",\"result\":\"refused\",\"reason\":\"gone\",\"retry\":0,\"phase\":\"verify\"}\n" END) == 1,
	   "an append whose read is refused gone: FAIL");
	ok(has_line("lost: append 2001 acknowledged as seq 2 (client 1 at 0.003 s) read back: refused gone"),
	   "named, with the refusal");

	ok(judge(GOOD_LOAD READ(0, 3, 1, 4000, 4100, 1001) READ(1, 2, 2, 4000, 4200, 2001) END) == 1,
	   "an append never read back: FAIL");
	ok(has_line("lost: append 1002 acknowledged as seq 3 (client 0 at 0.003 s) never read back"),
	   "named");
	ok(has_line("acknowledged writes: 3, lost 1, answered twice 0"), "the count of lost writes");
}

static void ledger_twice(void)
{
	ok(judge(LEDGER(2) APPEND(0, 1, 1001, 1000, 2000, 7) APPEND(1, 1, 2001, 1500, 2500, 7)
		 READ(0, 2, 7, 4000, 4100, 1001) READ(1, 2, 7, 4000, 4200, 1001) END) == 1,
	   "two appends acknowledged with the same seq: FAIL");
	ok(has_line("twice: seq 7 acknowledged to append 1001 and append 2001"), "both named");
	ok(v.twice == 1, "counted as answered twice");

	ok(judge(LEDGER(2) APPEND(0, 1, 1001, 1000, 2000, 1) READ(0, 2, 1, 4000, 4100, 1001)
		 "{\"client\":1,\"stray\":\"17 ok 5\",\"at_us\":3000}\n" END) == 1,
	   "a stray answer: FAIL");
	ok(has_line("twice: stray answer on client 1: \"17 ok 5\""), "the stray line shown");
	ok(v.stray == 1 && v.twice == 1, "counted as stray and as answered twice");
}

/* Two puts of key 3 acknowledged as versions 1 and 2; a get concurrent
 * with the second (sent before it was acknowledged) may see version 1. */
#define KV_LOAD \
	KV(2) PUT(0, 1, 3, 1001, 1000, 2000, 1) PUT(1, 1, 3, 2001, 2100, 3000, 2) \
	GET(0, 2, 3, 2500, 3500, 1, 1001)

static void kv_rules(void)
{
	ok(judge(KV_LOAD GET(1, 2, 3, 3100, 3200, 2, 2001) END) == 0,
	   "a kv history, a get concurrent with a put seeing the older version: PASS");
	ok(has_line("acknowledged writes: 2, lost 0, answered twice 0"), "two acknowledged puts");

	ok(judge(KV_LOAD GET(1, 2, 3, 3100, 3200, 1, 1001) END) == 1,
	   "a get sent after a put was acknowledged returning an older version: FAIL");
	ok(has_line("lost: get 3 by client 1 at 0.003 s returned version 1, older than version 2 acknowledged at 0.003 s"),
	   "named, with both versions");

	ok(judge(KV_LOAD GET(1, 2, 3, 3100, 3200, 2, 999) END) == 1,
	   "a get returning the put's version with another value: FAIL");
	ok(has_line("lost: get 3 by client 1 at 0.003 s returned value 999 at version 2, acknowledged to put 2001 at 0.003 s"),
	   "named, with both values");

	ok(judge(KV(2) PUT(0, 1, 3, 1001, 1000, 2000, 4) PUT(1, 1, 3, 2001, 2100, 3000, 4) END) == 1,
	   "one version of one key acknowledged to two puts: FAIL");
	ok(has_line("twice: version 4 of key 3 acknowledged to put 1001 and put 2001"), "both named");
	ok(judge(KV(2) PUT(0, 1, 3, 1001, 1000, 2000, 4) PUT(1, 1, 5, 2001, 2100, 3000, 4)
			 GET(0, 2, 3, 3100, 3200, 4, 1001) GET(1, 2, 5, 3100, 3300, 4, 2001) END) == 0,
	   "the same version of two keys is fine");
	/* The newest put of a key with no get after it: nothing shows it
	 * survived, as with a ledger append never read back. */
	ok(judge(KV(2) PUT(0, 1, 3, 1001, 1000, 2000, 4) PUT(1, 1, 3, 2001, 2100, 3000, 5)
			 GET(0, 2, 3, 2050, 2900, 4, 1001) END) == 1,
	   "a key's newest acknowledged put never read back: FAIL");
	ok(has_line("lost: put 3 2001 acknowledged as version 5 (client 1 at 0.003 s) never read back"),
	   "named, with its key, value and version");
}

static void indeterminate_not_required(void)
{
	const char *indeterminate_append =
		"{\"client\":0,\"id\":2,\"op\":\"append\",\"value\":1002" TIMES(2100, 9000)
		",\"result\":\"indeterminate\",\"reason\":\"timeout\",\"retry\":0,\"phase\":\"load\"}\n";
	char text[2048];
	snprintf(text, sizeof text, "%s%s%s%s%s", LEDGER(1) APPEND(0, 1, 1001, 1000, 2000, 1),
		 indeterminate_append, READ(0, 3, 1, 9100, 9200, 1001),
		 READ(0, 4, 2, 9300, 9400, 1002), END);
	ok(judge(text) == 0, "an indeterminate append is not required, and may be read back");
	ok(has_line("history: ledger app db, 1 clients, 4 requests: 3 ok, 0 unavailable, 1 indeterminate, 0 refused, 0 retried"),
	   "it is counted as indeterminate");
	ok(v.acked_writes == 1, "and not as acknowledged");

	snprintf(text, sizeof text, "%s%s%s", KV(1) PUT(0, 1, 3, 1001, 1000, 2000, 1),
		 "{\"client\":0,\"id\":2,\"op\":\"put\",\"key\":3,\"value\":1002" TIMES(2100, 9000)
		 ",\"result\":\"indeterminate\",\"reason\":\"timeout\",\"retry\":0,\"phase\":\"load\"}\n",
		 GET(0, 3, 3, 9100, 9200, 2, 1002) END);
	ok(judge(text) == 0, "a get may return the version of a put that was not acknowledged");
}

static void retries_counted(void)
{
	ok(judge(LEDGER(1)
		 "{\"client\":0,\"id\":1,\"op\":\"append\",\"value\":1001" TIMES(1000, 1100)
		 ",\"result\":\"unavailable\",\"reason\":\"detached\",\"retry\":0,\"phase\":\"load\"}\n"
		 "{\"client\":0,\"id\":2,\"op\":\"append\",\"value\":1001" TIMES(11200, 12000)
		 ",\"result\":\"ok\",\"seq\":1,\"retry\":1,\"phase\":\"load\"}\n"
		 READ(0, 3, 1, 13000, 13100, 1001) END) == 0, "an append acknowledged on its resend");
	ok(has_line("history: ledger app db, 1 clients, 3 requests: 2 ok, 1 unavailable, 0 indeterminate, 0 refused, 1 retried"),
	   "the unavailable answer and the retry counted");
}

static void blackout(void)
{
	/* Between the answers at 4.3 ms and 40 ms only D is waiting (sent at
	 * 2.7 ms): 35.7 ms from 4.3 ms. D itself waited 37.3 ms. The verify
	 * read at 50 ms is not the load phase. */
	ok(judge(LEDGER(2) APPEND(0, 1, 1, 1000, 2000, 1) APPEND(1, 1, 2, 1500, 4000, 2)
		 APPEND(0, 2, 3, 2100, 2600, 3) APPEND(0, 3, 4, 2700, 40000, 5)
		 APPEND(1, 2, 5, 4100, 4300, 4) READ(0, 4, 1, 41000, 41000, 1)
		 READ(0, 5, 3, 41000, 90000, 3) READ(0, 6, 5, 41000, 41000, 4)
		 READ(1, 3, 2, 41000, 41000, 2) READ(1, 4, 4, 41000, 41000, 5) END) == 0,
	   "a history with a slow append passes");
	ok(v.blackout_ms == 35.7 && v.blackout_from_ms == 4.3, "blackout 35.7 ms from 4.3 ms (got %.3f from %.3f)",
	   v.blackout_ms, v.blackout_from_ms);
	ok(has_line("blackout: longest 35.7 ms with no answer, from 0.004 s; slowest request 49.0 ms"),
	   "reported, with the slowest request of either phase");

	/* One client: each request sent after the last answer. The wait
	 * starts at the send, not at the answer before it. */
	ok(judge(LEDGER(1) APPEND(0, 1, 1, 1000, 2000, 1) APPEND(0, 2, 2, 2500, 30500, 2)
		 READ(0, 3, 1, 31000, 31000, 1) READ(0, 4, 2, 31000, 31000, 2) END) == 0,
	   "one client, one slow append");
	ok(v.blackout_ms == 28.0 && v.blackout_from_ms == 2.5, "blackout 28.0 ms from 2.5 ms (got %.3f from %.3f)",
	   v.blackout_ms, v.blackout_from_ms);
}

static void malformed(void)
{
	ok(judge(LEDGER(1) APPEND(0, 1, 1, 1000, 2000, 1) "{\"client\":0,\"id\":2}\n" END) == -1,
	   "a request line without its fields: -1");
	is_str(e.msg, "h.jsonl:3: no 'send_us'", "named by line");
	is_str(report, "", "and no report");
	ok(judge(LEDGER(1) "not json\n" END) == -1, "a line that is not JSON: -1");
	ok(strncmp(e.msg, "h.jsonl:2: not a JSON object", 28) == 0, "named by line: %s", e.msg);
	ok(judge(APPEND(0, 1, 1, 1000, 2000, 1) END) == -1, "no header: -1");
	is_str(e.msg, "h.jsonl:1: the first line is not the header {\"history\":1,...}", "said so");
	ok(judge(LEDGER(1) APPEND(0, 1, 1, 1000, 2000, 1)) == -1, "no end line: -1");
	is_str(e.msg, "h.jsonl: no end line after line 2: the history stops short", "said so");
	ok(judge(LEDGER(1) APPEND(1, 1, 1, 1000, 2000, 1) END) == -1, "a client beyond the header's: -1");
	is_str(e.msg, "h.jsonl:2: client 1 of 1", "named");
	ok(judge(LEDGER(1) PUT(0, 1, 3, 1001, 1000, 2000, 1) END) == -1, "a put in a ledger history: -1");
	is_str(e.msg, "h.jsonl:2: put in a ledger history", "named");
	ok(judge(LEDGER(1) APPEND(0, 1, 1, 3000, 2000, 1) END) == -1, "answered before sent: -1");
	ok(judge("") == -1, "an empty file: -1");
	is_str(e.msg, "h.jsonl: empty: no header line", "said so");
	struct history_verdict missing;
	ok(history_check("/nonexistent/h.jsonl", stdout, &missing, &e) == -1, "a missing file: -1");
	is_str(e.msg, "cannot read history file '/nonexistent/h.jsonl': No such file or directory",
	       "with why");
}

static void many_problems(void)
{
	char text[16384] = LEDGER(1);
	for (int i = 1; i <= 25; i++)
		snprintf(text + strlen(text), sizeof text - strlen(text),
			 "{\"client\":0,\"id\":%d,\"op\":\"append\",\"value\":%d" TIMES(1000, 2000)
			 ",\"result\":\"ok\",\"seq\":%d,\"retry\":0,\"phase\":\"load\"}\n", i, i, i);
	strcat(text, END);
	ok(judge(text) == 1, "25 appends never read back: FAIL");
	ok(has_line("... and 5 more"), "20 shown, then the count of the rest");
	ok(v.lost == 25, "all 25 counted");
}

int main(void)
{
	ledger_passes();
	ledger_lost();
	ledger_twice();
	kv_rules();
	indeterminate_not_required();
	retries_counted();
	blackout();
	malformed();
	many_problems();
	return done_testing();
}
