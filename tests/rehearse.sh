#!/bin/sh
# rehearse.sh — the two halves of tests/classroom.sh on their own, with no
# KVM: rehearse.awk cutting a lesson into a script (blocks, files, the
# hidden directives), and rehearse_match.awk judging what appeared against
# what the page shows (numbers that vary, "...", a late app.verified), each
# seen both to pass and to fail.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
top=${TOP_SRCDIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- rehearse.awk ----
cat > "$tmp/lesson.md" <<'EOF'
# A lesson

```
$ ./scripts/vmfo
vmfo 0.1.0 -- type 'help' for commands, 'boot' to start the guests.
vmfo> boot
vm0 active OS ready in 12.7 ms with 64 MB
vmfo>
```

## Files

```lua
-- crash.lua: one crash
vmfo.app{name = "db"}
```

```lua
print("studied, not run")
```

1. In a list:

   <!-- rehearse: session: boot; app start db 8 hot -->
   ```
   vmfo> check
   claim 1: PASS
   ```

> Quoted:
>
> ```
> vmfo> fault app db error
>    65  +77.361961 s  app.fault              app=db kind=error level=recoverable  [claim 9]
> ```

<!-- rehearse: skip: this run's own numbers -->
```
$ grep seq run.jsonl
{"seq":1}
```

```
 vmfo view  pool 256 MB, 128 units  pace 0 ms
```

<!-- rehearse: view: 1 until:os=vm0 -->
```
vmfo> view
$ ./build/vmfo run crash.lua
ok 1 - crash.lua (0.1 s)
```
EOF
script=$(awk -f "$top/tests/rehearse.awk" "$tmp/lesson.md")
is "$script" "T A lesson
N
E vmfo 0.1.0 -- type 'help' for commands, 'boot' to start the guests.
C boot
E vm0 active OS ready in 12.7 ms with 64 MB
C
X
T Files
W crash.lua
L -- crash.lua: one crash
L vmfo.app{name = \"db\"}
X
P boot; app start db 8 hot
C check
E claim 1: PASS
X
C fault app db error
E    65  +77.361961 s  app.fault              app=db kind=error level=recoverable  [claim 9]
X
K 1 until:os=vm0
C view
S ./build/vmfo run crash.lua
E ok 1 - crash.lua (0.1 s)
X" "a lesson cut into sessions, commands, lines shown, files, directives; code to study, skipped blocks and screens left out"

printf '<!-- rehearse: sometimes -->\n' > "$tmp/bad.md"
out=$(awk -f "$top/tests/rehearse.awk" "$tmp/bad.md" 2>&1)
is "$?:$out" "1:rehearse.awk: line 1: unknown directive: sometimes" "an unknown directive is an error, not a block silently run"

# ---- rehearse_match.awk ----
match_lines() { # match_lines MODE: the page in $tmp/want, what appeared on stdin
	awk -v mode="$1" -v want_file="$tmp/want" -f "$top/tests/rehearse_match.awk"
}

cat > "$tmp/want" <<'EOF'
vm0   active    running              64 MB  #97 1.4 ms ago        12.7 ms
   21  +52.426413 s  app.resumed            app=web vm=vm1 seq=5632 hash=4387dc9942d8d7bd acked=5632 fo=2  [claim 2,4]
db         ledger  vm0  running       8 yes       218658212      218101670
EOF
got=$(printf '%s\n' \
	'vm0   active    running              64 MB  #3537 2.6 ms ago      2.6 ms' \
	'   21   +7.369476 s  app.resumed            app=web vm=vm1 seq=61 hash=9f acked=60 fo=2  [claim 2,4]' \
	'db         ledger  vm0  running       8 yes             512            256' | match_lines exact)
is "$got" match "times, heartbeats, seq, acked and hashes are compared as numbers, whatever their width"
got=$(printf '%s\n' \
	'vm0   active    running              56 MB  #3537 2.6 ms ago      2.6 ms' \
	'   21   +7.369476 s  app.resumed            app=web vm=vm1 seq=61 hash=9f acked=60 fo=2  [claim 2,4]' \
	'db         ledger  vm0  running       8 yes             512            256' | match_lines exact)
like "$got" '^the doc shows: vm0 active running 64 MB' "a size is kept: 56 MB is not the 64 MB shown"
got=$(printf '%s\n' \
	'vm0   active    running              64 MB  #3537 2.6 ms ago      2.6 ms' \
	'   22   +7.369476 s  app.resumed            app=web vm=vm1 seq=61 hash=9f acked=60 fo=2  [claim 2,4]' \
	'db         ledger  vm0  running       8 yes             512            256' | match_lines exact)
like "$got" '^the doc shows:  21 ' "an event's number is kept"

printf '%s\n' 'first' '   ...' 'last' > "$tmp/want"
is "$(printf '%s\n' first a b last | match_lines exact)" match '"..." stands for any lines'
is "$(printf '%s\n' first last | match_lines exact)" match '"..." stands for no line too'
like "$(printf '%s\n' first a | match_lines exact)" '^the doc shows: last' "a line shown that never came fails"
is "$(printf '%s\n' first x | match_lines seen; echo "rc $?")" "not yet: last
rc 1" "seen: not yet while a shown line is still to come"
is "$(printf '%s\n' first x last more | match_lines seen)" match "seen: every shown line has come, in order"
printf '%s\n' a b > "$tmp/want"
is "$(printf '%s\n' a b c | match_lines exact)" "lines appeared that the doc does not show" "a line that the page does not show fails"

# The usual order on the page; app.verified before failover.done in a run.
cat > "$tmp/want" <<'EOF'
   24  +45.713113 s  app.resumed            app=db vm=vm1 seq=29343335 hash=78070bbb6a21e6b6 acked=29343334 fo=1  [claim 2,4]
      -> the app continues from the state its storage holds: nothing lost
   25  +45.713135 s  failover.done          app=db ms=44761.751 fo=1
      -> the takeover is complete; ms counts from detection
   26  +45.715414 s  app.verified           app=db vm=vm1 pages=2014 result=ok fo=1
      -> the resumed app has read back the rest of its state
EOF
cat > "$tmp/early" <<'EOF'
   24  +45.713113 s  app.resumed            app=db vm=vm1 seq=29343335 hash=78070bbb6a21e6b6 acked=29343334 fo=1  [claim 2,4]
      -> the app continues from the state its storage holds: nothing lost
   25  +45.715414 s  app.verified           app=db vm=vm1 pages=2014 result=ok fo=1
      -> the resumed app has read back the rest of its state
   26  +45.713135 s  failover.done          app=db ms=44761.751 fo=1
      -> the takeover is complete; ms counts from detection
EOF
is "$(match_lines exact < "$tmp/early")" match "an app.verified that came before its failover.done is judged in the usual order"
sed 's/26  +45.713135 s  failover.done          app=db/27  +45.713135 s  failover.done          app=db/' "$tmp/early" > "$tmp/gap"
like "$(match_lines exact < "$tmp/gap")" '^the doc shows' "but not across a gap in the numbers: those are not one listing"
sed 's/result=ok/result=bad/' "$tmp/early" > "$tmp/bad"
like "$(match_lines exact < "$tmp/bad")" '^the doc shows:  26 .*app\.verified.*result=ok' "a bad check is still a mismatch after the reordering"

# The two OSes get ready side by side: either order is the doc's.
printf '%s\n' '    3   +0.744406 s  os.ready               vm=vm0 role=active' \
	'    4   +0.746161 s  os.ready               vm=vm1 role=standby' > "$tmp/want"
is "$(printf '%s\n' '    3   +0.010106 s  os.ready               vm=vm1 role=standby' \
	'    4   +0.010248 s  os.ready               vm=vm0 role=active' | match_lines exact)" match \
	"os.ready of vm1 before vm0's is judged in the doc's order"
like "$(printf '%s\n' '    3   +0.010106 s  os.ready               vm=vm1 role=active' \
	'    4   +0.010248 s  os.ready               vm=vm0 role=standby' | match_lines exact)" '^the doc shows' \
	"but their roles are still checked"

done_testing
