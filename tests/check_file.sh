#!/bin/sh
# check_file.sh — vmfo check FILE: judging a saved trace. The first part
# uses the traces in tests/traces/ and runs where there is no KVM at all
# (VMFO_KVM_DEV points nowhere, so opening it would fail); the second
# records real failovers and checks that the saved trace gets the same
# verdicts as the console's 'check' in the same run.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
traces="${TOP_SRCDIR:-.}/tests/traces"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# vmfo check with no KVM to be had.
offline() {
	run_without_kvm check "$@"
}
# Only the verdict lines.
verdicts() {
	printf '%s\n' "$1" | grep '^claim [1-9]: '
}

# ---- offline ----

offline "$traces/empty.jsonl"
is "$rc" 0 "an empty trace: exit 0, without KVM"
is "$(printf '%s\n' "$out" | grep -c '^claim [1-9]: NOT SHOWN (')" 9 "every claim NOT SHOWN"

offline "$traces/app_failover.jsonl"
is "$rc" 0 "a recorded app failover: exit 0"
is "$(verdicts "$out" | wc -l)" 9 "nine verdicts"
like "$out" '^claim 4: PASS$' "claim 4 passes: the app resumed on the standby"

# The same trace with its app.resumed line deleted: the takeover never
# finished, and claim 4 (the app resumes where it was) must say so.
offline "$traces/no_resumed.jsonl"
is "$rc" 1 "app.resumed deleted: exit 1"
like "$out" '^claim 4: FAIL .*app\.resumed' "claim 4 FAILs, naming app.resumed"
like "$out" '^error: [0-9]+ claims? failed$' "and the error line counts the failures"
offline "$traces/no_resumed.jsonl" --claim 4
is "$rc" 1 "--claim 4 alone: exit 1"
is "$(verdicts "$out" | wc -l)" 1 "only one verdict line"
like "$out" '^claim 4: FAIL ' "the FAIL of claim 4"
run_without_kvm check --claim 4 "$traces/no_resumed.jsonl"
is "$rc" 1 "--claim may come before FILE"

offline "$traces/malformed.jsonl"
is "$rc" 2 "a malformed line: exit 2"
like "$out" 'malformed\.jsonl:3: not a JSON object' "named by file and line"
unlike "$out" '^claim ' "and nothing judged"

offline "$traces/no_name.jsonl"
is "$rc" 2 "an event without a name: exit 2"
like "$out" 'no_name\.jsonl:2: event without a name' "named by file and line"

long=$(printf '%0100d' 0)
printf '{"ev":"os.ready"}\n{"ev":"vmm.detach","vm":"vm0","units":"%s"}\n' "$long" >"$tmp/long.jsonl"
offline "$tmp/long.jsonl"
is "$rc" 2 "a value too long for an event: exit 2"
like "$out" "long\.jsonl:2: field 'units' is longer than 95 bytes" "named, with the limit"

printf '{"ev":"os.ready","a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","i":"9"}\n' \
	>"$tmp/nine.jsonl"
offline "$tmp/nine.jsonl"
is "$rc" 2 "nine fields: exit 2"
like "$out" 'nine\.jsonl:1: more than 8 fields' "named, with the limit"

offline "$tmp/missing.jsonl"
is "$rc" 2 "a missing file: exit 2"
like "$out" "cannot read trace file '.*missing\.jsonl': No such file" "and why"

for n in 0 10 x; do
	offline "$traces/empty.jsonl" --claim "$n"
	is "$rc" 2 "--claim $n: usage error, exit 2"
done
like "$out" "--claim 'x': expected a claim number from 1 to 9" "saying what a claim number is"
offline
is "$rc" 2 "no FILE: exit 2"
like "$out" 'usage: vmfo check FILE' "with the usage"
offline "$traces/empty.jsonl" "$traces/empty.jsonl"
is "$rc" 2 "two FILEs: exit 2"
run "$VMFO" -c status check "$traces/empty.jsonl"
is "$rc" 2 "-c does not go with check"

# ---- recorded under KVM ----

msg=$("$VMFO" -c '' 2>&1)
if [ $? -eq 3 ]; then
	for i in 1 2 3 4 5 6 7; do
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP no usable KVM: $msg"
	done
	done_testing
	exit
fi

# record NAME COMMANDS: run them with --trace and 'check' last, then judge
# the file offline; $live and $saved are the two sets of verdict lines.
record() {
	run "$VMFO" --trace "$tmp/$1.jsonl" -c "$2; check; trace save $tmp/$1.saved.jsonl"
	live=$(verdicts "$out")
	live_rc=$rc
	offline "$tmp/$1.jsonl"
	saved=$(verdicts "$out")
	saved_rc=$rc
}

record app 'boot; app start db 8 hot; sleep 100; fault app db crash; wait failover.done'
is "$(printf '%s\n' "$live" | wc -l)" 9 "app failover: the console judged nine claims"
is "$saved" "$live" "vmfo check on its --trace file prints the same verdicts"
is "$saved_rc" "$live_rc" "and exits as the run did"
offline "$tmp/app.saved.jsonl"
is "$(verdicts "$out")" "$live" "so does the file from 'trace save'"

record os 'boot; app start db 8 hot; app start cache 4 prog=kv; sleep 100; fault os panic; wait failover.done'
is "$(printf '%s\n' "$live" | wc -l)" 9 "OS failover: the console judged nine claims"
is "$saved" "$live" "vmfo check on its --trace file prints the same verdicts"
is "$saved_rc" "$live_rc" "and exits as the run did"
done_testing
