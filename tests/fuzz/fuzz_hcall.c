/* fuzz_hcall.c — libFuzzer harness for hypercall dispatch and validation:
 * whatever a guest writes to the hypercall ports and into its memory (an
 * app's I/O ring and the doorbell included), the VMM must refuse or handle
 * it without crashing or touching memory outside that guest's storage. No KVM: the guest's memslots are set up by hand
 * and its ioctls fail harmlessly on a closed descriptor.
 * Input: port offset (1 byte), direction+size (1 byte), value (4 bytes),
 * then the bytes the guest has in its first unit. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_vmfo.h"
#include "hcall.h"

static struct vmfo m;
static struct kvm_run *run;

static void setup(void)
{
	fake_vmfo_init(&m, 32);
	run = calloc(1, 4096);
}

/* One booted-looking guest: OS row of units 1-4, mapped as one slot, with
 * an app of units 3-4, and a standby with units 5-6. */
static void reset_guest(void)
{
	struct units u;
	table_clear(&m.table);
	memset(m.app, 0, sizeof m.app);
	memset(m.g, 0, sizeof m.g);
	trace_clear(&m.trace);
	m.work_count = 0;
	m.booted = true;
	for (int i = 0; i < 2; i++) {
		struct guest *g = &m.g[i];
		g->vm.index = i;
		g->vm.fd = g->vm.vcpu_fd = -1;
		strcpy(g->vm.name, i ? "vm1" : "vm0");
		g->role = i ? VMFO_ROLE_STANDBY : VMFO_ROLE_ACTIVE;
		g->state = G_RUNNING;
		g->mb_next_seq = 3;
		g->mb_acked = 1;
		g->os_row = table_alloc_row(&m.table, g->vm.name, ROW_OS, i, i ? 2 : 4, &u, NULL);
		g->kernel_unit = u.run[0].first;
		g->vm.slot[0] = (struct vm_slot){ true, VMFO_POOL_GPA + (uint64_t)u.run[0].first * m.pool.unit_bytes,
						  (uint64_t)u.run[0].count * m.pool.unit_bytes,
						  pool_hva(&m.pool, u.run[0].first) };
	}
	m.app[0] = (struct app){ .state = A_RUNNING, .name = "db", .hot = true, .row = -1 };
	m.app[1] = (struct app){ .state = A_STARTING, .name = "web", .row = -1 };
}

/* db's I/O channel, its ring at the start of the guest's storage, attached
 * to vm0 with three requests posted: the guest's bytes are its answers,
 * the tail among them. */
static void open_ring(uint8_t *mem)
{
	struct vmfo_io_ring *ring = (struct vmfo_io_ring *)(mem + VMFO_APP_OFF_IO);
	uint64_t tail = ring->tail;
	iodev_open(&m.io, 0, ring, 0);
	struct io_channel *c = &m.io.ch[0];
	c->head = 3;
	for (int i = 0; i < 3; i++)
		c->posted[i] = (struct io_posted){ .id = 100 + (uint64_t)i };
	ring->tail = tail;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!run)
		setup();
	if (size < 6)
		return 0;
	reset_guest();
	struct guest *g = &m.g[0];
	uint8_t *mem = pool_hva(&m.pool, g->kernel_unit);
	size_t n = size - 6 < m.pool.unit_bytes ? size - 6 : m.pool.unit_bytes;
	memcpy(mem, data + 6, n);

	memset(run, 0, 4096);
	run->exit_reason = KVM_EXIT_IO;
	open_ring(mem);
	run->io.port = (uint16_t)(data[0] % 25 == 24 ? VMFO_IO_PORT : VMFO_HC_PORT + data[0] % 24);
	run->io.direction = data[1] & 1;
	run->io.size = (uint8_t)(1u << ((data[1] >> 1) & 3));
	run->io.count = 1 + ((data[1] >> 3) & 1);
	run->io.data_offset = 1024;
	memcpy((uint8_t *)run + 1024, data + 2, 4);
	hcall_dispatch(&m, g, run);

	/* Whatever happened, the table must still be consistent. */
	struct err e;
	if (table_check(&m.table, &m.pool, &e))
		abort();
	iodev_close(&m.io, 0, "fuzz");
	memset(mem, 0, n);
	return 0;
}
