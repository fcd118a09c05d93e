#!/bin/sh
# layers.sh — the source keeps its layers: front ends reach the monitor only
# through the typed API (vmfo.h), no module includes its way round in a
# circle, and no file grows past what a newcomer can read. Needs no KVM.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
src=${TOP_SRCDIR:-.}/src

# The project's own headers a file includes.
includes() {
	sed -n 's/^#include "\([^"]*\)".*/\1/p' "$1" | while read -r h; do
		[ -f "$src/$h" ] && echo "$h"
	done
}

# Every project header a file reaches, through the headers it includes.
reach() {
	seen=$(includes "$1")
	while :; do
		more=$(for h in $seen; do includes "$src/$h"; done)
		next=$(printf '%s\n%s\n' "$seen" "$more" | sort -u | grep .)
		[ "$next" = "$seen" ] && break
		seen=$next
	done
	printf '%s\n' "$seen"
}

# A file's module: its name up to the first '_' or '.' (cmd_pair.c and
# cmd_verbs.h are the command layer's, script_lib.c the Lua front end's).
module() {
	basename "$1" | sed 's/[_.].*//'
}

# 1. Front ends see the typed API, never the monitor's insides.
front_ends="cmd console view script bench main render serve client history chart plot"
for m in $front_ends; do
	for f in "$src/$m".c "$src/$m"_*.c; do
		[ -f "$f" ] || continue
		r=$(reach "$f")
		unlike "$r" '^monitor\.h$' "$(basename "$f") does not reach monitor.h"
	done
done

# 1b. The chart reads a trace and nothing else: events, the trace file,
# the small helpers, the file writer it shares with the plots, and its own
# headers (the handout's, chart_handout.h, among them).
for f in "$src"/chart*.c "$src"/chart*.h; do
	others=$(reach "$f" | grep -Ev '^(chart|chart_int|chart_handout|event|tracefile|util|figure_file)\.h$')
	is "$others" "" "$(basename "$f") reaches only event.h, tracefile.h, util.h, figure_file.h of vmfo's headers"
done

# 1c. The plots read a bench document (a JSON value) and nothing else of
# vmfo's: the small helpers, the file writer, and their own header.
for f in "$src"/plot*.c "$src"/plot*.h; do
	others=$(reach "$f" | grep -Ev '^(plot|util|figure_file)\.h$')
	is "$others" "" "$(basename "$f") reaches only util.h, figure_file.h of vmfo's headers"
done

# 2. No cycle among modules: module A includes a header of module B means
# A depends on B; tsort finds any loop.
edges=$(for f in "$src"/*.c "$src"/*.h; do
	a=$(module "$f")
	for h in $(includes "$f"); do
		b=$(module "$h")
		[ "$a" != "$b" ] && echo "$a $b"
	done
done)
loops=$(printf '%s\n' "$edges" | tsort 2>&1 >/dev/null)
is "$loops" "" "no include cycle among the modules of src/"

# 3. Files a newcomer can read: none over 600 lines.
long=$(wc -l "$src"/*.c "$src"/*.h | awk '$2 != "total" && $1 > 600 { print $2 ": " $1 " lines" }')
is "$long" "" "no file in src/ is over 600 lines"

# The check above must be able to fail: a made-up cycle is found.
made_up=$(printf 'a b\nb c\nc a\n' | tsort 2>&1 >/dev/null)
like "$made_up" 'loop' "tsort reports a made-up cycle (the check can fail)"

done_testing
