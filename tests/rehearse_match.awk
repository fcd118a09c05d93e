# rehearse_match.awk — does what a command printed match what the lesson
# shows? For tests/classroom.sh. The lines the doc shows are in the file
# -v want_file ("..." standing for any lines); the lines that appeared are
# the input. With -v mode=seen it asks only whether every line shown has
# appeared, in order (the command may still be printing); with mode=exact,
# whether the two are the same, line for line. Prints "match" or the first
# line that differs, and exits 0 or 1.
#
# Numbers that differ from run to run by nature (times, sequence numbers,
# hashes, heartbeat counts, the VMM's resident size) are compared as
# numbers, not by value; unit numbers, event numbers and sizes are kept,
# for they are what the lesson teaches.

function norm(s) {
	sub(/[ \t\r]+$/, "", s)
	# An app list row: its last two columns are seq and acked.
	if (s ~ /^[a-z][a-z0-9_.-]* +(ledger|kv|hog) +(vm[01]|-) /)
		sub(/[0-9]+ +[0-9]+$/, "N N", s)
	gsub(/hash=[0-9a-f]+/, "hash=H", s)
	gsub(/[0-9]+\.[0-9]+/, "N.N", s)
	gsub(/seq=[0-9]+/, "seq=N", s)
	gsub(/acked=[0-9]+/, "acked=N", s)
	gsub(/seq [0-9]+/, "seq N", s)
	gsub(/#[0-9]+/, "#N", s)
	gsub(/[0-9]+ open fds, [0-9]+ MB resident/, "N open fds, N MB resident", s)
	gsub(/run [0-9]+ ticks/, "run N ticks", s)
	gsub(/[0-9]+ requests/, "N requests", s)
	gsub(/"seq":[0-9]+/, "\"seq\":N", s)
	gsub(/[0-9][0-9][0-9][0-9]+/, "N", s)
	gsub(/[ \t]+/, " ", s)
	if (s ~ /^ ?\.\.\.$/) # "..." at any indent: any lines
		s = "..."
	return s
}

# ---- events whose order is not the lesson's to fix ----
# A resumed app checks the rest of its state on its own, so its
# app.verified can come before the failover.done the VMM emits once it saw
# app.resumed (on a busy host the VMM's thread may wait its turn). The doc
# shows the usual order: a run with the other is put in that order, its
# events renumbered as if they had come so, before it is compared.

function is_event(s) { return s ~ /^ *[0-9]+ +[+][0-9.]+ s  [a-z]/ }
function is_note(s) { return s ~ /^ +-> / } # explain's line under an event
function event_name(s,    t) {
	t = s
	sub(/^ *[0-9]+ +[+][0-9.]+ s  /, "", t)
	sub(/ .*/, "", t)
	return t
}
function fo_of(s) { return match(s, / fo=[0-9]+/) ? substr(s, RSTART + 4, RLENGTH - 4) : "" }
function number_of(s) { match(s, /[0-9]+/); return substr(s, RSTART, RLENGTH) + 0 }
function with_number(s, n,    w) {
	match(s, /^ *[0-9]+/)
	w = RLENGTH
	return sprintf("%" w "d", n) substr(s, w + 1)
}
function block_end(i) { for (i++; i <= ng && is_note(raw[i]); i++); return i }

# Moves the app.verified at line i below its takeover's failover.done, when
# that comes later among consecutive events.
function verified_last(i,    j, k, e, n, x, moved, c) {
	j = block_end(i)
	for (k = j; k <= ng; k++)
		if (is_event(raw[k]) && event_name(raw[k]) == "failover.done" && fo_of(raw[k]) == fo_of(raw[i]))
			break
	if (k > ng)
		return
	e = block_end(k)
	n = number_of(raw[i])
	for (x = j; x < e; x++)
		if (is_event(raw[x]) && number_of(raw[x]) != ++n)
			return # not one listing: leave it as it is
	c = 0
	for (x = j; x < e; x++)
		moved[++c] = raw[x]
	for (x = i; x < j; x++)
		moved[++c] = raw[x]
	n = number_of(raw[i])
	for (x = 1; x <= c; x++)
		raw[i + x - 1] = is_event(moved[x]) ? with_number(moved[x], n++) : moved[x]
}

# The two OSes boot side by side, so their os.ready events come in either
# order; the doc shows vm0's first.
function ready_in_order(i,    t) {
	if (i < ng && is_event(raw[i + 1]) && event_name(raw[i + 1]) == "os.ready" &&
	    number_of(raw[i + 1]) == number_of(raw[i]) + 1 && raw[i] ~ / vm=vm1 / && raw[i + 1] ~ / vm=vm0 /) {
		t = with_number(raw[i + 1], number_of(raw[i]))
		raw[i + 1] = with_number(raw[i], number_of(raw[i]) + 1)
		raw[i] = t
	}
}

BEGIN { while ((getline line < want_file) > 0) want[++nw] = norm(line) }
{ raw[++ng] = $0 }
END {
	for (i = 1; i <= ng; i++)
		if (is_event(raw[i]) && event_name(raw[i]) == "app.verified")
			verified_last(i)
		else if (is_event(raw[i]) && event_name(raw[i]) == "os.ready")
			ready_in_order(i)
	for (i = 1; i <= ng; i++)
		got[i] = norm(raw[i])
	judge()
}

# The shown lines from i on match the appeared lines from j on, "..."
# matching any number of lines (memoised: a lesson's block is short).
function fits(i, j,    k, r) {
	if ((i, j) in memo)
		return memo[i, j]
	if (i > nw)
		r = j > ng
	else if (want[i] == "...") {
		r = 0
		for (k = j; k <= ng + 1 && !r; k++)
			r = fits(i + 1, k)
	} else
		r = j <= ng && want[i] == got[j] && fits(i + 1, j + 1)
	memo[i, j] = r
	return r
}

# The first shown line that did not appear in order, or 0.
function first_unseen(    i, j) {
	j = 1
	for (i = 1; i <= nw; i++) {
		if (want[i] == "...")
			continue
		while (j <= ng && got[j] != want[i])
			j++
		if (j > ng)
			return i
		j++
	}
	return 0
}

function judge(    i) {
	if (mode == "seen") {
		i = first_unseen()
		if (!i) { print "match"; exit 0 }
		print "not yet: " want[i]
		exit 1
	}
	if (fits(1, 1)) { print "match"; exit 0 }
	i = first_unseen()
	if (i)
		print "the doc shows: " want[i] "\n  but no such line appeared (in that order)"
	else
		print "lines appeared that the doc does not show"
	exit 1
}
