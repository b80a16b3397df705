#!/bin/bash
# SPDX-License-Identifier: Zlib
# conformance/differential.sh - the differential suite: system zlib vs libz-iaa
#
# Usage: differential.sh BUILD_DIR PROGRAM_Z PROGRAM_IAA
# PROGRAM_Z is conformance/differential.c linked with -lz, PROGRAM_IAA the same source
# linked with -lz-iaa. The reference transcript comes from PROGRAM_Z on the system
# zlib alone; then libz-iaa runs it preloaded, relinked and as the drop-in, each with
# ZLIB_IAA_MODE=off and auto. Every run must print the reference transcript exactly
# and leave a libz-iaa stats record (proof that libz-iaa was really in the process).
set -uo pipefail
build=$(readlink -f "$1")
prog_z=$(readlink -f "$2")
prog_iaa=$(readlink -f "$3")
# meson points LD_LIBRARY_PATH at the drop-in for tests: the reference must not see it.
unset LD_LIBRARY_PATH LD_PRELOAD ZLIB_IAA_MODE ZLIB_IAA_STATS
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

"$prog_z" > "$work/ref" || { echo "reference run failed"; exit 1; }
cases=$(sed -n 's/^cases: //p' "$work/ref")
[ "${cases:-0}" -gt 0 ] || { echo "reference transcript has no cases"; exit 1; }
libs=$(ldd "$prog_z")
if grep -q -e libz-iaa -e "libz.so.1 => $build" <<< "$libs"; then
	echo "the reference program is not on the system zlib"
	exit 1
fi

for mode in preload relink dropin; do
	for zmode in off auto; do
		rm -f "$work/stats"
		case $mode in
		preload) env LD_PRELOAD="$build/libz-iaa.so.1" ZLIB_IAA_MODE=$zmode \
			ZLIB_IAA_STATS="$work/stats" "$prog_z" > "$work/out" ;;
		relink) env ZLIB_IAA_MODE=$zmode ZLIB_IAA_STATS="$work/stats" "$prog_iaa" > "$work/out" ;;
		dropin) env LD_LIBRARY_PATH="$build/dropin" ZLIB_IAA_MODE=$zmode \
			ZLIB_IAA_STATS="$work/stats" "$prog_z" > "$work/out" ;;
		esac
		rc=$?
		if [ $rc = 0 ] && cmp -s "$work/ref" "$work/out" &&
		   grep -q "\"mode\":\"$zmode\"" "$work/stats" 2>/dev/null; then
			echo "PASS $mode/$zmode: $cases cases identical to the system zlib"
			pass=$((pass + 1))
		else
			echo "FAIL $mode/$zmode (exit $rc; stats record: $(grep -c pid "$work/stats" 2>/dev/null || echo none))"
			diff "$work/ref" "$work/out" | head -20
			fail=$((fail + 1))
		fi
	done
done
echo "differential cases: $cases x $((pass + fail)) runs"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
