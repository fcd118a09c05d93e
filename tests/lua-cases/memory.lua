-- memory.lua: past the Lua memory cap (--lua-mem-mb, 256 MiB by default)
-- an allocation fails with Lua's own "not enough memory"; vmfo neither
-- crashes nor grows past the cap. The last line is not caught: a script
-- error, exit 2.
local ok, err = pcall(string.rep, "x", 1 << 30)
vmfo.check(not ok and err == "not enough memory", "a 1 GiB string is refused")
local t = {}
ok, err = pcall(function()
	for i = 1, 1e9 do
		t[i] = ("x"):rep(1000) .. i
	end
end)
vmfo.check(not ok and err == "not enough memory", "a table that keeps growing is stopped")
vmfo.check(collectgarbage("count") <= 256 * 1024, "the state stays under the cap")
t = nil
collectgarbage()
vmfo.check(collectgarbage("count") < 1024, "its memory comes back once it is let go")
vmfo.check(#vmfo.table() > 0, "the VMM still answers")
print("refused and recovered")
local s = string.rep("x", 1 << 30)
vmfo.check(false, "not reached: the string above is refused, uncaught (" .. #s .. ")")
