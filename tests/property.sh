#!/bin/sh
# property.sh — random sequences of commands on the real VMM: faults of every
# kind on apps, the active and the standby OS, grows, reprotects, resets and
# faults that overlap a paced takeover. Whatever happens, at the end
# `invariants` holds, nothing acknowledged is lost, and `check` gives no FAIL:
# every fault here is one the method survives (a hot app with no OS to take
# it over is parked, not dropped).
#
# PROPERTY_RUNS sequences (default 200) from seed PROPERTY_FIRST (default 1),
# each from its own seed; a failure
# prints the seed and the commands, so `PROPERTY_SEED=N` replays it alone
# (timing differs from run to run, so it may not fail again); with
# PROPERTY_KEEP=DIR each failing run's whole output is kept there.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm

runs=${PROPERTY_RUNS:-200}
first=${PROPERTY_FIRST:-1}
[ -n "${PROPERTY_SEED:-}" ] && first=$PROPERTY_SEED runs=1

# The commands of one sequence, from its seed: boot, two to four apps, then
# eight to sixteen random steps, then the verdicts.
sequence() { # sequence SEED
	awk -v seed="$1" 'BEGIN {
		srand(seed)
		n = 2 + int(rand() * 3)
		split("ledger kv hog", progs, " ")
		cmd = "boot"
		for (i = 1; i <= n; i++) {
			app[i] = "a" i
			cmd = cmd "; app start " app[i] " " (2 * (1 + int(rand() * 4))) \
				(rand() < 0.75 ? " hot" : "") " prog=" progs[1 + int(rand() * 3)]
		}
		cmd = cmd "; sleep 30"
		split("crash hang error", appf, " ")
		split("panic hang triple wild", osf, " ")
		split("panic hang triple", sbf, " ")
		steps = 8 + int(rand() * 9)
		for (s = 0; s < steps; s++) {
			r = rand(); a = app[1 + int(rand() * n)]
			if (r < 0.35)      step = "fault app " a " " appf[1 + int(rand() * 3)]
			else if (r < 0.55) step = "fault os " osf[1 + int(rand() * 4)]
			else if (r < 0.62) step = "fault standby " sbf[1 + int(rand() * 3)]
			else if (r < 0.70) step = "app grow " a " 2"
			else if (r < 0.85) step = "reprotect"
			else if (r < 0.92) step = "pace 20; fault app " a " crash; fault os panic; pace 0"
			else if (r < 0.96) step = "sleep 20"
			else               step = "reset; boot"
			cmd = cmd "; " step "; sleep " int(rand() * 40)
		}
		print cmd "; check; invariants; trace 2000"
	}'
}

bad=0
seed=$first
while [ "$seed" -lt $((first + runs)) ]; do
	cmds=$(sequence "$seed")
	out=$(timeout 120 "$VMFO" -c "$cmds" 2>&1)
	rc=$?
	why=
	[ "$rc" -eq 124 ] && why="timed out"
	printf '%s\n' "$out" | grep -q '^invariants hold' || why="$why; invariants"
	fails=$(printf '%s\n' "$out" | grep -E '^claim [0-9]: FAIL')
	[ -n "$fails" ] && why="$why; $fails"
	lost=$(printf '%s\n' "$out" | grep -E ' (app\.lost|app\.corrupt|failover\.error) ')
	[ -n "$lost" ] && why="$why; $lost"
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		echo "# seed $seed:${why#;}"
		echo "#   vmfo -c '$cmds'"
		[ -n "${PROPERTY_KEEP:-}" ] && printf '%s\n' "$out" >"$PROPERTY_KEEP/seed-$seed.out"
	fi
	seed=$((seed + 1))
done
is "$bad" 0 "$runs random sequences: invariants hold, nothing lost, no claim FAILs"
done_testing
