-- continuity.lua — The ledger under load: an OS panic must not lose a
-- single acknowledged transaction, and the hash chain must verify.
-- Teaches: "nothing lost" is checked, not assumed: the resumed seq is at
-- least the last one the OS acknowledged, and the ledger keeps going.
vmfo.boot{}
vmfo.app{name = "db", prog = "ledger", mb = 16, hot = true}
vmfo.sleep(200)
local before = vmfo.app_state("db")
vmfo.check(before.acked > 0, "transactions are being acknowledged (" .. before.acked .. ")")
vmfo.fault{os = "panic"}
local resumed = vmfo.wait("app.resumed", {app = "db", timeout_ms = 3000})
vmfo.check(resumed.seq >= before.acked, "resumed at " .. resumed.seq .. " >= acked " .. before.acked)
for _, ev in ipairs(vmfo.trace()) do
	vmfo.check(ev.ev ~= "app.lost" and ev.ev ~= "app.corrupt", "no loss or corruption reported")
end
vmfo.sleep(100)
vmfo.check(vmfo.app_state("db").seq > resumed.seq, "the ledger commits on after the takeover")
