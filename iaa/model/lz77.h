/* SPDX-License-Identifier: Zlib */
/*
 * iaa/model/lz77.h - the model's LZ77 primitives: loads, the 3-byte hash, buckets
 * and the match measure, shared by the search (search.c) and the coder (encode.c)
 *
 * The window is the device's 4 KB (digest §7). Each hash bucket keeps the two most
 * recent positions of a 3-byte prefix's hash, newest in the low half, each as its
 * low 16 bits: 16 KB of buckets stay in the L1 cache. A distance is taken modulo
 * 65536; a position that old aliases a nearer one, which is harmless: every
 * candidate's bytes are compared, so a match found there is a real one. An empty
 * bucket (EMPTY_BYTE repeated) is more than 4 KB away for the first 32 KB of a job.
 */
#ifndef ZIAA_MODEL_LZ77_H
#define ZIAA_MODEL_LZ77_H

#include <stdint.h>
#include <string.h>

#include "iaa/deflate.h"
#include "iaa/hw.h"

/* Tunable. HASH_BITS: 2^HASH_BITS buckets of two positions each; more cost a larger
 * memset per job and cache misses, fewer cost collisions (the window holds at most
 * 4096 positions). The AVX-512 search assumes 12 (its shift). */
#define HASH_BITS 12
#define EMPTY_BYTE 0x80

/* Bytes readable at a position for the unchecked 8-byte loads. */
#define WIDE 8

typedef uint32_t bucket;

static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The first three bytes at p, little-endian; p[3] is readable when four is set. */
static inline uint32_t load3(const uint8_t *p, int four)
{
	return four ? load32(p) & 0xffffff : (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

#define HASH_MUL 0x9e3779b1u

static inline uint32_t hash3(uint32_t v)
{
	return (v * HASH_MUL) >> (32 - HASH_BITS);
}

static inline bucket push(bucket slot, uint32_t pos)
{
	return slot << 16 | (pos & 0xffff);
}

/* The bucket a search sees: slot itself, or (newest) its newest position in both
 * halves, which every measure below takes as that one candidate (a tie goes to
 * the newer half). The pushes always keep both. */
static inline bucket seen(bucket slot, const int newest)
{
	return newest ? (slot & 0xffff) * 0x10001u : slot;
}

/* Bytes equal at a and b, at most limit. */
static inline unsigned match_len(const uint8_t *a, const uint8_t *b, unsigned limit)
{
	unsigned l = 0;

	while (l + 8 <= limit) {
		uint64_t x = load64(a + l) ^ load64(b + l);

		if (x)
			return l + (unsigned)__builtin_ctzll(x) / 8;
		l += 8;
	}
	while (l < limit && a[l] == b[l])
		l++;
	return l;
}

/* The two candidates of a bucket for one position: their distances, and their
 * lengths to at most 8 bytes (0 for a candidate outside the window). */
struct pair {
	uint32_t d0, d1;
	unsigned l0, l1;
};

/*
 * measure8 - both candidates of slot for position i, where WIDE bytes are readable:
 * each measured to 8 bytes with one XOR and no branch.
 */
static inline __attribute__((always_inline)) struct pair measure8(const uint8_t *src, uint32_t i, bucket slot)
{
	/* a distance of 0 (modulo 65536) wraps to 0xffffffff below: not in the window */
	uint32_t d0 = (i - slot) & 0xffff, d1 = (i - (slot >> 16)) & 0xffff;
	/* all ones when the candidate lies in the window */
	uint32_t m0 = -(uint32_t)(d0 - 1 < IAA_HISTORY_SIZE), m1 = -(uint32_t)(d1 - 1 < IAA_HISTORY_SIZE);
	uint64_t cur = load64(src + i);
	/* an unusable candidate is read at distance 0 (itself) and then ignored */
	uint64_t x0 = cur ^ load64(src + i - (d0 & m0)), x1 = cur ^ load64(src + i - (d1 & m1));
	struct pair p = { d0, d1, 0, 0 };

	/* bytes equal, 0-8 (x == 0: all 8) */
	p.l0 = (((unsigned)__builtin_ctzll(x0 | 1ull << 63) >> 3) + (x0 == 0)) & m0;
	p.l1 = (((unsigned)__builtin_ctzll(x1 | 1ull << 63) >> 3) + (x1 == 0)) & m1;
	return p;
}

/* The longest a match at i may be: to the end of the input, at most 258. */
static inline unsigned match_limit(uint32_t i, uint32_t n)
{
	return n - i < ZIAA_MAX_MATCH ? n - i : ZIAA_MAX_MATCH;
}

/*
 * extend - a candidate of p measured to all of the first `at` bytes (as far as a
 * measure sees: 8 or 64) goes on byte by byte, up to match_limit(); at most that
 * many are readable at i.
 */
static inline __attribute__((always_inline)) void extend(const uint8_t *src, uint32_t i, uint32_t n,
							  struct pair *p, unsigned at)
{
	unsigned limit = match_limit(i, n);

	if (p->l0 == at)
		p->l0 = at + match_len(src + i + at, src + i - p->d0 + at, limit - at);
	if (p->l1 == at)
		p->l1 = at + match_len(src + i + at, src + i - p->d1 + at, limit - at);
}

/* best - the longer candidate of p (0 if neither gives 3 bytes), the nearer (the
 * newer) on a tie; its distance in *dist. */
static inline unsigned best(struct pair p, uint32_t *dist)
{
	*dist = p.l1 > p.l0 ? p.d1 : p.d0;
	p.l0 = p.l1 > p.l0 ? p.l1 : p.l0;
	return p.l0 < ZIAA_MIN_MATCH ? 0 : p.l0;
}

/*
 * longest - best() of the bucket's two candidates for position i. Where 8 bytes
 * are readable (wide) both are measured by measure8, and only a match of 8 or
 * more is extended byte by byte.
 */
static inline __attribute__((always_inline)) unsigned longest(const uint8_t *src, uint32_t i, uint32_t n,
							      bucket slot, const int wide, uint32_t *dist)
{
	struct pair p;

	if (wide) {
		p = measure8(src, i, slot);
		if (__builtin_expect((p.l0 | p.l1) & 8, 0))
			extend(src, i, n, &p, 8);
	} else {
		unsigned limit = match_limit(i, n);

		p.d0 = (i - slot) & 0xffff;
		p.d1 = (i - (slot >> 16)) & 0xffff;
		p.l0 = p.d0 - 1 < IAA_HISTORY_SIZE ? match_len(src + i, src + i - p.d0, limit) : 0;
		p.l1 = p.d1 - 1 < IAA_HISTORY_SIZE ? match_len(src + i, src + i - p.d1, limit) : 0;
	}
	return best(p, dist);
}

/* index_span - push every position of [k, e) that has 3 bytes into its bucket. */
static inline void index_span(const uint8_t *src, uint32_t n, uint32_t k, uint32_t e, bucket *table)
{
	for (; k < e && k + ZIAA_MIN_MATCH <= n; k++) {
		bucket *s = &table[hash3(load3(src + k, k + 4 <= n))];

		*s = push(*s, k);
	}
}

/*
 * find - search position i in its bucket and push it there: the match length (0:
 * none), its distance in *dist and the bucket as it was in *slot (as seen()).
 * wide: WIDE bytes are readable at i; newest: its newest candidate alone.
 */
static inline __attribute__((always_inline)) unsigned find(const uint8_t *src, uint32_t i, uint32_t n,
							   bucket *table, const int wide, const int newest,
							   bucket *slot, uint32_t *dist)
{
	bucket *s = &table[hash3(load3(src + i, wide || i + 4 <= n))], old = *s;
	unsigned len;

	*slot = seen(old, newest);
	len = longest(src, i, n, *slot, wide, dist);
	*s = push(old, i);
	return len;
}

/* A position's token as the search leaves it (ziaa_model_search() in model.h):
 * the step to the next token, 1 for a literal, else the better candidate's length
 * capped at 8, and that candidate's distance above TOK_DIST_SHIFT (0: a literal). */
#define TOK_STEP 15u
#define TOK_DIST_SHIFT 4

static inline uint32_t tok_of(unsigned len, uint32_t dist)
{
	return len < ZIAA_MIN_MATCH ? 1 : len | dist << TOK_DIST_SHIFT;
}

/*
 * search_one - search position k (WIDE bytes readable) and push it: the bucket as
 * it was in *slot (as seen()), and the position's token (tok_of()), no branch on
 * the data.
 */
static inline __attribute__((always_inline)) uint32_t search_one(const uint8_t *src, uint32_t k, bucket *table,
								  int newest, uint32_t *slot)
{
	bucket *s = &table[hash3(load32(src + k) & 0xffffff)], old = *s;
	uint32_t dist;
	unsigned len;

	*slot = seen(old, newest);
	len = best(measure8(src, k, *slot), &dist);
	*s = push(old, k);
	return tok_of(len, dist);
}

#endif /* ZIAA_MODEL_LZ77_H */
