/* SPDX-License-Identifier: Zlib */
/*
 * iaa/model/encode.c - the model's LZ77 parse and Huffman coder (one pass)
 *
 * The engine behind COMPRESS (compress.c holds the descriptor's semantics). One
 * pass over the input finds matches in the device's 4 KB window (digest §7) and
 * either counts the symbols (statistics mode, §6.5) or codes them at once with
 * the AECS tables (§5.1: entries are len << 15 | unreversed code; emitted LSB
 * first after bit reversal, as DEFLATE wants).
 *
 * The parse is greedy: a match is taken at the first position that has one, as
 * in the published RFC-sentence hardware outputs (../shared/vectors; the "Join us"
 * ones differ, see the README). Each hash bucket keeps the two most recent
 * positions of a 3-byte prefix's hash; the longest match wins and the nearer one
 * breaks a tie. The device's own matcher is not documented; this one reproduces
 * the RFC-sentence outputs (canned and dynamic) bit for bit.
 *
 * Speed: tokens go into a 64-bit accumulator that is stored 8 bytes at a time
 * while at least 8 bytes of room remain, then a byte at a time up to max_dst_size.
 */
#include "iaa/model/model.h"

#include <string.h>

#include "iaa/deflate.h"
#include "iaa/huff.h"

/* Tunable. HASH_BITS: 2^HASH_BITS buckets of two positions each; more cost a larger
 * memset per job and cache misses, fewer cost collisions (the window holds at most
 * 4096 positions). */
#define HASH_BITS 12

/* Positions inside a match are indexed whole up to INSERT_MAX bytes; a longer
 * match indexes only its last INSERT_TAIL. Indexing all of them finds more in
 * repetitive data (Silesia xml: 2.6% smaller) at a hash and a store per byte, 13%
 * slower there; 16 keeps the RFC-sentence hardware outputs bit for bit. */
#define INSERT_MAX 16
#define INSERT_TAIL 4

/* Bytes readable at a position for the main loop's unchecked loads. */
#define WIDE 8

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

static inline uint32_t hash3(uint32_t v)
{
	return (v * 0x9e3779b1u) >> (32 - HASH_BITS);
}

/* Length symbol (0-28, add 257) of a match length 3-258: RFC 1951 §3.2.5. */
static inline unsigned len_sym(unsigned len)
{
	unsigned l = len - 3, b;

	if (len == ZIAA_MAX_MATCH)
		return 28;
	if (l < 8)
		return l;
	b = 31 - (unsigned)__builtin_clz(l);
	return 4 * (b - 1) + ((l >> (b - 2)) & 3);
}

/* Distance symbol (0-29) of a distance 1-32768. */
static inline unsigned dist_sym(unsigned dist)
{
	unsigned d = dist - 1, b;

	if (d < 4)
		return d;
	b = 31 - (unsigned)__builtin_clz(d);
	return 2 * b + ((d >> (b - 1)) & 1);
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

void ziaa_model_bits_put(struct ziaa_model_bits *w, uint64_t bits, unsigned n)
{
	w->acc |= bits << w->nacc;
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

/* The byte-at-a-time drain near max_dst_size; by value, so the caller's bit state
 * never has its address taken and stays in registers. */
static __attribute__((noinline)) struct ziaa_model_bits drain_slow(struct ziaa_model_bits w)
{
	ziaa_model_bits_put(&w, 0, 0);
	return w;
}

/* Write out whole bytes of the accumulator: 8 at a time while there is room. The
 * accumulator holds at most 7 + 48 bits here (a match is the longest token). */
static inline __attribute__((always_inline)) void drain(struct ziaa_model_bits *w)
{
	if (__builtin_expect(w->cap - w->pos >= 8, 1)) {
		uint64_t v = w->acc;

		memcpy(w->dst + w->pos, &v, sizeof(v));
		w->pos += w->nacc >> 3;
		w->acc >>= w->nacc & ~7u;
		w->nacc &= 7;
	} else {
		*w = drain_slow(*w);
	}
}

static inline __attribute__((always_inline)) void add(struct ziaa_model_bits *w, uint64_t bits, unsigned n)
{
	w->acc |= bits << w->nacc;
	w->nacc += n;
}

/* How parse() treats each token. */
enum mode {
	COUNT, /* statistics mode: count symbols into the histogram */
	CODE,  /* code them; the table has every literal, length and 4 KB distance */
	CHECK, /* code them, noting any symbol without a code (analytics error 30) */
};

/*
 * The coder's view of one job's tables. Entries are the bit-reversed code (with
 * a length's extra bits above it) | total bits << 24; 0 means no code.
 * len_cap[L] is the longest length <= L the table can code (0: none).
 */
struct coder {
	uint32_t lit[256];
	uint32_t len[ZIAA_MAX_MATCH + 1];
	uint32_t dist[IAA_D_SYMBOLS];
	uint16_t len_cap[ZIAA_MAX_MATCH + 1];
	uint32_t eob;
	enum mode mode;
};

static uint32_t entry(uint32_t hw)
{
	unsigned n = hw >> IAA_CODE_LEN_SHIFT & 0xf;

	return n ? ziaa_huff_reverse(hw & IAA_CODE_MASK, n) | n << 24 : 0;
}

/* Lengths whose symbol has no code are shortened to the longest that has one: a
 * table may leave long lengths out (the 2023 kernel canned table codes none above
 * 66), and the published hardware outputs never use a missing one. The device's
 * own rule is UNVERIFIED (digest §6.1); a literal without a code is error 30. */
static void load_coder(struct coder *c, const uint32_t *ll, const uint32_t *d)
{
	unsigned best = 0;
	int complete = 1;

	for (unsigned i = 0; i < 256; i++) {
		c->lit[i] = entry(ll[i]);
		complete &= c->lit[i] != 0;
	}
	c->eob = entry(ll[256]);
	for (unsigned i = 0; i < IAA_D_SYMBOLS; i++) {
		c->dist[i] = entry(d[i]);
		/* symbols 0-23 cover distances 1-4096, all the window can hold */
		complete &= i > dist_sym(IAA_HISTORY_SIZE) || c->dist[i] != 0;
	}
	memset(c->len, 0, sizeof(c->len));
	memset(c->len_cap, 0, sizeof(c->len_cap));
	for (unsigned l = ZIAA_MIN_MATCH; l <= ZIAA_MAX_MATCH; l++) {
		unsigned s = len_sym(l);
		uint32_t e = entry(ll[257 + s]);

		if (e) {
			unsigned n = e >> 24;

			c->len[l] = ((e & 0xffffff) | (l - ziaa_len_base[s]) << n) | (n + ziaa_len_extra[s]) << 24;
			best = l;
		}
		c->len_cap[l] = (uint16_t)best;
		complete &= best == l;
	}
	c->mode = complete ? CODE : CHECK;
}

/* One literal: counted, or coded (one without a code sets *missing in CHECK). */
static inline __attribute__((always_inline)) void literal(uint8_t b, const struct coder *c,
							  struct ziaa_model_bits *w,
							  struct iaa_hw_histogram *hist, uint32_t *missing,
							  const enum mode mode)
{
	if (mode == COUNT) {
		hist->ll_count[b]++;
	} else {
		uint32_t le = c->lit[b];

		add(w, le & 0xffffff, le >> 24);
		if (mode == CHECK)
			*missing |= le == 0;
		drain(w);
	}
}

static inline __attribute__((always_inline)) void match(unsigned len, uint32_t dist, const struct coder *c,
							struct ziaa_model_bits *w,
							struct iaa_hw_histogram *hist, uint32_t *missing,
							const enum mode mode)
{
	unsigned ds = dist_sym(dist);

	if (mode == COUNT) {
		hist->ll_count[257 + len_sym(len)]++;
		hist->d_count[ds]++;
	} else {
		uint32_t le = c->len[len], de = c->dist[ds];
		unsigned dn = de >> 24;

		add(w, le & 0xffffff, le >> 24);
		add(w, (de & 0xffffff) | (uint64_t)(dist - ziaa_dist_base[ds]) << dn, dn + ziaa_dist_extra[ds]);
		if (mode == CHECK)
			*missing |= de == 0; /* a distance without a code, like a literal */
		drain(w);
	}
}

/*
 * A bucket holds the two most recent positions with its hash, newest in the low
 * half, each as its low 16 bits: 16 KB of buckets stay in the L1 cache, and the
 * bucket load is on the loop's critical path. A distance is taken modulo 65536;
 * a position that old aliases a nearer one, which is harmless: every candidate's
 * bytes are compared, so a match found there is a real one. An empty bucket
 * (0x8080) is more than 4 KB away for the first 32 KB of a job.
 */
typedef uint32_t bucket;

static inline bucket push(bucket slot, uint32_t pos)
{
	return slot << 16 | (pos & 0xffff);
}

#define EMPTY_BYTE 0x80

/* Index position k (3 readable bytes at least) in its bucket. */
static inline void insert(bucket *table, const uint8_t *src, uint32_t k, uint32_t n)
{
	bucket *s = &table[hash3(load3(src + k, k + 4 <= n))];

	*s = push(*s, k);
}

/*
 * longest - the longer of the bucket's two candidates for position i (0 if
 * neither gives 3 bytes), the nearer on a tie; its distance in *dist. Where 8
 * bytes are readable (wide) each candidate is measured to 8 bytes with one XOR
 * and no branch, and only a match of 8 or more is extended byte by byte.
 */
static inline __attribute__((always_inline)) unsigned longest(const uint8_t *src, uint32_t i, uint32_t n,
							      bucket slot, const int wide, uint32_t *dist)
{
	/* a distance of 0 (modulo 65536) wraps to 0xffffffff below: not in the window */
	uint32_t d0 = (i - slot) & 0xffff, d1 = (i - (slot >> 16)) & 0xffff;
	/* all ones when the candidate lies in the window */
	uint32_t m0 = -(uint32_t)(d0 - 1 < IAA_HISTORY_SIZE), m1 = -(uint32_t)(d1 - 1 < IAA_HISTORY_SIZE);
	unsigned l0, l1;

	if (wide) {
		uint64_t cur = load64(src + i);
		/* an unusable candidate is read at distance 0 (itself) and then ignored */
		uint64_t x0 = cur ^ load64(src + i - (d0 & m0));
		uint64_t x1 = cur ^ load64(src + i - (d1 & m1));

		l0 = (((unsigned)__builtin_ctzll(x0 | 1ull << 63) >> 3) + (x0 == 0)) & m0;
		l1 = (((unsigned)__builtin_ctzll(x1 | 1ull << 63) >> 3) + (x1 == 0)) & m1;
		if (__builtin_expect((l0 | l1) & 8, 0)) {
			unsigned limit = n - i < ZIAA_MAX_MATCH ? n - i : ZIAA_MAX_MATCH;

			if (l0 == 8)
				l0 = 8 + match_len(src + i + 8, src + i - d0 + 8, limit - 8);
			if (l1 == 8)
				l1 = 8 + match_len(src + i + 8, src + i - d1 + 8, limit - 8);
		}
	} else {
		unsigned limit = n - i < ZIAA_MAX_MATCH ? n - i : ZIAA_MAX_MATCH;

		l0 = m0 ? match_len(src + i, src + i - d0, limit) : 0;
		l1 = m1 ? match_len(src + i, src + i - d1, limit) : 0;
	}
	*dist = l1 > l0 ? d1 : d0;
	l0 = l1 > l0 ? l1 : l0;
	return l0 < ZIAA_MIN_MATCH ? 0 : l0;
}

/*
 * step - search position i, emit its token and index what it covers; returns the
 * next position. wide: WIDE bytes are readable at i.
 */
static inline __attribute__((always_inline)) uint32_t step(const uint8_t *src, uint32_t i, uint32_t n,
							   bucket *table, const struct coder *c,
							   struct ziaa_model_bits *w, struct iaa_hw_histogram *hist,
							   uint32_t *missing, const enum mode mode, const int wide)
{
	uint32_t h = hash3(load3(src + i, wide || i + 4 <= n)), dist, e, k = i + 1;
	bucket slot = table[h];
	unsigned best = longest(src, i, n, slot, wide, &dist);

	table[h] = push(slot, i);
	if (mode == CHECK) /* a lookup on the loop's critical path: only when needed */
		best = c->len_cap[best];
	if (best < ZIAA_MIN_MATCH) {
		literal(src[i], c, w, hist, missing, mode);
		return i + 1;
	}
	match(best, dist, c, w, hist, missing, mode);
	/* index the positions the match covers, so later matches can start there (all
	 * of a short match, the last INSERT_TAIL of a long one) */
	e = i + best;
	if (wide && best <= 4 && i + 8 <= n) {
		/* the common short match without a loop: i + 1 and i + 2 always, i + 3 when
		 * covered (else into the spare bucket, never read) */
		uint64_t v = load64(src + i);
		uint32_t h1 = hash3((uint32_t)(v >> 8) & 0xffffff), h2 = hash3((uint32_t)(v >> 16) & 0xffffff);
		uint32_t h3 = best > 3 ? hash3((uint32_t)(v >> 24) & 0xffffff) : 1u << HASH_BITS;

		table[h1] = push(table[h1], i + 1);
		table[h2] = push(table[h2], i + 2);
		table[h3] = push(table[h3], i + 3);
		return e;
	}
	if (best > INSERT_MAX)
		k = e - INSERT_TAIL;
	if (e + 4 <= n) {
		for (; k < e; k++) {
			bucket *s = &table[hash3(load32(src + k) & 0xffffff)];

			*s = push(*s, k);
		}
	} else {
		for (; k < e && k + ZIAA_MIN_MATCH <= n; k++)
			insert(table, src, k, n);
	}
	return e;
}

/*
 * parse - the greedy 4 KB-window parse of src[0..n): counts into hist (COUNT) or
 * codes into *out with c. Returns nonzero if a symbol had no code (CHECK only).
 * Inlined once per mode so each is compiled without the others' branches. The
 * main loop runs while 8 bytes are readable; the last 7 positions take the
 * careful path with the same rules.
 */
static inline __attribute__((always_inline)) int parse(const uint8_t *src, uint32_t n, const struct coder *c,
						       struct ziaa_model_bits *out, struct iaa_hw_histogram *hist,
						       bucket *table, const enum mode mode)
{
	/* a local copy: stores to dst could alias *out and force reloads */
	struct ziaa_model_bits w = mode == COUNT ? (struct ziaa_model_bits){ 0 } : *out;
	uint32_t missing = 0, i = 0;

	memset(table, EMPTY_BYTE, sizeof(bucket) << HASH_BITS);
	while (i + WIDE <= n)
		i = step(src, i, n, table, c, &w, hist, &missing, mode, 1);
	while (i + ZIAA_MIN_MATCH <= n)
		i = step(src, i, n, table, c, &w, hist, &missing, mode, 0);
	for (; i < n; i++)
		literal(src[i], c, &w, hist, &missing, mode);
	if (mode != COUNT)
		*out = w;
	return missing != 0;
}

/* Per-thread scratch: the hash buckets and the loaded tables. */
static __thread struct {
	bucket table[(1u << HASH_BITS) + 1]; /* and a spare bucket, written, never read */
	struct coder coder;
} scratch;

void ziaa_model_lz77_stats(const uint8_t *src, uint32_t n, struct iaa_hw_histogram *hist)
{
	memset(hist, 0, sizeof(*hist));
	parse(src, n, NULL, NULL, hist, scratch.table, COUNT);
}

int ziaa_model_lz77_code(const uint8_t *src, uint32_t n, const struct iaa_hw_aecs_comp *tables,
			 struct ziaa_model_bits *w, int eob)
{
	struct coder *c = &scratch.coder;
	int missing;

	load_coder(c, tables->ll_code, tables->d_code);
	if (c->mode == CODE)
		missing = parse(src, n, c, w, NULL, scratch.table, CODE);
	else
		missing = parse(src, n, c, w, NULL, scratch.table, CHECK);
	if (eob) {
		add(w, c->eob & 0xffffff, c->eob >> 24);
		missing |= c->eob == 0;
		drain(w);
	}
	return missing;
}
