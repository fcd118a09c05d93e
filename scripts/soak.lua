-- soak.lua — chained failovers under load, run by scripts/soak N (which sets
-- SOAK_N and puts scripts/soak_judge.lua in front of this file). Every fault
-- kind in turn, three hot apps with the ledger always committing; after each
-- failover the invariants are checked and the failed side is reprotected so
-- the chain can go on. All along it records the evidence: every injected
-- fault, the hot apps' states after every round, and the events the judge
-- reads. At the end soak_judge decides from that evidence alone (lost
-- transactions, lost hot apps, false and missed detections, failover errors)
-- and the summary says what it found, and about leaks. With SOAK_CLIENTS
-- (scripts/soak --clients K), db and web are served and K clients write to
-- each through every round; each round's client history is judged (no
-- acknowledged write lost, none answered twice) and the verdicts join the
-- evidence.
local judge = assert(soak_judge, "soak.lua needs scripts/soak_judge.lua in front of it (scripts/soak does that)")
local N = SOAK_N or 20
local CLIENTS = SOAK_CLIENTS or 0
local served = { "db", "web" }
local os_kinds = { "panic", "hang", "triple", "wild" }
local app_kinds = { { "db", "crash" }, { "web", "hang" }, { "batch", "crash" } }
local hot = { "db", "web", "batch" }
local progs = { db = "ledger", web = "kv", batch = "hog" }

local function status_numbers()
	local text = vmfo.cmd("status")
	local fds, rss = text:match("vmm: (%d+) open fds, (%d+) MB resident")
	local s0, s1 = text:match("memslots vm0 (%d+), vm1 (%d+)")
	return tonumber(fds), tonumber(rss), tonumber(s0) + tonumber(s1)
end

local function active()
	return vmfo.role("vm0") == "active" and "vm0" or "vm1"
end

local function last_event()
	local t = vmfo.trace(1)
	return t[1] and t[1].event_seq or 0
end

local evidence = { apps = hot, samples = {}, faults = {}, events = {}, clients = {} }
local seen = 0 -- the event_seq of the last event collected

-- Every event recorded since the last call, kept as the judge reads them.
local function collect()
	local want = last_event() - seen + 32
	local evs = vmfo.trace(want)
	while #evs == want and evs[1].event_seq > seen + 1 do -- more came meanwhile
		want = want * 2
		evs = vmfo.trace(want)
	end
	for _, ev in ipairs(evs) do
		if ev.event_seq > seen then
			evidence.events[#evidence.events + 1] = judge.keep(ev)
			seen = ev.event_seq
		end
	end
end

-- The hot apps' states, then the events up to now (in this order: an event
-- after `last` was recorded after the states were read).
local function sample(round, label)
	local s = { round = round, label = label, apps = {} }
	for _, name in ipairs(hot) do
		local ok, st = pcall(vmfo.app_state, name)
		if ok then
			s.apps[name] = { seq = st.seq, state = st.state, vm = st.vm, acked = st.acked }
		end
	end
	collect()
	s.last = seen
	evidence.samples[#evidence.samples + 1] = s
end

vmfo.boot{}
for _, name in ipairs(hot) do
	vmfo.app{ name = name, prog = progs[name], mb = name == "db" and 8 or 4, hot = true }
end
if CLIENTS > 0 then
	for _, name in ipairs(served) do
		vmfo.serve(name)
	end
end
vmfo.sleep(100)
local fds0, rss0 = status_numbers()
sample(0)
local count, by_kind, started, os_round = 0, {}, os.clock(), 0
local stopped -- the error that ended the chain early, if one did

-- One round's clients on every served app, started before its fault.
local function start_clients()
	local runs = {}
	for _, name in ipairs(CLIENTS > 0 and served or {}) do
		runs[name] = vmfo.client{ app = name, clients = CLIENTS }
	end
	return runs
end

-- Their histories judged, into the evidence.
local function stop_clients(round, runs)
	for _, name in ipairs(served) do
		if runs[name] then
			local v = runs[name]:stop()
			v.round, v.app = round, name
			evidence.clients[#evidence.clients + 1] = v
		end
	end
end

for i = 1, N do
	local kind
	local runs = start_clients()
	local ok, err = pcall(function()
		-- An app fault only where a standby can take it over: on the active OS.
		local a = app_kinds[(i - 1) % #app_kinds + 1]
		local fault
		if i % 2 == 0 and vmfo.owner(a[1]) == active()
			and vmfo.role(active() == "vm0" and "vm1" or "vm0") == "standby" then
			fault = { round = i, kind = "app", what = a[2], target = a[1] }
		else
			os_round = os_round + 1
			local k = os_kinds[(os_round - 1) % #os_kinds + 1]
			fault = { round = i, kind = "os", what = k, target = active() }
		end
		kind = fault.kind .. " " .. fault.what
		fault.before = last_event()
		if fault.kind == "app" then
			vmfo.fault{ app = fault.target, kind = fault.what }
		else
			vmfo.fault{ os = fault.what }
		end
		evidence.faults[#evidence.faults + 1] = fault
		local app = fault.kind == "app" and fault.target or nil
		vmfo.wait("failover.done", { app = app, timeout_ms = 10000 })
		if fault.kind == "os" then
			vmfo.reprotect()
		end
		vmfo.cmd("invariants") -- raises if any is broken
	end)
	stop_clients(i, runs)
	sample(i)
	if not ok then
		stopped = "round " .. i .. (kind and " (" .. kind .. ")" or "") .. ": " .. tostring(err)
		break
	end
	count = count + 1
	by_kind[kind] = (by_kind[kind] or 0) + 1
end

if not stopped then
	vmfo.sleep(100)
end
sample(count, "at the end")
local fds1, rss1, slots1 = status_numbers()
local kinds = {}
for k, n in pairs(by_kind) do kinds[#kinds + 1] = k .. " " .. n end
table.sort(kinds)
print(("soak: %d failovers in %.1f s cpu; faults: %s"):format(count, os.clock() - started, table.concat(kinds, ", ")))
if stopped then
	print("soak: stopped early: " .. stopped)
end
judge.report(judge.judge(evidence), hot, progs)
print(("soak: vmm fds %d -> %d, resident %d -> %d MB, memslots %d"):format(fds0, fds1, rss0, rss1, slots1))
vmfo.check(fds1 == fds0, "no file descriptor leaked")
vmfo.check(rss1 <= rss0 + 64, "resident memory did not grow by more than 64 MB")
if stopped then
	error(stopped, 0)
end
