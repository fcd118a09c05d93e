-- recoverable.lua — A recoverable fault is handled by the active OS itself:
-- the app restarts on its own state, nothing is reported as a failure and
-- no storage moves (claim 9's fault-level notification routine).
vmfo.boot{}
vmfo.app{name = "db", prog = "ledger", mb = 8, hot = true}
vmfo.sleep(50)
local before = vmfo.app_state("db")
vmfo.fault{app = "db", kind = "error"}
vmfo.wait("app.restarted")
vmfo.sleep(50)
for _, ev in ipairs(vmfo.trace()) do
	vmfo.check(ev.ev ~= "os.app_failure" and ev.ev ~= "vmm.detach", "nothing reported, nothing moved")
end
vmfo.check(vmfo.owner("db") == "vm0", "db stays on vm0")
vmfo.check(vmfo.app_state("db").seq > before.seq, "and continues from its own state")
