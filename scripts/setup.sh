# setup.sh — sourced by scripts/vmfo and scripts/test: installs the Debian
# packages the build needs (when root; not with VMFO_SKIP_PACKAGES set), then
# configures and builds vmfo in build/, doing only what is out of date. Build
# output goes to build/build.log.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$top/${VMFO_BUILD_DIR:-build}"

# Debian packages: toolchain, autotools, and the libraries configure looks for.
VMFO_PACKAGES="gcc make binutils autoconf automake pkg-config libc6-dev linux-libc-dev \
libreadline-dev libncurses-dev liblua5.4-dev libjansson-dev libcairo2-dev"

vmfo_missing_packages() {
	local p missing=
	for p in $VMFO_PACKAGES ${VMFO_EXTRA_PACKAGES:-}; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	echo "$missing"
}

vmfo_install_packages() {
	local missing
	# VMFO_SKIP_PACKAGES=1: whoever runs this has seen to the packages (a
	# test, a prepared image): no dpkg-query, no apt-get.
	[ -n "${VMFO_SKIP_PACKAGES:-}" ] && return 0
	missing=$(vmfo_missing_packages)
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "vmfo: missing Debian packages:$missing" >&2
		echo "vmfo: install them (sudo apt-get install$missing) or run this as root" >&2
		return 1
	fi
	echo "vmfo: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || { echo "vmfo: apt-get update failed" >&2; return 1; }
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2 ||
		{ echo "vmfo: apt-get install$missing failed" >&2; return 1; }
}

vmfo_build() {
	mkdir -p "$build" || return 1
	local log="$build/build.log"
	if [ ! -x "$top/configure" ]; then
		echo "vmfo: running autoreconf (log: $log)" >&2
		(cd "$top" && autoreconf -fi) >"$log" 2>&1 || { cat "$log" >&2; return 1; }
	fi
	if [ ! -f "$build/Makefile" ]; then
		echo "vmfo: configuring in build/ (log: $log)" >&2
		(cd "$build" && "$top/configure" ${VMFO_CONFIGURE_FLAGS:-}) >>"$log" 2>&1 ||
			{ cat "$log" >&2; return 1; }
	fi
	# Automake's rule leaves config.h older than stamp-h1 when configure
	# found nothing in it to change, and make -q then never says "up to
	# date". The stamp is what records that config.h is current: give
	# config.h its time.
	if [ "$build/stamp-h1" -nt "$build/config.h" ]; then
		touch -r "$build/stamp-h1" "$build/config.h"
	fi
	# make -q: exit 0 when everything is up to date, so a current build
	# starts the console at once.
	if ! make -q -C "$build" vmfo >/dev/null 2>&1; then
		echo "vmfo: building (log: $log)" >&2
		make -C "$build" -j"$(nproc)" vmfo >>"$log" 2>&1 || { tail -n 40 "$log" >&2; return 1; }
	fi
}
