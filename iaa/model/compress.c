/* SPDX-License-Identifier: Zlib */
/*
 * iaa/model/compress.c - the model's COMPRESS: statistics, fixed, static and canned
 *
 * Executes one COMPRESS descriptor the way the digest (§3.3, §5.1, §6.2-§6.5)
 * describes the engine: the AECS output accumulator's bits first, then the tokens
 * coded with the AECS tables (codes stored unreversed, emitted MSB first), then the
 * END_PROC tail; FLUSH_OUTPUT writes the last partial byte, otherwise the leftover
 * bits (fewer than 8, our convention: the split is UNVERIFIED) stay in the written
 * AECS's accumulator. Output that does not fit max_dst_size is analytics error 0x19;
 * a symbol the table gives no code is error 30 (QPL's assumption, UNVERIFIED).
 * The LZ77 parse and the coder are in encode.c.
 *
 * IAA 2.0's 1-pass HEADER_GEN (§3.3, §6.4): the device counts the parse itself,
 * builds the table and writes the dynamic block header before the tokens. How it
 * builds the tree is implementation-defined (§12); ours is what reproduces the
 * published RFC-sentence dynamic output bit for bit: a plain two-queue Huffman
 * code over the used symbols (ties: lower frequency, then lower symbol, leaves
 * before internal nodes), the EOB counted once, zlib's rule of at least two
 * distance codes, zlib's run-length coding of the lengths.
 */
#include "iaa/model/model.h"

#include <string.h>

#include "iaa/checksum.h"
#include "iaa/huff.h"

/* generate - 1-pass header generation: tables into gen, the header into h. */
static void generate(const uint8_t *src, uint32_t n, int bfinal, struct iaa_hw_aecs_comp *gen,
		     struct ziaa_huff_header *h)
{
	struct iaa_hw_histogram hist;
	struct ziaa_huff_table t;
	int used = 0, max_code = -1;

	ziaa_model_lz77_stats(src, n, &hist);
	hist.ll_count[256]++; /* the block's EOB */
	for (int i = 0; i < IAA_D_SYMBOLS; i++)
		if (hist.d_count[i]) {
			used++;
			max_code = i;
		}
	/* zlib's trees.c: a second (or first) code, so that every code has a bit */
	while (used++ < 2)
		hist.d_count[max_code < 2 ? ++max_code : 0] = 1;
	ziaa_huff_lengths(hist.ll_count, IAA_LL_SYMBOLS, ZIAA_MAX_CODE_LEN, 0, t.ll_len);
	ziaa_huff_lengths(hist.d_count, IAA_D_SYMBOLS, ZIAA_MAX_CODE_LEN, 0, t.d_len);
	ziaa_huff_from_lengths(&t);
	ziaa_huff_write_header(&t, bfinal, h);
	memset(gen, 0, sizeof(*gen));
	memcpy(gen->ll_code, t.ll_code, sizeof(gen->ll_code));
	memcpy(gen->d_code, t.d_code, sizeof(gen->d_code));
}

void ziaa_model_compress(const struct iaa_hw_desc *d, struct ziaa_model_result *r)
{
	static __thread struct iaa_hw_aecs_comp gen;
	unsigned hdr_gen = (d->op_flags & IAA_COMP_FLAG_HDR_GEN_MASK) >> IAA_COMP_FLAG_HDR_GEN_SHIFT;
	const struct iaa_hw_aecs_comp *tables;
	const uint8_t *src = (const uint8_t *)(uintptr_t)d->src1_addr;
	uint8_t *dst = (uint8_t *)(uintptr_t)d->dst_addr;
	uint32_t opf = iaa_desc_flags(d);
	const struct iaa_hw_aecs_comp *rd = NULL;
	struct iaa_hw_aecs_comp *wr = NULL;
	struct ziaa_model_bits w;
	int missing;
	unsigned end_proc = (d->op_flags & IAA_COMP_FLAG_END_PROC_MASK) >> IAA_COMP_FLAG_END_PROC_SHIFT;
	int toggle = (opf & IAA_OPF_AECS_RW_TOGGLE) != 0;

	if ((opf & IAA_OPF_RD_SRC2_MASK) == IAA_OPF_RD_SRC2_AECS)
		rd = (const void *)(uintptr_t)(d->src2_addr + (toggle ? d->src2_size : 0));
	if (opf & IAA_OPF_WR_SRC2_MASK)
		wr = (void *)(uintptr_t)(d->src2_addr + (toggle ? 0 : d->src2_size));
	r->crc = ziaa_model_crc(rd ? rd->crc : 0, src, d->src1_size, (opf & IAA_OPF_CRC_SELECT) != 0);
	r->xor_csum = ziaa_xor16(rd ? (uint16_t)rd->xor_csum : 0, src, d->src1_size, 0);
	r->bytes_completed = d->src1_size;

	if (d->op_flags & IAA_COMP_FLAG_STATS_MODE) {
		static __thread struct iaa_hw_histogram hist;

		ziaa_model_lz77_stats(src, d->src1_size, &hist);
		if (d->max_dst_size < sizeof(hist)) {
			r->status = IAA_ST_ANALYTICS_ERROR;
			r->error_code = IAA_AE_UNRECOVERABLE_OUTPUT_OVERFLOW;
			return;
		}
		memcpy(dst, &hist, sizeof(hist));
		r->output_size = sizeof(hist);
		r->status = IAA_ST_SUCCESS;
		return;
	}
	if (!rd && !hdr_gen) { /* the tables live in the AECS: compress cannot run without one */
		r->status = IAA_ST_INVALID_OP_FLAGS;
		return;
	}
	w = (struct ziaa_model_bits){ dst, d->max_dst_size, 0, 0, 0, 0 };
	if (rd)
		ziaa_model_bits_put_string(&w, rd->out_accum,
					   rd->out_accum_bits < 8 * sizeof(rd->out_accum) ? rd->out_accum_bits
											  : 8 * sizeof(rd->out_accum));
	tables = rd;
	if (hdr_gen) {
		struct ziaa_huff_header h;

		generate(src, d->src1_size, hdr_gen == IAA_HDR_GEN_1PASS_FINAL, &gen, &h);
		ziaa_model_bits_put_string(&w, h.bytes, h.bits);
		tables = &gen;
	}
	missing = ziaa_model_lz77_code(src, d->src1_size, tables, &w, end_proc != IAA_END_PROC_NONE);
	if (end_proc >= IAA_END_PROC_EOB_SYNC) {
		/* an empty stored block: BFINAL, BTYPE 00, pad, LEN 0000 NLEN FFFF */
		ziaa_model_bits_put(&w, end_proc == IAA_END_PROC_EOB_FINAL, 3);
		if (w.nacc)
			ziaa_model_bits_put(&w, 0, 8 - w.nacc);
		ziaa_model_bits_put(&w, 0xffff0000u, 32);
	}
	if (missing) {
		r->status = IAA_ST_ANALYTICS_ERROR;
		r->error_code = IAA_AE_INVALID_HUFFMAN_CODE;
		return;
	}
	r->output_bits = (uint8_t)w.nacc;
	if (d->op_flags & IAA_COMP_FLAG_FLUSH_OUTPUT && w.nacc)
		ziaa_model_bits_put(&w, 0, 8 - w.nacc); /* zero padding of the last byte */
	if (w.overflow) {
		r->status = IAA_ST_ANALYTICS_ERROR;
		r->error_code = IAA_AE_UNRECOVERABLE_OUTPUT_OVERFLOW;
		r->output_bits = 0;
		return;
	}
	r->output_size = w.pos;
	if (wr && (opf & IAA_OPF_WR_SRC2_MASK) == IAA_OPF_WR_SRC2_ALWAYS) {
		memmove(wr, tables, sizeof(*wr)); /* the tables in use, generated or read */
		wr->crc = r->crc;
		wr->xor_csum = r->xor_csum;
		memset(wr->out_accum, 0, sizeof(wr->out_accum));
		wr->out_accum[0] = (uint8_t)w.acc;
		wr->out_accum_bits = w.nacc; /* 0 after FLUSH_OUTPUT */
	}
	if (!(d->op_flags & IAA_COMP_FLAG_FLUSH_OUTPUT))
		r->output_bits = 0;
	r->status = IAA_ST_SUCCESS;
}
