#!/bin/sh
# apps.sh — claim 5 through the console: the active OS computes what its apps
# need; from its own storage it reports the units (os.report), short of it it
# asks the VMM (os.request) for unused units (vmm.grant), and a pool that has
# none refuses clearly. app list, app grow, and bad input.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

run "$VMFO" -c 'boot; app start db 8 hot; app start cache 4 prog=kv; app start h 2 prog=hog; sleep 200; app list; table; map; invariants; trace 100'
is "$rc" 0 "three apps start"
is "$(printf '%s\n' "$out" | grep -E '^(db|cache|h): ')" "db: ledger on vm0, 8 MB (units 2-5), hot standby
cache: kv on vm0, 4 MB (units 6-7)
h: hog on vm0, 2 MB (units 8)" "each start says where the app's storage is"
is "$(events "$out" | grep -v -e vmm.alloc -e os.ready)" \
"os.report vm=vm0 app=db units=2-5
os.load vm=vm0 app=db src=aux
app.started app=db vm=vm0 prog=ledger hot=yes mb=8
os.report vm=vm0 app=cache units=6-7
os.load vm=vm0 app=cache src=aux
app.started app=cache vm=vm0 prog=kv hot=no mb=4
os.report vm=vm0 app=h units=8
os.load vm=vm0 app=h src=aux
app.started app=h vm=vm0 prog=hog hot=no mb=2" "enough storage: report, load from aux, started"
is "$(printf '%s\n' "$out" | grep -E '^(vm0|vm1|db|cache|h|unused) ' | grep -E ' (os|app|free) ')" \
"vm0        os    vm0  1,9-32               50      50  -        -        -
vm1        os    vm1  33-36                 8       8  -        -        -
db         app   vm0  2-5                   8       8  vm0      vm1      yes
cache      app   vm0  6-7                   4       4  vm0      vm1      no
h          app   vm0  8                     2       2  vm0      vm1      no
unused     free  -    37-127              182       0  -        -        -" \
"the table: each app's units, controlling OS vm0, takeover OS vm1"
like "$out" '^    0  #0AAAABBC0000000000000000000000001111\.+$' "map: apps' units marked A, B, C"
like "$out" '^legend: # vmm  0 vm0 OS \(active\)  1 vm1 OS \(standby\)  A db  B cache  C h$' "map legend names the apps"
like "$out" '^        \. unused  \(1 unit = 2 MB\)$' "and goes on under its first entry rather than past 79 columns"
like "$(row "$out" db)" '^db +ledger +vm0 +running +8 +yes +[1-9][0-9]* +[1-9][0-9]*$' "app list: db runs, its seq moves and is acknowledged"
like "$(row "$out" h)" '^h +hog +vm0 +running +2 +no +479 +' "app list: hog wrote its 479 data pages"
like "$out" '^invariants hold' "invariants hold with apps"

# Not enough: the OS asks the VMM, which grants unused units.
# hog writes every page of what it holds; wait until it is done (up to a
# minute: a busy host may be slow, and the check is of what, not how fast).
run "$VMFO" -c 'boot; app start big 80 prog=hog; app grow big 20; lua n = 0; lua while vmfo.app_state("big").seq < 25567 and n < 600 do vmfo.sleep(100) n = n + 1 end; app list; table; invariants; trace 100'
is "$rc" 0 "an app larger than the active OS's storage starts"
is "$(events "$out" | grep -v -e vmm.alloc -e os.ready)" \
"os.request vm=vm0 mb=18
vmm.grant vm=vm0 units=37-45
os.report vm=vm0 app=big units=2-32,37-45
os.load vm=vm0 app=big src=aux
app.started app=big vm=vm0 prog=hog hot=no mb=80
os.request vm=vm0 mb=20
vmm.grant vm=vm0 units=46-55
os.report vm=vm0 app=big units=2-32,37-55" "short of storage: request, grant, then report (claim 5)"
is "$(row "$out" big | grep ' app ')" "big        app   vm0  2-32,37-55          100     100  vm0      vm1      no" "the grown app holds 100 MB"
like "$(row "$out" big | grep hog)" '^big +hog +vm0 +running +100 +no +25567 ' "hog filled all 100 MB (25567 pages)"
like "$out" '^invariants hold' "invariants hold after grants"

# The pool cannot give what it does not have.
run "$VMFO" -c 'boot; app start huge 250; table; trace 100'
is "$rc" 1 "an app the pool cannot hold fails"
like "$out" "^error: 'huge' needs 250 MB: vm0 has 62 MB free and the pool 182 MB unused$" "with a clear error"
unlike "$out" 'os.request|os.report' "and nothing was asked or reported"
like "$(row "$out" unused)" ' 37-127 ' "the table is unchanged"

# Bad input: one error line each, nothing changes.
cmds='app start x 4; boot; app start db 8 hot; app start db 4; app start vm0 4; app start a.b 4; app start toolongappname123 4; app start y 3; app start y 0; app start y abc; app start y 4 prog=nope; app start y 4 cold; app start y 1000; app grow nope 4; app grow db 3; app; app frob; fault app nope crash; fault app db explode; fault app db; table'
run "$VMFO" -c "$cmds"
is "$rc" 1 "bad app commands fail"
is "$(printf '%s\n' "$out" | grep '^error')" \
"error: not booted: use 'boot' first
error: an app called 'db' already exists
error: 'vm0' is reserved: choose another app name
error: app name 'a.b': use letters, digits, '_' and '-'
error: app name 'toolongappname123' must be 1 to 15 characters
error: 3 MB: an app's storage is whole 2 MB units, at most 256 MB (the pool)
error: 0 MB: an app's storage is whole 2 MB units, at most 256 MB (the pool)
error: unknown option 'abc' (hot, prog=ledger|kv|hog, ITEM=N)
error: unknown program 'nope' (ledger, kv or hog)
error: unknown option 'cold' (hot, prog=ledger|kv|hog, ITEM=N)
error: 1000 MB: an app's storage is whole 2 MB units, at most 256 MB (the pool)
error: no app called 'nope' (see 'app list')
error: 3 MB: an app's storage is whole 2 MB units, at most 256 MB (the pool)
error: usage: app start|grow|list ...
error: usage: app start|grow|list ...
error: no app called 'nope' (see 'app list')
error: unknown app fault 'explode' (crash, hang or error)
error: usage: fault os|standby KIND | fault app NAME KIND" "each bad line gets its own error"
is "$(printf '%s\n' "$out" | grep -cE '^[a-z0-9]+ +app ')" 1 "only db is in the table"

done_testing
