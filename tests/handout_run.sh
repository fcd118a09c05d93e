#!/bin/sh
# handout_run.sh — scripts/handout for real: its commands run on the two
# guests, pass 'check' (every claim PASS or NOT SHOWN), and the page comes
# out as a one-page PDF. Needs KVM; waits for events, never for a time.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run "${TOP_SRCDIR:-.}/scripts/handout" "$tmp/h.pdf"
is "$rc" 0 "scripts/handout: exit 0 (the run, its check, the drawing)"
like "$out" "vmfo: handout: .*h\.pdf" "says where the page went"
is "$(head -c 5 "$tmp/h.pdf" 2>/dev/null)" "%PDF-" "a PDF"
is "$(grep -a -c '/Type /Page\b' "$tmp/h.pdf" 2>/dev/null)" 1 "of one page"
done_testing
