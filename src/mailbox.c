/* mailbox.c — requests to guests (mailbox.h): post a command in the
 * guest's mailbox page, ring its doorbell, wait for its ACK on m->acked;
 * and unit sets to and from the ABI's runs (units <-> runs).
 * Claims served: 5, 6, 7, 9 (every request a sequence makes of an OS). */
#include "mailbox.h"

#include <string.h>

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

int guest_request(struct vmfo *m, struct guest *g, enum vmfo_mb_cmd cmd, const uint64_t *args,
		  int nargs, const struct units *runs, int timeout_ms, int64_t *status,
		  struct err *e)
{
	assert_locked(m);
	int64_t seq = guest_post(m, g, cmd, args, nargs, runs, e);
	return seq < 0 ? -1 : guest_await(m, g, seq, timeout_ms, status, e);
}
