-- soak_judge.lua — the soak's judge on fabricated evidence: a clean run is
-- judged clean, and each kind of bad evidence (a seq that goes back, a hot
-- app missing or parked at the end, a false hang, a false heartbeat, an
-- app.lost, a failover.error, an app not resumed, an undetected fault, a
-- resume behind its acked, a fresh restart) makes the verdict fail with the
-- right finding. tests/soak_judge.sh puts scripts/soak_judge.lua in front
-- of this file; with REPORT_BAD set, the bad evidence also goes through
-- soak_judge.report, the soak's own checks, which must then fail.
local J = assert(soak_judge, "needs scripts/soak_judge.lua in front of it")
local apps = { "db", "web", "batch" }
local progs = { db = "ledger", web = "kv", batch = "hog" }

local function copy(t)
	if type(t) ~= "table" then
		return t
	end
	local c = {}
	for k, v in pairs(t) do
		c[k] = copy(v)
	end
	return c
end

local function st(seq, vm, state)
	return { seq = seq, vm = vm, state = state or "running", acked = seq }
end

-- A clean run of three rounds: an OS panic of vm0, a crash of db (now on
-- vm1), a hang of vm1. Events are numbered in tens so that a case can slip
-- one in between.
local function clean()
	return {
		apps = apps,
		faults = {
			{ round = 1, kind = "os", what = "panic", target = "vm0", before = 30 },
			{ round = 2, kind = "app", what = "crash", target = "db", before = 80 },
			{ round = 3, kind = "os", what = "hang", target = "vm1", before = 120 },
		},
		samples = {
			{ round = 0, last = 30, apps = { db = st(100, "vm0"), web = st(10, "vm0"), batch = st(5, "vm0") } },
			{ round = 1, last = 80, apps = { db = st(200, "vm1"), web = st(30, "vm1"), batch = st(5, "vm1") } },
			{ round = 2, last = 120, apps = { db = st(300, "vm0"), web = st(40, "vm1"), batch = st(5, "vm1") } },
			{ round = 3, label = "at the end", last = 160,
				apps = { db = st(400, "vm0"), web = st(50, "vm0"), batch = st(5, "vm0") } },
		},
		events = {
			{ event_seq = 10, ev = "app.started", app = "db", vm = "vm0" },
			{ event_seq = 20, ev = "app.started", app = "web", vm = "vm0" },
			{ event_seq = 30, ev = "app.started", app = "batch", vm = "vm0" },
			{ event_seq = 40, ev = "vmm.os_fault", vm = "vm0", cause = "panic" },
			{ event_seq = 50, ev = "app.resumed", app = "db", vm = "vm1", seq = 150, acked = 140 },
			{ event_seq = 60, ev = "app.resumed", app = "web", vm = "vm1", seq = 20, acked = 15 },
			{ event_seq = 65, ev = "app.resumed", app = "batch", vm = "vm1", seq = 5, acked = 5 },
			{ event_seq = 70, ev = "failover.done", os = "vm0" },
			{ event_seq = 90, ev = "app.fault", app = "db", kind = "crash", level = "unrecoverable" },
			{ event_seq = 95, ev = "os.app_failure", app = "db", vm = "vm1" },
			{ event_seq = 100, ev = "app.resumed", app = "db", vm = "vm0", seq = 250, acked = 240 },
			{ event_seq = 110, ev = "failover.done", app = "db" },
			{ event_seq = 130, ev = "vmm.os_fault", vm = "vm1", cause = "heartbeat" },
			{ event_seq = 140, ev = "app.resumed", app = "web", vm = "vm0", seq = 45, acked = 44 },
			{ event_seq = 145, ev = "app.resumed", app = "batch", vm = "vm0", seq = 5, acked = 5 },
			{ event_seq = 150, ev = "failover.done", os = "vm1" },
		},
		clients = {
			{ round = 1, app = "db", pass = true, acked_writes = 50, lost = 0, twice = 0, blackout_ms = 6.5 },
			{ round = 2, app = "db", pass = true, acked_writes = 40, lost = 0, twice = 0, blackout_ms = 9.0 },
		},
	}
end

-- Insert an event in event_seq order.
local function insert(e, ev)
	local i = 1
	while e.events[i] and e.events[i].event_seq < ev.event_seq do
		i = i + 1
	end
	table.insert(e.events, i, ev)
end

local function event_at(e, n)
	for i, ev in ipairs(e.events) do
		if ev.event_seq == n then
			return ev, i
		end
	end
	error("no event " .. n)
end

local function remove(e, n)
	local _, i = event_at(e, n)
	table.remove(e.events, i)
end

local function all_text(r)
	local t = {}
	for _, a in ipairs(apps) do
		for _, w in ipairs(r.lost_apps[a]) do
			t[#t + 1] = "hot app lost: " .. a .. ": " .. w
		end
	end
	for _, w in ipairs(r.false_detections) do t[#t + 1] = "false detection: " .. w end
	for _, w in ipairs(r.undetected) do t[#t + 1] = "undetected fault: " .. w end
	for _, w in ipairs(r.bad_events) do t[#t + 1] = "bad event: " .. w end
	for _, w in ipairs(r.clients.failures) do t[#t + 1] = "clients: " .. w end
	return table.concat(t, "\n")
end

-- want: the counts that must come out (missing ones must be 0) and a piece
-- of text that must be among the findings.
local function expect(name, e, want, text)
	local r = J.judge(e)
	local got = {
		lost = r.lost, hot_apps_lost = r.hot_apps_lost, false_detections = #r.false_detections,
		undetected = #r.undetected, bad_events = #r.bad_events, client_lost = r.clients.lost,
		client_twice = r.clients.twice,
	}
	for k, v in pairs(got) do
		vmfo.check(v == (want[k] or 0), ("%s: %s %d, want %d"):format(name, k, v, want[k] or 0))
	end
	local found = all_text(r)
	local shown = found:gsub("\n", " | ")
	if text then
		vmfo.check(found:find(text, 1, true), name .. ": the findings name it: want '" .. text .. "' in: " .. shown)
	else
		vmfo.check(found == "", name .. ": no findings, got: " .. shown)
	end
	return r
end

-- A clean run is judged clean.
local r = expect("clean", clean(), {})
vmfo.check(r.committed == 300, "clean: the ledger committed 400 - 100 = 300, got " .. r.committed)
vmfo.check(r.apps.db.resumes == 2 and r.apps.web.resumes == 2, "clean: db and web resumed twice each")
vmfo.check(J.report(r, apps, progs), "clean: the report's checks hold")

vmfo.check(r.clients.runs == 2 and r.clients.acked == 90 and r.clients.worst_ms == 9.0
	and r.clients.worst_round == 2, "clean: two client runs, 90 acknowledged writes, worst blackout 9 ms in round 2")

-- A client history that shows acknowledged writes lost, or answered twice.
e = clean()
e.clients[2].pass, e.clients[2].lost, e.clients[2].history = false, 3, "/tmp/db-2.jsonl"
expect("client lost", e, { client_lost = 3 },
	"clients: round 2: db: 3 acknowledged writes lost, 0 answered twice (history kept: /tmp/db-2.jsonl)")
e = clean()
e.clients[1].pass, e.clients[1].twice = false, 1
expect("client twice", e, { client_twice = 1 }, "clients: round 1: db: 0 acknowledged writes lost, 1 answered twice")

-- A seq that goes backwards between samples: the difference is lost.
local e = clean()
e.samples[4].apps.db.seq = 10
expect("seq back", e, { lost = 290, hot_apps_lost = 1 },
	"hot app lost: db: seq went back from 300 to 10 (after round 2, then at the end)")

-- A hot app missing at the end.
e = clean()
e.samples[4].apps.web = nil
expect("missing", e, { hot_apps_lost = 1 }, "hot app lost: web: missing at the end")

-- Parked (or any state but running) at the end.
e = clean()
e.samples[4].apps.batch.state = "parked"
expect("parked", e, { hot_apps_lost = 1 }, "hot app lost: batch: parked at the end (on vm0)")

-- A hang nobody injected: web, in the round of db's crash.
e = clean()
insert(e, { event_seq = 92, ev = "app.fault", app = "web", kind = "hang", level = "unrecoverable" })
expect("false hang", e, { false_detections = 1 },
	"false detection: round 2: app.fault app=web kind=hang level=unrecoverable (event 92); injected: app crash on db")

-- The injected crash detected twice: the second is false.
e = clean()
insert(e, { event_seq = 105, ev = "app.fault", app = "db", kind = "crash", level = "unrecoverable" })
expect("second detection", e, { false_detections = 1 }, "injected: app crash on db (already detected)")

-- A recoverable fault is not a detection.
e = clean()
insert(e, { event_seq = 92, ev = "app.fault", app = "web", kind = "error", level = "recoverable" })
expect("recoverable", e, {})

-- Heartbeat loss of the standby, with no OS fault injected.
e = clean()
insert(e, { event_seq = 97, ev = "vmm.os_fault", vm = "vm0", cause = "heartbeat" })
expect("false heartbeat", e, { false_detections = 1 },
	"false detection: round 2: vmm.os_fault vm=vm0 cause=heartbeat (event 97); injected: app crash on db")

-- Heartbeat loss of the new active right after its takeover: the apps it
-- had just taken never resume.
e = clean()
insert(e, { event_seq = 155, ev = "vmm.os_fault", vm = "vm0", cause = "heartbeat" })
expect("false heartbeat after", e, { false_detections = 1, hot_apps_lost = 3 },
	"false detection: round 3: vmm.os_fault vm=vm0 cause=heartbeat (event 155); injected: os hang on vm1")

-- An injected panic detected by another cause.
e = clean()
event_at(e, 40).cause = "heartbeat"
expect("wrong cause", e, { false_detections = 1, undetected = 1 }, "undetected fault: round 1: os panic on vm0")

-- An injected fault never detected.
e = clean()
remove(e, 130)
expect("undetected", e, { undetected = 1 }, "undetected fault: round 3: os hang on vm1")

-- app.lost: db resumed at 0 on vm0 below its acked 240.
e = clean()
local ev = event_at(e, 100)
ev.ev, ev.seq = "app.lost", 0
e.samples[3].apps.db = st(0, "vm0", "failed")
e.samples[4].apps.db = st(0, "vm0", "failed")
expect("app.lost", e, { lost = 240, hot_apps_lost = 1, bad_events = 1 },
	"bad event: round 2: app.lost app=db vm=vm0 acked=240 seq=0 (event 100)")

-- failover.error anywhere in the run.
e = clean()
insert(e, { event_seq = 155, ev = "failover.error", step = "activation", why = "vm0 refused" })
expect("failover.error", e, { bad_events = 1 }, "bad event: round 3: failover.error step=activation why=vm0 refused")

-- app.corrupt.
e = clean()
insert(e, { event_seq = 146, ev = "app.corrupt", app = "batch", vm = "vm0" })
expect("app.corrupt", e, { bad_events = 1, hot_apps_lost = 1 }, "hot app lost: batch: round 3: app.corrupt")

-- An OS failover that did not resume one of the apps it moved.
e = clean()
remove(e, 145)
expect("not resumed", e, { hot_apps_lost = 1 },
	"hot app lost: batch: round 3: not resumed by failover.done os=vm1 (event 150) after vm1's failure in round 3")

-- A false hang of an app on the standby: nobody takes it over, its storage
-- goes back to that OS, and later failures of that OS do not carry it.
e = clean()
insert(e, { event_seq = 72, ev = "app.fault", app = "web", kind = "hang", level = "unrecoverable" })
insert(e, { event_seq = 73, ev = "os.app_failure", app = "web", vm = "vm1" })
insert(e, { event_seq = 74, ev = "vmm.no_takeover", app = "web", reason = "no_standby" })
remove(e, 140)
e.samples[2].apps.web = st(0, "free", "stopped")
e.samples[3].apps.web = st(0, "free", "stopped")
e.samples[4].apps.web = st(0, "free", "stopped")
r = expect("no takeover", e, { lost = 10, hot_apps_lost = 1, false_detections = 1 },
	"hot app lost: web: round 1: not taken over: vmm.no_takeover app=web reason=no_standby (event 74)")
vmfo.check(#r.lost_apps.web == 4, "no takeover: web is lost for 4 reasons, not one per later failover: "
	.. table.concat(r.lost_apps.web, " | "))

-- An app failure never followed by a resume.
e = clean()
remove(e, 100)
remove(e, 110)
expect("never resumed", e, { hot_apps_lost = 1 }, "hot app lost: db: never resumed after its failure in round 2")

-- A resume behind its acked: acked - seq is lost, even with no sample going back.
e = clean()
event_at(e, 50).seq = 130
expect("behind acked", e, { lost = 10, hot_apps_lost = 1 }, "hot app lost: db: round 1: resumed behind what it had")

-- A restart from fresh that overtakes the last sample before the next one.
e = clean()
insert(e, { event_seq = 97, ev = "app.started", app = "web", vm = "vm1" })
expect("fresh", e, { hot_apps_lost = 1 }, "hot app lost: web: round 2: started again, fresh")

-- The committed figure is never negative, whatever the samples do.
e = clean()
e.samples[4].apps.db.seq = 0
r = expect("committed", e, { lost = 300, hot_apps_lost = 1 }, "seq went back from 300 to 0")
vmfo.check(r.committed >= 0, "committed is never negative: " .. r.committed)

-- The soak's own checks on bad evidence: each of them must fail. db is
-- lost (app.lost, its seq goes back), web is missing at the end, a hang is
-- detected that nobody injected, and vm1's hang is never detected.
if REPORT_BAD then
	e = clean()
	ev = event_at(e, 100)
	ev.ev, ev.seq = "app.lost", 0
	e.samples[3].apps.db = st(0, "vm0", "failed")
	e.samples[4].apps.db = st(0, "vm0", "failed")
	e.samples[4].apps.web = nil
	insert(e, { event_seq = 92, ev = "app.fault", app = "web", kind = "hang", level = "unrecoverable" })
	remove(e, 130)
	e.clients[1].pass, e.clients[1].lost = false, 7
	J.report(J.judge(e), apps, progs)
end
