-- claim9.lua — Claim 9: the routines of the system. The active OS has a
-- fault-level notification routine (only unrecoverable faults are reported)
-- and a resource disconnection routine; the standby has a resource engaging
-- routine; the VMM detects OS faults and finds what to move.
-- Teaches: one of each, and what each leaves in the trace.
vmfo.boot{}
vmfo.app{name = "db", prog = "ledger", mb = 8, hot = true}
vmfo.app{name = "web", prog = "kv", mb = 4, hot = true}

vmfo.fault{app = "web", kind = "error"}              -- recoverable: handled locally
local f = vmfo.wait("app.fault")
vmfo.check(f.level == "recoverable", "an error is recoverable")
vmfo.wait("app.restarted")

vmfo.fault{app = "db", kind = "crash"}               -- unrecoverable: reported
vmfo.wait("os.app_failure")
vmfo.wait("os.disconnected")                          -- disconnection routine
vmfo.wait("os.attached")                              -- engaging routine
vmfo.wait("failover.done")

vmfo.fault{os = "panic"}                              -- OS fault detecting routine
vmfo.wait("vmm.os_fault")
vmfo.wait("failover.done")
local ok, why = vmfo.claim(9)
vmfo.check(ok, "claim 9: " .. why)
