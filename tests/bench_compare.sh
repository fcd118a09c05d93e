#!/bin/sh
# bench_compare.sh — vmfo bench --compare OLD.json NEW.json: two bench
# documents figure by figure, with no KVM (VMFO_KVM_DEV points nowhere).
# tests/bench/quick.json is a real `vmfo bench --quick --json` document
# with its boot figure set to 9 / 10 / 11 ms (its phases as they came);
# quick-move.json one from before a handover had two ends (move_ms,
# copy_ms), the same boot.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
doc="${TOP_SRCDIR:-.}/tests/bench/quick.json"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
compare() {
	run_without_kvm bench --compare "$@"
}

compare "$doc" "$doc"
is "$rc" 0 "a document against itself: exit 0, without KVM"
like "$out" "^compared: .*quick.json \\(old\\) with .*quick.json \\(new\\); a figure with runs is its median$" "the header names both"
like "$out" '^  boot_ms\.pair +10\.000 +10\.000 +\+0\.0 %$' "a figure with runs: its median, unchanged"
like "$out" '^  failover\[os panic\]\.total_ms ' "failovers are named by their fault"
like "$out" '^  boot_ms\.phases\[vm0 memslots\]\.ms ' "boot phases by their OS and name"
like "$out" '^  handover\[64 MB\]\.copy_fresh_over_service ' "handovers by their size"
like "$out" '^  protection\[heartbeat 10 ms\]\.ledger_mtx_per_s ' "protection by its heartbeat"
like "$out" '^  client_blackout\.os_hang\.blackout_ms ' "the clients' blackout per kind"
unlike "$out" 'only in|config|machine|\.runs |\.clients ' "nothing about how it was run is compared"

# An older document: its handover figures line up under their new names.
old="${TOP_SRCDIR:-.}/tests/bench/quick-move.json"
compare "$old" "$doc"
is "$rc" 0 "an older document against a newer one: exit 0"
for f in verify_ms copy_fresh_ms copy_fresh_over_verify detach_attach_ms; do
	like "$out" "^  handover\\[64 MB\\]\\.$f +[0-9]+\\.[0-9]{3} +[0-9]+\\.[0-9]{3} " "its $f compared"
done
like "$out" '^  handover_verify_largest_over_smallest +[0-9]' "and how the full check grows with the size"
unlike "$out" "only in .*quick-move.json" "nothing of the older one is left over"
like "$out" "^  only in .*quick.json: handover\\[64 MB\\]\\.service_ms$" "time to service is new"
like "$out" "^  only in .*quick.json: handover\\[64 MB\\]\\.copy_touched_ms$" "so is the copy into touched memory"
like "$out" "^  only in .*quick.json: handover_service_largest_over_smallest$" "and how service grows with the size"

# A slower boot and a figure the new document lacks.
sed 's/"pair":{"min":9.0,"median":10.0,"max":11.0}/"pair":{"min":14.0,"median":15.0,"max":16.0}/; s/"gap_ms":[0-9.]*,//' "$doc" >"$tmp/new.json"
compare "$doc" "$tmp/new.json"
is "$rc" 0 "a changed document: exit 0"
like "$out" '^  boot_ms\.pair +10\.000 +15\.000 +\+50\.0 %$' "the boot's median went from 10 to 15 ms: +50 %"
like "$out" "^  only in .*quick.json: blackout\\.gap_ms$" "the figure the new one lacks is named"

# Bad input.
compare "$tmp/nosuch.json" "$doc"
is "$rc" 2 "a missing file: exit 2"
like "$out" "^vmfo: bench: cannot read $tmp/nosuch.json: No such file or directory$" "and says which"
echo '{"a": 1}' >"$tmp/other.json"
compare "$doc" "$tmp/other.json"
is "$rc" 2 "a JSON file that is no bench document: exit 2"
like "$out" "^vmfo: bench: $tmp/other.json is not a vmfo bench document \\(made by 'vmfo bench --json'\\)$" "and says so"
echo '{"vmfo": ' >"$tmp/cut.json"
compare "$doc" "$tmp/cut.json"
is "$rc" 2 "a document cut short: exit 2"
like "$out" "^vmfo: bench: cannot read $tmp/cut.json: .*line 2" "with the line"
run_without_kvm bench --compare
is "$rc" 2 "--compare without a file: exit 2"
like "$out" "^vmfo: bench: unknown or bad argument '--compare'" "is a usage error"
done_testing
