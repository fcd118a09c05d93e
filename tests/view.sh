#!/bin/sh
# view.sh — the real binary in tmux, as a person would use it: the console
# (completion, history, live events, Ctrl-C, step mode) and the live view
# (the grid before and after an app and an OS failover, resize, q).
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
sock="vmfo-test-$$"
hist=$(mktemp)
charts=$(mktemp -d) # the console's directory: the view's c writes there
t() { tmux -L "$sock" "$@"; }
screen() { t capture-pane -t v -p; }
# The view redraws ten times a second: once a pattern shows, take the next
# whole frame, not one caught half drawn.
settled() {
	until_shown "$1" >/dev/null
	sleep 0.3
	screen
}
trap 't kill-server 2>/dev/null; rm -f "$hist"; rm -rf "$charts"' EXIT
t new-session -d -s v -c "$charts" -x 80 -y 24 "env VMFO_HISTFILE=$hist TERM=xterm '$VMFO' --no-color"

s=$(until_shown '^vmfo> ?$')
like "$s" "^vmfo 0\\.1\\.0 -- type 'help'" "the console opens with its banner and prompt"
t send-keys -t v "bo" Tab Enter
s=$(until_shown 'os.ready +vm=vm0')
like "$s" '^vmfo> boot$' "Tab completes 'bo' to boot"
like "$s" 'vmm.alloc +vm=vm1 units=33-36' "events are printed live"
t send-keys -t v "app start db 8 hot" Enter
s=$(settled 'app.started +app=db')
# At 80 columns an event line longer than the screen is broken between
# fields, the rest indented under the fields, never cut inside one.
like "$s" '^ {44}[a-z]+=' "a long event line goes on under its fields, at their column"
unlike "$s" '\[claim$' "no claim tag is cut at the screen's edge"
is "$(printf '%s\n' "$s" | awk 'length($0) > 79' | wc -l)" 0 "no event line runs past 79 columns"
t send-keys -t v "fault app d" Tab
s=$(until_shown 'fault app db')
like "$s" '^vmfo> fault app db *$' "Tab completes app names"
t send-keys -t v C-u "fault os p" Tab
s=$(until_shown 'fault os panic')
like "$s" '^vmfo> fault os panic *$' "Tab completes fault kinds"
t send-keys -t v C-u

# The view, before any failover.
t send-keys -t v "view" Enter
s=$(settled '^q quit')
like "$s" '^ vmfo view  pool 256 MB, 128 units' "view: title line"
like "$s" '^#0AAAA0{27}1111\.+' "view: the grid shows db's units (A) inside vm0's storage"
like "$s" 'A db' "view: the legend names db"
like "$s" '^vm0 active running 64 MB' "view: vm0's panel"
like "$s" '^>db +seq [0-9]+ +running' "view: db selected, running, with its seq"
# One key crashes the selected app; the units change owner on screen.
t send-keys -t v "2"
s=$(settled 'failover.done app=db')
like "$s" 'fault app db crash: done' "view: key 2 crashed db through the command layer"
like "$s" '^db +app +vm1 2-5 ' "view: the table row moved to vm1"
like "$s" ' vm1 standby running 16 MB' "view: vm1 now holds 16 MB"
# c: that failover's chart, in the current directory.
t send-keys -t v "c"
s=$(settled 'chart: ')
like "$s" 'chart: written to vmfo-fo1\.svg' "view: c wrote the chart of fo=1, and says so"
ok "$([ -s "$charts/vmfo-fo1.svg" ] && echo 0 || echo 1)" "view: the chart is in the console's directory"
# Step mode: a failover waits before each step, and while it waits the
# view refuses another fault in its own words (space, s), not the console's.
t send-keys -t v "s"
settled 'step on: done' >/dev/null
t send-keys -t v "2"
s=$(settled '^next step: ')
like "$s" '^next step: .*\(space\)' "view: in step mode the failover waits, naming its next step"
t send-keys -t v "1"
s=$(settled 'fault os panic: refused')
like "$s" '^fault os panic: refused while a step waits: space = next step, s = step off$' \
	"view: a fault while a step waits is refused, saying which keys go on"
t send-keys -t v "s"
s=$(settled 'failover.done app=db')
like "$s" '^db +app +vm0 2-5 ' "view: s turned step mode off, and the failover ran to its end (db back on vm0)"
# An OS failover: every unit of vm0 becomes vm1's.
t send-keys -t v "1"
s=$(settled 'failover.done os=vm0')
like "$s" '^#1AAAA1{27}1111\.+' "view: after the panic vm0's units are marked 1 (vm1's)"
like "$s" '^vm0 failed \(panic\)  0 MB' "view: vm0 failed, holding nothing"
s=$(until_shown ' 9 PASS')
like "$s" ' 9 PASS' "view: claim 9 turned PASS with the OS fault (verdicts refresh twice a second)"
# db crashes again with no standby left: its storage is parked, on screen.
t send-keys -t v "2"
s=$(settled 'vmm\.park .*app=db')
like "$s" '^#1aaaa1{27}1111\.+' "view: parked units in lower case"
like "$s" '^db +park +- +2-5 ' "view: the table row is parked, on no VM"
# Resize down to 60x20 and up again: it redraws to fit.
t resize-window -t v -x 60 -y 20
s=$(settled '^1 cell')
like "$s" '^ vmfo view' "view: redrawn to fit 60x20 after a resize"
# awk counts bytes: a UTF-8 character (the ellipsis) as one.
is "$(printf '%s\n' "$s" | LC_ALL=C sed 's/[\xc0-\xff][\x80-\xbf]*/./g' |
	awk '{ if (length($0) > 60) n++ } END { print n + 0 }')" 0 "view: no line wider than 60"
t resize-window -t v -x 100 -y 30
t send-keys -t v "?"
s=$(until_shown 'pause / resume')
like "$s" 'q  back to the console' "view: ? shows the keys"
like "$s" 'c  chart of the last failover' "view: ? lists the chart key"
like "$s" 'e  recoverable error in the selected app +(x|│)' "view: the keys are in a framed box, cleared to its border"
like "$s" 'keys: \? closes' "view: whose frame says how to close it"
t send-keys -t v "q"
s=$(until_shown '^vmfo> ?$')
unlike "$s" 'vmfo view' "q gives the console back"

# A wait for an event printed as it came names it, rather than saying
# nothing or printing it twice.
# (The last state change was the view's crash of db, parked.)
t send-keys -t v "wait vmm.park" Enter
s=$(until_shown '^vmm\.park: event [0-9]+, shown above$')
like "$s" '^vmm\.park: event [0-9]+, shown above$' "wait names the event it found, printed above"
[ "$(printf '%s\n' "$s" | grep -c 'vmm\.park +app=db')" -le 1 ]
ok $? "and does not print it a second time"

# Ctrl-C ends a wait, not vmfo; history persists.
t send-keys -t v "wait app.restarted 60000" Enter
sleep 0.5
t send-keys -t v C-c
s=$(settled 'interrupted')
like "$s" 'error: interrupted while waiting for app.restarted$' "Ctrl-C ends the wait"
unlike "$s" '^vmfo> \^C$' "and is spent there: no second ^C at the prompt that follows"
t send-keys -t v "status" Enter
s=$(until_shown 'vmm: ')
like "$s" '^vm1 +active +running' "vmfo is still running after Ctrl-C"
t send-keys -t v C-d
sleep 0.5
like "$(cat "$hist")" 'fault app db crash|app start db 8 hot' "history was saved to VMFO_HISTFILE"

# A served app: its I/O channel's owner and its requests per second under
# the app, and the owner changes with a takeover.
io=$(mktemp -d)
t new-session -d -s w -x 80 -y 24 "TERM=xterm '$VMFO' --no-color -c 'boot; app start db prog=ledger hot; serve db $io/db.sock; client start $io/db.sock clients=2; view; client stop; sleep 60000'"
screen() { t capture-pane -t w -p; }
# The bars are blocks on a UTF-8 terminal, ASCII otherwise.
s=$(settled '^ +io vm0 .* [1-9][0-9]*/s( |$)')
like "$s" '^>db +seq [0-9]+ +running' "view: db runs on vm0"
like "$s" '^ +io vm0 .* [1-9][0-9]*/s( |$)' "view: under it, its channel on vm0 and its requests per second"
t send-keys -t w "2"
s=$(settled ' io vm1 .* [1-9][0-9]*/s( |$)')
like "$s" ' io vm1 .* [1-9][0-9]*/s( |$)' "view: after the crash the channel is vm1's, and requests flow again"
t send-keys -t w "q"
s=$(until_shown '^2 clients, [0-9]+ requests: ')
like "$s" '^2 clients, [0-9]+ requests: [0-9]+ ok, 0 unavailable, 0 indeterminate, 0 refused' "the clients saw every request answered"
rm -rf "$io"

# run at the prompt: the events the scenario made come before its verdict.
cat >"$charts/s6.lua" <<'LUA'
vmfo.app{name = "s6", mb = 4, hot = true}
vmfo.fault{app = "s6", kind = "crash"}
vmfo.wait("failover.done", {app = "s6"})
LUA
t new-session -d -s x -c "$charts" -x 100 -y 50 "env VMFO_HISTFILE=/dev/null TERM=xterm '$VMFO' --no-color"
screen() { t capture-pane -t x -p; }
until_shown '^vmfo> ?$' >/dev/null
t send-keys -t x "boot" Enter
until_shown 'os.ready +vm=vm1' >/dev/null
t send-keys -t x "run s6.lua" Enter
s=$(settled '^ok - s6.lua$')
is "$(printf '%s\n' "$s" | grep -E 'failover\.done +app=s6|^ok - s6\.lua$' | sed 's/^ *[0-9]* *+[0-9.]* s  //; s/ .*//')" "failover.done
ok" "run at the prompt: the scenario's events first, then its verdict"

done_testing
