/* cmd_io.c — the commands of the I/O control unit: `serve` puts an app's
 * channel on a Unix socket, `client` drives clients against one and
 * records what they saw (docs/protocol.md, "The I/O control unit"). */
#include "cmd_verbs.h"

#include <inttypes.h>
#include <string.h>

#include "client.h"
#include "history.h"
#include "serve.h"

int cmd_serve(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	if (argc == 1) {
		char text[MAX_APPS * 160];
		if (serve_describe(text, sizeof text) == 0)
			fprintf(c->out, "no app is served ('serve APP SOCKET' serves one)\n");
		else
			fputs(text, c->out);
		return 0;
	}
	if (argc != 3)
		return cmd_usage(c, "serve");
	if (strcmp(argv[1], "off") == 0)
		return serve_stop(argv[2], &e) ? cmd_fail_err(c, &e) : 0;
	if (serve_start(c->m, argv[1], argv[2], &e))
		return cmd_fail_err(c, &e);
	fprintf(c->out, "serving %s on %s: its I/O channel is row %s.io of the table\n", argv[1],
		argv[2], argv[1]);
	return 0;
}

/* ---- client ---- */

/* The console's clients: one run at a time, from 'client start' to
 * 'client stop' (or the end of the session). */
static struct client_run *run;
static char run_history[256];

/* One word of 'client start': clients=N, ms=T, keys=K, timeout=MS,
 * history=FILE. */
static int client_option(struct client_opts *o, const char *word, struct err *e)
{
	static const struct {
		const char *name;
		uint64_t min, max;
	} numbers[] = {
		{ "clients", 1, 64 }, { "ms", 0, 3600000 }, { "keys", 1, 1000000 },
		{ "timeout", 1, 600000 }, { "seed", 0, UINT64_MAX },
	};
	const char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : 0;
	if (eq && len == 7 && strncmp(word, "history", 7) == 0) {
		strlcpy0(run_history, eq + 1, sizeof run_history);
		o->history = run_history;
		return 0;
	}
	for (size_t i = 0; eq && i < sizeof numbers / sizeof numbers[0]; i++) {
		if (strlen(numbers[i].name) != len || strncmp(word, numbers[i].name, len) != 0)
			continue;
		uint64_t v;
		if (parse_u64(eq + 1, numbers[i].min, numbers[i].max, &v))
			return err_set(e, "client: %s must be a number from %" PRIu64 " to %" PRIu64,
				       numbers[i].name, numbers[i].min, numbers[i].max);
		if (i == 0)
			o->clients = (unsigned)v;
		else if (i == 1)
			o->ms = v;
		else if (i == 2)
			o->keys = (unsigned)v;
		else if (i == 3)
			o->timeout_ms = v;
		else
			o->seed = v;
		return 0;
	}
	return err_set(e, "client: unknown option '%s' (clients=, ms=, keys=, timeout=, seed=, "
		       "history=)", word);
}

static int client_begin(struct cmd_ctx *c, int argc, char **argv)
{
	struct err e;
	struct client_opts o;
	if (run)
		return cmd_fail(c, "client: clients are running already ('client stop' first)");
	client_defaults(&o);
	o.ms = 0; /* at the console: until 'client stop' */
	o.timeout_ms = SERVE_CLIENT_WAIT_MS;
	o.history = NULL;
	o.socket = argv[2];
	for (int i = 3; i < argc; i++)
		if (client_option(&o, argv[i], &e))
			return cmd_fail_err(c, &e);
	run = client_start(&o, &e);
	if (!run)
		return cmd_fail_err(c, &e);
	fprintf(c->out, "%u clients on %s%s%s\n", o.clients, o.socket,
		o.history ? ", history to " : "", o.history ? o.history : "");
	return 0;
}

int cmd_client_stop_all(struct cmd_ctx *c)
{
	struct err e;
	struct client_summary s;
	char line[256];
	if (!run)
		return 0;
	int rc = client_finish(run, &s, &e);
	run = NULL;
	client_summary_format(&s, line, sizeof line);
	fprintf(c->out, "%s\n", line);
	return rc ? cmd_fail_err(c, &e) : 0;
}

int cmd_client(struct cmd_ctx *c, int argc, char **argv)
{
	if (argc == 1) {
		fprintf(c->out, "%s\n", !run ? "no clients are running"
				       : client_running(run) ? "clients are running ('client stop' ends them)"
							     : "the clients are done ('client stop' collects them)");
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "start") == 0)
		return client_begin(c, argc, argv);
	if (argc == 2 && strcmp(argv[1], "stop") == 0)
		return run ? cmd_client_stop_all(c) : cmd_fail(c, "client: no clients are running");
	return cmd_usage(c, "client");
}

int cmd_check_history(struct cmd_ctx *c, const char *path)
{
	struct err e;
	struct history_verdict v;
	int rc = history_check(path, c->out, &v, &e);
	if (rc < 0)
		return cmd_fail_err(c, &e);
	return rc ? cmd_fail(c, "the history shows %" PRIu64 " acknowledged writes lost and %" PRIu64
			     " answered twice", v.lost, v.twice) : 0;
}

int cmd_end(struct cmd_ctx *c)
{
	int rc = cmd_client_stop_all(c);
	serve_stop_all();
	return rc;
}
