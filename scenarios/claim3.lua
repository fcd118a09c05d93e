-- claim3.lua — Claim 3: a resource management table holds the use amounts
-- of the VMM, each OS and each app, which OS controls each app, which OS
-- takes it over, and the unused storage; a failover consults it.
-- Teaches: read the table before and after; vmm.lookup precedes the move.
vmfo.boot{}
vmfo.app{name = "db", prog = "ledger", mb = 8, hot = true}

local total, rows = 0, {}
for _, row in ipairs(vmfo.table()) do
	total = total + row.mb
	rows[row.name] = row
end
vmfo.check(total == 256, "the rows add up to the pool (" .. total .. " MB)")
vmfo.check(rows.vmm and rows.vmm.kind == "vmm", "the VMM has a row")
vmfo.check(rows.db.os == "vm0" and rows.db.standby == "vm1", "db: controlled by vm0, taken over by vm1")
vmfo.check(rows.unused and rows.unused.kind == "free", "unused storage is listed")

vmfo.fault{app = "db", kind = "crash"}
local lookup = vmfo.wait("vmm.lookup")
vmfo.check(lookup.what == "db" and lookup.units == rows.db.units, "the VMM looks db up: " .. lookup.units)
vmfo.wait("failover.done")
for _, row in ipairs(vmfo.table()) do
	if row.name == "db" then vmfo.check(row.os == "vm1", "after: db is controlled by vm1") end
end
local ok, why = vmfo.claim(3)
vmfo.check(ok, "claim 3: " .. why)
