#!/bin/sh
# console.sh — the command layer through -c and piped (batch) input: exact
# output lines, error lines for bad input, exit statuses. Boots nothing, so
# it needs /dev/kvm only to start.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

run "$VMFO" -c 'help'
is "$rc" 0 "help: exit 0"
like "$out" '^  the pair +boot status table map trace wait log$' "help: the commands by group, a line a group"
ok "$([ "$(printf '%s\n' "$out" | wc -l)" -le 23 ]; echo $?)" "help fits a 24-line screen, with the prompt"
is "$(printf '%s\n' "$out" | awk 'length($0) > 79' | wc -l)" 0 "and an 80-column one"
like "$out" "^Type 'help CMD' for one command, 'help all' for a line on each.$" "help says how to get more"
run "$VMFO" -c 'help all'
for c in boot status table map trace wait log fault invariants sleep reset quit; do
	like "$out" "^  $c +[a-z]" "help all: a line on $c"
done
is "$(printf '%s\n' "$out" | awk 'length($0) > 79' | wc -l)" 0 "help all: no line past 79 columns"
like "$out" "^Type 'help CMD' for more on one command.$" "help all says how to get more"

run "$VMFO" -c 'help wait'
like "$out" '^usage: wait EVENT \[MS\]$' "help wait: usage line"
like "$out" '^Example: fault os wild; wait vmm.blocked 2000$' "help wait: an example"

run "$VMFO" -c 'help frob'
is "$rc" 1 "help on an unknown command fails"
is "$out" "error: no command 'frob' (try 'help')" "and says so"

run "$VMFO" -c 'frob'
is "$rc" 1 "unknown command: exit 1 in -c mode"
is "$out" "error: unknown command 'frob' (try 'help')" "unknown command: one error line"

run "$VMFO" -c 'status'
is "$out" "error: not booted: use 'boot' first" "status before boot"
is "$rc" 1 "status before boot: exit 1"
run "$VMFO" -c 'log'
is "$out" "error: not booted: use 'boot' first" "log before boot"
run "$VMFO" -c 'fault os wild'
is "$out" "error: not booted: use 'boot' first" "fault before boot"
run "$VMFO" -c 'fault os melt'
is "$out" "error: unknown OS fault 'melt' (panic, hang, triple or wild)" "unknown fault kind"
run "$VMFO" -c 'fault'
is "$out" "error: usage: fault os|standby KIND | fault app NAME KIND" "fault without arguments"

run "$VMFO" -c 'check claim 12'
is "$out" "error: no claim '12': the claims are 1 to 9" "check claim 12: the claims there are, not a usage line"
is "$rc" 1 "check claim 12: exit 1"
run "$VMFO" -c 'check claim x'
is "$out" "error: no claim 'x': the claims are 1 to 9" "check claim x: the same"

run "$VMFO" -c 'trace abc'
is "$out" "error: usage: trace [N] | trace save FILE | trace save --svg|--pdf|--png FILE [--fo N] [--to-scale]" "trace with a bad number"
run "$VMFO" -c 'trace 0'
is "$out" "error: usage: trace [N] | trace save FILE | trace save --svg|--pdf|--png FILE [--fo N] [--to-scale]" "trace 0 is out of range"
run "$VMFO" -c 'wait'
is "$out" "error: usage: wait EVENT [MS]" "wait without an event"
run "$VMFO" -c 'wait os.ready -5'
is "$out" "error: usage: wait EVENT [MS]" "wait with a negative timeout"
run "$VMFO" -c 'wait bogus'
is "$out" "error: 'bogus' is not an event name (events look like os.ready)" "wait on a non-event"
run "$VMFO" -c 'wait os.ready 50'
is "$out" "error: no os.ready within 50 ms (no events yet)" "wait times out with a clear error"
run "$VMFO" -c 'sleep x'
is "$out" "error: usage: sleep MS" "sleep with a bad number"
run "$VMFO" -c 'boot now'
is "$out" "error: usage: boot [active=MB] [standby=MB]" "boot takes only sizes"

run "$VMFO" -c 'table'
is "$rc" 0 "table before boot works"
is "$(row "$out" unused)" \
	"unused     free  -    0-127               256       0  -        -        -" \
	"before boot the whole pool is unused"
is "$(row "$out" total)" "total                                     256" "and the total is the pool"

# Several commands: each runs, failures are counted, the status says so.
run "$VMFO" -c 'frob; help quit; frob2'
is "$rc" 1 "one failing command makes -c exit 1"
like "$out" "error: unknown command 'frob'" "first error shown"
like "$out" "error: unknown command 'frob2'" "later commands still run"
like "$out" "^usage: quit$" "the good command ran"

run "$VMFO" -c 'help quit; quit; frob'
is "$rc" 0 "quit stops before later commands"

# Batch: stdin is not a terminal, so no prompt and no banner.
out=$(printf 'help status\n\n# a comment\nstatus\nquit\nhelp\n' | "$VMFO" 2>&1)
rc=$?
is "$rc" 1 "batch: a failed command makes the exit status 1"
is "$out" "usage: status
each VM's role, state, storage, heartbeat, boot time
Example: boot; status
error: not booted: use 'boot' first" "batch: exact output, blank and comment lines ignored, stops at quit"
unlike "$out" "vmfo>" "batch: no prompt"

out=$(printf 'help reset\n' | "$VMFO" 2>&1)
is "$?" 0 "batch with only good commands: exit 0"

# No crash on junk: long lines, control characters, many words.
long=$(head -c 3000 /dev/zero | tr '\0' 'x')
run "$VMFO" -c "$long"
like "$out" "^error: (line|command) too long" "an overlong line is refused"
run "$VMFO" -c "$(printf 'a b c d e f g h i j k l m n o p q r')"
is "$out" "error: too many words (at most 16)" "too many words refused"
out=$(head -c 20000 /dev/urandom | tr -d '\000' | "$VMFO" 2>&1 >/dev/null)
rc=$?
ok "$([ $rc -eq 0 ] || [ $rc -eq 1 ]; echo $?)" "random bytes on stdin: no crash (exit $rc)"

done_testing
