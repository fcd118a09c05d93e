-- a runtime error in a function
local function f(t) return t.x end
vmfo.boot{}
f(nil)
