-- claim8.lua — Claim 8: on an app failure the standby is asked to activate
-- the app only if it is a hot-standby job.
-- Teaches: a non-hot app that fails is not taken over; its storage goes
-- back to its OS.
vmfo.boot{}
vmfo.app{name = "cache", prog = "kv", mb = 4}
vmfo.fault{app = "cache", kind = "crash"}
local nt = vmfo.wait("vmm.no_takeover")
vmfo.check(nt.app == "cache" and nt.reason == "not_hot", "no takeover: not a hot-standby job")
vmfo.wait("os.disconnected")
for _, ev in ipairs(vmfo.trace()) do
	vmfo.check(ev.ev ~= "vmm.activate_request", "no activation is requested")
end
vmfo.check(vmfo.owner("cache") == "free", "cache holds no storage now")
local ok, why = vmfo.claim(8)
vmfo.check(ok, "claim 8: " .. why)
