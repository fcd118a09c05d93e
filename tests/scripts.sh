#!/bin/sh
# scripts.sh — scripts/vmfo starts at once when nothing changed: no
# "vmfo: building" line on a second start, one after a source file changed.
# The real scripts run on a tree of their own, a copy of scripts/ beside a
# miniature build/ whose Makefile stands in for vmfo's (automake's config.h
# and stamp-h1 included), so that make check's own build is never touched;
# then, where build/ is beside the scripts and current (not in distcheck's
# copy), the real scripts/vmfo on it, only asked, never building. Needs no
# KVM; VMFO_SKIP_PACKAGES keeps dpkg and apt-get out of it.
. "${TOP_SRCDIR:-.}/tests/lib.sh"
top=${TOP_SRCDIR:-.}
if ! command -v bash >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
	echo "1..0 # SKIP scripts/vmfo needs bash and make"
	exit 0
fi
VMFO_SKIP_PACKAGES=1
export VMFO_SKIP_PACKAGES
unset VMFO_BUILD_DIR VMFO_CONFIGURE_FLAGS

tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/scripts" "$tree/src" "$tree/build"
cp "$top/scripts/vmfo" "$top/scripts/setup.sh" "$tree/scripts/"
printf '#!/bin/sh\nexit 1\n' >"$tree/configure" # there, so never run
chmod +x "$tree/configure"
echo 'int main(void) { return 0; }' >"$tree/src/main.c"
# vmfo from the source and config.h; config.h "made" by stamp-h1 without
# being rewritten, as automake's rule leaves it when nothing changed.
printf '%s\n' \
	'vmfo: config.h ../src/main.c' \
	'	printf '"'"'#!/bin/sh\necho "mini vmfo $$*"\n'"'"' >$@ && chmod +x $@' \
	'config.h: stamp-h1' \
	'	@:' >"$tree/build/Makefile"
: >"$tree/build/config.h"
: >"$tree/build/stamp-h1"
touch -d '2020-01-01 00:00:00' "$tree/src/main.c" "$tree/build/config.h"
touch -d '2020-01-02 00:00:00' "$tree/build/stamp-h1"

start() { run bash "$tree/scripts/vmfo" --version; }

start
is "$rc" 0 "first start: exit 0"
like "$out" '^vmfo: building' "first start: vmfo is built"
like "$out" '^mini vmfo --version$' "first start: then run with the arguments"

touch -d '2020-01-01 00:00:00' "$tree/build/config.h" # older than stamp-h1 again
start
is "$out" "mini vmfo --version" "second start: nothing rebuilt, no 'building' line (config.h older than stamp-h1 is current)"

touch -d '2020-01-03 00:00:00' "$tree/build/vmfo"
touch -d '2020-01-04 00:00:00' "$tree/src/main.c"
start
like "$out" '^vmfo: building' "after a source file changed: built again"
start
is "$out" "mini vmfo --version" "and the start after that builds nothing"

# The real build beside the real scripts, when it is the one under test and
# current: scripts/vmfo runs it at once. Only make -q asks; nothing builds.
real=$(cd "$top" && pwd)/build
if [ ! -f "$real/Makefile" ] || [ "$(cd "$(dirname "$VMFO")" && pwd)" != "$real" ]; then
	echo "ok $((tap_n + 1)) # SKIP no build/ beside scripts/ holding the vmfo under test (distcheck, another build directory)"
	tap_n=$((tap_n + 1))
# config.h aside (-o): setup.sh gives it stamp-h1's time when it is older.
elif ! make -q -o config.h -C "$real" vmfo >/dev/null 2>&1; then
	echo "ok $((tap_n + 1)) # SKIP build/ is not up to date: scripts/vmfo would build, here under make check"
	tap_n=$((tap_n + 1))
else
	run bash "$top/scripts/vmfo" --version
	like "$out" '^vmfo [0-9]+\.[0-9]+\.[0-9]+$' "the real scripts/vmfo on a current build/ runs vmfo"
	unlike "$out" 'building' "and builds nothing first"
fi

done_testing
