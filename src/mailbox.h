/* mailbox.h — requests from the VMM to a guest: the mailbox page in the
 * guest's kernel unit and the MSI doorbell, and the answer the guest
 * acknowledges with the ACK hypercall; unit sets to and from the ABI's
 * runs. Claims served: 5, 6, 7, 9 (the VMM asks an OS to start, grow,
 * disconnect, engage or activate; docs/protocol.md has the commands). */
#ifndef VMFO_MAILBOX_H
#define VMFO_MAILBOX_H

#include "state.h"

/* Post a mailbox request (runs may be NULL; more than VMFO_MAX_RUNS runs
 * are refused) and ring g's doorbell; returns the request's number, or -1.
 * With m->lock held. */
int64_t guest_post(struct vmfo *m, struct guest *g, enum vmfo_mb_cmd cmd, const uint64_t *args,
		   int nargs, const struct units *runs, struct err *e);
/* Wait for the answer to request seq, releasing m->lock while waiting;
 * *status gets the guest's answer. Ends at once if g fails. With m->lock
 * held. */
int guest_await(struct vmfo *m, struct guest *g, int64_t seq, int timeout_ms, int64_t *status,
		struct err *e);
/* g's pulse, as its kernel last wrote it (struct vmfo_mailbox): read where
 * it lies, with no exit into the guest. With m->lock held. */
uint64_t guest_pulse(struct vmfo *m, struct guest *g);
/* Both: post a request and wait for its answer. With m->lock held. */
int guest_request(struct vmfo *m, struct guest *g, enum vmfo_mb_cmd cmd, const uint64_t *args,
		  int nargs, const struct units *runs, int timeout_ms, int64_t *status,
		  struct err *e);
/* The VMM refuses something guest g did: vmm.reject with the reason, and a
 * line in g's log; a guest refused more than 100 times a second is stopped
 * as failed (vmm.os_fault cause=hostile). With m->lock held. */
void guest_refuse(struct vmfo *m, struct guest *g, const char *what);
/* The storage g names in its answer to the `what` request (ack_runs),
 * added to *u (the answers to a request in several parts add up); val,
 * when not NULL, gets ack_val. Read once and trusted in nothing: at most
 * VMFO_MAX_RUNS runs, none empty, outside the pool, or naming a unit
 * twice; val[0] is 0 or a unit of the pool + 1. A malformed answer is
 * refused (guest_refuse: "WHAT answer: why"), *u is left as it was, and
 * -1 returned with e saying so. With m->lock held. */
int guest_answer(struct vmfo *m, struct guest *g, const char *what, struct units *u,
		 uint64_t val[4], struct err *e);
/* A copy of g's last answer's values (ack_val), as the guest wrote them:
 * for messages only, trusted in nothing. With m->lock held. */
void guest_ack_val(struct vmfo *m, struct guest *g, uint64_t val[4]);
/* 0 if the units g says it `did` (let go of, engaged) are those asked;
 * else -1 with e saying what it did instead. */
int guest_did_as_asked(const struct guest *g, const char *did, const struct units *got,
		       const struct units *asked, struct err *e);
/* Unit sets to and from the ABI's runs. */
void units_to_runs(const struct units *u, struct vmfo_runs *r);
int runs_to_units(const struct vmfo_runs *r, struct units *u);

#endif
