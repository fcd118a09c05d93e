/* loader.c — builds an OS's kernel unit so it starts straight in long mode. */
#include "loader.h"

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
	memcpy((uint8_t *)kunit + VMFO_KOFF_IMAGE, image, image_size);
	memcpy((uint8_t *)kunit + VMFO_KOFF_BOOT, bi, sizeof *bi);
	build_gdt(kunit);
	if (build_page_tables(kunit, bi, e))
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
