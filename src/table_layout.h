/* table_layout.h — the resource management table of claim 3 as it lies in
 * main storage: a fixed binary layout, written and read in place.
 *
 * Once the pair is booted the table lives in the VMM's own unit of the pool
 * (the `vmm` row, which is mapped into no VM), TABLE_OFFSET bytes from the
 * unit's start; the master copy of the guest image fills the unit's first
 * 512 KiB. The verbs in table.c change these bytes and nothing else: there
 * is no other copy. Before boot and after a reset the table, then empty,
 * lies in the VMM process (struct table's `fallback`), laid out the same.
 *
 * All integers are little-endian (the host's order); every field has a
 * fixed offset, checked below, so `table raw` can decode the bytes and a
 * change of layout must change TABLE_VERSION.
 *
 *   offset  size  header (struct table_header, 64 bytes)
 *   0x00    8     magic "VMFOTABL" (no NUL)
 *   0x08    4     version (TABLE_VERSION)
 *   0x0c    4     header size: where row 0 starts (64)
 *   0x10    4     row size (548)
 *   0x14    4     row slots (TABLE_MAX_ROWS = 40)
 *   0x18    4     rows in use
 *   0x1c    4     units in the pool
 *   0x20    8     bytes per unit
 *   0x28    4     the unit the table lies in, or TABLE_NO_HOME (0xffffffff)
 *   0x2c    20    reserved, zero
 *
 *   offset  size  each row slot (struct row, 548 bytes), row i at
 *                 64 + i * 548 from the header
 *   0x00    1     used: 1 when the slot is a row
 *   0x01    1     kind: 0 vmm, 1 os, 2 app, 3 io (an app's I/O channel,
 *                 holding no units; enum row_kind)
 *   0x02    1     hot: apps, 1 for a hot-standby job (claims 5, 8)
 *   0x03    1     reserved, zero
 *   0x04    4     vm: the VM the units are mapped in, -1 for none
 *   0x08    4     control: apps, the OS (VM) controlling it, -1 for none
 *   0x0c    4     takeover: the OS that takes the row over when it fails
 *                 (apps: when the app or its OS fails; an OS: its own
 *                 storage when it fails), -1 for none
 *   0x10    16    name, NUL-terminated
 *   0x20    4     runs: how many runs of units follow (at most 64)
 *   0x24    512   64 runs of {first unit, count}, 4 bytes each; unused zero
 *
 * The whole table is 64 + 40 * 548 = 21984 bytes. */
#ifndef VMFO_TABLE_LAYOUT_H
#define VMFO_TABLE_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "units.h"

#define TABLE_MAGIC "VMFOTABL" /* the first 8 bytes, without the NUL */
#define TABLE_MAGIC_LEN 8
#define TABLE_VERSION 1
#define TABLE_OFFSET 0x100000u /* from the start of the VMM's unit */
#define TABLE_NO_HOME UINT32_MAX
#define TABLE_MAX_ROWS 40
#define ROW_NAME_MAX 16
#define NO_VM (-1)

enum row_kind { ROW_VMM = 0, ROW_OS = 1, ROW_APP = 2, ROW_IO = 3 };

struct table_header {
	char magic[TABLE_MAGIC_LEN];
	uint32_t version;
	uint32_t header_bytes;
	uint32_t row_bytes;
	uint32_t rows;
	uint32_t used;
	uint32_t nunits;
	uint64_t unit_bytes;
	uint32_t home_unit;
	uint32_t reserved[5];
};

struct row {
	uint8_t used;
	uint8_t kind;        /* enum row_kind */
	uint8_t hot;         /* apps: a hot-standby job (claims 5, 8) */
	uint8_t reserved;
	int32_t vm;          /* VM the units are mapped in, or NO_VM */
	int32_t control;     /* apps: the OS (VM index) controlling it */
	int32_t takeover;    /* the OS that takes the row over on failure */
	char name[ROW_NAME_MAX];
	struct units units;  /* the storage this row holds; its use amount
			      * (claim 3) is row_bytes() */
};

/* The table's bytes: what lies at TABLE_OFFSET of the VMM's unit. */
struct table_store {
	struct table_header hdr;
	struct row row[TABLE_MAX_ROWS];
};

_Static_assert(sizeof(struct run) == 8 && sizeof(struct units) == 4 + 8 * UNITS_MAX_RUNS,
	       "a row's units: a count, then 64 runs of two 4-byte numbers");
#define TABLE_AT(type, field, off) (offsetof(struct type, field) == (off))
_Static_assert(sizeof(struct table_header) == 64 && TABLE_AT(table_header, version, 0x08) &&
		       TABLE_AT(table_header, header_bytes, 0x0c) &&
		       TABLE_AT(table_header, row_bytes, 0x10) &&
		       TABLE_AT(table_header, rows, 0x14) &&
		       TABLE_AT(table_header, used, 0x18) && TABLE_AT(table_header, nunits, 0x1c) &&
		       TABLE_AT(table_header, unit_bytes, 0x20) &&
		       TABLE_AT(table_header, home_unit, 0x28),
	       "the header's layout is documented above");
_Static_assert(sizeof(struct row) == 548 && TABLE_AT(row, kind, 0x01) && TABLE_AT(row, hot, 0x02) &&
		       TABLE_AT(row, vm, 0x04) && TABLE_AT(row, control, 0x08) &&
		       TABLE_AT(row, takeover, 0x0c) && TABLE_AT(row, name, 0x10) &&
		       TABLE_AT(row, units, 0x20),
	       "a row's layout is documented above");
_Static_assert(offsetof(struct table_store, row) == sizeof(struct table_header) &&
		       sizeof(struct table_store) == 64 + TABLE_MAX_ROWS * 548,
	       "the rows follow the header with no gap");

#endif
