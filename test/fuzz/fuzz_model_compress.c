/* SPDX-License-Identifier: Zlib */
/*
 * test/fuzz/fuzz_model_compress.c - libFuzzer target: the model's COMPRESS
 *
 * Input layout: byte 0 picks the compression flags, bytes 1-2 max_dst_size (in
 * 16-byte units), byte 3 how the table is made and the AECS used, then the data.
 * The table is the fixed code, code lengths taken from the data (missing,
 * incomplete and over-subscribed codes) or raw device entries; the AECS
 * accumulator may get up to 2047 arbitrary bits. Or (byte 3 bit 5) the job is an
 * IAA 2.0 1-pass header generation, whose output must inflate on its own.
 * Built with FUZZ_SPLIT (the fuzz_model_split target) the data is tiled to TILE
 * bytes, a job the model parses as two halves (encode.c), each copy after the
 * first changed by byte 4 (0: exact copies, long tokens): a separate target, as
 * such a job is some 30 times the work of the others. Whatever happens, nothing
 * may be written at or past max_dst_size, and a successful job with a complete
 * table and an EOB must decode with zlib behind its own header to the data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "iaa/huff.h"
#include "iaa/model/model.h"
#include "test/iaa/model/jobs.h"

#define CAP (64u << 10)
#define TILE (260u << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct iaa_hw_crec cr __attribute__((aligned(64)));
static struct iaa_hw_aecs_comp aecs[2];
static uint8_t out[CAP + 64], stream[2 * CAP], back[TILE], tiled[TILE];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ziaa_huff_table t;
	struct iaa_hw_desc d;
	const uint8_t *src = data + 4;
	uint16_t flags;
	uint32_t cap, n;
	z_stream s;

	if (size < 5)
		return 0;
	flags = (uint16_t)(data[0] & (IAA_COMP_FLAG_STATS_MODE | IAA_COMP_FLAG_FLUSH_OUTPUT |
				       IAA_COMP_FLAG_END_PROC_MASK));
	cap = ((uint32_t)data[1] | (uint32_t)data[2] << 8) * 16u % (CAP + 1);
	n = (uint32_t)(size - 4);
	memset(aecs, 0, sizeof(aecs));
	memset(&t, 0, sizeof(t));
	if (data[3] & 1) {
		ziaa_huff_fixed(&t);
	} else if (data[3] & 16) { /* raw entries: any length and code bits */
		for (unsigned i = 0; i < IAA_LL_SYMBOLS; i++)
			t.ll_code[i] = ((uint32_t)data[4 + i % n] << 11 | data[4 + (i * 3) % n]) & 0x7ffff;
		for (unsigned i = 0; i < IAA_D_SYMBOLS; i++)
			t.d_code[i] = ((uint32_t)data[4 + (i * 5) % n] << 11 | data[4 + (i * 7) % n]) & 0x7ffff;
	} else { /* lengths from the data: missing, incomplete or over-subscribed codes */
		for (unsigned i = 0; i < IAA_LL_SYMBOLS; i++)
			t.ll_len[i] = data[4 + i % n] % 16;
		for (unsigned i = 0; i < IAA_D_SYMBOLS; i++)
			t.d_len[i] = data[4 + (i * 7) % n] % 16;
		ziaa_huff_from_lengths(&t);
	}
	memcpy(aecs[0].ll_code, t.ll_code, sizeof(t.ll_code));
	memcpy(aecs[0].d_code, t.d_code, sizeof(t.d_code));
	if (data[3] & 2) { /* arbitrary accumulator bits */
		aecs[0].out_accum_bits = (uint32_t)data[3] << 3 | (data[4] & 7);
		for (unsigned i = 0; i < sizeof(aecs[0].out_accum); i++)
			aecs[0].out_accum[i] = data[4 + i % n];
	}
#ifdef FUZZ_SPLIT
	{
		for (uint32_t i = 0; i < TILE; i++)
			tiled[i] = (uint8_t)(data[4 + i % n] ^ (i / n) * data[4]);
		src = tiled;
		n = TILE;
	}
#endif
	memset(out, 0xa5, sizeof(out));
	fill_desc(&d, IAA_OP_COMPRESS, &cr, src, n, out, cap, flags,
		  IAA_OPF_RD_SRC2_AECS | ((data[3] & 4) ? IAA_OPF_WR_SRC2_ALWAYS : 0) |
			  ((data[3] & 8) ? IAA_OPF_AECS_RW_TOGGLE : 0),
		  aecs, sizeof(aecs[0]));
	if (data[3] & 8) /* with the toggle the tables are read from the second half */
		memcpy(&aecs[1], &aecs[0], sizeof(aecs[0]));
	if (data[3] & 32) { /* IAA 2.0 header generation: the stream must stand alone */
		d.op_flags = (uint16_t)(IAA_COMP_FLAG_FLUSH_OUTPUT | IAA_END_PROC_EOB << IAA_COMP_FLAG_END_PROC_SHIFT |
					IAA_HDR_GEN_1PASS_FINAL << IAA_COMP_FLAG_HDR_GEN_SHIFT);
		d.flags_opcode &= ~(uint32_t)(IAA_OPF_RD_SRC2_MASK | IAA_OPF_WR_SRC2_MASK);
		d.src2_addr = 0;
		d.src2_size = 0;
	}
	memset(&cr, 0, sizeof(cr));
	ziaa_model_execute(&d, 2u << 20, data[3] & 32 ? 0x200 : 0x100, ZIAA_FAULT_NONE);
	for (uint32_t i = cap; i < sizeof(out); i++)
		if (out[i] != 0xa5)
			abort(); /* written past max_dst_size */
	if (cr.status == IAA_ST_SUCCESS && cr.output_size > cap)
		abort();
	if (cr.status == IAA_ST_SUCCESS && (data[3] & 32)) {
		memset(&s, 0, sizeof(s));
		inflateInit2(&s, -15);
		s.next_in = out;
		s.avail_in = cr.output_size;
		s.next_out = back;
		s.avail_out = sizeof(back);
		if (inflate(&s, Z_FINISH) != Z_STREAM_END || s.total_out != n || memcmp(back, src, n) ||
		    s.avail_in != 0)
			abort();
		inflateEnd(&s);
		return 0;
	}
	/* fixed table, no accumulator, EOB and flush: a whole fixed block after 3 bits */
	if (cr.status == IAA_ST_SUCCESS && (data[3] & 11) == 1 && !(flags & IAA_COMP_FLAG_STATS_MODE) &&
	    (flags & (IAA_COMP_FLAG_END_PROC_MASK | IAA_COMP_FLAG_FLUSH_OUTPUT)) ==
		    (IAA_END_PROC_EOB << IAA_COMP_FLAG_END_PROC_SHIFT | IAA_COMP_FLAG_FLUSH_OUTPUT)) {
		/* BFINAL 1, BTYPE 01, then the job's bits */
		memset(stream, 0, sizeof(stream));
		stream[0] = 0x3;
		for (uint32_t i = 0; i < cr.output_size; i++) {
			stream[i] |= (uint8_t)(out[i] << 3);
			stream[i + 1] = (uint8_t)(out[i] >> 5);
		}
		memset(&s, 0, sizeof(s));
		inflateInit2(&s, -15);
		s.next_in = stream;
		s.avail_in = cr.output_size + 1;
		s.next_out = back;
		s.avail_out = sizeof(back);
		if (inflate(&s, Z_FINISH) != Z_STREAM_END || s.total_out != n || memcmp(back, src, n))
			abort();
		inflateEnd(&s);
	}
	return 0;
}
