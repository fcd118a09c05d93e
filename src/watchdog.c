/* watchdog.c — declares an OS hung when it showed no heartbeat for --miss
 * periods of the time it really had (claim 9's OS fault detecting routine).
 *
 * The heartbeat costs the guest nothing it would not do anyway: at each
 * look the VMM reads, where they lie in memory, the OS's pulse (bumped at
 * every entry to its kernel) and the progress counters of the apps it
 * runs, which they advance in ring 3 as they work. Only an OS that shows
 * neither for half the bound is sent a doorbell, an interrupt that makes a
 * live kernel run and bump its pulse; a hung one (interrupts off, halted)
 * stays silent. A heartbeat sent by a timer handler would run emulated
 * CPL0 code every period on nested hosts: at 1 ms that took 35-40 % of an
 * app's throughput.
 *
 * Wall-clock silence alone says nothing on a busy host: the guest's vCPU
 * thread may have waited for a host CPU, or for the VMM (its hypercalls
 * take the monitor's lock, which a takeover holds). So every look at a
 * guest counts only the time its vCPU thread was neither queued for a CPU
 * (the host's run delay) nor in the VMM's exit handling. A hung guest (cli;
 * hlt) sleeps in KVM_RUN and is charged every microsecond: it is still
 * caught within the bound.
 *
 * The host settles a thread's run-queue wait only when the thread gets a
 * CPU. So when the vCPU thread is runnable at a look, its current wait is
 * not counted yet: then only the time it was seen on a CPU, less the
 * VMM's, can be the guest's.
 *
 * A hang found is reported through m->policy (struct monitor_policy), so
 * that this file needs no policy header. */
#include "watchdog.h"

#include "mailbox.h"
#include "state.h"

/* How long an OS may go without heartbeats while it answers a request: at
 * CPL0 with interrupts off, on a nested host, that can take a while. */
#define REQUEST_GRACE_US 1000000

/* A guest not running, or a first look: forget what was seen. */
static void watchdog_reset(struct guest *g)
{
	g->watch = (struct hb_watch){ 0 };
}

/* A hang's silence is counted from the last look that saw the OS alive,
 * which may come up to a look period after it stopped: that much is added
 * to its detection (the look at the bound itself is timed to it). Looking costs the guest nothing and
 * the VMM a few microseconds, so look eight times a period (but not more
 * often than every half millisecond): 1.25 ms at the default 10 ms. */
#define LOOKS_PER_PERIOD 8
#define LOOK_MIN_US 500

static uint64_t look_period_us(const struct vmfo *m)
{
	uint64_t us = m->cfg.heartbeat_ms * 1000 / LOOKS_PER_PERIOD;
	return !m->cfg.heartbeat_ms ? 5000 : us > LOOK_MIN_US ? us : LOOK_MIN_US;
}

/* What shows that g's OS runs: its pulse, and the progress of each app
 * running on it. Each such app's committed seq, read there too, is what
 * the VMM has seen acknowledged: what a takeover must not lose. */
static uint64_t pulse_of(struct vmfo *m, struct guest *g)
{
	uint64_t pulse = guest_pulse(m, g);
	for (int i = 0; i < MAX_APPS; i++) {
		struct app *a = &m->app[i];
		if (a->state != A_RUNNING || app_vm(m, a) != g->vm.index)
			continue;
		const volatile struct vmfo_app_hdr *h = app_header(m, a);
		uint64_t seq = h->seq;
		pulse += h->progress;
		if (seq > a->acked_seq)
			a->acked_seq = seq;
	}
	return pulse;
}

static void sample(struct vmfo *m, struct guest *g, struct hb_watch *s)
{
	s->t_us = now_us();
	s->pulse = pulse_of(m, g);
	s->outside_us = vm_outside_us(&g->vm, s->t_us);
	struct vm_sched sched;
	vm_sched_sample(&g->vm, &sched);
	s->delay_us = sched.delay_us;
	s->on_cpu_us = sched.on_cpu_us;
	s->runnable = sched.runnable;
}

/* The guest time between two looks: wall time less what the VMM and the
 * host's run queue took; while the vCPU thread is runnable, only what it
 * was seen running in the guest can count. Also what of it the guest spent
 * running (at CPL0 or CPL3) rather than halted. */
static uint64_t guest_time(const struct hb_watch *was, const struct hb_watch *now,
			   uint64_t *running)
{
	uint64_t wall = now->t_us - was->t_us;
	uint64_t outside = now->outside_us - was->outside_us;
	uint64_t excused = outside + (now->delay_us - was->delay_us);
	uint64_t had = wall > excused ? wall - excused : 0;
	uint64_t ran = now->on_cpu_us - was->on_cpu_us;
	*running = ran > outside ? ran - outside : 0;
	if (now->runnable && *running < had)
		had = *running;
	return had;
}

/* One look at g; with m->lock held. Returns how soon to look again: a
 * look period, or sooner if the silence will pass the bound before that. */
static uint64_t look(struct vmfo *m, struct guest *g)
{
	struct hb_watch now_seen, *now = &now_seen;
	struct hb_watch *w = &g->watch;
	uint64_t limit = m->cfg.heartbeat_ms * 1000 * m->cfg.miss;

	assert_locked(m);
	if (g->state != G_RUNNING || !g->created || !limit) {
		watchdog_reset(g);
		return look_period_us(m);
	}
	sample(m, g, now); /* a running VM is not being destroyed */
	uint64_t silent = 0;
	bool probed = false;
	if (!w->t_us || now->pulse != w->pulse) {
		/* A first look, or a heartbeat since: no silence to count. */
		atomic_fetch_add(&g->heartbeats, 1);
		atomic_store(&g->last_hb_us, now->t_us);
	} else {
		uint64_t running, had = guest_time(w, now, &running);
		/* An OS answering a request works at CPL0 with interrupts off
		 * and sends no heartbeat meanwhile: for a bounded grace, only
		 * the time it lay halted counts (a halted OS answers nothing). */
		bool answering = g->mb_acked + 1 < g->mb_next_seq &&
				 now->t_us - g->mb_posted_us < REQUEST_GRACE_US;
		if (answering)
			had = had > running ? had - running : 0;
		/* If this thread itself was held up (the whole process
		 * stopped, say), its gap is not the guest's: count at most
		 * two look periods per look. */
		uint64_t cap = 2 * look_period_us(m);
		silent = w->silent_us + (had < cap ? had : cap);
		probed = w->probed;
		/* Silent for half the bound: ask once. A kernel that can take
		 * interrupts answers in well under a millisecond of its time;
		 * asking sooner would wake an idle OS between its own ticks. */
		if (!probed && silent >= limit / 2)
			probed = vm_doorbell(&g->vm, VMFO_VEC_DOORBELL, NULL) == 0;
	}
	*w = *now;
	w->silent_us = silent;
	w->probed = probed;
	if (silent > limit) {
		m->policy->os_fault(m, g, "heartbeat");
		return look_period_us(m);
	}
	uint64_t left = limit - silent + 1; /* of guest time: no less of wall time */
	return silent && left < look_period_us(m) ? left : look_period_us(m);
}

static void *watchdog_main(void *arg)
{
	struct vmfo *m = arg;

	monitor_lock(m);
	uint64_t next_us = look_period_us(m); /* the configuration is read under the lock */
	while (!atomic_load(&m->quit)) {
		struct timespec deadline;
		deadline_in_us(&deadline, next_us);
		monitor_timedwait(m, &m->watch_wake, &deadline);
		next_us = look_period_us(m);
		for (int i = 0; i < 2 && m->booted; i++) {
			uint64_t us = look(m, &m->g[i]);
			next_us = us < next_us ? us : next_us;
		}
	}
	monitor_unlock(m);
	return NULL;
}

int watchdog_start(struct vmfo *m)
{
	int rc = thread_start(&m->watchdog, watchdog_main, m);
	if (rc == 0)
		m->watchdog_started = true;
	return rc;
}

void watchdog_stop(struct vmfo *m)
{
	if (!m->watchdog_started)
		return;
	monitor_lock(m);
	pthread_cond_broadcast(&m->watch_wake);
	monitor_unlock(m);
	pthread_join(m->watchdog, NULL);
	m->watchdog_started = false;
}
