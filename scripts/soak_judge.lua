-- soak_judge.lua — the soak's verdict, taken from recorded evidence only.
-- scripts/soak puts this file in front of soak.lua (the scenario sandbox
-- has no require or dofile); tests/soak_judge.sh puts it in front of
-- tests/lua-cases/soak_judge*.lua, which feed it fabricated evidence.
--
-- The evidence is a plain table:
--   apps    the hot apps' names, e.g. {"db", "web", "batch"}
--   samples after each round, in order: {round = R, label = TEXT or nil,
--           last = the event_seq of the last event recorded when it was taken,
--           apps = {NAME = {seq =, state =, vm =, acked =}}}; an app that did
--           not exist has no entry. Take the apps' states first, then `last`.
--   faults  every injected fault, in order: {round = R, kind = "os" or "app",
--           what = "panic" | "hang" | "triple" | "wild" | "crash",
--           target = a VM (os) or an app, before = the event_seq of the last
--           event recorded before it was injected}
--   events  the run's events (as vmfo.trace gives them; J.keep trims one to
--           what is read here), oldest first.
--   clients (soak --clients only) each round's client runs: {round = R,
--           app = NAME, and vmfo.client's verdict: pass, acked_writes, lost,
--           twice, blackout_ms, history (when kept)}.
-- J.judge(evidence) returns the findings; J.report(findings) prints them and
-- makes them checks.
soak_judge = {}
local J = soak_judge

-- The events read here; the soak keeps only these.
J.read = {
	["app.started"] = true, ["app.resumed"] = true, ["app.lost"] = true, ["app.corrupt"] = true,
	["app.fault"] = true, ["os.app_failure"] = true, ["vmm.os_fault"] = true,
	["failover.done"] = true, ["failover.error"] = true, ["vmm.no_takeover"] = true,
}
local fields = { "app", "vm", "os", "kind", "level", "cause", "reason", "step", "why", "acked" }

-- A copy of ev with only the fields read here; nil for events not read.
function J.keep(ev)
	if not J.read[ev.ev] then
		return nil
	end
	local k = { ev = ev.ev, event_seq = ev.event_seq }
	for _, f in ipairs(fields) do
		k[f] = ev[f]
	end
	if ev.ev == "app.resumed" or ev.ev == "app.lost" then
		k.seq = ev.seq -- the app's seq, not the event's number
	end
	return k
end

-- The cause an injected OS fault is detected by.
J.os_cause = { panic = "panic", hang = "heartbeat", triple = "shutdown", wild = "mmio" }

-- "app.fault app=web kind=hang level=unrecoverable (event 345)"
function J.describe(ev)
	local parts = { ev.ev }
	for _, f in ipairs(fields) do
		if ev[f] ~= nil then
			parts[#parts + 1] = f .. "=" .. tostring(ev[f])
		end
	end
	if ev.ev == "app.resumed" or ev.ev == "app.lost" then
		parts[#parts + 1] = "seq=" .. tostring(ev.seq)
	end
	return table.concat(parts, " ") .. " (event " .. tostring(ev.event_seq) .. ")"
end

function J.fault_text(f)
	return f.kind .. " " .. f.what .. " on " .. f.target
end

local function when(s)
	return s.label or (s.round == 0 and "before round 1" or "after round " .. s.round)
end

-- Judge the evidence. Returns a table:
--   lost              acknowledged transactions lost (see below)
--   hot_apps_lost     how many hot apps are lost; lost_apps[NAME] = {why...}
--   false_detections  {text...}: a detected fault no injection explains
--   undetected        {text...}: an injected fault never detected
--   bad_events        {text...}: every failover.error, app.lost, app.corrupt
--   apps[NAME]        {first =, last = seq, committed =, resumes =, state =, vm =}
--   committed         the first app's (the ledger's) committed figure
--
-- lost adds up, for each app and each interval between two samples, the
-- larger of: what the interval's events lost (an app.resumed or app.lost
-- below its acked: acked - seq; below a seq already sampled: that seq - seq)
-- and how far its sampled seq went back. An app lost is one that went back,
-- disappeared, is not running at the end, failed its continuity or state
-- check (app.lost, app.corrupt), or did not resume after a failure that had
-- to move it (its own, or its OS's).
function J.judge(e)
	local r = {
		lost = 0, hot_apps_lost = 0, lost_apps = {}, false_detections = {}, undetected = {},
		bad_events = {}, apps = {},
	}
	local hot = {}
	for _, a in ipairs(e.apps) do
		hot[a] = true
		r.apps[a] = { committed = 0, resumes = 0 }
		r.lost_apps[a] = {}
	end
	local function lose(app, why)
		local l = r.lost_apps[app]
		if l and l[#l] ~= why then
			l[#l + 1] = why
		end
	end

	-- Loss per app per interval: interval k lies between samples k-1 and k
	-- (interval 1 before the first sample, #samples + 1 after the last).
	local ev_loss, drop = {}, {}
	for _, a in ipairs(e.apps) do
		ev_loss[a], drop[a] = {}, {}
	end
	local function add_loss(t, app, k, n)
		if t[app] and n > 0 then
			t[app][k] = (t[app][k] or 0) + n
		end
	end

	-- The samples: seq never goes back; every app exists throughout.
	local samples = e.samples
	local seen = {} -- the last sample each app was in
	for k, s in ipairs(samples) do
		for _, a in ipairs(e.apps) do
			local cur, p = s.apps[a], seen[a]
			local prev = p and samples[p].apps[a]
			if not cur then
				if (p or 0) == k - 1 then
					lose(a, "missing " .. when(s))
				end
			else
				if prev and cur.seq < prev.seq then
					add_loss(drop, a, k, prev.seq - cur.seq)
					lose(a, ("seq went back from %d to %d (%s, then %s)"):format(prev.seq, cur.seq,
						when(samples[p]), when(s)))
				elseif prev then
					r.apps[a].committed = r.apps[a].committed + (cur.seq - prev.seq)
				end
				seen[a] = k
			end
		end
	end

	-- The events, in order, each in the round of the last injection before it.
	local faults = e.faults
	local fi, si = 0, 1
	local max_seen, owner, moves, used = {}, {}, {}, {}
	local function open_move(app, by, round, why)
		moves[#moves + 1] = { app = app, by = by, round = round, why = why }
	end
	local function close_moves(app)
		for i = #moves, 1, -1 do
			if moves[i].app == app then
				table.remove(moves, i)
			end
		end
	end
	for _, ev in ipairs(e.events) do
		while fi < #faults and ev.event_seq > faults[fi + 1].before do
			fi = fi + 1
		end
		while si <= #samples and ev.event_seq > samples[si].last do
			for _, a in ipairs(e.apps) do
				local s = samples[si].apps[a]
				if s and s.seq > (max_seen[a] or -1) then
					max_seen[a] = s.seq
				end
			end
			si = si + 1
		end
		local fault = faults[fi]
		local round = fault and fault.round or 0
		local at = "round " .. round .. ": "
		local name, app = ev.ev, ev.app

		if name == "app.started" then
			if owner[app] and hot[app] then
				lose(app, at .. "started again, fresh: " .. J.describe(ev))
			end
			owner[app] = ev.vm
		elseif name == "app.resumed" or name == "app.lost" then
			owner[app] = ev.vm
			local n = math.max(0, (ev.acked or 0) - ev.seq, (max_seen[app] or 0) - ev.seq)
			add_loss(ev_loss, app, si, n)
			if name == "app.lost" then
				lose(app, at .. J.describe(ev))
			elseif n > 0 then
				lose(app, at .. "resumed behind what it had: " .. J.describe(ev))
			end
			if r.apps[app] and name == "app.resumed" then
				r.apps[app].resumes = r.apps[app].resumes + 1
			end
			close_moves(app)
		elseif name == "app.corrupt" then
			lose(app, at .. J.describe(ev))
			close_moves(app)
		elseif name == "os.app_failure" then
			if hot[app] then
				open_move(app, "app " .. app, round, "its failure in round " .. round)
			end
		elseif name == "vmm.os_fault" then
			for _, a in ipairs(e.apps) do
				if owner[a] == ev.vm then
					open_move(a, "os " .. ev.vm, round, ev.vm .. "'s failure in round " .. round)
				end
			end
		elseif name == "vmm.no_takeover" and app and ev.reason ~= "os_failed" then
			-- Not taken over (os_failed: its OS's failover carries it).
			if hot[app] then
				lose(app, at .. "not taken over: " .. J.describe(ev))
			end
			owner[app] = nil
		elseif name == "failover.done" then
			local by = ev.app and "app " .. ev.app or "os " .. tostring(ev.os)
			for i = #moves, 1, -1 do
				local m = moves[i]
				if m.by == by then
					lose(m.app, at .. "not resumed by " .. J.describe(ev) .. " after " .. m.why)
					table.remove(moves, i)
				end
			end
		end

		if name == "failover.error" or name == "app.lost" or name == "app.corrupt" then
			r.bad_events[#r.bad_events + 1] = at .. J.describe(ev)
		end

		-- A detected fault must be the injected one of its round.
		local detected = (name == "app.fault" and ev.level == "unrecoverable"
			and (ev.kind == "hang" or ev.kind == "crash")) or name == "vmm.os_fault"
		if detected then
			local fits = fault and (name == "app.fault"
				and fault.kind == "app" and fault.target == app and fault.what == ev.kind
				or name == "vmm.os_fault"
				and fault.kind == "os" and fault.target == ev.vm and J.os_cause[fault.what] == ev.cause)
			if fits and not used[fi] then
				used[fi] = true
			else
				r.false_detections[#r.false_detections + 1] = at .. J.describe(ev) .. "; injected: "
					.. (fault and J.fault_text(fault) .. (fits and " (already detected)" or "")
						or "nothing yet")
			end
		end
	end
	for _, m in ipairs(moves) do
		lose(m.app, "never resumed after " .. m.why)
	end
	for i, f in ipairs(faults) do
		if not used[i] then
			r.undetected[#r.undetected + 1] = "round " .. f.round .. ": " .. J.fault_text(f)
		end
	end

	-- The end: every hot app exists and runs.
	local last = samples[#samples]
	for _, a in ipairs(e.apps) do
		local s = last and last.apps[a]
		if last and not s then
			lose(a, "missing at the end")
		elseif last and s.state ~= "running" then
			lose(a, s.state .. " at the end (on " .. tostring(s.vm) .. ")")
		end
		local first
		for _, x in ipairs(samples) do
			if x.apps[a] then
				first = first or x.apps[a].seq
			end
		end
		local ra = r.apps[a]
		ra.first, ra.last = first, s and s.seq
		ra.state, ra.vm = s and s.state or "missing", s and s.vm
		for k = 1, #samples + 1 do
			r.lost = r.lost + math.max(ev_loss[a][k] or 0, drop[a][k] or 0)
		end
		if #r.lost_apps[a] > 0 then
			r.hot_apps_lost = r.hot_apps_lost + 1
		end
	end
	r.committed = e.apps[1] and r.apps[e.apps[1]].committed or 0
	r.clients = J.judge_clients(e.clients or {})
	return r
end

-- The clients' runs (soak --clients): each round's history, judged from
-- what every client was told and read back (vmfo.client's verdict).
function J.judge_clients(runs)
	local x = { runs = 0, acked = 0, lost = 0, twice = 0, worst_ms = 0, failures = {} }
	for _, c in ipairs(runs) do
		x.runs = x.runs + 1
		x.acked = x.acked + c.acked_writes
		x.lost = x.lost + c.lost
		x.twice = x.twice + c.twice
		if c.blackout_ms > x.worst_ms then
			x.worst_ms, x.worst_round = c.blackout_ms, c.round
		end
		if not c.pass or c.lost > 0 or c.twice > 0 then
			x.failures[#x.failures + 1] = ("round %d: %s: %d acknowledged writes lost, %d answered twice%s")
				:format(c.round, c.app, c.lost, c.twice, c.history and " (history kept: " .. c.history .. ")" or "")
		end
	end
	return x
end

-- At most `max` lines of a list, then how many more.
local function print_list(label, list, max)
	for i, text in ipairs(list) do
		if i > max then
			print(("soak: %s: ... and %d more"):format(label, #list - max))
			break
		end
		print("soak: " .. label .. ": " .. text)
	end
end

-- Print the findings and make each a check (vmfo.check). apps: the hot
-- apps in order; progs[NAME]: what each runs, for the summary.
function J.report(r, apps, progs)
	print(("soak: %d ledger transactions committed, lost %d, hot apps lost %d, false detections %d, "
		.. "undetected faults %d, failover.error/app.lost/app.corrupt %d"):format(r.committed, r.lost,
		r.hot_apps_lost, #r.false_detections, #r.undetected, #r.bad_events))
	local line = {}
	for _, a in ipairs(apps) do
		local x = r.apps[a]
		line[#line + 1] = ("%s %s seq %s -> %s, %s%s, resumes %d"):format(a, progs and progs[a] or "app",
			x.first or "-", x.last or "-", x.state, x.vm and " on " .. x.vm or "", x.resumes)
	end
	print("soak: apps: " .. table.concat(line, "; "))
	local lost_names = {}
	for _, a in ipairs(apps) do
		if #r.lost_apps[a] > 0 then
			lost_names[#lost_names + 1] = a
			local why = {}
			for _, w in ipairs(r.lost_apps[a]) do
				why[#why + 1] = a .. ": " .. w
			end
			print_list("hot app lost", why, 10)
		end
	end
	print_list("false detection", r.false_detections, 20)
	print_list("undetected fault", r.undetected, 20)
	print_list("bad event", r.bad_events, 20)
	local c = r.clients
	if c.runs > 0 then
		print(("soak: clients: %d runs, %d acknowledged writes, lost %d, answered twice %d; "
			.. "worst blackout %.1f ms (round %s)"):format(c.runs, c.acked, c.lost, c.twice, c.worst_ms,
			tostring(c.worst_round)))
		print_list("clients", c.failures, 10)
		vmfo.check(#c.failures == 0, "clients: lost " .. c.lost .. " acknowledged writes, answered twice "
			.. c.twice)
	end
	vmfo.check(r.lost == 0, "lost " .. r.lost .. " acknowledged transactions")
	vmfo.check(r.hot_apps_lost == 0,
		"hot apps lost " .. r.hot_apps_lost .. ": " .. table.concat(lost_names, ", "))
	vmfo.check(#r.false_detections == 0, "false detections " .. #r.false_detections)
	vmfo.check(#r.undetected == 0, "undetected faults " .. #r.undetected)
	vmfo.check(#r.bad_events == 0, "failover.error/app.lost/app.corrupt " .. #r.bad_events)
	return r.lost == 0 and r.hot_apps_lost == 0 and #r.false_detections == 0 and #r.undetected == 0
		and #r.bad_events == 0 and #c.failures == 0
end
