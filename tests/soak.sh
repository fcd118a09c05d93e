#!/bin/sh
# soak.sh — a short soak: 24 chained failovers of every kind under ledger
# load, invariants checked after each; the judge finds nothing lost, no hot
# app lost, no false or missed detection, and nothing leaked. Also
# scripts/soak's usage errors.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
file=$(mktemp --suffix=.lua)
trap 'rm -f "$file"' EXIT
{ echo "SOAK_N = 24"; cat "$TOP_SRCDIR/scripts/soak_judge.lua" "$TOP_SRCDIR/scripts/soak.lua"; } >"$file"
run "$VMFO" run "$file"
is "$rc" 0 "24 chained failovers pass every check"
like "$out" '^# soak: 24 failovers in [0-9.]+ s cpu; faults: app crash [0-9]+, app hang [0-9]+, os hang [0-9]+, os panic [0-9]+, os triple [0-9]+, os wild [0-9]+$' \
	"every fault kind was used"
like "$out" '^# soak: [1-9][0-9]* ledger transactions committed, lost 0, hot apps lost 0, false detections 0, undetected faults 0, failover.error/app.lost/app.corrupt 0$' \
	"nothing lost, no hot app lost, no false or missed detection, no failover error"
like "$out" '^# soak: apps: db ledger seq [0-9]+ -> [0-9]+, running on vm[01], resumes [1-9][0-9]*; web kv seq [0-9]+ -> [0-9]+, running on vm[01], resumes [1-9][0-9]*; batch hog seq [0-9]+ -> [0-9]+, running on vm[01], resumes [1-9][0-9]*$' \
	"every hot app runs at the end and was resumed"
like "$out" '^# soak: vmm fds ([0-9]+) -> \1, ' "no fd leaked"
unlike "$out" '^# soak: (hot app lost|false detection|undetected fault|bad event|stopped early):' "no finding"

# With clients: db and web served, 2 clients on each through every round;
# each round's client history is judged.
{ echo "SOAK_N = 6"; echo "SOAK_CLIENTS = 2"; cat "$TOP_SRCDIR/scripts/soak_judge.lua" "$TOP_SRCDIR/scripts/soak.lua"; } >"$file"
run "$VMFO" run "$file"
is "$rc" 0 "6 failovers with clients pass every check"
like "$out" '^# soak: clients: 12 runs, [1-9][0-9]* acknowledged writes, lost 0, answered twice 0; worst blackout [0-9.]+ ms \(round [1-6]\)$' \
	"every round's client histories: writes acknowledged, none lost, none answered twice"
like "$out" '^# soak: vmm fds ([0-9]+) -> \1, ' "no fd leaked by the servers and clients"

# scripts/soak's usage errors come before it builds anything.
run "$TOP_SRCDIR/scripts/soak" 12x
is "$rc" 2 "scripts/soak with a bad N: exit 2"
like "$out" "^soak: N must be a number of failovers, not '12x'$" "and says why"
run "$TOP_SRCDIR/scripts/soak" 10 --load
is "$rc" 2 "--load without K: exit 2"
like "$out" '^soak: --load needs a number of busy loops$' "and says why"
run "$TOP_SRCDIR/scripts/soak" --loud 3
is "$rc" 2 "an unknown option: exit 2"
like "$out" '^usage: scripts/soak \[N\] \[--load K\] \[--clients C\]' "with the usage"
run "$TOP_SRCDIR/scripts/soak" 3 --clients many
is "$rc" 2 "--clients with a word: exit 2"
like "$out" "^soak: --clients C must be a number of clients, not 'many'$" "and says why"
done_testing
