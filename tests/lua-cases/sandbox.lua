-- escapes tried: each must be refused with a clear message
local cases = {
	{"os.execute", function() return os.execute("touch /tmp/vmfo-escaped") end},
	{"os.remove", function() return os.remove("/tmp/x") end},
	{"io.open", function() return io.open("/tmp/vmfo-escaped", "w") end},
	{"io.popen", function() return io.popen("id") end},
	{"require", function() return require("lfs") end},
	{"package.loadlib", function() return package.loadlib("/lib/libc.so.6", "system") end},
	{"dofile", function() return dofile("/etc/passwd") end},
	{"loadfile", function() return loadfile("/etc/passwd") end},
	{"string.dump", function() return string.dump(function() end) end},
	{"debug.sethook", function() return debug.sethook() end},
}
for _, c in ipairs(cases) do
	local ok, err = pcall(c[2])
	vmfo.check(not ok and tostring(err):find(c[1] .. " is not available in vmfo scenarios", 1, true),
		c[1] .. " refused: " .. tostring(err))
end
local f, err = load("\27LuaT\0", "bin", "b")
vmfo.check(f == nil and err:find("only text chunks"), "binary mode is refused: " .. tostring(err))
local g, err3 = load("\27LuaT\0\25\147")
vmfo.check(g == nil and tostring(err3):find("binary"), "even in text mode a binary chunk fails: " .. tostring(err3))
vmfo.check(load("return 6 * 7")() == 42, "text chunks still load")
vmfo.check(type(os.time()) == "number" and type(os.clock()) == "number", "clocks are allowed")
-- the console commands that touch files are not reachable through vmfo.cmd
for _, c in ipairs({"trace save /tmp/vmfo-escaped", "source /etc/hostname", "view", "quit"}) do
	local ok, err = pcall(vmfo.cmd, c)
	vmfo.check(not ok and tostring(err):find("not available from a script"), c .. " refused: " .. tostring(err))
end
