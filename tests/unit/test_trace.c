/* test_trace.c — recording, waiting with a filter, JSON and text forms. */
#include "tap.h"
#include "trace.h"

#include <stdlib.h>

int main(void)
{
	struct trace t;
	struct event ev;
	char *buf;
	size_t len;

	now_us();
	trace_init(&t);
	trace_emit(&t, "vmm.alloc", "vm", "vm0", "units", "1-32", "mb", "64", NULL);
	trace_emit(&t, "os.ready", "vm", "vm1", "role", "standby", NULL);
	trace_emit(&t, "os.ready", "vm", "vm0", "role", "active", NULL);
	ok(trace_count(&t) == 3, "three events");
	ok(trace_get(&t, 0, &ev) && ev.seq == 1 && ev.claims == (1u << 1), "seq 1 serves claim 1");
	ok(trace_get(&t, 2, &ev) && ev.seq == 3, "seq 3");
	ok(!trace_get(&t, 3, &ev), "no fourth event");

	ok(trace_wait(&t, "os.ready", "vm", "vm0", 0, 10, &ev) && ev.seq == 3,
	   "wait with a field filter finds the vm0 one");
	ok(trace_wait(&t, "os.ready", NULL, NULL, 0, 10, &ev) && ev.seq == 2,
	   "without a filter, the first");
	ok(!trace_wait(&t, "os.ready", NULL, NULL, 3, 20, &ev), "nothing after the mark: timeout");
	ok(!trace_wait(&t, "vmm.grant", NULL, NULL, 0, 20, NULL), "never emitted: timeout");

	FILE *f = open_memstream(&buf, &len);
	trace_get(&t, 0, &ev);
	event_write_json(&ev, f);
	fclose(f);
	ok(strstr(buf, "\"seq\":1,\"ev\":\"vmm.alloc\",\"claims\":[1],\"vm\":\"vm0\","
		       "\"units\":\"1-32\",\"mb\":\"64\"}\n") != NULL,
	   "JSON line: %.*s", (int)len - 1, buf);
	free(buf);

	trace_emit(&t, "vmm.blocked", "vm", "vm0", "gpa", "a\"b\\c\n", NULL);
	f = open_memstream(&buf, &len);
	trace_get(&t, 3, &ev);
	event_write_json(&ev, f);
	fclose(f);
	ok(strstr(buf, "\"gpa\":\"a\\\"b\\\\c\\u000a\"") != NULL, "strings escaped: %s", buf);
	free(buf);

	trace_emit(&t, "app.resumed", "app", "db", "vm", "vm1", "seq", "42", "hash", "ab", NULL);
	f = open_memstream(&buf, &len);
	trace_get(&t, 4, &ev);
	event_write_json(&ev, f);
	fclose(f);
	ok(strstr(buf, "\"seq\":5,\"ev\":\"app.resumed\",\"claims\":[2,4],\"app\":\"db\",\"vm\":\"vm1\","
		       "\"app_seq\":\"42\",\"hash\":\"ab\"}") != NULL,
	   "a field named like a top-level key is written as app_seq: %s", buf);
	free(buf);

	char line[512];
	trace_get(&t, 0, &ev);
	event_format(&ev, line, sizeof line);
	ok(strstr(line, "vmm.alloc") && strstr(line, "vm=vm0 units=1-32 mb=64") &&
	   strstr(line, "[claim 1]"), "readable line: %s", line);
	ok(event_claims("vmm.lookup") == ((1u << 3) | (1u << 9)), "vmm.lookup serves claims 3, 9");
	ok(event_claims("no.such") == 0, "unknown names serve nothing");

	trace_clear(&t);
	ok(trace_count(&t) == 0, "cleared");
	trace_emit(&t, "os.ready", "vm", "vm0", NULL);
	ok(trace_get(&t, 0, &ev) && ev.seq == 1, "sequence restarts at 1");
	trace_destroy(&t);
	return done_testing();
}
