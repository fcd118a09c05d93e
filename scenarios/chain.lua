-- chain.lua — Several failovers in a row: after each OS failure, reprotect
-- reboots the failed side as the new standby, so the next failure can be
-- taken over too. The ledger crosses every move.
vmfo.boot{}
vmfo.app{name = "db", prog = "ledger", mb = 8, hot = true}
local expect = {"vm1", "vm0", "vm1"}
for round, to in ipairs(expect) do
	local before = vmfo.app_state("db")
	vmfo.fault{os = ({"panic", "hang", "triple"})[round]}
	local resumed = vmfo.wait("app.resumed", {app = "db", timeout_ms = 3000})
	vmfo.wait("failover.done")
	vmfo.check(resumed.vm == to, "round " .. round .. ": db resumes on " .. to)
	vmfo.check(resumed.seq >= before.acked, "round " .. round .. ": nothing lost")
	vmfo.reprotect()
	vmfo.wait("vmm.reprotect")
	vmfo.check(vmfo.role(to) == "active", "round " .. round .. ": " .. to .. " is active")
end
local ok, why = vmfo.claim(7)
vmfo.check(ok, "claim 7 over the chain: " .. why)
