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

#define VMFO_ABI_VERSION 9
#define VMFO_BOOT_MAGIC 0x6f666d76746f6f62ULL /* "bootvmfo" */

/* ---- guest-physical and guest-virtual layout ---- */

/* Unit i of the pool appears at VMFO_POOL_GPA + i*unit in the VM owning it,
 * identity-mapped (virtual == physical) with 2 MiB user pages, so pointers
 * into storage stay valid when the storage changes owner. */
#define VMFO_POOL_GPA 0x100000000ULL
/* The OS kernel is linked here; the VMM maps it to the OS's first unit. */
#define VMFO_KERNEL_VA 0xFFFFFFFF80000000ULL

/* Layout of an OS's first unit (its "kernel unit"), as offsets. The VMM
 * copies the kernel image to offset 0 and builds the page tables, GDT, IDT
 * and TSS before the guest's first instruction, at host speed (at CPL0
 * every guest instruction is emulated on nested hosts); the guest only
 * loads the IDT and TSS. */
#define VMFO_KOFF_IMAGE 0x000000   /* kernel text, data, bss */
#define VMFO_KIMAGE_MAX 0x080000   /* 512 KiB */
#define VMFO_KOFF_BOOT 0x080000    /* struct vmfo_boot_info */
#define VMFO_KOFF_MAILBOX 0x081000 /* struct vmfo_mailbox */
#define VMFO_KOFF_CRASH 0x082000   /* crash record (issue 4) */
#define VMFO_KOFF_GDT 0x083000     /* GDT; the TSS follows at +0x100 */
#define VMFO_KOFF_TSS 0x083100
/* The TSS's I/O bitmap opens VMFO_IO_PORT, and only it, to ring 3 (the
 * apps' doorbell). It covers ports below VMFO_IOMAP_PORTS, all closed but
 * that one; the byte after it (0xff) is the terminator the CPU may read,
 * and the TSS's limit ends there, so every port above is closed too. */
#define VMFO_TSS_BYTES 104 /* a 64-bit TSS; the bitmap follows */
#define VMFO_IOMAP_PORTS 0x800
#define VMFO_TSS_LIMIT (VMFO_TSS_BYTES + VMFO_IOMAP_PORTS / 8) /* the terminator */
#define VMFO_KOFF_IDT 0x084000     /* IDT: 256 16-byte interrupt gates */
#define VMFO_IDT_LIMIT (256 * 16 - 1)
#define VMFO_KOFF_PT 0x100000      /* page tables, up to the end of the unit */
#define VMFO_KUNIT_MIN 0x200000    /* the kernel unit is at least 2 MiB */

/* The kernel image starts with a jump over its header, which lies at
 * VMFO_KHDR_OFF in the image (guests/kernel.ld puts it there): what the
 * VMM needs from the kernel to build its IDT and TSS. Addresses are the
 * kernel's own (virtual, from VMFO_KERNEL_VA). */
#define VMFO_KHDR_OFF 0x10
#define VMFO_KHDR_MAGIC 0x7264686b6f666d76ULL /* "vmfokhdr" */
struct vmfo_kernel_header {
	uint64_t magic;
	uint64_t stubs, stubs_end; /* the trap stubs: {vector, handler} pairs of uint64_t */
	uint64_t kstack_top;       /* the TSS's rsp0: traps from ring 3 switch to it */
	uint64_t ist_top;          /* the TSS's IST1: the double fault's own stack */
};

/* GDT selectors (the VMM's GDT and the guest's segment loads agree). */
#define VMFO_SEL_KCODE 0x08
#define VMFO_SEL_KDATA 0x10
#define VMFO_SEL_UDATA 0x1b /* 0x18 | RPL 3 */
#define VMFO_SEL_UCODE 0x23 /* 0x20 | RPL 3 */
#define VMFO_SEL_TSS 0x28   /* 16-byte descriptor: entries 5 and 6 */

/* The guest's timer tick: its scheduling quantum and the app watchdog's
 * clock. It follows the heartbeat period down to VMFO_DEFAULT_TICK_MS and
 * no further: the heartbeat asks nothing of the guest's timer (the VMM
 * reads the OS's pulse, see struct vmfo_mailbox), and every tick runs the
 * kernel at CPL0, which nested hosts emulate. */
#define VMFO_DEFAULT_TICK_MS 10
static inline uint32_t vmfo_tick_ms(uint32_t heartbeat_ms)
{
	return heartbeat_ms > VMFO_DEFAULT_TICK_MS ? heartbeat_ms : VMFO_DEFAULT_TICK_MS;
}

/* Interrupt vectors the guest installs. */
#define VMFO_VEC_TIMER 0x40    /* LAPIC periodic timer: scheduling, polling */
#define VMFO_VEC_DOORBELL 0x41 /* KVM_SIGNAL_MSI from the VMM: mailbox */
#define VMFO_VEC_SPURIOUS 0xff

/* ---- hypercalls ---- */

#define VMFO_HC_PORT 0x500

enum vmfo_hc {
	VMFO_HC_RESERVED = 0, /* never valid: catches a zeroed port */
	VMFO_HC_READY,        /* struct vmfo_hc_ready */
	VMFO_HC_CONSOLE,      /* struct vmfo_hc_console */
	VMFO_HC_ACK,          /* struct vmfo_hc_ack: a mailbox request is answered */
	VMFO_HC_REPORT,       /* struct vmfo_hc_units: this app uses these units (claim 5, 6) */
	VMFO_HC_REQUEST,      /* struct vmfo_hc_request: the OS lacks storage (claim 5) */
	VMFO_HC_APP_EVENT,    /* struct vmfo_hc_app_event: started, loaded, resumed, ... */
	VMFO_HC_APP_FAILURE,  /* struct vmfo_hc_app_event: unrecoverable app fault (claim 6, 9) */
	VMFO_HC_PANIC,        /* struct vmfo_hc_panic: the OS panicked; crash record written */
	VMFO_HC_AUX_READ,     /* struct vmfo_hc_aux_read: read the auxiliary image (claim 2) */
	VMFO_HC_RELEASE,      /* struct vmfo_hc_units (app_id unused): give units back */
	VMFO_HC_MAX
};

/* Status the VMM writes back into a hypercall struct. */
#define VMFO_OK 0
#define VMFO_EINVAL 1  /* malformed argument */
#define VMFO_EFAULT 2  /* an address outside the VM's own storage */
#define VMFO_EVERSION 3
#define VMFO_ENOSPC 4  /* no storage to give */
#define VMFO_ENOENT 5  /* no such app or program */
#define VMFO_EBUSY 6   /* the last such request has not been carried out yet */
/* The guest presets status to this: a call the VMM refused outright (its
 * argument was not in the VM's storage) leaves it there. */
#define VMFO_ENOREPLY 0xffffffffu

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

#define VMFO_MAX_APPS 8 /* per OS */

/* A set of pool units as runs, in hypercalls and mailbox data. */
#define VMFO_MAX_RUNS 16
struct vmfo_runs {
	uint32_t nruns;
	uint32_t pad;
	struct {
		uint32_t first, count;
	} run[VMFO_MAX_RUNS];
};

/* How an OS computed an app's storage from its program's needs (claim 5):
 * bytes = fixed_bytes + item_bytes x items, rounded up to `units` whole
 * units. items 0: nothing was computed (a size the VMM gave in MB, a
 * takeover's report, a release). The VMM checks the arithmetic and shows
 * it in os.report (need_mb, how). */
struct vmfo_need_calc {
	uint64_t items;       /* how many of the program's items */
	uint64_t item_bytes;  /* storage per item, from the program's header */
	uint64_t fixed_bytes; /* header, code and stack, from the program's header */
	uint64_t bytes;       /* fixed_bytes + item_bytes x items */
	uint64_t units;       /* bytes rounded up to whole units */
	char item[16];        /* the item's name, NUL-terminated: "records" */
};

struct VMFO_HC_ARG vmfo_hc_units {
	uint64_t app_id;       /* IN */
	struct vmfo_runs runs; /* IN: every unit the app uses */
	uint32_t status;       /* OUT */
	uint32_t pad;
	struct vmfo_need_calc calc; /* IN, REPORT only: what the OS computed, or zero */
};

struct VMFO_HC_ARG vmfo_hc_request {
	uint64_t units;        /* IN: how many more units the OS needs */
	struct vmfo_runs runs; /* OUT: the units granted */
	uint32_t status;       /* OUT: VMFO_OK or VMFO_ENOSPC */
	uint32_t pad;
};

enum vmfo_app_what {
	VMFO_APP_STARTED = 1, /* fresh start, state initialised */
	VMFO_APP_LOADED,      /* program read from the auxiliary image */
	VMFO_APP_ALLOCATED,   /* OS allocated the app's units from what it holds */
	VMFO_APP_RESUMED,     /* state found and verified: seq, hash */
	VMFO_APP_RESTARTED,   /* recoverable fault handled locally */
	VMFO_APP_FAULT,       /* fault-level routine saw a fault: kind, level */
	VMFO_APP_CORRUPT,     /* state failed verification on resume */
	VMFO_APP_VERIFIED,    /* the full check after a resume: kind, checked */
	VMFO_APP_WHAT_MAX
};

/* Where an OS loaded an app's program from (LOADED: in `kind`). */
enum vmfo_load_src { VMFO_LOAD_AUX = 1, VMFO_LOAD_SRC_MAX };

enum vmfo_level { VMFO_LEVEL_RECOVERABLE = 1, VMFO_LEVEL_UNRECOVERABLE = 2 };

struct VMFO_HC_ARG vmfo_hc_app_event {
	uint64_t app_id;       /* IN */
	uint32_t what;         /* IN: enum vmfo_app_what */
	uint32_t kind;         /* IN: enum vmfo_app_fault for faults; vmfo_load_src for LOADED */
	uint32_t level;        /* IN: enum vmfo_level for faults */
	uint32_t status;       /* OUT */
	uint64_t seq, hash;    /* IN: for STARTED, RESUMED, RESTARTED */
	struct vmfo_runs runs; /* IN: for ALLOCATED */
	uint64_t checked;      /* IN: for VERIFIED: pages (VMFO_CHECK_PAGE) checked */
};

struct VMFO_HC_ARG vmfo_hc_panic {
	uint64_t reason;       /* IN: enum vmfo_os_fault that led here */
	uint32_t status;       /* OUT */
	uint32_t pad;
};

struct VMFO_HC_ARG vmfo_hc_aux_read {
	uint64_t offset;       /* IN: byte offset in the auxiliary image */
	uint64_t gpa;          /* IN: destination in the OS's own storage */
	uint64_t len;          /* IN */
	uint32_t status;       /* OUT */
	uint32_t pad;
};

/* A console line, formatted by the VMM: the guest names its format string
 * and passes the numbers. In the format, %u takes the next number in
 * decimal, %x in hexadecimal, %% is a percent sign; anything else after a
 * % is refused, as is a conversion with no number left. Building the text
 * at CPL0 cost about 1 us an instruction on nested hosts; the VMM does it
 * at host speed. */
#define VMFO_CONSOLE_MAX 200
#define VMFO_CONSOLE_ARGS 6
struct VMFO_HC_ARG vmfo_hc_console {
	uint64_t gpa;    /* IN: the format (need not be NUL-terminated) */
	uint32_t len;    /* IN: its length, at most VMFO_CONSOLE_MAX */
	uint32_t status; /* OUT */
	uint64_t arg[VMFO_CONSOLE_ARGS]; /* IN: the numbers, in order */
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
	uint64_t tsc_khz;      /* 0: unknown */
	/* The app watchdog: an app that ran this long in ring 3 (its own
	 * time, not the host's or the kernel's) without progress is hung. */
	uint32_t app_watchdog_ms;
	uint32_t pad;
};

/* ---- mailbox ---- */

enum vmfo_mb_cmd {
	VMFO_MB_NONE = 0,
	VMFO_MB_PING,       /* answer with ack_val[0] = heartbeats so far */
	VMFO_MB_APP_START,  /* arg: app id, program, units, hot, items: claim 5. units 0:
			     * the OS computes them from the program's needs for `items`
			     * (0: the program's default); ack_val = its computation */
	VMFO_MB_APP_GROW,   /* arg: app id, more units, items: claim 5. more units 0: the OS
			     * computes what `items` need in all and adds the difference */
	VMFO_MB_APP_FAULT,  /* arg: app id, enum vmfo_app_fault */
	VMFO_MB_OS_FAULT,   /* arg: enum vmfo_os_fault; for WILD, arg[1] = the gpa */
	VMFO_MB_DISCONNECT, /* arg: app id, release; runs = the app's storage: disconnection
			     * routine (claim 9); ack_runs = the runs it let go */
	VMFO_MB_ATTACH,     /* runs; arg[0] = failed OS's kernel unit + 1, or 0: engaging routine;
			     * ack_runs = the runs it engaged, ack_val[0] = the unit + 1 whose
			     * crash record it read (0: none), ack_val[1] = 1 if one was there */
	VMFO_MB_ACTIVATE,   /* arg: app id, program, header unit; runs = its storage (claims 2, 6, 7) */
	VMFO_MB_HOSTILE,    /* test mode: arg[0] = enum vmfo_hostile, arg[1] = a foreign gpa */
	VMFO_MB_RELEASE,    /* arg[0] = units to keep free at most: give the rest back */
	VMFO_MB_MAX
};

enum vmfo_app_fault {
	VMFO_APP_FAULT_CRASH = 1, /* a faulting instruction: unrecoverable */
	VMFO_APP_FAULT_HANG,      /* stops making progress: unrecoverable */
	VMFO_APP_FAULT_ERROR,     /* a trap the app can recover from: recoverable */
	VMFO_APP_FAULT_MAX
};

enum vmfo_os_fault {
	VMFO_OS_FAULT_PANIC = 1, /* writes a crash record, reports, stops */
	VMFO_OS_FAULT_HANG,      /* interrupts off, halted: heartbeats stop */
	VMFO_OS_FAULT_TRIPLE,    /* an exception with no IDT: KVM_EXIT_SHUTDOWN */
	VMFO_OS_FAULT_WILD,      /* writes storage it does not own */
	VMFO_OS_FAULT_ENGAGE_HANG, /* arms: hang when the next attach request comes */
	VMFO_OS_FAULT_ACTIVATE_HANG, /* arms: answer the next activate request, then hang */
	VMFO_OS_FAULT_MAX
};

struct vmfo_mailbox {
	uint64_t req_seq;   /* VMM: bumped after cmd/arg/runs are written */
	uint32_t cmd;       /* VMM: enum vmfo_mb_cmd */
	uint32_t pad;
	uint64_t arg[6];    /* VMM */
	struct vmfo_runs runs; /* VMM: storage named by DISCONNECT, ATTACH and ACTIVATE */
	uint64_t ack_seq;   /* guest: req_seq of the last request answered */
	int64_t ack_status; /* guest: VMFO_OK or an error */
	uint64_t ack_val[4];
	/* guest: the storage its answer names (DISCONNECT: let go; ATTACH:
	 * engaged), from its own records; nruns 0 for any other request.
	 * Written before ack_seq. The VMM trusts none of it. */
	struct vmfo_runs ack_runs;
	/* guest: bumped at every entry to its kernel (timer tick, doorbell,
	 * system call, trap). With its apps' progress counters, this is the
	 * heartbeat: the VMM reads them where they lie, and an OS that shows
	 * neither is sent a doorbell, which makes a live kernel run. */
	uint64_t pulse;
};

/* Test mode: ways a broken or hostile OS misuses the hypercall interface.
 * The VMM must refuse each (vmm.reject) and change nothing. */
enum vmfo_hostile {
	VMFO_HOSTILE_ARG_FOREIGN = 1, /* argument struct in storage it does not own */
	VMFO_HOSTILE_ARG_BEYOND,      /* argument address past the pool window */
	VMFO_HOSTILE_LENGTH,          /* console text of absurd length */
	VMFO_HOSTILE_TEXT_FOREIGN,    /* console text in storage it does not own */
	VMFO_HOSTILE_UNKNOWN,         /* a hypercall number that does not exist */
	VMFO_HOSTILE_DIRECTION,       /* reads the hypercall port instead of writing */
	VMFO_HOSTILE_CLAIM,           /* reports an app on units it does not own */
	VMFO_HOSTILE_REQUEST,         /* asks for more units than any pool has */
	VMFO_HOSTILE_AUX,             /* reads past the auxiliary image */
	VMFO_HOSTILE_ACK,             /* answers a mailbox request never made */
	VMFO_HOSTILE_FLOOD,           /* keeps sending bad hypercalls */
	VMFO_HOSTILE_ACK_RUNS,        /* arms: answer the next DISCONNECT with runs outside the pool */
	VMFO_HOSTILE_LOADED,          /* says it loaded app 0 with no start or activation under way */
	VMFO_HOSTILE_FORMAT,          /* a console format with a conversion it cannot fill */
	VMFO_HOSTILE_VERIFIED,        /* says app 0 checked more pages than any app holds */
	VMFO_HOSTILE_MAX
};

/* ---- the crash record, in the OS's kernel unit at VMFO_KOFF_CRASH ---- */

#define VMFO_CRASH_MAGIC 0x6873617263736f76ULL /* "voscrash" */
struct vmfo_crash_record {
	uint64_t magic;
	uint64_t reason;     /* enum vmfo_os_fault */
	uint64_t ticks;      /* timer ticks since boot */
	uint64_t napps;
	struct {
		uint64_t id, seq;
	} app[VMFO_MAX_APPS];
};

/* ---- applications: programs in the auxiliary image, state in storage ---- */

/* What a program needs, declared by the program itself in the first
 * bytes of its binary (VMFO_PROG_OFF_NEEDS; guests/apps/app.h's
 * VMFO_NEEDS()), copied by mkaux into its directory entry, and read by the
 * OS, which computes an app's storage from it (claim 5):
 *   bytes = fixed_bytes + item_bytes x items, rounded up to whole units.
 * An item is what the program keeps one of per unit of work: a ledger's
 * records, a key-value store's keys, a hog's MiB of pages. */
#define VMFO_NEEDS_MAGIC 0x6465656e6f666d76ULL /* "vmfoneed" */
enum vmfo_needs_flags {
	/* A grow by items adds storage the program uses (it re-sizes itself
	 * to what it holds); without it, only the MB shorthand can grow it. */
	VMFO_NEEDS_GROWS = 1,
	/* The program serves requests from its I/O ring (VMFO_APP_OFF_IO). */
	VMFO_NEEDS_SERVES = 2,
};
struct vmfo_prog_needs {
	uint64_t magic;        /* VMFO_NEEDS_MAGIC */
	uint64_t fixed_bytes;  /* header, code and stack: at least VMFO_APP_OFF_DATA */
	uint64_t item_bytes;   /* storage per item, at least 1 */
	uint64_t item_default; /* items when none are given */
	uint64_t item_min;     /* fewest items the program works with, at least 1 */
	char item[16];         /* the item's name, NUL-terminated: "records" */
	uint32_t flags;        /* enum vmfo_needs_flags */
	uint32_t pad;
};
/* A program's binary starts with its needs; its entry point follows. */
#define VMFO_PROG_OFF_NEEDS 0x00
#define VMFO_PROG_OFF_ENTRY 0x40

#define VMFO_AUX_MAGIC 0x78756f666d76ULL /* "vmfoux" */
#define VMFO_AUX_MAX_PROGS 8
struct vmfo_aux_dir {
	uint64_t magic;
	uint64_t nprogs;
	struct {
		char name[16];
		uint64_t offset, size; /* in the image */
		struct vmfo_prog_needs needs; /* a copy of the program's own */
	} prog[VMFO_AUX_MAX_PROGS];
};

/* An app's region: its header, code, stack and data, all in its own units,
 * so that whoever holds the units holds the app's whole state. */
#define VMFO_APP_OFF_HDR 0x0000
#define VMFO_APP_OFF_CODE 0x1000
#define VMFO_APP_CODE_MAX 0x10000
#define VMFO_APP_OFF_STACK_TOP 0x21000
#define VMFO_APP_OFF_DATA 0x21000

#define VMFO_APP_MAGIC 0x7070616f666d76ULL /* "vmfoapp" */
enum vmfo_verify { VMFO_VERIFY_FRESH = 0, VMFO_VERIFY_OK = 1, VMFO_VERIFY_BAD = 2 };

struct vmfo_app_hdr {
	uint64_t magic;      /* VMFO_APP_MAGIC once the app initialised its state */
	uint64_t seq;        /* committed transactions / operations: the commit point */
	uint64_t hash;       /* hash chained over every committed transaction */
	uint64_t progress;   /* bumped every loop; the OS's app watchdog reads it */
	uint32_t inject;     /* OS -> app: an enum vmfo_app_fault to execute */
	uint32_t verify;     /* app -> OS: enum vmfo_verify of its last start, then
			      * of its full check (VMFO_SYS_VERIFIED) */
	uint64_t nextents;   /* OS -> app: the region, as extents */
	struct {
		uint64_t gpa, bytes;
	} extent[VMFO_MAX_RUNS];
	uint64_t scratch[8]; /* the program's own bookkeeping */
	uint64_t checked;    /* app -> OS: pages of VMFO_CHECK_PAGE its full check read */
};
#define VMFO_CHECK_PAGE 4096

/* ---- the I/O control unit: a request ring in the app's own storage ----
 *
 * The VMM posts clients' requests into the ring at VMFO_APP_OFF_IO of the
 * app's first unit; the app answers in the same slots and then rings the
 * doorbell, a one-byte `out` to VMFO_IO_PORT from ring 3 (the OS's TSS I/O
 * bitmap opens that one port to CPL3). Since the ring lies in the app's
 * storage it moves with the app: the OS taking over finds the requests in
 * flight where the failed side left them. docs/protocol.md has the rules. */
#define VMFO_APP_OFF_IO 0x800
#define VMFO_IO_PORT 0x5f0
#define VMFO_IO_MAGIC 0x676e69726f666d76ULL /* "vmforing" */
#define VMFO_IO_SLOTS 16

enum vmfo_io_op {
	VMFO_IO_APPEND = 1, /* ledger: value = a transaction; ans_seq = its seq */
	VMFO_IO_READ,       /* ledger: key = a seq; ans_value = its transaction */
	VMFO_IO_PUT,        /* kv: key, value; ans_seq = the key's new version */
	VMFO_IO_GET,        /* kv: key; ans_seq = its version, ans_value = its value */
	VMFO_IO_OP_MAX
};

enum vmfo_io_status {
	VMFO_IO_OK = 0,
	VMFO_IO_NONE,  /* read: that seq is not committed yet */
	VMFO_IO_GONE,  /* read: overwritten, the log no longer holds it */
	VMFO_IO_RANGE, /* put, get: the store has no such key */
	VMFO_IO_BADOP, /* not an operation of this program */
	VMFO_IO_STATUS_MAX
};

struct vmfo_io_slot {
	uint64_t id;        /* VMM: the request's id, never 0 */
	uint32_t op;        /* VMM: enum vmfo_io_op */
	uint32_t status;    /* app: enum vmfo_io_status */
	uint64_t key;       /* VMM */
	uint64_t value;     /* VMM */
	uint64_t ans_seq;   /* app */
	uint64_t ans_value; /* app */
	uint64_t ans_id;    /* app: = id once the answer above is written */
	uint64_t pad;
};

struct vmfo_io_ring {
	uint64_t magic;    /* VMM: VMFO_IO_MAGIC while the channel is open */
	uint32_t served;   /* VMM: 1 while open: the app commits only what it is asked */
	uint32_t nslots;   /* VMM: VMFO_IO_SLOTS */
	uint64_t head;     /* VMM: requests posted; request n lies in slot n % nslots */
	uint64_t tail;     /* app: requests answered, written after the answer */
	uint64_t reserved[4];
	struct vmfo_io_slot slot[VMFO_IO_SLOTS];
};

/* System calls from an app (ring 3) to its OS: the app executes `hlt` with
 * rax = number (a #GP at CPL3 that the OS recognises); the app's header is
 * the only argument.
 * An app may resume on a check of only what it needs to go on (READY),
 * and check the rest of its state in ring 3 while it serves: VERIFIED
 * then says the full check is done, its result in `verify` and its size
 * in `checked`. A bad result stops the app. */
enum vmfo_sys { VMFO_SYS_READY = 1, VMFO_SYS_YIELD = 2, VMFO_SYS_VERIFIED = 3 };

_Static_assert(sizeof(struct vmfo_io_slot) == 64 && sizeof(struct vmfo_io_ring) == 64 + 64 * VMFO_IO_SLOTS,
	       "the ring's layout is documented in docs/protocol.md");
_Static_assert(sizeof(struct vmfo_app_hdr) <= VMFO_APP_OFF_IO &&
		       VMFO_APP_OFF_IO + sizeof(struct vmfo_io_ring) <= VMFO_APP_OFF_CODE,
	       "the ring lies between the app's header and its code");

#endif
