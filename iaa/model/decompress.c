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
 * A stream also continues across jobs through the AECS (QPL's streaming use,
 * digest §6.6): a job that ends inside the stream, or overflows its output with
 * WRITE_SRC2, writes the running CRC/XOR, the last 4 KB of output (history, with its
 * write offset), the unconsumed input bits (in_accum) and where the parser stands;
 * the next job reading that AECS resumes there. On output overflow the parser stops
 * before the token that did not fit, so nothing is half-done. The tables, the
 * parser state and a stored block's remaining length live in the device-private
 * area (0x1d8-0x4e3) in the model's own encoding (struct dstate), read back only by
 * the model, as the digest allows (§5.2).
 */
#include "iaa/model/model.h"

#include <stdlib.h>
#include <string.h>

#include "iaa/checksum.h"
#include "iaa/deflate.h"
#include "iaa/huff.h"

#define DSTATE_MAGIC 0x5a4d4454u /* "TDMZ": tables written by this model */

/* The literal/length decoder covers all of the fixed code's symbols, so that its
 * 9-bit codes land right (huff.h); a dynamic table leaves the last two at 0. */
#define LL_DECODE_SYMBOLS ZIAA_FIXED_LL_SYMBOLS

/* The model's use of the device-private AECS area. */
struct dstate {
	uint32_t magic;
	uint8_t ll_len[LL_DECODE_SYMBOLS];
	uint8_t d_len[IAA_D_SYMBOLS];
	uint8_t state;        /* ST_* below */
	uint8_t bfinal;
	uint16_t pending_bits; /* valid bits in the AECS in_accum */
	uint32_t stored_left;  /* bytes left in a stored block */
	uint64_t total;        /* output so far in the stream (history depth) */
};
_Static_assert(sizeof(struct dstate) <= sizeof(((struct iaa_hw_aecs_decomp *)0)->dstate),
	       "model decoder state fits the device-private AECS area");


/* A canonical decoder: a 9-bit lookup table for short codes (most of them), and
 * counts per length with symbols in code order for the rest. */
#define FAST_BITS 9

struct decoder {
	uint16_t fast[1 << FAST_BITS]; /* symbol << 4 | length, 0 = longer code */
	uint16_t count[16];
	uint16_t symbol[LL_DECODE_SYMBOLS];
};

static void build(struct decoder *dec, const uint8_t *len, unsigned n)
{
	uint16_t offs[16], next[16];
	unsigned code = 0;

	memset(dec->count, 0, sizeof(dec->count));
	memset(dec->fast, 0, sizeof(dec->fast));
	for (unsigned i = 0; i < n; i++)
		dec->count[len[i]]++;
	dec->count[0] = 0;
	offs[1] = 0;
	for (unsigned l = 1; l < 15; l++)
		offs[l + 1] = (uint16_t)(offs[l] + dec->count[l]);
	for (unsigned i = 0; i < n; i++)
		if (len[i])
			dec->symbol[offs[len[i]]++] = (uint16_t)i;
	/* canonical codes, bit-reversed into the LSB-first lookup */
	next[0] = 0;
	for (unsigned l = 1; l < 16; l++) {
		code = (code + dec->count[l - 1]) << 1;
		next[l] = (uint16_t)code;
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned l = len[i], c, r = 0;

		if (!l)
			continue;
		c = next[l]++;
		if (l > FAST_BITS)
			continue;
		for (unsigned k = 0; k < l; k++)
			r |= ((c >> k) & 1) << (l - 1 - k);
		for (unsigned fill = r; fill < (1u << FAST_BITS); fill += 1u << l)
			dec->fast[fill] = (uint16_t)(i << 4 | l);
	}
}

struct in {
	const uint8_t *p;
	size_t bits;  /* usable input bits (after IGNORE_END_BITS) */
	size_t pos;
};

/* Up to 57 bits from pos (zeros past the buffer's end). */
static uint64_t peek(const struct in *in)
{
	size_t byte = in->pos >> 3, have = (in->bits + 7) / 8;
	uint64_t v = 0;

	if (byte + 8 <= have) {
		memcpy(&v, in->p + byte, 8);
	} else {
		for (size_t i = 0; byte + i < have; i++)
			v |= (uint64_t)in->p[byte + i] << (8 * i);
	}
	return v >> (in->pos & 7);
}

static int bits(struct in *in, unsigned n, uint32_t *v)
{
	if (in->pos + n > in->bits)
		return -1;
	*v = n ? (uint32_t)(peek(in) & ((1ull << n) - 1)) : 0;
	in->pos += n;
	return 0;
}

/* Returns the symbol, -1 at the end of input, -2 for a code with no symbol. */
static int decode(struct in *in, const struct decoder *dec)
{
	uint64_t v = peek(in);
	uint16_t e = dec->fast[v & ((1u << FAST_BITS) - 1)];
	int code = 0, first = 0, index = 0;

	if (e) {
		if (in->pos + (e & 15) > in->bits)
			return -1;
		in->pos += e & 15;
		return e >> 4;
	}
	for (unsigned l = 1; l <= 15; l++, v >>= 1) {
		if (in->pos + l > in->bits)
			return -1;
		code |= (int)(v & 1);
		if (code - first < dec->count[l]) {
			in->pos += l;
			return dec->symbol[index + (code - first)];
		}
		index += dec->count[l];
		first = (first + dec->count[l]) << 1;
		code <<= 1;
	}
	return -2;
}

struct out {
	uint8_t *dst;
	uint32_t cap;
	uint32_t n;        /* produced by this job (counted when suppressed too) */
	uint64_t total;    /* produced by the stream: history depth */
	int suppress;
	uint32_t crc;      /* incremental only when suppressed; else computed at the end */
	uint16_t xor_csum;
	uint64_t xor_base; /* stream bytes before this job: the XOR's word parity */
	int castagnoli;
	uint8_t hist[IAA_HISTORY_SIZE]; /* the last 4 KB of the stream */
};

static int put(struct out *o, const uint8_t *p, uint32_t n)
{
	if (!o->suppress && o->n + n > o->cap)
		return -1;
	if (o->suppress) {
		o->crc = ziaa_model_crc(o->crc, p, n, o->castagnoli);
		o->xor_csum = ziaa_xor16(o->xor_csum, p, n, (size_t)o->total);
	}
	for (uint32_t i = 0; i < n; i++) {
		if (!o->suppress)
			o->dst[o->n] = p[i];
		o->hist[o->total & (IAA_HISTORY_SIZE - 1)] = p[i];
		o->n++;
		o->total++;
	}
	return 0;
}

/* A match: len bytes from dist back, through the history ring (dist <= 4096 and
 * <= total were checked, and the output has room). */
static void put_match(struct out *o, unsigned dist, unsigned len)
{
	uint8_t tmp[ZIAA_MAX_MATCH], *hist = o->hist;
	uint64_t t = o->total;

	for (unsigned k = 0; k < len; k++, t++) {
		uint8_t c = hist[(t - dist) & (IAA_HISTORY_SIZE - 1)];

		hist[t & (IAA_HISTORY_SIZE - 1)] = c;
		tmp[k] = c;
	}
	if (o->suppress) {
		o->crc = ziaa_model_crc(o->crc, tmp, len, o->castagnoli);
		o->xor_csum = ziaa_xor16(o->xor_csum, tmp, len, (size_t)o->total);
	} else {
		memcpy(o->dst + o->n, tmp, len);
	}
	o->n += len;
	o->total = t;
}

enum { ST_HEADER, ST_BODY, ST_STORED, ST_DONE };

struct job {
	struct in in;
	struct out out;
	struct decoder ll, d;
	uint8_t ll_len[LL_DECODE_SYMBOLS], d_len[IAA_D_SYMBOLS];
	int state, bfinal, last_was_eob, last_eob_final;
	uint32_t stored_left;
	size_t token_start;  /* input bit where the current token began */
	uint32_t n_at_token; /* output at that point */
	uint64_t total_at_token;
	int state_at_token;
};

static void fixed_tables(struct job *j)
{
	ziaa_huff_fixed_ll_lengths(j->ll_len);
	/* distance codes 30 and 31 (5 bits, last in order) stay undefined: error 12 */
	memset(j->d_len, 5, sizeof(j->d_len));
}

/* A dynamic block's (or an AECS's) tables: 286 literal/length lengths. */
static void dynamic_tables(struct job *j, const uint8_t *ll_len, const uint8_t *d_len)
{
	memset(j->ll_len, 0, sizeof(j->ll_len));
	memcpy(j->ll_len, ll_len, IAA_LL_SYMBOLS);
	memcpy(j->d_len, d_len, sizeof(j->d_len));
}

static void use_tables(struct job *j)
{
	build(&j->ll, j->ll_len, LL_DECODE_SYMBOLS);
	build(&j->d, j->d_len, IAA_D_SYMBOLS);
}

/* The end of a block (an EOB code, or a stored block's last byte). */
static void block_end(struct job *j, int stop, int select_final)
{
	j->last_was_eob = 1;
	j->last_eob_final = j->bfinal;
	j->state = j->bfinal || (stop && !select_final) ? ST_DONE : ST_HEADER;
}

/* Decode until the input ends or the EOB rule stops us. Returns 0, the status
 * 0x0b, or -error for an analytics error. At the end of input, in.pos is where the
 * unconsumed bits (a token cut short) begin. */
static int run(struct job *j, uint16_t flags)
{
	int stop = (flags & IAA_DECOMP_FLAG_STOP_ON_EOB) != 0;
	int select_final = (flags & IAA_DECOMP_FLAG_SELECT_BFINAL_EOB) != 0;
	uint32_t v = 0;

	while (j->state != ST_DONE) {
		j->token_start = j->in.pos;
		j->n_at_token = j->out.n;
		j->total_at_token = j->out.total;
		j->state_at_token = j->state;
		if (j->state == ST_STORED) {
			uint8_t buf[256];
			uint32_t k = j->stored_left < sizeof(buf) ? j->stored_left : sizeof(buf);
			size_t avail = (j->in.bits - j->in.pos) / 8;

			if (k > avail)
				k = (uint32_t)avail;
			if (j->stored_left && !k)
				return 0;
			for (uint32_t i = 0; i < k; i++)
				buf[i] = (uint8_t)(j->in.p[(j->in.pos >> 3) + i] >> (j->in.pos & 7) |
						   (j->in.pos & 7 ? j->in.p[(j->in.pos >> 3) + i + 1]
									<< (8 - (j->in.pos & 7)) : 0));
			if (put(&j->out, buf, k))
				return IAA_ST_OUTBUF_OVERFLOW;
			j->in.pos += 8 * (size_t)k;
			j->stored_left -= k;
			if (!j->stored_left)
				block_end(j, stop, select_final);
			continue;
		}
		if (j->state == ST_HEADER) {
			uint32_t type = 0;
			struct ziaa_huff_table t;
			size_t bit;

			if (j->in.pos + 3 > j->in.bits)
				return 0;
			bits(&j->in, 1, &v);
			bits(&j->in, 2, &type);
			j->bfinal = (int)v;
			j->last_was_eob = 0;
			if (type == 0) {
				uint32_t len, nlen;

				j->in.pos = (j->in.pos + 7) & ~(size_t)7;
				if (bits(&j->in, 16, &len) || bits(&j->in, 16, &nlen)) {
					j->in.pos = j->token_start;
					return 0;
				}
				if ((len ^ 0xffff) != nlen)
					return -IAA_AE_INVALID_STORED_LEN;
				j->stored_left = len;
				j->state = ST_STORED;
				if (!len)
					block_end(j, stop, select_final);
				continue;
			} else if (type == 1) {
				fixed_tables(j);
			} else if (type == 2) {
				int e;

				bit = j->in.pos - 3;
				e = ziaa_huff_parse_header_at(j->in.p, j->in.bits, &bit, &t, &j->bfinal);
				if (e == -IAA_AE_HDR_TOO_BIG) {
					j->in.pos = j->token_start; /* the header continues in the next job */
					return 0;
				}
				if (e)
					return e;
				j->in.pos = bit;
				dynamic_tables(j, t.ll_len, t.d_len);
			} else {
				return -IAA_AE_INVALID_BLOCK_TYPE;
			}
			use_tables(j);
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
		if (sym < 256 && !j->out.suppress) { /* the common case, inline */
			if (j->out.n >= j->out.cap)
				return IAA_ST_OUTBUF_OVERFLOW;
			j->out.dst[j->out.n++] = (uint8_t)sym;
			j->out.hist[j->out.total++ & (IAA_HISTORY_SIZE - 1)] = (uint8_t)sym;
		} else if (sym < 256) {
			uint8_t c = (uint8_t)sym;

			put(&j->out, &c, 1);
		} else if (sym == 256) {
			block_end(j, stop, select_final);
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
			if (ds == -1 || (ds >= 0 && ds < 30 && bits(&j->in, ziaa_dist_extra[ds], &extra))) {
				j->in.pos = j->token_start;
				return 0;
			}
			if (ds < 0 || ds >= 30)
				return -IAA_AE_BAD_D_CODE;
			dist = ziaa_dist_base[ds] + extra;
			if (dist > IAA_HISTORY_SIZE)
				return -IAA_AE_BAD_DIST;
			if (dist > j->out.total)
				return -IAA_AE_REF_BEFORE_START;
			if (!j->out.suppress && j->out.n + len > j->out.cap)
				return IAA_ST_OUTBUF_OVERFLOW;
			put_match(&j->out, dist, len);
		}
	}
	return 0;
}

/* The unconsumed input bits [from, to) into the AECS input accumulator. */
static int save_pending(struct iaa_hw_aecs_decomp *a, const struct in *in, size_t from, size_t to)
{
	size_t n = to - from;

	if (n > 64 * 32)
		return -1;
	memset(a->in_accum, 0, sizeof(a->in_accum));
	memset(a->in_accum_bits, 0, sizeof(a->in_accum_bits));
	for (size_t i = 0; i < n; i++) {
		size_t b = from + i;

		a->in_accum[i / 64] |= (uint64_t)((in->p[b >> 3] >> (b & 7)) & 1) << (i % 64);
	}
	for (size_t q = 0; q * 64 < n; q++)
		a->in_accum_bits[q] = (uint8_t)(n - q * 64 > 64 ? 64 : n - q * 64);
	return 0;
}

/* The input of a resumed job: the AECS's pending bits, then src1. */
static const uint8_t *join_input(const struct iaa_hw_aecs_decomp *a, unsigned pending,
				 const uint8_t *src, size_t n, size_t *bits_out)
{
	static __thread uint8_t *buf;
	static __thread size_t cap;
	size_t total = pending + 8 * n, bytes = (total + 7) / 8 + 1;
	uint8_t *p;

	if (!pending) {
		*bits_out = 8 * n;
		return src;
	}
	if (bytes > cap) {
		uint8_t *nb = realloc(buf, bytes);

		if (!nb)
			return NULL;
		buf = nb;
		cap = bytes;
	}
	/* through a local: a byte store could alias the __thread pointer itself,
	 * which would then be reloaded (in a shared library, __tls_get_addr) */
	p = buf;
	memset(p, 0, bytes);
	for (unsigned i = 0; i < pending; i++)
		p[i >> 3] |= (uint8_t)(((a->in_accum[i / 64] >> (i % 64)) & 1) << (i & 7));
	for (size_t i = 0; i < n; i++) {
		size_t b = pending + 8 * i;

		p[b >> 3] |= (uint8_t)(src[i] << (b & 7));
		if (b & 7)
			p[(b >> 3) + 1] |= (uint8_t)(src[i] >> (8 - (b & 7)));
	}
	*bits_out = total;
	return p;
}

static void write_aecs(const struct iaa_hw_desc *d, struct iaa_hw_aecs_decomp *wr, struct job *j,
		       uint32_t crc, uint16_t xor_csum, size_t from, size_t to)
{
	static __thread struct iaa_hw_aecs_decomp a_tls;
	struct iaa_hw_aecs_decomp *a = ziaa_opaque(&a_tls); /* see ziaa_opaque() */
	struct dstate *ds = (void *)a->dstate;
	uint64_t hist_len = j->out.total < IAA_HISTORY_SIZE ? j->out.total : IAA_HISTORY_SIZE;

	memset(a, 0, sizeof(*a));
	a->crc = crc;
	a->xor_csum = xor_csum;
	ds->magic = DSTATE_MAGIC;
	memcpy(ds->ll_len, j->ll_len, sizeof(ds->ll_len));
	memcpy(ds->d_len, j->d_len, sizeof(ds->d_len));
	ds->state = (uint8_t)j->state;
	ds->bfinal = (uint8_t)j->bfinal;
	ds->stored_left = j->stored_left;
	ds->total = j->out.total;
	if (save_pending(a, &j->in, from, to) == 0)
		ds->pending_bits = (uint16_t)(to - from);
	a->decomp_state = (uint16_t)((j->state == ST_BODY ? IAA_DSTATE_BODY
				      : j->state == ST_STORED ? IAA_DSTATE_STORED
				      : j->state == ST_HEADER ? IAA_DSTATE_HEADER
							      : IAA_DSTATE_DONE) |
				     (j->bfinal && j->state != ST_DONE && j->state != ST_HEADER
					      ? IAA_DSTATE_FINAL : 0));
	/* history in stream order, oldest first; hist_wr: write offset, bit 15 wrapped */
	for (uint64_t i = 0; i < hist_len; i++)
		a->history[i] = j->out.hist[(j->out.total - hist_len + i) & (IAA_HISTORY_SIZE - 1)];
	a->hist_wr = (uint16_t)((hist_len & (IAA_HISTORY_SIZE - 1)) |
				(j->out.total >= IAA_HISTORY_SIZE ? 0x8000 : 0));
	/* stored only as far as src2_size reaches: a tables-only AECS (0x4e0) ends
	 * before the history */
	memcpy(wr, a, d->src2_size < sizeof(*a) ? d->src2_size : sizeof(*a));
}

/* The AECS is the caller's memory: what the model reads back from it is checked
 * before use, so a damaged one is error 22 rather than a read out of bounds. */
static int dstate_valid(const struct dstate *ds)
{
	return ziaa_huff_lengths_valid(ds->ll_len, LL_DECODE_SYMBOLS) &&
	       ziaa_huff_lengths_valid(ds->d_len, IAA_D_SYMBOLS) &&
	       ds->pending_bits <= 64 * sizeof(((struct iaa_hw_aecs_decomp *)0)->in_accum) / sizeof(uint64_t) &&
	       ds->stored_left <= 0xffff && ds->state <= ST_DONE;
}

/* Restore a stream from an AECS a previous job wrote. Returns 0 or -error. */
static int resume(struct job *j, const struct iaa_hw_aecs_decomp *rd, uint32_t src2_size)
{
	const struct dstate *ds = (const void *)rd->dstate;
	unsigned st = rd->decomp_state & 3;

	j->out.crc = rd->crc;
	j->out.xor_csum = (uint16_t)rd->xor_csum;
	if (st == IAA_DSTATE_HEADER && ds->magic != DSTATE_MAGIC)
		return 0; /* a fresh AECS: start at a block header */
	if (ds->magic != DSTATE_MAGIC || !dstate_valid(ds))
		return -IAA_AE_INVALID_AECS;
	memcpy(j->ll_len, ds->ll_len, sizeof(j->ll_len));
	memcpy(j->d_len, ds->d_len, sizeof(j->d_len));
	use_tables(j);
	j->bfinal = ds->bfinal || (rd->decomp_state & IAA_DSTATE_FINAL);
	j->state = st == IAA_DSTATE_BODY ? ST_BODY : st == IAA_DSTATE_STORED ? ST_STORED : ST_HEADER;
	if (rd->decomp_state & IAA_DSTATE_DONE)
		j->state = ST_DONE;
	j->stored_left = ds->stored_left;
	if (src2_size >= IAA_AECS_DECOMP_SIZE) {
		uint64_t hist_len = ds->total < IAA_HISTORY_SIZE ? ds->total : IAA_HISTORY_SIZE;

		j->out.total = ds->total;
		for (uint64_t i = 0; i < hist_len; i++)
			j->out.hist[(ds->total - hist_len + i) & (IAA_HISTORY_SIZE - 1)] = rd->history[i];
	}
	return 0;
}

void ziaa_model_decompress(const struct iaa_hw_desc *d, struct ziaa_model_result *r)
{
	static __thread struct job job_tls;
	struct job *j = ziaa_opaque(&job_tls); /* see ziaa_opaque() */
	uint32_t opf = iaa_desc_flags(d);
	uint16_t flags = d->op_flags;
	int toggle = (opf & IAA_OPF_AECS_RW_TOGGLE) != 0;
	const struct iaa_hw_aecs_decomp *rd = NULL;
	struct iaa_hw_aecs_decomp *wr = NULL;
	unsigned ignore = (flags & IAA_DECOMP_FLAG_IGNORE_END_BITS_MASK) >> IAA_DECOMP_FLAG_IGNORE_END_BITS_SHIFT;
	unsigned pending = 0;
	size_t in_bits;
	const uint8_t *in;
	uint32_t crc;
	uint16_t xor_csum;
	int ret;

	if ((opf & IAA_OPF_RD_SRC2_MASK) == IAA_OPF_RD_SRC2_AECS)
		rd = (const void *)(uintptr_t)(d->src2_addr + (toggle ? d->src2_size : 0));
	if (opf & IAA_OPF_WR_SRC2_MASK)
		wr = (void *)(uintptr_t)(d->src2_addr + (toggle ? 0 : d->src2_size));
	/* A whole stream to its final block, nothing else asked: the fast decoder. */
	if (!rd && !wr && !ignore && !(opf & IAA_OPF_CRC_SELECT) &&
	    (flags & (IAA_DECOMP_FLAG_STOP_ON_EOB | IAA_DECOMP_FLAG_SELECT_BFINAL_EOB |
		      IAA_DECOMP_FLAG_SUPPRESS_OUTPUT)) ==
		    (IAA_DECOMP_FLAG_STOP_ON_EOB | IAA_DECOMP_FLAG_SELECT_BFINAL_EOB) &&
	    ziaa_model_inflate_fast((const uint8_t *)(uintptr_t)d->src1_addr, d->src1_size,
				    (uint8_t *)(uintptr_t)d->dst_addr, d->max_dst_size, r) == 0) {
		r->xor_csum = ziaa_xor16(0, (const uint8_t *)(uintptr_t)d->dst_addr, r->output_size, 0);
		return;
	}
	memset(j, 0, sizeof(*j));
	j->out.dst = (uint8_t *)(uintptr_t)d->dst_addr;
	j->out.cap = d->max_dst_size;
	j->out.suppress = (flags & IAA_DECOMP_FLAG_SUPPRESS_OUTPUT) != 0;
	j->out.castagnoli = (opf & IAA_OPF_CRC_SELECT) != 0;
	j->state = ST_HEADER;
	if (rd) {
		ret = resume(j, rd, d->src2_size);
		if (ret) {
			r->status = IAA_ST_ANALYTICS_ERROR;
			r->error_code = (uint8_t)-ret;
			return;
		}
		if (((const struct dstate *)(const void *)rd->dstate)->magic == DSTATE_MAGIC)
			pending = ((const struct dstate *)(const void *)rd->dstate)->pending_bits;
	}
	j->out.xor_base = j->out.total;
	in = join_input(rd, pending, (const uint8_t *)(uintptr_t)d->src1_addr, d->src1_size, &in_bits);
	if (!in) {
		r->status = IAA_ST_ANALYTICS_ERROR;
		r->error_code = IAA_AE_SRC1_TOO_SMALL;
		return;
	}
	j->in = (struct in){ in, in_bits >= ignore ? in_bits - ignore : 0, 0 };
	ret = run(j, flags);
	if (ret == IAA_ST_OUTBUF_OVERFLOW) {
		/* stop before the token that did not fit: nothing half-done */
		j->in.pos = j->token_start;
		j->out.n = j->n_at_token;
		j->out.total = j->total_at_token;
		j->state = j->state_at_token;
	}
	if (ret == 0 && (flags & IAA_DECOMP_FLAG_CHECK_FOR_EOB) &&
	    (!j->last_was_eob || ((flags & IAA_DECOMP_FLAG_SELECT_BFINAL_EOB) && !j->last_eob_final)))
		ret = -IAA_AE_BAD_EOF;
	crc = j->out.crc;
	xor_csum = j->out.xor_csum;
	if (!j->out.suppress) {
		crc = ziaa_model_crc(crc, j->out.dst, j->out.n, j->out.castagnoli);
		xor_csum = ziaa_xor16(xor_csum, j->out.dst, j->out.n, (size_t)j->out.xor_base);
	}
	r->crc = crc;
	r->xor_csum = xor_csum;
	r->output_size = j->out.suppress ? 0 : j->out.n;
	if (ret < 0) {
		r->status = IAA_ST_ANALYTICS_ERROR;
		r->error_code = (uint8_t)-ret;
		return;
	}
	/* Input consumed: whole bytes of src1. Bits left over from a token cut short
	 * (or before the token that overflowed) travel in the written AECS. */
	if (j->state == ST_DONE) {
		size_t used = (j->in.pos + 7) / 8 * 8;

		r->bytes_completed = (uint32_t)(used > pending ? (used - pending) / 8 : 0);
	} else {
		r->bytes_completed = ret == IAA_ST_OUTBUF_OVERFLOW
					     ? (uint32_t)((j->in.pos > pending ? j->in.pos - pending : 0) + 7) / 8
					     : d->src1_size;
	}
	if (wr && ((opf & IAA_OPF_WR_SRC2_MASK) == IAA_OPF_WR_SRC2_ALWAYS ||
		   ((opf & IAA_OPF_WR_SRC2_MASK) == IAA_OPF_WR_SRC2_OVERFLOW && ret == IAA_ST_OUTBUF_OVERFLOW))) {
		size_t consumed_bits = pending + 8 * (size_t)r->bytes_completed;

		write_aecs(d, wr, j, crc, xor_csum, j->in.pos,
			   consumed_bits < j->in.pos    ? j->in.pos
			   : consumed_bits > j->in.bits ? j->in.bits
							: consumed_bits);
	}
	r->status = ret == IAA_ST_OUTBUF_OVERFLOW ? IAA_ST_OUTBUF_OVERFLOW : IAA_ST_SUCCESS;
}
