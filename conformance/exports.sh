#!/bin/bash
# SPDX-License-Identifier: Zlib
# conformance/exports.sh - libz-iaa exports exactly the system zlib's functions
#
# Usage: exports.sh SYSTEM_LIBZ LIB...          compare each LIB's export list
#        exports.sh --archives SYSTEM_LIBZ A.a... internal archives define only ziaa_*
# The reference is read from the system zlib at test time, never from a stored list:
# every function it exports must be exported by LIB with the same name and version;
# LIB may add only zlib_iaa_* in ZLIB_IAA_1.0, and no data symbols.
set -uo pipefail
pass=0 fail=0

# "name@VERSION" (or "name" for the base version) of defined dynamic symbols of a type.
exports() { # file, symbol type
	readelf --dyn-syms -W "$1" | awk -v t="$2" '$4 == t && $7 != "UND" { print $8 }' |
		sed 's/@@/@/' | sort
}

result() { # ok, message
	if [ "$1" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	echo "$2"
}

if [ "${1:-}" = --archives ]; then
	sys=$2
	shift 2
	zlib_names=$(exports "$sys" FUNC | sed 's/@.*//')
	for a in "$@"; do
		bad=$(nm -g --defined-only "$a" | awk 'NF == 3 { print $3 }' | sort -u |
			grep -v '^ziaa_' | grep -v '^zlib_iaa_' | grep -vxF "$zlib_names")
		if [ -z "$bad" ]; then
			result 0 "$(basename "$a"): every global symbol is ziaa_*, zlib_iaa_* or a zlib name"
		else
			result 1 "$(basename "$a"): global symbols without the ziaa_ prefix: $(echo $bad)"
		fi
	done
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
fi

sys=$1
shift
ref=$(exports "$sys" FUNC)
total=$(wc -l <<< "$ref")
[ "$total" -gt 0 ] || { echo "no functions read from $sys"; exit 1; }
for lib in "$@"; do
	ours=$(exports "$lib" FUNC)
	missing=$(comm -23 <(echo "$ref") <(echo "$ours"))
	extra=$(comm -13 <(echo "$ref") <(echo "$ours"))
	ext=$(grep -c '^zlib_iaa_[a-z0-9_]*@ZLIB_IAA_1\.0$' <<< "$extra")
	unexpected=$(grep -v '^zlib_iaa_[a-z0-9_]*@ZLIB_IAA_1\.0$' <<< "$extra")
	data=$(readelf --dyn-syms -W "$lib" | awk '$7 != "UND" && $7 != "ABS" && ($4 == "OBJECT" || $4 == "TLS") { print $8 }')
	matched=$((total - $(grep -c . <<< "$missing")))
	msg="$(basename "$lib"): $matched of $total functions match (names and versions), $ext extensions"
	if [ -z "$missing" ] && [ -z "$unexpected" ] && [ -z "$data" ]; then
		result 0 "$msg"
	else
		result 1 "$msg; missing: $(echo $missing | cut -c1-400); unexpected: $(echo $unexpected $data | cut -c1-400)"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
