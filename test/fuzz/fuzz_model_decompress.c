/* SPDX-License-Identifier: Zlib */
/*
 * test/fuzz/fuzz_model_decompress.c - libFuzzer target: the model's DECOMPRESS
 *
 * The first byte picks the decompress flags, the rest is src1. Each input runs
 * as a whole-stream job (the fast decoder when it applies) and on the model's own
 * decoder (the same job writing an AECS); the two must agree to the byte, and a
 * successful decode must equal zlib's. Built by tools/fuzz.sh with clang's
 * -fsanitize=fuzzer,address,undefined.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "iaa/model/model.h"
#include "test/iaa/model/jobs.h"

#define CAP (64u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct iaa_hw_crec cr[2] __attribute__((aligned(64)));
static struct iaa_hw_aecs_decomp aecs[2];
static uint8_t out[2][CAP], zout[CAP];

static void run(int k, const uint8_t *in, uint32_t n, uint16_t flags)
{
	struct iaa_hw_desc d;

	memset(&cr[k], 0, sizeof(cr[k]));
	fill_desc(&d, IAA_OP_DECOMPRESS, &cr[k], in, n, out[k], CAP, flags, k ? IAA_OPF_WR_SRC2_ALWAYS : 0,
		  k ? aecs : NULL, k ? sizeof(aecs[0]) : 0);
	ziaa_model_execute(&d, 2u << 20, 0x100, ZIAA_FAULT_NONE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t flags = IAA_DECOMP_FLAG_ENABLE | IAA_DECOMP_FLAG_FLUSH_OUTPUT;
	z_stream s;
	int ret;

	if (size < 2)
		return 0;
	if (data[0] & 1)
		flags |= IAA_DECOMP_FLAG_STOP_ON_EOB;
	if (data[0] & 2)
		flags |= IAA_DECOMP_FLAG_CHECK_FOR_EOB;
	if (data[0] & 4)
		flags |= IAA_DECOMP_FLAG_SELECT_BFINAL_EOB;
	if (data[0] & 8)
		flags |= IAA_DECOMP_FLAG_SUPPRESS_OUTPUT;
	if (data[0] & 0x80)
		flags |= (uint16_t)((data[0] >> 4 & 7) << IAA_DECOMP_FLAG_IGNORE_END_BITS_SHIFT);
	run(0, data + 1, (uint32_t)(size - 1), flags);
	run(1, data + 1, (uint32_t)(size - 1), flags);
	if (cr[0].status != cr[1].status || cr[0].error_code != cr[1].error_code ||
	    cr[0].output_size != cr[1].output_size || cr[0].bytes_completed != cr[1].bytes_completed ||
	    cr[0].crc != cr[1].crc)
		abort();
	if (cr[0].status == IAA_ST_SUCCESS && !(flags & IAA_DECOMP_FLAG_SUPPRESS_OUTPUT) &&
	    memcmp(out[0], out[1], cr[0].output_size) != 0)
		abort();
	/* a clean whole-stream decode to the final block must be zlib's */
	if (cr[0].status == IAA_ST_SUCCESS && (flags & 0x1f) == 0x1f && !(flags & IAA_DECOMP_FLAG_SUPPRESS_OUTPUT) &&
	    !(flags & IAA_DECOMP_FLAG_IGNORE_END_BITS_MASK)) {
		memset(&s, 0, sizeof(s));
		inflateInit2(&s, -15);
		s.next_in = (Bytef *)(uintptr_t)(data + 1);
		s.avail_in = (uInt)(size - 1);
		s.next_out = zout;
		s.avail_out = CAP;
		ret = inflate(&s, Z_FINISH);
		inflateEnd(&s);
		if (ret == Z_STREAM_END && (s.total_out != cr[0].output_size || memcmp(zout, out[0], s.total_out)))
			abort();
	}
	return 0;
}
