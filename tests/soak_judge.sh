#!/bin/sh
# soak_judge.sh — the soak's judge (scripts/soak_judge.lua) on fabricated
# evidence: a clean run passes, and a seq going back, a hot app missing or
# parked, a false hang or heartbeat, an undetected fault, app.lost,
# app.corrupt, failover.error and a client history with writes lost or
# answered twice each make it fail with the right finding;
# the soak's own checks fail on bad evidence, saying what was found.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
cd "$TOP_SRCDIR" || exit 1
file=$(mktemp --suffix=.lua)
trap 'rm -f "$file"' EXIT

cat scripts/soak_judge.lua tests/lua-cases/soak_judge.lua >"$file"
run "$VMFO" run "$file"
is "$rc" 0 "the judge finds each kind of bad evidence, and nothing in a clean run"
unlike "$out" "check failed" "no check failed"
like "$out" '^# soak: 300 ledger transactions committed, lost 0, hot apps lost 0, false detections 0, undetected faults 0, failover.error/app.lost/app.corrupt 0$' \
	"a clean run's summary"

{ echo "REPORT_BAD = true"; cat scripts/soak_judge.lua tests/lua-cases/soak_judge.lua; } >"$file"
run "$VMFO" run "$file"
is "$rc" 1 "the soak's checks fail on bad evidence"
like "$out" '^# soak: [0-9]+ ledger transactions committed, lost 240, hot apps lost 2, false detections 1, undetected faults 1, failover.error/app.lost/app.corrupt 1$' \
	"the summary counts what went wrong"
like "$out" '^#   check failed: lost 240 acknowledged transactions ' "lost transactions fail the run"
like "$out" '^# soak: clients: 2 runs, 90 acknowledged writes, lost 7, answered twice 0; worst blackout 9.0 ms \(round 2\)$' \
	"the clients' summary counts the writes their history shows lost"
like "$out" '^#   check failed: clients: lost 7 acknowledged writes, answered twice 0 ' "writes lost to clients fail the run"
like "$out" '^# soak: clients: round 1: db: 7 acknowledged writes lost, 0 answered twice$' "the round is named"
like "$out" '^#   check failed: hot apps lost 2: db, web ' "lost hot apps fail the run, named"
like "$out" '^#   check failed: false detections 1 ' "a false detection fails the run"
like "$out" '^#   check failed: undetected faults 1 ' "an undetected fault fails the run"
like "$out" '^#   check failed: failover.error/app.lost/app.corrupt 1 ' "app.lost fails the run"
like "$out" '^# soak: hot app lost: db: seq went back from 200 to 0 \(after round 1, then after round 2\)$' "db's seq going back is shown"
like "$out" '^# soak: hot app lost: db: round 2: app.lost app=db vm=vm0 acked=240 seq=0 \(event 100\)$' "db's app.lost is shown"
like "$out" '^# soak: hot app lost: web: missing at the end$' "web missing at the end is shown"
like "$out" '^# soak: false detection: round 2: app.fault app=web kind=hang level=unrecoverable \(event 92\); injected: app crash on db$' \
	"the false hang is shown with what was injected"
like "$out" '^# soak: undetected fault: round 3: os hang on vm1$' "the undetected fault is shown"
done_testing
