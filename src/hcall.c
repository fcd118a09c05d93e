/* hcall.c — hypercall dispatch with checked guest-physical addresses. */
#include "hcall.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

void *guest_range(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (len == 0 || gpa + len < gpa)
		return NULL;
	for (int i = 0; i < VM_MAX_SLOTS; i++) {
		const struct vm_slot *s = &vm->slot[i];
		if (s->used && gpa >= s->gpa && gpa - s->gpa <= s->size &&
		    len <= s->size - (gpa - s->gpa))
			return (uint8_t *)s->hva + (gpa - s->gpa);
	}
	return NULL;
}

/* A note in the guest's log that the VMM refused something it did. */
static void refuse(struct guest *g, const char *what)
{
	char line[VMFO_CONSOLE_MAX];
	int n = snprintf(line, sizeof line, "[vmm] refused: %s", what);
	log_append(&g->log, line, n > 0 ? (size_t)n : 0);
}

static uint32_t hc_ready(struct vmfo *m, struct guest *g, void *arg)
{
	struct vmfo_hc_ready *r = arg;
	if (r->abi_version != VMFO_ABI_VERSION)
		return VMFO_EVERSION;
	if (r->role != g->role || g->state != G_BOOTING)
		return VMFO_EINVAL;
	g->state = G_RUNNING;
	g->t_ready_us = now_us();
	atomic_store(&g->last_hb_us, g->t_ready_us);
	trace_emit(&m->trace, "os.ready", "vm", g->vm.name, "role", role_name(g->role), NULL);
	return VMFO_OK;
}

static uint32_t hc_heartbeat(struct vmfo *m, struct guest *g, void *arg)
{
	const struct vmfo_hc_heartbeat *hb = arg;
	(void)m;
	if (g->state != G_RUNNING)
		return VMFO_EINVAL;
	atomic_store(&g->hb_count, hb->count);
	atomic_store(&g->last_hb_us, now_us());
	return VMFO_OK;
}

static uint32_t hc_console(struct vmfo *m, struct guest *g, void *arg)
{
	const struct vmfo_hc_console *c = arg;
	(void)m;
	if (c->len == 0 || c->len > VMFO_CONSOLE_MAX)
		return VMFO_EINVAL;
	const char *text = guest_range(&g->vm, c->gpa, c->len);
	if (!text)
		return VMFO_EFAULT;
	log_append(&g->log, text, c->len);
	return VMFO_OK;
}

static uint32_t hc_ack(struct vmfo *m, struct guest *g, void *arg)
{
	const struct vmfo_hc_ack *a = arg;
	if (a->seq == 0 || a->seq >= g->mb_next_seq)
		return VMFO_EINVAL; /* answers a request never made */
	g->mb_acked = a->seq;
	pthread_cond_broadcast(&m->acked);
	return VMFO_OK;
}

typedef uint32_t (*hc_fn)(struct vmfo *m, struct guest *g, void *arg);

#define HC(nr, name, type, fn) [nr] = { name, sizeof(type), offsetof(type, status), fn }

static const struct {
	const char *name;
	size_t size;       /* of the argument struct */
	size_t status_off; /* where the VMM writes its answer */
	hc_fn fn;
} hcalls[VMFO_HC_MAX] = {
	HC(VMFO_HC_READY, "ready", struct vmfo_hc_ready, hc_ready),
	HC(VMFO_HC_HEARTBEAT, "heartbeat", struct vmfo_hc_heartbeat, hc_heartbeat),
	HC(VMFO_HC_CONSOLE, "console", struct vmfo_hc_console, hc_console),
	HC(VMFO_HC_ACK, "ack", struct vmfo_hc_ack, hc_ack),
};

/* The argument is copied out of guest memory before it is looked at, so the
 * guest cannot change it under the handler; only the status goes back. */
enum vm_action hcall_dispatch(struct vmfo *m, struct guest *g, struct kvm_run *run)
{
	char why[96];
	uint8_t arg[64] __attribute__((aligned(8)));
	uint32_t port = run->io.port;

	if (run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 4 || run->io.count != 1 ||
	    port <= VMFO_HC_PORT || port >= VMFO_HC_PORT + VMFO_HC_MAX) {
		snprintf(why, sizeof why, "port 0x%x access (dir %u, size %u)", port,
			 run->io.direction, run->io.size);
		pthread_mutex_lock(&m->lock);
		refuse(g, why);
		pthread_mutex_unlock(&m->lock);
		if (run->io.direction == KVM_EXIT_IO_IN)
			memset((uint8_t *)run + run->io.data_offset, 0xff,
			       (size_t)run->io.size * run->io.count);
		return VM_CONTINUE;
	}

	unsigned nr = port - VMFO_HC_PORT;
	uint32_t value;
	memcpy(&value, (uint8_t *)run + run->io.data_offset, sizeof value);
	uint64_t gpa = (uint64_t)value << 3;
	size_t size = hcalls[nr].size;

	pthread_mutex_lock(&m->lock);
	uint8_t *hva = guest_range(&g->vm, gpa, size);
	if (!hva) {
		snprintf(why, sizeof why, "%s hypercall with argument at 0x%llx outside its storage",
			 hcalls[nr].name, (unsigned long long)gpa);
		refuse(g, why);
	} else {
		memcpy(arg, hva, size);
		uint32_t status = hcalls[nr].fn(m, g, arg);
		memcpy(hva + hcalls[nr].status_off, &status, sizeof status);
	}
	pthread_mutex_unlock(&m->lock);
	return VM_CONTINUE;
}
