/* abi.h — the one interface between the vmfo VMM and its guest OS: memory
 * layout, hypercalls, the boot-info page and the mailbox. Included by the
 * host (src/) and by the freestanding guest (guests/); self-contained C99.
 *
 * Hypercalls: the guest writes, with a 32-bit `out`, the guest-physical
 * address of the argument struct divided by 8 (structs are 8-byte aligned,
 * so 32 bits reach 32 GiB) to port VMFO_HC_PORT + number. The VMM checks
 * that the whole struct lies in storage that VM owns before it reads it.
 *
 * Mailbox: VMM-to-guest requests. The VMM fills cmd/arg, then bumps req_seq
 * and rings the doorbell (an MSI at VMFO_VEC_DOORBELL). The guest also polls
 * on every timer tick. It answers by writing ack_* and then ack_seq = req_seq,
 * and makes the VMFO_HC_ACK hypercall so the VMM learns of it at once. */
#ifndef VMFO_ABI_H
#define VMFO_ABI_H

#include <stdint.h>

#define VMFO_ABI_VERSION 1
#define VMFO_BOOT_MAGIC 0x6f666d76746f6f62ULL /* "bootvmfo" */

/* ---- guest-physical and guest-virtual layout ---- */

/* Unit i of the pool appears at VMFO_POOL_GPA + i*unit in the VM owning it,
 * identity-mapped (virtual == physical) with 2 MiB user pages, so pointers
 * into storage stay valid when the storage changes owner. */
#define VMFO_POOL_GPA 0x100000000ULL
/* The OS kernel is linked here; the VMM maps it to the OS's first unit. */
#define VMFO_KERNEL_VA 0xFFFFFFFF80000000ULL

/* Layout of an OS's first unit (its "kernel unit"), as offsets. The VMM
 * copies the kernel image to offset 0 and builds the page tables and GDT;
 * the guest builds its IDT and TSS itself. */
#define VMFO_KOFF_IMAGE 0x000000   /* kernel text, data, bss */
#define VMFO_KIMAGE_MAX 0x080000   /* 512 KiB */
#define VMFO_KOFF_BOOT 0x080000    /* struct vmfo_boot_info */
#define VMFO_KOFF_MAILBOX 0x081000 /* struct vmfo_mailbox */
#define VMFO_KOFF_CRASH 0x082000   /* crash record (issue 4) */
#define VMFO_KOFF_GDT 0x083000     /* GDT; the TSS follows at +0x100 */
#define VMFO_KOFF_TSS 0x083100
#define VMFO_KOFF_PT 0x100000      /* page tables, up to the end of the unit */
#define VMFO_KUNIT_MIN 0x200000    /* the kernel unit is at least 2 MiB */

/* GDT selectors (the VMM's GDT and the guest's segment loads agree). */
#define VMFO_SEL_KCODE 0x08
#define VMFO_SEL_KDATA 0x10
#define VMFO_SEL_UDATA 0x1b /* 0x18 | RPL 3 */
#define VMFO_SEL_UCODE 0x23 /* 0x20 | RPL 3 */
#define VMFO_SEL_TSS 0x28   /* 16-byte descriptor: entries 5 and 6 */

/* Interrupt vectors the guest installs. */
#define VMFO_VEC_TIMER 0x40    /* LAPIC periodic timer: heartbeat, polling */
#define VMFO_VEC_DOORBELL 0x41 /* KVM_SIGNAL_MSI from the VMM: mailbox */
#define VMFO_VEC_SPURIOUS 0xff

/* ---- hypercalls ---- */

#define VMFO_HC_PORT 0x500

enum vmfo_hc {
	VMFO_HC_RESERVED = 0, /* never valid: catches a zeroed port */
	VMFO_HC_READY,        /* struct vmfo_hc_ready */
	VMFO_HC_HEARTBEAT,    /* struct vmfo_hc_heartbeat */
	VMFO_HC_CONSOLE,      /* struct vmfo_hc_console */
	VMFO_HC_ACK,          /* struct vmfo_hc_ack: a mailbox request is answered */
	VMFO_HC_MAX
};

/* Status the VMM writes back into a hypercall struct. */
#define VMFO_OK 0
#define VMFO_EINVAL 1  /* malformed argument */
#define VMFO_EFAULT 2  /* an address outside the VM's own storage */
#define VMFO_EVERSION 3

enum vmfo_role { VMFO_ROLE_ACTIVE = 1, VMFO_ROLE_STANDBY = 2 };

/* The port carries gpa/8, so every argument struct must be 8-byte aligned
 * wherever the guest puts it, on its stack included. */
#define VMFO_HC_ARG __attribute__((aligned(8)))

struct VMFO_HC_ARG vmfo_hc_ready {
	uint32_t abi_version; /* IN */
	uint32_t role;        /* IN: the role the guest read from boot info */
	uint32_t status;      /* OUT */
	uint32_t pad;
};

struct VMFO_HC_ARG vmfo_hc_heartbeat {
	uint64_t count;  /* IN: heartbeats sent since boot */
	uint32_t status; /* OUT */
	uint32_t pad;
};

#define VMFO_CONSOLE_MAX 200
struct VMFO_HC_ARG vmfo_hc_console {
	uint64_t gpa;    /* IN: the text (need not be NUL-terminated) */
	uint32_t len;    /* IN: at most VMFO_CONSOLE_MAX */
	uint32_t status; /* OUT */
};

struct VMFO_HC_ARG vmfo_hc_ack {
	uint64_t seq;    /* IN: the mailbox req_seq answered */
	uint32_t status; /* OUT */
	uint32_t pad;
};

/* ---- boot information, written by the VMM before the first instruction ---- */

#define VMFO_BOOT_MAX_RUNS 16
struct vmfo_boot_info {
	uint64_t magic;
	uint32_t abi_version;
	uint32_t role;         /* enum vmfo_role */
	uint32_t vm_index;     /* 0 for vm0, 1 for vm1 */
	uint32_t heartbeat_ms; /* 0: no heartbeat */
	uint64_t kernel_gpa;   /* physical address of the kernel unit */
	uint64_t pool_gpa;
	uint64_t unit_bytes;
	uint32_t pool_units;
	uint32_t nruns;        /* the OS's own storage, as unit runs */
	struct {
		uint32_t first, count;
	} run[VMFO_BOOT_MAX_RUNS];
	uint64_t lapic_hz;     /* LAPIC timer input clock */
	uint64_t tsc_khz;
};

/* ---- mailbox ---- */

enum vmfo_mb_cmd {
	VMFO_MB_NONE = 0,
	VMFO_MB_PING,       /* answer with ack_val[0] = heartbeats so far */
	VMFO_MB_WILD_WRITE, /* arg[0] = gpa: write a byte there (fault injection) */
	VMFO_MB_MAX
};

struct vmfo_mailbox {
	uint64_t req_seq;   /* VMM: bumped after cmd/arg are written */
	uint32_t cmd;       /* VMM: enum vmfo_mb_cmd */
	uint32_t pad;
	uint64_t arg[6];    /* VMM */
	uint64_t ack_seq;   /* guest: req_seq of the last request answered */
	int64_t ack_status; /* guest: VMFO_OK or an error */
	uint64_t ack_val[4];
};

#endif
