#!/bin/sh
# requests.sh — claim 9 to the letter under real KVM: the VMM's DISCONNECT
# names the app's storage run by run, and the guests answer with their own
# lists (the mailbox's ack_runs): the units the active OS let go
# (os.disconnected) and those the standby's engaging routine took, read
# from its own storage map (os.attached). Those must be the units the VMM
# asked for and its table's lookup. A malformed answer is refused like any
# hostile input.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

# The value of field KEY in the first event NAME (with MATCH, a
# "key=value", when given) of an events listing.
field_of() { # field_of EVENTS NAME KEY [MATCH]
	printf '%s\n' "$1" | awk -v n="$2" -v k="$3" -v m="${4:-}" '
		$1 == n && (m == "" || index(" " $0 " ", " " m " ")) {
			for (i = 2; i <= NF; i++) if (index($i, k "=") == 1) { print substr($i, length(k) + 2); exit }
		}'
}

# An app crash: the disconnection routine lets go of exactly db's units,
# the engaging routine takes exactly those, and the table agrees.
run "$VMFO" -c 'boot; app start db 8 hot; app start cache 4 prog=kv; sleep 100; fault app db crash; wait failover.done; table; check claim 9; trace 100; log'
is "$rc" 0 "fault app db crash: taken over"
ev=$(events "$out")
lookup=$(field_of "$ev" vmm.lookup units what=db)
asked=$(field_of "$ev" vmm.disconnect_request units app=db)
let_go=$(field_of "$ev" os.disconnected units app=db)
attach=$(field_of "$ev" vmm.attach_request units)
engaged=$(field_of "$ev" os.attached units)
is "$lookup $asked $let_go $attach $engaged" "2-5 2-5 2-5 2-5 2-5" "app crash: lookup, request and both answers name units 2-5"
is "$let_go" "$asked" "os.disconnected gives the units vm0 let go: those asked for"
is "$engaged" "$attach" "os.attached gives the units vm1 engaged: those reported to it"
is "$(row "$out" db | awk '$2 == "app" {print $3, $4}')" "vm1 $engaged" "and the table's row for db: on vm1, the units engaged"
unlike "$(field_of "$ev" os.attached crash)" . "no crash record to read after an app failure"
like "$out" '^vm1 .*engaged 4 units from the VMM$' "the standby counted what its map holds"
like "$out" '^claim 9: NOT SHOWN \(no OS fault detected' "claim 9 compares the answers and finds nothing wrong (no OS fault yet)"

# An OS panic (after a non-hot app's crash, so that every claim-9 routine
# shows): the standby engages everything vm0 held and says where it found
# the crash record (vm0's kernel unit, 1).
run "$VMFO" -c 'boot; app start db 8 hot; app start cache 4 prog=kv; sleep 100; fault app cache crash; wait os.disconnected; fault os panic; wait failover.done; table; check claim 9; trace 100'
is "$rc" 0 "fault os panic: taken over"
ev=$(events "$out")
is "$(field_of "$ev" vmm.disconnect_request units app=cache) $(field_of "$ev" os.disconnected units app=cache)" "6-7 6-7" \
	"a non-hot app's crash: vm0 let go of the units asked for (they stay its free storage)"
lookup=$(field_of "$ev" vmm.lookup units what=vm0)
attach=$(field_of "$ev" vmm.attach_request units)
engaged=$(field_of "$ev" os.attached units)
is "$lookup $attach $engaged" "1-32 1-32 1-32" "OS panic: lookup, request and answer name units 1-32"
is "$engaged" "$attach" "os.attached gives the units vm1 engaged: those reported to it"
is "$(field_of "$ev" os.attached crash) $(field_of "$ev" os.attached record)" "1 yes" \
	"the engaging routine read a crash record in vm0's kernel unit 1"
is "$(row "$out" vm1 | awk '$2 == "os" {print $4}')" "1,6-36" "the table: vm1's row took vm0's own units (the apps' are in their rows)"
like "$out" '^claim 9: PASS$' "claim 9 passes, every routine shown and the answers compared"

# A hang writes no crash record: the answer says the unit was read, and
# that nothing was there.
run "$VMFO" -c 'boot; app start db 8 hot; sleep 100; fault os hang; wait failover.done; trace 100'
is "$(events "$out" | grep '^os.attached')" "os.attached vm=vm1 units=1-32 crash=1 record=no" \
	"OS hang: no crash record found, and the answer says so"

# A grown app's runs are not in ascending order in the OS (its header
# first): the OS checks the VMM's runs as a set, and answers with its own.
run "$VMFO" -c 'boot; app start w 4; app start x 4 hot; sleep 50; fault app w crash; wait os.disconnected; app grow x 4; sleep 50; fault app x crash; wait failover.done; check claim 9; trace 100'
ev=$(events "$out")
is "$(field_of "$ev" os.disconnected units app=w)" "$(field_of "$ev" vmm.disconnect_request units app=w)" "a non-hot app: the units let go are those asked for"
is "$(field_of "$ev" vmm.disconnect_request units app=x) $(field_of "$ev" os.disconnected units app=x)" "2-5 2-5" \
	"a grown app (runs 4-5 then 2-3 in the OS): disconnected as asked"
unlike "$out" '^claim 9: FAIL' "claim 9 finds nothing wrong"

# Hostile: the active OS answers a disconnect with units outside the pool.
# The VMM refuses the answer (vmm.reject), moves nothing, and says why.
run "$VMFO" -c 'boot; app start db 8 hot; sleep 50; table; hostile ack-runs; fault app db crash; wait failover.error; sleep 50; table; invariants; status; trace 100'
is "$rc" 0 "hostile ack-runs: survived"
like "$out" '^hostile ack-runs: the OS got status 0 back$' "the OS is armed"
ev=$(events "$out")
is "$(printf '%s\n' "$ev" | sed -n '/^vmm.disconnect_request /,$p')" \
"vmm.disconnect_request vm=vm0 app=db units=2-5
vmm.reject vm=vm0 reason=disconnect answer: units outside the pool
failover.error step=disconnect why=vm0's disconnect answer: units outside the pool" \
	"the answer is refused and the takeover stops there"
unlike "$ev" '^(os.disconnected|vmm.detach|vmm.attach) ' "nothing is recorded as disconnected, detached or attached"
tables=$(printf '%s\n' "$out" | grep -E '^(vmm|vm0|vm1|db|unused) +(vmm|os|app|free) ')
is "$(printf '%s\n' "$tables" | tail -n 5)" "$(printf '%s\n' "$tables" | head -n 5)" "the table is exactly as before"
like "$out" '^invariants hold' "invariants hold"
like "$(row "$out" vm0 | grep running)" '^vm0 +active +running' "the offending OS runs on"
like "$(row "$out" vm1 | grep running)" '^vm1 +standby +running +8 MB' "the standby was given nothing"

done_testing
