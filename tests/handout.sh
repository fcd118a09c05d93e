#!/bin/sh
# handout.sh — vmfo trace FILE --handout OUT: a saved trace's failovers
# and claims 1-9 on one A4 page. Needs no KVM (VMFO_KVM_DEV points
# nowhere): the page's model for a fixed trace (its cells, and a line per
# claim naming the arrows that show it), the PDF as one page, each error
# with nothing left written.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
traces="${TOP_SRCDIR:-.}/tests/traces"
two="$traces/two_failovers.jsonl" # an app failover, then an OS failover (see chart.sh)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

offline() {
	run_without_kvm trace "$@"
}
# A claim's "where to look", from the dump's line "claim N drawn | words | where".
where() { # where DUMP N
	printf '%s\n' "$1" | sed -n "s/^claim $2 [a-z-]* | [^|]* | //p"
}
nothing_written() { # nothing_written DESCRIPTION
	leftovers=$(ls "$tmp" | grep -v '^keep\.' | tr '\n' ' ')
	is "$leftovers" "" "$1: nothing written"
}

# ---- the page of a fixed trace ----

offline "$two" --handout "$tmp/h.pdf" --dump
is "$rc" 0 "--handout --dump: exit 0, without KVM"
dump=$out
like "$dump" '^handout 595x842, 2 cells in 1 column, scale 0\.[0-9]+' "an A4 page, two cells, one scale"
is "$(printf '%s\n' "$dump" | sed -n 's/^cell \([0-9]\) \(fo=[0-9]*\) \(.*\) at .*/\1 \2 \3/p')" \
	"1 fo=1 app failover
2 fo=2 OS failover" "a cell per takeover: its fo and kind, in trace order"
like "$dump" "$(printf '\nsource Trace two_failovers.jsonl: 42 events over 0.403 s, 2 failovers')" \
	"where it came from"
like "$dump" "$(printf '\nleft out -\n')" "nothing left out"
is "$(printf '%s\n' "$dump" | grep -c '^claim [1-9] ')" 9 "a line for each claim"
is "$(where "$dump" 1)" "fo=1: vmm.detach, vmm.attach; fo=2: vmm.detach, vmm.attach; in the trace, not drawn: vmm.alloc (events 1-2)" \
	"claim 1: the moves, and the allocation at boot"
is "$(where "$dump" 2)" "fo=1: os.load, app.resumed; fo=2: os.load, app.resumed" "claim 2"
is "$(where "$dump" 3)" "fo=1: vmm.lookup; fo=2: vmm.lookup" "claim 3"
is "$(where "$dump" 4)" "fo=1: vmm.detach, vmm.attach, app.resumed; fo=2: vmm.detach, vmm.attach, app.resumed" "claim 4"
is "$(where "$dump" 5)" "fo=1: os.report; fo=2: os.report" "claim 5: the standby's report (this run asked for no storage)"
is "$(where "$dump" 6)" "fo=1: os.app_failure, vmm.disconnect_request, vmm.detach, vmm.attach, vmm.activate_request, os.app_alloc, os.report; fo=2: vmm.detach, vmm.attach, vmm.activate_request, os.app_alloc, os.report" "claim 6"
is "$(where "$dump" 7)" "fo=1: vmm.detach, vmm.attach, vmm.activate_request; fo=2: vmm.os_fault, vmm.detach, vmm.attach, vmm.activate_request" "claim 7"
is "$(where "$dump" 8)" "fo=1: vmm.activate_request; fo=2: vmm.no_takeover, vmm.activate_request" "claim 8: the refusal of cache"
is "$(where "$dump" 9)" "fo=1: app.fault, os.app_failure, vmm.lookup, vmm.disconnect_request, os.disconnected, vmm.attach_request, os.attached; fo=2: vmm.os_fault, vmm.lookup, vmm.attach_request, os.attached" "claim 9"

# The request for storage is outside every takeover: named from the trace.
# Two events more after the tenth, the later ones numbered on.
awk 'NR == 11 { print "{\"seq\":11,\"ev\":\"os.request\",\"vm\":\"vm0\",\"mb\":\"2\"}"
	print "{\"seq\":12,\"ev\":\"vmm.grant\",\"vm\":\"vm0\",\"units\":\"37\"}" }
	NR >= 11 { match($0, /"seq":[0-9]+/); $0 = substr($0, 1, RSTART + 5) (substr($0, RSTART + 6, RLENGTH - 6) + 2) substr($0, RSTART + RLENGTH) }
	{ print }' "$two" >"$tmp/keep.grow.jsonl"
offline "$tmp/keep.grow.jsonl" --handout "$tmp/g.svg" --dump
is "$(where "$out" 5)" "fo=1: os.report; fo=2: os.report; in the trace, not drawn: os.request → vmm.grant → os.report (events 11-13)" \
	"claim 5: a request and grant, with their event numbers"
rm -f "$tmp/g.svg"

# ---- the PDF: valid, one page ----

is "$(head -c 5 "$tmp/h.pdf")" "%PDF-" "the PDF starts as one does"
like "$(tail -c 10 "$tmp/h.pdf")" '%%EOF' "and ends as one does"
# cairo writes each page as an object "<< /Type /Page" (the tree: /Pages).
is "$(grep -a -c '/Type /Page\b' "$tmp/h.pdf")" 1 "exactly one page"
like "$(grep -a '/MediaBox' "$tmp/h.pdf" | head -n 1)" '/MediaBox \[ ?0 0 595 842 ?\]' "A4 portrait"
offline "$two" --handout "$tmp/h.png"
is "$rc" 0 "--handout OUT.png: exit 0"
is "$(od -An -tu1 -j 16 -N 8 "$tmp/h.png" | tr -s ' \n' ' ')" " 0 0 4 166 0 0 6 148 " \
	"1190x1684 pixels: two per point"
rm -f "$tmp"/h.*

# ---- errors: one line each, nothing written ----

echo "an older page" >"$tmp/keep.pdf"
offline "$traces/app_failover.jsonl" --handout "$tmp/keep.pdf"
is "$rc" 1 "a trace without a failover: exit 1"
is "$out" "vmfo: trace: no failover in the trace to put on the handout: no event has a takeover id (fo=N)" \
	"said in one line"
is "$(cat "$tmp/keep.pdf")" "an older page" "an existing file left as it was"
offline "$two" --handout "$tmp/no/such/dir/h.pdf"
is "$rc" 1 "an OUT that cannot be written: exit 1"
like "$out" "^vmfo: trace: cannot write '.*h\.pdf': No such file or directory$" "naming it and why"
mkdir "$tmp/ro" && chmod a-w "$tmp/ro"
if [ -w "$tmp/ro" ]; then # root writes anywhere
	tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP a read-only directory is writable here (root)"
else
	offline "$two" --handout "$tmp/ro/h.pdf"
	is "$rc$(ls "$tmp/ro")" 1 "a directory that cannot be written: exit 1, nothing in it"
fi
rmdir "$tmp/ro"
offline "$two" --handout "$tmp/h.txt"
is "$rc" 2 "--handout with a name of no known format: exit 2"
like "$out" "the format does not follow from its name" "said so"
offline "$two" --handout "$tmp/h.pdf" --fo 1
is "$rc" 2 "--fo with --handout: exit 2"
like "$out" "--fo does not go with --handout: the handout chooses the failovers it draws" "said why"
offline "$two" --handout "$tmp/h.pdf" --svg "$tmp/c.svg"
is "$rc" 2 "a handout and a chart at once: exit 2"
nothing_written "every error"
done_testing
