#!/bin/sh
# table.sh — claim 3's resource management table lies in main storage, in
# the VMM's own unit (mapped in no VM), and it is the one source the
# takeovers read: 'table raw' shows its bytes there; 'table set' (test
# mode) changes those bytes only, and the next takeover follows them — the
# hot flag, an app's takeover OS, an OS's own takeover OS.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

# The decoded rows of 'table raw', from its column heading on.
raw_rows() {
	printf '%s\n' "$1" | sed -n '/^row offset /,/^[^0-9r]/p' | sed 's/  */ /g'
}

# ---- the bytes in main storage ----
run "$VMFO" -c 'table raw'
is "$out" "error: not booted: the table lies in the VMM's unit once 'boot' has taken it" \
	"before boot the table has no unit to lie in"

run "$VMFO" -c 'boot; app start db 8 hot; table raw; table set db hot=no; table raw; table'
is "$rc" 0 "table raw and table set run"
like "$out" '^the resource management table in main storage: unit 0 \(the VMM.s own, mapped in no VM\), bytes 0x100000-0x1055df of the unit$' \
	"table raw says where the bytes lie: unit 0, from offset 0x100000"
like "$out" '^00100000  56 4d 46 4f 54 41 42 4c  01 00 00 00 40 00 00 00  \|VMFOTABL....@...\|$' \
	"the first bytes there: the magic VMFOTABL, version 1, a 64-byte header"
like "$out" '^header: magic VMFOTABL, version 1, 64-byte header, 40 row slots of 548 bytes, 4 in use, 128 units of 2 MB, in unit 0$' \
	"the header decoded from the bytes"
is "$(raw_rows "$out" | sed -n 1,5p)" "row offset name kind vm control takeover hot units
0 0x100040 vmm vmm - - - no 0
1 0x100264 vm0 os vm0 - vm1 no 1,6-32
2 0x100488 vm1 os vm1 - vm0 no 33-36
3 0x1006ac db app vm0 vm0 vm1 yes 2-5" \
	"each row decoded: the OSes take each other over, db is hot, controlled by vm0, taken over by vm1"
like "$out" '^001006a0  00 00 00 00 00 00 00 00  00 00 00 00 01 02 01 00  ' \
	"db's row starts at 0x1006ac: used, kind app (2), hot (1)"
like "$out" '^db: hot=no, in the table.s storage only \(see .table raw.\)$' "table set says what it changed"
like "$out" '^001006a0  00 00 00 00 00 00 00 00  00 00 00 00 01 02 00 00  ' \
	"after table set the hot byte at 0x1006ae is 0"
like "$(raw_rows "$out" | sed -n '/ db /p' | tail -n 1)" '^3 0x1006ac db app vm0 vm0 vm1 no 2-5$' \
	"and decodes as hot no"
like "$(row "$out" db | grep ' app ')" '^db +app +vm0 +2-5 +8 +8 +vm0 +vm1 +no$' \
	"'table' reads the same row"

# The VMM's unit is mapped in no VM: a guest's write there is refused.
run "$VMFO" -c 'boot; fault os wild 0; wait vmm.blocked; sleep 50; table raw'
like "$out" 'vmm.blocked +vm=vm0 gpa=0x100000100' "a write to unit 0 by the active OS exits and is refused"
like "$out" '^00100000  56 4d 46 4f 54 41 42 4c ' "the table is intact after it"

# ---- the hot flag: from the table, not from what app start asked ----
run "$VMFO" -c 'boot; app start db 8 hot; sleep 50; table set db hot=no; fault app db crash; wait vmm.no_takeover; sleep 100; app list; table; invariants; check claim 8; trace 40'
is "$(events_from "$out" os.app_failure)" "os.app_failure vm=vm0 app=db
vmm.lookup what=db units=2-5
vmm.no_takeover app=db reason=not_hot
vmm.disconnect_request vm=vm0 app=db units=2-5
os.disconnected vm=vm0 app=db units=2-5" \
	"db started hot, its row says not: not taken over, its storage goes back to vm0"
like "$(row "$out" db | grep ledger)" '^db +ledger +- +stopped +0 ' "db stopped, holds nothing"
like "$(row "$out" vm0 | grep ' os ')" '^vm0 +os +vm0 +1-32 ' "vm0 has db's units back"
like "$out" '^invariants hold' "invariants hold: the OS was told db is not hot, too"
like "$out" '^claim 8: FAIL db: vmm.no_takeover app=db reason=not_hot \(event [0-9]+\), but the trace shows otherwise \(it was started hot\)$' \
	"the checker, which knows db as started hot, sees a takeover that did not happen"

run "$VMFO" -c 'boot; app start cache 4 prog=kv; sleep 50; table set cache hot=yes; fault app cache crash; wait failover.done; app list; invariants; trace 40'
is "$(events_from "$out" os.app_failure | grep -E '^(vmm.lookup|vmm.no_takeover|vmm.detach|vmm.attach|app.resumed|failover.done) ')" \
"vmm.lookup what=cache units=2-3
vmm.detach vm=vm0 units=2-3
vmm.attach vm=vm1 units=2-3
app.resumed app=cache vm=vm1 seq=N hash=H acked=N
failover.done app=cache ms=T" "cache started not hot, its row says hot: taken over by vm1"
like "$(row "$out" cache | grep ' kv ')" '^cache +kv +vm1 +running ' "cache runs on vm1"
like "$out" '^invariants hold' "invariants hold"

# ---- the takeover column decides who takes an OS's storage ----
run "$VMFO" -c 'boot; app start db 8 hot; app start cache 4 prog=kv; sleep 50; table set vm0 takeover=-; fault os panic; wait vmm.park; sleep 50; status; table; invariants; trace 40'
is "$(events_from "$out" vmm.os_fault)" "vmm.os_fault vm=vm0 cause=panic
vmm.no_takeover vm=vm0 reason=no_standby
vmm.detach vm=vm0 units=2-5
vmm.park app=db units=2-5
vmm.no_takeover app=cache reason=not_hot" \
	"vm0's row names no OS: its hot app is parked, though vm1 runs"
like "$out" '^vm1 +standby +running +8 MB' "vm1 took nothing"
like "$(row "$out" db | grep ' app ')" '^db +app +- +2-5 +8 +8 +parked +- +yes$' "db's row parked"
like "$out" '^invariants hold' "invariants hold with vm1 untouched"

run "$VMFO" -c 'boot; app start db 8 hot; app start web 4 hot prog=kv; sleep 50; table set db takeover=-; fault os panic; wait failover.done; sleep 50; table; app list; invariants; reprotect; wait failover.done 10000; app list; invariants; trace 60'
is "$(events_from "$out" vmm.os_fault | sed -n '1,/^failover.done/p' | grep -E '^(vmm|failover)')" \
"vmm.os_fault vm=vm0 cause=panic
vmm.lookup what=vm0 units=1-32
vmm.no_takeover app=db reason=no_standby
vmm.detach vm=vm0 units=2-5
vmm.park app=db units=2-5
vmm.detach vm=vm0 units=1,6-32
vmm.attach vm=vm1 units=1,6-32
vmm.attach_request vm=vm1 units=1,6-32
vmm.activate_request vm=vm1 app=web
failover.done os=vm0 ms=T" \
	"db's row names no OS: db is parked, vm0's own storage and web go to vm1"
like "$(row "$out" db | grep ' app ')" '^db +app +- +2-5 +8 +8 +parked +- +yes$' "db's row parked"
like "$(row "$out" web | grep ' app ')" '^web +app +vm1 +6-7 ' "web's row on vm1"
is "$(events "$out" | grep -E '^app.resumed' | sed 's/ seq=.*//')" "app.resumed app=web vm=vm1
app.resumed app=db vm=vm0" "web resumes on vm1; db once vm0 is back as the standby"
like "$(printf '%s\n' "$out" | grep 'invariants hold' | wc -l)" '^ *2$' "invariants hold, parked and after"

# The OS rows' takeover column follows the pair: dropped for a failed OS,
# set again by reprotect.
run "$VMFO" -c 'boot; fault os panic; wait failover.done; table raw; reprotect; table raw'
is "$(raw_rows "$out" | grep ' os ')" "2 0x100488 vm1 os vm1 - - no 1-36
1 0x100264 vm0 os vm0 - vm1 no 34-37
2 0x100488 vm1 os vm1 - vm0 no 1-33" \
	"after vm0's failure vm1 takes nothing over; after reprotect the two take each other over"

# ---- refusals ----
run "$VMFO" -c 'table set db hot=no'
is "$out" "error: table set db: not booted: use 'boot' first" "table set before boot"
for bad in "nope hot=no:table set nope: no such row in the table (see 'table')" \
	"vm0 hot=no:table set vm0: only an app's row has a hot flag" \
	"vmm takeover=vm1:table set vmm: the VMM's row is taken over by nobody" \
	"vm0 takeover=vm0:table set vm0: a row cannot be taken over by the VM it is mapped in" \
	"db takeover=vm0:table set db: a row cannot be taken over by the VM it is mapped in"; do
	run "$VMFO" -c "boot; app start db 4 hot; table set ${bad%%:*}"
	is "$(printf '%s\n' "$out" | grep error)" "error: ${bad#*:}" "table set ${bad%%:*} is refused"
done
run "$VMFO" -c 'boot; table set vm1 hot=maybe'
like "$out" '^error: usage: table \[raw\] \| table set ROW' "a setting that is none: usage"

# ---- the control column changes on the new OS's report, not before ----
# Step mode stops the takeover after its moves (the storage is mapped in
# vm1, which has not reported it yet), then lets it finish.
run "$VMFO" -c 'boot; app start db 8 hot; step on; fault app db crash; sleep 200; step; sleep 100; step; sleep 100; step; sleep 100; step; sleep 100; table; step off; wait failover.done; table; trace 40'
like "$(row "$out" db | grep ' app ' | head -n 1)" '^db +app +vm1 +2-5 +8 +8 +vm0 ' \
	"mapped in vm1 before vm1 reported it: still controlled by vm0"
like "$(events_from "$out" vmm.activate_request | tr '\n' ' ')" 'os.report vm=vm1 app=db units=2-5' \
	"then vm1 reports db's resources (claims 5, 6)"
like "$(row "$out" db | grep ' app ' | tail -n 1)" '^db +app +vm1 +2-5 +8 +8 +vm1 ' \
	"after its report vm1 controls db"

# ---- reset: the table leaves the unit, and comes back at the next boot ----
run "$VMFO" -c 'boot; app start db 8 hot; reset; table; table raw; boot; table raw; invariants'
like "$out" "error: not booted: the table lies in the VMM's unit" "after reset the table has no unit"
like "$(raw_rows "$out" | sed -n 2,4p | tr '\n' ' ')" '^0 0x100040 vmm vmm .* 1 0x100264 vm0 os vm0 - vm1 no 1-32 2 0x100488 vm1 os vm1 - vm0 no 33-36 $' \
	"a new boot houses it again, with no row of the old pair"
like "$out" '^invariants hold' "invariants hold"

done_testing
