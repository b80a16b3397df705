#!/bin/bash
# SPDX-License-Identifier: Zlib
# conformance/run_zlib_tests.sh - zlib's own example and minigzip against libz-iaa
#
# Usage: run_zlib_tests.sh BUILD_DIR SRCDIR
# SRCDIR holds example.c and minigzip.c from zlib's source (fetch_zlib_source.sh puts
# them there); without them this exits 77 (skipped). Each program is built twice
# against the system zlib.h: linked with -lz, and linked with -lz-iaa from BUILD_DIR.
# They then run in the three ways libz-iaa is deployed:
#   preload  the -lz build, LD_PRELOAD=BUILD_DIR/libz-iaa.so.1
#   relink   the -lz-iaa build (rpath BUILD_DIR)
#   dropin   the -lz build, LD_LIBRARY_PATH=BUILD_DIR/dropin (libz.so.1 is ours)
# each with ZLIB_IAA_MODE=off and with auto. The oracle is the system zlib: example
# must print what it prints with the system zlib; what minigzip compresses must come
# back with our minigzip -d and with gzip -dc, gzip's output must come back with our
# minigzip -d, and with ZLIB_IAA_MODE=off the compressed bytes must equal those of
# minigzip on the system zlib (off is a pure pass-through).
#
# Every run must prove that libz-iaa served it: a stats record (ZLIB_IAA_STATS) with
# that process's pid and the requested mode, and the loader's own account
# (LD_DEBUG=bindings) that every zlib function the program called was bound to
# libz-iaa at the path of its mode, none to the system libz.
#
# Prints "PASS|FAIL <mode>/<ZLIB_IAA_MODE> <check>" per check (a failure says why
# on the same line) and ends with "N passed, M failed"; exits 1 on any failure.
set -euo pipefail

usage() {
	echo "usage: $0 BUILD_DIR SRCDIR" >&2
	exit 2
}
[ $# = 2 ] || usage
src=$2
if [ ! -f "$src/example.c" ] || [ ! -f "$src/minigzip.c" ]; then
	echo "SKIP: $src has no example.c and minigzip.c (run fetch_zlib_source.sh $src)"
	exit 77
fi
# Canonical, so that the paths the loader prints compare equal to ours.
build=$(cd "$1" 2>/dev/null && pwd -P) || {
	echo "FAIL setup: no build directory $1"
	echo "0 passed, 1 failed"
	exit 1
}
src=$(cd "$src" && pwd -P)
lib=$build/libz-iaa.so.1
dropin=$build/dropin/libz.so.1

# meson's test environment may point the loader somewhere; every run here says
# exactly where it wants libz-iaa, and sets its own ZLIB_IAA_* variables.
unset LD_PRELOAD LD_LIBRARY_PATH LD_DEBUG LD_DEBUG_OUTPUT
while read -r v; do
	[ -z "$v" ] || unset "$v"
done <<< "$(compgen -e | grep '^ZLIB_IAA_' || true)"

work=$(mktemp -d)
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/bin" "$work/in" "$work/ref" "$work/run" "$work/ld"

pass=0 fail=0
report() { # check name; passes when $why is empty
	if [ -z "$why" ]; then
		pass=$((pass + 1))
		echo "PASS $1"
	else
		fail=$((fail + 1))
		echo "FAIL $1:$why"
	fi
}
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ] || exit 1
	exit 0
}

# ---- setup: libraries and builds ------------------------------------------------
why=""
[ -f "$lib" ] || why+=" no $lib"
[ -f "$dropin" ] || why+=" no $dropin"
[ -e "$build/libz-iaa.so" ] || why+=" no $build/libz-iaa.so (link name for -lz-iaa)"
report "setup libz-iaa.so.1 and dropin/libz.so.1 built"
[ -z "$why" ] || finish

cflags=(-O1 -w -D_GNU_SOURCE)
for p in example minigzip; do
	why=""
	cc "${cflags[@]}" -o "$work/bin/$p-z" "$src/$p.c" -lz >"$work/cc.log" 2>&1 ||
		why+=" cc failed: $(head -3 "$work/cc.log" | tr '\n' ' ')"
	report "build $p -lz"
	why=""
	cc "${cflags[@]}" -o "$work/bin/$p-iaa" "$src/$p.c" -L"$build" -lz-iaa \
		-Wl,-rpath,"$build" >"$work/cc.log" 2>&1 ||
		why+=" cc failed: $(head -3 "$work/cc.log" | tr '\n' ' ')"
	if [ -z "$why" ]; then
		needed=$(LC_ALL=C readelf -d "$work/bin/$p-iaa" | awk '/NEEDED/ { print $NF }' | tr -d '[]')
		grep -qx 'libz-iaa.so.1' <<< "$needed" || why+=" does not need libz-iaa.so.1"
		! grep -qx 'libz.so.1' <<< "$needed" || why+=" still needs libz.so.1"
	fi
	report "build $p -lz-iaa (needs libz-iaa.so.1, not libz.so.1)"
done
[ "$fail" = 0 ] || finish

# The system zlib as the -lz build finds it with no help, and the names of the
# functions it exports, read now: those are the calls that must be bound to us.
syslibz=$(ldd "$work/bin/example-z" 2>/dev/null | awk '$1 == "libz.so.1" { print $3 }')
if [ -z "$syslibz" ] || [ ! -f "$syslibz" ]; then
	why=" cannot find the system libz.so.1"
	report "setup system zlib"
	finish
fi
LC_ALL=C readelf --dyn-syms -W "$syslibz" |
	awk '$1 ~ /^[0-9]+:$/ && ($4 == "FUNC" || $4 == "IFUNC") && $7 != "UND" { n = $NF; sub(/@.*/, "", n); print n }' |
	sort -u > "$work/zfuncs"

# ---- running a program ---------------------------------------------------------------
# zrun MODE ZMODE CWD IN OUT PROG ARGS...
# Runs PROG (example or minigzip) in a deployment mode, stdin from IN, stdout to
# OUT, in directory CWD. Sets rc to its exit status and appends to $why anything
# wrong: a non-zero exit, output on stderr, no proof that libz-iaa served it.
# MODE "system" is the plain -lz build with nothing of ours around it.
nrun=0
zrun() {
	local mode=$1 zmode=$2 cwd=$3 in=$4 out=$5 prog=$6 bin want pid n line
	shift 6
	local -a envv=()
	nrun=$((nrun + 1))
	n=$nrun
	local stats=$work/run/stats.$n err=$work/run/err.$n dbg=$work/ld/run.$n
	case $mode in
	system) bin=$work/bin/$prog-z ;;
	preload) bin=$work/bin/$prog-z want=$lib envv=(LD_PRELOAD="$lib") ;;
	relink) bin=$work/bin/$prog-iaa want=$lib ;;
	dropin) bin=$work/bin/$prog-z want=$dropin envv=(LD_LIBRARY_PATH="$build/dropin") ;;
	*) echo "zrun: unknown mode $mode" >&2; exit 2 ;;
	esac
	if [ "$mode" != system ]; then
		envv+=(ZLIB_IAA_MODE="$zmode" ZLIB_IAA_STATS="$stats"
			LD_DEBUG=bindings LD_DEBUG_OUTPUT="$dbg")
	fi
	env -C "$cwd" "${envv[@]}" "$bin" "$@" <"$in" >"$out" 2>"$err" &
	pid=$!
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" = 0 ] || why+=" [$prog $* exit $rc]"
	if [ -s "$err" ]; then
		why+=" [$prog $* stderr: $(head -c 200 "$err" | tr '\n' ' ')]"
	fi
	[ "$mode" != system ] || return 0

	# The stats record: only libz-iaa writes one, at exit, with its pid.
	if ! [ -f "$stats" ]; then
		why+=" [$prog $*: no stats record]"
	else
		line=$(grep -E "\"pid\":$pid([^0-9]|\$)" "$stats" || true)
		if [ -z "$line" ]; then
			why+=" [$prog $*: stats has no \"pid\":$pid]"
		elif ! grep -q "\"mode\":\"$zmode\"" <<< "$line"; then
			why+=" [$prog $*: stats mode is not $zmode: $(head -c 120 <<< "$line")]"
		fi
	fi
	# The loader's account: every zlib function the program called was bound to
	# libz-iaa at the path of this mode (ld.so prints the defining object's path).
	if ! [ -f "$dbg.$pid" ]; then
		why+=" [$prog $*: no LD_DEBUG output]"
		return 0
	fi
	line=$(awk -v bin="$bin" -v want="$want" -v names="$work/zfuncs" '
		BEGIN { while ((getline l < names) > 0) z[l] = 1 }
		{
			p = index($0, "binding file " bin " [")
			if (p == 0) next
			rest = substr($0, p)
			if (!match(rest, / to [^ ]+ \[[0-9]+\]: normal symbol `[^'\'']+'\''/)) next
			split(substr(rest, RSTART, RLENGTH), f, " ")
			sym = f[6]; gsub(/[`'\'']/, "", sym)
			if (!(sym in z)) next
			bound++
			if (f[2] != want) bad = bad " " sym "->" f[2]
		}
		END {
			if (bad != "") print "zlib calls bound elsewhere:" bad
			else if (bound == 0) print "no zlib call bound to any library"
		}' "$dbg.$pid")
	[ -z "$line" ] || why+=" [$prog $*: $line]"
	rm -f "$dbg.$pid"
	return 0
}

same() { # A B what: append to $why unless files A and B are identical
	cmp -s "$1" "$2" || why+=" [$3 differs]"
}

# ---- inputs and the system zlib's answers ---------------------------------------------
head -c 1048576 /dev/urandom > "$work/in/random"
{
	cat "$src/example.c" "$src/minigzip.c"
	awk 'BEGIN { for (i = 1; i <= 12000; i++)
		printf "%06d the quick brown fox %d jumps over %x lazy dogs\n", i, i * 7, i * 13 }'
} > "$work/in/text"
: > "$work/in/empty"
inputs="text random empty"
levels="-6 -1 -9 -h -r" # -6 stands for minigzip's default: no option

opts() { # level: set the array lopt to minigzip's options for it
	lopt=()
	[ "$1" = -6 ] || lopt=("$1")
}

why=""
mkdir "$work/ref/ex"
zrun system - "$work/ref/ex" /dev/null "$work/ref/example.out" example example.gz
cp "$work/run/err.$nrun" "$work/ref/example.err"
[ -f "$work/ref/ex/example.gz" ] && cp "$work/ref/ex/example.gz" "$work/ref/example.gz"
for f in $inputs; do
	for l in $levels; do
		opts "$l"
		zrun system - "$work" /dev/null "$work/ref/$f$l.gz" minigzip "${lopt[@]}" -c "$work/in/$f"
		gzip -dc < "$work/ref/$f$l.gz" > "$work/ref/back" 2>/dev/null || why+=" [gzip -dc of $f$l]"
		same "$work/ref/back" "$work/in/$f" "system minigzip $l $f round trip"
	done
	gzip -c -n < "$work/in/$f" > "$work/ref/$f.gzip.gz"
done
zrun system - "$work" "$work/in/text" "$work/ref/stdin.gz" minigzip -9
report "system/- reference outputs from the system zlib"
[ "$fail" = 0 ] || finish

# Negative control: with the plain system zlib, nobody writes a stats record, so a
# record below really means libz-iaa was there.
why=""
env ZLIB_IAA_STATS="$work/run/control" "$work/bin/minigzip-z" -c "$work/in/text" >/dev/null ||
	why=" the system minigzip failed"
[ ! -e "$work/run/control" ] || why=" a stats record appeared without libz-iaa"
report "system/- control: no stats record from the system zlib"

# ---- the three deployment modes ---------------------------------------------------------
for mode in preload relink dropin; do
	for zmode in off auto; do
		t=$mode/$zmode

		# How the loader resolves our library in this mode.
		why=""
		case $mode in
		preload) libs=$(LD_PRELOAD="$lib" ldd "$work/bin/example-z" 2>&1 || true)
			want="$lib " ;;
		relink) libs=$(ldd "$work/bin/example-iaa" 2>&1 || true)
			want="libz-iaa.so.1 => $lib " ;;
		dropin) libs=$(LD_LIBRARY_PATH="$build/dropin" ldd "$work/bin/example-z" 2>&1 || true)
			want="libz.so.1 => $dropin " ;;
		esac
		grep -qF "$want" <<< "$libs" || why=" ldd does not show '$want': $(tr '\n\t' '  ' <<< "$libs")"
		report "$t ldd: ${want% }"

		# example: exit 0, and what it prints (and, in mode off, the .gz it writes)
		# as with the system zlib.
		why=""
		d=$work/run/ex.$mode.$zmode
		mkdir "$d"
		zrun "$mode" "$zmode" "$d" /dev/null "$d.out" example example.gz
		same "$d.out" "$work/ref/example.out" "stdout"
		if [ "$zmode" = off ] && [ -f "$work/ref/example.gz" ]; then
			same "$d/example.gz" "$work/ref/example.gz" "example.gz"
		fi
		report "$t example"

		for f in $inputs; do
			for l in $levels; do
				c=$work/run/$f$l.gz
				back=$work/run/$f$l.back
				why=""
				opts "$l"
				zrun "$mode" "$zmode" "$work" /dev/null "$c" minigzip "${lopt[@]}" -c "$work/in/$f"
				zrun "$mode" "$zmode" "$work" /dev/null "$back" minigzip -d -c "$c"
				same "$back" "$work/in/$f" "decompressed"
				report "$t minigzip $l $f round trip"

				why=""
				gzip -dc < "$c" > "$back" 2>"$work/run/gzip.err" || why+=" [gzip -dc: $(head -1 "$work/run/gzip.err")]"
				same "$back" "$work/in/$f" "gzip -dc output"
				report "$t minigzip $l $f by gzip -dc"

				if [ "$zmode" = off ]; then
					why=""
					same "$c" "$work/ref/$f$l.gz" "compressed stream"
					report "$t minigzip $l $f bytes as the system zlib"
				fi
			done
			why=""
			zrun "$mode" "$zmode" "$work" /dev/null "$work/run/$f.back" minigzip -d -c "$work/ref/$f.gzip.gz"
			same "$work/run/$f.back" "$work/in/$f" "decompressed"
			report "$t minigzip -d $f from gzip -c"
		done

		# The stdin/stdout path (gzdopen) both ways.
		why=""
		zrun "$mode" "$zmode" "$work" "$work/in/text" "$work/run/stdin.gz" minigzip -9
		zrun "$mode" "$zmode" "$work" "$work/run/stdin.gz" "$work/run/stdin.back" minigzip -d
		same "$work/run/stdin.back" "$work/in/text" "decompressed"
		[ "$zmode" != off ] || same "$work/run/stdin.gz" "$work/ref/stdin.gz" "compressed stream"
		report "$t minigzip -9 and -d through stdin and stdout"
	done
done
finish
