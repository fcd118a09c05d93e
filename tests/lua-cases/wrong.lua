-- written against the documented event vocabulary, expecting the wrong thing: must FAIL its checks
vmfo.boot{active_mb=64, standby_mb=8}
vmfo.app{name="db", prog="ledger", mb=8, hot=true}
vmfo.fault{app="db", kind="crash"}
vmfo.wait("failover.done", {timeout_ms=3000})
vmfo.check(vmfo.owner("db") == "vm0", "db should still be on vm0")
local ok = vmfo.claim(8)
vmfo.check(ok, "claim 8 should pass")
vmfo.check(true, "this one holds")
