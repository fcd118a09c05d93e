#!/bin/sh
# needs.sh — claim 5 to the letter: the active OS calculates the storage an
# app needs from what its program declares (the needs header at the start
# of its binary: fixed bytes, bytes per item), for the count of items the
# user asks for; with enough of its own storage it reports the app's units
# (os.report, with need_mb= and how=), short of it it requests exactly the
# shortfall (os.request), the VMM grants it (vmm.grant) and then it
# reports. The expected sizes are worked out here from the ledger's own
# header, read from its binary. Bad input is refused clearly and changes
# nothing.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

# The ledger's needs header: the first 64 bytes of its binary (abi.h,
# struct vmfo_prog_needs: magic, fixed_bytes, item_bytes, item_default,
# item_min, item[16]).
bin=$(dirname "$VMFO")/guests/apps/ledger.bin
u64() { od -An -t u8 -j "$1" -N 8 "$bin" | tr -d ' '; }
magic=$(od -An -c -N 8 "$bin" | tr -d ' ')
is "$magic" "vmfoneed" "the ledger's binary starts with its needs"
fixed=$(u64 8)
per=$(u64 16)
dflt=$(u64 24)
min=$(u64 32)
item=$(dd if="$bin" bs=1 skip=40 count=16 2>/dev/null | tr -d '\0')
is "$item $per" "records 32" "a ledger record is one 32-byte log entry"

unit=$((2048 * 1024)) # the default --unit-kb
# The formula the OS applies: fixed + per record x N, in whole units.
units_for() { echo $(((fixed + per * $1 + unit - 1) / unit)); }
# A size as the trace words it: in the largest of B, KiB, MiB it is whole in.
size_text() {
	if [ $(($1 % 1048576)) -eq 0 ]; then echo "$(($1 / 1048576))MiB"
	elif [ $(($1 % 1024)) -eq 0 ]; then echo "$(($1 / 1024))KiB"
	else echo "${1}B"; fi
}
how() { echo "records=$1x$(size_text "$per")+$(size_text "$fixed")"; }
# COUNT units from FIRST, as a unit set: "2" or "2-5".
span() { if [ "$2" -eq 1 ]; then echo "$1"; else echo "$1-$(($1 + $2 - 1))"; fi; }

# vm0 has 64 MB: its kernel unit and 31 free units. The first ledger fits
# in them; the second does not.
free=31
n1=100000
n2=2500000
u1=$(units_for $n1)
u2=$(units_for $n2)
short=$((u2 - (free - u1)))
ok $([ "$u1" -le $free ] && [ "$short" -gt 0 ]; echo $?) "records=$n1 fits vm0's free storage ($u1 units), records=$n2 does not ($u2 units, $short short)"

run "$VMFO" -c "boot; app start db prog=ledger records=$n1 hot; app start big prog=ledger records=$n2 hot; sleep 100; app list; table; invariants; check claim 5; trace 100"
is "$rc" 0 "two ledgers sized by their record counts start"
is "$(printf '%s\n' "$out" | grep -E '^(db|big): ')" \
"db: ledger on vm0, $((2 * u1)) MB (units 2-$((1 + u1))) for records=$n1, hot standby
big: ledger on vm0, $((2 * u2)) MB (units $((2 + u1))-32,37-$((36 + short))) for records=$n2, hot standby" \
	"each start says what the OS computed it for"
is "$(events "$out" | grep -v -e vmm.alloc -e os.ready)" \
"os.report vm=vm0 app=db units=$(span 2 "$u1") need_mb=$((2 * u1)) how=$(how $n1)
os.load vm=vm0 app=db src=aux
app.started app=db vm=vm0 prog=ledger hot=yes mb=$((2 * u1))
os.request vm=vm0 mb=$((2 * short))
vmm.grant vm=vm0 units=37-$((36 + short))
os.report vm=vm0 app=big units=$((2 + u1))-32,37-$((36 + short)) need_mb=$((2 * u2)) how=$(how $n2)
os.load vm=vm0 app=big src=aux
app.started app=big vm=vm0 prog=ledger hot=yes mb=$((2 * u2))" \
	"fits: os.report with the computed size; short: os.request for exactly the shortfall, vmm.grant, os.report"
like "$(row "$out" big)" '^big +ledger +vm0 +running +'$((2 * u2))' +yes +[1-9]' "the bigger ledger runs on its two extents"
like "$out" '^invariants hold' "invariants hold"
like "$out" '^claim 5: PASS' "claim 5 passes"

# The default, and the unit size the OS is booted with: 4 MB units.
run "$VMFO" --unit-kb 4096 -c "boot; app start d prog=ledger; trace 10"
u4=$(((fixed + per * dflt + 2 * unit - 1) / (2 * unit)))
is "$(events "$out" | grep os.report)" "os.report vm=vm0 app=d units=$(span 2 "$u4") need_mb=$((4 * u4)) how=$(how "$dflt")" \
	"no count: the program's default ($dflt records), in the units the OS was booted with"

# A ledger that spans two extents is taken over whole: the new OS finds
# and checks every record where the old one wrote it.
run "$VMFO" -c "boot; app start a 40; app start big prog=ledger records=$n2 hot; sleep 100; fault app big crash; wait failover.done; sleep 50; app list"
is "$rc" 0 "a two-extent ledger is taken over"
like "$(row "$out" big)" "^big +ledger +vm1 +running +$((2 * u2)) +yes" "and runs on vm1 with all its records verified"

# A kv store grows by keys: the OS computes the total the new count needs
# and adds only the difference.
k1=4096
k2=100000
ku1=$(((fixed + 32 * k1 + unit - 1) / unit))
ku2=$(((fixed + 32 * k2 + unit - 1) / unit))
run "$VMFO" -c "boot; app start c prog=kv keys=$k1 hot; app grow c keys=$k2; app grow c keys=$k1; app grow c records=5; sleep 100; fault app c crash; wait failover.done; app list; trace 100"
is "$(events "$out" | grep 'os.report vm=vm0')" \
"os.report vm=vm0 app=c units=$(span 2 "$ku1") need_mb=$((2 * ku1)) how=keys=${k1}x32B+$(size_text "$fixed")
os.report vm=vm0 app=c units=$(span 2 "$ku2") need_mb=$((2 * ku2)) how=keys=${k2}x32B+$(size_text "$fixed")" \
	"app grow c keys=$k2: the OS computes $ku2 units in all and adds $((ku2 - ku1))"
is "$(printf '%s\n' "$out" | grep '^error')" \
"error: 'c' holds $((2 * ku2)) MB already, as much as keys=$k1 needs ($((2 * ku1)) MB, as vm0 computed): nothing to grow
error: kv counts keys, not records: give keys=N" "a grow to fewer keys, or by another program's item, is refused"
like "$(row "$out" c)" '^c +kv +vm1 +running ' "the grown store's keys are all there after a takeover"

# Bad input: a clear error each, and nothing changes. One ledger needs
# more than the whole pool; another fits the pool but not what is left of
# it: the OS asks for exactly its shortfall, and the VMM cannot give it.
n_pool=100000000
u_pool=$(units_for $n_pool)
n_left=$(((125 * unit - fixed) / per))
u_left=$(units_for $n_left)
run "$VMFO" -c "boot; app start db prog=ledger records=0; app start db prog=ledger keys=100; app start db prog=ledger records=1; app start db prog=ledger records=$n_pool; app start db prog=ledger records=$n_left; app start db 8 records=10; app start db prog=hog records=10; app start db prog=ledger records=x; app list; table; invariants; trace 100"
is "$rc" 1 "bad counts fail"
is "$(printf '%s\n' "$out" | grep '^error')" \
"error: 'records=0': give a count of 1 or more (at most 18446744073709551615)
error: ledger counts records, not keys: give records=N
error: records=1: ledger works with at least $min records
error: 'db' needs $((2 * u_pool)) MB for records=$n_pool, as vm0 computed: more than the whole pool (256 MB)
error: 'db' needs $((2 * u_left)) MB for records=$n_left, as vm0 computed: vm0 has 62 MB free and the pool 182 MB unused
error: give one size: 8 and records=10
error: hog counts mib, not records: give mib=N
error: 'records=x': give a count of 1 or more (at most 18446744073709551615)" "each gets its own clear error"
is "$(events "$out" | grep -v -e vmm.alloc -e os.ready)" "os.request vm=vm0 mb=$((2 * (u_left - free)))" \
	"the only step taken: the OS asked for exactly its shortfall, which the pool could not grant"
like "$(row "$out" vm0 | grep ' os ')" '^vm0 +os +vm0 +1-32 +64 ' "vm0 keeps its storage"
like "$(row "$out" unused)" ' 37-127 ' "the pool is unchanged"
is "$(printf '%s\n' "$out" | grep -cE '^[a-z0-9]+ +app ')" 0 "no app was made"
like "$out" '^invariants hold' "invariants hold"

done_testing
