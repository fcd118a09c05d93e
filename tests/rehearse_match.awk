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
	gsub(/[0-9][0-9][0-9][0-9]+/, "N", s)
	gsub(/[ \t]+/, " ", s)
	return s
}

BEGIN { while ((getline line < want_file) > 0) want[++nw] = norm(line) }
{ got[++ng] = norm($0) }

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

END {
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
