#!/bin/sh
# classroom.sh — docs/classroom.md rehearsed as written. Every console
# block of the lesson is typed into the real vmfo at a terminal (tmux),
# every shell block is run, and what appears is compared with what the doc
# shows, line by line (tests/rehearse_match.awk says which numbers may
# differ). The doc is cut into a script by tests/rehearse.awk. A test per
# command: a teacher who follows the page sees what the page says.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
top=${TOP_SRCDIR:-.}
doc=$top/docs/classroom.md
sock=
sessions=0
work=$(mktemp -d)
script=$work/.script
want=$work/.want
got=$work/.got
# How long to wait for a command's lines, in tenths of a second: three
# minutes, for the host may be busy and vmfo under a sanitizer (the
# read-back of 'client stop' is the longest); nothing here is timed. Less
# only to try out a change to the doc, where a line that never comes costs
# the whole wait.
wait_tenths=${VMFO_REHEARSE_WAIT:-1800}
t() { tmux -L "$sock" "$@"; }
trap '[ -n "$sock" ] && t kill-server 2>/dev/null; rm -rf "$work"' EXIT
# The lesson's files (its scenarios, the files it saves) live in the
# directory the console starts in, as they would for a teacher.
ln -s "$top/scenarios" "$work/scenarios"

if ! awk -f "$top/tests/rehearse.awk" "$doc" > "$script"; then
	ok 1 "$doc cut into a script (see the error above)"
	done_testing
	exit 1
fi

# ---- a console session in tmux, wide enough that no line is wrapped ----

session=0   # a console is running
prompts=0   # commands typed into it so far

# Each session on a tmux server of its own: the one before is killed (its
# vmfo ends on the hang-up) and left to go in its own time.
start_session() {
	[ -n "$sock" ] && t kill-server 2>/dev/null
	sessions=$((sessions + 1))
	sock="vmfo-lesson-$$-$sessions"
	t -f /dev/null start-server \; set -g history-limit 100000 \; \
		new-session -d -s v -c "$work" -x 250 -y 50 \
		"env VMFO_HISTFILE= TERM=xterm '$VMFO'"
	session=1
	prompts=0
}

# Everything the console has printed since it started.
transcript() { t capture-pane -t v -p -J -S - | sed 's/[[:space:]]*$//'; }

# The lines printed after the Nth command's prompt line, and whether the
# console is back at a prompt after them.
chunk_of() { # chunk_of N
	transcript | awk -v n="$1" '
		/^vmfo>( |$)/ { p++; if (p == n + 1) { back = 1; exit } ; next }
		p == n { print }
		END { if (!back) print "@@running" }'
}

type_line() { # type_line TEXT: typed, then Enter
	[ -n "$1" ] && t send-keys -t v -l -- "$1"
	t send-keys -t v Enter
	prompts=$((prompts + 1))
}

# Wait (at most wait_tenths: the host may be busy; nothing is timed) until
# the command is back at the prompt and has printed every line the doc
# shows; then judge what it printed against them.
judge_command() { # judge_command NAME
	tries=0
	while [ $tries -lt $wait_tenths ]; do
		chunk_of "$prompts" > "$got"
		if ! grep -q '^@@running$' "$got" &&
			awk -v mode=seen -v want_file="$want" -f "$top/tests/rehearse_match.awk" "$got" >/dev/null; then
			break
		fi
		sleep 0.1
		tries=$((tries + 1))
	done
	sed -i '/^@@running$/d' "$got"
	judge "$1"
}

judge() { # judge NAME: $got against $want
	verdict=$(awk -v mode=exact -v want_file="$want" -f "$top/tests/rehearse_match.awk" "$got")
	if [ "$verdict" = match ]; then
		ok 0 "$1"
	else
		ok 1 "$1"
		echo "$verdict" | sed 's/^/#   /'
		sed 's/^/#   doc: /' "$want"
		sed 's/^/#   got: /' "$got"
	fi
}

# The view takes the screen until q: press the keys the doc's directive
# names ("until:TEXT" waits for TEXT on the screen), then q.
drive_view() { # drive_view KEYS
	until_screen ' vmfo view '
	for k in $1; do
		case $k in
		until:*) until_screen "${k#until:}" ;;
		*) t send-keys -t v "$k" ;;
		esac
	done
	t send-keys -t v q
}

until_screen() { # until_screen TEXT
	tries=0
	until t capture-pane -t v -p | grep -Fq -- "$1"; do
		tries=$((tries + 1))
		if [ $tries -ge $wait_tenths ]; then
			echo "# '$1' did not show in the view in time"
			return 1
		fi
		sleep 0.1
	done
}

# ---- the script ----

pending=    # the command typed, or run, whose output is being collected
kind=
title=
view_keys=

finish() {
	case $kind in
	console)
		[ "$pending" = view ] && drive_view "$view_keys" && view_keys=
		judge_command "$title: vmfo> $pending" ;;
	shell)
		(cd "$work" && sh -c "$pending" < /dev/null > "$got" 2>&1)
		judge "$title: \$ $pending" ;;
	esac
	kind=
	: > "$want"
}

# A prepared session: its commands are typed and waited for, not judged.
prepare() { # prepare "CMD; CMD; ..."
	start_session
	until_screen 'vmfo>'
	echo "$1" | tr ';' '\n' | while IFS= read -r c; do
		c=$(echo "$c" | sed 's/^ *//; s/ *$//')
		[ -n "$c" ] || continue
		n=$(transcript | grep -c '^vmfo>')
		t send-keys -t v -l -- "$c"
		t send-keys -t v Enter
		tries=0
		until [ "$(transcript | grep -c '^vmfo>')" -gt "$n" ] || [ $tries -ge $wait_tenths ]; do
			sleep 0.1
			tries=$((tries + 1))
		done
	done
	prompts=$(transcript | grep -c '^vmfo>')
	prompts=$((prompts - 1))
}

: > "$want"
file=
while IFS= read -r rec; do
	tag=${rec%% *}
	text=${rec#"$tag"}
	text=${text# }
	case $tag in
	E) printf '%s\n' "$text" >> "$want"; continue ;;
	L) printf '%s\n' "$text" >> "$work/$file"; continue ;;
	esac
	finish
	case $tag in
	T) title=$text ;;
	N) start_session; kind=console; pending="(start)"; prompts=0 ;;
	P) prepare "$text" ;;
	C) [ "$session" = 1 ] || start_session
	   type_line "$text"; kind=console; pending=$text ;;
	S) kind=shell; pending=$(printf '%s' "$text" | sed 's#\./build/vmfo#"$VMFO"#g; s#\./scripts/vmfo#"$VMFO"#g') ;;
	W) file=$text; : > "$work/$file" ;;
	K) view_keys=$text ;;
	X) ;;
	esac
done < "$script"
finish
done_testing
