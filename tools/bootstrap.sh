#!/bin/sh
# SPDX-License-Identifier: Zlib
# tools/bootstrap.sh - install what libz-iaa needs on Debian 12 (as root) and build it
#
# Usage: tools/bootstrap.sh [BUILD_DIR]    (default: build)
# Installs the Debian packages, adds a deb-src entry in a private sources file so the
# conformance tests can fetch zlib's own test programs with `apt-get source`, then
# configures and builds with Meson. Safe to run again.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}

packages="gcc pkg-config meson ninja-build zlib1g-dev libcmocka-dev libaccel-config-dev
libisal-dev dpkg-dev unzip pigz python3 valgrind clang libclang-rt-14-dev"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
has_src=no
if grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ || grep -qs '^deb-src' /etc/apt/sources.list; then
	has_src=yes
fi
if [ -n "$missing" ] || [ "$has_src" = no ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "bootstrap: need root to install:$missing" >&2
		exit 1
	fi
	# Fresh Debian 12 machines list binary packages only; zlib's test programs come
	# from its source package, on the same package host.
	if [ "$has_src" = no ]; then
		cat > /etc/apt/sources.list.d/zlib-iaa-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	[ -z "$missing" ] || apt-get install -y -qq $missing >/dev/null
fi

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" -Dwerror=true
fi
ninja -C "$build"
