# rehearse.awk — turns a Markdown lesson (docs/classroom.md) into the
# script that tests/classroom.sh rehearses, one record per line:
#
#   T title        a section heading: names the tests that follow
#   N              a new console session starts (the block's "$ ./scripts/vmfo")
#   P command      a console session prepared by hidden commands (see below)
#   C command      a line typed at the vmfo> prompt ("C" alone: Enter)
#   S command      a shell command ("$ ..." outside the console)
#   E line         a line the doc says appears, "..." for any lines
#   W file         the next block is written to this file ...
#   L line         ... a line of it
#   K keys         keys to press in the view the last C opened
#   X              end of a block
#
# What is run is what a reader sees. A block of a console session starts
# with "vmfo>" or "$ "; the lines after a command are what it prints. A
# block whose first line names a file ("-- nothot.lua: ...", "# lesson.vmfo:
# ...") is saved under that name, as the reader is told to. An HTML comment,
# which a reader does not see, says what the page cannot:
#
#   <!-- rehearse: skip: REASON -->      the next block is not run
#   <!-- rehearse: session: CMD; ... --> the next block runs in a fresh
#                                         session after these commands
#   <!-- rehearse: view: KEYS -->        keys pressed in the view opened
#                                         by the block above ("q" last)

function emit(kind, text) { print kind (text == "" ? "" : " " text) }

# The block's lines arrive without their fence's indent or a quote's "> ".
function unquote(line) {
	if (in_quote)
		sub(/^> ?/, "", line)
	return substr(line, indent + 1)
}

function start_block(line) {
	in_block = 1
	first = 1
	is_file = 0
	skip = pending_skip
	pending_skip = 0
	lang = line
	sub(/^[ >]*```/, "", lang)
}

function block_line(line,    name) {
	if (skip)
		return
	if (first) {
		first = 0
		name = ""
		if (match(line, /^(-- |# )[A-Za-z0-9_.-]+\.(lua|vmfo):/)) {
			name = substr(line, 1, RLENGTH - 1)
			sub(/^(-- |# )/, "", name)
			is_file = 1
			emit("W", name)
		} else if (lang != "" && lang != "console") {
			skip = 1 # code a reader studies, not runs
			return
		} else if (line !~ /^(vmfo>|\$ )/) {
			skip = 1 # output shown on its own (a screen): nothing to type
			return
		}
		if (pending_session != "") {
			emit("P", pending_session)
			pending_session = ""
		}
	}
	if (is_file) {
		emit("L", line)
		return
	}
	if (line ~ /^\$ \.\/scripts\/vmfo *$/)
		emit("N", "")
	else if (line ~ /^vmfo>/) {
		sub(/^vmfo> ?/, "", line)
		emit("C", line)
	} else if (line ~ /^\$ /)
		emit("S", substr(line, 3))
	else
		emit("E", line)
}

/^#+ / && !in_block {
	title = $0
	sub(/^#+ /, "", title)
	emit("T", title)
	next
}

/^[ >]*<!-- rehearse: / {
	d = $0
	sub(/^[ >]*<!-- rehearse: /, "", d)
	sub(/ *-->$/, "", d)
	if (d ~ /^skip:/)
		pending_skip = 1
	else if (d ~ /^session:/) {
		sub(/^session: */, "", d)
		pending_session = d
	} else if (d ~ /^view:/) {
		sub(/^view: */, "", d)
		emit("K", d)
	} else {
		print "rehearse.awk: line " NR ": unknown directive: " d > "/dev/stderr"
		bad = 1
	}
	next
}

!in_block && /^[ >]*```/ {
	in_quote = $0 ~ /^>/
	line = $0
	if (in_quote)
		sub(/^> ?/, "", line)
	match(line, /^ */)
	indent = RLENGTH
	start_block($0)
	next
}

in_block && /^[ >]*```[ ]*$/ {
	in_block = 0
	if (!skip)
		emit("X", "")
	next
}

in_block { block_line(unquote($0)) }

END { exit bad }
