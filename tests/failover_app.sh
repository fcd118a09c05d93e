#!/bin/sh
# failover_app.sh — app failures (claims 4, 6, 8, 9) under real KVM: a hot
# app's crash moves only its storage to the standby, which resumes it with
# nothing lost; a non-hot app is not taken over; a recoverable fault is
# handled by the active OS; a hung app is caught by the OS's watchdog.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

run "$VMFO" -c 'boot; app start db 8 hot; app start cache 4 prog=kv; sleep 200; app list; fault app db crash; wait failover.done; sleep 200; app list; table; map; status; invariants; check; trace 100; log'
is "$rc" 0 "a hot app's crash is taken over"
is "$(takeover_events "$out" app.fault)" \
"app.fault app=db kind=crash level=unrecoverable
os.app_failure vm=vm0 app=db
vmm.lookup what=db units=2-5
vmm.disconnect_request vm=vm0 app=db units=2-5
os.disconnected vm=vm0 app=db units=2-5
vmm.detach vm=vm0 units=2-5
vmm.attach vm=vm1 units=2-5
vmm.attach_request vm=vm1 units=2-5
os.attached vm=vm1 units=2-5
vmm.activate_request vm=vm1 app=db
os.load vm=vm1 app=db src=aux
os.app_alloc vm=vm1 app=db units=2-5
os.report vm=vm1 app=db units=2-5
app.resumed app=db vm=vm1 seq=N hash=H acked=N
failover.done app=db ms=T" "the exact claim 4/6/9 sequence, only db's units; vm1 reports db as its own"
is "$(printf '%s\n' "$out" | grep -E '^(vm0|vm1|db|cache) +(os|app) ')" \
"vm0        os    vm0  1,8-32               52      52  -        -        -
vm1        os    vm1  33-36                 8       8  -        -        -
db         app   vm1  2-5                   8       8  vm1      vm0      yes
cache      app   vm0  6-7                   4       4  vm0      vm1      no" \
"table: db's row now on vm1, controlled by vm1, taken back by vm0; cache untouched on vm0"
like "$out" '^    0  #0AAAABB00000000000000000000000001111' "map: db's units still A, now vm1's"
like "$(row "$out" vm0 | grep running)" '^vm0 +active +running +56 MB' "the active OS keeps running with 56 MB"
like "$(row "$out" vm1 | grep running)" '^vm1 +standby +running +16 MB' "the standby runs db in its 16 MB"
like "$out" '^invariants hold' "invariants hold"
like "$out" '^claim 4: PASS$' "claim 4 passes"
like "$out" '^claim 6: PASS$' "claim 6 passes"

# Continuity: resumed at or after the last acknowledged seq, then onwards.
acked=$(printf '%s\n' "$out" | awk '$1 == "db" && $2 == "ledger" {print $8; exit}')
resumed=$(printf '%s\n' "$out" | sed -n 's/.*app.resumed .*seq=\([0-9]*\) .*/\1/p')
after=$(printf '%s\n' "$out" | awk '$1 == "db" && $2 == "ledger" {s=$7} END {print s}')
ok "$([ "$resumed" -ge "$acked" ]; echo $?)" "resumed seq $resumed >= acknowledged $acked before the crash"
ok "$([ "$after" -gt "$resumed" ]; echo $?)" "db keeps committing on vm1 ($after > $resumed)"
unlike "$out" 'app.lost|app.corrupt' "nothing lost, nothing corrupt"
like "$out" '^vm0 .*app trap: exception 6$' "the active OS saw the app's #UD"
like "$out" '^vm1 .*engaged 4 units from the VMM$' "the standby's engaging routine took 4 units"

# Not a hot-standby job: no takeover (claim 8); its storage returns to vm0.
run "$VMFO" -c 'boot; app start cache 4 prog=kv; sleep 100; fault app cache crash; wait os.disconnected; sleep 50; app list; table; check claim 8; trace 100'
is "$(takeover_events "$out" app.fault)" \
"app.fault app=cache kind=crash level=unrecoverable
os.app_failure vm=vm0 app=cache
vmm.lookup what=cache units=2-3
vmm.no_takeover app=cache reason=not_hot
vmm.disconnect_request vm=vm0 app=cache units=2-3
os.disconnected vm=vm0 app=cache units=2-3" "no activation for a non-hot app"
like "$(row "$out" cache)" '^cache +kv +- +stopped +0 +no ' "app list: cache stopped, holds nothing"
is "$(row "$out" vm0 | grep ' os ')" "vm0        os    vm0  1-32                 64      64  -        -        -" "its units went back to vm0"
like "$out" '^claim 8: PASS$' "claim 8 passes"

# A recoverable fault: handled on the active OS, nothing moves (claim 9).
run "$VMFO" -c 'boot; app start db 8 hot; sleep 100; fault app db error; wait app.restarted; sleep 100; app list; trace 100'
is "$(takeover_events "$out" app.fault)" \
"app.fault app=db kind=error level=recoverable
app.restarted app=db vm=vm0" "error: the fault-level routine restarts it locally"
unlike "$out" 'os.app_failure|vmm.detach' "no failure reported, no storage moved"
like "$(row "$out" db)" '^db +ledger +vm0 +running ' "db still runs on vm0"

# Twenty recoverable faults in a row: each one is carried out (a second is
# never written over a first still pending) before its command returns.
cmds='boot; app start db 8 hot; sleep 50'
for _ in $(seq 20); do cmds="$cmds; fault app db error"; done
run "$VMFO" -c "$cmds; sleep 100; trace 200"
is "$rc" 0 "twenty fault app db error commands succeed"
is "$(events "$out" | grep -c '^app.fault app=db kind=error level=recoverable')" 20 "twenty faults executed"
is "$(events "$out" | grep -c '^app.restarted app=db')" 20 "and twenty restarts"

# A hang: the OS's app watchdog notices, and it is taken over.
run "$VMFO" -c 'boot; app start db 8 hot; sleep 100; fault app db hang; wait failover.done; trace 100'
like "$(takeover_events "$out" app.fault | head -n 2)" "app.fault app=db kind=hang level=unrecoverable
os.app_failure vm=vm0 app=db" "hang: detected by the watchdog, reported as unrecoverable"
like "$(events "$out" | grep -v '^app\.verified ' | tail -n 1)" '^failover.done app=db ms=T$' "and taken over"

# A second failure of the same app, now on the standby side: the active OS
# takes it back, by the same claimed sequence.
run "$VMFO" -c 'boot; app start db 8 hot; sleep 50; fault app db crash; wait failover.done; sleep 50; fault app db crash; wait failover.done; sleep 50; app list; check; trace 100'
is "$(takeover_events "$out" app.fault | sed -n '/^os.app_failure vm=vm1 app=db/,$p')" \
"os.app_failure vm=vm1 app=db
vmm.lookup what=db units=2-5
vmm.disconnect_request vm=vm1 app=db units=2-5
os.disconnected vm=vm1 app=db units=2-5
vmm.detach vm=vm1 units=2-5
vmm.attach vm=vm0 units=2-5
vmm.attach_request vm=vm0 units=2-5
os.attached vm=vm0 units=2-5
vmm.activate_request vm=vm0 app=db
os.load vm=vm0 app=db src=aux
os.app_alloc vm=vm0 app=db units=2-5
os.report vm=vm0 app=db units=2-5
app.resumed app=db vm=vm0 seq=N hash=H acked=N
failover.done app=db ms=T" "a moved app that fails again is taken back by the active OS"
like "$(row "$out" db | grep ledger)" '^db +ledger +vm0 +running ' "db runs on vm0 again"
unlike "$out" 'claim [0-9]: FAIL' "and the checker judges both takeovers correct"

# The standby fails while it runs an app it took over: the active OS takes
# the app back, by an OS takeover of the standby's storage.
run "$VMFO" -c 'boot; app start db 8 hot; sleep 50; fault app db crash; wait failover.done; sleep 50; fault standby panic; wait failover.done 10000; sleep 50; app list; invariants; check; trace 100'
is "$(takeover_events "$out" vmm.os_fault | grep -vE '^(os.load|os.app_alloc|os.report) ')" \
"vmm.os_fault vm=vm1 cause=panic
vmm.lookup what=vm1 units=2-5,33-36
vmm.detach vm=vm1 units=2-5,33-36
vmm.attach vm=vm0 units=2-5,33-36
vmm.attach_request vm=vm0 units=2-5,33-36
os.attached vm=vm0 units=2-5,33-36 crash=33 record=yes
vmm.activate_request vm=vm0 app=db
app.resumed app=db vm=vm0 seq=N hash=H acked=N
failover.done os=vm1 ms=T" "a failed standby's app goes back to the active OS"
like "$(row "$out" db | grep ledger)" '^db +ledger +vm0 +running ' "db runs on vm0"
like "$out" '^invariants hold' "invariants hold"
unlike "$out" 'claim [0-9]: FAIL' "no claim fails"

# No standby to take a hot app over (after an OS failover, before
# reprotect): its storage is parked, then taken over by the new standby.
run "$VMFO" -c 'boot; app start db 8 hot; sleep 50; fault os panic; wait failover.done; sleep 50; fault app db crash; wait vmm.park; app list; table; invariants; reprotect; wait failover.done 10000; app list; table; invariants; check; trace 100'
is "$(takeover_events "$out" os.app_failure | sed -n '1,7p')" \
"os.app_failure vm=vm1 app=db
vmm.lookup what=db units=2-5
vmm.no_takeover app=db reason=no_standby
vmm.disconnect_request vm=vm1 app=db units=2-5
os.disconnected vm=vm1 app=db units=2-5
vmm.detach vm=vm1 units=2-5
vmm.park app=db units=2-5" "no standby: disconnected, then parked"
like "$(row "$out" db | grep ledger | head -n 1)" '^db +ledger +- +parked +8 +yes ' "app list: db parked, on no VM"
like "$(row "$out" db | grep ' app ' | head -n 1)" '^db +app +- +2-5 +8 +8 +parked ' "table: its row kept, mapped nowhere"
like "$(takeover_events "$out" vmm.reprotect | sed -n '2,3p' | tr '\n' ' ')" '^vmm.lookup what=db units=2-5 vmm.attach vm=vm0 units=2-5 $' "the new standby takes the parked storage"
like "$(row "$out" db | grep ledger | tail -n 1)" '^db +ledger +vm0 +running ' "db runs on the new standby vm0"
is "$(printf '%s\n' "$out" | grep -c '^invariants hold')" 2 "invariants hold, parked and after"
unlike "$out" 'app.lost|app.corrupt|failover.error|claim [0-9]: FAIL' "nothing lost, no claim fails"

# A big ledger checks a long log when it resumes: the standby's watchdog
# must not take that for a hang.
run "$VMFO" --active-mb 256 --pool-mb 512 -c 'boot; app start db 128 hot; sleep 300; fault app db crash; wait failover.done 10000; app list; trace 60; log'
is "$rc" 0 "a 128 MB ledger is taken over"
like "$(row "$out" db | grep ledger)" '^db +ledger +vm1 +running ' "and runs on vm1"
# If not, the whole sequence and the guests' logs say why.
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /'

# Step mode: while a failover waits for Enter, state-changing commands are
# refused (waiting for them would hang the console); step off lets it end.
run "$VMFO" -c 'boot; app start db 8 hot; step on; fault app db crash; sleep 200; fault os panic; app start x 4; invariants; check; step off; wait failover.done'
is "$(printf '%s\n' "$out" | grep -c "^error: a failover is paused before its next step: press Enter (or 'step') to go on, or 'step off'$")" 4 \
	"fault, app start, invariants and check are refused while a step waits, at once"
like "$out" 'failover.done +app=db' "step off lets the failover finish"

# A grow that adds units below the app's first one: its header stays where
# it began, and the standby finds the state there.
run "$VMFO" -c 'boot; app start w 4; app start x 4 hot; sleep 50; fault app w crash; wait os.disconnected; app grow x 4; sleep 50; fault app x crash; wait failover.done; app list; trace 100'
like "$out" 'os.report +vm=vm0 app=x units=2-5' "x grew into w's old units 2-3, below its first unit 4"
like "$out" 'app.resumed +app=x vm=vm1' "x resumes on vm1 from its header at unit 4"
unlike "$out" 'app.corrupt|app.lost' "its state verifies"

done_testing
