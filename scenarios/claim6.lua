-- claim6.lua — Claim 6: the first OS reports an app's resources and, later,
-- its failure; the VMM disconnects the resources from the first OS,
-- allocates them to the second and asks it to activate the same app; the
-- second OS allocates the app's resources from what it was given.
-- Teaches: every message between the three parties, in order.
vmfo.boot{}
vmfo.app{name = "db", prog = "ledger", mb = 8, hot = true}
vmfo.sleep(50)
vmfo.fault{app = "db", kind = "crash"}
local steps = {"os.app_failure", "vmm.disconnect_request", "os.disconnected", "vmm.detach",
	"vmm.attach", "vmm.activate_request", "os.app_alloc", "app.resumed"}
local last = 0
for _, name in ipairs(steps) do
	local ev = vmfo.wait(name, {timeout_ms = 3000})
	vmfo.check(ev.event_seq > last, name .. " comes after the step before it")
	last = ev.event_seq
end
local ok, why = vmfo.claim(6)
vmfo.check(ok, "claim 6: " .. why)
