-- claim4.lua — Claim 4: when an app fails, the VMM looks it up and moves
-- only that app's storage to the standby, which runs the same app.
-- Teaches: the active OS and its other apps are untouched.
vmfo.boot{}
vmfo.app{name = "db", prog = "ledger", mb = 8, hot = true}
vmfo.app{name = "cache", prog = "kv", mb = 4}
vmfo.sleep(50)

vmfo.fault{app = "db", kind = "crash"}
local detach = vmfo.wait("vmm.detach")
vmfo.wait("failover.done")
vmfo.check(detach.units == "2-5", "only db's units move (" .. detach.units .. ")")
vmfo.check(vmfo.owner("db") == "vm1", "db now on vm1")
vmfo.check(vmfo.owner("cache") == "vm0", "cache stays on vm0")
vmfo.check(vmfo.role("vm0") == "active", "the active OS keeps running")
vmfo.check(vmfo.app_state("cache").state == "running", "and so does cache")
local ok, why = vmfo.claim(4)
vmfo.check(ok, "claim 4: " .. why)
