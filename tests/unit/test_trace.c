/* test_trace.c — recording, waiting with a filter, JSON and text forms. */
#include "tap.h"
#include "trace.h"
#include "tracefile.h"

#include <stdlib.h>
#include <unistd.h>

#define EMITTERS 4
#define EACH 2000

static void *emitter(void *arg)
{
	for (int i = 0; i < EACH; i++)
		trace_emit(arg, "vmm.grant", "vm", "vm0", NULL);
	return NULL;
}

/* The writer thread: events from several threads reach the file whole and
 * in the trace's order, all of them by the time the file is closed. */
static void file_in_order(void)
{
	struct trace t;
	struct err e;
	char path[] = "/tmp/vmfo-test-trace-XXXXXX";
	int fd = mkstemp(path);
	ok(fd >= 0, "a temporary file");
	if (fd < 0)
		return;
	close(fd);
	trace_init(&t);
	ok(trace_open_file(&t, path, &e) == 0, "trace file opened");
	pthread_t th[EMITTERS];
	for (int i = 0; i < EMITTERS; i++)
		pthread_create(&th[i], NULL, emitter, &t);
	for (int i = 0; i < EMITTERS; i++)
		pthread_join(th[i], NULL);
	ok(trace_close_file(&t, &e) == 0, "closed without an error");
	trace_emit(&t, "os.ready", "vm", "vm0", NULL); /* not queued: the file is closed */
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned long long want = 1, seq = 0;
	bool in_order = true;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "{\"t_us\":%*u,\"seq\":%llu,", &seq) != 1 || seq != want++)
			in_order = false;
	ok(in_order && want == EMITTERS * EACH + 1, "%d events in the file, in order (to %llu)",
	   EMITTERS * EACH, want - 1);
	if (f)
		fclose(f);
	unlink(path);
	trace_destroy(&t);
}

/* A file that cannot be written: the error is kept, told once, and
 * returned again when the file is closed. */
static void file_full(void)
{
	struct trace t;
	struct err e = { "" };
	trace_init(&t);
	if (trace_open_file(&t, "/dev/full", &e)) {
		printf("ok %d # SKIP /dev/full: %s\n", ++tap_n, e.msg);
		trace_destroy(&t);
		return;
	}
	ok(trace_file_error(&t, &e) == 0, "no error before anything is written");
	trace_emit(&t, "os.ready", "vm", "vm0", NULL);
	int rc = trace_close_file(&t, &e);
	is_str(rc ? e.msg : "", "writing the trace to /dev/full: No space left on device",
	       "the write error is reported when the file is closed");
	ok(trace_file_error_news(&t, &e), "and is news once");
	ok(!trace_file_error_news(&t, &e), "but not twice");
	ok(trace_file_error(&t, &e) == -1, "while it stays an error");
	trace_destroy(&t);
}

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

	trace_emit(&t, "vmm.blocked", "vm", "vm0", "gpa", "a\"b\\c\n\xe9", NULL);
	f = open_memstream(&buf, &len);
	trace_get(&t, 3, &ev);
	event_write_json(&ev, f);
	fclose(f);
	ok(strstr(buf, "\"gpa\":\"a\\\"b\\\\c\\n\\u00E9\"") != NULL, "strings escaped: %s", buf);
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
	file_in_order();
	file_full();
	return done_testing();
}
