#!/bin/sh
# failover_os.sh — OS failures (claims 1, 2, 3, 7, 9) under real KVM, one per
# fault kind: the failed OS's own storage and every app's go to the standby,
# which reads the crash record, resumes the hot apps from auxiliary memory,
# and does not take over the others. Then reprotect, and a second failover.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

expected_tail="vmm.lookup what=vm0 units=1-32
vmm.detach vm=vm0 units=1-32
vmm.attach vm=vm1 units=1-32
vmm.attach_request vm=vm1 units=1-32
os.attached vm=vm1 units=1-32 crash=1 record=RECORD
vmm.activate_request vm=vm1 app=db
os.load vm=vm1 app=db src=aux
os.app_alloc vm=vm1 app=db units=2-5
os.report vm=vm1 app=db units=2-5
app.resumed app=db vm=vm1 seq=N hash=H acked=N
vmm.no_takeover app=cache reason=not_hot
failover.done os=vm0 ms=T"

for kind in panic:panic hang:heartbeat triple:shutdown wild:mmio; do
	fault=${kind%%:*} cause=${kind#*:}
	run "$VMFO" -c "boot; app start db 8 hot; app start cache 4 prog=kv; sleep 100; fault os $fault; wait failover.done 5000; sleep 100; status; table; app list; invariants; check; trace 100; log vm1"
	is "$rc" 0 "fault os $fault: survived"
	record=no; [ "$fault" = panic ] && record=yes # only a panic writes a crash record
	is "$(takeover_events "$out" vmm.os_fault)" "vmm.os_fault vm=vm0 cause=$cause
$(printf '%s\n' "$expected_tail" | sed "s/record=RECORD/record=$record/")" \
		"fault os $fault: detected as $cause, then the claim 1/7 sequence; the standby engaged all 32 units and read vm0's crash unit"
	like "$(row "$out" vm0 | grep failed)" "^vm0 +- +failed \\($cause\\)" "fault os $fault: vm0 failed ($cause)"
	like "$(row "$out" vm1 | grep running)" '^vm1 +active +running +72 MB' "fault os $fault: vm1 active with all 72 MB"
	is "$(printf '%s\n' "$out" | grep -E '^(vm0|vm1|db|cache|unused) +(os|app|free) ')" \
"vm1        os    vm1  1,6-36               64      64  -        -        -
db         app   vm1  2-5                   8       8  vm1      -        yes
unused     free  -    37-127              182       0  -        -        -" "fault os $fault: table after: vm0's storage is vm1's, db on vm1"
	like "$(row "$out" db | grep ledger)" '^db +ledger +vm1 +running ' "fault os $fault: db runs on vm1"
	unlike "$out" 'app.lost|app.corrupt' "fault os $fault: nothing lost"
	like "$out" '^invariants hold' "fault os $fault: invariants hold"
	for c in 1 2 3 7; do like "$out" "^claim $c: PASS$" "fault os $fault: claim $c passes"; done
	if [ "$fault" = panic ]; then
		like "$out" 'post-mortem: the failed OS panicked \(reason 1\)' "panic: the standby read the crash record"
	else
		like "$out" 'post-mortem: no crash record' "fault os $fault: no crash record, and the standby says so"
	fi
done

# Chain: reprotect brings vm0 back as the standby; vm1 can then fail too.
run "$VMFO" -c 'boot; app start db 8 hot; fault os panic; wait failover.done; reprotect; status; table; fault os panic; wait failover.done; reprotect; status; app list; invariants; check; trace 200'
is "$rc" 0 "two OS failovers with reprotect in between"
is "$(printf '%s\n' "$out" | grep 'rebooted as the new standby')" "vm0 rebooted as the new standby
vm1 rebooted as the new standby" "reprotect reboots each failed VM in turn"
is "$(events "$out" | grep -E '^(vmm.os_fault|vmm.reprotect|failover.done|app.resumed)')" \
"vmm.os_fault vm=vm0 cause=panic
app.resumed app=db vm=vm1 seq=N hash=H acked=N
failover.done os=vm0 ms=T
vmm.reprotect vm=vm0
vmm.os_fault vm=vm1 cause=panic
app.resumed app=db vm=vm0 seq=N hash=H acked=N
failover.done os=vm1 ms=T
vmm.reprotect vm=vm1" "db moves vm0 -> vm1 -> vm0"
like "$(row "$out" db | grep ledger)" '^db +ledger +vm0 +running ' "db ends on vm0, running"
like "$out" '^invariants hold' "invariants hold after the chain"
like "$out" '^claim 7: PASS$' "claim 7 passes over the chain"

run "$VMFO" -c 'boot; reprotect'
is "$(printf '%s\n' "$out" | grep error)" "error: no failed OS to reprotect" "reprotect with nothing failed"
# No OS left to take over: the hot app's storage is parked, not dropped;
# reprotect then boots a new active OS, which takes the parked app over.
run "$VMFO" -c 'boot; app start db 8 hot; app start cache 4 prog=kv; sleep 50; fault os panic; wait failover.done; sleep 50; fault os panic; wait vmm.park; status; table; map; app list; check; invariants; reprotect; wait failover.done 10000; app list; table; reprotect; app list; invariants; trace 200'
like "$out" 'vmm.no_takeover +vm=vm1 reason=no_standby' "the second failure: no standby, said so"
unlike "$out" 'claim [0-9]: FAIL' "and the checker does not count it as a failed takeover"
is "$(takeover_events "$out" vmm.os_fault | sed -n '/vm=vm1 cause=panic/,/vmm.park/p')" \
"vmm.os_fault vm=vm1 cause=panic
vmm.no_takeover vm=vm1 reason=no_standby
vmm.detach vm=vm1 units=2-5
vmm.park app=db units=2-5" "db's storage leaves the failed vm1 and is parked"
like "$out" '^vm1 +active +failed \(panic\) +64 MB' "with no standby left, the second failure leaves both down"
like "$out" '^both OSes are down: 64 MB remain with vm1$' "status says what the failed VM holds"
like "$out" '^parked: 8 MB of hot apps wait for an OS to take them$' "and what is parked"
like "$(row "$out" db | grep ' app ' | head -n 1)" '^db +app +- +2-5 +8 +8 +parked +- +yes$' "table: db's row is parked, mapped nowhere"
like "$out" '^    0  #1aaaa1' "map: parked units in lower case"
like "$(row "$out" db | grep ledger | head -n 1)" '^db +ledger +- +parked +8 yes ' "app list: db parked"
like "$(row "$out" cache | grep kv | head -n 1)" '^cache +kv +- +stopped ' "app list: the non-hot cache stopped"
like "$out" '^vm0 rebooted as the new active$' "reprotect with both down boots a new active OS"
is "$(takeover_events "$out" vmm.reprotect | head -n 15)" \
"vmm.reprotect vm=vm0
vmm.lookup what=db units=2-5
vmm.attach vm=vm0 units=2-5
vmm.attach_request vm=vm0 units=2-5
os.attached vm=vm0 units=2-5
vmm.activate_request vm=vm0 app=db
os.load vm=vm0 app=db src=aux
os.app_alloc vm=vm0 app=db units=2-5
os.report vm=vm0 app=db units=2-5
app.resumed app=db vm=vm0 seq=N hash=H acked=N
failover.done app=db ms=T
vmm.reclaim vm=vm1 units=1,6-36
vmm.alloc vm=vm1 units=6-9 mb=8
os.ready vm=vm1 role=standby
vmm.reprotect vm=vm1" "which takes the parked db over: attach, engage, activate, resumed"
like "$out" '^vm1 rebooted as the new standby$' "a second reprotect brings the standby back"
like "$(row "$out" db | grep ledger | tail -n 1)" '^db +ledger +vm0 +running ' "db runs on the new active OS"
unlike "$out" 'app.lost|app.corrupt|failover.error' "nothing lost on the way"
is "$(printf '%s\n' "$out" | grep -c '^invariants hold')" 2 "invariants hold, parked and after"

# An app started on the OS that took over: its acknowledged seq is one it
# committed, never a number read from storage it did not write (a kv
# started on vm1 after a panic once showed acked 3993327132344319).
run "$VMFO" -c 'boot; app start db 8 hot; sleep 100; fault os panic; wait failover.done; app start cache 4 prog=kv; wait app.started; sleep 200; app list'
seq=$(row "$out" cache | awk '$2 == "kv" {print $7}')
acked=$(row "$out" cache | awk '$2 == "kv" {print $8}')
ok "$([ -n "$acked" ] && [ "$acked" -gt 0 ] && [ "$acked" -le "$seq" ]; echo $?)" \
	"a kv started after a panic: 0 < acked $acked <= seq $seq"

done_testing
