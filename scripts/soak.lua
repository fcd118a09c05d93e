-- soak.lua — chained failovers under load, run by scripts/soak N (which sets
-- SOAK_N). Every fault kind in turn, three hot apps with the ledger always
-- committing; after each failover the invariants and continuity are checked,
-- and the failed side is reprotected so the chain can go on. Ends with a
-- summary: failovers, faults by kind, transactions, lost, leaks.
local N = SOAK_N or 20
local os_kinds = { "panic", "hang", "triple", "wild" }
local app_kinds = { { "db", "crash" }, { "web", "hang" }, { "batch", "crash" } }

local function status_numbers()
	local text = vmfo.cmd("status")
	local fds, rss = text:match("vmm: (%d+) open fds, (%d+) MB resident")
	local s0, s1 = text:match("memslots vm0 (%d+), vm1 (%d+)")
	return tonumber(fds), tonumber(rss), tonumber(s0) + tonumber(s1)
end

local function active()
	return vmfo.role("vm0") == "active" and "vm0" or "vm1"
end

vmfo.boot{}
vmfo.app{ name = "db", prog = "ledger", mb = 8, hot = true }
vmfo.app{ name = "web", prog = "kv", mb = 4, hot = true }
vmfo.app{ name = "batch", prog = "hog", mb = 4, hot = true }
vmfo.sleep(100)
local fds0, rss0 = status_numbers()
local seq0 = vmfo.app_state("db").seq
local count, lost, by_kind, started, os_round = 0, 0, {}, os.clock(), 0

for i = 1, N do
	-- An app fault only where a standby can take it over: on the active OS.
	local a = app_kinds[(i - 1) % #app_kinds + 1]
	local kind
	if i % 2 == 0 and vmfo.owner(a[1]) == active() and vmfo.role(active() == "vm0" and "vm1" or "vm0") == "standby" then
		kind = "app " .. a[2]
		vmfo.fault{ app = a[1], kind = a[2] }
	else
		os_round = os_round + 1
		local k = os_kinds[(os_round - 1) % #os_kinds + 1]
		kind = "os " .. k
		vmfo.fault{ os = k }
	end
	local done = vmfo.wait("failover.done", { timeout_ms = 10000 })
	for _, ev in ipairs(vmfo.trace(60)) do
		if ev.ev == "app.resumed" and ev.event_seq > (done.event_seq - 40) and ev.seq < ev.acked then
			lost = lost + (ev.acked - ev.seq)
		end
		vmfo.check(ev.ev ~= "app.lost" and ev.ev ~= "app.corrupt" and ev.ev ~= "failover.error",
			"round " .. i .. " (" .. kind .. "): " .. ev.ev)
	end
	if kind:sub(1, 2) == "os" then
		vmfo.reprotect()
	end
	vmfo.cmd("invariants") -- raises if any is broken
	count = count + 1
	by_kind[kind] = (by_kind[kind] or 0) + 1
end

vmfo.sleep(100)
local fds1, rss1, slots1 = status_numbers()
local committed = vmfo.app_state("db").seq - seq0
local kinds = {}
for k, n in pairs(by_kind) do kinds[#kinds + 1] = k .. " " .. n end
table.sort(kinds)
print(("soak: %d failovers in %.1f s cpu; faults: %s"):format(count, os.clock() - started, table.concat(kinds, ", ")))
print(("soak: %d ledger transactions committed, %d lost; vmm fds %d -> %d, resident %d -> %d MB, memslots %d"):format(
	committed, lost, fds0, fds1, rss0, rss1, slots1))
vmfo.check(lost == 0, "no acknowledged transaction lost")
vmfo.check(fds1 == fds0, "no file descriptor leaked")
vmfo.check(rss1 <= rss0 + 64, "resident memory did not grow by more than 64 MB")
