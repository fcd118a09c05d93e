/* cmd_io.c — the commands of the I/O control unit: `serve` puts an app's
 * channel on a Unix socket, `client` drives clients against one and
 * records what they saw (docs/protocol.md, "The I/O control unit"). */
#include "cmd_verbs.h"

#include <string.h>

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
		return serve_stop(argv[2], &e) ? cmd_fail(c, "%s", e.msg) : 0;
	if (serve_start(c->m, argv[1], argv[2], &e))
		return cmd_fail(c, "%s", e.msg);
	fprintf(c->out, "serving %s on %s: its I/O channel is row %s.io of the table\n", argv[1],
		argv[2], argv[1]);
	return 0;
}
