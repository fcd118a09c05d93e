-- a syntax error on line 2
vmfo.boot{}
local x = = 1
