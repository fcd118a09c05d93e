#!/bin/sh
# detection.sh — failures are declared only when they happened: neither
# watchdog fires because the host did not run a guest (busy loops, the whole
# process stopped), real hangs are still caught on a loaded host, a takeover
# in progress ends at once when its target fails, a queued failover does not
# outlive a reset, no app inherits another's acknowledged progress, and a
# grown app of every program survives every fault kind.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

busy=
start_load() { # start_load N: N host busy loops, stopped by stop_load
	for _ in $(seq "$1"); do
		sh -c 'while :; do :; done' &
		busy="$busy $!"
	done
}
stop_load() {
	[ -n "$busy" ] && kill $busy 2>/dev/null
	busy=
}
trap stop_load EXIT

# The whole process stopped for 1.5 s, then continued: the host did not run
# anything, so nothing has failed. Ticks then arrive back to back and the
# watchdog thread sees a long gap: neither may count that against a guest.
log=$(mktemp)
"$VMFO" -c 'boot; app start db 8 hot; app start web 4 hot prog=kv; app start h 4 hot prog=hog; sleep 2500; trace 100; app list' >"$log" 2>&1 &
pid=$!
sleep 0.5
kill -STOP $pid
sleep 1.5
kill -CONT $pid
wait $pid
rc=$?
out=$(cat "$log")
rm -f "$log"
is "$rc" 0 "stopped for 1.5 s, vmfo goes on"
unlike "$out" 'vmm.os_fault|app.fault|os.app_failure' "no OS or app declared failed for the host's pause"
is "$(printf '%s\n' "$out" | grep -cE '^(db|web|h) +(ledger|kv|hog) +vm0 +running ')" 3 "all three apps run on vm0"

# A loaded host: two busy loops on this machine's cores for the rest of the
# file. A chain of failovers with reprotect (the active OS serves long
# requests at CPL0) must detect exactly the faults injected, and real hangs
# must still be caught.
start_load 2
run "$VMFO" -c 'boot; app start db 8 hot; app start web 4 hot prog=kv; sleep 100; fault os panic; wait failover.done 10000; reprotect; sleep 100; fault os triple; wait failover.done 10000; reprotect; sleep 100; fault app db crash; wait failover.done 10000; sleep 200; trace 300'
is "$rc" 0 "loaded host: two OS failovers with reprotect and an app failover"
is "$(events "$out" | grep -E '^(vmm.os_fault|app.fault|os.app_failure|failover.done)' | sed 's/ ms=T$//')" \
"vmm.os_fault vm=vm0 cause=panic
failover.done os=vm0
vmm.os_fault vm=vm1 cause=shutdown
failover.done os=vm1
app.fault app=db kind=crash level=unrecoverable
os.app_failure vm=vm0 app=db
failover.done app=db" "exactly the three faults injected are detected, each taken over"
unlike "$out" 'failover.error|app.lost|app.corrupt|vmm.park' "nothing lost, nothing parked"

run "$VMFO" -c 'boot; app start db 8 hot; sleep 100; fault app db hang; wait failover.done 10000; sleep 100; fault os hang; wait failover.done 10000; trace 100'
is "$(events "$out" | grep -E '^(vmm.os_fault|app.fault|failover.done)' | sed 's/ ms=T$//')" \
"app.fault app=db kind=hang level=unrecoverable
failover.done app=db
vmm.os_fault vm=vm0 cause=heartbeat
failover.done os=vm0" "loaded host: a real app hang and a real OS hang are still caught"

# The OS taking an app over fails after answering the activate request and
# before the app resumes: the takeover stops waiting at once (no error, no
# timeout) and the OS that is left takes the app back.
run "$VMFO" -c 'boot; app start db 8 hot; sleep 50; fault standby activate-hang; fault app db crash; wait failover.done 10000; sleep 100; trace 100; app list'
is "$(events_from "$out" vmm.activate_request | grep -E '^(vmm.activate_request|vmm.os_fault|vmm.lookup|app.resumed|failover.done)')" \
"vmm.activate_request vm=vm1 app=db
vmm.os_fault vm=vm1 cause=heartbeat
vmm.lookup what=vm1 units=2-5,33-36
vmm.activate_request vm=vm0 app=db
app.resumed app=db vm=vm0 seq=N hash=H acked=N
failover.done os=vm1 ms=T" "the target fails before the app resumes: vm0 takes db back"
unlike "$out" 'failover.error' "no step reported as failed: the target's failover carried on"
like "$(row "$out" db | grep ledger)" '^db +ledger +vm0 +running ' "db runs on vm0"

# A failover queued just before a reset must not touch the new pair.
fails=0
for _ in $(seq 10); do
	run "$VMFO" -c 'boot; fault os panic; reset; boot; status'
	printf '%s\n' "$out" | grep -qE '^vm0 +active +running' &&
		printf '%s\n' "$out" | grep -qE '^vm1 +standby +running' || fails=$((fails + 1))
done
is "$fails" 0 "fault, reset, boot: the new pair runs, 10 times out of 10"

# A new app does not inherit a stopped app's acknowledged progress, even
# when it gets the same storage.
lost=0
for _ in $(seq 5); do
	run "$VMFO" -c 'boot; app start a 2; sleep 300; fault app a crash; wait os.disconnected 5000; app start b 2 hot; fault app b crash; wait failover.done 5000; check all; trace 100'
	printf '%s\n' "$out" | grep -qE 'app.lost|^claim 4: FAIL|no failover.done' && lost=$((lost + 1))
	printf '%s\n' "$out" | grep -qE 'os.report +vm=vm0 app=b units=2( |$)' || lost=$((lost + 1))
done
is "$lost" 0 "b, started on a's old storage and crashed at once, resumes without loss 5 times out of 5"

# Under load, a short soak of every fault kind: every detection matches an
# injected fault (the soak's judge counts false ones), nothing is lost.
soak=$(mktemp --suffix=.lua)
{ echo "SOAK_N = 60"; cat "$TOP_SRCDIR/scripts/soak_judge.lua" "$TOP_SRCDIR/scripts/soak.lua"; } >"$soak"
run "$VMFO" run "$soak"
rm -f "$soak"
is "$rc" 0 "loaded host: 60 chained failovers pass the soak's judge"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | grep -E 'soak:|check failed|error' | sed 's/^/#   /'
like "$out" 'lost 0, hot apps lost 0, false detections 0, undetected faults 0' "no false detection, nothing lost"
run "$VMFO" -c 'boot; app start db 8 hot; sleep 50; fault os panic; wait failover.done 5000; app start cache 4 prog=kv; sleep 100; app list'
like "$(row "$out" cache | grep kv)" '^cache +kv +vm1 +running +4 +no +[0-9]+ +[0-9]+$' "a kv started after an OS panic runs"
seq=$(row "$out" cache | awk '$2 == "kv" {print $7}')
acked=$(row "$out" cache | awk '$2 == "kv" {print $8}')
ok "$([ "$acked" -le "$seq" ]; echo $?)" "its acknowledged seq ($acked) is its own, not above its seq ($seq)"

# A grown app of each program is taken over after each kind of fault.
for prog in ledger kv hog; do
	for fault in 'app db crash' 'app db hang' 'os panic' 'os hang' 'os triple' 'os wild'; do
		run "$VMFO" -c "boot; app start db 8 hot prog=$prog; sleep 50; app grow db 4; sleep 50; fault $fault; wait failover.done 10000; trace 100; app list"
		like "$(events "$out" | grep app.resumed)" '^app.resumed app=db vm=vm1 ' "$prog grown, fault $fault: resumed on vm1"
		unlike "$out" 'app.corrupt|app.lost|failover.error' "$prog grown, fault $fault: nothing corrupt or lost"
	done
done

stop_load
done_testing
