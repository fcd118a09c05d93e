/* serve.c — an app's I/O channel on a Unix-domain socket (serve.h). One
 * thread per server accepts; one thread per connection reads a request
 * line, carries it through the typed API (vmfo_io_call, which waits for
 * the app's answer) and writes the answer line. Requests on one connection
 * are answered in order; clients run concurrently on their own
 * connections. */
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "abi.h"

#define LINE_BYTES 256 /* a request line, its newline included */

/* The line protocol's requests: the one list the parser, the greeting and
 * the error messages use. */
static const struct {
	const char *word;
	uint32_t op;
	int nargs;
	const char *prog; /* the program that serves it */
	const char *usage;
} requests[] = {
	{ "append", VMFO_IO_APPEND, 1, "ledger", "ID append TX" },
	{ "read", VMFO_IO_READ, 1, "ledger", "ID read SEQ" },
	{ "put", VMFO_IO_PUT, 2, "kv", "ID put KEY VALUE" },
	{ "get", VMFO_IO_GET, 1, "kv", "ID get KEY" },
};
#define NREQUESTS (sizeof requests / sizeof requests[0])

struct server;

struct conn {
	int fd;
	pthread_t thread;
	atomic_bool done;
	struct server *srv;
	struct conn *next;
};

struct server {
	bool used;
	struct vmfo *m;
	char app[APP_NAME_MAX];
	char prog[16];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;      /* listening */
	int wake[2]; /* a pipe: written when a connection ends, and to stop */
	atomic_bool stopping;
	pthread_t acceptor;
	pthread_mutex_t lock; /* conns */
	struct conn *conns;
	atomic_uint_fast64_t served, connected;
};

/* Used by the console's thread only; each server's own threads touch only
 * their server. */
static struct server servers[MAX_APPS];
static char private_dir[256]; /* serve_private_path's, once made */

static struct server *server_of(const char *app)
{
	for (size_t i = 0; i < MAX_APPS; i++)
		if (servers[i].used && strcmp(servers[i].app, app) == 0)
			return &servers[i];
	return NULL;
}

/* ---- one connection ---- */

static bool send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* What prog serves, the words joined by sep: "append,read" for the
 * greeting, "append and read" for an error line. */
static void ops_of(const char *prog, const char *sep, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < NREQUESTS && len < size; i++)
		if (strcmp(requests[i].prog, prog) == 0)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? sep : "",
						requests[i].word);
}

static void greeting(const struct server *s, char *buf, size_t size)
{
	char ops[64];
	ops_of(s->prog, ",", ops, sizeof ops);
	snprintf(buf, size, "vmfo-io 1 app %s program %s ops%s%s\n", s->app, s->prog,
		 ops[0] ? " " : "", ops);
}

/* One request line in, one answer line out (without its newline). */
static void answer_line(struct server *s, char *line, char *out, size_t size)
{
	char *save, *word[4];
	int n = 0;
	for (char *w = strtok_r(line, " \t\r", &save); w && n < 4; w = strtok_r(NULL, " \t\r", &save))
		word[n++] = w;
	uint64_t id, arg[2] = { 0, 0 };
	if (n < 2 || parse_u64(word[0], 0, UINT64_MAX, &id)) {
		snprintf(out, size, "0 err refused usage: ID OP ARGS..., ID a number");
		return;
	}
	size_t r = 0;
	while (r < NREQUESTS && !(strcmp(requests[r].word, word[1]) == 0 &&
				  strcmp(requests[r].prog, s->prog) == 0))
		r++;
	if (r == NREQUESTS) {
		char ops[64];
		ops_of(s->prog, " and ", ops, sizeof ops);
		snprintf(out, size, "%" PRIu64 " err refused %s serves %s", id, s->prog, ops);
		return;
	}
	bool bad = n != 2 + requests[r].nargs;
	for (int i = 0; i < requests[r].nargs && !bad; i++)
		bad = parse_u64(word[2 + i], 0, UINT64_MAX, &arg[i]) != 0;
	if (bad) {
		snprintf(out, size, "%" PRIu64 " err refused usage: %s", id, requests[r].usage);
		return;
	}
	uint32_t op = requests[r].op;
	struct io_answer a;
	uint64_t key = op == VMFO_IO_APPEND ? 0 : arg[0];
	uint64_t value = op == VMFO_IO_APPEND ? arg[0] : arg[1];
	vmfo_io_call(s->m, s->app, op, key, value, SERVE_TIMEOUT_MS, &a);
	atomic_fetch_add(&s->served, 1);
	if (a.cls != IO_OK)
		snprintf(out, size, "%" PRIu64 " err %s %s", id, io_class_name(a.cls), a.why);
	else if (op == VMFO_IO_READ || op == VMFO_IO_GET)
		snprintf(out, size, "%" PRIu64 " ok %" PRIu64 " %" PRIu64, id, a.seq, a.value);
	else
		snprintf(out, size, "%" PRIu64 " ok %" PRIu64, id, a.seq);
}

/* Answer every whole line in buf[0..*len); keep the rest. false when the
 * connection should close (a line too long, the client gone). */
static bool serve_lines(struct conn *c, char *buf, size_t *len)
{
	char out[LINE_BYTES + 64];
	char *nl;
	while ((nl = memchr(buf, '\n', *len))) {
		*nl = '\0';
		answer_line(c->srv, buf, out, sizeof out - 1);
		strcat(out, "\n");
		if (!send_all(c->fd, out, strlen(out)))
			return false;
		*len -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, *len);
	}
	if (*len >= LINE_BYTES - 1) {
		const char *why = "0 err refused a line is at most 255 bytes\n";
		send_all(c->fd, why, strlen(why));
		return false;
	}
	return true;
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;
	char buf[LINE_BYTES];
	size_t len = 0;
	greeting(c->srv, buf, sizeof buf);
	bool ok = send_all(c->fd, buf, strlen(buf));
	while (ok) {
		ssize_t n = recv(c->fd, buf + len, sizeof buf - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		ok = serve_lines(c, buf, &len);
	}
	atomic_store(&c->done, true);
	/* The acceptor reaps it now, not at its next poll timeout: its
	 * descriptor is given back while the session goes on. */
	if (write(c->srv->wake[1], "r", 1) < 0)
		return NULL; /* the pipe is full: a reap is due anyway */
	return NULL;
}

/* ---- the acceptor ---- */

static void reap(struct server *s, bool all)
{
	pthread_mutex_lock(&s->lock);
	for (struct conn **at = &s->conns; *at;) {
		struct conn *c = *at;
		if (!all && !atomic_load(&c->done)) {
			at = &c->next;
			continue;
		}
		shutdown(c->fd, SHUT_RDWR); /* wakes a connection still reading */
		pthread_join(c->thread, NULL);
		close(c->fd);
		*at = c->next;
		free(c);
		atomic_fetch_sub(&s->connected, 1);
	}
	pthread_mutex_unlock(&s->lock);
}

static void accept_one(struct server *s)
{
	int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return; /* the client went away first, or EMFILE: it may retry */
	struct conn *c = calloc(1, sizeof *c);
	if (!c) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->srv = s;
	if (thread_start(&c->thread, conn_main, c)) {
		close(fd);
		free(c);
		return;
	}
	pthread_mutex_lock(&s->lock);
	c->next = s->conns;
	s->conns = c;
	pthread_mutex_unlock(&s->lock);
	atomic_fetch_add(&s->connected, 1);
}

static void *acceptor_main(void *arg)
{
	struct server *s = arg;
	struct pollfd p[2] = { { .fd = s->fd, .events = POLLIN }, { .fd = s->wake[0], .events = POLLIN } };
	char drain[64];
	while (!atomic_load(&s->stopping)) {
		if (poll(p, 2, 1000) < 0 && errno != EINTR)
			break;
		if ((p[1].revents & POLLIN) && read(s->wake[0], drain, sizeof drain) < 0 &&
		    errno != EAGAIN && errno != EINTR)
			break;
		if (p[0].revents & POLLIN)
			accept_one(s);
		reap(s, false);
	}
	return NULL;
}

/* ---- starting and stopping ---- */

static int listen_on(struct server *s, struct err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	strlcpy0(sa.sun_path, s->path, sizeof sa.sun_path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return err_set(e, "serve: socket: %s", strerror(errno));
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof sa) || listen(s->fd, 64)) {
		int err = errno;
		close(s->fd);
		return err_set(e, "serve: cannot listen on %s: %s", s->path, strerror(err));
	}
	if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK)) {
		int err = errno;
		close(s->fd);
		unlink(s->path);
		return err_set(e, "serve: pipe: %s", strerror(err));
	}
	return 0;
}

static void stop(struct server *s)
{
	struct err ignored;
	/* The channel first: requests waiting in it fail at once, so that no
	 * connection thread sits out its timeout. */
	vmfo_io_close(s->m, s->app, &ignored);
	atomic_store(&s->stopping, true);
	if (write(s->wake[1], "x", 1) < 0)
		shutdown(s->fd, SHUT_RDWR); /* poll wakes on that too */
	pthread_join(s->acceptor, NULL);
	reap(s, true);
	close(s->fd);
	close(s->wake[0]);
	close(s->wake[1]);
	unlink(s->path);
	pthread_mutex_destroy(&s->lock);
	s->used = false;
}

int serve_start(struct vmfo *m, const char *app, const char *path, struct err *e)
{
	struct err ignored;
	struct vmfo_snapshot *snap = malloc(sizeof *snap);
	struct server *s = NULL;
	for (size_t i = 0; i < MAX_APPS && !s; i++)
		s = servers[i].used ? NULL : &servers[i];
	if (!snap)
		return err_set(e, "serve: out of memory");
	if (!s) {
		free(snap);
		return err_set(e, "serve: %d apps are served already", MAX_APPS);
	}
	vmfo_snapshot(m, snap);
	const struct vmfo_app_view *a = vmfo_snapshot_app(snap, app);
	char prog[16] = "";
	if (a)
		strlcpy0(prog, a->prog, sizeof prog);
	int rc = 0;
	/* A server whose channel closed (a reset, an app not taken over)
	 * serves nothing: a new one for that name takes its place. */
	struct server *stale = server_of(app);
	if (stale && a && a->io_open)
		rc = err_set(e, "serve: %s is served already ('serve off %s' first)", app, app);
	else if (stale)
		stop(stale); /* its socket goes too: that path may be served again */
	if (!rc && strlen(path) >= sizeof s->path)
		rc = err_set(e, "serve: the socket path is longer than %zu bytes", sizeof s->path - 1);
	else if (!rc && access(path, F_OK) == 0)
		rc = err_set(e, "serve: %s exists: give a path that does not", path);
	free(snap);
	if (rc)
		return -1;
	*s = (struct server){ .m = m };
	strlcpy0(s->prog, prog, sizeof s->prog);
	strlcpy0(s->app, app, sizeof s->app);
	strlcpy0(s->path, path, sizeof s->path);
	if (vmfo_io_open(m, app, e))
		return -1;
	if (listen_on(s, e)) {
		vmfo_io_close(m, app, &ignored);
		return -1;
	}
	pthread_mutex_init(&s->lock, NULL);
	int err = thread_start(&s->acceptor, acceptor_main, s);
	if (err) {
		close(s->fd);
		close(s->wake[0]);
		close(s->wake[1]);
		unlink(s->path);
		vmfo_io_close(m, app, &ignored);
		return err_set(e, "serve: starting its thread: %s", strerror(err));
	}
	s->used = true;
	return 0;
}

int serve_stop(const char *app, struct err *e)
{
	struct server *s = server_of(app);
	if (!s)
		return err_set(e, "serve: %s is not served", app);
	stop(s);
	return 0;
}

void serve_stop_all(void)
{
	for (size_t i = 0; i < MAX_APPS; i++)
		if (servers[i].used)
			stop(&servers[i]);
	if (private_dir[0] && rmdir(private_dir) == 0)
		private_dir[0] = '\0'; /* else a history kept for the user is in it */
}

int serve_private_path(const char *name, char *buf, size_t size, struct err *e)
{
	if (!private_dir[0]) {
		/* A socket's whole path must fit in 108 bytes: a long TMPDIR
		 * would leave no room for the names in it. */
		const char *tmp = getenv("TMPDIR");
		if (!tmp || !*tmp || strlen(tmp) > 64)
			tmp = "/tmp";
		snprintf(private_dir, sizeof private_dir, "%s/vmfo-io-XXXXXX", tmp);
		if (!mkdtemp(private_dir)) {
			int err = errno;
			private_dir[0] = '\0';
			return err_set(e, "cannot make a directory for sockets: %s", strerror(err));
		}
	}
	if ((size_t)snprintf(buf, size, "%s/%s", private_dir, name) >= size)
		return err_set(e, "the path for '%s' is too long", name);
	return 0;
}

int serve_describe(char *buf, size_t size)
{
	size_t len = 0;
	int n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < MAX_APPS && len < size; i++) {
		const struct server *s = &servers[i];
		if (!s->used)
			continue;
		n++;
		len += (size_t)snprintf(buf + len, size - len,
					"%s on %s, %" PRIuFAST64 " clients connected, %" PRIuFAST64
					" requests served\n",
					s->app, s->path, atomic_load(&s->connected), atomic_load(&s->served));
	}
	return n;
}
