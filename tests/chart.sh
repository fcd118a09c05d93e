#!/bin/sh
# chart.sh — vmfo trace FILE --svg|--pdf|--png OUT: a saved trace's
# failovers as a message sequence chart. The first part needs no KVM
# (VMFO_KVM_DEV points nowhere): the chart's model for a fixed trace, line
# by line; each format's file; every error, with nothing written. The
# second draws a real run from the console (trace save --svg) and checks
# it is the chart 'vmfo trace' draws from the same run's saved trace.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
traces="${TOP_SRCDIR:-.}/tests/traces"
# Recorded with vmfo --trace two_failovers.jsonl -c 'boot; app start db 8 hot;
# app start cache 4 prog=kv; app start web 4 prog=kv hot; sleep 100;
# fault app db crash; wait failover.done; sleep 100; fault os panic;
# wait failover.done; sleep 100'
two="$traces/two_failovers.jsonl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

offline() {
	run_without_kvm trace "$@"
}
# The model without its coordinates: who sends what to whom, in order.
shape() {
	printf '%s\n' "$1" | sed 's/^chart [0-9]*x[0-9]*, /chart /; s/ x=[0-9]*//; s/ y=[0-9]*$//'
}
# Nothing written: no file at OUT and no part of one left beside it.
nothing_written() { # nothing_written DESCRIPTION
	leftovers=$(ls "$tmp" | grep -v '^keep\.' | tr '\n' ' ')
	is "$leftovers" "" "$1: nothing written"
}

# ---- the model of a fixed trace: an app failover, then an OS failover ----

offline "$two" --dump
is "$rc" 0 "--dump: exit 0, without KVM"
dump=$out
is "$(shape "$dump")" "chart 2 failovers, 6 lifelines, 29 arrows
title 2 failovers: fo=1 app failover, fo=2 OS failover
lifeline vm0 active OS
lifeline VMM
lifeline vm1 standby OS
lifeline db hot app
lifeline cache app
lifeline web hot app
section 1-16 fo=1: app failover, db on vm0 (crash), done in 7.931 ms
arrow 1 db->vm0 app.fault claims=9 units=- seq=14 at=+0.000ms
arrow 2 vm0->VMM os.app_failure claims=6,9 units=- seq=15 at=+0.167ms
arrow 3 VMM->VMM vmm.lookup claims=3,9 units=2-5 seq=16 at=+0.225ms
arrow 4 VMM->vm0 vmm.disconnect_request claims=6,9 units=2-5 seq=17 at=+0.229ms
arrow 5 vm0->VMM os.disconnected claims=9 units=2-5 seq=18 at=+0.903ms
arrow 6 VMM->vm0 vmm.detach claims=1,4,6,7 units=2-5 seq=19 at=+1.397ms
arrow 7 VMM->vm1 vmm.attach claims=1,4,6,7 units=2-5 seq=20 at=+1.503ms
arrow 8 VMM->vm1 vmm.attach_request claims=9 units=2-5 seq=21 at=+1.564ms
arrow 9 vm1->VMM os.attached claims=9 units=2-5 seq=22 at=+1.859ms
arrow 10 VMM->vm1 vmm.activate_request claims=6,7,8 units=- seq=23 at=+1.879ms
arrow 11 vm1->db os.load claims=2 units=- seq=24 at=+2.228ms
arrow 12 vm1->db os.app_alloc claims=6 units=2-5 seq=25 at=+4.012ms
arrow 13 vm1->VMM os.report claims=5,6 units=2-5 seq=26 at=+4.098ms
arrow 14 db->vm1 app.resumed claims=2,4 units=- seq=27 at=+4.706ms
arrow 15 VMM->VMM failover.done claims=- units=- seq=28 at=+8.101ms
arrow 16 db->vm1 app.verified claims=- units=- seq=29 at=+11.910ms
section 17-29 fo=2: OS failover, vm0 (panic), done in 37.060 ms
arrow 17 vm0->VMM vmm.os_fault claims=7,9 units=- seq=30 at=+0.000ms
arrow 18 VMM->VMM vmm.lookup claims=3,9 units=1,6-32 seq=31 at=+0.634ms
arrow 19 VMM->vm0 vmm.detach claims=1,4,6,7 units=1,6-32 seq=32 at=+0.838ms
arrow 20 VMM->vm1 vmm.attach claims=1,4,6,7 units=1,6-32 seq=33 at=+0.968ms
arrow 21 VMM->vm1 vmm.attach_request claims=9 units=1,6-32 seq=34 at=+0.973ms
arrow 22 vm1->VMM os.attached claims=9 units=1,6-32 seq=35 at=+1.912ms
arrow 23 VMM->cache vmm.no_takeover claims=8 units=- seq=36 at=+1.929ms
arrow 24 VMM->vm1 vmm.activate_request claims=6,7,8 units=- seq=37 at=+1.942ms
arrow 25 vm1->web os.load claims=2 units=- seq=38 at=+2.942ms
arrow 26 vm1->web os.app_alloc claims=6 units=8-9 seq=39 at=+3.041ms
arrow 27 vm1->VMM os.report claims=5,6 units=8-9 seq=40 at=+3.105ms
arrow 28 web->vm1 app.resumed claims=2,4 units=- seq=41 at=+36.958ms
arrow 29 VMM->VMM failover.done claims=- units=- seq=42 at=+37.065ms" \
	"every lifeline, then exactly one arrow per takeover step and its detection, in order"
xs=$(printf '%s\n' "$dump" | sed -n 's/^lifeline .* x=\([0-9]*\).*/\1/p' | tr '\n' ' ')
is "$(printf '%s\n' $xs | sort -n | tr '\n' ' ')" "$xs" "lifelines from left to right"
ys=$(printf '%s\n' "$dump" | sed -n 's/^arrow .* y=\([0-9]*\)$/\1/p')
is "$(printf '%s\n' "$ys" | sort -n -u)" "$ys" "one row per arrow, top to bottom"

offline "$two" --dump --fo 2
is "$(shape "$out" | sed -n '1p; /^section/p')" "chart 1 failover, 5 lifelines, 13 arrows
section 1-13 fo=2: OS failover, vm0 (panic), done in 37.060 ms" "--fo 2: that takeover alone"
unlike "$out" '^lifeline db' "and the lifelines it needs: db took no part"

offline "$two" --dump --to-scale --fo 1
ys=$(printf '%s\n' "$out" | sed -n 's/^arrow .* y=\([0-9]*\)$/\1/p')
is "$(printf '%s\n' "$ys" | sort -n -u)" "$ys" "--to-scale: rows top to bottom too"
is "$(shape "$out" | grep '^arrow' | wc -l)" 16 "the same arrows"

# ---- the three formats ----

size=$(printf '%s\n' "$dump" | sed -n 's/^chart \([0-9]*\)x\([0-9]*\),.*/\1 \2/p')
offline "$two" --svg "$tmp/c.svg"
is "$rc$out" 0 "--svg: exit 0, nothing said"
xml_ok "$tmp/c.svg"
case $? in
0) ok 0 "the SVG is well-formed XML" ;;
2) tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP no XML parser (xmllint, python3) here" ;;
*) ok 1 "the SVG is well-formed XML" ;;
esac
set -- $size
like "$(head -c 400 "$tmp/c.svg")" "<svg [^>]*width=\"$1pt\" height=\"$2pt\"" "as large as the model says"

offline "$two" --pdf "$tmp/c.pdf"
is "$rc" 0 "--pdf: exit 0"
is "$(head -c 5 "$tmp/c.pdf")" "%PDF-" "the PDF starts as one does"
ok "$([ "$(wc -c <"$tmp/c.pdf")" -gt 1000 ] && echo 0 || echo 1)" "and holds more than a header"
like "$(tail -c 10 "$tmp/c.pdf")" '%%EOF' "and ends as one does"

offline "$two" --png "$tmp/c.png"
is "$rc" 0 "--png: exit 0"
is "$(bytes "$tmp/c.png" 0 8)" "137 80 78 71 13 10 26 10" "the PNG signature"
is "$(png_size "$tmp/c.png")" "$(($1 * 2)) $(($2 * 2))" "two pixels per point of the model"

offline "$two" -o "$tmp/by-name.PDF" --fo 1
is "$(head -c 5 "$tmp/by-name.PDF")" "%PDF-" "-o OUT: the format follows the name"
rm -f "$tmp"/c.* "$tmp"/by-name.*

# ---- errors: one line each, nothing written ----

echo "an older chart" >"$tmp/keep.svg"
offline "$tmp/missing.jsonl" --svg "$tmp/x.svg"
is "$rc" 2 "a missing trace file: exit 2"
like "$out" "^vmfo: cannot read trace file '.*missing\.jsonl': No such file" "and why"
is "$(printf '%s\n' "$out" | wc -l)" 1 "in one line"
nothing_written "a missing trace file"
offline "$traces/malformed.jsonl" --svg "$tmp/x.svg"
is "$rc" 2 "a malformed line: exit 2"
like "$out" '^vmfo: .*malformed\.jsonl:3: not a JSON object' "named by file and line"
nothing_written "a malformed line"
offline "$two" --svg "$tmp/x.svg" --frob
is "$rc" 2 "an unknown option: exit 2"
like "$out" "^vmfo: trace: unknown option '--frob' \\(usage: vmfo trace FILE" "with the usage"
nothing_written "an unknown option"
offline "$traces/app_failover.jsonl" --svg "$tmp/x.svg"
is "$rc" 1 "a trace without takeover ids: exit 1"
is "$out" "vmfo: trace: no failover in the trace: no event has a takeover id (fo=N); a trace from before takeover ids cannot be drawn" \
	"no failover: said in one line"
nothing_written "no failover"
offline "$traces/empty.jsonl" --png "$tmp/x.png"
is "$rc" 1 "an empty trace: exit 1"
offline "$two" --svg "$tmp/keep.svg" --fo 7
is "$rc" 1 "--fo 7: exit 1"
is "$out" "vmfo: trace: no failover fo=7 in the trace (it has fo=1 to fo=2)" "naming the ones there are"
is "$(cat "$tmp/keep.svg")" "an older chart" "an existing file is left as it was"
nothing_written "--fo 7"
offline "$two" --fo x --svg "$tmp/x.svg"
is "$rc" 2 "--fo x: exit 2"
like "$out" "--fo 'x': expected a takeover id" "saying what it wants"
offline "$two"
is "$rc" 2 "no OUT: exit 2"
like "$out" "nothing to draw into: give --svg OUT, --pdf OUT, --png OUT, --handout OUT or --dump" "and what to give"
offline "$two" --svg
is "$rc" 2 "--svg without a file: exit 2"
like "$out" "--svg needs the file to write" "said so"
offline --svg "$tmp/x.svg"
is "$rc" 2 "no trace FILE: exit 2"
offline "$two" -o "$tmp/x.txt"
is "$rc" 2 "-o with a name of no known format: exit 2"
like "$out" "the format does not follow from its name" "said so"
offline "$two" --svg "$tmp/no/such/dir/x.svg"
is "$rc" 1 "a file that cannot be written: exit 1"
like "$out" "^vmfo: trace: cannot write '.*x\.svg': No such file or directory$" "naming it and why"
run "$VMFO" -c status trace "$two" --svg "$tmp/x.svg"
is "$rc" 2 "-c does not go with trace FILE"
nothing_written "every usage error"

# ---- from the console, on a real run ----

msg=$("$VMFO" -c '' 2>&1)
if [ $? -eq 3 ]; then
	for i in 1 2 3 4 5 6 7 8; do
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP no usable KVM: $msg"
	done
	done_testing
	exit
fi

cd "$tmp" || exit 1
run "$VMFO" -c "trace save --svg early.svg; boot; app start db 8 hot; sleep 100; fault app db crash;
	wait failover.done; wait app.verified; trace save --svg live.svg; trace save --pdf live.pdf --fo 1;
	trace save --png live.png --to-scale; trace save live.jsonl; trace save --svg; trace save --gif x"
is "$rc" 1 "the console: the runs that fail make the exit status 1"
like "$out" "^error: trace save: no failover in the trace" "before any failover: nothing to draw"
like "$out" "^error: trace save: --svg needs the file to write" "trace save --svg alone: said so"
like "$out" "^error: trace save: unknown option '--gif'" "an unknown format: said so"
is "$(ls | tr '\n' ' ')" "keep.svg live.jsonl live.pdf live.png live.svg " "those wrote nothing"
"$VMFO" trace live.jsonl --svg saved.svg
cmp -s live.svg saved.svg
ok $? "trace save --svg draws what vmfo trace draws from the run's saved trace"
is "$(head -c 5 live.pdf)" "%PDF-" "trace save --pdf: a PDF"
is "$(bytes live.png 0 8)" "137 80 78 71 13 10 26 10" "trace save --png: a PNG"
done_testing
