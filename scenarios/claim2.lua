-- claim2.lua — Claim 2: hot-standby programs live in auxiliary memory, not
-- in main storage; after a takeover the standby loads them from there and
-- runs them in the storage it was given.
-- Teaches: the program comes from the auxiliary image (os.load src=aux);
-- the state comes from the moved storage (app.resumed seq >= acked).
vmfo.boot{}
vmfo.app{name = "db", prog = "ledger", mb = 8, hot = true}
vmfo.sleep(100)
local before = vmfo.app_state("db")

vmfo.fault{os = "hang"}
local load = vmfo.wait("os.load", {vm = "vm1", app = "db", timeout_ms = 3000})
vmfo.check(load.src == "aux", "the standby loads db from auxiliary memory")
local resumed = vmfo.wait("app.resumed", {app = "db"})
vmfo.check(resumed.vm == "vm1", "db runs on vm1")
vmfo.check(resumed.seq >= before.acked, "on the state in its storage: seq " .. resumed.seq ..
	" >= acknowledged " .. before.acked)
local ok, why = vmfo.claim(2)
vmfo.check(ok, "claim 2: " .. why)
