#!/bin/sh
# SPDX-License-Identifier: Zlib
# tools/overhead.sh - instructions libz-iaa adds to a workload of small zlib calls
#
# Usage: tools/overhead.sh [BUILD_DIR]
# Runs build/test/bench_shim (linked with -lz) under callgrind on the system zlib and
# with LD_PRELOAD=libz-iaa.so.1 (ZLIB_IAA_MODE=off and auto), in the same run, and
# prints instruction counts and the ratio.
set -eu
build=$(cd "${1:-build}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset LD_LIBRARY_PATH LD_PRELOAD

count() { # label, then env assignments
	label=$1
	shift
	env "$@" valgrind --tool=callgrind --callgrind-out-file="$work/$label.out" \
		"$build/test/bench_shim" >/dev/null 2>"$work/$label.err"
	sed -n 's/^summary: \([0-9]*\).*/\1/p' "$work/$label.out"
}

zlib=$(count zlib ZLIB_IAA_MODE=off)
off=$(count off ZLIB_IAA_MODE=off LD_PRELOAD="$build/libz-iaa.so.1")
auto=$(count auto ZLIB_IAA_MODE=auto LD_PRELOAD="$build/libz-iaa.so.1")
printf 'system zlib          %12d instructions\n' "$zlib"
printf 'libz-iaa, mode off   %12d instructions  (%s x zlib)\n' "$off" \
	"$(awk -v a="$off" -v b="$zlib" 'BEGIN { printf "%.4f", a / b }')"
printf 'libz-iaa, mode auto  %12d instructions  (%s x zlib)\n' "$auto" \
	"$(awk -v a="$auto" -v b="$zlib" 'BEGIN { printf "%.4f", a / b }')"
