#!/bin/sh
# boot.sh — booting the guest pair under real KVM: both report ready, the
# table and map show the claimed allocation, heartbeats arrive, memslots
# equal the table, the trace records it, and a second boot is refused.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run "$VMFO" --trace "$tmp/live.jsonl" -c "boot; sleep 300; status; table; map; invariants; trace; log; trace save $tmp/saved.jsonl; boot"
is "$rc" 1 "the second boot fails, so -c exits 1"
like "$out" '^vm0 active OS ready in [0-9.]+ ms with 64 MB$' "vm0 boots as the active OS with 64 MB"
like "$out" '^vm1 standby OS ready in [0-9.]+ ms with 8 MB$' "vm1 boots as the standby with 8 MB"
like "$out" "^error: already booted: use 'reset' first$" "booting twice is refused"

like "$(row "$out" vm0)" '^vm0 +active +running +64 MB +#[0-9]+ [0-9.]+ ms ago +[0-9.]+ ms$' "status: vm0 active, running"
like "$(row "$out" vm1)" '^vm1 +standby +running +8 MB +#[0-9]+ [0-9.]+ ms ago +[0-9.]+ ms$' "status: vm1 standby, running"
# 300 ms at a 10 ms period: well over 5 heartbeats each, whatever the load.
hb0=$(row "$out" vm0 | sed -n 's/.*#\([0-9]*\) .*/\1/p' | head -n 1)
hb1=$(row "$out" vm1 | sed -n 's/.*#\([0-9]*\) .*/\1/p' | head -n 1)
ok "$([ "${hb0:-0}" -ge 5 ]; echo $?)" "vm0 heartbeats arrive ($hb0)"
ok "$([ "${hb1:-0}" -ge 5 ]; echo $?)" "vm1 heartbeats arrive ($hb1)"
like "$out" '^pool: 256 MB in 128 units of 2 MB, 91 unused; huge pages (on|off); memslots vm0 1, vm1 1$' \
	"one memslot per OS, 91 units unused"

is "$(printf '%s\n' "$out" | grep -E '^(row|vmm|vm0|vm1|unused|total) ' | grep -Ev 'OS ready| (active|standby) |vmfo os')" \
"row        kind  vm   units                MB  use MB  control  takeover hot
vmm        vmm   -    0                     2       2  -        -        -
vm0        os    vm0  1-32                 64      64  -        -        -
vm1        os    vm1  33-36                 8       8  -        -        -
unused     free  -    37-127              182       0  -        -        -
total                                     256" "table: the VMM's unit, sufficient active, insufficient standby, the rest unused"

is "$(printf '%s\n' "$out" | grep -E '^ +(0|64)  ')" \
"    0  #000000000000000000000000000000001111...........................
   64  ................................................................" "map: one character per unit"
like "$out" '^legend: # vmm  0 vm0 OS \(active\)  1 vm1 OS \(standby\)  \. unused  \(1 unit = 2 MB\)$' "map legend"
like "$out" '^invariants hold' "invariants hold after boot"

like "$out" '^ +1 +\+[0-9.]+ s  vmm.alloc +vm=vm0 units=1-32 mb=64  \[claim 1\]$' "trace: vmm.alloc for vm0 first"
like "$out" '^ +2 +\+[0-9.]+ s  vmm.alloc +vm=vm1 units=33-36 mb=8  \[claim 1\]$' "trace: then vmm.alloc for vm1"
like "$out" 'os.ready +vm=vm0 role=active$' "trace: os.ready for vm0"
like "$out" 'os.ready +vm=vm1 role=standby$' "trace: os.ready for vm1"
like "$out" '^vm0 +\+[0-9.]+ s  vmfo os: vm0 active, 64 MiB, heartbeat 10 ms, app watchdog 30 ms$' "log: the active OS's console line"
like "$out" '^vm1 +\+[0-9.]+ s  vmfo os: vm1 standby, 8 MiB, heartbeat 10 ms, app watchdog 30 ms$' "log: the standby's console line"

# The JSONL trace, live and saved: same events, in order, with timestamps.
for f in live saved; do
	j=$(cat "$tmp/$f.jsonl")
	is "$(printf '%s\n' "$j" | sed -n 's/.*"ev":"\([^"]*\)".*/\1/p' | sort | tr '\n' ' ')" \
		"os.ready os.ready vmm.alloc vmm.alloc " "$f trace: the four boot events"
	like "$(printf '%s\n' "$j" | head -n 1)" \
		'^\{"t_us":[0-9]+,"seq":1,"ev":"vmm.alloc","claims":\[1\],"vm":"vm0","units":"1-32","mb":"64"\}$' \
		"$f trace: first line is exact JSON"
done
# os.ready only after both allocations: an event follows what it names.
first_ready=$(grep -n '"os.ready"' "$tmp/live.jsonl" | head -n 1 | cut -d: -f1)
last_alloc=$(grep -n '"vmm.alloc"' "$tmp/live.jsonl" | tail -n 1 | cut -d: -f1)
ok "$([ "$first_ready" -gt "$last_alloc" ]; echo $?)" "no os.ready before its storage was allocated"

# Other sizes: the table follows the options.
run "$VMFO" --pool-mb 64 --active-mb 16 --standby-mb 4 --unit-kb 4096 -c 'boot; table; invariants'
is "$rc" 0 "boot with 4 MB units and a 64 MB pool"
is "$(row "$out" vm0 | grep ' os ')" "vm0        os    vm0  1-4                  16      16  -        -        -" "vm0 has 4 units of 4 MB"
is "$(row "$out" vm1 | grep ' os ')" "vm1        os    vm1  5                     4       4  -        -        -" "vm1 has 1 unit"
is "$(row "$out" unused)" "unused     free  -    6-15                 40       0  -        -        -" "the rest unused"

# Claim 1's "insufficient": a standby that could already execute the
# application programs (each at its default size, from its needs header)
# is refused, and nothing is booted.
run "$VMFO" --standby-mb 62 -c 'boot; table'
is "$rc" 1 "a 62 MB standby: boot fails"
like "$out" "^error: a standby of 62 MB is not insufficient \\(claim 1\\): besides its kernel unit it would hold 60 MB, enough to execute the application programs \\(ledger [0-9]+ MB, kv [0-9]+ MB, hog [0-9]+ MB: [0-9]+ MB\\); give it less than [0-9]+ MB$" \
	"and says why in claim 1's words"
unlike "$out" 'vm0 +os' "nothing was booted"
run "$VMFO" -c 'boot standby=20; boot standby=16; status'
like "$out" "^error: a standby of 20 MB is not insufficient" "boot standby=20 is refused"
like "$(row "$out" vm1)" 'standby +running +16 MB' "16 MB (14 besides its kernel unit) is still insufficient"
run "$VMFO" -c 'boot; app start db 8 hot; lua vmfo.boot{standby_mb=40}; app list'
like "$out" "a standby of 40 MB is not insufficient \\(claim 1\\)" "vmfo.boot refuses it too"
like "$(row "$out" db)" '^db +ledger +vm0 +running ' "before it resets anything: db still runs"

run "$VMFO" --heartbeat-ms 0 -c 'boot; sleep 100; status'
like "$(row "$out" vm0)" 'running +64 MB +off ' "--heartbeat-ms 0: no heartbeats, still running"

done_testing
