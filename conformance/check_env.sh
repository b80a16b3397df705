#!/bin/bash
# SPDX-License-Identifier: Zlib
# conformance/check_env.sh - configuration and loading behaviour seen from outside
#
# Usage: check_env.sh BUILD_DIR SYSTEM_LIBZ PROGRAM
# PROGRAM is a zlib program linked with -lz that exits 0 after a round trip. Checks:
# ZLIB_IAA_MODE values and the one-line warning for an unknown one; the stats record
# (one line per process, mode 0644, appended); that the drop-in copy refuses to load
# itself as "the system zlib" (private mount namespace, root only).
set -uo pipefail
build=$1 syslibz=$2 prog=$(readlink -f "$3")
# meson points LD_LIBRARY_PATH at the drop-in copy for tests; the runs here choose.
unset LD_LIBRARY_PATH LD_PRELOAD ZLIB_IAA_MODE ZLIB_IAA_STATS
lib=$build/libz-iaa.so.1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

check() { # name, then a command that must succeed
	local name=$1
	shift
	if "$@"; then
		echo "PASS $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name"
		fail=$((fail + 1))
	fi
}

mode_is() { # ZLIB_IAA_MODE value, expected effective mode
	rm -f "$work/s.json"
	env ZLIB_IAA_MODE="$1" ZLIB_IAA_STATS="$work/s.json" LD_PRELOAD="$lib" "$prog" \
		>/dev/null 2>"$work/err" &&
	grep -q "\"mode\":\"$2\"" "$work/s.json"
}

check "mode auto by default" mode_is "" auto
check "mode auto" mode_is auto auto
check "mode off" mode_is off off
check "mode emulate" mode_is emulate emulate
check "unknown mode behaves as off" mode_is turbo off
check "unknown mode warns in exactly one line" \
	test "$(grep -c 'libz-iaa: unknown ZLIB_IAA_MODE "turbo"' "$work/err")" = 1 -a \
	"$(wc -l < "$work/err")" = 1
check "mode off counts mode_off" grep -q '"mode_off":[1-9]' <(mode_is off off && cat "$work/s.json")

rm -f "$work/s.json"
for _ in 1 2 3; do ZLIB_IAA_STATS="$work/s.json" LD_PRELOAD="$lib" "$prog" >/dev/null; done
check "stats: one line per process, appended" test "$(grep -c '^{"pid":[0-9]*,' "$work/s.json")" = 3
check "stats: mode 0644" test "$(stat -c %a "$work/s.json")" = 644
check "only the active copy reports (preload over drop-in)" bash -c "
	rm -f '$work/s.json'; ZLIB_IAA_MODE=turbo ZLIB_IAA_STATS='$work/s.json' LD_PRELOAD='$lib' \
	LD_LIBRARY_PATH='$build/dropin' '$prog' 2>'$work/err2' >/dev/null &&
	test \$(wc -l < '$work/s.json') = 1 && test \$(wc -l < '$work/err2') = 1"
check "stats: an unwritable path warns, the program still succeeds" bash -c "
	err=\$(ZLIB_IAA_STATS=/nonexistent/dir/s.json LD_PRELOAD='$lib' '$prog' 2>&1 >/dev/null) &&
	grep -q 'libz-iaa: cannot write stats to /nonexistent/dir/s.json' <<< \"\$err\""

# The drop-in copy is also called libz.so.1. Put it where the system zlib should be
# (bind mount, private namespace): libz-iaa must refuse to load itself, loudly.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	real=$(readlink -f "$syslibz")
	out=$(unshare -m bash -c "mount --make-rprivate / && mount --bind '$build/dropin/libz.so.1' '$real' &&
		LD_LIBRARY_PATH='$build/dropin' '$prog'" 2>&1)
	rc=$?
	check "drop-in refuses to load itself as the system zlib" \
		bash -c "[ $rc -ne 0 ] && grep -q 'it is libz-iaa itself' <<< '$out'"
else
	echo "SKIP self-load check: needs root and unshare"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
