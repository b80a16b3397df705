#!/bin/bash
# SPDX-License-Identifier: Zlib
# conformance/check_exports.sh - libz-iaa exports the system zlib's functions and no more
#
# Usage: check_exports.sh SYSTEM_LIBZ LIB [LIB...]
#        check_exports.sh --archives [SYSTEM_LIBZ] A.a [B.a...]
#
# Library mode: the reference is SYSTEM_LIBZ itself, read with readelf at test time,
# never a stored list. Every function it exports must be exported by LIB with the
# same name and the same version ("name" for the base version, "name@@NODE" for the
# default version of a node, "name@NODE" for a hidden one). The only extra
# functions allowed are zlib_iaa_* at @@ZLIB_IAA_1.0, and the only data symbols the
# ABS markers the linker makes for version nodes; an extra version node other than
# ZLIB_IAA_1.0 also fails.
#
# Archive mode: every global defined symbol (nm -g --defined-only) of an internal
# static archive must start with ziaa_, unless it is a function name the system
# zlib exports (the shim archive defines the zlib API itself) or starts with
# zlib_iaa_. SYSTEM_LIBZ may be given before the archives; otherwise it is looked
# up (pkg-config, ldconfig, the compiler).
#
# Prints one line per library or archive, any mismatch lines indented below it, and
# "N passed, M failed". Exits 1 on any failure, 2 on bad usage.
set -euo pipefail

pass=0 fail=0
ext_re='^zlib_iaa_[A-Za-z0-9_]+@@ZLIB_IAA_1\.0$'

usage() {
	echo "usage: $0 SYSTEM_LIBZ LIB [LIB...]" >&2
	echo "       $0 --archives [SYSTEM_LIBZ] A.a [B.a...]" >&2
	exit 2
}

# dynsyms FILE: "TYPE NDX NAME" for each defined dynamic symbol. The name is the
# last field so that a visibility note in brackets cannot shift it.
dynsyms() {
	LC_ALL=C readelf --dyn-syms -W "$1" |
		awk '$1 ~ /^[0-9]+:$/ && NF >= 8 && $7 != "UND" { print $4, $7, $NF }'
}

# functions FILE: sorted "name[@[@]VERSION]" of the defined dynamic functions.
# An IFUNC export is a function to its callers, so it counts as one.
functions() {
	dynsyms "$1" | awk '$1 == "FUNC" || $1 == "IFUNC" { print $3 }' | LC_ALL=C sort -u
}

# version_nodes FILE: names of the version definitions, less the base (the SONAME).
version_nodes() {
	LC_ALL=C readelf -V -W "$1" |
		awk '/^Version definition section/ { d = 1; next }
		     /^Version (needs|symbols) section/ { d = 0 }
		     d && /Name:/ && !/Flags: BASE/ { print $NF }' | LC_ALL=C sort -u
}

# cap: at most 25 lines of each kind ("  kind: ..."), then how many more.
cap() {
	awk '{ k = $0; sub(/:.*/, "", k); if (++n[k] <= 25) print; else if (!(k in seen)) { seen[k]; order[++m] = k } }
	     END { for (i = 1; i <= m; i++) printf "%s: ... and %d more\n", order[i], n[order[i]] - 25 }'
}

result() { # 0|1, line
	if [ "$1" = 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
	echo "$2"
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ] || exit 1
	exit 0
}

# find_system_libz: the system zlib when --archives is not given one.
find_system_libz() {
	local p
	p=$(pkg-config --variable=libdir zlib 2>/dev/null || true)
	if [ -n "$p" ] && [ -e "$p/libz.so.1" ]; then
		echo "$p/libz.so.1"
		return
	fi
	p=$(/sbin/ldconfig -p 2>/dev/null | awk '$1 == "libz.so.1" && /x86-64|64bit|AArch64/ { print $NF; exit }')
	if [ -n "$p" ] && [ -e "$p" ]; then
		echo "$p"
		return
	fi
	p=$(cc -print-file-name=libz.so.1 2>/dev/null || true)
	if [ -n "$p" ] && [ -e "$p" ]; then
		echo "$p"
		return
	fi
	return 1
}

read_reference() { # SYSTEM_LIBZ
	[ -r "$1" ] || { echo "cannot read the system zlib $1"; exit 1; }
	ref=$(functions "$1")
	ref_names=$(cut -d@ -f1 <<< "$ref" | LC_ALL=C sort -u)
	ref_nodes=$(version_nodes "$1")
	total=$(grep -c . <<< "$ref" || true)
	[ "$total" -gt 0 ] || { echo "no functions read from the system zlib $1"; exit 1; }
}

# ---- archive mode -------------------------------------------------------------------
check_archive() { # A.a
	local a=$1 name syms bad count
	name=$(basename "$a")
	if ! syms=$(LC_ALL=C nm -g --defined-only "$a" 2>&1); then
		result 1 "$name: FAIL, nm cannot read it: $(head -1 <<< "$syms")"
		return
	fi
	# "member.o:" headers, then "address type name" lines.
	syms=$(awk 'NF == 1 && /:$/ { m = $1; sub(/:$/, "", m); sub(/.*\//, "", m); next }
		    NF == 3 { print m, $3 }' <<< "$syms")
	count=$(grep -c . <<< "$syms" || true)
	bad=$(while read -r member sym; do
		[ -n "${sym:-}" ] || continue
		case $sym in
		ziaa_* | zlib_iaa_*) continue ;;
		esac
		grep -qxF -- "$sym" <<< "$ref_names" && continue
		echo "  not ziaa_*: $sym (in $member)"
	done <<< "$syms")
	if [ -z "$bad" ]; then
		result 0 "$name: $count global symbols, all ziaa_*, zlib_iaa_* or zlib API names"
	else
		result 1 "$name: FAIL, $(grep -c . <<< "$bad") of $count global symbols lack the ziaa_ prefix"
		echo "$bad"
	fi
}

if [ "${1:-}" = --archives ]; then
	shift
	sys=
	case ${1:-} in
	*.so | *.so.*) sys=$1; shift ;;
	esac
	[ $# -ge 1 ] || usage
	if [ -z "$sys" ]; then
		sys=$(find_system_libz) || { echo "cannot find the system zlib (libz.so.1); give it before the archives"; exit 1; }
	fi
	read_reference "$sys"
	echo "reference: $sys, $total functions"
	for a in "$@"; do
		check_archive "$a"
	done
	finish
fi

# ---- library mode -------------------------------------------------------------------
[ $# -ge 2 ] || usage
sys=$1
shift
read_reference "$sys"

check_library() { # LIB
	local lib=$1 name ours syms missing extra ext unexpected data nodes lines="" ok=0 s n v type ndx
	name=$(basename "$lib")
	if [ ! -r "$lib" ] || ! syms=$(dynsyms "$lib" 2>&1) || [ -z "$syms" ]; then
		result 1 "$name: FAIL, no dynamic symbols read from $lib"
		return
	fi
	ours=$(functions "$lib")
	missing=$(LC_ALL=C comm -23 <(echo "$ref") <(echo "$ours"))
	extra=$(LC_ALL=C comm -13 <(echo "$ref") <(echo "$ours"))
	ext=$(grep -Ec "$ext_re" <<< "$extra" || true)
	unexpected=$(grep -Ev "$ext_re" <<< "$extra" || true)

	# A missing function exported under another version reads better as such.
	while read -r s; do
		[ -n "$s" ] || continue
		n=${s%%@*}
		v=$(grep -E "^${n}(@|$)" <<< "$unexpected" | tr '\n' ' ' || true)
		if [ -n "$v" ]; then
			lines+="  wrong version: $s is exported as ${v% }"$'\n'
			unexpected=$(grep -Ev "^${n}(@|$)" <<< "$unexpected" || true)
		else
			lines+="  missing: $s"$'\n'
		fi
	done <<< "$missing"
	while read -r s; do
		[ -z "$s" ] || lines+="  unexpected function: $s"$'\n'
	done <<< "$unexpected"

	# Data: only the version nodes' own ABS markers may be exported.
	nodes=$(version_nodes "$lib")
	data=$(awk '$1 != "FUNC" && $1 != "IFUNC"' <<< "$syms")
	while read -r type ndx s; do
		[ -n "${s:-}" ] || continue
		n=${s%%@*}
		if [ "$type" = OBJECT ] && [ "$ndx" = ABS ] && grep -qxF -- "$n" <<< "$nodes"; then
			continue
		fi
		lines+="  exported $type symbol: $s (section $ndx)"$'\n'
	done <<< "$data"
	while read -r n; do
		[ -n "$n" ] || continue
		grep -qxF -- "$n" <<< "$ref_nodes" || [ "$n" = ZLIB_IAA_1.0 ] ||
			lines+="  version node not in the system zlib: $n"$'\n'
	done <<< "$nodes"

	local matched=$((total - $(grep -c . <<< "$missing" || true)))
	[ -z "$lines" ] || ok=1
	result "$ok" "$name: $matched of $total functions match (names and versions), $ext extensions$([ $ok = 0 ] || echo ', FAIL')"
	[ -z "$lines" ] || printf '%s' "$lines" | cap
}

for lib in "$@"; do
	check_library "$lib"
done
finish
