/* test_tracefile.c — JSON lines back into events: exact round trips, and a
 * clear reason for every kind of bad line. */
#include "tap.h"
#include "tracefile.h"

#include <stdlib.h>
#include <unistd.h>

static bool same_event(const struct event *a, const struct event *b)
{
	if (a->seq != b->seq || a->t_us != b->t_us || strcmp(a->name, b->name) != 0 ||
	    a->claims != b->claims || a->nfields != b->nfields)
		return false;
	for (int i = 0; i < a->nfields; i++)
		if (strcmp(a->field[i].key, b->field[i].key) != 0 ||
		    strcmp(a->field[i].val, b->field[i].val) != 0)
			return false;
	return true;
}

static void set_field(struct event *ev, const char *key, const char *val)
{
	strlcpy0(ev->field[ev->nfields].key, key, EV_KEY_MAX);
	strlcpy0(ev->field[ev->nfields].val, val, EV_VAL_MAX);
	ev->nfields++;
}

/* Written by event_write_json, read back by event_from_json: the same. */
static void round_trip(const struct event *ev, const char *what)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int wrc = event_write_json(ev, f);
	fclose(f);
	struct event back;
	char why[200] = "";
	int rc = event_from_json(buf, len, &back, why, sizeof why);
	ok(wrc == 0 && rc == 0 && same_event(ev, &back), "round trip: %s%s%s", what, rc ? ": " : "",
	   why);
	if (rc || !same_event(ev, &back))
		printf("#   line: %s", buf);
	free(buf);
}

static void round_trips(void)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.seq = 13;
	ev.t_us = 130218;
	strlcpy0(ev.name, "vmm.detach", sizeof ev.name);
	ev.claims = event_claims(ev.name);
	set_field(&ev, "vm", "vm0");
	set_field(&ev, "units", "2-5");
	round_trip(&ev, "an ordinary event");

	memset(&ev, 0, sizeof ev);
	ev.seq = 40;
	strlcpy0(ev.name, "app.resumed", sizeof ev.name);
	ev.claims = event_claims(ev.name);
	set_field(&ev, "app", "db");
	set_field(&ev, "seq", "42");
	set_field(&ev, "t_us", "7");
	round_trip(&ev, "fields named like top-level keys (app_seq)");

	memset(&ev, 0, sizeof ev);
	ev.seq = UINT64_C(1) << 62;
	ev.t_us = (UINT64_C(1) << 63) - 1;
	strlcpy0(ev.name, "vmm.blocked", sizeof ev.name);
	set_field(&ev, "gpa", "\x01\t\n\"\\/\x7f\x80\xc3\xa9\xff end");
	round_trip(&ev, "every kind of byte, no claims, the largest numbers");

	memset(&ev, 0, sizeof ev);
	ev.seq = 1;
	memset(ev.name, 'n', EV_NAME_MAX - 1);
	for (int i = 0; i < EV_MAX_FIELDS; i++) {
		char key[EV_KEY_MAX];
		memset(key, 'a' + i, EV_KEY_MAX - 1);
		key[EV_KEY_MAX - 1] = '\0';
		set_field(&ev, key, "");
		memset(ev.field[i].val, '\xfe', EV_VAL_MAX - 1);
	}
	round_trip(&ev, "the longest name, keys and values, the most fields");
}

/* A line that must be refused, and the start of the reason. */
static void refused(const char *line, const char *want, const char *what)
{
	struct event ev;
	char why[200] = "";
	int rc = event_from_json(line, strlen(line), &ev, why, sizeof why);
	ok(rc == -1 && strncmp(why, want, strlen(want)) == 0, "refused: %s", what);
	if (rc != -1 || strncmp(why, want, strlen(want)) != 0)
		printf("#   got %d '%s', want '%s...'\n", rc, why, want);
}

static void bad_lines(void)
{
	char line[512];
	refused("{\"ev\":\"os.ready\"", "not a JSON object (column", "cut short");
	refused("ev=os.ready", "not a JSON object (column", "not JSON");
	refused("[\"os.ready\"]", "not a JSON object", "an array");
	refused("\"os.ready\"", "not a JSON object", "a string");
	refused("{\"seq\":1,\"vm\":\"vm0\"}", "event without a name (ev)", "no ev");
	refused("{\"ev\":\"\"}", "event without a name (ev)", "an empty ev");
	refused("{\"ev\":5}", "the event name (ev) is not a string", "a number for ev");
	refused("{\"ev\":\"os.ready\",\"vm\":0}", "field 'vm' is not a string",
		"a number for a field");
	refused("{\"ev\":\"os.ready\",\"seq\":-1}", "seq is not a whole number",
		"a negative seq");
	refused("{\"ev\":\"os.ready\",\"t_us\":1.5}", "t_us is not a whole number",
		"a fraction for t_us");
	refused("{\"ev\":\"os.ready\",\"claims\":[10]}",
		"claims is not a list of claim numbers 1-9", "claim 10");
	refused("{\"ev\":\"os.ready\",\"vm\":\"a\",\"vm\":\"b\"}", "not a JSON object (column",
		"a key twice");
	refused("{\"ev\":\"os.ready\",\"vm\":\"\\u0100\"}",
		"field 'vm' has a character beyond U+00FF", "a character no byte stands for");
	refused("{\"ev\":\"os.ready\",\"vm\":\"a\\u0000b\"}", "not a JSON object (column",
		"a NUL in a string");
	refused("{\"ev\":\"os.ready\",\"\":\"x\"}", "a field with an empty name", "an empty key");
	snprintf(line, sizeof line, "{\"ev\":\"%0*d\"}", EV_NAME_MAX, 0);
	refused(line, "event name is longer than 27 bytes", "a name too long");
	snprintf(line, sizeof line, "{\"ev\":\"os.ready\",\"%0*d\":\"x\"}", EV_KEY_MAX, 0);
	refused(line, "field name '0000000000000000' is longer than 15 bytes", "a key too long");
	snprintf(line, sizeof line, "{\"ev\":\"os.ready\",\"vm\":\"%0*d\"}", EV_VAL_MAX, 0);
	refused(line, "field 'vm' is longer than 95 bytes", "a value too long");
	strlcpy0(line, "{\"ev\":\"os.ready\"", sizeof line);
	for (int i = 0; i <= EV_MAX_FIELDS; i++)
		snprintf(line + strlen(line), sizeof line - strlen(line), ",\"f%d\":\"x\"", i);
	strcat(line, "}");
	refused(line, "more than 8 fields (an event holds 8)", "nine fields");

	struct event ev;
	char why[200];
	const char *min = "{\"ev\":\"vmm.lookup\",\"vm\":\"vm0\"}";
	ok(event_from_json(min, strlen(min), &ev, why, sizeof why) == 0 && ev.seq == 0 &&
	   ev.t_us == 0 && ev.claims == event_claims("vmm.lookup") && ev.nfields == 1,
	   "only ev: no seq, no time, the vocabulary's claims");
}

static char *temp_file(const char *text)
{
	static char path[64];
	strlcpy0(path, "/tmp/vmfo-test-tracefile-XXXXXX", sizeof path);
	int fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	size_t len = strlen(text);
	bool whole = write(fd, text, len) == (ssize_t)len;
	close(fd);
	return whole ? path : NULL;
}

static void files(void)
{
	struct err e = { "" };
	size_t n = 99;
	char *path = temp_file("");
	struct event *ev = path ? trace_read_jsonl(path, &n, &e) : NULL;
	ok(ev && n == 0, "an empty file: no events");
	free(ev);
	if (path)
		unlink(path);

	path = temp_file("{\"ev\":\"os.ready\",\"seq\":7}\n\n  \r\n{\"ev\":\"os.ready\"}");
	ev = path ? trace_read_jsonl(path, &n, &e) : NULL;
	ok(ev && n == 2 && ev[0].seq == 7 && ev[1].seq == 2,
	   "blank lines skipped, no newline at the end, a missing seq is the event's place");
	free(ev);
	if (path)
		unlink(path);

	path = temp_file("{\"ev\":\"os.ready\"}\n\n{\"vm\":\"vm0\"}\n");
	ev = path ? trace_read_jsonl(path, &n, &e) : NULL;
	char want[128];
	snprintf(want, sizeof want, "%s:3: event without a name (ev)", path ? path : "?");
	ok(!ev, "a bad line fails the file");
	is_str(e.msg, want, "the error names the file and the line");
	free(ev);
	if (path)
		unlink(path);

	ev = trace_read_jsonl("/nonexistent/t.jsonl", &n, &e);
	ok(!ev, "a missing file fails");
	is_str(e.msg, "cannot read trace file '/nonexistent/t.jsonl': No such file or directory",
	       "and says so");
}

int main(void)
{
	round_trips();
	bad_lines();
	files();
	return done_testing();
}
