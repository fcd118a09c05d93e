# lib.sh — TAP helpers for vmfo's shell tests. Source it; $VMFO is the binary.
: "${VMFO:?VMFO must name the vmfo binary (make check sets it)}"
tap_n=0
tap_failed=0

ok() { # ok STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

is() { # is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"
		printf '%s\n' "$1" | sed 's/^/#   got:  /'
		printf '%s\n' "$2" | sed 's/^/#   want: /'
	fi
}

like() { # like TEXT EXTENDED-REGEX DESCRIPTION
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
		ok 1 "$3"
		printf '%s\n' "$1" | head -n 30 | sed 's/^/#   text: /'
		echo "#   does not match: $2"
	fi
}

unlike() { # unlike TEXT EXTENDED-REGEX DESCRIPTION
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf '%s\n' "$1" | grep -E -- "$2" | head -n 5 | sed 's/^/#   matched: /'
	else ok 0 "$3"; fi
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# Skip the whole file (TAP plan 1..0) when vmfo cannot use /dev/kvm here.
need_kvm() {
	local msg
	msg=$("$VMFO" -c '' 2>&1)
	if [ $? -eq 3 ]; then
		echo "1..0 # SKIP no usable KVM: $msg"
		exit 0
	fi
}

# ---- figure files (charts, plots, the handout) ----

# Whether a file is well-formed XML, by whichever parser is here; 2 when
# there is none (the check is skipped then).
xml_ok() {
	if command -v xmllint >/dev/null 2>&1; then
		xmllint --noout "$1" 2>/dev/null
	elif command -v python3 >/dev/null 2>&1; then
		python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$1" \
			2>/dev/null
	else
		return 2
	fi
}
# Bytes of a file from an offset, as unsigned numbers on one line.
bytes() { # bytes FILE OFFSET COUNT
	od -An -tu1 -j "$2" -N "$3" "$1" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'
}
# A PNG's width and height from its IHDR chunk: "W H".
png_size() {
	set -- $(bytes "$1" 16 8)
	echo "$(($1 * 16777216 + $2 * 65536 + $3 * 256 + $4)) $(($5 * 16777216 + $6 * 65536 + $7 * 256 + $8))"
}

# run ARGS...: sets $out (stdout+stderr) and $rc.
run() {
	out=$("$@" 2>&1)
	rc=$?
}

# run_without_kvm ARGS...: run vmfo ARGS as run does, where /dev/kvm
# cannot be opened (VMFO_KVM_DEV points nowhere): for the modes that read
# only files (check, trace, bench --compare) and must not need it.
run_without_kvm() {
	run env VMFO_KVM_DEV=/nonexistent/kvm "$VMFO" "$@"
}

# Only the lines of a field: the nth whitespace-separated column of lines
# starting with a word.
row() { # row TEXT FIRSTWORD
	printf '%s\n' "$1" | awk -v w="$2" '$1 == w'
}

# The events in `trace` output, one per line as "name field=value ...", with
# the varying numbers (seq, hash, ms, heartbeat-driven seqs) made constant.
events() { # events TEXT
	# Only the full trace listing (it starts at seq 1), not lines that
	# 'wait' printed earlier.
	printf '%s\n' "$1" | sed -n '/^ *1 *+[0-9.]* s  /,$p' |
		sed -n 's/^ *[0-9][0-9]* *+[0-9.]* s  \([a-z_.]*\) *\(.*\)$/\1 \2/p' |
		sed 's/  \[claim [0-9,]*\]$//; s/ *$//; s/seq=[0-9]*/seq=N/; s/hash=[0-9a-f]*/hash=H/; s/ms=[0-9.]*/ms=T/; s/acked=[0-9]*/acked=N/; s/ fo=[0-9]*//'
}

# Only the events from the first one called $2 on.
events_from() { # events_from TEXT NAME
	events "$1" | sed -n "/^$2 /,\$p"
}

# The same, less app.verified: a resumed app's full check of its state ends
# when it ends, before or after failover.done, so an exact takeover sequence
# leaves it out (tests/verify.sh checks where it comes).
takeover_events() { # takeover_events TEXT NAME
	events_from "$1" "$2" | grep -v '^app\.verified '
}

# For tests that drive the console in tmux: wait until the test's own
# screen() shows an extended regex, at most 60 s (a busy host may be slow;
# the tests check what is shown, not how fast); print the screen. Returns 1
# if it never showed.
until_shown() { # until_shown REGEX
	_tries=0
	while [ $_tries -lt 600 ]; do
		_screen=$(screen)
		if printf '%s\n' "$_screen" | grep -Eq -- "$1"; then
			printf '%s\n' "$_screen"
			return 0
		fi
		sleep 0.1
		_tries=$((_tries + 1))
	done
	# Say so: a pattern that never matches costs a minute and hides
	# nothing else, so it would go unnoticed.
	echo "# until_shown: '$1' did not appear within 60 s" >&2
	printf '%s\n' "$_screen"
	return 1
}
