/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/model/test_model_corrupt.c - corrupt and truncated streams in DECOMPRESS
 *
 * Thousands of seeded mutations (bit flips, overwritten bytes, truncations) of
 * real streams. Each one is decoded three ways: by the model as a whole-stream job
 * (its fast decoder, iaa/model/inflate.c), by the model's careful decoder (the
 * same job writing an AECS, which the fast path never takes), and by the system
 * zlib. The model's two paths must report the same thing to the byte; when the
 * model succeeds zlib must agree on the output, and when zlib rejects the stream
 * the model must too, with one exception by convention (README): an incomplete
 * but not over-subscribed code in a dynamic header, which zlib refuses before
 * decoding and the model (like ISA-L) accepts unless the data uses a missing code. tools/test.sh runs this under ASan and UBSan: no mutation may
 * read or write out of bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "iaa/crec.h"
#include "iaa/huff.h"
#include "test/iaa/bits.h"
#include "test/iaa/model/jobs.h"

#define MUTATIONS 4000
#define CAP (64u << 10)

static struct ziaa_device *dev;
static struct iaa_hw_desc desc;
static struct iaa_hw_crec cr;
static struct iaa_hw_aecs_decomp aecs[2];
static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static int setup(void **state)
{
	(void)state;
	dev = ziaa_device_acquire(ZIAA_BACKEND_MODEL);
	return dev ? 0 : -1;
}

/* A raw DEFLATE stream of n bytes of kind at the given zlib settings. */
static size_t source(uint8_t *out, size_t cap, size_t n, int kind, int level, int strategy)
{
	uint8_t *in = malloc(n);
	long size;

	for (size_t i = 0; i < n; i++)
		in[i] = kind == 0 ? (uint8_t)("a model must fail where zlib fails "[i % 35] + (i / 700) % 5)
				  : (uint8_t)(next() % (kind == 1 ? 4 : 256));
	size = tdeflate_raw(in, n, out, cap, level, 12, strategy);
	free(in);
	assert_true(size > 0);
	return (size_t)size;
}

/* The longest of n code lengths. */
static unsigned longest_len(const uint8_t *len, unsigned n)
{
	unsigned m = 0;

	for (unsigned i = 0; i < n; i++)
		m = len[i] > m ? len[i] : m;
	return m;
}

/* The stream starts with a dynamic block whose header is valid except that a code
 * is incomplete (zlib accepts that only for a code whose lengths are all 1: one
 * symbol). */
static int incomplete_header(const uint8_t *in, size_t n)
{
	struct ziaa_huff_table t;
	int bfinal;
	uint32_t ll, d, full = 1u << 15;

	if (n == 0 || (in[0] >> 1 & 3) != 2 || ziaa_huff_parse_header(in, n, &t, &bfinal) <= 0)
		return 0;
	ll = tkraft(t.ll_len, IAA_LL_SYMBOLS);
	d = tkraft(t.d_len, IAA_D_SYMBOLS);
	return ll <= full && d <= full &&
	       ((ll < full && longest_len(t.ll_len, IAA_LL_SYMBOLS) != 1) ||
		(d < full && longest_len(t.d_len, IAA_D_SYMBOLS) != 1));
}

struct result {
	uint8_t status, error;
	uint32_t size, consumed, crc;
};

static struct result decode(const uint8_t *in, uint32_t n, uint8_t *out, int own_decoder)
{
	uint32_t opf = own_decoder ? IAA_OPF_WR_SRC2_ALWAYS : 0;

	fill_desc(&desc, IAA_OP_DECOMPRESS, &cr, in, n, out, CAP,
		  IAA_DECOMP_FLAG_ENABLE | IAA_DECOMP_FLAG_FLUSH_OUTPUT | IAA_DECOMP_FLAG_STOP_ON_EOB |
			  IAA_DECOMP_FLAG_CHECK_FOR_EOB | IAA_DECOMP_FLAG_SELECT_BFINAL_EOB,
		  opf, own_decoder ? aecs : NULL, own_decoder ? sizeof(aecs[0]) : 0);
	ziaa_device_run(dev, &desc, &cr, ZIAA_RUN_TIMEOUT_NS);
	return (struct result){ cr.status, cr.error_code, cr.output_size, cr.bytes_completed, cr.crc };
}

static void test_model_corrupt_streams(void **state)
{
	static uint8_t src[8][CAP], buf[CAP], out_fast[CAP], out_own[CAP], out_z[CAP];
	static const struct {
		size_t n;
		int kind, level, strategy;
	} kinds[8] = {
		{ 3000, 0, 1, Z_DEFAULT_STRATEGY }, { 20000, 0, 6, Z_DEFAULT_STRATEGY },
		{ 5000, 1, 9, Z_DEFAULT_STRATEGY }, { 2000, 2, 6, Z_DEFAULT_STRATEGY },
		{ 4000, 0, 6, Z_FIXED },	    { 3000, 0, 6, Z_HUFFMAN_ONLY },
		{ 1500, 2, 0, Z_DEFAULT_STRATEGY }, { 40, 0, 6, Z_DEFAULT_STRATEGY },
	};
	size_t len[8];
	unsigned agree_ok = 0, agree_fail = 0, lenient = 0;

	(void)state;
	for (int k = 0; k < 8; k++)
		len[k] = source(src[k], CAP, kinds[k].n, kinds[k].kind, kinds[k].level, kinds[k].strategy);
	/* ZIAA_MUTATIONS=N runs a longer search by hand */
	unsigned mutations = getenv("ZIAA_MUTATIONS") ? (unsigned)atoi(getenv("ZIAA_MUTATIONS")) : MUTATIONS;

	for (unsigned m = 0; m < mutations; m++) {
		int k = (int)(next() % 8);
		uint32_t n = (uint32_t)len[k];
		struct result fast, own;
		z_stream s;
		int zret;

		memcpy(buf, src[k], n);
		switch (next() % 4) {
		case 0: /* a few flipped bits, most often in the block header */
			for (unsigned f = 1 + next() % 3; f > 0; f--) {
				uint32_t at = next() % 2 ? next() % (n < 64 ? n : 64) : next() % n;

				buf[at] ^= (uint8_t)(1u << (next() % 8));
			}
			break;
		case 1: /* an overwritten byte */
			buf[next() % n] = (uint8_t)next();
			break;
		case 2: /* cut short */
			n = next() % n;
			break;
		default: /* both */
			buf[next() % n] ^= (uint8_t)(1u << (next() % 8));
			n = n / 2 + next() % (n - n / 2);
			break;
		}
		if (n == 0)
			n = 1;
		fast = decode(buf, n, out_fast, 0);
		own = decode(buf, n, out_own, 1);
		if (fast.status != own.status || fast.error != own.error || fast.size != own.size ||
		    fast.consumed != own.consumed || fast.crc != own.crc)
			fail_msg("mutation %u (source %d, %u bytes): whole-stream job 0x%02x/%u size %u used %u, "
				 "own decoder 0x%02x/%u size %u used %u",
				 m, k, n, fast.status, fast.error, fast.size, fast.consumed, own.status, own.error,
				 own.size, own.consumed);
		assert_memory_equal(out_fast, out_own, fast.size);

		memset(&s, 0, sizeof(s));
		inflateInit2(&s, -15);
		s.next_in = buf;
		s.avail_in = n;
		s.next_out = out_z;
		s.avail_out = CAP;
		zret = inflate(&s, Z_FINISH);
		inflateEnd(&s);
		if (fast.status == IAA_ST_SUCCESS && zret != Z_STREAM_END && s.msg &&
		    (!strcmp(s.msg, "invalid distances set") || !strcmp(s.msg, "invalid literal/lengths set"))) {
			if (!incomplete_header(buf, n) && getenv("ZIAA_DUMP")) {
				FILE *f = fopen(getenv("ZIAA_DUMP"), "wb");

				fwrite(buf, 1, n, f);
				fclose(f);
			}
			if (!incomplete_header(buf, n))
				fail_msg("mutation %u: zlib says %s, the model decoded it", m, s.msg);
			lenient++;
		} else if (fast.status == IAA_ST_SUCCESS) {
			if (zret != Z_STREAM_END && getenv("ZIAA_DUMP")) {
				FILE *f = fopen(getenv("ZIAA_DUMP"), "wb");

				fwrite(buf, 1, n, f);
				fclose(f);
			}
			if (zret != Z_STREAM_END)
				fail_msg("mutation %u: the model decoded %u bytes, zlib says %d (%s)", m, fast.size,
					 zret, s.msg ? s.msg : "");
			assert_int_equal(fast.size, s.total_out);
			assert_int_equal(fast.consumed, s.total_in);
			assert_memory_equal(out_fast, out_z, fast.size);
			agree_ok++;
		} else if (zret == Z_STREAM_END) {
			/* zlib's window is 32 KB: a mutation may make a distance the device
			 * cannot reach, and nothing else */
			if (fast.error != IAA_AE_BAD_DIST)
				fail_msg("mutation %u: zlib decoded it, the model says 0x%02x/%u", m, fast.status,
					 fast.error);
		} else {
			agree_fail++;
		}
	}
	print_message("%u mutations: %u decoded identically, %u rejected by both, %u incomplete codes "
		      "accepted, the rest beyond 4 KB\n", mutations, agree_ok, agree_fail, lenient);
	assert_true(agree_ok > 100 && agree_fail > 100); /* both outcomes were exercised */
}

/* A damaged AECS between two jobs of one stream: the second job may fail (error
 * 22 when the model's state in it no longer makes sense) or decode something,
 * but never reads or writes out of bounds (ASan in tools/test.sh). */
static void test_model_corrupt_aecs(void **state)
{
	static uint8_t z[CAP], out[CAP];
	static struct iaa_hw_aecs_decomp saved[2];
	size_t zn = source(z, CAP, 20000, 0, 6, Z_DEFAULT_STRATEGY);
	uint32_t first = (uint32_t)zn / 3;
	unsigned errors22 = 0;

	(void)state;
	memset(aecs, 0, sizeof(aecs));
	fill_desc(&desc, IAA_OP_DECOMPRESS, &cr, z, first, out, CAP,
		  IAA_DECOMP_FLAG_ENABLE | IAA_DECOMP_FLAG_FLUSH_OUTPUT, IAA_OPF_WR_SRC2_ALWAYS, aecs,
		  sizeof(aecs[0]));
	assert_int_equal(ziaa_device_run(dev, &desc, &cr, ZIAA_RUN_TIMEOUT_NS), ZIAA_OK);
	first = cr.bytes_completed;
	memcpy(saved, aecs, sizeof(aecs));
	for (unsigned m = 0; m < 3000; m++) {
		uint8_t *a = (uint8_t *)&aecs[1]; /* written by the first job (toggle clear) */

		memcpy(aecs, saved, sizeof(aecs));
		for (unsigned f = 1 + next() % 4; f > 0; f--) {
			uint32_t at = m % 2 ? 0x1d8 + next() % (0x4e4 - 0x1d8) : next() % sizeof(aecs[1]);

			a[at] = m % 3 ? (uint8_t)(a[at] ^ (1u << (next() % 8))) : (uint8_t)next();
		}
		fill_desc(&desc, IAA_OP_DECOMPRESS, &cr, z + first, (uint32_t)(zn - first), out, CAP,
			  IAA_DECOMP_FLAG_ENABLE | IAA_DECOMP_FLAG_FLUSH_OUTPUT,
			  IAA_OPF_RD_SRC2_AECS | IAA_OPF_WR_SRC2_ALWAYS | IAA_OPF_AECS_RW_TOGGLE, aecs,
			  sizeof(aecs[0]));
		ziaa_device_run(dev, &desc, &cr, ZIAA_RUN_TIMEOUT_NS);
		assert_true(cr.status == IAA_ST_SUCCESS || cr.status == IAA_ST_ANALYTICS_ERROR ||
			    cr.status == IAA_ST_OUTBUF_OVERFLOW);
		assert_true(cr.output_size <= CAP);
		errors22 += cr.status == IAA_ST_ANALYTICS_ERROR && cr.error_code == IAA_AE_INVALID_AECS;
	}
	print_message("3000 damaged AECSs: %u refused as invalid (error 22)\n", errors22);
	assert_true(errors22 > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_corrupt_streams),
		cmocka_unit_test(test_model_corrupt_aecs),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
