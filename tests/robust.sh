#!/bin/sh
# robust.sh — the vmfo process under signals: SIGINT stops a -c list or a
# sourced file. Signals are sent by PID to a vmfo running in the background
# once its output shows it got where it should; nothing here depends on how
# fast the host is.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

tmp=$(mktemp -d)
sock="vmfo-robust-$$"
pids=""
cleanup() {
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	command -v tmux >/dev/null 2>&1 && tmux -L "$sock" kill-server 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# Wait (at most 60 s) until file $1 has a line matching $2.
wait_for() {
	i=0
	while [ $i -lt 600 ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# bg OUTFILE ARGS...: start vmfo in the background; $pid is its PID.
bg() {
	f=$1
	shift
	"$VMFO" "$@" >"$f" 2>&1 &
	pid=$!
	pids="$pids $pid"
}

# finish: wait for $pid to end; $rc is its exit status, $out its output.
finish() {
	wait "$pid"
	rc=$?
	out=$(cat "$f")
}

booted='^vm1 standby OS ready'

# ---- SIGINT stops a -c list ----
bg "$tmp/int.out" -c 'boot; sleep 600000; fault os panic; status'
wait_for "$tmp/int.out" "$booted"
kill -INT "$pid"
finish
is "$rc" 1 "SIGINT in a -c list: exit 1"
like "$out" '^error: interrupted$' "the sleep is interrupted"
like "$out" '^error: interrupted: 2 commands not run$' "and the rest of the list is not run, as one line says"
unlike "$out" 'panic|vmm: ' "neither the fault nor status ran"

# ---- and a sourced file, and the list around it ----
printf 'sleep 600000\n# a comment\n\nfault os panic\nstatus\n' >"$tmp/demo.vmfo"
bg "$tmp/src.out" -c "boot; source $tmp/demo.vmfo; status"
wait_for "$tmp/src.out" "$booted"
kill -INT "$pid"
finish
is "$rc" 1 "SIGINT in a sourced file: exit 1"
like "$out" "^error: $tmp/demo.vmfo:1: interrupted: 2 commands not run\$" \
	"the file stops, naming where and how many of its commands were left"
like "$out" '^error: interrupted: 1 command not run$' "the list that sourced it stops too"
unlike "$out" 'panic|vmm: ' "nothing after the interrupted sleep ran"

done_testing
