-- isolation.lua — Storage that has moved is out of the old owner's reach:
-- when vm0 touches a unit it gave away, the access exits to the VMM, which
-- refuses it (vmm.blocked) and treats vm0 as failed.
-- Teaches: ownership is enforced by memslots, not by trust.
vmfo.boot{}
vmfo.app{name = "db", prog = "ledger", mb = 8, hot = true}
vmfo.fault{app = "db", kind = "crash"}
vmfo.wait("failover.done")
local first = tonumber(vmfo.wait("vmm.attach").units:match("^(%d+)"))
vmfo.fault{os = "wild", unit = first}
local blocked = vmfo.wait("vmm.blocked")
vmfo.check(blocked.vm == "vm0", "vm0's access to unit " .. first .. " is blocked at " .. blocked.gpa)
local fault = vmfo.wait("vmm.os_fault")
vmfo.check(fault.cause == "mmio", "and vm0 is stopped as failed")
vmfo.wait("failover.done")
vmfo.check(vmfo.app_state("db").state == "running", "db, on vm1 all along, is unharmed")
