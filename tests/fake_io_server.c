/* fake_io_server.c — for tests/client.sh: a served app without KVM. It
 * listens on a Unix socket and speaks the clients' line protocol
 * (docs/protocol.md, "The clients' line protocol") over a ledger or a kv
 * store in memory; options make it misbehave in the ways the history
 * checker must catch:
 *   --lose-every N         every Nth write is acknowledged and not kept:
 *                          a ledger entry reads back as transaction 0, a
 *                          kv key keeps its old value at the new version
 *   --answer-twice N       every Nth answer is sent twice
 *   --unavailable-first N  the first N requests are answered unavailable
 *   --silent-at N          the Nth request is applied and never answered
 * The socket appears (renamed into place) once it listens, so a test can
 * wait for the file. It exits when its parent does.
 * usage: fake_io_server SOCKET ledger|kv [OPTION N]... */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CONNS 128
#define KV_KEYS 1024
#define LINE_MAX_BYTES 255

struct options {
	bool kv;
	uint64_t lose_every, answer_twice, unavailable_first, silent_at;
};

struct conn {
	int fd;
	char buf[1024];
	size_t len;
};

static struct options opt;
static uint64_t requests, writes, answers;
static uint64_t *ledger, nledger, capledger; /* ledger[seq - 1]: its transaction */
static uint64_t version[KV_KEYS], value[KV_KEYS];

static void die(const char *what)
{
	fprintf(stderr, "fake_io_server: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Every nth of count (n = 0: never). */
static bool every(uint64_t n, uint64_t count)
{
	return n && count % n == 0;
}

static bool number(const char *s, uint64_t *out)
{
	char *end;
	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !errno && !*end;
}

static void append(uint64_t tx, char *answer, size_t size)
{
	if (nledger == capledger) {
		capledger = capledger ? 2 * capledger : 1024;
		ledger = realloc(ledger, capledger * sizeof *ledger);
		if (!ledger)
			die("growing the ledger");
	}
	ledger[nledger++] = every(opt.lose_every, ++writes) ? 0 : tx;
	snprintf(answer, size, "ok %" PRIu64, nledger);
}

static void read_seq(uint64_t seq, char *answer, size_t size)
{
	if (seq == 0 || seq > nledger)
		snprintf(answer, size, "err refused none");
	else
		snprintf(answer, size, "ok %" PRIu64 " %" PRIu64, seq, ledger[seq - 1]);
}

static void put(uint64_t key, uint64_t val, char *answer, size_t size)
{
	version[key]++;
	if (!every(opt.lose_every, ++writes))
		value[key] = val;
	snprintf(answer, size, "ok %" PRIu64, version[key]);
}

/* The answer to "OP ARGS" (after the id), without the id. */
static void apply(char *request, char *answer, size_t size)
{
	char *save, *op = strtok_r(request, " ", &save);
	char *a = strtok_r(NULL, " ", &save), *b = strtok_r(NULL, " ", &save);
	uint64_t x, y;
	bool one = number(a, &x) && !b, two = number(a, &x) && number(b, &y);
	if (!op || strtok_r(NULL, " ", &save))
		snprintf(answer, size, "err refused malformed");
	else if (!opt.kv && !strcmp(op, "append") && one)
		append(x, answer, size);
	else if (!opt.kv && !strcmp(op, "read") && one)
		read_seq(x, answer, size);
	else if (opt.kv && (!strcmp(op, "put") ? two : !strcmp(op, "get") && one) && x >= KV_KEYS)
		snprintf(answer, size, "err refused range");
	else if (opt.kv && !strcmp(op, "put") && two)
		put(x, y, answer, size);
	else if (opt.kv && !strcmp(op, "get") && one)
		snprintf(answer, size, "ok %" PRIu64 " %" PRIu64, version[x], value[x]);
	else
		snprintf(answer, size, "err refused malformed");
}

/* Send the whole text; false when the client is gone. */
static bool send_all(int fd, const char *text)
{
	for (size_t len = strlen(text), done = 0; done < len;) {
		ssize_t n = send(fd, text + done, len - done, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

/* One request line; false when the answer could not be sent. */
static bool serve_line(int fd, char *line)
{
	char answer[LINE_MAX_BYTES + 1], out[2 * (LINE_MAX_BYTES + 2)];
	size_t idlen = strspn(line, "0123456789");
	if (!idlen || line[idlen] != ' ')
		return send_all(fd, "0 err refused malformed\n");
	line[idlen] = '\0';
	requests++;
	if (requests <= opt.unavailable_first)
		snprintf(answer, sizeof answer, "err unavailable detached");
	else
		apply(line + idlen + 1, answer, sizeof answer);
	if (requests == opt.silent_at)
		return true;
	int n = snprintf(out, sizeof out, "%s %s\n", line, answer);
	if (every(opt.answer_twice, ++answers))
		snprintf(out + n, sizeof out - (size_t)n, "%s %s\n", line, answer);
	return send_all(fd, out);
}

/* Read what the client sent and answer each whole line; false when the
 * connection is to be closed. */
static bool serve_conn(struct conn *c)
{
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len - 1, 0);
	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	c->len += (size_t)n;
	char *nl;
	while ((nl = memchr(c->buf, '\n', c->len))) {
		*nl = '\0';
		if (!serve_line(c->fd, c->buf))
			return false;
		c->len -= (size_t)(nl + 1 - c->buf);
		memmove(c->buf, nl + 1, c->len);
	}
	return c->len < sizeof c->buf - 1; /* a line too long: hang up */
}

static int listen_at(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char tmp[sizeof addr.sun_path];
	if (snprintf(tmp, sizeof tmp, "%s.new", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		die(path);
	}
	memcpy(addr.sun_path, tmp, sizeof tmp);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	unlink(tmp); /* a socket left by an earlier run, if any */
	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
		die(tmp);
	if (listen(fd, 64) < 0)
		die("listen");
	if (rename(tmp, path) < 0)
		die(path);
	return fd;
}

static void parse_options(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[2], "ledger") && strcmp(argv[2], "kv"))) {
		fprintf(stderr, "usage: fake_io_server SOCKET ledger|kv [--lose-every N] "
				"[--answer-twice N] [--unavailable-first N] [--silent-at N]\n");
		exit(2);
	}
	opt.kv = strcmp(argv[2], "kv") == 0;
	for (int i = 3; i < argc; i += 2) {
		uint64_t *dst = !strcmp(argv[i], "--lose-every")          ? &opt.lose_every
				: !strcmp(argv[i], "--answer-twice")      ? &opt.answer_twice
				: !strcmp(argv[i], "--unavailable-first") ? &opt.unavailable_first
				: !strcmp(argv[i], "--silent-at")         ? &opt.silent_at
									  : NULL;
		if (!dst || i + 1 == argc || !number(argv[i + 1], dst)) {
			fprintf(stderr, "fake_io_server: bad option '%s'\n", argv[i]);
			exit(2);
		}
	}
}

static void accept_client(int lfd, struct conn *conns, size_t *n)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EINTR || errno == ECONNABORTED)
			return;
		die("accept");
	}
	const char *greeting = opt.kv ? "vmfo-io 1 app fake program kv ops put,get\n"
				      : "vmfo-io 1 app fake program ledger ops append,read\n";
	if (*n == MAX_CONNS || !send_all(fd, greeting)) {
		close(fd);
		return;
	}
	conns[(*n)++] = (struct conn){ .fd = fd };
}

int main(int argc, char **argv)
{
	parse_options(argc, argv);
	pid_t parent = getppid();
	int lfd = listen_at(argv[1]);
	static struct conn conns[MAX_CONNS];
	size_t n = 0;
	while (getppid() == parent) {
		struct pollfd p[MAX_CONNS + 1] = { { .fd = lfd, .events = POLLIN } };
		for (size_t i = 0; i < n; i++)
			p[i + 1] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
		int ready = poll(p, n + 1, 100);
		if (ready < 0 && errno != EINTR)
			die("poll");
		for (size_t i = n; ready > 0 && i-- > 0;)
			if (p[i + 1].revents && !serve_conn(&conns[i])) {
				close(conns[i].fd);
				conns[i] = conns[--n];
			}
		if (ready > 0 && p[0].revents)
			accept_client(lfd, conns, &n);
	}
	unlink(argv[1]);
	return 0;
}
