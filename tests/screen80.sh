#!/bin/sh
# screen80.sh — every screen a class sees fits an 80x24 terminal: the real
# binary in tmux, each console screen and view screen in turn, and for each
# no line the terminal had to wrap (a wrap falls mid-word), the words it
# must show whole (hb N ms, ledger, failed (panic), STEP MODE, closed claim
# tags...), and help's first line still on screen.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
sock="vmfo-screen80-$$"
dir=$(mktemp -d)
t() { tmux -L "$sock" "$@"; }
screen() { t capture-pane -t s -p; }
trap 't kill-server 2>/dev/null; rm -rf "$dir"' EXIT
t new-session -d -s s -c "$dir" -x 80 -y 24 "env VMFO_HISTFILE=/dev/null TERM=xterm '$VMFO' --no-color"

# The console is done with a command when its prompt is the last line.
prompt_last() {
	printf '%s\n' "$1" | sed '/^$/d' | tail -n 1 | grep -Eq '^vmfo> ?$'
}
# The screen cleared (Ctrl-L at the prompt): only the prompt is left, so
# that what shows next is new.
cleared() {
	t send-keys -t s C-l
	_n=0
	while [ "$(screen | grep -c .)" -gt 1 ] && [ $_n -lt 600 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
}
# A console screen: the screen cleared, the command run, its output waited
# for (REGEX), then for the prompt after it.
console() { # console COMMAND REGEX
	cleared
	t send-keys -t s -l "$1"
	t send-keys -t s Enter
	until_shown "$2" >/dev/null
	_n=0
	while ! prompt_last "$(screen)" && [ $_n -lt 600 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	screen
}
# The view redraws ten times a second: once a pattern shows, take a later
# frame that shows it too, not one caught half drawn.
view_shows() { # view_shows REGEX
	until_shown "$1" >/dev/null
	sleep 0.3
	until_shown "$1"
}

# Lines as columns: a UTF-8 character (an ellipsis, a frame) as one byte,
# trailing spaces (a joined capture keeps them) gone; awk counts bytes.
columns() {
	LC_ALL=C sed 's/[\xc0-\xff][\x80-\xbf]*/./g; s/ *$//'
}
# The number of the last line with something on it.
lines_used() {
	awk 'NF { n = NR } END { print n + 0 }'
}
# Checks every screen gets. A line the terminal wrapped is one line in a
# capture with -J (joined) and two without: the joined capture has a line
# longer than the screen.
fits() { # fits NAME TEXT
	joined=$(t capture-pane -t s -p -J)
	is "$(printf '%s\n' "$joined" | columns | awk 'length($0) > 80')" "" "$1: no line wrapped by the terminal"
	is "$(printf '%s\n' "$joined" | lines_used)" "$(screen | lines_used)" "$1: as many lines joined as on screen"
	# A claim tag is closed on the line it opens on.
	unlike "$2" '\[c(laim)?( [0-9,]*|[0-9,]*)$' "$1: no claim tag cut at the end of a line"
	# Known values whole wherever they show: an event's fields, the apps.
	cut=$(printf '%s\n' "$2" | grep -Eo '(prog|role|cause|kind|app)=[^ ]*' |
		grep -Evx 'prog=(ledger|kv)|role=(active|standby)|cause=(panic|hang|triple)|kind=(crash|error)|app=(db|cache)' |
		sort -u | tr '\n' ' ')
	is "$cut" "" "$1: no field value cut"
}
# The view keeps its last column free: no line of it reaches column 80.
view_fits() { # view_fits NAME TEXT
	fits "$1" "$2"
	is "$(printf '%s\n' "$2" | columns | awk 'length($0) > 79')" "" "$1: no line reaches column 80"
	like "$2" '^ vmfo view  pool 256 MB, 128 units' "$1: title line"
	like "$2" '^claims  1 (PASS|FAIL|-   )  2 .*  9 (PASS|FAIL|-)' "$1: the nine claims, whole"
	like "$2" '^q quit  \? keys|: (done|error|refused)' "$1: the bottom line"
}

# ---- the console ----
s=$(until_shown '^vmfo> ?$')
like "$s" "^vmfo 0\\.1\\.0 -- type 'help' for commands, 'boot' to start the guests\\.$" "banner: whole"
fits "banner" "$s"

s=$(console "help" "^Type 'help CMD'")
like "$s" '^vmfo> help$' "help: its first line still on screen (it fits 24 rows)"
fits "help" "$s"
s=$(console "help all" "^Type 'help CMD' for more")
fits "help all" "$s"

s=$(console "boot" 'os\.ready +vm=vm0')
like "$s" '^vm0 active OS ready in [0-9.]+ ms with 64 MB$' "boot: vm0's line whole"
fits "boot" "$s"
s=$(console "app start db 8 hot" 'app\.started +app=db')
like "$s" 'prog=ledger( |$)' "app start db: prog=ledger whole"
like "$s" '\[claim 5,6\]' "app start db: its claim tag whole"
fits "app start db" "$s"
s=$(console "app start cache 4 prog=kv" 'app\.started +app=cache')
like "$s" 'prog=kv( |$)' "app start cache: prog=kv whole"
fits "app start cache" "$s"

s=$(console "status" 'pool: ')
like "$s" '^vm0 +active +running +64 MB' "status: vm0"
like "$s" 'memslots vm0 [0-9]+,' "status: the pool line, broken between words"
fits "status" "$s"
s=$(console "table" '^total ')
like "$s" '^db +app +vm0 ' "table: db's row"
fits "table" "$s"
s=$(console "map" '1 unit = ')
like "$s" 'A db  B cache  \. unused' "map: the legend"
fits "map" "$s"
s=$(console "app list" '^cache ')
like "$s" '^db +ledger +vm0 +running' "app list: db"
fits "app list" "$s"

# Paused steps: each announced, explained, and granted by Enter.
console "explain on" '^vmfo> explain on' >/dev/null
console "step on" '^vmfo> step on' >/dev/null
s=$(console "fault app db crash" '\[step\] next: ')
like "$s" 'press( |$)' "step: the announcement says how to go on"
like "$s" '^ +-> ' "explain: events are explained"
fits "step 1" "$s"
i=1
while [ $i -lt 20 ] && ! printf '%s\n' "$s" | grep -q 'failover\.done'; do
	cleared
	t send-keys -t s Enter
	s=$(until_shown '\[step\] next: |failover\.done')
	fits "step $((i += 1))" "$s"
done
like "$s" 'failover\.done +app=db' "steps: Enter granted each, to the failover's end"
fits "last step" "$s"
console "step off" '^vmfo> step off' >/dev/null
console "explain off" '^vmfo> explain off' >/dev/null

s=$(console "check" 'claim 9: ')
like "$s" '^claim 1: ' "check: claim 1"
fits "check" "$s"
s=$(console "trace" 'failover\.done +app=db')
fits "trace" "$s"

# ---- the view ----
cleared
t send-keys -t s "view" Enter
s=$(view_shows '^q quit')
view_fits "view before a failover" "$s"
like "$s" '^vm0 active running [0-9]+ MB  hb [0-9]+ ms( |$)' "view: vm0's panel, its heartbeat in ms"
like "$s" ' vm1 standby running [0-9]+ MB  hb [0-9]+ ms( |$)' "view: vm1's panel, its heartbeat in ms"
like "$s" 'db .*running +hot +ledger( |$)' "view: db's line, prog ledger whole"
like "$s" 'cache .*running +kv( |$)' "view: cache's line"
like "$s" ' seq [0-9]+( |$)' "view: the apps' seq"

# Step mode: the failover waits; its next step and a refusal, whole.
t send-keys -t s "s"
view_shows 'STEP MODE' >/dev/null
t send-keys -t s "2"
view_shows '^next step: ' >/dev/null
t send-keys -t s "1"
s=$(view_shows 'refused while a step waits')
view_fits "view in step mode" "$s"
like "$s" '^ vmfo view  pool 256 MB, 128 units  STEP MODE( |$)' "step mode: STEP MODE in the title"
like "$s" '\(space\)$' "step mode: the next step ends with its key"
like "$s" 'space = next step, s = step off$' "step mode: the refusal, whole"
t send-keys -t s "s"
s=$(view_shows 'failover\.done app=db')
view_fits "view after an app crash" "$s"
like "$s" 'db .*running +hot +ledger( |$)' "after the crash: db runs again, prog whole"
t send-keys -t s "1"
s=$(view_shows 'failover\.done os=vm0')
view_fits "view after an OS panic" "$s"
like "$s" '^vm0 failed \(panic\)  0 MB( |$)' "after the panic: vm0 failed (panic), whole"
like "$s" ' vm1 active running [0-9]+ MB  hb [0-9]+ ms( |$)' "after the panic: vm1 active, its heartbeat in ms"
t send-keys -t s "?"
s=$(view_shows 'keys: \? closes')
fits "view ? box" "$s"
for k in 'q  back to the console +\?  this help' 'p  pause / resume the display \(the guests run on\)' \
	'1  panic the active OS   3  hang it   4  triple fault' \
	'c  chart of the last failover into vmfo-foN\.svg here'; do
	like "$s" "$k +(x|│)" "? box: '$k' whole inside the frame"
done
t send-keys -t s "?" "q"
until_shown '^vmfo> ?$' >/dev/null

# vmfo -c at a terminal breaks a long line between words as the prompt
# does: a verdict's reason at 60 columns.
t new-session -d -s c -c "$dir" -x 60 -y 24 "env TERM=xterm '$VMFO' --no-color -c 'boot; app start db 8 hot; check claim 5'; sleep 600"
screen() { t capture-pane -t c -p; }
s=$(until_shown 'the units granted')
is "$(t capture-pane -t c -p -J | grep -c .)" "$(printf '%s\n' "$s" | grep -c .)" "-c at 60 columns: no line wrapped by the terminal"
like "$s" '^claim 5: NOT SHOWN \(reports shown, but no OS short of$' "-c: the verdict broken at a space"
like "$s" '^  storage yet \(os\.request, vmm\.grant, then os\.report with$' "-c: and going on indented"

done_testing
