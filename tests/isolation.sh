#!/bin/sh
# isolation.sh — a guest cannot touch storage it does not own: the access
# exits to the VMM, is refused (vmm.blocked) and the VMM keeps running.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

run "$VMFO" -c 'boot; fault os wild; wait vmm.blocked 3000; wait vmm.os_fault 3000; sleep 100; status; invariants; trace; fault os wild'
is "$rc" 1 "only the second wild fault fails"
# The target is the standby's first unit (33): 0x100000000 + 33 * 2 MiB + 0x100.
like "$out" 'vmm.blocked +vm=vm0 gpa=0x104200100$' "vmm.blocked names vm0 and the exact address"
like "$out" 'vmm.os_fault +vm=vm0 cause=mmio  \[claim 7,9\]$' "the wild OS is stopped: cause mmio"
like "$(row "$out" vm0)" '^vm0 +active +failed \(mmio\) +64 MB' "status: vm0 failed (mmio)"
like "$(row "$out" vm1)" '^vm1 +standby +running +8 MB' "status: vm1 still running"
like "$out" '^invariants hold' "the table did not change"
like "$out" "^error: the active OS \\(vm0\\) is failed$" "a failed OS takes no more faults"
blocked=$(printf '%s\n' "$out" | grep -n 'vmm.blocked' | head -n 1 | cut -d: -f1)
fault=$(printf '%s\n' "$out" | grep -n 'vmm.os_fault' | tail -n 1 | cut -d: -f1)
ok "$([ "$blocked" -lt "$fault" ]; echo $?)" "blocked is recorded before the fault it causes"

# The standby keeps its heartbeat after vm0 was stopped.
hb1=$(row "$out" vm1 | sed -n 's/.*#\([0-9]*\) .*/\1/p' | head -n 1)
ok "$([ "${hb1:-0}" -ge 3 ]; echo $?)" "vm1 heartbeats continue ($hb1)"

done_testing
