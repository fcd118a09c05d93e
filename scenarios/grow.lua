-- grow.lua — An app outgrows the active OS: the OS computes what it needs
-- and obtains the shortfall from the VMM (claim 5's request and grant).
-- The grown storage moves with the app when it is taken over.
vmfo.boot{active_mb = 16, standby_mb = 4}
vmfo.app{name = "h", prog = "hog", mb = 8, hot = true}
vmfo.grow("h", 20)
local grant = vmfo.wait("vmm.grant")
local report = vmfo.wait("os.report", {app = "h"})
vmfo.check(grant.vm == "vm0", "vm0 got " .. grant.units .. " from the pool")
vmfo.sleep(200)
vmfo.fault{app = "h", kind = "crash"}
local detach = vmfo.wait("vmm.detach")
vmfo.check(detach.units == report.units, "all of h's storage moves: " .. detach.units)
vmfo.wait("failover.done")
vmfo.check(vmfo.owner("h") == "vm1", "h runs on vm1")
