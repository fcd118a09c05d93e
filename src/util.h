/* util.h — small shared helpers: error messages, clocks, string bounds. */
#ifndef VMFO_UTIL_H
#define VMFO_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MB ((uint64_t)1 << 20)

/* An error message travelling back to whoever can show it to the user.
 * Library code fills it and returns -1; front ends print "error: <msg>". */
struct err {
	char msg[256];
};

/* Format into e (when non-NULL) and return -1, so callers can write
 * `return err_set(e, "...")`. */
int err_set(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Microseconds on the monotonic clock since the process started. */
uint64_t now_us(void);

/* CLOCK_MONOTONIC time us microseconds from now (for timed waits on
 * condition variables made with that clock). */
void deadline_in_us(struct timespec *d, uint64_t us);
void sleep_ms(uint64_t ms);
/* Sleep ms in slices of at most 100 ms, calling tick(arg) (if given) before
 * each; -1 as soon as Ctrl-C is pressed, else 0. */
int sleep_interruptible(uint64_t ms, void (*tick)(void *), void *arg);

/* Parse a whole decimal number in [min, max]; -1 on junk or out of range. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Ctrl-C: the SIGINT handler only raises a flag; waits, sleeps and Lua
 * scripts look at it at their next safe point. */
void interrupt_raise(void);
int interrupt_pending(void);
void interrupt_clear(void);
/* SIGTERM and SIGHUP: the handler records the signal, which also counts as
 * an interrupt that interrupt_clear() does not clear, so that everything
 * unwinds to main() and vmfo shuts down cleanly. terminate_pending() is
 * the signal's number, or 0. */
void terminate_raise(int sig);
int terminate_pending(void);

/* pthread_create() for the VMM's own threads, with SIGINT, SIGTERM and
 * SIGHUP blocked in the new thread: those are for the main thread, whose
 * poll(), read() or sleep they must interrupt. */
int thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

/* Copy with truncation, always NUL-terminated. */
void strlcpy0(char *dst, const char *src, size_t size);

#endif
