#!/bin/sh
# isolation.sh — a guest cannot touch storage it does not own: the access
# exits to the VMM, is refused (vmm.blocked), and the VMM treats the OS as
# failed; storage moved away from a VM is out of its reach.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

run "$VMFO" -c 'boot; fault os wild; wait failover.done 5000; status; invariants; trace'
is "$rc" 0 "a wild write is survived"
# The target is the standby's first unit (33): 0x100000000 + 33 * 2 MiB + 0x100.
like "$out" 'vmm.blocked +vm=vm0 gpa=0x104200100$' "vmm.blocked names vm0 and the exact address"
like "$out" 'vmm.os_fault +vm=vm0 cause=mmio fo=[0-9]+  \[claim 7,9\]$' "the wild OS is treated as failed: cause mmio"
like "$(row "$out" vm0)" '^vm0 +- +failed \(mmio\) +' "status: vm0 failed (mmio)"
like "$(row "$out" vm1)" '^vm1 +active +running +72 MB' "status: vm1 took over vm0's storage and is active"
like "$out" '^invariants hold' "invariants hold after the takeover"
blocked=$(printf '%s\n' "$out" | grep -n 'vmm.blocked' | head -n 1 | cut -d: -f1)
fault=$(printf '%s\n' "$out" | grep -n 'vmm.os_fault' | tail -n 1 | cut -d: -f1)
ok "$([ "$blocked" -lt "$fault" ]; echo $?)" "blocked is recorded before the fault it causes"

# After an app failover the old owner can no longer reach the app's units.
run "$VMFO" -c 'boot; app start db 8 hot; fault app db crash; wait failover.done; fault os wild 2; wait vmm.blocked; wait failover.done; trace 100'
like "$out" 'vmm.attach +vm=vm1 units=2-5' "db's units 2-5 moved to vm1"
like "$out" 'vmm.blocked +vm=vm0 gpa=0x100400100$' "vm0 writing db's old unit 2 is blocked"
like "$(printf '%s\n' "$out" | grep 'app.resumed' | tail -n 1)" 'app=db vm=vm1' "db keeps running on vm1"

run "$VMFO" -c 'boot; fault os wild 999'
is "$(printf "%s\n" "$out" | grep error)" "error: unit 999 is outside the pool (0-127)" "a wild write outside the pool is refused"
run "$VMFO" -c 'boot; fault os wild x'
is "$(printf "%s\n" "$out" | grep error)" "error: 'x' is not a unit number" "a bad unit number is refused"

done_testing
