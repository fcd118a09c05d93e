/* loader.h — lays out an OS's kernel unit: image, boot info, GDT, TSS,
 * IDT, page tables. */
#ifndef VMFO_LOADER_H
#define VMFO_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "util.h"
#include "vm.h"

/* The mini-OS image, embedded in the vmfo binary (src/guest_image.S). */
extern const unsigned char vmfo_guest_image[];
extern const unsigned char vmfo_guest_image_end[];

static inline size_t guest_image_size(void)
{
	return (size_t)(vmfo_guest_image_end - vmfo_guest_image);
}

/* Build everything the OS needs before its first instruction in the kernel
 * unit at host address kunit (guest-physical bi->kernel_gpa): the image
 * copied from `image`, *bi as the boot-info page, a GDT with a TSS slot,
 * the TSS (stacks, I/O bitmap) and an IDT from the image's kernel header
 * (struct vmfo_kernel_header), and page tables mapping the kernel at
 * VMFO_KERNEL_VA and the whole pool window identity-mapped with 2 MiB user
 * pages. The unit must be zeroed. Fills *entry for vm_set_entry(); -1
 * with e saying what is wrong with the image or the sizes. */
int loader_prepare(void *kunit, const void *image, size_t image_size,
		   const struct vmfo_boot_info *bi, struct vm_entry *entry, struct err *e);

#endif
