#!/bin/sh
# scenarios.sh — the shipped scenario library passes under vmfo run.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
cd "$TOP_SRCDIR" || exit 1
run "$VMFO" run scenarios/*.lua
is "$rc" 0 "every shipped scenario passes"
for f in scenarios/*.lua; do
	like "$out" "^ok [0-9]+ - $f \\([0-9.]+ s\\)$" "$f passes"
	like "$(head -n 1 "$f")" "^-- $(basename "$f") — " "$f starts by saying what it teaches"
done
like "$out" "^# $(ls scenarios/*.lua | wc -l) passed, 0 failed, 0 errors in [0-9.]+ s$" "summary line"

# -v: below its result, the events the scenario made, as TAP comments.
run "$VMFO" run -v scenarios/claim6.lua
is "$rc" 0 "run -v: the scenario passes"
like "$out" "^ok 1 - scenarios/claim6.lua" "its result first"
like "$out" '^#  +[0-9]+ +\+[0-9.]+ s  os\.app_failure +vm=vm0 app=db fo=1' "then the events it judged, the app failure among them"
like "$out" '^#  +[0-9]+ +\+[0-9.]+ s  app\.resumed +app=db vm=vm1 ' "and the resumption"
run "$VMFO" run scenarios/claim6.lua
unlike "$out" 'os\.app_failure' "without -v, no events"
run "$VMFO" run -v
is "$rc" 2 "run -v with no file: a usage error"
done_testing
