/* test_loader.c — the kernel unit the loader builds from the real guest
 * image, read back as the CPU would read it: the IDT's gates, the TSS's
 * stacks and I/O bitmap, the GDT's TSS descriptor, the page tables; and
 * images the loader must refuse, with a reason. No KVM needed. */
#include <stdlib.h>

#include "loader.h"
#include "tap.h"

#define UNIT (2ull << 20)
#define KERNEL_UNIT 1
#define POOL_UNITS 128

static struct vmfo_boot_info boot_info(void)
{
	return (struct vmfo_boot_info){
		.magic = VMFO_BOOT_MAGIC,
		.abi_version = VMFO_ABI_VERSION,
		.kernel_gpa = VMFO_POOL_GPA + KERNEL_UNIT * UNIT,
		.pool_gpa = VMFO_POOL_GPA,
		.unit_bytes = UNIT,
		.pool_units = POOL_UNITS,
	};
}

static uint64_t u64_at(const uint8_t *unit, uint64_t off)
{
	uint64_t v;
	memcpy(&v, unit + off, sizeof v);
	return v;
}

/* The handler of IDT vector vec, its IST and type byte. */
static uint64_t gate(const uint8_t *unit, unsigned vec, unsigned *ist, unsigned *type,
		     unsigned *sel)
{
	const uint8_t *g = unit + VMFO_KOFF_IDT + 16 * vec;
	uint16_t lo, mid;
	uint32_t hi;
	memcpy(&lo, g, 2);
	memcpy(&mid, g + 6, 2);
	memcpy(&hi, g + 8, 4);
	*sel = (unsigned)(g[2] | g[3] << 8);
	*ist = g[4];
	*type = g[5];
	return (uint64_t)hi << 32 | (uint64_t)mid << 16 | lo;
}

static int port_closed(const uint8_t *unit, unsigned port)
{
	const uint8_t *map = unit + VMFO_KOFF_TSS + VMFO_TSS_BYTES;
	return map[port / 8] >> (port % 8) & 1;
}

static void check_idt(const uint8_t *unit, size_t image_size)
{
	static const unsigned vectors[] = { 0, 6, 8, 13, 14, 31, VMFO_VEC_TIMER, VMFO_VEC_DOORBELL,
					    VMFO_VEC_SPURIOUS };
	unsigned ist, type, sel, wrong = 0, present = 0;
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		uint64_t h = gate(unit, vectors[i], &ist, &type, &sel);
		wrong += type != 0x8e || sel != VMFO_SEL_KCODE || h < VMFO_KERNEL_VA ||
			 h - VMFO_KERNEL_VA >= image_size || ist != (vectors[i] == 8 ? 1u : 0u);
	}
	ok(wrong == 0, "exceptions, timer, doorbell and spurious: DPL0 interrupt gates to "
		       "handlers in the image; only the double fault on IST1");
	for (unsigned v = 0; v < 256; v++)
		present += (gate(unit, v, &ist, &type, &sel), type) != 0;
	ok(present == 35, "35 gates in all (32 exceptions and 3 interrupts): %u", present);
	gate(unit, 32, &ist, &type, &sel);
	ok(type == 0, "vector 32, which has no stub, is absent");
	uint64_t h0 = gate(unit, 0, &ist, &type, &sel), h1 = gate(unit, 1, &ist, &type, &sel);
	ok(h0 != h1, "each vector has a handler of its own");
}

static void check_tss(const uint8_t *unit)
{
	const uint8_t *t = unit + VMFO_KOFF_TSS;
	uint64_t rsp0 = u64_at(t, 4), ist1 = u64_at(t, 36);
	uint16_t iomap;
	memcpy(&iomap, t + 102, 2);
	ok(rsp0 > VMFO_KERNEL_VA && rsp0 - VMFO_KERNEL_VA <= VMFO_KIMAGE_MAX && rsp0 % 16 == 0,
	   "rsp0 is a kernel stack top: 0x%llx", (unsigned long long)rsp0);
	ok(ist1 > VMFO_KERNEL_VA && ist1 != rsp0, "IST1 is a stack of its own");
	ok(iomap == VMFO_TSS_BYTES, "the I/O bitmap follows the TSS");
	unsigned open = 0;
	for (unsigned port = 0; port < VMFO_IOMAP_PORTS; port++)
		open += !port_closed(unit, port);
	ok(!port_closed(unit, VMFO_IO_PORT) && open == 1, "only the doorbell port is open to ring 3");
	ok(t[VMFO_TSS_BYTES + VMFO_IOMAP_PORTS / 8] == 0xff, "the terminator byte is all ones");

	uint64_t lo = u64_at(unit, VMFO_KOFF_GDT + VMFO_SEL_TSS), hi = u64_at(unit, VMFO_KOFF_GDT + VMFO_SEL_TSS + 8);
	uint64_t base = (lo >> 16 & 0xffffff) | (lo >> 56 & 0xff) << 24 | hi << 32;
	ok(base == VMFO_KERNEL_VA + VMFO_KOFF_TSS && (lo & 0xffff) == VMFO_TSS_LIMIT,
	   "the GDT's TSS descriptor covers the TSS and its bitmap");
}

static void check_page_tables(const uint8_t *unit, const struct vm_entry *en)
{
	const struct vmfo_boot_info bi = boot_info();
	uint64_t pt = VMFO_KOFF_PT, kgpa = bi.kernel_gpa;
	ok(en->cr3 == kgpa + pt, "CR3 is the PML4 in the kernel unit");
	ok((u64_at(unit, pt) & 7) == 7, "the pool window's path is present, writable, user");
	ok((u64_at(unit, pt + 511 * 8) & 7) == 3, "the kernel's path is supervisor only");
	/* PD of the pool's first GiB (page 4); the kernel unit is entry 1. */
	uint64_t pd = pt + 4 * 4096;
	ok(u64_at(unit, pd) == (VMFO_POOL_GPA | 0x87), "unit 0: a 2 MiB user page");
	ok(u64_at(unit, pd + 8 * KERNEL_UNIT) == (kgpa | 0x83), "the kernel unit: supervisor only");
	ok(u64_at(unit, pd + 8 * POOL_UNITS) == 0, "nothing past the pool window");
	ok(en->rip == VMFO_KERNEL_VA && en->rdi == VMFO_KERNEL_VA + VMFO_KOFF_BOOT,
	   "the vCPU starts at the image's first byte, with the boot info");
}

/* The loader refuses image, with a message containing want. */
static void refused(const void *image, size_t size, const char *want, const char *what)
{
	struct vmfo_boot_info bi = boot_info();
	struct vm_entry en;
	struct err e = { "" };
	uint8_t *unit = calloc(1, UNIT);
	int rc = unit ? loader_prepare(unit, image, size, &bi, &en, &e) : 0;
	ok(rc == -1 && strstr(e.msg, want), "%s is refused: %s", what, e.msg);
	free(unit);
}

/* The header in a copy of the image (malloc's alignment, and
 * VMFO_KHDR_OFF's, suit it). */
static struct vmfo_kernel_header *header_of(uint8_t *img)
{
	return (struct vmfo_kernel_header *)(img + VMFO_KHDR_OFF);
}

static void no_magic(uint8_t *img) { header_of(img)->magic = 0; }
static void stubs_outside(uint8_t *img) { header_of(img)->stubs_end += 1u << 20; }
static void half_pair(uint8_t *img) { header_of(img)->stubs_end -= 8; }
static void stack_outside(uint8_t *img) { header_of(img)->kstack_top = 0x1000; }
static void vector_300(uint8_t *img)
{
	uint64_t *first_pair = (uint64_t *)(img + (header_of(img)->stubs - VMFO_KERNEL_VA));
	first_pair[0] = 300;
}

/* A copy of the real image, changed by edit, is refused. */
static void refused_edit(const char *want, const char *what, void (*edit)(uint8_t *img))
{
	size_t size = guest_image_size();
	uint8_t *img = malloc(size);
	memcpy(img, vmfo_guest_image, size);
	edit(img);
	refused(img, size, want, what);
	free(img);
}

int main(void)
{
	struct vmfo_boot_info bi = boot_info();
	struct vm_entry en;
	struct err e = { "" };
	uint8_t *unit = calloc(1, UNIT);
	size_t size = guest_image_size();

	ok(unit && loader_prepare(unit, vmfo_guest_image, size, &bi, &en, &e) == 0,
	   "the real guest image loads%s%s", *e.msg ? ": " : "", e.msg);
	ok(memcmp(unit, vmfo_guest_image, size) == 0, "its image is copied to offset 0");
	check_idt(unit, size);
	check_tss(unit);
	check_page_tables(unit, &en);
	free(unit);

	refused(vmfo_guest_image, 8, "too small for its header", "an image of 8 bytes");
	refused_edit("no kernel header", "an image with no header", no_magic);
	refused_edit("are not pairs within the image", "stubs beyond the image", stubs_outside);
	refused_edit("are not pairs within the image", "half a stub", half_pair);
	refused_edit("outside the kernel", "a stack outside the kernel", stack_outside);
	refused_edit("is not a vector with a handler in the image", "a stub for vector 300",
		     vector_300);
	return done_testing();
}
