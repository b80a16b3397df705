#!/bin/sh
# SPDX-License-Identifier: Zlib
# tools/fuzz.sh - run the libFuzzer targets for a while (not part of tools/test.sh)
#
# Usage: tools/fuzz.sh [SECONDS]   (default 60 per target)
# Needs clang and libclang-rt-14-dev (apt-get install clang libclang-rt-14-dev).
# Builds build-fuzz/ with clang, -Dfuzz=true and ASan+UBSan, seeds a corpus with
# real streams (zlib at several levels and strategies, windowBits 12) and runs each
# target; a crash or a disagreement (the target aborts) leaves its input in
# build-fuzz/ and makes the script fail.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
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
UBSAN_OPTIONS=halt_on_error=1 "$dir/iaa/fuzz_model_decompress" -max_total_time="$secs" \
	-max_len=8192 -artifact_prefix="$dir/" "$corpus" 2>&1 | tail -5
