#!/bin/sh
# SPDX-License-Identifier: Zlib
# tools/fuzz.sh - run the libFuzzer targets for a while (not part of tools/test.sh)
#
# Usage: tools/fuzz.sh [SECONDS | runs=N]   (default 60 seconds per target)
# runs=N makes a repeatable run (fixed seed, N inputs): what tools/test.sh does.
# Needs clang and libclang-rt-14-dev (tools/bootstrap.sh installs them).
# Builds build-fuzz/ with clang, -Dfuzz=true and ASan+UBSan, seeds a corpus with
# real streams (zlib at several levels and strategies, windowBits 12) and runs each
# target; a crash or a disagreement (the target aborts) leaves its input in
# build-fuzz/ and makes the script fail.
set -eu
cd "$(dirname "$0")/.."
case "${1:-60}" in
runs=*) limit="-runs=${1#runs=} -seed=1" ;;
*) limit="-max_total_time=${1:-60}" ;;
esac
dir=build-fuzz
if [ ! -f "$dir/build.ninja" ]; then
	# every object gets coverage instrumentation; only the target links libFuzzer
	CC=clang CFLAGS=-fsanitize=fuzzer-no-link meson setup "$dir" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbenchmarks=false -Dtests=disabled >/dev/null
fi
ninja -C "$dir" iaa/fuzz_model_decompress >/dev/null
corpus="$dir/corpus-decompress"
mkdir -p "$corpus"
python3 - "$corpus" <<'PY'
import os, sys, zlib
out = sys.argv[1]
texts = [b"the quick brown fox jumps over the lazy dog " * 40, bytes(range(256)) * 8,
         b"a" * 3000, os.urandom(500)]
for i, t in enumerate(texts):
    for level in (0, 1, 6, 9):
        for strategy in (zlib.Z_DEFAULT_STRATEGY, zlib.Z_FIXED, zlib.Z_HUFFMAN_ONLY):
            c = zlib.compressobj(level, zlib.DEFLATED, -12, 8, strategy)
            data = c.compress(t) + c.flush()
            open(os.path.join(out, "seed-%d-%d-%d" % (i, level, strategy)), "wb").write(b"\x1f" + data)
PY
log="$dir/fuzz_model_decompress.log"
# shellcheck disable=SC2086 # $limit holds one or two options
if UBSAN_OPTIONS=halt_on_error=1 "$dir/iaa/fuzz_model_decompress" $limit -max_len=8192 \
	-artifact_prefix="$dir/" "$corpus" >"$log" 2>&1; then
	echo "fuzz_model_decompress: $(grep -E '^Done ' "$log")"
else
	tail -40 "$log"
	echo "fuzz_model_decompress: FAILED (input saved in $dir/)"
	exit 1
fi
