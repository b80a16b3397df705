#!/bin/bash
# SPDX-License-Identifier: Zlib
# conformance/zlib_programs.sh - zlib's own example and minigzip, in all three
# deployment modes of libz-iaa
#
# Usage: zlib_programs.sh BUILD_DIR SRC_DIR
# Fetches example.c and minigzip.c from Debian's zlib source package into SRC_DIR
# (apt-get source; needs a deb-src entry, which tools/bootstrap.sh adds), builds
# each linked with -lz and linked with -lz-iaa, and runs them as
#   preload  the -lz build with LD_PRELOAD=libz-iaa.so.1
#   relink   the -lz-iaa build
#   dropin   the -lz build with LD_LIBRARY_PATH=BUILD_DIR/dropin
# each under ZLIB_IAA_MODE=off and auto. Every run must leave a stats record (proof
# that libz-iaa was loaded) and give the results the system zlib gives.
set -uo pipefail
build=$(readlink -f "$1")
src=$2
# meson points LD_LIBRARY_PATH at the drop-in for tests; the runs here choose.
unset LD_LIBRARY_PATH LD_PRELOAD ZLIB_IAA_MODE ZLIB_IAA_STATS
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

result() { # ok, message
	if [ "$1" = 0 ]; then
		pass=$((pass + 1))
		echo "PASS $2"
	else
		fail=$((fail + 1))
		echo "FAIL $2"
	fi
}

# ---- sources ----------------------------------------------------------------
if [ ! -f "$src/example.c" ] || [ ! -f "$src/minigzip.c" ]; then
	mkdir -p "$src" "$work/apt"
	if ! (cd "$work/apt" && apt-get source -qq zlib >"$work/apt.log" 2>&1); then
		echo "cannot fetch zlib's source with apt-get source (no deb-src entry? run tools/bootstrap.sh):"
		tail -3 "$work/apt.log"
		exit 77
	fi
	cp "$work"/apt/zlib-*/test/example.c "$work"/apt/zlib-*/test/minigzip.c "$src"/ || exit 77
fi
echo "sources: $(sha256sum "$src/example.c" "$src/minigzip.c" | awk '{ printf "%s %.12s  ", $2, $1 }')"

# ---- builds -----------------------------------------------------------------
for p in example minigzip; do
	cc -O1 -w -D_GNU_SOURCE "$src/$p.c" -o "$work/$p-z" -lz &&
	cc -O1 -w -D_GNU_SOURCE "$src/$p.c" -o "$work/$p-iaa" -L"$build" -lz-iaa \
		-Wl,-rpath,"$build" || { echo "cannot build $p"; exit 1; }
done
result "$(readelf -d "$work/example-iaa" | grep -q 'NEEDED.*libz-iaa.so.1'; echo $?)" \
	"relink: example needs libz-iaa.so.1"

# run MODE ZMODE PROGRAM ARGS... : run a program in a deployment mode
run() {
	local mode=$1 zmode=$2 prog=$3
	shift 3
	case $mode in
	system) env "$work/$prog-z" "$@" ;;
	preload) env LD_PRELOAD="$build/libz-iaa.so.1" ZLIB_IAA_MODE="$zmode" \
		ZLIB_IAA_STATS="$work/stats" "$work/$prog-z" "$@" ;;
	relink) env ZLIB_IAA_MODE="$zmode" ZLIB_IAA_STATS="$work/stats" "$work/$prog-iaa" "$@" ;;
	dropin) env LD_LIBRARY_PATH="$build/dropin" ZLIB_IAA_MODE="$zmode" \
		ZLIB_IAA_STATS="$work/stats" "$work/$prog-z" "$@" ;;
	esac
}

# ---- inputs and the system zlib's answers ----------------------------------------
head -c 1048576 /dev/urandom > "$work/random"
for i in $(seq 1 20000); do echo "line $i: libz-iaa conformance text, mostly repetitive"; done > "$work/text"
: > "$work/empty"
inputs="random text empty"
(cd "$work" && "$work/example-z" "$work/ref.gz" > "$work/example.ref" 2>&1)
for f in $inputs; do
	for opt in "" -1 -9 -h -r; do
		run system off minigzip $opt -c "$work/$f" > "$work/$f$opt.ref.gz"
	done
done

# ---- the three deployment modes ----------------------------------------------------
for mode in preload relink dropin; do
	for zmode in off auto; do
		tag="$mode/$zmode"
		rm -f "$work/stats"
		run "$mode" "$zmode" example "$work/t.gz" > "$work/example.out" 2>&1
		rc=$?
		result "$([ $rc = 0 ] && cmp -s "$work/example.out" "$work/example.ref"; echo $?)" \
			"$tag example (exit $rc, output as with the system zlib)"
		for f in $inputs; do
			for opt in "" -1 -9 -h -r; do
				run "$mode" "$zmode" minigzip $opt -c "$work/$f" > "$work/$f.gz" &&
				run "$mode" "$zmode" minigzip -d -c "$work/$f.gz" > "$work/$f.back"
				ok=$?
				[ $ok = 0 ] && cmp -s "$work/$f" "$work/$f.back" && gzip -dc "$work/$f.gz" | cmp -s - "$work/$f"
				ok=$?
				# With no device (this machine), auto runs the system zlib too: same bytes.
				[ $ok = 0 ] && cmp -s "$work/$f.gz" "$work/$f$opt.ref.gz"
				ok=$?
				result $ok "$tag minigzip ${opt:--6} $f: round trip, gzip -d, bytes as the system zlib"
			done
			gzip -c "$work/$f" > "$work/$f.sys.gz"
			run "$mode" "$zmode" minigzip -d -c "$work/$f.sys.gz" | cmp -s - "$work/$f"
			result $? "$tag minigzip -d of gzip's $f"
		done
		n=$(grep -c '"pid":' "$work/stats" 2>/dev/null)
		result "$([ "${n:-0}" -ge 30 ] && grep -q "\"mode\":\"$zmode\"" "$work/stats"; echo $?)" \
			"$tag libz-iaa was loaded in every run (${n:-0} stats records)"
	done
done
libs=$(LD_LIBRARY_PATH="$build/dropin" ldd "$work/example-z")
result "$(grep -qF "libz.so.1 => $build/dropin/libz.so.1" <<< "$libs"; echo $?)" \
	"dropin: libz.so.1 resolves to the drop-in copy"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
