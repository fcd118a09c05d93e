/* stall_reader.c — for tests/robust.sh: the reader of a FIFO that reads
 * nothing until it is told to. It opens FIFO, fills the pipe so that the
 * next writer's first write() blocks, prints "ready" on stderr, waits until
 * the file GO exists, then copies everything written after its own filler
 * to stdout, until the last writer closes the FIFO.
 * usage: stall_reader FIFO GO */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int die(const char *what, const char *name)
{
	fprintf(stderr, "stall_reader: %s %s: %s\n", what, name, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: stall_reader FIFO GO\n");
		return 2;
	}
	/* Non-blocking, so that neither open waits for the other end. */
	int rfd = open(argv[1], O_RDONLY | O_NONBLOCK);
	if (rfd < 0)
		return die("opening", argv[1]);
	int wfd = open(argv[1], O_WRONLY | O_NONBLOCK);
	if (wfd < 0)
		return die("opening for the filler", argv[1]);
	/* Whole pages first, then single bytes for any room left. */
	static char page[4096];
	memset(page, '#', sizeof page);
	size_t filler = 0;
	for (size_t chunk = sizeof page; chunk; chunk = chunk > 1 ? 1 : 0) {
		ssize_t n;
		while ((n = write(wfd, page, chunk)) > 0)
			filler += (size_t)n;
		if (errno != EAGAIN)
			return die("filling", argv[1]);
	}
	close(wfd);
	fprintf(stderr, "ready\n");

	while (access(argv[2], F_OK) != 0) {
		struct timespec ts = { 0, 10 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (fcntl(rfd, F_SETFL, 0) < 0)
		return die("making blocking", argv[1]);
	char buf[65536];
	for (;;) {
		ssize_t n = read(rfd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return die("reading", argv[1]);
		if (n == 0)
			break;
		size_t skip = filler < (size_t)n ? filler : (size_t)n;
		filler -= skip;
		if (fwrite(buf + skip, 1, (size_t)n - skip, stdout) != (size_t)n - skip)
			return die("writing", "stdout");
	}
	return fclose(stdout) == 0 ? 0 : die("closing", "stdout");
}
