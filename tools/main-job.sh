#!/bin/sh
# SPDX-License-Identifier: Zlib
# tools/main-job.sh - the main job: an unmodified zlib program through libz-iaa
#
# Usage: tools/main-job.sh [BUILD_DIR]
# Compresses and decompresses sample data (Silesia files from ../shared/corpus when
# present) with pigz, an unmodified program linked against the system libz.so.1,
# with libz-iaa injected by LD_PRELOAD; checks the round trip byte for byte, checks
# that the system gzip accepts the stream, and prints the libz-iaa stats records.
set -eu
cd "$(dirname "$0")/.."
build=$(cd "${1:-build}" && pwd)
lib=$build/libz-iaa.so.1
corpus=../shared/corpus/silesia
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v pigz >/dev/null || { echo "main-job: pigz is missing (tools/bootstrap.sh installs it)" >&2; exit 1; }
[ -f "$lib" ] || { echo "main-job: $lib is missing (run tools/bootstrap.sh)" >&2; exit 1; }

if [ -f "$corpus/dickens.zip" ] && [ -f "$corpus/xml.zip" ]; then
	unzip -o -q "$corpus/dickens.zip" -d "$work"
	unzip -o -q "$corpus/xml.zip" -d "$work"
	files="dickens xml"
else
	# Without the corpus: 8 MiB of text-like data made here.
	awk 'BEGIN { srand(1); for (i = 0; i < 400000; i++) printf "%d the quick brown %x fox\n", i, int(rand() * 65536) }' > "$work/sample"
	files=sample
fi

stats=$work/stats.json
status=0
for f in $files; do
	in=$work/$f
	LD_PRELOAD=$lib ZLIB_IAA_STATS=$stats pigz -p 2 -c "$in" > "$in.gz"
	LD_PRELOAD=$lib ZLIB_IAA_STATS=$stats pigz -p 2 -d -c "$in.gz" > "$in.out"
	if cmp -s "$in" "$in.out" && gzip -t "$in.gz"; then
		verdict=OK
	else
		verdict=FAILED
		status=1
	fi
	printf '%-8s %10d -> %9d bytes (ratio %s)  round trip %s\n' "$f" \
		"$(wc -c < "$in")" "$(wc -c < "$in.gz")" \
		"$(awk -v a="$(wc -c < "$in")" -v b="$(wc -c < "$in.gz")" 'BEGIN { printf "%.3f", a / b }')" \
		"$verdict"
done

echo
echo "libz-iaa stats (ZLIB_IAA_STATS, one JSON line per process):"
if [ -s "$stats" ]; then
	cat "$stats"
else
	echo "(none: libz-iaa was not loaded)"
	status=1
fi
exit $status
