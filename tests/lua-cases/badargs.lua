-- every API function given bad arguments: each must raise an error that
-- names the argument, and change nothing
vmfo.boot{}
vmfo.app{name="db", mb=8, hot=true}
local cases = {
	{"boot key", function() vmfo.boot{active=64} end, "unknown key 'active'"},
	{"boot type", function() vmfo.boot{active_mb="big"} end, "active_mb must be a whole number"},
	{"boot order", function() vmfo.boot{active_mb=8, standby_mb=64} end, "must be smaller"},
	{"app name", function() vmfo.app{mb=4} end, "name is required"},
	{"app mb and items", function() vmfo.app{name="x", mb=4, items=10} end, "give mb or items, not both"},
	{"app items", function() vmfo.app{name="x", items=0} end, "items must be a whole number"},
	{"app items min", function() vmfo.app{name="x", prog="ledger", items=1} end, "ledger works with at least 2 records"},
	{"app negative", function() vmfo.app{name="x", mb=-2} end, "mb must be a whole number"},
	{"app fraction", function() vmfo.app{name="x", mb=2.5} end, "mb must be a whole number"},
	{"app prog", function() vmfo.app{name="x", mb=4, prog="doom"} end, "prog 'doom' is not one of"},
	{"app hot", function() vmfo.app{name="x", mb=4, hot="yes"} end, "hot must be true or false"},
	{"app dup", function() vmfo.app{name="db", mb=4} end, "already exists"},
	{"app space", function() vmfo.app{name="a b", mb=4} end, "name must be one word"},
	{"app not table", function() vmfo.app("db") end, "table expected"},
	{"grow name", function() vmfo.grow(nil, 4) end, "string expected"},
	{"grow mb", function() vmfo.grow("db", -1) end, "MB must be a positive whole number"},
	{"grow unknown", function() vmfo.grow("nope", 4) end, "no app called 'nope'"},
	{"grow items", function() vmfo.grow("db", {items=0}) end, "items must be a whole number"},
	{"grow key", function() vmfo.grow("db", {records=5}) end, "unknown key 'records'"},
	{"grow ledger", function() vmfo.grow("db", {items=10}) end, "ledger keeps the records it was started with"},
	{"fault empty", function() vmfo.fault{} end, "give either os=KIND, standby=KIND or app=NAME"},
	{"fault os", function() vmfo.fault{os="explode"} end, "os 'explode' is not one of"},
	{"fault app kind", function() vmfo.fault{app="db"} end, "kind is required"},
	{"fault app bad", function() vmfo.fault{app="db", kind="melt"} end, "kind 'melt' is not one of"},
	{"fault unit", function() vmfo.fault{os="panic", unit=3} end, "unit goes with os=\"wild\" only"},
	{"fault key", function() vmfo.fault{os="panic", when="now"} end, "unknown key 'when'"},
	{"wait name", function() vmfo.wait() end, "string expected"},
	{"wait key", function() vmfo.wait("os.ready", {timeout=5}) end, "unknown key 'timeout'"},
	{"wait ms", function() vmfo.wait("os.ready", {timeout_ms=0}) end, "timeout_ms must be"},
	{"check", function() vmfo.check() end, "value expected"},
	{"claim", function() vmfo.claim(0) end, "claims are numbered 1 to 9"},
	{"claim type", function() vmfo.claim("six") end, "number expected"},
	{"owner", function() vmfo.owner("ghost") end, "no app or table row called 'ghost'"},
	{"role", function() vmfo.role("vm2") end, "expected \"vm0\" or \"vm1\""},
	{"app_state", function() vmfo.app_state("ghost") end, "no app called 'ghost'"},
	{"sleep", function() vmfo.sleep(-5) end, "ms must be from 0 to 600000"},
	{"cmd", function() vmfo.cmd("status; reset") end, "one command"},
	{"cmd bad", function() vmfo.cmd("frobnicate") end, "unknown command 'frobnicate'"},
}
for _, c in ipairs(cases) do
	local ok, err = pcall(c[2])
	vmfo.check(not ok and tostring(err):find(c[3], 1, true), c[1] .. ": " .. tostring(err))
end
-- and nothing changed: db alone, on vm0, both OSes up
local apps = 0
for _, row in ipairs(vmfo.table()) do if row.kind == "app" then apps = apps + 1 end end
vmfo.check(apps == 1 and vmfo.owner("db") == "vm0", "the table is as it was")
vmfo.check(vmfo.role("vm0") == "active" and vmfo.role("vm1") == "standby", "both OSes still up")
