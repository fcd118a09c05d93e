-- claim5.lua — Claim 5: the active OS computes what its apps need, hot
-- standby jobs included. With enough storage it reports which app uses
-- which units; short of it, it obtains more from the VMM.
-- Teaches: os.report alone for a small app; os.request, vmm.grant and then
-- os.report for one bigger than the OS's free storage.
vmfo.boot{active_mb = 16, standby_mb = 4}
vmfo.app{name = "small", prog = "kv", mb = 4}
local report = vmfo.wait("os.report", {app = "small"})
vmfo.check(report.vm == "vm0", "the OS reports small's units itself: " .. report.units)

vmfo.app{name = "big", prog = "hog", mb = 40, hot = true}
local req = vmfo.wait("os.request")
local grant = vmfo.wait("vmm.grant")
vmfo.wait("os.report", {app = "big"})
vmfo.check(req.vm == "vm0" and grant.vm == "vm0", "vm0 asked the VMM and got " .. grant.units)
vmfo.check(vmfo.app_state("big").state == "running", "big runs on the granted storage")

-- The pool cannot give what it does not have: a clear error, nothing changes.
local ok, err = pcall(vmfo.app, {name = "huge", prog = "hog", mb = 250})
vmfo.check(not ok and tostring(err):find("needs 250 MB"), "an impossible app is refused: " .. tostring(err))
local ok5, why = vmfo.claim(5)
vmfo.check(ok5, "claim 5: " .. why)
