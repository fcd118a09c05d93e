/* client_conn.c — one client's connection to a served app: connecting,
 * the greeting, sending a request line and reading answer lines against a
 * deadline. */
#include "client_int.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* "vmfo-io 1 app db program ledger ops append,read": 0, or -1 (e set). */
static int parse_greeting(const char *line, const char *path, struct greeting *g,
			  struct err *e)
{
	unsigned version;
	char ops[64];
	int end = 0;
	if (sscanf(line, "vmfo-io %u app %15s program %15s ops %63s%n", &version, g->app,
		   g->program, ops, &end) != 4 || line[end] || version != 1)
		return err_set(e, "%s: the greeting '%.60s' is not vmfo-io 1", path, line);
	if (strcmp(g->program, "ledger") && strcmp(g->program, "kv"))
		return err_set(e, "%s: the app's program '%s' is neither ledger nor kv", path,
			       g->program);
	g->kv = strcmp(g->program, "kv") == 0;
	return 0;
}

static int connect_socket(const char *path, struct err *e)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof addr.sun_path)
		return err_set(e, "cannot connect to %s: the path is longer than %zu bytes", path,
			       sizeof addr.sun_path - 1);
	strlcpy0(addr.sun_path, path, sizeof addr.sun_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(e, "cannot connect to %s: socket: %s", path, strerror(errno));
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		err_set(e, "cannot connect to %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int conn_open(struct conn *c, const char *path, uint64_t timeout_ms, struct greeting *g,
	      struct err *e)
{
	char line[LINE_MAX_BYTES + 1], why[128];
	c->len = 0;
	c->fd = connect_socket(path, e);
	if (c->fd < 0)
		return -1;
	int rc = conn_read_line(c, now_us() + timeout_ms * 1000, line, why, sizeof why);
	if (rc == 1)
		err_set(e, "%s: no greeting within %llu ms", path, (unsigned long long)timeout_ms);
	else if (rc < 0)
		err_set(e, "%s: reading the greeting: %s", path, why);
	else
		rc = parse_greeting(line, path, g, e);
	if (rc)
		conn_close(c);
	return rc ? -1 : 0;
}

void conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
}

int conn_send(struct conn *c, const char *line, char *why, size_t whylen)
{
	size_t len = strlen(line), done = 0;
	while (done < len) {
		/* MSG_NOSIGNAL: a server gone away is an error here, not SIGPIPE. */
		ssize_t n = send(c->fd, line + done, len - done, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, whylen, "sending: %s", strerror(errno));
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

/* The first line in the buffer into line (without its newline): 1, 0
 * when the buffer holds no whole line yet, -1 for a line too long. */
static int take_line(struct conn *c, char *line)
{
	char *nl = memchr(c->buf, '\n', c->len);
	if (!nl)
		return c->len > LINE_MAX_BYTES ? -1 : 0;
	size_t n = (size_t)(nl - c->buf);
	if (n > LINE_MAX_BYTES)
		return -1;
	memcpy(line, c->buf, n);
	line[n] = '\0';
	if (n && line[n - 1] == '\r')
		line[n - 1] = '\0';
	c->len -= n + 1;
	memmove(c->buf, nl + 1, c->len);
	return 1;
}

/* Wait until the socket is readable or the deadline passes: 1 readable,
 * 0 deadline, -1 (why set) poll failed. */
static int wait_readable(int fd, uint64_t deadline_us, char *why, size_t whylen)
{
	for (;;) {
		uint64_t now = now_us();
		if (now >= deadline_us)
			return 0;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ms = (int)((deadline_us - now + 999) / 1000);
		int n = poll(&p, 1, ms);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR) {
			snprintf(why, whylen, "poll: %s", strerror(errno));
			return -1;
		}
	}
}

int conn_read_line(struct conn *c, uint64_t deadline_us, char *line, char *why, size_t whylen)
{
	int got;
	while ((got = take_line(c, line)) != 1) {
		if (got < 0) {
			snprintf(why, whylen, "a line longer than %d bytes", LINE_MAX_BYTES);
			return -1;
		}
		int rc = wait_readable(c->fd, deadline_us, why, whylen);
		if (rc <= 0)
			return rc == 0 ? 1 : -1;
		ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
		if (n == 0) {
			snprintf(why, whylen, "connection closed");
			return -1;
		}
		if (n < 0 && errno != EINTR && errno != EAGAIN) {
			snprintf(why, whylen, "reading: %s", strerror(errno));
			return -1;
		}
		if (n > 0)
			c->len += (size_t)n;
	}
	return 0;
}
