#!/bin/sh
# commands.sh — one list of commands: Tab completion ('complete'), 'help'
# and the man page's COMMANDS section name the same commands, and every
# word completion offers for a command's arguments is in its man page entry.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
need_kvm
man=${TOP_SRCDIR:-.}/docs/vmfo.1

# What Tab offers at the end of LINE, on one line.
offers() {
	"$VMFO" -c "complete $1" | tr '\n' ' ' | sed 's/ $//'
}

# The man page's command entries as plain text, one line each: the line
# after each .TP in COMMANDS and the paragraph under it, without font
# escapes ("hostile CASE Test mode: ... (arg-foreign, arg-beyond, ...").
entries=$(sed -e 's/\\f[BIR]//g' -e 's/\\-/-/g' -e 's/"//g' "$man" |
	awk '/^\.SH COMMANDS/ { on = 1; next } /^\.SH/ { on = 0 }
	on && /^\.(TP|SS|PP)/ { if (e != "") print e; e = ""; tp = /^\.TP/; next }
	on && tp { sub(/^\.[A-Z]+ /, ""); e = e == "" ? $0 : e " " $0 }
	END { if (e != "") print e }' | sed 's/  */ /g')

commands=$(offers "")
help=$("$VMFO" -c 'help all' | awk 'NF > 1 && /^  / { print $1 }' | tr '\n' ' ' | sed 's/ $//')
is "$help" "$commands" "help all lists the commands Tab completes, in the same order"
groups=$("$VMFO" -c help | sed -n 's/^  [a-z, ]*[a-z]   *\([a-z].*\)$/\1/p' | tr '\n' ' ' | sed 's/ $//')
is "$groups" "$commands" "help's groups hold every command, once, in the same order"

is "$(offers "help ")" "$commands" "after help, Tab offers the commands, not file names"
is "$(offers "help b")" "boot" "and completes one"

man_commands=$(printf '%s\n' "$entries" | awk '{ print $1 }' | sort -u | tr '\n' ' ' | sed 's/ $//')
sorted=$(printf '%s\n' $commands | sort -u | tr '\n' ' ' | sed 's/ $//')
is "$man_commands" "$sorted" "the man page has an entry for every command, and no other"

# Every argument word completion offers is in the command's man entries.
missing=""
for cmd in $commands; do
	case $cmd in help | time | complete | wait) continue ;; esac # commands, events
	for line in "$cmd " "fault os " "fault standby " "fault app db " "app start db " "app grow db "; do
		case $line in "$cmd "*) ;; *) continue ;; esac
		words=$(offers "$line")
		[ "$words" = "(file names)" ] && continue
		own=$(printf '%s\n' "$entries" | grep "^$cmd\( \|$\)")
		for w in $words; do
			printf '%s\n' "$own" | grep -q -- "$w" || missing="$missing $line$w"
		done
	done
done
is "$missing" "" "every word Tab offers for a command's arguments is in its man page entry"

is "$(offers 'fault ')" "os standby app" "fault completes its three targets"
is "$(offers 'fault standby ')" "panic hang triple engage-hang activate-hang" \
	"fault standby completes the standby's fault kinds"
is "$(offers 'fault os ')" "panic hang triple wild" "fault os completes the active OS's kinds"
is "$(offers 'app start db ')" "hot prog=ledger prog=kv prog=hog records= keys= mib=" \
	"app start completes its options and each program's item, from the programs' needs"
is "$(offers 'app start db 8 k')" "keys=" "after the MB shorthand too"
is "$(offers 'app grow db ')" "keys= mib=" "app grow completes the items of programs that grow by items"
is "$(offers 'fault standby e')" "engage-hang" "completion matches what is typed"
is "$(offers 'help b')" "boot" "help completes command names, not files"
is "$(offers 'app grow')" "grow" "a word being typed completes itself"
is "$(offers 'grow ')" "" "a word that is no command completes nothing"
is "$(offers 'run s')" "(file names)" "run completes file names"
run "$VMFO" -c "boot; app start db 4 hot; complete fault app ; complete app grow d"
like "$out" "$(printf 'db\ndb')" "app names complete after 'fault app' and 'app grow'"

done_testing
