/* tracefile.h — the trace as JSON lines, both ways: one event per line, as
 * --trace FILE and 'trace save FILE' write it and 'vmfo check FILE' reads
 * it back. A line read back is the event that was written, byte for byte. */
#ifndef VMFO_TRACEFILE_H
#define VMFO_TRACEFILE_H

#include <stddef.h>
#include <stdio.h>

#include "event.h"
#include "util.h"

/* Write ev as one line:
 *   {"t_us":130218,"seq":13,"ev":"vmm.detach","claims":[1,4,6,7],"vm":"vm0"}
 * then the fields in order, all values strings. A field named like one of
 * the four top-level keys is written as app_KEY (app.resumed has a seq of
 * its own). A byte outside printable ASCII is written as \u00XX. 0, or -1
 * with errno set when the line could not be made or written. */
int event_write_json(const struct event *ev, FILE *f);

/* Parse one line (len bytes, no newline needed) into *ev. seq and t_us may
 * be left out (then 0), claims too (then the vocabulary's); ev is required.
 * 0, or -1 with why filled: "not a JSON object", "event without a name",
 * "field 'units' is longer than 95 bytes", ... */
int event_from_json(const char *line, size_t len, struct event *ev, char *why, size_t whylen);

/* Read a whole trace file. Blank lines are skipped; an event without a seq
 * gets its place among the events. Returns a malloc'd array (free() it;
 * not NULL even for an empty file) with *n events, or NULL with e filled,
 * naming the file and the line: "t.jsonl:17: not a JSON object". */
struct event *trace_read_jsonl(const char *path, size_t *n, struct err *e);

#endif
