#!/bin/sh
# lua.sh — vmfo run's verdicts and exit codes, script errors with file:line
# and traceback, the instruction limit, wait timeouts, bad arguments to every
# API function, sandbox escapes, and Lua from the console.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
cd "$TOP_SRCDIR" || exit 1
L=tests/lua-cases

run "$VMFO" run $L/syntax.lua
is "$rc" 2 "a syntax error: exit 2"
like "$out" "^#   error: $L/syntax.lua:3: unexpected symbol near '='$" "named with file:line"
like "$out" "^not ok 1 - $L/syntax.lua" "and reported not ok"

run "$VMFO" run $L/runtime.lua
is "$rc" 2 "a runtime error: exit 2"
like "$out" "^#   error: $L/runtime.lua:2: attempt to index a nil value \\(local 't'\\)$" "message with file:line"
like "$out" "^#   stack traceback:$" "then a traceback"
like "$out" "^#   	$L/runtime.lua:4: in main chunk$" "down to the calling line"

run "$VMFO" run $L/loop.lua
is "$rc" 2 "an endless loop is stopped: exit 2"
like "$out" "^#   error: $L/loop.lua:2: instruction limit reached \\(300 million\\): an endless loop\\?$" "by the instruction limit, with file:line"
run "$VMFO" run $L/catchloop.lua
is "$rc" 2 "catching the limit with pcall does not let a script go on"
like "$out" "^#   error: $L/catchloop.lua:4: instruction limit reached" "it strikes again at the next line"

run "$VMFO" run $L/timeout.lua
is "$rc" 2 "a wait that times out: exit 2"
like "$out" "^#   error: $L/timeout.lua:3: no failover.done within 300 ms since the last state change \\(last events: .*app.started\\)$" \
	"names the awaited event and the last events seen"

run "$VMFO" run $L/wrong.lua
is "$rc" 1 "a scenario whose checks fail: exit 1"
like "$out" "^#   check failed: db should still be on vm0 \\(at $L/wrong.lua:6\\)$" "each failed check with its line"
like "$out" "^#   check failed: claim 8 should pass \\(at $L/wrong.lua:8\\)$" "the second failed check"
is "$(printf '%s\n' "$out" | grep -c 'check failed')" 2 "and only those two"

run "$VMFO" run $L/right.lua $L/wrong.lua $L/right.lua
is "$rc" 1 "mixed: exit 1"
is "$(printf '%s\n' "$out" | grep -E '^(not )?ok ' | sed 's/ (.*//')" "ok 1 - $L/right.lua
not ok 2 - $L/wrong.lua
ok 3 - $L/right.lua" "each scenario on a fresh pair gets its own verdict"
like "$out" "^# 2 passed, 1 failed, 0 errors in [0-9.]+ s$" "summary"

run "$VMFO" run $L/badargs.lua
is "$rc" 0 "every API function rejects bad arguments and nothing changes"
unlike "$out" "check failed" "no check failed in badargs.lua"

run "$VMFO" run $L/sandbox.lua
is "$rc" 0 "sandbox escapes are refused"
unlike "$out" "check failed" "no check failed in sandbox.lua"
ok "$([ ! -e /tmp/vmfo-escaped ]; echo $?)" "nothing was written outside"

run "$VMFO" run
is "$rc" 2 "run with no file: exit 2"
is "$out" "vmfo: run needs at least one FILE.lua" "and says so"
run "$VMFO" run $L/missing.lua
is "$rc" 2 "a missing file: exit 2"
like "$out" "^#   error: cannot open $L/missing.lua" "named"
run env VMFO_KVM_DEV=/nonexistent "$VMFO" run $L/right.lua
is "$rc" 3 "no KVM: exit 3"

# From the console: lua CODE and run FILE.
run "$VMFO" -c 'boot; app start db 8 hot; lua vmfo.owner("db"); lua 6 * 7; lua x = ; lua print(#vmfo.table())'
like "$out" '^vm0$' "lua prints an expression's value"
like "$out" '^42$' "plain arithmetic"
like "$out" "^error: \\(lua\\):1: unexpected symbol near <eof>$" "a bad line is one error line"
like "$out" '^5$' "the API is there"
is "$rc" 1 "the bad line makes -c fail"
run "$VMFO" -c "run $L/right.lua"
like "$out" "^ok - $L/right.lua$" "run FILE from the console"
is "$rc" 0 "and succeeds"
run "$VMFO" -c "run $L/wrong.lua"
like "$out" "^error: $L/wrong.lua: a check failed$" "a failing run in the console is an error"
# lua EXPR shows a table by its contents, as a Lua constructor writes it;
# a list of tables a line each.
run "$VMFO" -c 'lua {x = 1, {2, 3}, ["a b"] = "q\"t"}'
is "$out" '{{2, 3}, ["a b"] = "q\"t", x = 1}' "lua EXPR: a table by its contents, names in order"
run "$VMFO" -c 'lua {a = {b = {c = {d = 1}}}}'
is "$out" '{a = {b = {c = {...}}}}' "nested three deep, then {...}"
run "$VMFO" -c 'boot; lua vmfo.table()'
like "$out" '^  \{kind = "os", mb = 64, name = "vm0", os = "vm0", standby = "vm1", units = "1-32", vm = "vm0"\},$' \
	"lua vmfo.table(): a row a line, not table: 0x..."
run "$VMFO" -c "run $L/missing.lua"
is "$out" "error: cannot open $L/missing.lua: No such file or directory" "run of a missing file in the console: one error line"
is "$rc" 1 "and exit 1"
run "$VMFO" -c "run $L/runtime.lua"
is "$(printf '%s\n' "$out" | grep -c '^error:')" 1 "a script error in the console: one error line"
like "$out" "^error: $L/runtime.lua:2: attempt to index a nil value" "naming file:line"

done_testing
