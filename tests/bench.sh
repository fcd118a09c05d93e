#!/bin/sh
# bench.sh — vmfo bench --quick, as JSON and as text: the document's shape
# and its invariants (every step present, steps add up to the total, zero
# loss, every fault kind's client-seen blackout), never its timings.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
if ! command -v jq >/dev/null 2>&1; then
	echo "1..0 # SKIP jq is not installed"
	exit 0
fi
# The bench's private directories (sockets, histories) go in $TMPDIR: here
# one of the test's own, which must be empty again after each run.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
err=$tmp/err
mkdir "$tmp/runs"

# bench ARGS...: $out (stdout) and $rc. A smoke run on a nested host can
# catch the machine busy at a bad moment; if the first run fails, say why
# here and run once more.
bench() {
	out=$(TMPDIR=$tmp/runs "$VMFO" bench "$@" 2>"$err")
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "# the first bench $* run failed (exit $rc); its messages:"
		sed 's/^/#   /' "$err" | head -n 40
		out=$(TMPDIR=$tmp/runs "$VMFO" bench "$@" 2>"$err")
		rc=$?
		sed 's/^/#   /' "$err" | head -n 40
	fi
}

bench --quick --json
is "$rc" 0 "bench --quick --json exits 0"
printf '%s\n' "$out" | jq -e . >/dev/null 2>&1
ok $? "the output is one JSON document"
j() { printf '%s\n' "$out" | jq -r "$1" 2>/dev/null; }
is "$(j '.config.quick')" true "it says it was a quick run"
is "$(j '.config | has("pool_mb") and has("unit_kb") and has("heartbeat_ms") and has("miss") and has("huge_pages")')" true "configuration recorded"
is "$(j '.machine | has("kernel") and has("arch")')" true "machine recorded"
is "$(j '.boot_ms.pair | (.min <= .median and .median <= .max)')" true "pair boot: min <= median <= max"
phases="queued create_vm create_vcpu memslots long_mode vcpu_thread guest_init"
names=$(for vm in vm0 vm1; do for p in $phases; do echo "$vm $p"; done; done)
is "$(j '.boot_ms.phases[].name')" "$names" "the boot's phases, per OS, by name"
is "$(j '[.boot_ms.phases[].ms | .min >= 0 and .min <= .median and .median <= .max] | all')" true \
	"each phase: 0 <= min <= median <= max"
# One run: the medians are the run. Each OS's phases follow one another
# from the boot's start, so their sum is when it was ready: within the
# pair's time, which bench counts from a little earlier.
for vm in vm0 vm1; do
	is "$(j ".boot_ms as \$b | [\$b.phases[] | select(.name | startswith(\"$vm \")) | .ms.median] |
		add <= \$b.pair.median + 0.001")" true "$vm: its phases add up to within the pair's boot"
done
is "$(j '[.failover[].fault] | join(",")')" "os panic,os hang,os triple,app crash" "a breakdown for each fault kind"
is "$(j '[.failover[] | .steps_ms | keys_unsorted | join(",")] | unique | .[]')" \
	"detect,lookup,disconnect,detach,attach,engage,load,resumed" "every step present"
is "$(j '[.failover[] | ([.steps_ms[].median] | add) - .total_ms.median | fabs < 0.01] | all')" true \
	"the steps add up to the total (one run: medians are the run)"
is "$(j '.failover[] | select(.fault == "os hang") | .detect_bound_ms')" "30" "hang detection bound: miss x heartbeat = 30 ms"
is "$(j '[.handover[].mb] | join(",")')" "2,64,256" "handover measured at 2, 64 and 256 MB"
figures='service_ms verify_ms detach_attach_ms copy_fresh_ms copy_touched_ms'
ratios='copy_fresh_over_service copy_touched_over_service copy_fresh_over_verify copy_touched_over_verify'
is "$(j '[.handover[] | keys_unsorted | join(" ")] | unique | .[]')" "mb runs $figures $ratios" \
	"each size: every figure and ratio, and nothing else"
for f in $figures; do
	is "$(j "[.handover[] | .runs == 1 and .$f.min > 0 and .$f.min <= .$f.median and .$f.median <= .$f.max] | all")" true \
		"each size: $f timed, min <= median <= max over its runs (one, quick)"
done
for r in $ratios; do
	copy=${r%_over_*} end=${r#*_over_}
	# The document keeps 9 significant digits: equal to 1 part in 10^8.
	is "$(j "[.handover[] | (.${copy}_ms.median / .${end}_ms.median) as \$q | (.$r - \$q | fabs) <= 1e-8 * (\$q | fabs)] | all")" true \
		"$r is the ratio of the medians"
done
# Each run's full check ends at app.verified, which comes after that run's
# app.resumed: so each order statistic of verify is at least service's.
is "$(j '[.handover[] | .verify_ms.min >= .service_ms.min and .verify_ms.median >= .service_ms.median and .verify_ms.max >= .service_ms.max] | all')" true \
	"full verification ends no earlier than service resumes"
for end in service verify; do
	is "$(j "(.handover[-1].${end}_ms.median / .handover[0].${end}_ms.median) as \$q | (.handover_${end}_largest_over_smallest - \$q | fabs) <= 1e-8 * (\$q | fabs)")" true \
		"the largest size's $end over the smallest's, by the medians"
done
is "$(j '.blackout.lost')" 0 "no acknowledged transaction lost under load"
is "$(j '.blackout.resumed >= .blackout.acked')" true "resumed at or after the last acknowledged seq"
is "$(j '[.protection[].heartbeat_ms] | join(",")')" "0,10,1" "throughput with heartbeats off, at 10 ms and at 1 ms"
is "$(j '[.protection[] | .rounds == 2] | all')" true "in two interleaved rounds (quick)"
is "$(j '[.protection[].ledger_mtx_per_s | .min > 0 and .min <= .median and .median <= .max] | all')" true \
	"the ledger committed in each: min <= median <= max over the rounds"
is "$(j '.protection[0].cost_pct | [.min, .median, .max] | map(fabs < 0.000001) | all')" true \
	"off costs nothing against itself"
is "$(j '[.protection[1:][].cost_pct | .min <= .median and .median <= .max] | all')" true \
	"each heartbeat's cost against off in the same round, min <= median <= max"

# ---- what clients see of each kind of failure ----
kinds=app_crash,os_panic,os_hang,os_triple,standby_panic
is "$(j '.client_blackout | keys_unsorted | join(",")')" "$kinds" "client-seen blackout for each fault kind"
is "$(j '[.client_blackout[] | .runs == 1 and .clients == 4] | all')" true "each: one run (quick), 4 clients"
is "$(j '[.client_blackout[].blackout_ms | (.min <= .median and .median <= .max)] | all')" true \
	"each: the clients' blackout as min <= median <= max"
is "$(j '[.client_blackout | to_entries[] | select(.key != "standby_panic") | .value.vmm_ms |
	(.min <= .median and .median <= .max)] | length')" 4 "each takeover: the VMM's own time beside it"
is "$(j '.client_blackout.standby_panic.vmm_ms')" null "a standby's failure: no takeover to time"
is "$(j '[.client_blackout[] | .requests > 0 and .acked_writes > 0] | all')" true \
	"each: the clients' requests were answered and writes acknowledged"
is "$(j '[.client_blackout[] | .lost, .twice] | unique | join(",")')" 0 \
	"no acknowledged write lost, none answered twice, through any of them"
is "$(ls -A "$tmp/runs")" "" "the runs' sockets and histories are removed"

# The text run also compares itself with a saved quick document.
saved="${TOP_SRCDIR:-.}/tests/bench/quick.json"
bench --quick --compare "$saved"
is "$rc" 0 "bench --quick --compare exits 0"
like "$out" "^compared: .*quick.json \\(old\\) with this run \\(new\\); a figure with runs is its median$" \
	"--compare: this run against the saved document"
like "$out" '^  boot_ms\.pair +10\.000 +[0-9]+\.[0-9]{3} +[-+][0-9]+\.[0-9] %$' "--compare: the boot's change"
like "$out" '^  boot_ms\.phases\[vm1 guest_init\]\.ms +[0-9]+\.[0-9]{3} +[0-9]+\.[0-9]{3} ' "--compare: each boot phase's"
like "$out" '^  client_blackout\.os_panic\.blackout_ms ' "--compare: the clients' blackout too"
like "$out" '^  handover\[64 MB\]\.service_ms ' "--compare: a handover's time to service"
n='[0-9]+\.[0-9]{3}' x='[0-9]+\.[0-9]x'
like "$out" '^handover vs copy, fully touched region, ms, median of 1 run; copy over handover,$' \
	"the text has the handover table"
like "$out" '^ +MB +service +verify +det\+att +copy fresh +copy touched +f/service +t/service +f/verify +t/verify$' \
	"with its heading"
for mb in 2 64 256; do
	like "$out" "^ +$mb +$n +$n +$n +$n +$n +$x +$x +$x +$x\$" "$mb MB: five figures and four ratios"
done
like "$out" '^  256 MB against 2 MB: service [0-9]+\.[0-9]x the time, full verification [0-9]+\.[0-9]x$' \
	"and how each end grows with the size"
is "$(printf '%s\n' "$out" | sed -n '/^handover vs copy/,/ against /p' | awk 'length($0) > 100')" "" \
	"no line of the handover table is over 100 columns"
like "$out" '^client-seen blackout, 4 clients on a served hot ledger, median ms \(worst\), 1 run each:$' \
	"the text has the client-seen blackout table"
like "$out" "^  fault +clients' blackout +vmm takeover +requests +lost +twice$" "with its heading"
n='[0-9]+\.[0-9]{3}'
like "$out" "^  phase +vm0 \\(active\\) +vm1 \\(standby\\)$" "the text: the boot's phases, a column per OS"
for p in $phases "= ready"; do
	like "$out" "^  $p +$n / +$n / +$n +$n / +$n / +$n$" "the text: $p, min / median / max for each OS"
done
for kind in "app crash" "os panic" "os hang" "os triple"; do
	like "$out" "^  $kind +$n \($n\) +$n \($n\) +[1-9][0-9]* +0 +0$" \
		"$kind: blackout and takeover, median (worst); requests; lost 0, twice 0"
done
like "$out" "^  standby panic +$n \($n\) +none +[1-9][0-9]* +0 +0$" \
	"standby panic: blackout, no takeover; lost 0, twice 0"
unlike "$out" 'A BUG' "nothing called a bug"
like "$out" '^cost of protection: ledger throughput in 2 interleaved rounds, million transactions/s$' \
	"the text: the cost of protection, in interleaved rounds"
t='[0-9]+\.[0-9]{2}' # throughput, two decimals
like "$out" "^  off +$t / +$t / +$t$" "off: min / median / max"
for hb in 10 1; do
	like "$out" "^  $hb ms +$t / +$t / +$t +[-+][0-9]+\\.[0-9] % \\([-+][0-9]+\\.[0-9], [-+][0-9]+\\.[0-9]\\)$" \
		"heartbeat $hb ms: throughput and its cost against off, median (min, max)"
done
is "$(ls -A "$tmp/runs")" "" "the text run's files are removed too"

run "$VMFO" bench --frob
is "$rc" 2 "a bad bench argument: exit 2"
like "$out" "bench: unknown or bad argument '--frob'" "and named"
done_testing
