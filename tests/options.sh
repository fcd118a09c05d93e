#!/bin/sh
# options.sh — command-line options, usage errors, and how a missing or
# unusable /dev/kvm is reported (exit 3). Needs no KVM.
. "${TOP_SRCDIR:-.}/tests/lib.sh"

run "$VMFO" --help
is "$rc" 0 "--help exits 0"
like "$out" '^usage: vmfo \[OPTIONS\]' "--help prints usage"
like "$out" '--standby-mb N' "--help lists the size options"

run "$VMFO" --version
is "$rc" 0 "--version exits 0"
like "$out" '^vmfo [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"

run "$VMFO" --frobnicate
is "$rc" 2 "unknown option: exit 2"
is "$out" "vmfo: unknown option '--frobnicate' (try --help)" "unknown option named"

run "$VMFO" --pool-mb
is "$rc" 2 "missing value: exit 2"
is "$out" "vmfo: option --pool-mb needs a value" "missing value named"

for bad in abc -5 12x "" 99999999; do
	run "$VMFO" --pool-mb "$bad" -c ''
	is "$rc" 2 "--pool-mb '$bad': exit 2"
	like "$out" "^vmfo: --pool-mb '$bad': expected a whole number from 4 to 16384$" \
		"--pool-mb '$bad': range named"
done

run "$VMFO" --active-mb 64 --standby-mb 64 -c ''
is "$rc" 2 "standby not smaller than active: exit 2"
like "$out" 'standby-mb 64 must be smaller than --active-mb 64' "the rule is explained"

run "$VMFO" --pool-mb 64 --active-mb 64 -c ''
is "$rc" 2 "pool too small for the pair: exit 2"
like "$out" 'pool-mb 64 is too small' "too small pool explained"

run "$VMFO" --unit-kb 1024 -c ''
is "$rc" 2 "units that are not 2 MiB multiples: exit 2"
like "$out" 'unit-kb 1024: must be a multiple of 2048' "unit rule explained"

run "$VMFO" --active-mb 63 -c ''
is "$rc" 2 "sizes that are not whole units: exit 2"

run "$VMFO" stray-argument
is "$rc" 2 "stray argument: exit 2"
is "$out" "vmfo: unexpected argument 'stray-argument' (try --help)" "stray argument named"

run env VMFO_KVM_DEV=/nonexistent/kvm "$VMFO" -c 'status'
is "$rc" 3 "missing KVM device: exit 3"
like "$out" '^vmfo: /nonexistent/kvm is missing: KVM is not available' "missing device explained"

run env VMFO_KVM_DEV=/dev/null "$VMFO" -c 'status'
is "$rc" 3 "a device that is not KVM: exit 3"
is "$out" "vmfo: /dev/null is not a KVM device (Inappropriate ioctl for device)" "not-KVM explained"

tmp=$(mktemp -d)
: >"$tmp/kvm"
chmod 000 "$tmp/kvm"
chmod 755 "$tmp"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && [ -x "$VMFO" ] &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$VMFO" 2>/dev/null; then
	run env VMFO_KVM_DEV="$tmp/kvm" setpriv --reuid=65534 --regid=65534 --clear-groups "$VMFO" -c status
	is "$rc" 3 "permission denied: exit 3"
	like "$out" "permission denied opening $tmp/kvm: run as root or join the 'kvm' group" \
		"permission problem explained"
else
	echo "ok $((tap_n + 1)) # SKIP cannot drop privileges here"
	echo "ok $((tap_n + 2)) # SKIP cannot drop privileges here"
	tap_n=$((tap_n + 2))
fi
rm -rf "$tmp"

done_testing
