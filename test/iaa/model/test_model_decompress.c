/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/model/test_model_decompress.c - the model's DECOMPRESS
 *
 * The golden hardware vectors decode in the model (canned ones through a
 * header-only job that leaves the decode tables in the AECS, as the kernel's canned
 * driver did); zlib's own streams decode when their distances fit 4 KB and fail
 * with analytics error 17 when not; every EOB rule, overflow and header error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "golden_vectors.h"
#include "iaa/crec.h"
#include "iaa/huff.h"
#include "iaa/model/model.h"
#include "test/iaa/bits.h"
#include "test/iaa/model/jobs.h"

static struct ziaa_device *dev;

static uint32_t ziaa_rev(uint32_t code, unsigned n)
{
	uint32_t r = 0;

	for (unsigned i = 0; i < n; i++, code >>= 1)
		r = (r << 1) | (code & 1);
	return r;
}
static struct iaa_hw_desc desc;
static struct iaa_hw_crec cr;
static struct iaa_hw_aecs_decomp aecs[2];

#define DFLAGS(x) (IAA_DECOMP_FLAG_ENABLE | IAA_DECOMP_FLAG_FLUSH_OUTPUT | (x))
#define STOP_CHECK (IAA_DECOMP_FLAG_STOP_ON_EOB | IAA_DECOMP_FLAG_CHECK_FOR_EOB)

static int setup(void **state)
{
	(void)state;
	dev = ziaa_device_acquire(ZIAA_BACKEND_MODEL);
	return dev ? 0 : -1;
}

static int job(const uint8_t *in, uint32_t n, uint8_t *out, uint32_t cap, uint16_t flags, uint32_t opf,
	       uint32_t src2_size)
{
	fill_desc(&desc, IAA_OP_DECOMPRESS, &cr, in, n, out, cap, flags, opf,
		  opf & (IAA_OPF_RD_SRC2_MASK | IAA_OPF_WR_SRC2_MASK) ? aecs : NULL, src2_size);
	return ziaa_device_run(dev, &desc, &cr, ZIAA_RUN_TIMEOUT_NS);
}

static void test_model_decodes_golden_vectors(void **state)
{
	int decoded = 0;

	(void)state;
	if (GOLDEN_MISSING)
		skip(); /* ../shared/vectors is not beside this checkout */
	for (int i = 0; i < GOLDEN_VECTORS; i++) {
		const struct golden_vector *v = &golden_vectors[i];
		const struct golden_table *g = &golden_tables[v->table];
		uint8_t out[1024];
		uint16_t ignore = (uint16_t)((8 - v->out_bits) % 8) << IAA_DECOMP_FLAG_IGNORE_END_BITS_SHIFT;

		if (strcmp(v->mode, "canned") == 0) {
			/* tables: the header alone, output suppressed, AECS written (4 KB-less size) */
			memset(aecs, 0, sizeof(aecs));
			assert_int_equal(job(g->header, g->header_len, NULL, 0,
					     IAA_DECOMP_FLAG_ENABLE | IAA_DECOMP_FLAG_SUPPRESS_OUTPUT,
					     IAA_OPF_WR_SRC2_ALWAYS | IAA_OPF_AECS_RW_TOGGLE,
					     IAA_AECS_DECOMP_TABLES_SIZE), ZIAA_OK);
			assert_int_equal(aecs[0].decomp_state & 3, IAA_DSTATE_BODY);
			/* body: read that AECS, decode from the first bit */
			assert_int_equal(job(v->out, v->out_len, out, sizeof(out), DFLAGS(STOP_CHECK) | ignore,
					     IAA_OPF_RD_SRC2_AECS, IAA_AECS_DECOMP_TABLES_SIZE), ZIAA_OK);
		} else {
			assert_int_equal(job(v->out, v->out_len, out, sizeof(out), DFLAGS(STOP_CHECK) | ignore,
					     0, 0), ZIAA_OK);
		}
		assert_int_equal(cr.output_size, v->in_len);
		assert_memory_equal(out, v->in, v->in_len);
		assert_int_equal(cr.crc, crc32(0, v->in, v->in_len));
		assert_int_equal(cr.bytes_completed, v->out_len);
		decoded++;
	}
	assert_int_equal(decoded, GOLDEN_VECTORS);
	print_message("golden vectors decoded by the model: %d of %d\n", decoded, GOLDEN_VECTORS);
}

static size_t zraw(const uint8_t *in, size_t n, uint8_t *out, size_t cap, int level, int wbits, int flush,
		   int strategy)
{
	z_stream s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(deflateInit2(&s, level, Z_DEFLATED, -wbits, 8, strategy), Z_OK);
	s.next_in = (Bytef *)(uintptr_t)in;
	s.avail_in = (uInt)(n / 2);
	s.next_out = out;
	s.avail_out = (uInt)cap;
	deflate(&s, flush);
	s.avail_in = (uInt)(n - n / 2);
	assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
	deflateEnd(&s);
	return s.total_out;
}

static uint8_t *text(size_t n)
{
	uint8_t *p = malloc(n);

	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)("decompress with a four kilobyte window "[i % 39] + (i / 9000) % 3);
	return p;
}

static void test_model_decodes_zlib_streams_within_4k(void **state)
{
	size_t n = 100000;
	uint8_t *in = text(n), *z = malloc(2 * n), *out = malloc(n);

	(void)state;
	for (int level = 0; level <= 9; level += 3) {
		size_t zn = zraw(in, n, z, 2 * n, level, 12, Z_NO_FLUSH, Z_DEFAULT_STRATEGY);

		if (job(z, (uint32_t)zn, out, (uint32_t)n,
			DFLAGS(STOP_CHECK | IAA_DECOMP_FLAG_SELECT_BFINAL_EOB), 0, 0) != ZIAA_OK)
			fail_msg("level %d: status 0x%02x error %u", level, cr.status, cr.error_code);
		assert_int_equal(cr.output_size, n);
		assert_memory_equal(out, in, n);
		assert_int_equal(cr.crc, crc32(0, in, (uInt)n));
		assert_int_equal(cr.bytes_completed, zn);
		{
			uint16_t x = 0;

			for (size_t i = 0; i < n; i++)
				x ^= (uint16_t)(in[i] << (i & 1 ? 8 : 0));
			assert_int_equal(cr.xor_csum, x);
		}
	}
	free(in);
	free(z);
	free(out);
}

static void test_model_distance_beyond_4k_is_error_17(void **state)
{
	size_t n = 40000, zn;
	uint8_t *in = malloc(n), *z = malloc(2 * n), *out = malloc(n);
	uint32_t x = 1;

	(void)state;
	/* 8 KB of noise, repeated: matches 8 KB back */
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		in[i] = i < 8192 ? (uint8_t)(x >> 24) : in[i - 8192];
	}
	zn = zraw(in, n, z, 2 * n, 6, 15, Z_NO_FLUSH, Z_DEFAULT_STRATEGY);
	assert_int_equal(job(z, (uint32_t)zn, out, (uint32_t)n, DFLAGS(STOP_CHECK), 0, 0), ZIAA_ERR_DATA);
	assert_int_equal(cr.error_code, IAA_AE_BAD_DIST);
	/* the same whole-stream request the fast path serves: it must fall back */
	assert_int_equal(job(z, (uint32_t)zn, out, (uint32_t)n, DFLAGS(STOP_CHECK | IAA_DECOMP_FLAG_SELECT_BFINAL_EOB),
			     0, 0),
			 ZIAA_ERR_DATA);
	assert_int_equal(cr.error_code, IAA_AE_BAD_DIST);
	free(in);
	free(z);
	free(out);
}

/* A stored block of P noise bytes, then a fixed block with one 32-byte match at
 * distance dist (4096, 4097 or 8192) and the end of block. ISA-L with hist_bits 12
 * accepted the far ones; the device refuses them. */
static size_t far_match(uint8_t *z, uint32_t p, uint32_t dist)
{
	struct tbits w = { z, 0 };
	uint32_t x = 7;

	tbits_put(&w, 0, 3); /* not final, stored */
	w.bits = (w.bits + 7) & ~(size_t)7;
	tbits_put(&w, p, 16);
	tbits_put(&w, ~p & 0xffff, 16);
	for (uint32_t i = 0; i < p; i++) {
		x = x * 1103515245u + 12345u;
		tbits_put(&w, x >> 24, 8);
	}
	tbits_put(&w, 1, 1); /* final, fixed */
	tbits_put(&w, 1, 2);
	tbits_put(&w, ziaa_rev(272 - 256, 7), 7); /* length 31 + 1 */
	tbits_put(&w, 1, 2);
	if (dist == 4096) {
		tbits_put(&w, ziaa_rev(23, 5), 5);
		tbits_put(&w, 4096 - 3073, 10);
	} else {
		unsigned sym = dist <= 6144 ? 24 : 25;

		tbits_put(&w, ziaa_rev(sym, 5), 5);
		tbits_put(&w, dist - (sym == 24 ? 4097 : 6145), 11);
	}
	tbits_put(&w, 0, 7); /* end of block */
	return (w.bits + 7) / 8;
}

static void test_model_far_distance_after_stored_block_is_error_17(void **state)
{
	static uint8_t z[30000], out[30000];
	static const uint32_t dists[] = { 4096, 4097, 8192 };

	(void)state;
	for (size_t k = 0; k < 3; k++) {
		size_t zn = far_match(z, 20000, dists[k]);

		/* the whole-stream fast path's flags, then the careful decoder's */
		for (int careful = 0; careful < 2; careful++) {
			int ret = job(z, (uint32_t)zn, out, sizeof(out),
				      DFLAGS(STOP_CHECK | IAA_DECOMP_FLAG_SELECT_BFINAL_EOB),
				      careful ? IAA_OPF_WR_SRC2_ALWAYS : 0, careful ? sizeof(aecs[0]) : 0);

			if (dists[k] == 4096) {
				assert_int_equal(ret, ZIAA_OK);
				assert_int_equal(cr.output_size, 20032);
				assert_memory_equal(out + 20000, out + 20000 - 4096, 32);
			} else {
				assert_int_equal(ret, ZIAA_ERR_DATA);
				assert_int_equal(cr.error_code, IAA_AE_BAD_DIST);
				assert_int_equal(cr.output_size, 20000);
			}
		}
	}
}

/*
 * Data that takes the fast decoder's every path (inflate.c: fast()): runs of
 * period 1-7 (the near copy) of every length up to 258, far repeats of 8-4096
 * back and up to 258 long (the word copy, its loop past 32 bytes), skewed
 * literals whose rarest codes are 13-15 bits (second-level entries), short codes
 * in pairs, and the end of the input and output inside a match's slack.
 */
static uint8_t *mixed(size_t n)
{
	uint8_t *p = malloc(n);
	uint32_t x = 7;
	size_t i = 0;

	while (i < n) {
		size_t len, k;

		x = x * 1103515245u + 12345u;
		len = 3 + (x >> 8) % 256;
		if (len > n - i)
			len = n - i;
		switch ((x >> 20) % 4) {
		case 0: /* a run of period 1-7 */
			for (k = 0; k < len; k++)
				p[i + k] = i + k >= 8 && k >= (x >> 24) % 7 + 1 ? p[i + k - ((x >> 24) % 7 + 1)]
										 : (uint8_t)(x >> (k % 7));
			break;
		case 1: /* a repeat 8-4096 back */
			for (k = 0; k < len; k++) {
				size_t back = 8 + (x >> 16) % 4089;

				p[i + k] = i + k >= back ? p[i + k - back] : (uint8_t)k;
			}
			break;
		default: /* skewed literals: byte b with weight about 2^-b */
			for (k = 0; k < len; k++) {
				x = x * 1103515245u + 12345u;
				p[i + k] = (uint8_t)(__builtin_clz((x >> 8) | 1) - 8 + 'a');
			}
		}
		i += len;
	}
	return p;
}

/*
 * Long dynamic blocks, 128 KB of output and more. skew 0: a few literals spread
 * over all 256 values (8-bit codes: pairs_pay() says no, and the pairs come after
 * 128 KB), then a repeat of 258 from 8-4000 back. skew 1: three literals of short
 * codes (the decoder pairs them at once, and every pair is used), then a run of
 * 258 of the last.
 */
static uint8_t *long_blocks(size_t n, int skew)
{
	uint8_t *p = malloc(n);
	uint32_t x = 11;
	size_t i = 0;

	while (i < n) {
		x = x * 1103515245u + 12345u;
		for (unsigned k = 0, lits = skew ? 3 : 1 + (x >> 28) % 4; k < lits && i < n; k++, i++) {
			x = x * 1103515245u + 12345u;
			p[i] = skew ? (uint8_t)(__builtin_clz((x >> 8) | 1) - 8 + 'a') : (uint8_t)(x >> 16);
		}
		for (size_t k = 0, back = skew ? 1 : 8 + (x >> 8) % 3993; k < 258 && i < n; k++, i++)
			p[i] = i >= back ? p[i - back] : (uint8_t)k;
	}
	return p;
}

/* zlib's stream z of in[0..n) through the fast decoder, the job's fast path and
 * the careful decoder: every one must give in, its CRC and zn bytes consumed. */
static void check_decoders(const uint8_t *in, size_t n, const uint8_t *z, size_t zn, uint8_t *out, uint8_t *ref,
			   const char *what)
{
	uint32_t want_crc = (uint32_t)crc32(0, in, (uInt)n);
	struct ziaa_model_result r;

	/* the fast decoder itself must finish (not give up to the careful one) */
	memset(&r, 0, sizeof(r));
	memset(out, 0, n);
	if (ziaa_model_inflate_fast(z, (uint32_t)zn, out, (uint32_t)n, &r) != 0)
		fail_msg("%s: the fast decoder gave up", what);
	assert_int_equal(r.output_size, n);
	assert_int_equal(r.bytes_completed, zn);
	assert_int_equal(r.crc, want_crc);
	assert_memory_equal(out, in, n);
	/* the job's fast path (no AECS), then the careful decoder (an AECS written) */
	for (int careful = 0; careful < 2; careful++) {
		/* room for exactly the output: its last tokens fall in the slack */
		if (job(z, (uint32_t)zn, careful ? ref : out, (uint32_t)n,
			DFLAGS(STOP_CHECK | IAA_DECOMP_FLAG_SELECT_BFINAL_EOB), careful ? IAA_OPF_WR_SRC2_ALWAYS : 0,
			careful ? sizeof(aecs[0]) : 0) != ZIAA_OK)
			fail_msg("%s, careful %d: status 0x%02x error %u", what, careful, cr.status, cr.error_code);
		assert_int_equal(cr.output_size, n);
		assert_int_equal(cr.bytes_completed, zn);
		assert_int_equal(cr.crc, want_crc);
	}
	assert_memory_equal(out, in, n);
	assert_memory_equal(ref, in, n);
}

/* The model's own stream of in[0..n): one dynamic block, as its statistics and
 * coding jobs make it (bench_model's streams). */
static size_t model_stream(const uint8_t *in, size_t n, uint8_t *z, size_t cap)
{
	static struct iaa_hw_aecs_comp tab;
	struct iaa_hw_histogram h;
	struct ziaa_huff_table t;
	struct ziaa_huff_header hd;
	struct ziaa_model_bits w = { z, (uint32_t)cap, 0, 0, 0, 0 };

	ziaa_model_lz77_stats(in, (uint32_t)n, &h);
	ziaa_huff_from_histogram(&t, h.ll_count, h.d_count);
	ziaa_huff_write_header(&t, 1, &hd);
	memcpy(tab.ll_code, t.ll_code, sizeof(t.ll_code));
	memcpy(tab.d_code, t.d_code, sizeof(t.d_code));
	for (unsigned b = 0; b < hd.bits; b++)
		ziaa_model_bits_put(&w, (hd.bytes[b / 8] >> (b % 8)) & 1, 1);
	assert_int_equal(ziaa_model_lz77_code(in, (uint32_t)n, &tab, &w, 1), 0);
	ziaa_model_bits_put(&w, 0, 7);
	assert_false(w.overflow);
	return w.pos;
}

static void test_model_fast_decoder_equals_careful_and_zlib(void **state)
{
	static const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FILTERED, Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED };
	size_t n = 600000;
	uint8_t *in = mixed(n / 2), *z = malloc(2 * n), *out = malloc(n), *ref = malloc(n);
	char what[64];

	(void)state;
	for (size_t st = 0; st < sizeof(strategies) / sizeof(strategies[0]); st++) {
		for (int level = 1; level <= 9; level += 4) {
			size_t zn = zraw(in, n / 2, z, 2 * n, level, 12, Z_NO_FLUSH, strategies[st]);

			snprintf(what, sizeof(what), "mixed, strategy %zu level %d", st, level);
			check_decoders(in, n / 2, z, zn, out, ref, what);
		}
	}
	{
		/* one block of 600 KB whose literals are paired at once */
		uint8_t *all = mixed(n);
		size_t zn = model_stream(all, n, z, 2 * n);

		check_decoders(all, n, z, zn, out, ref, "the model's own stream");
		free(all);
	}
	for (int skew = 0; skew < 2; skew++) {
		uint8_t *lb = long_blocks(n, skew);
		size_t zn = zraw(lb, n, z, 2 * n, 1, 12, Z_NO_FLUSH, Z_DEFAULT_STRATEGY);

		snprintf(what, sizeof(what), "long blocks, skew %d", skew);
		check_decoders(lb, n, z, zn, out, ref, what);
		free(lb);
	}
	free(in);
	free(z);
	free(out);
	free(ref);
}

static void test_model_eob_rules_and_overflow(void **state)
{
	size_t n = 20000;
	uint8_t *in = text(n), z[40000], out[20000];
	/* two blocks + empty stored */
	size_t zn = zraw(in, n, z, sizeof(z), 6, 12, Z_SYNC_FLUSH, Z_DEFAULT_STRATEGY);

	(void)state;
	/* stop at any EOB: only the first block's data */
	assert_int_equal(job(z, (uint32_t)zn, out, sizeof(out), DFLAGS(IAA_DECOMP_FLAG_STOP_ON_EOB), 0, 0),
			 ZIAA_OK);
	assert_true(cr.output_size > 0 && cr.output_size < n);
	assert_true(cr.bytes_completed < zn);
	/* stop at the final EOB: all of it */
	assert_int_equal(job(z, (uint32_t)zn, out, sizeof(out),
			     DFLAGS(STOP_CHECK | IAA_DECOMP_FLAG_SELECT_BFINAL_EOB), 0, 0), ZIAA_OK);
	assert_int_equal(cr.output_size, n);
	assert_memory_equal(out, in, n);
	/* trailing bytes after the final block are not consumed */
	memcpy(z + zn, "TRAILER", 7);
	assert_int_equal(job(z, (uint32_t)zn + 7, out, sizeof(out),
			     DFLAGS(STOP_CHECK | IAA_DECOMP_FLAG_SELECT_BFINAL_EOB), 0, 0), ZIAA_OK);
	assert_int_equal(cr.bytes_completed, zn);
	/* truncated input with the EOB check: error 15 */
	assert_int_equal(job(z, (uint32_t)zn / 2, out, sizeof(out), DFLAGS(STOP_CHECK), 0, 0), ZIAA_ERR_DATA);
	assert_int_equal(cr.error_code, IAA_AE_BAD_EOF);
	/* without the check it is a partial success */
	assert_int_equal(job(z, (uint32_t)zn / 2, out, sizeof(out), DFLAGS(IAA_DECOMP_FLAG_STOP_ON_EOB), 0, 0),
			 ZIAA_OK);
	assert_memory_equal(out, in, cr.output_size);
	/* output overflow: status 0x0b, the output before the token that did not fit
	 * (a match is never split: our convention), where the input stopped */
	assert_int_equal(job(z, (uint32_t)zn, out, 5000, DFLAGS(STOP_CHECK), 0, 0), ZIAA_ERR_OVERFLOW);
	assert_int_equal(cr.status, IAA_ST_OUTBUF_OVERFLOW);
	assert_true(cr.output_size <= 5000 && cr.output_size > 5000 - 258);
	assert_memory_equal(out, in, cr.output_size);
	assert_true(cr.bytes_completed > 0 && cr.bytes_completed < zn);
	/* suppressed output: nothing written, the CRC of what would have been */
	memset(out, 0x5a, sizeof(out));
	assert_int_equal(job(z, (uint32_t)zn, out, 0,
			     DFLAGS(STOP_CHECK | IAA_DECOMP_FLAG_SELECT_BFINAL_EOB |
				    IAA_DECOMP_FLAG_SUPPRESS_OUTPUT), 0, 0), ZIAA_OK);
	assert_int_equal(cr.output_size, 0);
	assert_int_equal(cr.crc, crc32(0, in, (uInt)n));
	assert_int_equal(out[0], 0x5a);
	free(in);
}

static void test_model_header_errors(void **state)
{
	static const uint8_t btype3[] = { 0x07, 0x00 };
	static const uint8_t stored_bad[] = { 0x01, 0x05, 0x00, 0x00, 0x00, 'a' };
	uint8_t far_back[8], out[64];
	struct tbits w = { far_back, 0 };

	(void)state;
	/* fixed block: literal 'a', then length 3 at distance 2, EOB */
	tbits_put(&w, 1, 1);
	tbits_put(&w, 1, 2);
	tbits_put(&w, ziaa_rev(0x30 + 'a', 8), 8);
	tbits_put(&w, ziaa_rev(1, 7), 7); /* symbol 257 */
	tbits_put(&w, ziaa_rev(1, 5), 5); /* distance code 1: distance 2 */
	tbits_put(&w, 0, 7);              /* EOB */
	assert_int_equal(job(btype3, sizeof(btype3), out, sizeof(out), DFLAGS(STOP_CHECK), 0, 0), ZIAA_ERR_DATA);
	assert_int_equal(cr.error_code, IAA_AE_INVALID_BLOCK_TYPE);
	assert_int_equal(job(stored_bad, sizeof(stored_bad), out, sizeof(out), DFLAGS(STOP_CHECK), 0, 0),
			 ZIAA_ERR_DATA);
	assert_int_equal(cr.error_code, IAA_AE_INVALID_STORED_LEN);
	assert_int_equal(job(far_back, (uint32_t)(w.bits + 7) / 8, out, sizeof(out), DFLAGS(STOP_CHECK), 0, 0),
			 ZIAA_ERR_DATA);
	assert_int_equal(cr.error_code, IAA_AE_REF_BEFORE_START);
	/* an AECS that claims the body state but holds no tables */
	memset(aecs, 0, sizeof(aecs));
	assert_int_equal(job(far_back, sizeof(far_back), out, sizeof(out), DFLAGS(STOP_CHECK),
			     IAA_OPF_RD_SRC2_AECS, IAA_AECS_DECOMP_SIZE), ZIAA_ERR_DATA);
	assert_int_equal(cr.error_code, IAA_AE_INVALID_AECS);
	/* decompress without ENABLE is not modelled (analytics on raw data) */
	assert_int_equal(job(far_back, sizeof(far_back), out, sizeof(out), IAA_DECOMP_FLAG_FLUSH_OUTPUT, 0, 0),
			 ZIAA_ERR_INVALID);
}

/* A stream decoded job by job: chunks of src1, the AECS (with its 4 KB history)
 * carried from each job to the next by the toggle. */
static void stream_in_chunks(const uint8_t *z, size_t zn, const uint8_t *want, size_t n, size_t chunk,
			     uint32_t out_cap)
{
	uint8_t *out = malloc(n + 300);
	size_t in_off = 0, out_off = 0;
	int toggle = 0, first = 1, ret;

	memset(aecs, 0, sizeof(aecs));
	for (int guard = 0; guard < 1000000; guard++) {
		size_t give = zn - in_off < chunk ? zn - in_off : chunk;
		int last = in_off + give == zn;
		uint32_t opf = (first ? 0 : IAA_OPF_RD_SRC2_AECS) | IAA_OPF_WR_SRC2_ALWAYS |
			       (toggle ? IAA_OPF_AECS_RW_TOGGLE : 0);
		uint32_t cap = (uint32_t)(n + 300 - out_off) < out_cap ? (uint32_t)(n + 300 - out_off) : out_cap;

		ret = job(z + in_off, (uint32_t)give, out + out_off, cap,
			  DFLAGS(last ? STOP_CHECK | IAA_DECOMP_FLAG_SELECT_BFINAL_EOB : 0), opf,
			  IAA_AECS_DECOMP_SIZE);
		if (ret != ZIAA_OK && ret != ZIAA_ERR_OVERFLOW)
			fail_msg("chunk %zu cap %u at %zu: status 0x%02x error %u", chunk, out_cap, in_off,
				 cr.status, cr.error_code);
		in_off += cr.bytes_completed;
		out_off += cr.output_size;
		toggle ^= 1;
		first = 0;
		if (ret == ZIAA_OK && last)
			break;
	}
	assert_int_equal(out_off, n);
	assert_memory_equal(out, want, n);
	assert_int_equal(cr.crc, crc32(0, want, (uInt)n)); /* carried through every AECS */
	free(out);
}

static void test_model_stream_across_jobs(void **state)
{
	size_t n = 60000;
	uint8_t *in = text(n), *z = malloc(2 * n);
	size_t zn = zraw(in, n, z, 2 * n, 6, 12, Z_NO_FLUSH, Z_DEFAULT_STRATEGY);
	size_t zs = zraw(in, n, z + zn, 2 * n - zn, 0, 12, Z_NO_FLUSH, Z_DEFAULT_STRATEGY); /* stored blocks */
	static const size_t chunks[] = { 1, 7, 100, 4096, 65536 };

	(void)state;
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		stream_in_chunks(z, zn, in, n, chunks[c], 1u << 20);
		stream_in_chunks(z + zn, zs, in, n, chunks[c] < 100 ? 100 : chunks[c], 1u << 20);
	}
	/* output overflow with WRITE_SRC2: resume where the job stopped */
	stream_in_chunks(z, zn, in, n, 65536, 1000);
	stream_in_chunks(z, zn, in, n, 777, 300);
	free(in);
	free(z);
}

/* Fixed blocks with every byte value: literals 144-255 have 9-bit codes, which
 * come after the 8-bit codes of the never-used symbols 286 and 287 (a decoder
 * built over 286 symbols mis-decodes them; the whole-stream fast path hid it). */
static void test_model_fixed_blocks_every_literal(void **state)
{
	size_t n = 30000;
	uint8_t *in = malloc(n), *z = malloc(2 * n);
	uint32_t x = 1;
	long zn;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		in[i] = i % 3 ? (uint8_t)(x >> 24) : (uint8_t)i;
	}
	zn = tdeflate_raw(in, n, z, 2 * n, 6, 12, Z_FIXED);
	assert_true(zn > 0);
	stream_in_chunks(z, (size_t)zn, in, n, 1u << 20, 1u << 20); /* one job, the model's decoder */
	stream_in_chunks(z, (size_t)zn, in, n, 333, 1u << 20);
	free(in);
	free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_decodes_golden_vectors),
		cmocka_unit_test(test_model_decodes_zlib_streams_within_4k),
		cmocka_unit_test(test_model_distance_beyond_4k_is_error_17),
		cmocka_unit_test(test_model_far_distance_after_stored_block_is_error_17),
		cmocka_unit_test(test_model_fast_decoder_equals_careful_and_zlib),
		cmocka_unit_test(test_model_eob_rules_and_overflow),
		cmocka_unit_test(test_model_header_errors),
		cmocka_unit_test(test_model_stream_across_jobs),
		cmocka_unit_test(test_model_fixed_blocks_every_literal),
	};

	return cmocka_run_group_tests_name("iaa/model/decompress", tests, setup, NULL);
}
