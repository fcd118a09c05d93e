-- claim1.lua — Claim 1: the active OS gets storage sufficient for its
-- apps, the standby gets too little; when the active OS fails, the storage
-- of the OS *and* of its apps is attached to the standby.
-- Teaches: watch the whole of vm0's storage change hands in one move.
vmfo.boot{active_mb = 64, standby_mb = 8}
vmfo.check(vmfo.role("vm0") == "active" and vmfo.role("vm1") == "standby", "vm0 active, vm1 standby")

vmfo.app{name = "db", prog = "ledger", mb = 8, hot = true}
vmfo.app{name = "cache", prog = "kv", mb = 4}

-- Before: the standby alone could not hold the apps.
local held = {}
for _, row in ipairs(vmfo.table()) do held[row.name] = row end
vmfo.check(held.vm1.mb < held.db.mb + held.cache.mb + 2, "the standby's storage is insufficient")

vmfo.fault{os = "panic"}
local fault = vmfo.wait("vmm.os_fault")
vmfo.check(fault.vm == "vm0" and fault.cause == "panic", "the panic is detected")
local detach = vmfo.wait("vmm.detach")
local attach = vmfo.wait("vmm.attach")
vmfo.check(detach.vm == "vm0" and attach.vm == "vm1", "from vm0 to vm1")
vmfo.check(detach.units == attach.units, "the same units: moved, not copied")
vmfo.wait("failover.done")

-- After: vm1 holds everything vm0 held, its own storage and the apps'.
vmfo.check(vmfo.owner("db") == "vm1", "db's storage is vm1's")
for _, row in ipairs(vmfo.table()) do
	vmfo.check(row.vm ~= "vm0", "nothing is left with vm0: " .. row.name)
end
local ok, why = vmfo.claim(1)
vmfo.check(ok, "claim 1: " .. why)
