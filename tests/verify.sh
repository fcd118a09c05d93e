#!/bin/sh
# verify.sh — a hog (and a ledger) resumes on a check of what it needs to
# go on (app.resumed) and checks the rest afterwards (app.verified), in that
# order; a page damaged while its storage was handed over (vmfo.corrupt,
# test mode) still ends in app.corrupt, and the takeover that handed it
# over FAILs. Never a timing: only what happened, and in which order.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A 4 MB hog has 991 data pages; wait until it has written them all.
written='lua n = 0; lua while vmfo.app_state("h").seq < 991 and n < 600 do vmfo.sleep(50) n = n + 1 end'
data=135168 # VMFO_APP_OFF_DATA: its first page

# The app.resumed, app.verified and app.corrupt lines of h, in order.
checks() {
	events "$1" | grep -E '^app\.(resumed|verified|corrupt|restarted) app=h '
}

run "$VMFO" -c "boot; app start h 4 prog=hog hot; $written; fault app h crash; wait app.verified 10000; sleep 100; app list; check; trace 100"
is "$rc" 0 "a hog taken over verifies"
is "$(checks "$out")" "app.resumed app=h vm=vm1 seq=N hash=H acked=N
app.verified app=h vm=vm1 pages=991 result=ok" "app.resumed, then app.verified: all 991 pages read back after it resumed"
like "$(events "$out" | grep '^app.resumed')" 'seq=N' "resumed at the seq it had written"
like "$out" 'app\.verified +app=h vm=vm1 pages=991 result=ok fo=1$' "app.verified belongs to the takeover (fo=1)"
like "$(row "$out" h | grep hog)" '^h +hog +vm1 +running +4 +yes +991 ' "h runs on vm1"
unlike "$out" 'claim [0-9]: FAIL|app\.corrupt|app\.lost|vmm\.reject' "no claim fails, nothing corrupt, nothing refused"

# An OS failover: each hot app resumes, and the hog checks the rest after.
run "$VMFO" -c "boot; app start db 8 hot; app start h 4 prog=hog hot; $written; fault os panic; lua vmfo.wait('app.verified', {app = 'h', timeout_ms = 10000}); lua vmfo.wait('app.verified', {app = 'db', timeout_ms = 10000}); check; trace 100"
is "$(checks "$out")" "app.resumed app=h vm=vm1 seq=N hash=H acked=N
app.verified app=h vm=vm1 pages=991 result=ok" "an OS takeover: the hog resumes, then verifies"
is "$(events "$out" | grep -E '^app\.(resumed|verified) app=db ' | sed 's/pages=[0-9]*/pages=P/')" "app.resumed app=db vm=vm1 seq=N hash=H acked=N
app.verified app=db vm=vm1 pages=P result=ok" "so does the ledger: its newest entry before it resumes, the rest of its chain after"
unlike "$out" 'claim [0-9]: FAIL|app\.corrupt' "no claim fails"

# A recoverable fault restarts it in place: the same check, no takeover.
run "$VMFO" -c "boot; app start h 4 prog=hog; $written; fault app h error; wait app.verified; trace 100"
is "$(checks "$out")" "app.restarted app=h vm=vm0
app.verified app=h vm=vm0 pages=991 result=ok" "a restart: app.restarted, then app.verified"
unlike "$(events "$out" | grep '^app.verified')" 'fo=' "a restart's check belongs to no takeover"

# Damaged while handed over: after an OS failover there is no standby, so
# a crash parks h's storage, mapped in no VM; a byte of its first page is
# flipped there; the new standby takes it over.
run "$VMFO" -c "boot; app start h 4 prog=hog hot; $written; fault os panic; wait failover.done; fault app h crash; wait vmm.park; lua print(vmfo.corrupt('h')); reprotect; wait app.corrupt 10000; sleep 100; app list; check; trace 100"
like "$out" "^$((0x100000000 + 2 * 2097152 + data))\$" "vmfo.corrupt names the byte's guest-physical address"
is "$(checks "$out" | sed -n '/vm=vm0/,$p')" "app.resumed app=h vm=vm0 seq=N hash=H acked=N
app.verified app=h vm=vm0 pages=1 result=bad
app.corrupt app=h vm=vm0" "parked, damaged, taken over: resumed on what it needed, then its full check finds page 0"
like "$out" 'app\.corrupt +app=h vm=vm0 fo=2$' "app.corrupt belongs to the takeover that handed the page over"
like "$(row "$out" h | grep hog)" '^h +hog +vm0 +failed ' "h failed"
like "$out" '^claim 4: FAIL h: app\.corrupt vm=vm0 app=h \(event [0-9]+\)$' "claim 4 FAILs on it"
like "$out" '^claim 6: FAIL h: app\.corrupt vm=vm0 app=h \(event [0-9]+\)$' "claim 6 FAILs on it"
like "$out" '^claim 7: PASS$' "the OS takeover before it, which moved a sound page, still passes"

# The last page written is what it needs to go on: damaged, it does not
# resume at all.
last=$((data + 990 * 4096))
run "$VMFO" -c "boot; app start h 4 prog=hog hot; $written; lua vmfo.corrupt('h', $last); fault app h crash; wait app.corrupt 10000; sleep 100; app list; trace 100"
is "$(checks "$out")" "app.corrupt app=h vm=vm1" "the last page damaged: app.corrupt, never app.resumed nor app.verified"
like "$(row "$out" h | grep hog)" '^h +hog +vm1 +failed ' "h failed on vm1"
unlike "$out" 'failover\.done' "the takeover does not complete"

# Damaged while it runs, found by the check after a recoverable fault.
run "$VMFO" -c "boot; app start h 4 prog=hog; $written; lua vmfo.corrupt('h', $data + 4096 * 500); fault app h error; wait app.corrupt; sleep 100; app list; trace 100"
is "$(checks "$out")" "app.restarted app=h vm=vm0
app.verified app=h vm=vm0 pages=501 result=bad
app.corrupt app=h vm=vm0" "a restart's check finds page 500"
like "$(row "$out" h | grep hog)" '^h +hog +vm0 +failed ' "h failed, stopped by its OS"

# A ledger resumes on its newest entry and checks the rest of its chain
# after: an entry damaged in the middle of its log is found then. 8 MB is
# 262 000-odd entries of 32 bytes; 2 000 000 commits fill it many times.
filled='lua n = 0; lua while vmfo.app_state("db").seq < 2000000 and n < 600 do vmfo.sleep(50) n = n + 1 end'
run "$VMFO" -c "boot; app start db 8 hot; $filled; fault app db crash; lua vmfo.wait('app.verified', {app = 'db', timeout_ms = 10000}); check; trace 100"
is "$(events "$out" | grep -E '^app\.(resumed|verified|corrupt) app=db ' | sed 's/pages=[0-9]*/pages=P/')" "app.resumed app=db vm=vm1 seq=N hash=H acked=N
app.verified app=db vm=vm1 pages=P result=ok" "a ledger taken over: app.resumed, then app.verified"
pages=$(printf '%s\n' "$out" | sed -n 's/.*app\.verified .*app=db .*pages=\([0-9]*\).*/\1/p')
ok "$([ "${pages:-0}" -ge 2000 ]; echo $?)" "its whole log was read back: $pages pages of 4 KiB"
like "$out" '^claim 4: PASS$' "claim 4 passes"

# Damaged while parked, so that no commit overwrites it: an entry half a
# log away from the newest (8 MB holds 257 920 entries of 32 bytes after
# the header, code and stack), neither the newest nor the chain's seed.
mid='lua print(vmfo.corrupt("db", 135168 + ((vmfo.app_state("db").seq + 128960) % 257920) * 32 + 8))'
run "$VMFO" -c "boot; app start db 8 hot; $filled; fault os panic; wait failover.done; fault app db crash; wait vmm.park; $mid; reprotect; lua vmfo.wait('app.corrupt', {app = 'db', timeout_ms = 10000}); check; app list; trace 100"
is "$(events "$out" | grep -E '^app\.(resumed|verified|corrupt) app=db vm=vm0' | sed 's/pages=[0-9]*/pages=P/')" "app.resumed app=db vm=vm0 seq=N hash=H acked=N
app.verified app=db vm=vm0 pages=P result=bad
app.corrupt app=db vm=vm0" "an entry damaged mid-log: resumed on its newest entry, then its chain check fails"
like "$(row "$out" db | grep ledger)" '^db +ledger +vm0 +failed ' "db failed, stopped by its OS"
like "$out" '^claim 4: FAIL db: app\.corrupt vm=vm0 app=db \(event [0-9]+\)$' "claim 4 FAILs on it"

# vmfo.corrupt refuses what it cannot do, and changes nothing.
run "$VMFO" -c "boot; app start h 4 prog=hog; lua vmfo.corrupt('nosuch'); lua vmfo.corrupt('h', 4194304); lua vmfo.corrupt('h', -1)"
like "$out" "no app called 'nosuch'" "an unknown app"
like "$out" "offset 4194304 is past h's first run of units \\(4194304 bytes\\)" "an offset past its storage"
like "$out" "the offset must not be negative" "a negative offset"

# The example in docs/scenarios.md, as a scenario.
cat >"$tmp/corrupt.lua" <<'EOF'
vmfo.app{name = "h", prog = "hog", mb = 4, hot = true}
vmfo.sleep(300)                   -- hog writes its pages
vmfo.corrupt("h")                 -- its first page
vmfo.fault{app = "h", kind = "crash"}
vmfo.wait("app.resumed")          -- it resumes on what it needs to go on
local ev = vmfo.wait("app.corrupt")  -- its full check finds the page
vmfo.check(ev.vm == "vm1", "found on the standby")
EOF
run "$VMFO" run "$tmp/corrupt.lua"
is "$rc" 0 "the documented example runs and passes"
done_testing
