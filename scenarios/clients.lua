-- clients.lua — What a client sees: four clients keep writing to a served
-- ledger and a served kv store while the app crashes and then the active
-- OS panics. Teaches: continuity judged from outside, from the clients'
-- own history: every write they were told was done is still there after
-- each takeover, none was answered twice, and the only thing they notice
-- is a pause, the blackout.
vmfo.boot{}
vmfo.app{ name = "db", prog = "ledger", hot = true }
vmfo.app{ name = "cache", prog = "kv", hot = true }
vmfo.serve("db")
vmfo.serve("cache")
local db = vmfo.client{ app = "db", clients = 4 }
local cache = vmfo.client{ app = "cache", clients = 4 }
vmfo.sleep(200)
vmfo.fault{ app = "db", kind = "crash" }
vmfo.wait("failover.done", { app = "db" })
vmfo.check(vmfo.owner("db") == "vm1", "db's storage, and its channel, moved to vm1")
vmfo.sleep(200)
vmfo.fault{ os = "panic" }
vmfo.wait("failover.done", { timeout_ms = 10000 })
vmfo.sleep(200)
for name, run in pairs({ db = db, cache = cache }) do
	local v = run:stop()
	print(("%s: %d requests, %d acknowledged writes, %d lost, %d answered twice, blackout %.1f ms")
		:format(name, v.requests, v.acked_writes, v.lost, v.twice, v.blackout_ms))
	vmfo.check(v.acked_writes > 0, name .. ": the clients' writes were acknowledged")
	vmfo.check(v.pass and v.lost == 0 and v.twice == 0,
		name .. ": no acknowledged write lost, none answered twice" .. (v.history and " (see " .. v.history .. ")" or ""))
end
local moves = {}
for _, ev in ipairs(vmfo.trace()) do
	if ev.ev == "vmm.io_detach" or ev.ev == "vmm.io_attach" then
		moves[#moves + 1] = ev.ev .. " " .. ev.app .. " " .. ev.vm
	end
end
vmfo.check(#moves >= 4, "the channels were detached and attached with the storage: " .. table.concat(moves, ", "))
