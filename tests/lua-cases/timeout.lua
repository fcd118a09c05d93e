-- waits for something that will not happen
vmfo.app{name="db", mb=8}
vmfo.wait("failover.done", {timeout_ms=300})
