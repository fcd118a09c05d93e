/* io.h — an app's side of the I/O control unit (abi.h): the ring of
 * requests in its own storage, its answers, and the doorbell. The VMM
 * posts; the app takes requests in order, answers each in its slot, then
 * advances `tail` and rings. Requests a stop left unanswered are found
 * again on resume, so a program records the id of each request it applied
 * (its `tag`) before its commit point, and answers a request it finds
 * already applied from its state instead of applying it twice. */
#ifndef VMFO_APP_IO_H
#define VMFO_APP_IO_H

#include "app.h"

static inline volatile struct vmfo_io_ring *io_ring(volatile struct vmfo_app_hdr *h)
{
	return (volatile struct vmfo_io_ring *)((uint64_t)h + VMFO_APP_OFF_IO);
}

/* Whether the VMM serves this app's channel: then the app commits only
 * what its clients ask. */
static inline int io_served(volatile struct vmfo_io_ring *r)
{
	return r->magic == VMFO_IO_MAGIC && r->served == 1;
}

/* The doorbell: an exit to the VMM straight from ring 3, no trip through
 * the OS. One byte wide: the TSS's I/O bitmap opens this one port, and a
 * wider access would need the ports after it open too. */
static inline void io_doorbell(void)
{
	__asm__ volatile("outb %b0, %w1" : : "a"(0u), "d"((uint16_t)VMFO_IO_PORT) : "memory");
}

/* The oldest request not answered yet, or 0 when there is none. */
static inline volatile struct vmfo_io_slot *io_next(volatile struct vmfo_io_ring *r)
{
	uint64_t tail = r->tail;
	if (tail == r->head)
		return 0;
	barrier(); /* the slot was written before head */
	return &r->slot[tail % VMFO_IO_SLOTS];
}

/* Answer q: the answer, then ans_id, then tail, then the doorbell, so the
 * VMM never reads half an answer. */
static inline void io_answer(volatile struct vmfo_io_ring *r, volatile struct vmfo_io_slot *q,
			     uint32_t status, uint64_t seq, uint64_t value)
{
	q->status = status;
	q->ans_seq = seq;
	q->ans_value = value;
	barrier();
	q->ans_id = q->id;
	barrier();
	r->tail = r->tail + 1;
	barrier();
	io_doorbell();
}

#endif
