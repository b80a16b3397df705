/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/model/test_model_search.c - the model's match search: the AVX-512
 * search and index give exactly the portable C results (slots, tokens and the
 * buckets left behind), on data that makes every hash conflict case happen, and
 * the whole parse gives the same histogram and bytes on either path
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iaa/huff.h"
#include "iaa/model/lz77.h"
#include "iaa/model/model.h"

#define MAXN (1u << 18)
#define CHUNK 2048

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Inputs: few distinct bytes (many equal hashes in one vector), runs, text-like
 * words, repeats at every distance around 4096 and 65536, long copies from
 * anywhere in the window, random bytes. */
static void fill(uint8_t *p, uint32_t n, int kind)
{
	static const char *words[] = { "the ", "of ", "and ", "IAA ", "deflate ", "\n", "window ", "a" };

	for (uint32_t i = 0; i < n;) {
		switch (kind) {
		case 0:
			p[i++] = (uint8_t)(next() % 3);
			break;
		case 1: {
			uint32_t run = next() % 40, b = next() & 0xff;

			for (; run-- && i < n; i++)
				p[i] = (uint8_t)b;
			break;
		}
		case 2: {
			const char *w = words[next() % 8];

			for (; *w && i < n; w++)
				p[i++] = (uint8_t)*w;
			break;
		}
		case 3: {
			uint32_t d = (next() & 1 ? 4090 + next() % 12 : 65530 + next() % 12), len = next() % 300;

			for (; len-- && i < n; i++)
				p[i] = i >= d ? p[i - d] : (uint8_t)next();
			break;
		}
		case 4: {
			/* long tokens: copies from anywhere in the window, often over 64
			 * bytes (the long-token parse's AVX-512 measure) and over 258 */
			uint32_t d = 1 + next() % 4200, len = next() % 4 ? 3 + next() % 300 : 1;

			for (; len-- && i < n; i++)
				p[i] = i >= d && len ? p[i - d] : (uint8_t)next();
			break;
		}
		default:
			p[i++] = (uint8_t)next();
		}
	}
}

static void compare(const uint8_t *src, uint32_t n, uint32_t chunk, int newest)
{
	static bucket ta[1u << HASH_BITS], tb[1u << HASH_BITS];
	static uint32_t sa[CHUNK], sb[CHUNK], ia[CHUNK], ib[CHUNK];

	memset(ta, EMPTY_BYTE, sizeof(ta));
	memset(tb, EMPTY_BYTE, sizeof(tb));
	for (uint32_t k = 0; k < n; k += chunk) {
		uint32_t e = n - k < chunk ? n : k + chunk;

		ziaa_model_search_scalar(src, n, k, e, ta, sa, ia, newest);
		assert_int_equal(ziaa_model_search_avx512(src, n, k, e, tb, sb, ib, newest), 1);
		if (memcmp(sa, sb, (e - k) * sizeof(sa[0])) != 0 || memcmp(ia, ib, (e - k) * sizeof(ia[0])) != 0) {
			for (uint32_t j = 0; j < e - k; j++)
				if (sa[j] != sb[j] || ia[j] != ib[j])
					fail_msg("n %u newest %d: position %u: scalar %08x/%05x, AVX-512 %08x/%05x", n,
						 newest, k + j, sa[j], ia[j], sb[j], ib[j]);
		}
		assert_memory_equal(ta, tb, sizeof(ta));
	}
}

static void test_model_search_avx512_equals_scalar(void **state)
{
	uint8_t *src = malloc(MAXN);
	static const uint32_t sizes[] = { 1, 3, 8, 15, 16, 63, 64, 65, 79, 80, 81, 1000, 4097, 70000, MAXN };

	(void)state;
	assert_non_null(src);
	if (!ziaa_model_search_avx512(src, 0, 0, 0, NULL, NULL, NULL, 0)) {
		free(src);
		print_message("this CPU has no AVX-512 (F, CD, BW, VBMI): only the portable search runs\n");
		skip();
	}
	for (int kind = 0; kind < 6; kind++) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			fill(src, sizes[s], kind);
			/* both candidates, and the newest alone (literal-heavy batches) */
			for (int newest = 0; newest < 2; newest++) {
				compare(src, sizes[s], CHUNK, newest);
				compare(src, sizes[s], 16 + next() % 100, newest); /* batches at odd offsets */
			}
		}
	}
	free(src);
}

/* The parse's three modes (count, code with a complete table, code with lengths
 * over 66 left out) on one path; out gets the histogram and coded bytes. */
static size_t parse_all(const uint8_t *src, uint32_t n, uint8_t *out, size_t cap)
{
	static struct iaa_hw_aecs_comp tab;
	struct iaa_hw_histogram h;
	struct ziaa_huff_table t;
	struct ziaa_model_bits w = { out + sizeof(h), (uint32_t)(cap - sizeof(h)), 0, 0, 0, 0 };

	ziaa_model_lz77_stats(src, n, &h);
	memcpy(out, &h, sizeof(h));
	ziaa_huff_from_histogram(&t, h.ll_count, h.d_count);
	memcpy(tab.ll_code, t.ll_code, sizeof(t.ll_code));
	memcpy(tab.d_code, t.d_code, sizeof(t.d_code));
	assert_int_equal(ziaa_model_lz77_code(src, n, &tab, &w, 1), 0);
	for (unsigned sym = 257 + 20; sym < IAA_LL_SYMBOLS; sym++) /* lengths 67-258 */
		tab.ll_code[sym] = 0;
	w.pos = (uint32_t)(w.pos + 8) & ~7u; /* keep the first stream's bytes */
	assert_int_equal(ziaa_model_lz77_code(src, n, &tab, &w, 1), 0);
	assert_false(w.overflow);
	return sizeof(h) + w.pos;
}

static void test_model_parse_same_on_both_paths(void **state)
{
	uint8_t *src = malloc(MAXN), *a = malloc(4 * MAXN), *b = malloc(4 * MAXN);
	static const uint32_t sizes[] = { 5, 100, 3000, 70000, MAXN };

	(void)state;
	assert_true(src && a && b);
	if (!ziaa_model_search_is_vector()) {
		free(src), free(a), free(b);
		print_message("this CPU has no AVX-512: the parse runs one path only\n");
		skip();
	}
	for (int kind = 0; kind < 6; kind++) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			size_t na, nb;

			fill(src, sizes[s], kind);
			memset(a, 0, 4 * MAXN);
			memset(b, 0, 4 * MAXN);
			na = parse_all(src, sizes[s], a, 4 * MAXN);
			ziaa_model_search_force_portable(1);
			assert_int_equal(ziaa_model_search_is_vector(), 0);
			nb = parse_all(src, sizes[s], b, 4 * MAXN);
			ziaa_model_search_force_portable(0);
			assert_int_equal(na, nb);
			assert_memory_equal(a, b, na);
		}
	}
	free(src), free(a), free(b);
}

/* Searching the newest candidate alone (batches after mostly literals): where the
 * older one matches longer, the token takes the newer's shorter match and the
 * slot shows the newer twice; the buckets left behind are those of a search of
 * both, on both paths. */
static void test_model_search_newest_only(void **state)
{
	static bucket t0[1u << HASH_BITS], t1[1u << HASH_BITS], t2[1u << HASH_BITS];
	uint8_t src[400];
	uint32_t s0[400], s1[400], s2[400], k0[400], k1[400], k2[400];
	const uint32_t older = 10, newer = 150, at = 300;

	(void)state;
	for (uint32_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(0x80 + i * 37 % 101); /* no 3 bytes repeat by chance */
	memcpy(src + older, "abcdefghij", 10);
	memcpy(src + newer, "abcXYZ", 6);
	memcpy(src + at, "abcdefghij", 10);
	memset(t0, EMPTY_BYTE, sizeof(t0));
	memset(t1, EMPTY_BYTE, sizeof(t1));
	memset(t2, EMPTY_BYTE, sizeof(t2));
	ziaa_model_search_scalar(src, sizeof(src), 0, sizeof(src), t0, s0, k0, 0);
	ziaa_model_search_scalar(src, sizeof(src), 0, sizeof(src), t1, s1, k1, 1);
	assert_int_equal(k0[at], tok_of(8, at - older));
	assert_int_equal(k1[at], tok_of(3, at - newer));
	assert_int_equal(s0[at], (older << 16) | newer);
	assert_int_equal(s1[at], (newer << 16) | newer);
	assert_memory_equal(t0, t1, sizeof(t0));
	if (ziaa_model_search_avx512(src, sizeof(src), 0, sizeof(src), t2, s2, k2, 1)) {
		assert_memory_equal(k1, k2, sizeof(k1));
		assert_memory_equal(s1, s2, sizeof(s1));
		assert_memory_equal(t1, t2, sizeof(t1));
	}
}

/* A literal without a code is found wherever its one occurrence falls: alone, or
 * first or second of two literals coded together (mostly literal data), or among
 * matches (text), on both paths. */
static void test_model_missing_literal_found_anywhere(void **state)
{
	static const uint32_t at[] = { 0, 1, 5000, 5001, 40000, 40001, 69990, 69999 };
	static struct iaa_hw_aecs_comp tab;
	uint32_t n = 70000;
	uint8_t *src = malloc(n), *out = malloc(4 * n);
	const uint8_t gone = 0x5a;

	(void)state;
	assert_true(src && out);
	for (int kind = 2; kind <= 5; kind += 3) {
		for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
			struct iaa_hw_histogram h;
			struct ziaa_huff_table t;

			fill(src, n, kind);
			for (uint32_t j = 0; j < n; j++)
				src[j] = src[j] == gone ? gone ^ 1 : src[j];
			ziaa_model_lz77_stats(src, n, &h);
			h.ll_count[gone] = 1; /* a code for it, then none */
			ziaa_huff_from_histogram(&t, h.ll_count, h.d_count);
			memcpy(tab.ll_code, t.ll_code, sizeof(t.ll_code));
			memcpy(tab.d_code, t.d_code, sizeof(t.d_code));
			tab.ll_code[gone] = 0;
			for (int portable = 0; portable <= 1; portable++) {
				struct ziaa_model_bits w = { out, 4 * n, 0, 0, 0, 0 };

				ziaa_model_search_force_portable(portable);
				assert_int_equal(ziaa_model_lz77_code(src, n, &tab, &w, 1), 0);
				src[at[k]] = gone;
				w = (struct ziaa_model_bits){ out, 4 * n, 0, 0, 0, 0 };
				if (ziaa_model_lz77_code(src, n, &tab, &w, 1) != 1)
					fail_msg("kind %d, the literal at %u, portable %d: not found", kind,
						 at[k], portable);
				src[at[k]] = gone ^ 1;
			}
			ziaa_model_search_force_portable(0);
		}
	}
	free(src), free(out);
}

/* Threads coding split jobs at once (their second halves in per-thread room,
 * grown as max_dst_size grows, freed at each thread's exit) give the bytes one
 * thread gives. */
#define SPLIT_N 600000u
#define THREADS 4

static uint8_t *split_in[3], *split_ref[3];
static uint32_t split_need[3];
static struct iaa_hw_aecs_comp split_tab;

static uint32_t code_split(int k, uint8_t *out, uint32_t cap)
{
	struct ziaa_model_bits w = { out, cap, 0, 0, 0, 0 };

	ziaa_model_lz77_code(split_in[k], SPLIT_N, &split_tab, &w, 1);
	ziaa_model_bits_put(&w, 0, 7);
	return w.overflow ? 0 : w.pos;
}

static void *split_thread(void *arg)
{
	uint8_t *out = malloc(2 * SPLIT_N);
	uintptr_t bad = out == NULL;

	for (int round = 0; round < 3 && out; round++) {
		for (int k = 0; k < 3; k++) {
			/* a larger max_dst_size each round: the room grows */
			uint32_t cap = split_need[k] + 64 + (uint32_t)round * (SPLIT_N / 2);

			bad |= code_split(k, out, cap) != split_need[k] ||
			       memcmp(out, split_ref[k], split_need[k]) != 0;
		}
	}
	free(out);
	(void)arg;
	return (void *)bad;
}

static void test_model_split_jobs_in_threads(void **state)
{
	struct ziaa_huff_table t;
	pthread_t th[THREADS];

	(void)state;
	ziaa_huff_fixed(&t);
	memcpy(split_tab.ll_code, t.ll_code, sizeof(t.ll_code));
	memcpy(split_tab.d_code, t.d_code, sizeof(t.d_code));
	/* long tokens in both halves (they pair), then behind literals, then ahead of them */
	for (int k = 0; k < 3; k++) {
		split_in[k] = malloc(SPLIT_N);
		split_ref[k] = malloc(2 * SPLIT_N);
		assert_true(split_in[k] && split_ref[k]);
		fill(split_in[k], SPLIT_N, 4);
		if (k)
			fill(split_in[k] + (k == 1 ? 0 : SPLIT_N / 2), SPLIT_N / 2, 5);
		split_need[k] = code_split(k, split_ref[k], 2 * SPLIT_N);
		assert_true(split_need[k] > 0);
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, split_thread, NULL), 0);
	for (int i = 0; i < THREADS; i++) {
		void *bad;

		assert_int_equal(pthread_join(th[i], &bad), 0);
		assert_null(bad);
	}
	for (int k = 0; k < 3; k++)
		free(split_in[k]), free(split_ref[k]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_search_avx512_equals_scalar),
		cmocka_unit_test(test_model_parse_same_on_both_paths),
		cmocka_unit_test(test_model_search_newest_only),
		cmocka_unit_test(test_model_missing_literal_found_anywhere),
		cmocka_unit_test(test_model_split_jobs_in_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
