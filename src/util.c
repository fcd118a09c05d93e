/* util.c — error messages, the monotonic clock and number parsing. */
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int err_set(struct err *e, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static uint64_t clock_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t now_us(void)
{
	/* The first call fixes the epoch; main() calls this early. */
	static uint64_t epoch;
	uint64_t t = clock_us();
	if (!epoch)
		epoch = t - 1;
	return t - epoch;
}

void deadline_in_us(struct timespec *d, uint64_t us)
{
	clock_gettime(CLOCK_MONOTONIC, d);
	d->tv_sec += (time_t)(us / 1000000);
	d->tv_nsec += (long)(us % 1000000) * 1000;
	if (d->tv_nsec >= 1000000000L) {
		d->tv_sec++;
		d->tv_nsec -= 1000000000L;
	}
}

void sleep_ms(uint64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !interrupt_pending())
		;
}

int sleep_interruptible(uint64_t ms, void (*tick)(void *), void *arg)
{
	for (uint64_t left = ms; left; left -= left < 100 ? left : 100) {
		if (interrupt_pending())
			return -1;
		if (tick)
			tick(arg);
		sleep_ms(left < 100 ? left : 100);
	}
	return interrupt_pending() ? -1 : 0;
}

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static volatile sig_atomic_t interrupted, terminating;

void interrupt_raise(void)
{
	interrupted = 1;
}

int interrupt_pending(void)
{
	return interrupted || terminating;
}

void interrupt_clear(void)
{
	interrupted = 0;
}

void terminate_raise(int sig)
{
	terminating = sig;
}

int terminate_pending(void)
{
	return terminating;
}

int thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	/* The new thread inherits the mask in force when it is created. */
	int rc = pthread_sigmask(SIG_BLOCK, &block, &old);
	if (rc)
		return rc;
	rc = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

void strlcpy0(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}
