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
done_testing
