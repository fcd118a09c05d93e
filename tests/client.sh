#!/bin/sh
# client.sh — vmfo client and vmfo check --history against a served app
# made up in memory (tests/fake_io_server): the history's shape, the
# verdict on an honest server and on one that loses writes or answers
# twice, resends, time-outs, Ctrl-C, and the usage errors. Needs no KVM:
# VMFO_KVM_DEV points nowhere, so opening it would fail.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
fake="${VMFO%/*}/tests/fake_io_server"
if [ ! -x "$fake" ]; then
	echo "1..0 # SKIP $fake is not built (make check builds it)"
	exit 0
fi
VMFO_KVM_DEV=/nonexistent/kvm
export VMFO_KVM_DEV
tmp=$(mktemp -d)
pids=
trap 'kill $pids 2>/dev/null; rm -rf "$tmp"' EXIT

# serve NAME PROGRAM [OPTION N]...: the fake server on $tmp/NAME.sock,
# back once it listens (the socket is renamed into place then). It also
# exits by itself when this shell does.
serve() {
	_name=$1
	shift
	"$fake" "$tmp/$_name.sock" "$@" 2>"$tmp/$_name.err" &
	pids="$pids $!"
	_tries=0
	while [ ! -S "$tmp/$_name.sock" ] && [ $_tries -lt 1000 ]; do
		sleep 0.01
		_tries=$((_tries + 1))
	done
}

# client NAME [OPTIONS]: vmfo client against NAME's server, its history
# in $tmp/NAME.jsonl; sets $out and $rc.
client() {
	_name=$1
	shift
	run "$VMFO" client "$tmp/$_name.sock" --history "$tmp/$_name.jsonl" "$@"
}

judge() { # judge FILE
	run "$VMFO" check --history "$1"
}

# The number of requests a summary line counts.
requests_in() {
	printf '%s\n' "$1" | sed -n 's/^[0-9]* clients, \([0-9]*\) requests: .*$/\1/p'
}

# ---- an honest ledger ----

serve ledger ledger
client ledger --clients 3 --requests 40
h=$tmp/ledger.jsonl
is "$rc" 0 "vmfo client against an honest ledger: exit 0"
like "$out" '^3 clients, 240 requests: 240 ok, 0 unavailable, 0 indeterminate, 0 refused, 0 retried; slowest [0-9]+\.[0-9] ms$' \
	"the summary: 3 x 40 appends, each read back"
is "$(head -n 1 "$h")" '{"history":1,"app":"fake","program":"ledger","clients":3}' \
	"the history's first line describes the run"
like "$(tail -n 1 "$h")" '^\{"end":1,"requests":240,"elapsed_us":[0-9]+\}$' "its last line counts the requests"
is "$(grep -c '"op"' "$h")" 240 "one line per request"
load='^\{"client":[0-2],"id":[0-9]+,"op":"append","value":[0-9]+,"send_us":[0-9]+,"ack_us":[0-9]+,"result":"ok","seq":[0-9]+,"retry":0,"phase":"load"\}$'
is "$(grep -Ec "$load" "$h")" 120 "120 appends in the load phase, each with its fields in order"
verify='^\{"client":[0-2],"id":[0-9]+,"op":"read","key":[0-9]+,"send_us":[0-9]+,"ack_us":[0-9]+,"result":"ok","seq":[0-9]+,"got":[0-9]+,"retry":0,"phase":"verify"\}$'
is "$(grep -Ec "$verify" "$h")" 120 "120 reads in the verify phase"
is "$(jq -s '[.[] | select(.op) | .ack_us >= .send_us] | all' "$h")" true "every answer after its send"
is "$(jq -r 'select(.op == "append") | .value' "$h" | sort | uniq -d)" "" "no transaction used twice"
is "$(jq -s -c '[.[] | select(.op == "append") | [.client, .seq]] | sort' "$h")" \
	"$(jq -s -c '[.[] | select(.op == "read") | [.client, .key]] | sort' "$h")" \
	"each client read back exactly the seqs its appends got"
is "$(jq -s '[.[] | select(.op == "read" and .seq != .key)] | length' "$h")" 0 \
	"each read answered with the seq asked for"
judge "$h"
is "$rc" 0 "vmfo check --history: exit 0"
like "$out" '^history: ledger app fake, 3 clients, 240 requests: 240 ok, 0 unavailable, 0 indeterminate, 0 refused, 0 retried$' \
	"the report counts what the summary did"
like "$out" '^acknowledged writes: 120, lost 0, answered twice 0$' "120 acknowledged appends, none lost"
like "$out" '^blackout: longest [0-9]+\.[0-9] ms with no answer, from [0-9]+\.[0-9]{3} s; slowest request [0-9]+\.[0-9] ms$' \
	"the blackout line"
is "$(printf '%s\n' "$out" | tail -n 1)" PASS "PASS"

# ---- the same history with one verify-phase read deleted ----

line=$(grep '"phase":"load"' "$h" | sed -n 7p)
seq=$(printf '%s\n' "$line" | jq .seq)
tx=$(printf '%s\n' "$line" | jq .value)
c=$(printf '%s\n' "$line" | jq .client)
grep -v "\"op\":\"read\",\"key\":$seq," "$h" >"$tmp/edited.jsonl"
is "$(wc -l <"$tmp/edited.jsonl")" "$(($(wc -l <"$h") - 1))" "one read deleted from the history"
judge "$tmp/edited.jsonl"
is "$rc" 1 "the edited history: exit 1"
like "$out" "^lost: append $tx acknowledged as seq $seq \(client $c at [0-9]+\.[0-9]{3} s\) never read back$" \
	"the append whose read was deleted is named"
is "$(printf '%s\n' "$out" | tail -n 1)" FAIL "FAIL"

# ---- an honest kv store ----

serve kv kv
client kv --clients 4 --ms 300 --keys 4
h=$tmp/kv.jsonl
is "$rc" 0 "vmfo client against an honest kv store, 300 ms: exit 0"
n=$(requests_in "$out")
like "$out" "^4 clients, $n requests: $n ok, 0 unavailable, 0 indeterminate, 0 refused, 0 retried; slowest" \
	"every request answered ok"
is "$(grep -c '"op"' "$h")" "$n" "the history has as many requests as the summary"
is "$(jq -s '.[-1].requests' "$h")" "$n" "and so does its end line"
is "$(jq -s '[.[] | select(.op == "put" or .op == "get") | select(.key >= 4)] | length' "$h")" 0 \
	"keys in 0..3"
is "$(jq -s '[.[] | select(.phase == "load") | .op] | unique | join(",")' "$h")" '"get,put"' \
	"puts and gets in the load phase"
is "$(jq -s -c '[.[] | select(.op == "put") | [.client, .key]] | unique' "$h")" \
	"$(jq -s -c '[.[] | select(.phase == "verify") | [.client, .key]] | sort' "$h")" \
	"in the verify phase each client gets each key it put, once"
judge "$h"
is "$rc" 0 "vmfo check --history: exit 0"
like "$out" "^history: kv app fake, 4 clients, $n requests: $n ok, " "the report counts the same requests"
is "$(printf '%s\n' "$out" | tail -n 1)" PASS "PASS"

# ---- a server that loses writes ----

serve lose ledger --lose-every 7
client lose --clients 2 --requests 30
is "$rc" 0 "a server losing every 7th append: the client still exits 0"
judge "$tmp/lose.jsonl"
is "$rc" 1 "its history: exit 1"
like "$out" '^acknowledged writes: 60, lost 8, answered twice 0$' "8 of 60 appends lost"
like "$out" '^lost: append [0-9]+ acknowledged as seq 7 \(client [01] at [0-9.]+ s\) reads back as 0$' \
	"the first named, with what its seq holds"
is "$(printf '%s\n' "$out" | tail -n 1)" FAIL "FAIL"

serve kvlose kv --lose-every 1
client kvlose --clients 1 --requests 20 --keys 2 --seed 1
judge "$tmp/kvlose.jsonl"
is "$rc" 1 "a kv store keeping no value: exit 1"
like "$out" '^lost: get [01] by client 0 at [0-9.]+ s returned value 0 at version [0-9]+, acknowledged to put [0-9]+ at [0-9.]+ s$' \
	"a get after the put returns another value"

# ---- a server that answers twice ----

serve twice ledger --answer-twice 5
client twice --clients 2 --requests 20
is "$rc" 0 "a server answering every 5th request twice: the client exits 0"
strays=$(grep -c '"stray"' "$tmp/twice.jsonl")
ok "$([ "$strays" -gt 0 ]; echo $?)" "the second answers are recorded as stray ($strays)"
like "$(grep '"stray"' "$tmp/twice.jsonl" | head -n 1)" '^\{"client":[01],"stray":"[0-9]+ ok [0-9]+( [0-9]+)?","at_us":[0-9]+\}$' \
	"a stray line as the protocol says"
judge "$tmp/twice.jsonl"
is "$rc" 1 "its history: exit 1"
like "$out" '^twice: stray answer on client [01]: "[0-9]+ ok [0-9]+( [0-9]+)?"$' "the stray answer shown"
like "$out" "^acknowledged writes: 40, lost 0, answered twice $strays\$" "each stray counted as answered twice"

# ---- unavailable: resent ----

serve unavail kv --unavailable-first 3
client unavail --clients 1 --requests 10 --keys 2 --seed 7
h=$tmp/unavail.jsonl
is "$rc" 0 "the first 3 requests answered unavailable: exit 0"
like "$out" '^1 clients, [0-9]+ requests: [0-9]+ ok, 3 unavailable, 0 indeterminate, 0 refused, 3 retried; ' \
	"3 unavailable, 3 resends"
is "$(jq -r 'select(.op) | "\(.result) \(.retry)"' "$h" | head -n 4 | tr '\n' ' ')" \
	"unavailable 0 unavailable 1 unavailable 2 ok 3 " "one request sent four times, retry counting up"
is "$(jq -s '[.[] | select(.op)][0:4] | [.[].id] | unique | length' "$h")" 4 "each time with a new id"
is "$(jq -s '[.[] | select(.op)] | .[1].send_us - .[0].ack_us >= 10000' "$h")" true \
	"resent 10 ms after the answer"
judge "$h"
is "$rc" 0 "its history passes"
like "$out" ', 3 unavailable, 0 indeterminate, 0 refused, 3 retried$' "with the resends counted"

# ---- no answer: indeterminate ----

serve silent ledger --silent-at 3
client silent --clients 1 --requests 6 --timeout-ms 300
h=$tmp/silent.jsonl
is "$rc" 0 "the third request never answered: exit 0"
like "$out" '^1 clients, 11 requests: 10 ok, 0 unavailable, 1 indeterminate, 0 refused, 0 retried; slowest 3[0-9]{2}\.[0-9] ms$' \
	"it is indeterminate, the other 5 appends read back"
is "$(jq -s -c '[.[] | select(.result == "indeterminate")][0] | [.id, .reason, .ack_us - .send_us >= 300000]' "$h")" \
	'[3,"timeout",true]' "given up after --timeout-ms, reason timeout"
is "$(jq -s -c '[.[] | select(.op)][3] | [.id, .result]' "$h")" '[4,"ok"]' "the next request answered on a new connection"
judge "$h"
is "$rc" 0 "an indeterminate append need not be read back: PASS"

# ---- Ctrl-C ends the load phase ----

# wait_until gone|answered PID-OR-FILE: wait at most 10 s for a process to end
# or a history to record an answer; 1 if it did not.
wait_until() {
	_tries=0
	while [ $_tries -lt 1000 ]; do
		case $1 in
		gone) kill -0 "$2" 2>/dev/null || return 0 ;;
		answered) grep -q '"op"' "$2" 2>/dev/null && return 0 ;;
		esac
		sleep 0.01
		_tries=$((_tries + 1))
	done
	return 1
}
"$VMFO" client "$tmp/ledger.sock" --ms 0 --history "$tmp/int.jsonl" >"$tmp/int.out" 2>&1 &
pid=$!
pids="$pids $pid"
# Once it answers, its handler is in place (before that, a background
# job's SIGINT may still be ignored).
wait_until answered "$tmp/int.jsonl"
kill -INT "$pid"
wait_until gone "$pid"
ok $? "--ms 0 runs until Ctrl-C"
wait "$pid"
is "$?" 0 "then exits 0"
like "$(cat "$tmp/int.out")" '^4 clients, [0-9]+ requests: ' "with its summary"
judge "$tmp/int.jsonl"
is "$rc" 0 "and a history that passes"

# ---- errors ----

run "$VMFO" client "$tmp/none.sock" --history "$tmp/none.jsonl"
is "$rc" 1 "no server: exit 1"
is "$out" "vmfo: client: cannot connect to $tmp/none.sock: No such file or directory" "the socket and why named"
ok "$([ ! -e "$tmp/none.jsonl" ]; echo $?)" "and no history file made"

run "$VMFO" client
is "$rc" 2 "vmfo client without a socket: exit 2"
like "$out" 'usage: vmfo client SOCKET' "with the usage"
for bad in "--clients 0" "--clients 65" "--ms x" "--keys 0" "--timeout-ms 0" "--requests -1"; do
	# shellcheck disable=SC2086 # the option and its value
	run "$VMFO" client "$tmp/ledger.sock" $bad
	is "$rc" 2 "client $bad: exit 2"
done
run "$VMFO" client "$tmp/ledger.sock" --clients 65
like "$out" "^vmfo: client: --clients '65': expected a whole number from 1 to 64$" "the option and its range named"
run "$VMFO" client "$tmp/ledger.sock" --timeout-ms
like "$out" "^vmfo: client: --timeout-ms without a number: expected a whole number" "a missing value named"
run "$VMFO" client "$tmp/ledger.sock" --bogus 1
is "$rc" 2 "an unknown option: exit 2"
like "$out" "^vmfo: client: unexpected argument '--bogus'" "named"
run "$VMFO" client "$tmp/ledger.sock" "$tmp/kv.sock"
is "$rc" 2 "two sockets: exit 2"
run "$VMFO" -c status client "$tmp/ledger.sock"
is "$rc" 2 "-c does not go with client"

run "$VMFO" check --history
is "$rc" 2 "check --history without a file: exit 2"
like "$out" '^vmfo: check: --history needs the history FILE' "said so"
run "$VMFO" check --history "$tmp/ledger.jsonl" --claim 3
is "$rc" 2 "--history with --claim: exit 2"
like "$out" '^vmfo: check: --history and --claim do not go together' "said so"
run "$VMFO" check "$tmp/ledger.jsonl" --history "$tmp/kv.jsonl"
is "$rc" 2 "--history with a trace file: exit 2"
run "$VMFO" check --history "$tmp/missing.jsonl"
is "$rc" 2 "a missing history: exit 2"
like "$out" "cannot read history file '.*missing\.jsonl': No such file" "and why"
head -n 3 "$tmp/ledger.jsonl" >"$tmp/short.jsonl"
echo '{"client":0,"id":9,"op":"append"}' >>"$tmp/short.jsonl"
run "$VMFO" check --history "$tmp/short.jsonl"
is "$rc" 2 "a malformed history: exit 2"
like "$out" "short\.jsonl:4: no 'send_us'" "named by file and line"
unlike "$out" '^(PASS|FAIL)$' "and nothing judged"

done_testing
