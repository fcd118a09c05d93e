/* mailbox.c — requests to guests (mailbox.h): post a command in the
 * guest's mailbox page, ring its doorbell, wait for its ACK on m->acked;
 * and unit sets to and from the ABI's runs (units <-> runs).
 * Claims served: 5, 6, 7, 9 (every request a sequence makes of an OS). */
#include "mailbox.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The layout docs/protocol.md gives: the guest-written answer runs come
 * after everything version 2 had, and the whole mailbox fits its page. */
_Static_assert(offsetof(struct vmfo_mailbox, ack_runs) == 248 &&
		       offsetof(struct vmfo_mailbox, pulse) == 384 &&
		       sizeof(struct vmfo_mailbox) == 392 &&
		       sizeof(struct vmfo_mailbox) <= VMFO_KOFF_CRASH - VMFO_KOFF_MAILBOX,
	       "mailbox layout changed: update docs/protocol.md and VMFO_ABI_VERSION");

#define REJECTS_PER_SECOND 100 /* beyond that a guest is flooding: stop it */

void units_to_runs(const struct units *u, struct vmfo_runs *r)
{
	memset(r, 0, sizeof *r);
	for (uint32_t i = 0; i < u->nruns && i < VMFO_MAX_RUNS; i++) {
		r->run[i].first = u->run[i].first;
		r->run[i].count = u->run[i].count;
		r->nruns++;
	}
}

int runs_to_units(const struct vmfo_runs *r, struct units *u)
{
	units_clear(u);
	if (r->nruns == 0 || r->nruns > VMFO_MAX_RUNS)
		return -1;
	for (uint32_t i = 0; i < r->nruns; i++)
		if (units_add_run(u, r->run[i].first, r->run[i].count))
			return -1;
	return 0;
}

static struct vmfo_mailbox *mailbox_of(struct vmfo *m, struct guest *g)
{
	return (struct vmfo_mailbox *)((uint8_t *)pool_hva(&m->pool, g->kernel_unit) +
				       VMFO_KOFF_MAILBOX);
}

uint64_t guest_pulse(struct vmfo *m, struct guest *g)
{
	return __atomic_load_n(&mailbox_of(m, g)->pulse, __ATOMIC_RELAXED);
}

static const char *const request_names[VMFO_MB_MAX] = {
	[VMFO_MB_NONE] = "?", [VMFO_MB_PING] = "ping", [VMFO_MB_APP_START] = "app start",
	[VMFO_MB_APP_GROW] = "app grow", [VMFO_MB_APP_FAULT] = "app fault",
	[VMFO_MB_OS_FAULT] = "OS fault", [VMFO_MB_DISCONNECT] = "disconnect",
	[VMFO_MB_ATTACH] = "attach", [VMFO_MB_ACTIVATE] = "activate",
	[VMFO_MB_HOSTILE] = "hostile", [VMFO_MB_RELEASE] = "release",
};

int64_t guest_post(struct vmfo *m, struct guest *g, enum vmfo_mb_cmd cmd, const uint64_t *args,
		   int nargs, const struct units *runs, struct err *e)
{
	struct vmfo_mailbox *mb = mailbox_of(m, g);

	assert_locked(m);
	if (g->state != G_RUNNING)
		return err_set(e, "%s is %s", g->vm.name, state_name(g->state));
	if (g->mb_acked + 1 != g->mb_next_seq)
		return err_set(e, "%s has not answered its last request yet", g->vm.name);
	if (runs && runs->nruns > VMFO_MAX_RUNS) /* never cut a unit set short */
		return err_set(e, "%u runs do not fit in a request", runs->nruns);
	mb->cmd = cmd;
	for (int i = 0; i < 6; i++)
		mb->arg[i] = i < nargs ? args[i] : 0;
	if (runs)
		units_to_runs(runs, &mb->runs);
	uint64_t seq = g->mb_next_seq++;
	g->mb_posted_us = now_us();
	__atomic_store_n(&mb->req_seq, seq, __ATOMIC_RELEASE);
	if (vm_doorbell(&g->vm, VMFO_VEC_DOORBELL, e))
		return -1;
	return (int64_t)seq;
}

int guest_await(struct vmfo *m, struct guest *g, int64_t seq, int timeout_ms, int64_t *status,
		struct err *e)
{
	struct vmfo_mailbox *mb = mailbox_of(m, g);
	const char *what = request_names[mb->cmd < VMFO_MB_MAX ? mb->cmd : 0];
	uint64_t end = g->mb_posted_us + (uint64_t)timeout_ms * 1000;

	assert_locked(m);
	while (g->mb_acked < (uint64_t)seq) {
		if (g->state != G_RUNNING)
			return err_set(e, "%s stopped (%s) before answering the %s request", g->vm.name,
				       state_name(g->state), what);
		/* The watchdog thread keeps watching g meanwhile; a fault
		 * it finds wakes this wait (monitor_os_fault). */
		uint64_t now = now_us();
		if (now >= end)
			return err_set(e, "%s did not answer the %s request within %d ms", g->vm.name,
				       what, timeout_ms);
		struct timespec deadline;
		deadline_in_us(&deadline, end - now);
		monitor_timedwait(m, &m->acked, &deadline);
	}
	*status = __atomic_load_n(&mb->ack_status, __ATOMIC_ACQUIRE);
	return 0;
}

void guest_refuse(struct vmfo *m, struct guest *g, const char *what)
{
	char line[VMFO_CONSOLE_MAX];
	assert_locked(m);
	int n = snprintf(line, sizeof line, "[vmm] refused: %s", what);
	log_append(&g->log, line, n > 0 ? (size_t)n : 0);
	uint64_t now = now_us();
	if (now - g->reject_window_us > 1000000) {
		g->reject_window_us = now;
		g->rejects = 0;
	}
	if (++g->rejects <= REJECTS_PER_SECOND)
		trace_emit(&m->trace, "vmm.reject", "vm", g->vm.name, "reason", what, NULL);
	else if (g->state == G_RUNNING)
		m->policy->os_fault(m, g, "hostile");
}

int guest_answer(struct vmfo *m, struct guest *g, const char *what, struct units *u,
		 uint64_t val[4], struct err *e)
{
	const struct vmfo_mailbox *mb = mailbox_of(m, g);
	struct vmfo_runs r;
	struct units got = *u;
	const char *bad = NULL;

	assert_locked(m);
	/* One copy, then only the copy is looked at: the guest may write
	 * its page while we read it. */
	memcpy(&r, &mb->ack_runs, sizeof r);
	if (val)
		memcpy(val, mb->ack_val, sizeof mb->ack_val);
	if (r.nruns > VMFO_MAX_RUNS)
		bad = "more runs than the mailbox holds";
	for (uint32_t i = 0; !bad && i < r.nruns; i++) {
		uint64_t end = (uint64_t)r.run[i].first + r.run[i].count;
		if (r.run[i].count == 0 || end > m->pool.nunits)
			bad = "units outside the pool";
		else if (units_add_run(&got, r.run[i].first, r.run[i].count))
			bad = "units named twice";
	}
	if (!bad && val && val[0] > m->pool.nunits) /* a unit + 1, or 0 */
		bad = "a crash record outside the pool";
	if (!bad) {
		*u = got;
		return 0;
	}
	char reason[96];
	snprintf(reason, sizeof reason, "%s answer: %s", what, bad);
	guest_refuse(m, g, reason);
	return err_set(e, "%s's %s", g->vm.name, reason);
}

void guest_ack_val(struct vmfo *m, struct guest *g, uint64_t val[4])
{
	assert_locked(m);
	memcpy(val, mailbox_of(m, g)->ack_val, sizeof mailbox_of(m, g)->ack_val);
}

int guest_did_as_asked(const struct guest *g, const char *did, const struct units *got,
		       const struct units *asked, struct err *e)
{
	char a[256], b[256];
	if (units_equal(got, asked))
		return 0;
	units_format(got, a, sizeof a);
	units_format(asked, b, sizeof b);
	return err_set(e, "%s %s units %s, not the %s asked", g->vm.name, did, a, b);
}

int guest_request(struct vmfo *m, struct guest *g, enum vmfo_mb_cmd cmd, const uint64_t *args,
		  int nargs, const struct units *runs, int timeout_ms, int64_t *status,
		  struct err *e)
{
	assert_locked(m);
	int64_t seq = guest_post(m, g, cmd, args, nargs, runs, e);
	return seq < 0 ? -1 : guest_await(m, g, seq, timeout_ms, status, e);
}
