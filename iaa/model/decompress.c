/* SPDX-License-Identifier: Zlib */
/*
 * iaa/model/decompress.c - the model's DECOMPRESS (digest §3.4, §5.2, §6.6, §8.2)
 *
 * Decodes stored, fixed and dynamic blocks with the device's 4 KB history limit
 * (a distance beyond it: analytics error 17), the stop/check/select-BFINAL EOB
 * rules, IGNORE_END_BITS, SUPPRESS_OUTPUT, output overflow as status 0x0b with
 * bytes_completed, CRC and XOR over the output. A header-only job with WRITE_SRC2
 * leaves the parsed tables in the written AECS (canned decode tables), and a job
 * that reads such an AECS with decomp_state 0 starts in the block body.
 *
 * Not modelled yet: resuming a stream across jobs through the AECS (its history,
 * input accumulator and mid-block state). The model keeps its decoder tables in the
 * device-private AECS area (0x1d8-0x4e3) in its own encoding (struct dstate), read
 * back only by the model, as the digest allows (§5.2).
 */
#include "iaa/model/model.h"

#include <string.h>

#include "iaa/checksum.h"
#include "iaa/deflate.h"
#include "iaa/huff.h"

#define DSTATE_MAGIC 0x5a4d4454u /* "TDMZ": tables written by this model */

/* The model's use of the device-private AECS area. */
struct dstate {
	uint32_t magic;
	uint8_t ll_len[IAA_LL_SYMBOLS];
	uint8_t d_len[IAA_D_SYMBOLS];
};
_Static_assert(sizeof(struct dstate) <= sizeof(((struct iaa_hw_aecs_decomp *)0)->dstate),
	       "model decoder state fits the device-private AECS area");


/* A canonical decoder: counts per length and symbols in code order. */
struct decoder {
	uint16_t count[16];
	uint16_t symbol[IAA_LL_SYMBOLS];
};

static void build(struct decoder *dec, const uint8_t *len, unsigned n)
{
	uint16_t offs[16];

	memset(dec->count, 0, sizeof(dec->count));
	for (unsigned i = 0; i < n; i++)
		dec->count[len[i]]++;
	dec->count[0] = 0;
	offs[1] = 0;
	for (unsigned l = 1; l < 15; l++)
		offs[l + 1] = (uint16_t)(offs[l] + dec->count[l]);
	for (unsigned i = 0; i < n; i++)
		if (len[i])
			dec->symbol[offs[len[i]]++] = (uint16_t)i;
}

struct in {
	const uint8_t *p;
	size_t bits;  /* usable input bits (after IGNORE_END_BITS) */
	size_t pos;
};

static int bits(struct in *in, unsigned n, uint32_t *v)
{
	if (in->pos + n > in->bits)
		return -1;
	*v = 0;
	for (unsigned i = 0; i < n; i++, in->pos++)
		*v |= (uint32_t)((in->p[in->pos >> 3] >> (in->pos & 7)) & 1) << i;
	return 0;
}

/* Returns the symbol, -1 at the end of input, -2 for a code with no symbol. */
static int decode(struct in *in, const struct decoder *dec)
{
	int code = 0, first = 0, index = 0;
	uint32_t b;

	for (unsigned l = 1; l <= 15; l++) {
		if (bits(in, 1, &b))
			return -1;
		code |= (int)b;
		if (code - first < dec->count[l])
			return dec->symbol[index + (code - first)];
		index += dec->count[l];
		first = (first + dec->count[l]) << 1;
		code <<= 1;
	}
	return -2;
}

struct out {
	uint8_t *dst;
	uint32_t cap;
	uint32_t n;        /* produced (counted even when suppressed) */
	int suppress;
	uint32_t crc;
	uint16_t xor_csum;
	int castagnoli;
	uint8_t hist[IAA_HISTORY_SIZE]; /* the last 4 KB, for matches when suppressed */
};

static int put(struct out *o, const uint8_t *p, uint32_t n)
{
	if (!o->suppress && o->n + n > o->cap)
		return -1;
	o->crc = ziaa_crc32(o->crc, p, n, o->castagnoli);
	o->xor_csum = ziaa_xor16(o->xor_csum, p, n, o->n);
	for (uint32_t i = 0; i < n; i++) {
		if (!o->suppress)
			o->dst[o->n] = p[i];
		o->hist[o->n & (IAA_HISTORY_SIZE - 1)] = p[i];
		o->n++;
	}
	return 0;
}

enum { ST_HEADER, ST_BODY, ST_DONE };

struct job {
	struct in in;
	struct out out;
	struct decoder ll, d;
	uint8_t ll_len[IAA_LL_SYMBOLS], d_len[IAA_D_SYMBOLS];
	int state, bfinal, last_was_eob, last_eob_final;
	size_t token_start; /* input bit where the current token began */
};

static void fixed_tables(struct job *j)
{
	struct ziaa_huff_table t;

	ziaa_huff_fixed(&t);
	memcpy(j->ll_len, t.ll_len, sizeof(j->ll_len));
	memcpy(j->d_len, t.d_len, sizeof(j->d_len));
}

/* Decode until the input ends or the EOB rule stops us. Returns 0 or a status
 * (analytics errors as -error). */
static int run(struct job *j, uint16_t flags)
{
	int stop = (flags & IAA_DECOMP_FLAG_STOP_ON_EOB) != 0;
	int select_final = (flags & IAA_DECOMP_FLAG_SELECT_BFINAL_EOB) != 0;
	uint32_t v;

	while (j->state != ST_DONE) {
		j->token_start = j->in.pos;
		if (j->state == ST_HEADER) {
			uint32_t type;
			struct ziaa_huff_table t;
			size_t bit;

			if (j->in.pos >= j->in.bits)
				return 0;
			if (bits(&j->in, 1, &v) || bits(&j->in, 2, &type))
				return -IAA_AE_HDR_TOO_BIG;
			j->bfinal = (int)v;
			j->last_was_eob = 0;
			if (type == 0) {
				uint8_t buf[256];
				uint32_t len, nlen;

				j->in.pos = (j->in.pos + 7) & ~(size_t)7;
				if (bits(&j->in, 16, &len) || bits(&j->in, 16, &nlen))
					return -IAA_AE_HDR_TOO_BIG;
				if ((len ^ 0xffff) != nlen)
					return -IAA_AE_INVALID_STORED_LEN;
				while (len) {
					uint32_t k = len < sizeof(buf) ? len : sizeof(buf);

					if (j->in.pos + 8 * k > j->in.bits)
						return -IAA_AE_SRC1_TOO_SMALL;
					memcpy(buf, j->in.p + (j->in.pos >> 3), k);
					if (put(&j->out, buf, k))
						return IAA_ST_OUTBUF_OVERFLOW;
					j->in.pos += 8 * k;
					len -= k;
				}
				/* a stored block ends without an EOB code: its end counts as one
				 * for the stop and check rules (our convention, UNVERIFIED) */
				j->last_was_eob = 1;
				j->last_eob_final = j->bfinal;
				j->state = j->bfinal || (stop && !select_final) ? ST_DONE : ST_HEADER;
				continue;
			} else if (type == 1) {
				fixed_tables(j);
			} else if (type == 2) {
				bit = j->in.pos - 3;
				int e = ziaa_huff_parse_header_at(j->in.p, j->in.bits, &bit, &t, &j->bfinal);

				if (e)
					return e;
				j->in.pos = bit;
				memcpy(j->ll_len, t.ll_len, sizeof(j->ll_len));
				memcpy(j->d_len, t.d_len, sizeof(j->d_len));
			} else {
				return -IAA_AE_INVALID_BLOCK_TYPE;
			}
			build(&j->ll, j->ll_len, IAA_LL_SYMBOLS);
			build(&j->d, j->d_len, IAA_D_SYMBOLS);
			j->state = ST_BODY;
			continue;
		}
		/* ST_BODY: one token */
		int sym = decode(&j->in, &j->ll);

		if (sym == -1) {
			j->in.pos = j->token_start; /* a token cut by the end of input */
			return 0;
		}
		if (sym < 0)
			return -IAA_AE_BAD_LL_CODE;
		j->last_was_eob = 0;
		if (sym < 256) {
			uint8_t c = (uint8_t)sym;

			if (put(&j->out, &c, 1))
				return IAA_ST_OUTBUF_OVERFLOW;
		} else if (sym == 256) {
			j->last_was_eob = 1;
			j->last_eob_final = j->bfinal;
			j->state = j->bfinal ? ST_DONE : ST_HEADER;
			if (stop && (!select_final || j->bfinal))
				j->state = ST_DONE;
		} else {
			unsigned ls = (unsigned)sym - 257, len, dist;
			int ds;
			uint32_t extra;

			if (ls >= 29)
				return -IAA_AE_BAD_LENGTH;
			if (bits(&j->in, ziaa_len_extra[ls], &extra)) {
				j->in.pos = j->token_start;
				return 0;
			}
			len = ziaa_len_base[ls] + extra;
			ds = decode(&j->in, &j->d);
			if (ds == -1 || (ds >= 0 && bits(&j->in, ziaa_dist_extra[ds], &extra))) {
				j->in.pos = j->token_start;
				return 0;
			}
			if (ds < 0 || ds >= 30)
				return -IAA_AE_BAD_D_CODE;
			dist = ziaa_dist_base[ds] + extra;
			if (dist > IAA_HISTORY_SIZE)
				return -IAA_AE_BAD_DIST;
			if (dist > j->out.n)
				return -IAA_AE_REF_BEFORE_START;
			for (unsigned k = 0; k < len; k++) {
				uint8_t c = j->out.hist[(j->out.n - dist) & (IAA_HISTORY_SIZE - 1)];

				if (put(&j->out, &c, 1))
					return IAA_ST_OUTBUF_OVERFLOW;
			}
		}
	}
	return 0;
}

void ziaa_model_decompress(const struct iaa_hw_desc *d, struct ziaa_model_result *r)
{
	static __thread struct job j;
	uint32_t opf = iaa_desc_flags(d);
	uint16_t flags = d->op_flags;
	int toggle = (opf & IAA_OPF_AECS_RW_TOGGLE) != 0;
	const struct iaa_hw_aecs_decomp *rd = NULL;
	struct iaa_hw_aecs_decomp *wr = NULL;
	unsigned ignore = (flags & IAA_DECOMP_FLAG_IGNORE_END_BITS_MASK) >> IAA_DECOMP_FLAG_IGNORE_END_BITS_SHIFT;
	int ret;

	if ((opf & IAA_OPF_RD_SRC2_MASK) == IAA_OPF_RD_SRC2_AECS)
		rd = (const void *)(uintptr_t)(d->src2_addr + (toggle ? d->src2_size : 0));
	if (opf & IAA_OPF_WR_SRC2_MASK)
		wr = (void *)(uintptr_t)(d->src2_addr + (toggle ? 0 : d->src2_size));
	memset(&j, 0, sizeof(j));
	j.in = (struct in){ (const uint8_t *)(uintptr_t)d->src1_addr, (size_t)d->src1_size * 8, 0 };
	j.in.bits = j.in.bits >= ignore ? j.in.bits - ignore : 0;
	j.out.dst = (uint8_t *)(uintptr_t)d->dst_addr;
	j.out.cap = d->max_dst_size;
	j.out.suppress = (flags & IAA_DECOMP_FLAG_SUPPRESS_OUTPUT) != 0;
	j.out.castagnoli = (opf & IAA_OPF_CRC_SELECT) != 0;
	j.state = ST_HEADER;
	if (rd) {
		const struct dstate *ds = (const void *)rd->dstate;

		j.out.crc = rd->crc;
		j.out.xor_csum = (uint16_t)rd->xor_csum;
		if ((rd->decomp_state & 3) == IAA_DSTATE_BODY) {
			/* canned: tables from a header-only job, start in the body */
			if (ds->magic != DSTATE_MAGIC) {
				r->status = IAA_ST_ANALYTICS_ERROR;
				r->error_code = IAA_AE_INVALID_AECS;
				return;
			}
			memcpy(j.ll_len, ds->ll_len, sizeof(j.ll_len));
			memcpy(j.d_len, ds->d_len, sizeof(j.d_len));
			build(&j.ll, j.ll_len, IAA_LL_SYMBOLS);
			build(&j.d, j.d_len, IAA_D_SYMBOLS);
			j.bfinal = (rd->decomp_state & IAA_DSTATE_FINAL) != 0;
			j.state = ST_BODY;
		}
	}
	ret = run(&j, flags);
	if (ret == 0 && (flags & IAA_DECOMP_FLAG_CHECK_FOR_EOB) &&
	    (!j.last_was_eob || ((flags & IAA_DECOMP_FLAG_SELECT_BFINAL_EOB) && !j.last_eob_final)))
		ret = -IAA_AE_BAD_EOF;
	r->crc = j.out.crc;
	r->xor_csum = j.out.xor_csum;
	r->output_size = j.out.suppress ? 0 : j.out.n;
	if (ret == IAA_ST_OUTBUF_OVERFLOW) {
		/* input up to the token that did not fit; the output before it */
		r->status = IAA_ST_OUTBUF_OVERFLOW;
		r->bytes_completed = (uint32_t)(j.token_start >> 3);
		return;
	}
	if (ret < 0) {
		r->status = IAA_ST_ANALYTICS_ERROR;
		r->error_code = (uint8_t)-ret;
		return;
	}
	r->bytes_completed = (uint32_t)((j.in.pos + 7) >> 3);
	if (wr && (opf & IAA_OPF_WR_SRC2_MASK) == IAA_OPF_WR_SRC2_ALWAYS) {
		/* written in full but stored only as far as src2_size reaches: a tables-only
		 * AECS (0x4e0) ends before the history */
		static __thread struct iaa_hw_aecs_decomp a;
		struct dstate *ds = (void *)a.dstate;

		memset(&a, 0, sizeof(a));
		a.crc = j.out.crc;
		a.xor_csum = j.out.xor_csum;
		ds->magic = DSTATE_MAGIC;
		memcpy(ds->ll_len, j.ll_len, sizeof(ds->ll_len));
		memcpy(ds->d_len, j.d_len, sizeof(ds->d_len));
		a.decomp_state = (uint16_t)((j.state == ST_BODY ? IAA_DSTATE_BODY
					     : j.state == ST_HEADER ? IAA_DSTATE_HEADER
								    : IAA_DSTATE_DONE) |
					    (j.bfinal && j.state == ST_BODY ? IAA_DSTATE_FINAL : 0));
		memcpy(wr, &a, d->src2_size < sizeof(a) ? d->src2_size : sizeof(a));
	}
	r->status = IAA_ST_SUCCESS;
}
