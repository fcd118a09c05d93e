#!/bin/sh
# hostile.sh — a broken or hostile OS at the hypercall interface: every
# misuse is refused with vmm.reject, nothing in the table changes, the
# other VM and the VMM run on; a flood stops the offender as failed.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

cases="arg-foreign arg-beyond length text-foreign unknown direction claim request aux ack loaded format verified"
cmds="boot; app start db 8 hot; table"
for c in $cases; do cmds="$cmds; hostile $c"; done
run "$VMFO" -c "$cmds; sleep 100; invariants; status; table; trace 100"
is "$rc" 0 "every hostile case is survived"
is "$(events "$out" | grep '^vmm.reject' | sed 's/ reason=/|/')" \
"vmm.reject vm=vm0|console: argument at 0x104200000 outside its storage
vmm.reject vm=vm0|console: argument at 0x7ffffffc0 outside its storage
vmm.reject vm=vm0|console: length out of range
vmm.reject vm=vm0|console: text outside its storage
vmm.reject vm=vm0|port 0x532 access (dir 1, size 4)
vmm.reject vm=vm0|port 0x502 access (dir 0, size 4)
vmm.reject vm=vm0|report: claims units that are not its free storage
vmm.reject vm=vm0|request: more units than the pool has
vmm.reject vm=vm0|aux read: outside the auxiliary image
vmm.reject vm=vm0|ack: answers a request never made
vmm.reject vm=vm0|app event: loaded, but the app is not being started or activated
vmm.reject vm=vm0|console: format has more conversions than numbers
vmm.reject vm=vm0|app event: verified more pages than the app holds" "each misuse refused, with its reason"
like "$out" '^hostile claim: the OS got status 2 back$' "the OS is told no (EFAULT) for a claim on foreign storage"
like "$out" '^hostile loaded: the OS got status 1 back$' "a load nobody asked for is refused (EINVAL)"
like "$out" '^hostile format: the OS got status 1 back$' "a console format short of numbers is refused (EINVAL)"
like "$out" '^hostile verified: the OS got status 1 back$' "a check of more pages than there are is refused (EINVAL)"
like "$out" '^invariants hold' "invariants hold"
tables=$(printf '%s\n' "$out" | grep -E '^(vmm|vm0|vm1|db|unused) +(vmm|os|app|free) ')
first=$(printf '%s\n' "$tables" | head -n 5) last=$(printf '%s\n' "$tables" | tail -n 5)
is "$last" "$first" "the table is exactly as before"
like "$(row "$out" vm0 | grep running)" '^vm0 +active +running' "the offending OS runs on"
like "$(row "$out" vm1 | grep running)" '^vm1 +standby +running' "so does the standby"
unlike "$out" 'vmm.os_fault' "no OS was stopped for a refused call"

run "$VMFO" -c 'boot; app start db 8 hot; hostile flood; wait failover.done; status; invariants; trace 300'
is "$(events "$out" | grep -c '^vmm.reject')" 100 "a flood: at most 100 refusals a second are recorded"
like "$out" 'vmm.os_fault +vm=vm0 cause=hostile' "then the flooding OS is stopped as failed"
like "$(row "$out" vm1 | grep running)" '^vm1 +active +running +72 MB' "and the standby takes over"
like "$out" '^invariants hold' "invariants hold after the flood"

run "$VMFO" -c 'boot; hostile nope'
like "$out" '^error: usage: hostile CASE, one of: arg-foreign' "an unknown case lists the cases"
done_testing
