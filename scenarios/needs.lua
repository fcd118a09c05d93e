-- needs.lua — Claim 5's calculation: the active OS works out what an app
-- needs from the needs its program declares (fixed bytes + bytes per item
-- x items, in whole units), not from a size the VMM hands it.
-- Teaches: a ledger sized in records that fits the OS's free storage is
-- reported with need_mb and how; a bigger one makes the OS request exactly
-- its shortfall; a kv store grows by keys; a bad count changes nothing.
vmfo.boot{active_mb = 16, standby_mb = 4}
-- vm0 has 16 MB of 2 MB units: its kernel unit and 7 free.
local db = vmfo.app{name = "db", prog = "ledger", items = 100000, hot = true}
local report = vmfo.wait("os.report", {app = "db"})
vmfo.check(db.item == "records" and db.mb == 4, "vm0 computed " .. report.how .. ": " .. db.bytes .. " bytes")
vmfo.check(report.need_mb == 4 and report.units == "2-3", "reported from its own storage: " .. report.units)

-- kv's default 4096 keys take 1 unit, leaving 4; then 400000 records are
-- 132 KiB + 12.8 MB, 7 units.
vmfo.app{name = "cache", prog = "kv"}
local big = vmfo.app{name = "big", prog = "ledger", items = 400000}
local req = vmfo.wait("os.request")
local grant = vmfo.wait("vmm.grant")
local bigrep = vmfo.wait("os.report", {app = "big"})
vmfo.check(big.mb == 14 and req.mb == 6, "vm0 needed 7 units, had 4, asked for 3 (" .. req.mb .. " MB)")
vmfo.check(bigrep.units:find(grant.units, 1, true) ~= nil, "and reported the granted " .. grant.units)

-- A kv store grows by keys: the OS computes the total and adds the rest.
local grown = vmfo.grow("cache", {items = 100000})
vmfo.check(grown.item == "keys" and grown.mb == 4, "100000 keys need 4 MB in all")

-- Bad counts are refused and change nothing.
local ok, err = pcall(vmfo.app, {name = "huge", prog = "ledger", items = 100000000})
vmfo.check(not ok and tostring(err):find("more than the whole pool"), "too big: " .. tostring(err))
ok, err = pcall(vmfo.grow, "db", {items = 200000})
vmfo.check(not ok and tostring(err):find("keeps the records"), "a ledger does not grow by records")
local ok5, why = vmfo.claim(5)
vmfo.check(ok5, "claim 5: " .. why)
