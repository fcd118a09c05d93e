-- claim7.lua — Claim 7: when the first OS fails, the VMM allocates its
-- resources to the second OS and asks it to activate the app there.
-- Teaches: a triple fault (KVM_EXIT_SHUTDOWN) is detected at once and
-- the hot app is activated on the standby.
vmfo.boot{}
vmfo.app{name = "db", prog = "ledger", mb = 8, hot = true}
vmfo.fault{os = "triple"}
local fault = vmfo.wait("vmm.os_fault")
vmfo.check(fault.cause == "shutdown", "a triple fault shows as KVM_EXIT_SHUTDOWN")
local act = vmfo.wait("vmm.activate_request")
vmfo.check(act.vm == "vm1" and act.app == "db", "vm1 is asked to activate db")
vmfo.wait("failover.done")
vmfo.check(vmfo.role("vm1") == "active" and vmfo.role("vm0") == "failed", "vm1 is the active OS now")
local ok, why = vmfo.claim(7)
vmfo.check(ok, "claim 7: " .. why)
