#!/bin/sh
# SPDX-License-Identifier: Zlib
# tools/fuzz.sh - run the libFuzzer targets (test/fuzz/) for a while
#
# Usage: tools/fuzz.sh [SECONDS | runs=N]   (default 60 seconds per target)
# runs=N makes a repeatable run (fixed seed, N inputs): what tools/test.sh does.
# Needs clang and libclang-rt-14-dev (tools/bootstrap.sh installs them).
# Builds build-fuzz/ with clang, -Dfuzz=true and ASan+UBSan, seeds the corpora
# (DECOMPRESS: zlib streams at several levels and strategies, windowBits 12;
# COMPRESS, and SPLIT, its jobs tiled to 260 KB: texts with fixed, data-derived
# and raw tables) and runs each target; a
# crash or a broken check (the target aborts) leaves its input in build-fuzz/ and
# makes the script fail.
set -eu
cd "$(dirname "$0")/.."
case "${1:-60}" in
runs=*)
	limit="-runs=${1#runs=} -seed=1"
	# fuzz_model_split's jobs are 260 KB: 1 input in 50 of the others'
	split_limit="-runs=$((${1#runs=} / 50)) -seed=1"
	;;
*) limit="-max_total_time=${1:-60}" split_limit=$limit ;;
esac
dir=build-fuzz
if [ ! -f "$dir/build.ninja" ]; then
	# every object gets coverage instrumentation; only the target links libFuzzer
	CC=clang CFLAGS=-fsanitize=fuzzer-no-link meson setup "$dir" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbenchmarks=false -Dtests=disabled >/dev/null
fi
ninja -C "$dir" iaa/fuzz_model_decompress iaa/fuzz_model_compress iaa/fuzz_model_split >/dev/null
mkdir -p "$dir/corpus-decompress" "$dir/corpus-compress" "$dir/corpus-split"
python3 - "$dir" <<'PY'
import os, random, sys, zlib
d = sys.argv[1]
texts = [b"the quick brown fox jumps over the lazy dog " * 40, bytes(range(256)) * 8,
         b"a" * 3000, random.Random(1).randbytes(500)]
for i, t in enumerate(texts):
    for level in (0, 1, 6, 9):
        for strategy in (zlib.Z_DEFAULT_STRATEGY, zlib.Z_FIXED, zlib.Z_HUFFMAN_ONLY):
            c = zlib.compressobj(level, zlib.DEFLATED, -12, 8, strategy)
            data = c.compress(t) + c.flush()
            open(os.path.join(d, "corpus-decompress", "seed-%d-%d-%d" % (i, level, strategy)),
                 "wb").write(b"\x1f" + data)
    # compress: flags (FLUSH | END_PROC EOB), max_dst_size 16 KB, fixed table or
    # lengths from the data, then the data
    for table in (1, 0, 16, 2, 32):
        open(os.path.join(d, "corpus-compress", "seed-%d-%d" % (i, table)),
             "wb").write(bytes([0x06, 0x00, 0x04, table]) + t[:2000])
PY
# the split target starts from the compress target's seeds (tiled to 260 KB)
cp "$dir"/corpus-compress/seed-* "$dir/corpus-split/"
for target in fuzz_model_decompress fuzz_model_compress fuzz_model_split; do
	log="$dir/$target.log"
	corpus="$dir/corpus-${target#fuzz_model_}"
	lim=$limit
	[ "$target" = fuzz_model_split ] && lim=$split_limit
	# shellcheck disable=SC2086 # $lim holds one or two options
	if UBSAN_OPTIONS=halt_on_error=1 "$dir/iaa/$target" $lim -max_len=8192 \
		-artifact_prefix="$dir/" "$corpus" >"$log" 2>&1; then
		echo "$target: $(grep -E '^Done ' "$log")"
	else
		tail -40 "$log"
		echo "$target: FAILED (input saved in $dir/)"
		exit 1
	fi
done
