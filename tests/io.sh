#!/bin/sh
# io.sh — the I/O control unit under real KVM: four clients keep sending
# requests to a served app through each kind of failure, and the history of
# what they saw proves that no acknowledged write was lost and none was
# answered twice. The channel is a table row that moves with the app's
# storage, between vmm.detach and os.attached. Then an edited history must
# fail, and bad requests, commands and guests change nothing.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The channel's events of one takeover, in order, among the storage's.
moves() {
	events "$1" | grep -E '^(vmm\.detach|vmm\.io_detach|vmm\.attach|vmm\.io_attach|os\.attached) ' |
		sed 's/ units=[^ ]*//; s/ crash=.*//'
}

# under_load NAME PROG FAULT WAIT: 4 clients on app db (PROG), FAULT, wait
# for WAIT, a little more load, then the history is judged.
under_load() {
	hist=$tmp/$1.jsonl
	run "$VMFO" -c "boot; app start db prog=$2 hot; serve db $tmp/$1.sock; client start $tmp/$1.sock clients=4 history=$hist; sleep 300; $3; wait $4 20000; sleep 300; client stop; app list; table; check --history $hist; trace 200"
	is "$rc" 0 "$1: the run ends well"
	like "$out" '^4 clients, [0-9]+ requests: [0-9]+ ok' "$1: four clients ran"
	like "$out" '^acknowledged writes: [1-9][0-9]*, lost 0, answered twice 0$' \
		"$1: the history shows no acknowledged write lost, none answered twice"
	like "$out" '^blackout: longest [0-9.]+ ms with no answer' "$1: the blackout is reported"
	like "$out" '^PASS$' "$1: the history checker passes"
	unlike "$out" 'app\.lost|app\.corrupt|failover\.error|vmm\.reject' "$1: nothing lost, corrupt or refused"
}

# The claimed order: the storage leaves vm0, then the channel; the storage
# reaches vm1, then the channel; then vm1 engages what it was given.
moved_to_vm1="vmm.detach vm=vm0
vmm.io_detach app=db vm=vm0
vmm.attach vm=vm1
vmm.io_attach app=db vm=vm1
os.attached vm=vm1"

# ---- an app's crash, on a ledger ----
under_load crash ledger "fault app db crash" failover.done
is "$(moves "$out")" "$moved_to_vm1" \
	"crash: the channel leaves vm0 after the storage and reaches vm1 before os.attached"
is "$(row "$out" db.io)" "db.io      io    vm1  -                     0       0  vm1      -        -" \
	"crash: the table's db.io row now says vm1 controls the channel"
crash_history=$hist

# ---- the active OS fails, three ways ----
under_load panic ledger "fault os panic" failover.done
is "$(moves "$out")" "$moved_to_vm1" "panic: the channel moves with everything vm0 held"
under_load hang ledger "fault os hang" failover.done
like "$(moves "$out")" 'vmm.io_detach app=db vm=vm0' "hang: the channel is detached from the hung OS"
under_load triple kv "fault os triple" failover.done
like "$(moves "$out")" 'vmm.io_attach app=db vm=vm1' "triple, kv: the channel is attached to vm1"

# ---- the standby fails: the active OS goes on serving ----
under_load standby kv "fault standby panic" vmm.os_fault
is "$(moves "$out")" "" "standby panic: the channel does not move"
is "$(row "$out" db.io)" "db.io      io    vm0  -                     0       0  vm0      -        -" \
	"standby panic: vm0 still controls it"

# ---- no standby: the app is parked, its channel detached and its
# clients' requests held until an OS can take it (claim 8) ----
hist=$tmp/parked.jsonl
run "$VMFO" -c "boot; app start db prog=ledger hot; serve db $tmp/parked.sock; client start $tmp/parked.sock clients=4 history=$hist; sleep 200; fault standby panic; wait vmm.os_fault; sleep 100; fault app db crash; wait vmm.park; sleep 200; table; reprotect; wait failover.done 20000; sleep 200; client stop; check --history $hist; trace 200"
is "$rc" 0 "parked: the run ends well"
is "$(row "$out" db.io | head -n 1)" "db.io      io    -    -                     0       0  detached -        -" \
	"parked: the channel is detached while the app's storage is parked"
is "$(events "$out" | grep -E '^(vmm\.io_detach|vmm\.park|vmm\.reprotect|vmm\.attach|vmm\.io_attach) ' | sed 's/ units=[^ ]*//')" \
"vmm.io_detach app=db vm=vm0
vmm.park app=db
vmm.reprotect vm=vm1
vmm.attach vm=vm1
vmm.io_attach app=db vm=vm1" "parked: detached with the park, attached to the rebooted standby with the storage"
like "$out" '^acknowledged writes: [1-9][0-9]*, lost 0, answered twice 0$' "parked: nothing acknowledged lost"
like "$out" '^PASS$' "parked: the history checker passes"

# ---- an edited history must fail ----
# One acknowledged append's read-back removed: it can no longer be shown
# to be in the chain.
seq=$(grep -m1 '"op":"append".*"result":"ok"' "$crash_history" | sed 's/.*"seq":\([0-9]*\).*/\1/')
grep -v "\"op\":\"read\",\"key\":$seq," "$crash_history" >"$tmp/edited.jsonl"
run "$VMFO" check --history "$tmp/edited.jsonl"
is "$rc" 1 "a history with one read-back removed fails (exit 1)"
like "$out" "^lost: append [0-9]+ acknowledged as seq $seq .*never read back" "and names the lost append"
like "$out" '^FAIL$' "FAIL"
# Its transaction changed in the read-back: another value in the chain.
sed "s/\(\"op\":\"read\",\"key\":$seq,.*\"got\":\)[0-9]*/\\11/" "$crash_history" >"$tmp/edited.jsonl"
run "$VMFO" check --history "$tmp/edited.jsonl"
is "$rc" 1 "a history whose read-back returns another transaction fails"
like "$out" "^lost: append [0-9]+ acknowledged as seq $seq .*reads back as 1" "and says what was read"
run "$VMFO" check --history "$crash_history"
is "$rc" 0 "the unedited history passes on its own (vmfo check --history, no KVM used)"

# ---- bad input changes nothing ----
run "$VMFO" -c "boot; app start h 4 prog=hog; app start db prog=ledger; serve h $tmp/h.sock; serve nosuch $tmp/n.sock; serve db $tmp; serve db $tmp/db.sock; serve db $tmp/db2.sock; serve off nosuch; serve; client start $tmp/none.sock; client stop; table"
is "$rc" 1 "bad serve and client commands fail"
like "$out" "^error: h runs hog, which serves no requests \\(ledger and kv do\\)$" "a hog serves nothing"
like "$out" "^error: no app called 'nosuch'" "an unknown app is named"
like "$out" "^error: serve: $tmp exists: give a path that does not$" "an existing path is not taken over"
like "$out" "^error: serve: db is served already" "one server per app"
like "$out" "^error: serve: nosuch is not served$" "serve off an app not served"
like "$out" "^db on $tmp/db.sock, 0 clients connected, 0 requests served$" "serve lists the one server"
like "$out" "^error: cannot connect to $tmp/none.sock: No such file or directory$" "a client needs a server"
like "$out" '^error: client: no clients are running$' "client stop with none running"
is "$(printf '%s\n' "$out" | grep -c '^db.io ')" 1 "one db.io row, nothing else added"
unlike "$out" '^h\.io ' "no row for the hog"

# After a reset the old server serves nothing: serving the new db replaces
# it, on the same path too; a path too long is still refused first.
long=$tmp/$(printf '%0120d' 0)
run "$VMFO" -c "boot; app start db prog=ledger hot; serve db $tmp/r.sock; reset; boot; app start db prog=kv hot; serve db $long; serve db $tmp/r.sock; serve"
is "$rc" 1 "serving again after a reset: only the long path fails"
like "$out" '^error: serve: the socket path is longer than 107 bytes$' "a path too long is refused"
like "$out" "^db on $tmp/r.sock, 0 clients connected, 0 requests served$" "the new db is served on the old server's path"

done_testing
