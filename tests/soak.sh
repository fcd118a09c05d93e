#!/bin/sh
# soak.sh — a short soak: 24 chained failovers of every kind under ledger
# load, invariants and continuity checked after each, nothing leaked.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
file=$(mktemp --suffix=.lua)
trap 'rm -f "$file"' EXIT
{ echo "SOAK_N = 24"; cat "$TOP_SRCDIR/scripts/soak.lua"; } >"$file"
run "$VMFO" run "$file"
is "$rc" 0 "24 chained failovers pass every check"
like "$out" '^# soak: 24 failovers in [0-9.]+ s cpu; faults: app crash [0-9]+, app hang [0-9]+, os hang [0-9]+, os panic [0-9]+, os triple [0-9]+, os wild [0-9]+$' \
	"every fault kind was used"
like "$out" '^# soak: [1-9][0-9]* ledger transactions committed, 0 lost; vmm fds ([0-9]+) -> \1, ' "nothing lost, no fd leaked"
done_testing
