/* loader.c — builds an OS's kernel unit so it starts straight in long
 * mode, with every table it needs: page tables, GDT, IDT and TSS. Built
 * here, at host speed, rather than by the guest at CPL0, which nested
 * hosts emulate an instruction at a time (docs/kvm-notes.md, section 3). */
#include "loader.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_US 0x4ull
#define PTE_PS 0x80ull
#define PAGE 0x1000ull
#define HUGE (2ull << 20)
#define GIB (1ull << 30)

/* Page-table pages inside the kernel unit, from VMFO_KOFF_PT. */
#define PT_PML4 0
#define PT_PDPT_ID 1   /* identity map of the pool window (PML4 slot 0) */
#define PT_PDPT_K 2    /* the kernel's top 2 GiB (PML4 slot 511) */
#define PT_PD_K 3
#define PT_PD_POOL 4   /* first of one PD per GiB of pool window */

static uint64_t *pt_page(void *kunit, unsigned idx)
{
	return (uint64_t *)((uint8_t *)kunit + VMFO_KOFF_PT + idx * PAGE);
}

static uint64_t pt_gpa(uint64_t kernel_gpa, unsigned idx)
{
	return kernel_gpa + VMFO_KOFF_PT + idx * PAGE;
}

static int build_page_tables(void *kunit, const struct vmfo_boot_info *bi, struct err *e)
{
	uint64_t kgpa = bi->kernel_gpa;
	uint64_t pool_end = bi->pool_gpa + (uint64_t)bi->pool_units * bi->unit_bytes;
	uint64_t first_gib = bi->pool_gpa / GIB;
	uint64_t ngib = (pool_end + GIB - 1) / GIB - first_gib;

	if (VMFO_KOFF_PT + (PT_PD_POOL + ngib) * PAGE > VMFO_KUNIT_MIN)
		return err_set(e, "pool window too large for the kernel unit's page tables");
	if (pool_end > 512 * GIB)
		return err_set(e, "pool window beyond the first 512 GiB");

	uint64_t *pml4 = pt_page(kunit, PT_PML4);
	uint64_t *pdpt_id = pt_page(kunit, PT_PDPT_ID);
	uint64_t *pdpt_k = pt_page(kunit, PT_PDPT_K);
	uint64_t *pd_k = pt_page(kunit, PT_PD_K);

	/* Apps run in ring 3 in their storage, so the pool path is user. */
	pml4[0] = pt_gpa(kgpa, PT_PDPT_ID) | PTE_P | PTE_RW | PTE_US;
	pml4[511] = pt_gpa(kgpa, PT_PDPT_K) | PTE_P | PTE_RW;
	pdpt_k[510] = pt_gpa(kgpa, PT_PD_K) | PTE_P | PTE_RW;
	pd_k[0] = kgpa | PTE_P | PTE_RW | PTE_PS;

	/* Map the whole window, owned or not: an access to a unit the VM does
	 * not own then finds no memslot and exits to the VMM (vmm.blocked). */
	for (uint64_t g = 0; g < ngib; g++) {
		uint64_t *pd = pt_page(kunit, PT_PD_POOL + (unsigned)g);
		pdpt_id[first_gib + g] = pt_gpa(kgpa, PT_PD_POOL + (unsigned)g) | PTE_P | PTE_RW | PTE_US;
		for (uint64_t i = 0; i < 512; i++) {
			uint64_t gpa = (first_gib + g) * GIB + i * HUGE;
			/* The OS's own kernel unit is not for its apps: supervisor only. */
			if (gpa == bi->kernel_gpa)
				pd[i] = gpa | PTE_P | PTE_RW | PTE_PS;
			else if (gpa >= bi->pool_gpa && gpa < pool_end)
				pd[i] = gpa | PTE_P | PTE_RW | PTE_US | PTE_PS;
		}
	}
	return 0;
}

/* A 64-bit interrupt gate, as the CPU reads it from the IDT. */
struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

/* A 64-bit TSS; its I/O bitmap follows it. */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_gate) * 256 == VMFO_IDT_LIMIT + 1, "256 gates of 16 bytes");
_Static_assert(sizeof(struct tss) == VMFO_TSS_BYTES, "the I/O bitmap follows the TSS");
_Static_assert(VMFO_KOFF_TSS + VMFO_TSS_LIMIT < VMFO_KOFF_IDT &&
		       VMFO_KOFF_IDT + VMFO_IDT_LIMIT < VMFO_KOFF_PT,
	       "the TSS, its bitmap and the IDT fit between the GDT and the page tables");

#define VEC_DOUBLE_FAULT 8
#define IST_DOUBLE_FAULT 1 /* the TSS's ist[0] */
#define GATE_INTERRUPT 0x8e /* present, DPL0, 64-bit interrupt gate */

/* Whether [va, va + len) lies in the kernel's image as loaded, so that
 * the loader reads it at image offset va - VMFO_KERNEL_VA. */
static bool in_image(uint64_t va, uint64_t len, size_t image_size)
{
	return va >= VMFO_KERNEL_VA && va - VMFO_KERNEL_VA <= image_size &&
	       len <= image_size - (va - VMFO_KERNEL_VA);
}

/* Whether a stack top lies in the kernel's image and bss. */
static bool in_kernel(uint64_t va)
{
	return va > VMFO_KERNEL_VA && va - VMFO_KERNEL_VA <= VMFO_KIMAGE_MAX;
}

/* The image's header, checked: every address it names must lie in the
 * kernel, the stubs whole pairs in the image. */
static int read_header(const void *image, size_t image_size, struct vmfo_kernel_header *h,
		       struct err *e)
{
	if (image_size < VMFO_KHDR_OFF + sizeof *h)
		return err_set(e, "guest image (%zu bytes) too small for its header", image_size);
	memcpy(h, (const uint8_t *)image + VMFO_KHDR_OFF, sizeof *h);
	if (h->magic != VMFO_KHDR_MAGIC)
		return err_set(e, "guest image has no kernel header at offset 0x%x", VMFO_KHDR_OFF);
	if (h->stubs_end < h->stubs || (h->stubs_end - h->stubs) % 16 ||
	    !in_image(h->stubs, h->stubs_end - h->stubs, image_size))
		return err_set(e, "guest image's trap stubs (0x%" PRIx64 "-0x%" PRIx64 ") are not "
			       "pairs within the image", h->stubs, h->stubs_end);
	if (!in_kernel(h->kstack_top) || !in_kernel(h->ist_top))
		return err_set(e, "guest image's stacks (0x%" PRIx64 ", 0x%" PRIx64 ") are outside "
			       "the kernel", h->kstack_top, h->ist_top);
	return 0;
}

/* An interrupt gate for every stub the kernel has; the rest stay absent. */
static int build_idt(void *kunit, const void *image, size_t image_size,
		     const struct vmfo_kernel_header *h, struct err *e)
{
	struct idt_gate *idt = (struct idt_gate *)((uint8_t *)kunit + VMFO_KOFF_IDT);
	const uint8_t *stub = (const uint8_t *)image + (h->stubs - VMFO_KERNEL_VA);
	for (uint64_t i = 0; i < (h->stubs_end - h->stubs) / 16; i++) {
		uint64_t pair[2];
		memcpy(pair, stub + 16 * i, sizeof pair);
		if (pair[0] > 255 || !in_image(pair[1], 1, image_size))
			return err_set(e, "guest image's trap stub %" PRIu64 " (vector %" PRIu64
				       ", 0x%" PRIx64 ") is not a vector with a handler in the image",
				       i, pair[0], pair[1]);
		/* A double fault gets its own stack: the kernel stack may be
		 * what caused it. */
		idt[pair[0]] = (struct idt_gate){
			.off_lo = (uint16_t)pair[1],
			.sel = VMFO_SEL_KCODE,
			.ist = pair[0] == VEC_DOUBLE_FAULT ? IST_DOUBLE_FAULT : 0,
			.type = GATE_INTERRUPT,
			.off_mid = (uint16_t)(pair[1] >> 16),
			.off_hi = (uint32_t)(pair[1] >> 32),
		};
	}
	return 0;
}

/* The stacks the CPU switches to, and an I/O bitmap with every port closed
 * to ring 3 but the apps' doorbell (the I/O control unit): an app may ring
 * it, and do no other port I/O. The byte after the bitmap, all ones, is
 * the terminator the CPU may read. */
static void build_tss(void *kunit, const struct vmfo_kernel_header *h)
{
	struct tss *t = (struct tss *)((uint8_t *)kunit + VMFO_KOFF_TSS);
	uint8_t *map = (uint8_t *)t + sizeof *t;
	t->rsp[0] = h->kstack_top;
	t->ist[IST_DOUBLE_FAULT - 1] = h->ist_top;
	t->iomap_base = sizeof *t;
	memset(map, 0xff, VMFO_IOMAP_PORTS / 8 + 1);
	map[VMFO_IO_PORT / 8] &= (uint8_t)~(1u << (VMFO_IO_PORT % 8));
}

static void build_gdt(void *kunit)
{
	uint64_t *gdt = (uint64_t *)((uint8_t *)kunit + VMFO_KOFF_GDT);
	uint64_t tss = VMFO_KERNEL_VA + VMFO_KOFF_TSS;
	uint64_t limit = VMFO_TSS_LIMIT; /* the TSS, its I/O bitmap and terminator */

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffull; /* 0x08 kernel code, 64-bit */
	gdt[2] = 0x00cf92000000ffffull; /* 0x10 kernel data */
	gdt[3] = 0x00cff2000000ffffull; /* 0x18 user data, DPL3 */
	gdt[4] = 0x00affa000000ffffull; /* 0x20 user code, 64-bit, DPL3 */
	gdt[5] = (limit & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ull << 40) |
		 (((tss >> 24) & 0xff) << 56); /* 0x28 available 64-bit TSS */
	gdt[6] = tss >> 32;
}

int loader_prepare(void *kunit, const void *image, size_t image_size,
		   const struct vmfo_boot_info *bi, struct vm_entry *entry, struct err *e)
{
	if (image_size == 0 || image_size > VMFO_KIMAGE_MAX)
		return err_set(e, "guest image is %zu bytes; it must be 1 to %u", image_size,
			       VMFO_KIMAGE_MAX);
	if (bi->unit_bytes < VMFO_KUNIT_MIN)
		return err_set(e, "units smaller than 2 MiB cannot hold a kernel");
	struct vmfo_kernel_header h;
	if (read_header(image, image_size, &h, e))
		return -1;
	memcpy((uint8_t *)kunit + VMFO_KOFF_IMAGE, image, image_size);
	memcpy((uint8_t *)kunit + VMFO_KOFF_BOOT, bi, sizeof *bi);
	build_gdt(kunit);
	build_tss(kunit, &h);
	if (build_idt(kunit, image, image_size, &h, e) || build_page_tables(kunit, bi, e))
		return -1;

	*entry = (struct vm_entry){
		.rip = VMFO_KERNEL_VA + VMFO_KOFF_IMAGE,
		.rsp = VMFO_KERNEL_VA + VMFO_KOFF_BOOT, /* entry.S sets its own */
		.rdi = VMFO_KERNEL_VA + VMFO_KOFF_BOOT,
		.cr3 = pt_gpa(bi->kernel_gpa, PT_PML4),
		.gdt_base = VMFO_KERNEL_VA + VMFO_KOFF_GDT,
		.gdt_limit = 7 * 8 - 1,
	};
	return 0;
}
