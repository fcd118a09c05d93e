#!/bin/sh
# reset.sh — reset tears everything down and boot works again, with no
# memslots, units, file descriptors or memory left behind.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

cmds='boot; reset; table; boot; status; reset'
for i in 1 2 3 4 5; do cmds="$cmds; boot; reset"; done
cmds="$cmds; boot; status; invariants; reset; table; status"
run "$VMFO" -c "$cmds"
is "$rc" 1 "only the final status (not booted) fails"
is "$(printf '%s\n' "$out" | grep -c '^vm0 active OS ready')" 8 "eight boots"
is "$(row "$out" unused | sort -u)" \
	"unused     free  -    0-127               256       0  -        -        -" \
	"after each reset the whole pool is unused"
fds=$(printf '%s\n' "$out" | sed -n 's/^vmm: \([0-9]*\) open fds.*/\1/p')
is "$(printf '%s\n' "$fds" | sort -u | wc -l | tr -d ' ')" 1 "same open fd count after 1 and 7 cycles ($(echo $fds))"
rss=$(printf '%s\n' "$out" | sed -n 's/^vmm: .* \([0-9]*\) MB resident$/\1/p')
r1=$(printf '%s\n' "$rss" | head -n 1) r2=$(printf '%s\n' "$rss" | tail -n 1)
ok "$([ "$r2" -le $((r1 + 16)) ]; echo $?)" "resident memory does not grow across cycles ($r1 MB, then $r2 MB)"
like "$out" '^pool: 256 MB in 128 units of 2 MB, 91 unused; huge pages (on|off); memslots vm0 1, vm1 1$' \
	"memslots are back to one per OS after cycles"
like "$out" '^invariants hold' "invariants hold after cycles"
is "$(printf '%s\n' "$out" | tail -n 1)" "error: not booted: use 'boot' first" "after the last reset nothing runs"

# A trace cleared by reset: the new boot starts at seq 1.
run "$VMFO" -c 'boot; reset; boot; trace 1000'
like "$(printf '%s\n' "$out" | grep 'vmm.alloc' | head -n 1)" '^ +1 ' "after reset the trace starts again at 1"
is "$(printf '%s\n' "$out" | grep -c 'vmm.alloc')" 2 "and holds only the new boot"

done_testing
