#!/bin/sh
# SPDX-License-Identifier: Zlib
# tools/test.sh - the whole test suite (what .ci/run and the README run)
#
# Usage: tools/test.sh [BUILD_DIR]
# 1. every meson test of the main build (unit, golden and conformance suites);
# 2. the unit and golden suites again in a second build with AddressSanitizer and
#    UndefinedBehaviorSanitizer (build-asan/ beside BUILD_DIR);
# 3. the libFuzzer targets for a fixed number of inputs (tools/fuzz.sh runs=N), when
#    clang is installed (tools/bootstrap.sh installs it).
# Exits non-zero when either fails.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
asan=$(dirname "$build")/build-asan

meson test -C "$build" --print-errorlogs --num-processes 2
if [ ! -f "$asan/build.ninja" ]; then
	meson setup "$asan" -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbenchmarks=false >/dev/null
fi
ninja -C "$asan" >"$asan/ninja.log" 2>&1 || { cat "$asan/ninja.log"; exit 1; }
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C "$asan" --suite unit --print-errorlogs --num-processes 2
if command -v clang >/dev/null 2>&1; then
	tools/fuzz.sh runs=200000
else
	echo "test.sh: clang not installed: the fuzz run is skipped"
fi
