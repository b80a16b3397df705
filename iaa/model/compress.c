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
 * The LZ77 parse is ours (4 KB window, greedy, hash chains): implementation-defined.
 */
#include "iaa/model/model.h"

#include <string.h>

#include "iaa/checksum.h"
#include "iaa/deflate.h"
#include "iaa/huff.h"

/* Tunables of the matcher: a longer chain finds longer matches, slower. */
#define HASH_BITS 14
#define MAX_CHAIN 16
#define MIN_MATCH ZIAA_MIN_MATCH
#define MAX_MATCH ZIAA_MAX_MATCH


struct bitwriter {
	uint8_t *dst;
	uint32_t cap;
	uint32_t pos;
	uint64_t acc;
	unsigned nacc;
	int overflow;
};

static void put(struct bitwriter *w, uint32_t bits, unsigned n)
{
	w->acc |= (uint64_t)bits << w->nacc;
	w->nacc += n;
	while (w->nacc >= 8) {
		if (w->pos < w->cap)
			w->dst[w->pos++] = (uint8_t)w->acc;
		else
			w->overflow = 1;
		w->acc >>= 8;
		w->nacc -= 8;
	}
}

struct encoder {
	struct bitwriter w;
	uint32_t ll[IAA_LL_SYMBOLS]; /* bit-reversed code | len << 16; 0 = no code */
	uint32_t d[IAA_D_SYMBOLS];
	struct iaa_hw_histogram *hist; /* statistics mode: count instead of emit */
	int missing_code;
	uint16_t cap[MAX_MATCH + 1];    /* longest length <= L the table can code, or 0 */
};

static void emit(struct encoder *e, const uint32_t *table, unsigned sym)
{
	uint32_t c = table[sym];

	if (!c)
		e->missing_code = 1;
	else
		put(&e->w, c & 0xffff, c >> 16);
}

static void literal(struct encoder *e, uint8_t byte)
{
	if (e->hist)
		e->hist->ll_count[byte]++;
	else
		emit(e, e->ll, byte);
}

static void match(struct encoder *e, unsigned len, unsigned dist)
{
	unsigned ls = 28, ds = 29;

	while (ziaa_len_base[ls] > len)
		ls--;
	while (ziaa_dist_base[ds] > dist)
		ds--;
	if (e->hist) {
		e->hist->ll_count[257 + ls]++;
		e->hist->d_count[ds]++;
		return;
	}
	emit(e, e->ll, 257 + ls);
	put(&e->w, len - ziaa_len_base[ls], ziaa_len_extra[ls]);
	emit(e, e->d, ds);
	put(&e->w, dist - ziaa_dist_base[ds], ziaa_dist_extra[ds]);
}

static uint32_t hash3(const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;

	return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Greedy LZ77 with a 4 KB window (digest §7: the device's history size). */
static void parse(struct encoder *e, const uint8_t *p, size_t n)
{
	static __thread int32_t head[1 << HASH_BITS];
	static __thread int32_t prev[IAA_HISTORY_SIZE];
	size_t i = 0;

	memset(head, 0xff, sizeof(head));
	while (i < n) {
		unsigned best = 0, best_dist = 0;

		if (n - i >= MIN_MATCH) {
			uint32_t h = hash3(p + i);
			int32_t cand = head[h];
			unsigned limit = n - i < MAX_MATCH ? (unsigned)(n - i) : MAX_MATCH;

			for (int chain = 0; cand >= 0 && chain < MAX_CHAIN; chain++) {
				size_t dist = i - (size_t)cand;
				unsigned l = 0;

				if (dist > IAA_HISTORY_SIZE)
					break;
				/* compare 8 bytes at a time, then the tail */
				while (l + 8 <= limit) {
					uint64_t a, b;

					memcpy(&a, p + cand + l, 8);
					memcpy(&b, p + i + l, 8);
					if (a != b) {
						l += (unsigned)__builtin_ctzll(a ^ b) / 8;
						break;
					}
					l += 8;
				}
				while (l < limit && p[cand + l] == p[i + l])
					l++;
				if (l > best) {
					best = l;
					best_dist = (unsigned)dist;
					if (l == limit)
						break;
				}
				cand = prev[cand & (IAA_HISTORY_SIZE - 1)];
			}
			prev[i & (IAA_HISTORY_SIZE - 1)] = head[h];
			head[h] = (int32_t)i;
		}
		best = e->cap[best];
		if (best >= MIN_MATCH) {
			match(e, best, best_dist);
			/* index the positions the match covers */
			for (size_t k = i + 1; k < i + best && n - k >= MIN_MATCH; k++) {
				uint32_t h = hash3(p + k);

				prev[k & (IAA_HISTORY_SIZE - 1)] = head[h];
				head[h] = (int32_t)k;
			}
			i += best;
		} else {
			literal(e, p[i++]);
		}
	}
}

/* Lengths whose symbol has no code are shortened to the longest that has one: a
 * table may leave long lengths out (the 2023 kernel canned table codes none above
 * 34), and the published hardware outputs never use a missing one. The device's
 * own rule is UNVERIFIED (digest §6.1); a literal without a code is error 30. */
static void length_caps(struct encoder *e)
{
	unsigned best = 0;

	for (unsigned l = 0; l <= MAX_MATCH; l++) {
		if (l >= MIN_MATCH) {
			unsigned ls = 28;

			while (ziaa_len_base[ls] > l)
				ls--;
			if (e->hist || e->ll[257 + ls])
				best = l;
		}
		e->cap[l] = (uint16_t)best;
	}
}

static void load_table(uint32_t *out, const uint32_t *entries, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned len = entries[i] >> IAA_CODE_LEN_SHIFT & 0xf;

		out[i] = len ? ziaa_huff_reverse(entries[i] & IAA_CODE_MASK, len) | len << 16 : 0;
	}
}

void ziaa_model_compress(const struct iaa_hw_desc *d, struct ziaa_model_result *r)
{
	const uint8_t *src = (const uint8_t *)(uintptr_t)d->src1_addr;
	uint8_t *dst = (uint8_t *)(uintptr_t)d->dst_addr;
	uint32_t opf = iaa_desc_flags(d);
	const struct iaa_hw_aecs_comp *rd = NULL;
	struct iaa_hw_aecs_comp *wr = NULL;
	struct encoder e;
	unsigned end_proc = (d->op_flags & IAA_COMP_FLAG_END_PROC_MASK) >> IAA_COMP_FLAG_END_PROC_SHIFT;
	int toggle = (opf & IAA_OPF_AECS_RW_TOGGLE) != 0;

	if ((opf & IAA_OPF_RD_SRC2_MASK) == IAA_OPF_RD_SRC2_AECS)
		rd = (const void *)(uintptr_t)(d->src2_addr + (toggle ? d->src2_size : 0));
	if (opf & IAA_OPF_WR_SRC2_MASK)
		wr = (void *)(uintptr_t)(d->src2_addr + (toggle ? 0 : d->src2_size));
	r->crc = ziaa_crc32(rd ? rd->crc : 0, src, d->src1_size, (opf & IAA_OPF_CRC_SELECT) != 0);
	r->xor_csum = ziaa_xor16(rd ? (uint16_t)rd->xor_csum : 0, src, d->src1_size, 0);
	r->bytes_completed = d->src1_size;

	memset(&e, 0, sizeof(e));
	if (d->op_flags & IAA_COMP_FLAG_STATS_MODE) {
		static __thread struct iaa_hw_histogram hist;

		memset(&hist, 0, sizeof(hist));
		e.hist = &hist;
		length_caps(&e);
		parse(&e, src, d->src1_size);
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
	if (!rd) { /* the tables live in the AECS: compress cannot run without one */
		r->status = IAA_ST_INVALID_OP_FLAGS;
		return;
	}
	e.w = (struct bitwriter){ dst, d->max_dst_size, 0, 0, 0, 0 };
	load_table(e.ll, rd->ll_code, IAA_LL_SYMBOLS);
	load_table(e.d, rd->d_code, IAA_D_SYMBOLS);
	length_caps(&e);
	for (uint32_t b = 0; b < rd->out_accum_bits && b < 8 * sizeof(rd->out_accum); b++)
		put(&e.w, (rd->out_accum[b >> 3] >> (b & 7)) & 1, 1);
	parse(&e, src, d->src1_size);
	if (end_proc != IAA_END_PROC_NONE)
		emit(&e, e.ll, 256);
	if (end_proc >= IAA_END_PROC_EOB_SYNC) {
		/* an empty stored block: BFINAL, BTYPE 00, pad, LEN 0000 NLEN FFFF */
		put(&e.w, end_proc == IAA_END_PROC_EOB_FINAL, 3);
		if (e.w.nacc)
			put(&e.w, 0, 8 - e.w.nacc);
		put(&e.w, 0xffff0000u, 32);
	}
	if (e.missing_code) {
		r->status = IAA_ST_ANALYTICS_ERROR;
		r->error_code = IAA_AE_INVALID_HUFFMAN_CODE;
		return;
	}
	r->output_bits = (uint8_t)e.w.nacc;
	if (d->op_flags & IAA_COMP_FLAG_FLUSH_OUTPUT && e.w.nacc)
		put(&e.w, 0, 8 - e.w.nacc); /* zero padding of the last byte */
	if (e.w.overflow) {
		r->status = IAA_ST_ANALYTICS_ERROR;
		r->error_code = IAA_AE_UNRECOVERABLE_OUTPUT_OVERFLOW;
		r->output_bits = 0;
		return;
	}
	r->output_size = e.w.pos;
	if (wr && (opf & IAA_OPF_WR_SRC2_MASK) == IAA_OPF_WR_SRC2_ALWAYS) {
		memmove(wr, rd, sizeof(*wr));
		wr->crc = r->crc;
		wr->xor_csum = r->xor_csum;
		memset(wr->out_accum, 0, sizeof(wr->out_accum));
		wr->out_accum[0] = (uint8_t)e.w.acc;
		wr->out_accum_bits = e.w.nacc; /* 0 after FLUSH_OUTPUT */
	}
	if (!(d->op_flags & IAA_COMP_FLAG_FLUSH_OUTPUT))
		r->output_bits = 0;
	r->status = IAA_ST_SUCCESS;
}
