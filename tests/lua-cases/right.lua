-- written against the documented event vocabulary only: a non-hot app and an OS hang
vmfo.boot{active_mb=32, standby_mb=4}
vmfo.app{name="cache", prog="kv", mb=4, hot=false}
vmfo.app{name="db", prog="ledger", mb=8, hot=true}
vmfo.fault{os="hang"}
local ev = vmfo.wait("failover.done", {timeout_ms=3000})
vmfo.check(ev.os == "vm0", "the OS failover is for vm0")
vmfo.check(vmfo.owner("db") == "vm1", "db moved to vm1")
vmfo.check(vmfo.app_state("db").vm == "vm1", "app_state agrees")
vmfo.check(vmfo.role("vm0") == "failed", "vm0 failed")
local found = false
for _, e in ipairs(vmfo.trace()) do
	if e.ev == "vmm.no_takeover" and e.app == "cache" then found = true end
end
vmfo.check(found, "cache was not taken over")
local text = vmfo.cmd("status")
vmfo.check(text:find("failed %(heartbeat%)") ~= nil, "status shows the heartbeat failure")
for n = 1, 9 do
	local ok, why = vmfo.claim(n)
	vmfo.check(ok or why:find("^NOT SHOWN"), "claim " .. n .. " never FAILs: " .. why)
end
