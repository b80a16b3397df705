/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/test_huff.c - device-format Huffman tables and dynamic headers
 *
 * Oracle: what we build is decoded by the system zlib.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iaa/huff.h"
#include "test/iaa/bits.h"

/* ziaa_huff_reverse: the low n bits of any code, reversed, for every n to 16. */
static void test_huff_reverse(void **state)
{
	(void)state;
	for (unsigned n = 0; n <= 16; n++) {
		for (uint32_t code = 0; code < (1u << 17); code += 1 + code / 64) {
			uint32_t want = 0;

			for (unsigned i = 0; i < n; i++)
				want |= (code >> i & 1) << (n - 1 - i);
			assert_int_equal(ziaa_huff_reverse(code, n), want);
		}
	}
}

static void test_huff_fixed_is_rfc1951(void **state)
{
	struct ziaa_huff_table t;

	(void)state;
	ziaa_huff_fixed(&t);
	/* digest §5.1: LL 0-143 = 0x40030 + i, 144-255 = 0x48190 + i - 144,
	 * 256-279 = 0x38000 + i - 256, 280-285 = 0x400c0 + i - 280; D = 0x28000 + i */
	for (unsigned i = 0; i < IAA_LL_SYMBOLS; i++) {
		uint32_t want = i < 144 ? 0x40030 + i : i < 256 ? 0x48190 + i - 144
					 : i < 280 ? 0x38000 + i - 256 : 0x400c0 + i - 280;
		assert_int_equal(t.ll_code[i], want);
	}
	for (unsigned i = 0; i < IAA_D_SYMBOLS; i++)
		assert_int_equal(t.d_code[i], 0x28000 + i);
}

static void test_huff_lengths_are_limited_and_complete(void **state)
{
	uint32_t freq[288];
	uint8_t len[288];
	uint32_t x = 1;

	(void)state;
	/* Fibonacci frequencies force depths far beyond 15 */
	freq[0] = 1;
	freq[1] = 1;
	for (unsigned i = 2; i < 40; i++)
		freq[i] = freq[i - 1] + freq[i - 2] > 100000000 ? 100000000 : freq[i - 1] + freq[i - 2];
	for (unsigned i = 40; i < 286; i++)
		freq[i] = 0;
	ziaa_huff_lengths(freq, 286, 15, 1, len);
	for (unsigned i = 0; i < 286; i++) {
		assert_in_range(len[i], 1, 15);
	}
	assert_int_equal(tkraft(len, 286), 1u << 15);
	/* random histograms, with and without zero bins, several limits */
	for (int round = 0; round < 200; round++) {
		unsigned n = 2 + (unsigned)round % 287, limit = round % 3 ? 15 : 7 + round % 8;
		unsigned used = 0;

		if (n > 286)
			n = 286;
		if ((1u << limit) < n)
			limit = 15;
		for (unsigned i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			freq[i] = (x >> 16) % 5 == 0 ? 0 : (x >> 8) % (1u << ((x >> 4) % 20));
			used += freq[i] != 0;
		}
		ziaa_huff_lengths(freq, n, limit, round & 1, len);
		for (unsigned i = 0; i < n; i++) {
			assert_true(len[i] <= limit);
			if (round & 1)
				assert_true(len[i] > 0);
			else
				assert_true((len[i] > 0) == (freq[i] > 0));
		}
		if ((round & 1) || used >= 2)
			assert_int_equal(tkraft(len, n), 1u << 15);
	}
}

static void test_huff_codes_reject_oversubscription(void **state)
{
	uint8_t len[3] = { 1, 1, 1 };
	uint32_t e[3];

	(void)state;
	assert_int_equal(ziaa_huff_codes(len, 3, e), -1);
	len[2] = 0;
	assert_int_equal(ziaa_huff_codes(len, 3, e), 0);
	assert_int_equal(e[0], 1u << 15 | 0);
	assert_int_equal(e[1], 1u << 15 | 1);
	assert_int_equal(e[2], 0);
}

/* Encode text with a table built from its own histogram, behind our own header,
 * and let the system zlib decode it. */
static void encode_with_header(const uint8_t *text, size_t n, int all_symbols)
{
	uint32_t ll_freq[IAA_LL_SYMBOLS] = { 0 }, d_freq[IAA_D_SYMBOLS] = { 0 };
	struct ziaa_huff_table t, back;
	struct ziaa_huff_header h;
	uint8_t stream[8192], out[4096];
	struct tbits w = { stream, 0 };
	int bfinal;

	for (size_t i = 0; i < n; i++)
		ll_freq[text[i]]++;
	ll_freq[256] = 1;
	if (all_symbols) {
		ziaa_huff_from_histogram(&t, ll_freq, d_freq);
	} else {
		ziaa_huff_lengths(ll_freq, IAA_LL_SYMBOLS, 15, 0, t.ll_len);
		ziaa_huff_lengths(d_freq, IAA_D_SYMBOLS, 15, 0, t.d_len);
		assert_int_equal(ziaa_huff_from_lengths(&t), 0);
	}
	ziaa_huff_write_header(&t, 1, &h);
	assert_int_equal(ziaa_huff_parse_header(h.bytes, (h.bits + 7) / 8, &back, &bfinal), (int)h.bits);
	assert_int_equal(bfinal, 1);
	assert_memory_equal(back.ll_len, t.ll_len, sizeof(t.ll_len));
	assert_memory_equal(back.d_len, t.d_len, sizeof(t.d_len));
	assert_memory_equal(back.ll_code, t.ll_code, sizeof(t.ll_code));
	tbits_append(&w, h.bytes, h.bits);
	for (size_t i = 0; i <= n; i++) {
		uint32_t e = t.ll_code[i < n ? text[i] : 256];
		unsigned len = e >> IAA_CODE_LEN_SHIFT;

		tbits_put(&w, ziaa_huff_reverse(e & IAA_CODE_MASK, len), len);
	}
	assert_int_equal(tinflate_raw(stream, (w.bits + 7) / 8, out, sizeof(out)), (long)n);
	assert_memory_equal(out, text, n);
}

static void test_huff_header_roundtrips_through_zlib(void **state)
{
	static const char text[] = "In-Memory Analytics Accelerator: canned, fixed and dynamic "
				   "Huffman tables, 4 KB history, descriptors and completion records.";
	uint8_t skew[3000];

	(void)state;
	encode_with_header((const uint8_t *)text, sizeof(text) - 1, 1);
	encode_with_header((const uint8_t *)text, sizeof(text) - 1, 0);
	for (size_t i = 0; i < sizeof(skew); i++)
		skew[i] = (uint8_t)(i % 7 == 0 ? i % 251 : 'a' + (i * i) % 3);
	encode_with_header(skew, sizeof(skew), 1);
}

static void test_huff_parse_errors(void **state)
{
	struct ziaa_huff_table t;
	uint8_t buf[16] = { 0 };
	struct tbits w = { buf, 0 };
	int bfinal;

	(void)state;
	assert_int_equal(ziaa_huff_parse_header(buf, 0, &t, &bfinal), -IAA_AE_HDR_TOO_BIG);
	tbits_put(&w, 1, 1);
	tbits_put(&w, 3, 2); /* block type 3 */
	assert_int_equal(ziaa_huff_parse_header(buf, 2, &t, &bfinal), -IAA_AE_INVALID_BLOCK_TYPE);
	w.bits = 0;
	tbits_put(&w, 1, 1);
	tbits_put(&w, 2, 2);
	tbits_put(&w, 30, 5); /* HLIT 287 */
	tbits_put(&w, 0, 5);
	tbits_put(&w, 0, 4);
	assert_int_equal(ziaa_huff_parse_header(buf, 4, &t, &bfinal), -IAA_AE_TOO_MANY_LL_CODES);
	w.bits = 0;
	tbits_put(&w, 1, 1);
	tbits_put(&w, 2, 2);
	tbits_put(&w, 0, 5);
	tbits_put(&w, 30, 5); /* HDIST 31 */
	tbits_put(&w, 0, 4);
	assert_int_equal(ziaa_huff_parse_header(buf, 4, &t, &bfinal), -IAA_AE_TOO_MANY_D_CODES);
	w.bits = 0;
	tbits_put(&w, 1, 1);
	tbits_put(&w, 2, 2);
	tbits_put(&w, 0, 5);
	tbits_put(&w, 0, 5);
	tbits_put(&w, 0, 4);
	/* code-length code: symbol 16 alone with length 1... plus 17 with length 1 */
	tbits_put(&w, 1, 3); /* 16 */
	tbits_put(&w, 1, 3); /* 17 */
	tbits_put(&w, 0, 3); /* 18 */
	tbits_put(&w, 0, 3); /* 0 */
	tbits_put(&w, 0, 1); /* first symbol: code 0 = 16 */
	assert_int_equal(ziaa_huff_parse_header(buf, 8, &t, &bfinal), -IAA_AE_FIRST_LL_CODE_16);
}

/* A header cut at every bit, each in a buffer of exactly its bytes (ASan would
 * see a read past it): never parsed further than the bits given, and the
 * device's "header too big" until all of it is there. */
static void test_huff_parse_truncated_headers(void **state)
{
	uint32_t ll_freq[IAA_LL_SYMBOLS] = { 0 }, d_freq[IAA_D_SYMBOLS] = { 0 };
	struct ziaa_huff_table t, back;
	struct ziaa_huff_header h;
	int bfinal;

	(void)state;
	for (unsigned i = 0; i < IAA_LL_SYMBOLS; i++)
		ll_freq[i] = 1 + (i * 7919) % 97;
	for (unsigned i = 0; i < IAA_D_SYMBOLS; i++)
		d_freq[i] = 1 + i % 5;
	ziaa_huff_from_histogram(&t, ll_freq, d_freq);
	ziaa_huff_write_header(&t, 1, &h);
	for (size_t bits = 0; bits <= h.bits; bits++) {
		size_t bytes = (bits + 7) / 8, at = 0;
		uint8_t *cut = malloc(bytes ? bytes : 1);
		int ret;

		memcpy(cut, h.bytes, bytes);
		if (bits & 7) /* bits past the cut are not there */
			cut[bytes - 1] &= (uint8_t)((1u << (bits & 7)) - 1);
		ret = ziaa_huff_parse_header_at(cut, bits, &at, &back, &bfinal);
		if (bits < h.bits)
			assert_int_equal(ret, -IAA_AE_HDR_TOO_BIG);
		else
			assert_int_equal(ret, 0);
		free(cut);
	}
	assert_memory_equal(back.ll_len, t.ll_len, sizeof(t.ll_len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_huff_reverse),
		cmocka_unit_test(test_huff_fixed_is_rfc1951),
		cmocka_unit_test(test_huff_lengths_are_limited_and_complete),
		cmocka_unit_test(test_huff_codes_reject_oversubscription),
		cmocka_unit_test(test_huff_header_roundtrips_through_zlib),
		cmocka_unit_test(test_huff_parse_errors),
		cmocka_unit_test(test_huff_parse_truncated_headers),
	};

	return cmocka_run_group_tests_name("iaa/huff", tests, NULL, NULL);
}
