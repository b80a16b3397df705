/* SPDX-License-Identifier: Zlib */
/*
 * iaa/model/search.c - the model's LZ77 match search: every position looked up
 * and indexed, portable C and AVX-512
 *
 * Stage one of the model's parse (encode.c walks the result). For each position k
 * of a batch the search reads k's bucket (lz77.h), pushes k into it, and notes the
 * bucket as it was (slots[]) and the token that would start at k (tok[]: the better
 * candidate's length capped at 8 and its distance, or a literal; tok_of(); with
 * newest, the newer candidate alone, as lz77.h's seen() shows it). Every
 * position is searched and indexed whatever the walk later takes, so the loop has
 * no branch on the data, and the AVX-512 version can do 16 positions at once with
 * exactly the scalar results: test_model_search holds the two to the byte.
 */
#include "iaa/model/model.h"

#include "iaa/model/lz77.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_AVX512_SEARCH 1
#endif

void ziaa_model_search_scalar(const uint8_t *src, uint32_t n, uint32_t k, uint32_t e, bucket *table,
			      uint32_t *slots, uint32_t *tok, int newest)
{
	uint32_t base = k;

	for (; k < e && k + WIDE <= n; k++)
		tok[k - base] = search_one(src, k, table, newest, &slots[k - base]);
	for (; k < e; k++) { /* the last 7 positions of the input: careful loads, exact lengths */
		slots[k - base] = 0;
		tok[k - base] = tok_of(0, 0);
		if (k + ZIAA_MIN_MATCH <= n) {
			uint32_t dist;
			unsigned best = find(src, k, n, table, 0, newest, &slots[k - base], &dist);

			tok[k - base] = tok_of(best, dist);
		}
	}
}

/* Set by ziaa_model_search_force_portable() (tests): no AVX-512 even if the CPU has it. */
static int portable;

void ziaa_model_search_force_portable(int on)
{
	__atomic_store_n(&portable, on, __ATOMIC_RELAXED);
}

#ifdef HAVE_AVX512_SEARCH
/* vpermb indices: lane j's 3-byte prefix (dword j: bytes j..j+3; the 4th is masked
 * off) and its 8 bytes (qword j: bytes j..j+7, j = 0-7, and again from 8). */
static const uint8_t perm3[64] __attribute__((aligned(64))) = {
#define Q(j) j, j + 1, j + 2, j + 3
	Q(0), Q(1), Q(2), Q(3), Q(4), Q(5), Q(6), Q(7), Q(8), Q(9), Q(10), Q(11), Q(12), Q(13), Q(14), Q(15),
#undef Q
};
static const uint8_t perm8[2][64] __attribute__((aligned(64))) = {
#define Q(j) j, j + 1, j + 2, j + 3, j + 4, j + 5, j + 6, j + 7
	{ Q(0), Q(1), Q(2), Q(3), Q(4), Q(5), Q(6), Q(7) },
	{ Q(8), Q(9), Q(10), Q(11), Q(12), Q(13), Q(14), Q(15) },
#undef Q
};

#define AVX512 __attribute__((target("avx512f,avx512cd,avx512bw,avx512vbmi")))

/* One candidate's capped lengths for 8 positions: cur their 8 bytes, pos the
 * candidates' positions (the position itself when out of the window), valid which
 * of them are in the window. Byte-reversed, the bytes equal are the leading zero
 * bytes of cur ^ candidate, 8 when all are (lzcnt of 0 is 64): four operations,
 * where the trailing zeros took seven (search 8% faster, Silesia osdb).
 * A gather merges into its destination, and gcc gave the unmasked intrinsic
 * whatever register was free: the second candidate's gather waited for the first
 * one's lengths. Merged into a copy of cur, it waits for nothing. */
static inline AVX512 __m512i candidate(const uint8_t *src, __m512i cur, __m256i pos, __mmask8 valid)
{
	const __m512i rev = _mm512_set4_epi32(0x08090a0b, 0x0c0d0e0f, 0x00010203, 0x04050607);
	__m512i cand = _mm512_mask_i32gather_epi64(cur, valid, pos, (const void *)src, 1);
	__m512i x = _mm512_shuffle_epi8(_mm512_xor_si512(cur, cand), rev);

	return _mm512_maskz_srli_epi64(valid, _mm512_lzcnt_epi64(x), 3);
}

/* Sixteen positions' tokens (tok_of()) from the two candidates' lengths, eight
 * lanes of 64 bits in each of a and b, and their distances d0 and d1. */
static inline AVX512 __m512i tok16(__m512i l0a, __m512i l0b, __m512i l1a, __m512i l1b, __m512i d0, __m512i d1)
{
	/* the low dword of each qword, a's then b's: one permute per candidate */
	const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
	__m512i l0 = _mm512_permutex2var_epi32(l0a, even, l0b), l1 = _mm512_permutex2var_epi32(l1a, even, l1b);
	__mmask16 which = _mm512_cmpgt_epu32_mask(l1, l0);
	__m512i best = _mm512_max_epu32(l0, l1), dist = _mm512_mask_blend_epi32(which, d0, d1);
	__mmask16 match = _mm512_cmpge_epu32_mask(best, _mm512_set1_epi32(ZIAA_MIN_MATCH));

	return _mm512_mask_or_epi32(_mm512_set1_epi32(1), match, best, _mm512_slli_epi32(dist, TOK_DIST_SHIFT));
}

/* One vector of 16 positions from k: their bytes, positions, hashes, buckets and
 * the earlier lanes that share each one's hash (c1; j1 the last of them, has1 the
 * lanes that have one). */
struct lanes {
	__m512i raw, pos, h, g, c1, j1;
	__mmask16 has1;
};

static inline AVX512 void lookup16(const uint8_t *src, uint32_t k, const bucket *table, struct lanes *v)
{
	const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
	__mmask16 all = 0xffff;
	__m512i w;

	_Static_assert(HASH_BITS == 12, "the shift below");
	v->raw = _mm512_loadu_si512((const void *)(src + k));
	v->pos = _mm512_add_epi32(_mm512_set1_epi32((int)k), lane);
	w = _mm512_and_si512(_mm512_permutexvar_epi8(_mm512_load_si512(perm3), v->raw), _mm512_set1_epi32(0xffffff));
	v->h = _mm512_srli_epi32(_mm512_mullo_epi32(w, _mm512_set1_epi32((int)HASH_MUL)), 32 - 12);
	/* merged into zeros under a mask gcc cannot see is full: else it drops the
	 * zeros and the gather waits for the last vector's lengths in its register
	 * (the coding job 2-3% faster, Silesia osdb and mr, same bytes) */
	__asm__("" : "+k"(all));
	v->g = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), all, v->h, (const void *)table, 4);
	v->c1 = _mm512_conflict_epi32(v->h);
	v->j1 = _mm512_sub_epi32(_mm512_set1_epi32(31), _mm512_lzcnt_epi32(v->c1));
	v->has1 = _mm512_test_epi32_mask(v->c1, v->c1);
}

/* Each bucket ends with its last lane's push; new the lanes' newest candidates.
 * Stored lane by lane, in order (what a scatter does): on this AMD EPYC the
 * scatter cost more than 16 stores (the one-pass coding 8-10% slower on text). */
static inline AVX512 void push16(bucket *table, const struct lanes *v, __m512i newer)
{
	__m512i low16 = _mm512_set1_epi32(0xffff);
	uint32_t h[16] __attribute__((aligned(64))), val[16] __attribute__((aligned(64)));

	_mm512_store_si512((void *)h, v->h);
	_mm512_store_si512((void *)val,
			   _mm512_or_si512(_mm512_slli_epi32(newer, 16), _mm512_and_si512(v->pos, low16)));
	for (int j = 0; j < 16; j++)
		table[h[j]] = val[j];
}

/*
 * search16 - the positions [k, e) 16 at a time while 64 bytes are readable at k;
 * returns the first position not done. Positions of one vector that share a hash
 * see each other as the sequential loop would: CONFLICT gives each lane the
 * earlier lanes with its hash, the newest of them is its newest candidate and the
 * one before (or the bucket's newest) its older one; push16 writes lanes in
 * order, so each bucket ends with its last lane's push.
 */
static inline AVX512 __attribute__((always_inline)) uint32_t search16(const uint8_t *src, uint32_t n, uint32_t k,
								       uint32_t e, bucket *table, uint32_t *slots,
								       uint32_t *tok, const int newest)
{
	const __m512i low16 = _mm512_set1_epi32(0xffff), one = _mm512_set1_epi32(1);
	const __m512i p8a = _mm512_load_si512(perm8[0]), p8b = _mm512_load_si512(perm8[1]);
	uint32_t base = k;

	for (; k + 16 <= e && k + 64 <= n; k += 16) {
		struct lanes v;
		__m512i base_k = _mm512_set1_epi32((int)k), c2, j2, newer, older;
		__mmask16 has2;

		lookup16(src, k, table, &v);
		/* the next earlier lane with the same hash, if any (j1 = -1 shifts to 0) */
		c2 = _mm512_xor_si512(v.c1, _mm512_sllv_epi32(one, v.j1));
		j2 = _mm512_sub_epi32(_mm512_set1_epi32(31), _mm512_lzcnt_epi32(c2));
		has2 = _mm512_test_epi32_mask(c2, c2);
		newer = _mm512_mask_add_epi32(_mm512_and_si512(v.g, low16), v.has1, base_k, v.j1);
		older = _mm512_mask_mov_epi32(_mm512_srli_epi32(v.g, 16), v.has1, _mm512_and_si512(v.g, low16));
		__m512i d0, d1, slot;
		__mmask16 v0, v1;

		older = _mm512_mask_add_epi32(older, has2, base_k, j2);
		newer = _mm512_and_si512(newer, low16);
		older = _mm512_and_si512(older, low16);
		push16(table, &v, newer);
		if (newest) /* seen(): the newest in both halves */
			older = newer;
		slot = _mm512_or_si512(_mm512_slli_epi32(older, 16), newer);
		_mm512_storeu_si512((void *)(slots + (k - base)), slot);

		d0 = _mm512_and_si512(_mm512_sub_epi32(v.pos, newer), low16);
		d1 = _mm512_and_si512(_mm512_sub_epi32(v.pos, older), low16);
		v0 = _mm512_cmplt_epu32_mask(_mm512_sub_epi32(d0, one), _mm512_set1_epi32(IAA_HISTORY_SIZE));
		v1 = _mm512_cmplt_epu32_mask(_mm512_sub_epi32(d1, one), _mm512_set1_epi32(IAA_HISTORY_SIZE));
		{
			/* the candidates' positions (the position itself when out of the window) */
			__m512i c0 = _mm512_mask_sub_epi32(v.pos, v0, v.pos, d0);
			__m512i c1 = _mm512_mask_sub_epi32(v.pos, v1, v.pos, d1);
			__m512i cur_a = _mm512_permutexvar_epi8(p8a, v.raw), cur_b = _mm512_permutexvar_epi8(p8b, v.raw);
			__m512i l0a = candidate(src, cur_a, _mm512_castsi512_si256(c0), (__mmask8)v0);
			__m512i l0b = candidate(src, cur_b, _mm512_extracti64x4_epi64(c0, 1), (__mmask8)(v0 >> 8));
			/* newest: the older half is the newer (seen()), so its lengths are
			 * the newer's, and a tie goes to the newer: measured as nothing */
			__m512i l1a = newest ? _mm512_setzero_si512()
					     : candidate(src, cur_a, _mm512_castsi512_si256(c1), (__mmask8)v1);
			__m512i l1b = newest ? _mm512_setzero_si512()
					     : candidate(src, cur_b, _mm512_extracti64x4_epi64(c1, 1),
							 (__mmask8)(v1 >> 8));

			_mm512_storeu_si512((void *)(tok + (k - base)), tok16(l0a, l0b, l1a, l1b, d0, d1));
		}
	}
	return k;
}

/* search16()'s two instances: both candidates, or the newest alone (seen()). */
static AVX512 __attribute__((noinline)) uint32_t search16_both(const uint8_t *src, uint32_t n, uint32_t k,
							       uint32_t e, bucket *table, uint32_t *slots,
							       uint32_t *tok)
{
	return search16(src, n, k, e, table, slots, tok, 0);
}

static AVX512 __attribute__((noinline)) uint32_t search16_newest(const uint8_t *src, uint32_t n, uint32_t k,
								 uint32_t e, bucket *table, uint32_t *slots,
								 uint32_t *tok)
{
	return search16(src, n, k, e, table, slots, tok, 1);
}

static int avx512_usable(void)
{
	static int usable = -1; /* racy but idempotent: every thread computes the same */
	int u = __atomic_load_n(&usable, __ATOMIC_RELAXED);

	if (__atomic_load_n(&portable, __ATOMIC_RELAXED))
		return 0;
	if (u < 0) {
		__builtin_cpu_init();
		/* BMI1 and BMI2 for the coder's tzcnt and shlx (encode.c), which every
		 * AVX-512 CPU has */
		u = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
		    __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi") &&
		    __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
		__atomic_store_n(&usable, u, __ATOMIC_RELAXED);
	}
	return u;
}
#endif

int ziaa_model_search_avx512(const uint8_t *src, uint32_t n, uint32_t k, uint32_t e, bucket *table,
			     uint32_t *slots, uint32_t *tok, int newest)
{
#ifdef HAVE_AVX512_SEARCH
	if (n <= INT32_MAX && avx512_usable()) { /* gathers take signed 32-bit offsets */
		uint32_t done = newest ? search16_newest(src, n, k, e, table, slots, tok)
				       : search16_both(src, n, k, e, table, slots, tok);

		ziaa_model_search_scalar(src, n, done, e, table, slots + (done - k), tok + (done - k), newest);
		return 1;
	}
#else
	(void)src, (void)n, (void)k, (void)e, (void)table, (void)slots, (void)tok, (void)newest;
#endif
	return 0;
}

void ziaa_model_search(const uint8_t *src, uint32_t n, uint32_t k, uint32_t e, bucket *table, uint32_t *slots,
		       uint32_t *tok, int newest)
{
	if (!ziaa_model_search_avx512(src, n, k, e, table, slots, tok, newest))
		ziaa_model_search_scalar(src, n, k, e, table, slots, tok, newest);
}

int ziaa_model_search_is_vector(void)
{
#ifdef HAVE_AVX512_SEARCH
	return avx512_usable();
#else
	return 0;
#endif
}
