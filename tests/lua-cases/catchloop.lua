-- catches the limit with pcall and tries to go on
local ok = pcall(function() while true do end end)
print("caught", ok)
for i = 1, 100000 do end
