#!/bin/sh
# plot.sh — vmfo bench --plot DIR --from DOC.json: a saved bench document's
# figures (handover, steps, protection) as SVG, PDF and PNG, with no KVM
# (VMFO_KVM_DEV points nowhere) and no run. cairo sets text as glyphs in
# an SVG, so what each figure holds is checked on its model (--dump, the
# model the three files are drawn from) against the document's numbers;
# the files are checked as files of their format and size. Then every
# error: one line, its exit status, and nothing left written.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
doc="${TOP_SRCDIR:-.}/tests/bench/quick.json"
old="${TOP_SRCDIR:-.}/tests/bench/quick-move.json"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

plot() {
	run_without_kvm bench --plot "$@"
}

# The lines of one figure's model: from its "plot NAME" line to the next.
figure() { # figure DUMP NAME
	printf '%s\n' "$1" | awk -v n="$2" '$1 == "plot" { on = ($2 == n) } on'
}
count() { # count TEXT EXTENDED-REGEX
	printf '%s\n' "$1" | grep -Ec -- "$2"
}
# Nothing written: no file in tmp but the ones kept on purpose, and no
# part of one anywhere under it.
nothing_written() { # nothing_written DESCRIPTION
	leftovers=$(cd "$tmp" && find . -mindepth 1 | grep -v '^\./keep' | tr '\n' ' ')
	is "$leftovers" "" "$1: nothing written"
}

# ---- the sample document, plotted into a directory that is not there yet ----

out_dir="$tmp/figs/new"
plot "$out_dir" --from "$doc" --dump
is "$rc" 0 "--plot DIR --from DOC.json --dump: exit 0, without KVM"
dump=$out
files=$(cd "$out_dir" && ls | tr '\n' ' ')
is "$files" "handover.pdf handover.png handover.svg protection.pdf protection.png protection.svg steps.pdf steps.png steps.svg " \
	"DIR made, its parents too, and three figures in three formats in it"
for name in handover steps protection; do
	size=$(figure "$dump" $name | sed -n 's/^plot [a-z]* \([0-9]*\)x\([0-9]*\) .*/\1 \2/p')
	set -- $size
	xml_ok "$out_dir/$name.svg"
	case $? in
	0) ok 0 "$name.svg is well-formed XML" ;;
	2) tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP no XML parser (xmllint, python3) here" ;;
	*) ok 1 "$name.svg is well-formed XML" ;;
	esac
	like "$(head -c 400 "$out_dir/$name.svg")" "<svg [^>]*width=\"$1pt\" height=\"$2pt\"" \
		"$name.svg: as large as its model says ($1 x $2 pt)"
	is "$(head -c 5 "$out_dir/$name.pdf")" "%PDF-" "$name.pdf starts as a PDF does"
	like "$(tail -c 10 "$out_dir/$name.pdf")" '%%EOF' "and ends as one does"
	is "$(bytes "$out_dir/$name.png" 0 8)" "137 80 78 71 13 10 26 10" "$name.png: the PNG signature"
	is "$(png_size "$out_dir/$name.png")" "$(($1 * 2)) $(($2 * 2))" "two pixels per point of its model"
done
is "$(find "$tmp" -name '*.part-*' | wc -l)" 0 "no temporary file left"

# handover: a line per figure of the document, a point per size.
h=$(figure "$dump" handover)
like "$h" '^plot handover [0-9x]+ "Handing over storage moves its ownership; copying it is the baseline"$' "handover: its title"
like "$h" '^axis x log .* "storage moved \(MB\)"$' "x: storage moved, MB, log scale"
like "$h" '^axis y log .* "time \(ms\)"$' "y: time, ms, log scale"
is "$(printf '%s\n' "$h" | sed -n 's/^legend //p')" '"time to service (move)"
"detach + attach"
"copy into fresh memory"
"copy into touched memory"' "the legend names the four series"
sizes=$(grep -o '"mb":[0-9]*' "$doc" | wc -l)
for key in service_ms detach_attach_ms copy_fresh_ms copy_touched_ms; do
	is "$(count "$h" "^point $key ")" "$sizes" "$key: one point for each of the document's $sizes sizes"
done
like "$h" '^point copy_fresh_ms x=64 min=38.967 median=38.967 max=38.967 ' "the document's own numbers"
xs=$(printf '%s\n' "$h" | sed -n 's/^point service_ms .* at=\([0-9]*\),.*/\1/p' | tr '\n' ' ')
is "$(printf '%s\n' $xs | sort -n | tr '\n' ' ')" "$xs" "larger sizes further right"

# steps: a bar per fault kind, a segment per step, the hang's detection cut.
s=$(figure "$dump" steps)
is "$(printf '%s\n' "$s" | sed -n 's/^bar \("[^"]*"\) total=\([0-9.]*\) .*/\1 \2/p')" '"os panic" 2.969
"os hang" 34.884
"os triple" 3.028
"app crash" 1.92' "a bar per fault kind, in the document's order, its total the sum of the step medians"
is "$(printf '%s\n' "$s" | sed -n 's/^legend //p' | tr '\n' ' ')" \
	'"detect" "lookup" "disconnect" "detach" "attach" "engage" "load" "resumed" ' "the legend names each step, as the document does"
is "$(count "$s" '^segment "os hang" ')" 8 "the hang's bar: a segment per step"
like "$s" '^segment "os hang" engage start=32.427 ms=0.744$' "stacked: engage starts where the steps before it end"
like "$s" '^axis x linear 0\.\.35 broken=4\.\.31 ' "the axis is broken between the short bars and the hang's"
like "$s" '^note "The axis is broken from 4 to 31 ms \(the same scale either side\)' "and the figure says so"
like "$s" '^note "os hang: detect took 31.799 ms; it cannot be under 30 ms \(miss x heartbeat\)"$' \
	"with the detection time printed, and its bound"
like "$s" '^note "vmfo 0.1.0 bench on Linux .*, 1 run a figure; from quick.json"$' "and which run it shows"

# protection: median bars with whiskers about a zero line.
p=$(figure "$dump" protection)
is "$(printf '%s\n' "$p" | sed -n 's/^bar \("[^"]*"\) min=\([^ ]*\) median=\([^ ]*\) max=\([^ ]*\) .*/\1 \2 \3 \4/p')" \
	'"off" 0 0 0
"every 10 ms" -7.0229 -2.15826 2.70639
"every 1 ms" -6.09823 -2.6471 0.804033' "a bar per heartbeat setting: min, median, max cost in percent"
like "$p" '"cost against off \(%\)"$' "y: the cost against off, in percent"
zero=$(printf '%s\n' "$p" | sed -n 's/^zero at=//p')
ok "$([ -n "$zero" ] && [ "$zero" -gt 60 ] && [ "$zero" -lt 380 ] && echo 0 || echo 1)" "the zero line inside the plot"

# Plotting again replaces the files whole.
plot "$out_dir" --from "$doc"
is "$rc$out" 0 "plotting into the same DIR again: exit 0, nothing said"
rm -rf "$tmp/figs"

run_without_kvm bench --help
is "$rc" 0 "bench --help: exit 0, nothing run"
like "$out" '^       vmfo bench --plot DIR --from DOC.json \[--dump\]$' "the usage says how --plot and --from go"

# ---- errors: one line each, their exit status, nothing written ----

plot "$tmp/x" --from "$old"
is "$rc" 2 "a document from before the cost in percent: exit 2"
is "$out" "vmfo: bench: quick-move.json has no protection figure: protection[heartbeat 1 ms] has no cost_pct {min, median, max}" \
	"naming the figure it lacks"
nothing_written "a document lacking a figure (not even DIR)"
sed 's/"handover":\[[^]]*\]/"handover":[]/' "$doc" >"$tmp/keep.nohandover.json"
plot "$tmp/x" --from "$tmp/keep.nohandover.json"
is "$rc" 2 "a document with no handover: exit 2"
is "$out" 'vmfo: bench: keep.nohandover.json has no handover figure: its "handover" list is missing or empty' "said in one line"
nothing_written "no handover"
plot "$tmp/x" --from "$tmp/nosuch.json"
is "$rc" 2 "a missing document: exit 2"
is "$out" "vmfo: bench: cannot read $tmp/nosuch.json: No such file or directory" "naming it"
echo '{"vmfo": ' >"$tmp/keep.cut.json"
plot "$tmp/x" --from "$tmp/keep.cut.json"
is "$rc" 2 "a document cut short: exit 2"
like "$out" "^vmfo: bench: cannot read $tmp/keep.cut.json: .*\\(line 2\\)$" "with the line"
echo '{"a": 1}' >"$tmp/keep.other.json"
plot "$tmp/x" --from "$tmp/keep.other.json"
is "$rc" 2 "JSON that is no bench document: exit 2"
is "$out" "vmfo: bench: $tmp/keep.other.json is not a vmfo bench document (made by 'vmfo bench --json')" "said so"
nothing_written "bad documents"

run_without_kvm bench --from "$doc"
is "$rc" 2 "--from without --plot: exit 2"
is "$out" "vmfo: bench: --from DOC.json goes with --plot DIR (it names the document to plot)" "said so"
run_without_kvm bench --plot "$tmp/x" --dump
is "$rc" 2 "--dump without --from: exit 2"
is "$out" "vmfo: bench: --dump goes with --plot DIR --from DOC.json" "said so"
plot "$tmp/x" --from "$doc" --json
is "$rc" 2 "--from with --json: exit 2"
is "$out" "vmfo: bench: --plot DIR --from DOC.json runs nothing: --json, --quick, --runs and --compare do not go with it" \
	"said so"
run_without_kvm bench --plot
is "$rc" 2 "--plot without DIR: exit 2"
like "$out" "^vmfo: bench: unknown or bad argument '--plot' \\(.*--plot DIR \\[--from DOC.json \\[--dump\\]\\]\\)$" \
	"the message lists the options"
nothing_written "usage errors"

echo "not a directory" >"$tmp/keep.file"
plot "$tmp/keep.file/sub" --from "$doc"
is "$rc" 1 "DIR under a file: exit 1"
is "$out" "vmfo: bench: cannot create directory '$tmp/keep.file': something not a directory is there" "said in one line"
plot "$tmp/keep.file" --from "$doc"
is "$rc" 1 "DIR a file: exit 1"
run_without_kvm bench --plot "$tmp/keep.file"
is "$rc" 1 "with a run, a DIR that cannot be made: exit 1, before anything runs (no KVM needed)"
is "$out" "vmfo: bench: cannot create directory '$tmp/keep.file': something not a directory is there" "said the same way"
nothing_written "a DIR that cannot be made"

# A figure that cannot be written: nothing half written, the ones before
# it whole.
mkdir -p "$tmp/keep.dir/handover.pdf"
plot "$tmp/keep.dir" --from "$doc"
is "$rc" 1 "a file that cannot be written: exit 1"
is "$out" "vmfo: bench: plot: cannot write '$tmp/keep.dir/handover.pdf': Is a directory" "naming it and why"
is "$(ls "$tmp/keep.dir" | tr '\n' ' ')" "handover.pdf handover.svg " "the SVG before it written whole, nothing after"
xml_ok "$tmp/keep.dir/handover.svg"
ok $(($? == 1)) "and the SVG is whole"
is "$(find "$tmp" -name '*.part-*' | wc -l)" 0 "no temporary file left"
done_testing
