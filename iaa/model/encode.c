/* SPDX-License-Identifier: Zlib */
/*
 * iaa/model/encode.c - the model's LZ77 parse and Huffman coder (one pass)
 *
 * The engine behind COMPRESS (compress.c holds the descriptor's semantics). The
 * parse finds matches in the device's 4 KB window (digest §7) and either counts
 * the symbols (statistics mode, §6.5) or codes them at once with the AECS tables
 * (§5.1: entries are len << 15 | unreversed code; emitted LSB first after bit
 * reversal, as DEFLATE wants).
 *
 * The parse is greedy: a match is taken at the first position that has one, as
 * in the published RFC-sentence hardware outputs (../shared/vectors; the "Join us"
 * ones differ, see the README). Every position is indexed (search.c); of a
 * bucket's two candidates the longest match wins and the newer breaks a tie,
 * but for a batch after one of mostly literals (LITERAL_RUNS), where the newer
 * alone is searched. The device's own matcher is not documented; this one
 * reproduces the RFC-sentence outputs (canned and dynamic) bit for bit, which
 * fit one batch and so never take the newer alone.
 *
 * Two stages per batch of positions: search.c searches and indexes all of them
 * (16 at a time with AVX-512), then the walk here takes a token where the last
 * one ended and emits it. Coding, the walk runs in a function of its own (walk())
 * that selects a literal's or a match's code with masks, or with branches where
 * the batch before was mostly literals; counting (statistics mode), it runs
 * inline. Only a match of 8 or more goes back to the bytes. Tokens go into a
 * 64-bit accumulator that is stored 8 bytes at a time while at least 8 bytes of
 * room remain, then a byte at a time up to max_dst_size.
 *
 * A job of SPLIT_MIN (256 KB) or more is parsed as two halves, each with its own
 * buckets, so that where both are in long-token batches (text with long repeats,
 * as Silesia nci and xml) one loop parses a token of each in turn and neither
 * waits on its own chain from one token to the next (long_pair()).
 */
#include "iaa/model/model.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "iaa/deflate.h"
#include "iaa/huff.h"
#include "iaa/model/lz77.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
/* Where ziaa_model_search_is_vector() says yes, the long-token batches run an
 * instance of long_batch() compiled for AVX-512, which measures with longest64(). */
#define HAVE_AVX512_PARSE 1
#define AVX512 __attribute__((target("avx512f,avx512bw,bmi")))
#endif

/* Tunable. BATCH: positions per batch; its slots and tokens stay in L1 beside
 * the buckets; more cost cache and adapt later, fewer cost loop overhead. Over
 * 258, so that a match never jumps a whole batch. LONG_TOKEN: the mean token
 * length (bytes) from which a batch is parsed token by token (see parse): every
 * position searched costs about as much as a token searched alone and a long
 * match indexed (Silesia nci and xml: 1.7x faster than searching them all). 5
 * to 4, once long tokens paired and indexed 2 positions a match: reymont 2.65x ->
 * 2.92x zlib -1, xml 2.53x -> 2.83x, nci 3.07x -> 3.15x, the rest within 1%, for
 * reymont 1.012x -> 0.996x in size, xml 1.023x -> 1.018x, mr 0.983x -> 0.982x;
 * 3.5 took dickens to 2.93x, 3 took mr to 0.978x in size. LONG_STAY: the mean
 * from which a batch after a long-token one stays long: 3 against 4, reymont
 * 2.94x -> 3.18x and xml 2.84x -> 3.01x, dickens and mr unchanged, for reymont
 * 0.996x -> 0.986x, xml 1.018x -> 1.013x, mr 0.982x -> 0.981x (3.5: reymont
 * 2.99x, xml 2.94x). */
#define BATCH 2048
#define LONG_TOKEN 4
#define LONG_STAY 3

/* In a batch of long tokens a match longer than INSERT_MAX + INSERT_TAIL indexes
 * only its first INSERT_MAX and last INSERT_TAIL positions (the rest cost a hash
 * and a store each and are rarely a better candidate than the ones kept). 4 and
 * 2 to 2 and 1: Silesia nci and xml some 5% faster (same runs, median of four) for
 * 1.5% and 0.5% in size; mr, whose batches are mostly short tokens, from 0.986x
 * to 0.984x zlib -1 at windowBits 12. 2 and 1 to 2 and 0 (with long_pair()): nci
 * 8%, xml 3% and mr 2% faster, at 1.023x -> 1.014x, 1.030x -> 1.023x and 0.984x
 * -> 0.983x. 1 and 1 took mr to 0.975x, under the 0.98x goal. */
#define INSERT_MAX 2
#define INSERT_TAIL 0

/* The share of literals (percent of tokens) in a short-token batch above which
 * the next one searches each position's newer candidate alone (search.c: half
 * the gathers) and is coded with branches (walk()). Silesia osdb has 86%,
 * ooffice 69% (and codes faster with masks), text about a third. The newer alone
 * took osdb from 2.86x to 3.47x zlib -1 and from 1.009x to 0.990x in size
 * (ooffice 0.995x -> 0.994x, xml 1.013x -> 1.012x, the others unchanged): the
 * older candidate alone matches at some 6% of osdb's positions. Lower, and more
 * batches would pay that; higher, fewer would be faster (90: osdb 10% slower
 * when this chose the coding alone). */
#define LITERAL_RUNS 80

/* Length symbol (0-28, add 257) of a match length 3-258: RFC 1951 §3.2.5. Both
 * forms are computed and one selected (statistics mode counts by symbol). */
static inline unsigned len_sym(unsigned len)
{
	unsigned l = len - 3, b = 31 - (unsigned)__builtin_clz(l | 4);
	unsigned s = 4 * (b - 1) + ((l >> (b - 2)) & 3);

	s = l < 8 ? l : s;
	return len == ZIAA_MAX_MATCH ? 28 : s;
}

/* Distance symbol (0-29) of a distance 1-32768, computed like len_sym's. */
static inline unsigned dist_sym(unsigned dist)
{
	unsigned d = dist - 1, b = 31 - (unsigned)__builtin_clz(d | 2);
	unsigned s = 2 * b + ((d >> (b - 1)) & 1);

	return d < 4 ? d : s;
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

void ziaa_model_bits_put_string(struct ziaa_model_bits *w, const uint8_t *p, uint64_t nbits)
{
	uint64_t k = 0, nbytes = nbits / 8, acc = w->acc;

	/* whole words while there is room; w holds under 8 bits, as every put leaves it */
	for (; k + WIDE <= nbytes && w->cap - w->pos >= 2 * WIDE; k += WIDE) {
		uint64_t x = load64(p + k);

		acc |= x << w->nacc;
		memcpy(w->dst + w->pos, &acc, sizeof(acc));
		w->pos += WIDE;
		acc = x >> (63 - w->nacc) >> 1;
	}
	w->acc = acc;
	for (; k < nbytes; k++)
		ziaa_model_bits_put(w, p[k], 8);
	if (nbits & 7)
		ziaa_model_bits_put(w, p[nbytes] & ((1u << (nbits & 7)) - 1), nbits & 7);
}

/* The byte-at-a-time drain near max_dst_size; by value, so the caller's bit state
 * never has its address taken and stays in registers. */
static __attribute__((noinline)) struct ziaa_model_bits drain_slow(struct ziaa_model_bits w)
{
	ziaa_model_bits_put(&w, 0, 0);
	return w;
}

/* Write out whole bytes of the accumulator: 8 at a time where room says 8 bytes
 * are left, else a byte at a time up to max_dst_size. The accumulator holds at
 * most 7 + 56 bits here. */
static inline __attribute__((always_inline)) void drain_if(struct ziaa_model_bits *w, int room)
{
	if (__builtin_expect(room, 1)) {
		uint64_t v = w->acc;

		memcpy(w->dst + w->pos, &v, sizeof(v));
		w->pos += w->nacc >> 3;
		w->acc >>= w->nacc & ~7u;
		w->nacc &= 7;
	} else {
		*w = drain_slow(*w);
	}
}

static inline __attribute__((always_inline)) void drain(struct ziaa_model_bits *w)
{
	drain_if(w, w->cap - w->pos >= 8);
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
	int quad; /* no literal has 15 bits: four fit one add (encode.c walk_batch) */
	enum mode mode;
	/* By distance (1-4096): its code with the extra bits above it, total bits
	 * << 27 (0: no code), so a match's distance is one lookup; built for the
	 * distance code in dkey, so a canned table's jobs build it once a thread. */
	uint32_t dcode[IAA_HISTORY_SIZE + 1];
	uint32_t dkey[IAA_D_SYMBOLS];
	int dbuilt;
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

	c->quad = 1;
	for (unsigned i = 0; i < 256; i++) {
		c->lit[i] = entry(ll[i]);
		complete &= c->lit[i] != 0;
		c->quad &= c->lit[i] >> 24 < 15;
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
	if (!c->dbuilt || memcmp(c->dkey, d, sizeof(c->dkey)) != 0) {
		for (unsigned dist = 1; dist <= IAA_HISTORY_SIZE; dist++) {
			unsigned s = dist_sym(dist);
			uint32_t e = c->dist[s], n = e >> 24;

			c->dcode[dist] = e ? (e & 0xffffff) | (dist - ziaa_dist_base[s]) << n |
						     (n + ziaa_dist_extra[s]) << 27
					   : 0;
		}
		c->dcode[0] = 0;
		memcpy(c->dkey, d, sizeof(c->dkey));
		c->dbuilt = 1;
	}
}

/*
 * emit - one token at i: a literal (len 0) or a match of len at dist, counted into
 * ll/dc (COUNT; a literal's distance count goes to the dropped dc[IAA_D_SYMBOLS])
 * or coded into w with c. Both codes are looked up and one selected.
 */
static inline __attribute__((always_inline)) void emit(const uint8_t *src, uint32_t i, uint32_t len,
						       uint32_t dist, const struct coder *c,
						       struct ziaa_model_bits *w, uint32_t *ll, uint32_t *dc,
						       uint32_t *missing, const enum mode mode)
{
	uint32_t is_m = len != 0, lit = src[i];

	dist = is_m ? dist : 1;
	if (mode == COUNT) {
		ll[is_m ? 257 + len_sym(len) : lit]++;
		dc[is_m ? dist_sym(dist) : IAA_D_SYMBOLS]++;
	} else {
		uint32_t le = c->len[len], de = c->dcode[dist], lc = c->lit[lit];
		unsigned ln = le >> 24;
		uint64_t mb = (le & 0xffffff) | (uint64_t)(de & 0x7ffffff) << ln;

		add(w, is_m ? mb : lc & 0xffffff, is_m ? ln + (de >> 27) : lc >> 24);
		if (mode == CHECK) /* a literal or a distance without a code */
			*missing |= (is_m ? de : lc) == 0;
		drain(w);
	}
}

#ifdef HAVE_AVX512_PARSE
/*
 * longest64 - longest() for position i where 64 bytes are readable, for the
 * AVX-512 instances of long_batch() only: each candidate is measured to 64 bytes
 * by one byte compare, so only a match of 64 or more goes back to the bytes
 * (longest() branches at 8, and half of Silesia nci's matches are longer: nci and
 * xml code 6-9% faster, same runs). Plain inline, not always_inline: the generic
 * long_batch() names it, in code it never runs, and could not have it inlined.
 */
static inline AVX512 unsigned longest64(const uint8_t *src, uint32_t i, uint32_t n, bucket slot, uint32_t *dist)
{
	uint32_t d0 = (i - slot) & 0xffff, d1 = (i - (slot >> 16)) & 0xffff;
	/* all ones when the candidate lies in the window; else it is read at distance 0 */
	uint32_t m0 = -(uint32_t)(d0 - 1 < IAA_HISTORY_SIZE), m1 = -(uint32_t)(d1 - 1 < IAA_HISTORY_SIZE);
	__m512i cur = _mm512_loadu_si512((const void *)(src + i));
	uint64_t x0 = _mm512_cmpneq_epi8_mask(cur, _mm512_loadu_si512((const void *)(src + i - (d0 & m0))));
	uint64_t x1 = _mm512_cmpneq_epi8_mask(cur, _mm512_loadu_si512((const void *)(src + i - (d1 & m1))));
	/* bytes equal, 0-64 (tzcnt of 0 is 64) */
	struct pair p = { d0, d1, (unsigned)_tzcnt_u64(x0) & m0, (unsigned)_tzcnt_u64(x1) & m1 };

	if (__builtin_expect((p.l0 | p.l1) & 64, 0))
		extend(src, i, n, &p, 64);
	return best(p, dist);
}
/* The walk's token of 8 bytes or more measured whole: 64 bytes a compare where
 * they are readable (the walk runs with AVX-512 only). Out of line: rare. */
static AVX512 __attribute__((noinline)) uint32_t walk_long(const uint8_t *src, uint32_t i, uint32_t n, bucket slot,
							    uint32_t *dist)
{
	if (i + 64 <= n)
		return longest64(src, i, n, slot, dist);
	return longest(src, i, n, slot, 1, dist);
}
#endif

/*
 * step - the token at i in a batch of long tokens: search i alone, push it, and
 * index what the match covers (all of a short match, the first INSERT_MAX and
 * the last INSERT_TAIL positions of a long one). Returns the length (0: a
 * literal) and the distance in *dist. wide: WIDE bytes are readable at i (2: 64
 * bytes, and longest64() may be used).
 */
static inline __attribute__((always_inline)) uint32_t step(const uint8_t *src, uint32_t i, uint32_t n,
							   bucket *table, const struct coder *c, uint32_t *dist,
							   const enum mode mode, const int wide)
{
	bucket slot;
	uint32_t len, e;

#ifdef HAVE_AVX512_PARSE
	if (wide == 2) {
		bucket *s = &table[hash3(load32(src + i) & 0xffffff)];

		slot = *s;
		len = longest64(src, i, n, slot, dist);
		*s = push(slot, i);
	} else
#endif
		len = find(src, i, n, table, wide, 0, &slot, dist);

	if (mode == CHECK)
		len = c->len_cap[len];
	e = i + len;
	/* inline, a few pushes (as a call with a CPU check this cost 8% on nci) */
	if (len > INSERT_MAX + INSERT_TAIL) {
		index_span(src, n, i + 1, i + 1 + INSERT_MAX, table);
		index_span(src, n, e - INSERT_TAIL, e, table);
	} else if (len) {
		index_span(src, n, i + 1, e, table);
	}
	return len;
}

/* Where a batch leaves the parse: the bit writer, the next position, the batch's
 * token count, whether a symbol had no code (long tokens) and how many tokens were
 * literals (short tokens, coded by walk()). */
struct batch {
	struct ziaa_model_bits w;
	uint32_t i, tokens, missing, literals;
};

/*
 * long_batch - a batch of long tokens from b.i up to built: each token's start
 * searched alone (step), then emitted; b.tokens counts on. v64: the AVX-512
 * instance (longest64() where 64 bytes are readable), the same tokens. The state
 * goes by value, so the caller's bit writer never has its address taken and
 * stays in registers.
 */
static inline __attribute__((always_inline)) struct batch long_batch(const uint8_t *src, uint32_t n,
								      uint32_t built, bucket *table,
								      const struct coder *c, uint32_t *ll,
								      uint32_t *dc, struct batch b,
								      const enum mode mode, const int v64)
{
	uint32_t dist = 1, i = b.i;

	for (; i < built; b.tokens++) {
		uint32_t len = 0; /* the last two positions: literals */

		if (v64 && i + 64 <= n)
			len = step(src, i, n, table, c, &dist, mode, 2);
		else if (i + WIDE <= n)
			len = step(src, i, n, table, c, &dist, mode, 1);
		else if (i + ZIAA_MIN_MATCH <= n)
			len = step(src, i, n, table, c, &dist, mode, 0);
		emit(src, i, len, dist, c, &b.w, ll, dc, &b.missing, mode);
		i += len ? len : 1;
	}
	b.i = i;
	return b;
}

#ifdef HAVE_AVX512_PARSE
/* long_batch() compiled for AVX-512, each mode inlined with its constant;
 * flatten inlines longest64(). Only the long-token batches: the rest of parse()
 * compiled so measured 1-4% slower on the short-token files (mr, ooffice). */
static AVX512 __attribute__((flatten, noinline)) struct batch long_avx512(const uint8_t *src, uint32_t n,
									   uint32_t built, bucket *table,
									   const struct coder *c, uint32_t *ll,
									   uint32_t *dc, struct batch b,
									   enum mode mode)
{
	switch (mode) {
	case COUNT:
		return long_batch(src, n, built, table, c, ll, dc, b, COUNT, 1);
	case CODE:
		return long_batch(src, n, built, table, c, ll, dc, b, CODE, 1);
	default:
		return long_batch(src, n, built, table, c, ll, dc, b, CHECK, 1);
	}
}
#endif

#ifdef HAVE_AVX512_PARSE
/* One chain of long_pair(): a half's position, bit writer (no room check: the
 * caller leaves room for every token), missing-code flag and buckets. */
struct chain {
	uint8_t *p;
	uint64_t acc;
	uint32_t nacc, i, missing;
	bucket *table;
};

/* The most a token takes of a chain's room: a match's 15 + 5 + 15 + 13 bits. */
#define TOKEN_ROOM 6

/*
 * pair_step - step() and emit() for the token at i, where ZIAA_MAX_MATCH + WIDE
 * bytes are readable, with no branch on the data but for a match of 64 or more:
 * the same tokens, buckets and bits. The empty asm statements hide where the
 * length and the masks come from, or gcc branches on them. Returns the next
 * token's position.
 */
static inline AVX512 __attribute__((always_inline)) uint32_t pair_step(const uint8_t *src, uint32_t n,
								       const struct coder *c, struct chain *h,
								       uint32_t *ll, uint32_t *dc,
								       const enum mode mode)
{
	uint32_t i = h->i, dist, len, m1, literal;
	uint64_t v = load64(src + i);
	bucket *s = &h->table[hash3((uint32_t)v & 0xffffff)], *s1, *s2;
	bucket slot = *s, o1, o2;

	len = longest64(src, i, n, slot, &dist);
	*s = push(slot, i);
	if (mode == CHECK)
		len = c->len_cap[len];
	__asm__("" : "+r"(len));
	/* what the match covers, as step() indexes it: i + 1 and i + 2 (a match has
	 * 3 bytes or more, so both or neither) */
	_Static_assert(INSERT_MAX == 2 && INSERT_TAIL == 0, "pair_step() indexes as step() does");
	literal = -(uint32_t)(len == 0);
	__asm__("" : "+r"(literal));
	m1 = ~literal;
	s1 = &h->table[hash3((uint32_t)(v >> 8) & 0xffffff)];
	o1 = *s1;
	*s1 = (push(o1, i + 1) & m1) | (o1 & literal);
	s2 = &h->table[hash3((uint32_t)(v >> 16) & 0xffffff)];
	o2 = *s2;
	*s2 = (push(o2, i + 2) & m1) | (o2 & literal);
	dist &= ~literal;
	if (mode == COUNT) {
		ll[len ? 257 + len_sym(len) : (uint8_t)v]++;
		dc[len ? dist_sym(dist) : IAA_D_SYMBOLS]++;
	} else {
		/* as in emit(): a literal reads len[0] and dcode[0], which hold no bits */
		uint32_t le = c->len[len] | (c->lit[(uint8_t)v] & literal), de = c->dcode[dist];

		if (mode == CHECK)
			h->missing |= (le == 0) | ((de == 0) & (len != 0));
		h->acc |= ((le & 0xffffff) | (uint64_t)(de & 0x7ffffff) << (le >> 24)) << h->nacc;
		h->nacc += (le >> 24) + (de >> 27);
		memcpy(h->p, &h->acc, sizeof(h->acc));
		h->p += h->nacc >> 3;
		h->acc >>= h->nacc & ~7u;
		h->nacc &= 7;
	}
	return i + len + (literal & 1);
}

/*
 * long_pair - the long tokens of two halves at once, one token of each a round,
 * while each is below its limit (lim[]), so that each chain's wait (its search
 * waits for the token before) is spent on the other's. n[]: the halves' ends.
 * Returns the rounds: each chain's tokens.
 */
static AVX512 __attribute__((flatten, noinline)) uint32_t long_pair(const uint8_t *src, const uint32_t *n,
								    const uint32_t *lim, struct chain *pa,
								    struct chain *pb, const struct coder *c,
								    uint32_t *ll, uint32_t *dc, enum mode mode)
{
	struct chain a = *pa, b = *pb;
	uint32_t na = n[0], nb = n[1], la = lim[0], lb = lim[1], rounds = 0;

#define PAIR_LOOP(m)                                                    \
	for (; a.i < la && b.i < lb; rounds++) {                        \
		a.i = pair_step(src, na, c, &a, ll, dc, m);             \
		b.i = pair_step(src, nb, c, &b, ll, dc, m);             \
	}
	if (mode == COUNT)
		PAIR_LOOP(COUNT)
	else if (mode == CODE)
		PAIR_LOOP(CODE)
	else
		PAIR_LOOP(CHECK)
#undef PAIR_LOOP
	*pa = a;
	*pb = b;
	return rounds;
}
#endif

/*
 * walk_batch - the walk of a short-token batch: from b.i up to built, take the
 * token the search found where the last one ended and code it with c (CODE, or
 * CHECK: shortened to a length the table has, b.missing set for a symbol without
 * a code). branchy: a literal and a match on two paths, literals four or two at a
 * time where they come in a row (four: osdb 2.6% faster than two alone), else
 * both computed and one selected with masks; the tokens and bits are the same
 * either way (see walk()). quad: c->quad, a constant in walk_runs()'s instances.
 * The matches alone are counted (the literals' paths touch no counter): the
 * batch's literals are the bytes walked less those matched.
 */
static inline __attribute__((always_inline)) struct batch walk_batch(const uint8_t *src, uint32_t n,
								      uint32_t start, uint32_t built,
								      const uint32_t *slots,
								      const uint32_t *tok,
								      const struct coder *c, struct batch b,
								      const enum mode mode, const int branchy,
								      const int quad)
{
	/* the loop's state in locals, by offset in the batch (k): fewer registers,
	 * no reload of the batch's start, and the writer's room as one compare */
	const uint8_t *s = src + start;
	struct ziaa_model_bits w = b.w;
	uint32_t k = b.i - start, end = built - start, k0 = k;
	uint32_t fast = w.cap >= WIDE ? w.cap - (WIDE - 1) : 0; /* 8 bytes of room below it */
	/* counted on the matches' path alone: the literals' paths touch no counter */
	uint32_t matches = 0, mbytes = 0, missing = b.missing;

	__asm__("" : "+r"(s)); /* one register: else gcc adds src and start for every byte */

	for (; k < end;) {
		uint32_t t = tok[k], step = t & TOK_STEP, dist = t >> TOK_DIST_SHIFT;
		uint32_t le, de = 0;
		uint64_t bits;
		unsigned nb;

		if (__builtin_expect(step == 8, 0)) { /* 8 bytes matched: measure it whole */
			uint32_t d;

#ifdef HAVE_AVX512_PARSE
			step = walk_long(src, start + k, n, slots[k], &d);
#else
			step = longest(src, start + k, n, slots[k], 1, &d);
#endif
			dist = d;
		}
		if (mode == CHECK) {
			/* the longest length the table codes (a literal: len_cap[1] is 0) */
			uint32_t l = c->len_cap[step];

			dist = l ? dist : 0;
			step = l ? l : 1;
		}
		if (branchy && quad && !dist && k + 4 <= end && tok[k + 1] == tok_of(0, 0) &&
		    tok[k + 2] == tok_of(0, 0) && tok[k + 3] == tok_of(0, 0)) {
			/* four literals in a row, coded at once (56 bits at most, and
			 * the accumulator holds 7 after a drain); the step a constant */
			uint32_t e0 = c->lit[s[k]], e1 = c->lit[s[k + 1]], e2 = c->lit[s[k + 2]];
			uint32_t e3 = c->lit[s[k + 3]];
			unsigned n1 = e0 >> 24, n2 = n1 + (e1 >> 24), n3 = n2 + (e2 >> 24);

			bits = (e0 & 0xffffff) | (uint64_t)(e1 & 0xffffff) << n1 | (uint64_t)(e2 & 0xffffff) << n2 |
			       (uint64_t)(e3 & 0xffffff) << n3;
			nb = n3 + (e3 >> 24);
			if (mode == CHECK)
				missing |= (e0 == 0) | (e1 == 0) | (e2 == 0) | (e3 == 0);
			step = 4;
		} else if (branchy && !dist) {
			/* step 1 as a constant: the next token's load need not wait for this
			 * one's; and a literal followed by one is taken with it (coded in 30
			 * bits at most), as runs of them are what this path is for */
			uint32_t pair = k + 1 < end && tok[k + 1] == tok_of(0, 0);

			step = 1;
			le = c->lit[s[k]];
			bits = le & 0xffffff;
			nb = le >> 24;
			if (mode == CHECK)
				missing |= le == 0;
			if (pair) {
				uint32_t next = c->lit[s[k + 1]];

				bits |= (uint64_t)(next & 0xffffff) << nb;
				nb += next >> 24;
				step = 2;
				if (mode == CHECK)
					missing |= next == 0;
			}
		} else {
			if (branchy) {
				le = c->len[step];
			} else {
				/* a literal (step 1, distance 0) reads len[1] and dcode[0], which
				 * hold no bits, and a match masks the literal's code off. The
				 * empty asm hides where the mask comes from, or gcc makes the
				 * selection a branch. */
				uint32_t literal = -(uint32_t)(step == 1);

				__asm__("" : "+r"(literal));
				le = c->len[step] | (c->lit[s[k]] & literal);
			}
			de = c->dcode[dist];
			if (mode == CHECK) /* a literal or a distance without a code */
				missing |= (le == 0) | ((de == 0) & (dist != 0));
			/* the literal's or the length's code, then the distance's (none for a literal) */
			bits = (le & 0xffffff) | (uint64_t)(de & 0x7ffffff) << (le >> 24);
			nb = (le >> 24) + (de >> 27);
			matches += dist != 0; /* always, where branchy */
			mbytes += dist ? step : 0;
		}
		add(&w, bits, nb);
		drain_if(&w, w.pos < fast);
		k += step;
	}
	b.w = w;
	b.i = start + k;
	b.literals = k - k0 - mbytes;
	b.tokens = matches + b.literals;
	b.missing = missing;
	return b;
}

#ifdef HAVE_AVX512_PARSE
/* walk()'s branchy instances compiled for BMI2 (shlx and shrx: no shifts through
 * cl, fewer of the walk's locals on the stack), one for each of c->quad: osdb 2-3%
 * faster (scratch harness, ten runs); the masked instances were 2% slower so
 * (dickens, mr). walk() runs only where the AVX-512 search does, whose CPU check
 * asks for BMI2 (ziaa_model_search_is_vector()). */
static __attribute__((noinline, target("bmi,bmi2"))) struct batch
walk_runs(const uint8_t *src, uint32_t n, uint32_t start, uint32_t built, const uint32_t *slots,
	  const uint32_t *tok, const struct coder *c, struct batch b, enum mode mode)
{
	if (mode == CODE && c->quad)
		return walk_batch(src, n, start, built, slots, tok, c, b, CODE, 1, 1);
	if (mode == CODE)
		return walk_batch(src, n, start, built, slots, tok, c, b, CODE, 1, 0);
	if (c->quad)
		return walk_batch(src, n, start, built, slots, tok, c, b, CHECK, 1, 1);
	return walk_batch(src, n, start, built, slots, tok, c, b, CHECK, 1, 0);
}
#endif

/*
 * walk - walk_batch() in its own function, so that the walk's state stays in
 * registers (inlined in parse(), gcc kept half of it on the stack), choosing the
 * selection from the batch before, with the same bytes either way. With an
 * incomplete table (CHECK) it codes Silesia osdb 30% and ooffice 11% faster than
 * inline, and text and mr within 3% (same runs). Masks measured 4-16% faster than
 * branches on Silesia text, xml, mr and ooffice (a mispredicted literal/match
 * branch costs more than coding both); branches 14% faster on osdb, whose batches
 * are nearly all literals in long runs (86% of its tokens, 15% of them a change
 * from literal to match or back), which predict well. Same runs, medians of three.
 */
static __attribute__((noinline)) struct batch walk(const uint8_t *src, uint32_t n, uint32_t start,
						    uint32_t built, const uint32_t *slots, const uint32_t *tok,
						    const struct coder *c, struct batch b, enum mode mode,
						    int literal_runs)
{
	if (literal_runs) {
#ifdef HAVE_AVX512_PARSE
		return walk_runs(src, n, start, built, slots, tok, c, b, mode);
#else
		return mode == CODE ? walk_batch(src, n, start, built, slots, tok, c, b, CODE, 1, c->quad)
				    : walk_batch(src, n, start, built, slots, tok, c, b, CHECK, 1, c->quad);
#endif
	}
	if (mode == CODE)
		return walk_batch(src, n, start, built, slots, tok, c, b, CODE, 0, 0);
	return walk_batch(src, n, start, built, slots, tok, c, b, CHECK, 0, 0);
}

/* Tunable. A job of SPLIT_MIN bytes or more is parsed as two halves (see parse()):
 * each costs the second half's 4 KB of history indexed (some 1% of a 256 KB job). */
#define SPLIT_MIN (256u << 10)

/* The second half starts before the first has finished where over 1 in
 * PAIR_SHARE of the first's batches, PAIR_AFTER of them at least, were long
 * tokens. Of the first half's batches, a job, Silesia nci has about 100%, xml
 * 40-100%, reymont 60-65%, mr 25-48%, ooffice 1-3%, dickens and osdb none. */
#define PAIR_SHARE 2
#define PAIR_AFTER 16

/* One half of a job's parse: its buckets, bit writer and batch. */
struct half {
	struct ziaa_model_bits w;
	bucket *table;
	uint32_t i, start, built, end, tokens, literals, missing;
	uint32_t batches, longs; /* batches begun, of them long-token ones */
	int long_tokens, literal_runs;
};

/* next_batch - start h's next batch (h->i is past the last one), its way chosen
 * from the batch before. */
static inline void next_batch(struct half *h)
{
	h->long_tokens = h->tokens * (h->long_tokens ? LONG_STAY : LONG_TOKEN) < BATCH;
	h->literal_runs = h->literals * 100 > h->tokens * LITERAL_RUNS;
	h->start = h->built;
	h->built = h->end - h->built < BATCH ? h->end : h->built + BATCH;
	h->tokens = 0;
	h->literals = 0;
	h->batches++;
	h->longs += (uint32_t)h->long_tokens;
}

/*
 * run_batch - the rest of h's batch, from h->i up to h->built, where h ends at
 * h->end (its matches too): counted into ll/dc (COUNT) or coded with c.
 */
static inline __attribute__((always_inline)) void run_batch(const uint8_t *src, struct half *h,
							    const struct coder *c, uint32_t *ll, uint32_t *dc,
							    uint32_t *slots, uint32_t *tok, const enum mode mode,
							    const int vector)
{
	/* locals: stores to dst could alias *h and force reloads */
	struct ziaa_model_bits w = h->w;
	uint32_t n = h->end, built = h->built, i = h->i, tokens = h->tokens, missing = h->missing;
	uint32_t start = i > h->start ? i : h->start, dist = 1;
	bucket *table = h->table;
	struct batch b = { w, i, tokens, missing, 0 };

	if (h->long_tokens) {
#ifdef HAVE_AVX512_PARSE
		if (vector)
			b = long_avx512(src, n, built, table, c, ll, dc, b, mode);
		else
#endif
			b = long_batch(src, n, built, table, c, ll, dc, b, mode, 0);
	} else if (!vector) {
		/* what searching them all gives, searching only where tokens start; a
		 * match from the batch before may have covered the first positions */
		uint32_t indexed = start, lits = 0;

		for (; i < built; tokens++) {
			uint32_t len = 0;
			bucket slot;

			index_span(src, n, indexed, i, table);
			if (i + WIDE <= n)
				len = find(src, i, n, table, 1, h->literal_runs, &slot, &dist);
			else if (i + ZIAA_MIN_MATCH <= n)
				len = find(src, i, n, table, 0, h->literal_runs, &slot, &dist);
			indexed = i + 1;
			if (mode == CHECK)
				len = c->len_cap[len];
			emit(src, i, len, dist, c, &w, ll, dc, &missing, mode);
			lits += len == 0;
			i += len ? len : 1;
		}
		index_span(src, n, indexed, built, table);
		b = (struct batch){ w, i, tokens, missing, lits };
	} else {
		uint32_t lits = 0;

		/* the literals counted on every path: they choose the next batch's search */
		ziaa_model_search(src, n, start, built, table, slots, tok, h->literal_runs);
		if (mode != COUNT) {
			b = walk(src, n, start, built, slots, tok, c, b, mode, h->literal_runs);
		} else {
			/* counting, inline: in walk() it measured 4-15% slower */
			for (; i < built; tokens++) {
				uint32_t t = tok[i - start], len = t & TOK_STEP;

				dist = t >> TOK_DIST_SHIFT;
				if (__builtin_expect(len == 8, 0)) /* 8 bytes matched: measure it whole */
					len = longest(src, i, n, slots[i - start], 1, &dist);
				len = len > 1 ? len : 0; /* step 1: a literal */
				emit(src, i, len, dist, c, &w, ll, dc, &missing, mode);
				lits += len == 0;
				i += len ? len : 1;
			}
			b = (struct batch){ w, i, tokens, missing, lits };
		}
	}
	h->w = b.w;
	h->i = b.i;
	h->tokens = b.tokens;
	h->missing = b.missing;
	h->literals = b.literals;
}

#ifdef HAVE_AVX512_PARSE
/*
 * run_pair - both halves' long-token batches at once (long_pair()) as far as
 * each has ZIAA_MAX_MATCH + WIDE bytes left and room for every token; returns 0
 * if that is nowhere.
 */
static inline __attribute__((always_inline)) int run_pair(const uint8_t *src, struct half *h,
							   const struct coder *c, uint32_t *ll, uint32_t *dc,
							   const enum mode mode)
{
	struct chain ch[2];
	uint32_t end[2], lim[2], rounds;

	for (int k = 0; k < 2; k++) {
		uint32_t safe = h[k].end - h[k].i > ZIAA_MAX_MATCH + WIDE ? h[k].end - (ZIAA_MAX_MATCH + WIDE) : 0;

		lim[k] = h[k].built < safe ? h[k].built : safe;
		end[k] = h[k].end;
		if (h[k].i >= lim[k] ||
		    (mode != COUNT && h[k].w.cap - h[k].w.pos < (lim[k] - h[k].i) * TOKEN_ROOM + 2 * WIDE))
			return 0;
		ch[k] = (struct chain){ mode == COUNT ? NULL : h[k].w.dst + h[k].w.pos, h[k].w.acc, h[k].w.nacc,
					h[k].i, h[k].missing, h[k].table };
	}
	rounds = long_pair(src, end, lim, &ch[0], &ch[1], c, ll, dc, mode);
	for (int k = 0; k < 2; k++) {
		if (mode != COUNT) {
			h[k].w.pos = (uint32_t)(ch[k].p - h[k].w.dst);
			h[k].w.acc = ch[k].acc;
			h[k].w.nacc = ch[k].nacc;
		}
		h[k].i = ch[k].i;
		h[k].tokens += rounds;
		h[k].missing = ch[k].missing;
	}
	return 1;
}
#endif

/* join - append the bits of b (a half's writer) to w's. */
static void join(struct ziaa_model_bits *w, const struct ziaa_model_bits *b)
{
	w->overflow |= b->overflow;
	ziaa_model_bits_put_string(w, b->dst, (uint64_t)b->pos * 8);
	add(w, b->acc, b->nacc);
	drain(w);
}

/* The second half's bits, until they are joined to the first's: per thread, as
 * large as the largest max_dst_size seen, freed at thread exit. */
static __thread struct {
	uint8_t *p;
	uint32_t size;
} spill;
static pthread_key_t spill_key;
static int spill_keyed; /* written once, under spill_once */
static pthread_once_t spill_once = PTHREAD_ONCE_INIT;

static void spill_init(void)
{
	/* without a key a thread's room is freed only with the process */
	spill_keyed = pthread_key_create(&spill_key, free) == 0;
}

/* spill_room - at least size bytes of this thread's room, or NULL. */
static uint8_t *spill_room(uint32_t size)
{
	if (spill.size < size) {
		uint8_t *p = malloc(size);

		if (!p)
			return NULL;
		free(spill.p);
		spill.p = p;
		spill.size = size;
		pthread_once(&spill_once, spill_init);
		if (spill_keyed)
			(void)pthread_setspecific(spill_key, p);
	}
	return spill.p;
}

/*
 * parse - the greedy 4 KB-window parse of src[0..n): counts into hist (COUNT) or
 * codes into *out with c. Returns nonzero if a symbol had no code (CHECK only).
 *
 * A job of SPLIT_MIN bytes or more is parsed as two halves, each with its own
 * buckets; the second starts with the 4 KB before it indexed, so its matches
 * reach back as far as anywhere else. Coding, the second half's bits go to
 * per-thread room and are joined to the first's at the end. Where both halves
 * are in long-token batches (below) their tokens are parsed in one loop (with
 * AVX-512, long_pair()), each chain working while the other waits. The halves
 * are the same whatever the order they run in.
 *
 * Each half a batch at a time, in one of two ways, chosen from its batch before
 * (so the parse depends on the data alone, never on the CPU):
 * - short tokens (the first batch, and after a batch averaging under LONG_TOKEN
 *   bytes a token, LONG_STAY after a long-token batch): every position is
 *   searched and indexed ahead (search.c, 16 at a time with AVX-512; after a
 *   batch of over LITERAL_RUNS percent literals, its newer candidate alone),
 *   then the walk takes a token where the last one ended;
 * - long tokens: each token's start is searched alone and only part of a long
 *   match is indexed (step), as most of the batch is inside matches.
 * Inlined once per mode so each is compiled without the others' work.
 */
static inline __attribute__((always_inline)) int parse(const uint8_t *src, uint32_t n, const struct coder *c,
						       struct ziaa_model_bits *out, struct iaa_hw_histogram *hist,
						       bucket (*tables)[1u << HASH_BITS], uint32_t *slots, uint32_t *tok,
						       const enum mode mode)
{
	const int vector = ziaa_model_search_is_vector();
	/* COUNT: a literal counts into dc[IAA_D_SYMBOLS], which is dropped */
	uint32_t ll[IAA_LL_SYMBOLS], dc[IAA_D_SYMBOLS + 1];
	struct half h[2];
	uint32_t halves = n >= SPLIT_MIN ? 2 : 1, mid = halves == 2 ? n / 2 : n;
	/* where the second half's bits go: not yet (0), its own room (1), on from
	 * the first half's, which had finished (2) */
	int second = 0;

	if (mode == COUNT) {
		memset(ll, 0, sizeof(ll));
		memset(dc, 0, sizeof(dc));
	}
	for (uint32_t k = 0; k < halves; k++) {
		uint32_t lo = k ? mid : 0;

		h[k] = (struct half){ .table = tables[k], .i = lo, .start = lo, .built = lo, .end = k ? n : mid,
				      .tokens = BATCH };
		memset(tables[k], EMPTY_BYTE, sizeof(bucket) << HASH_BITS);
	}
	if (mode != COUNT)
		h[0].w = *out;
	if (halves == 2)
		index_span(src, n, mid - IAA_HISTORY_SIZE, mid, tables[1]);
	for (;;) {
		int on[2] = { 0, 0 };
		struct half *run;

		for (uint32_t k = 0; k < halves; k++) {
			on[k] = h[k].i < h[k].end;
			if (on[k] && h[k].i >= h[k].built)
				next_batch(&h[k]);
		}
		if (!on[0] && !on[1])
			break;
		if (on[1] && !second) {
			/* the second half starts once the first has finished, on in its
			 * writer; or early, into per-thread room, where the first half's
			 * batches have been mostly long tokens, which pair (not text, whose
			 * halves would only cost a join) */
			int early = on[0] && h[0].batches >= PAIR_AFTER && h[0].longs * PAIR_SHARE > h[0].batches;
			uint8_t *room = mode != COUNT && early ? spill_room(out->cap + 2 * WIDE) : NULL;

			second = !on[0] ? 2 : early && (mode == COUNT || room) ? 1 : 0;
			if (second == 0)
				on[1] = 0;
			else if (mode != COUNT)
				h[1].w = second == 1 ? (struct ziaa_model_bits){ room, out->cap, 0, 0, 0, 0 } : h[0].w;
		}
#ifdef HAVE_AVX512_PARSE
		if (vector && on[0] && on[1] && h[0].long_tokens && h[1].long_tokens && run_pair(src, h, c, ll, dc, mode))
			continue;
#endif
		/* a short-token batch first, so that the other half waits in long tokens */
		if (on[0] && (!h[0].long_tokens || !on[1]))
			run = &h[0];
		else if (on[1] && (!h[1].long_tokens || !on[0]))
			run = &h[1];
		else
			run = on[0] ? &h[0] : &h[1];
		run_batch(src, run, c, ll, dc, slots, tok, mode, vector);
	}
	if (mode == COUNT) {
		memcpy(hist->ll_count, ll, sizeof(ll));
		memcpy(hist->d_count, dc, sizeof(hist->d_count));
		return 0;
	}
	if (second == 1)
		join(&h[0].w, &h[1].w);
	*out = h[second == 2].w;
	return (h[0].missing | (halves == 2 ? h[1].missing : 0)) != 0;
}

/* Per-thread scratch: each half's hash buckets, one batch's search results, the
 * tables; its address taken once a job (ziaa_opaque()). */
struct scratch {
	bucket table[2][1u << HASH_BITS];
	uint32_t slots[BATCH];
	uint32_t tok[BATCH];
	struct coder coder;
};
static __thread struct scratch scratch;

void ziaa_model_lz77_stats(const uint8_t *src, uint32_t n, struct iaa_hw_histogram *hist)
{
	struct scratch *sc = ziaa_opaque(&scratch);

	memset(hist, 0, sizeof(*hist));
	parse(src, n, NULL, NULL, hist, sc->table, sc->slots, sc->tok, COUNT);
}

int ziaa_model_lz77_code(const uint8_t *src, uint32_t n, const struct iaa_hw_aecs_comp *tables,
			 struct ziaa_model_bits *w, int eob)
{
	struct scratch *sc = ziaa_opaque(&scratch);
	struct coder *c = &sc->coder;
	int missing;

	load_coder(c, tables->ll_code, tables->d_code);
	if (c->mode == CODE)
		missing = parse(src, n, c, w, NULL, sc->table, sc->slots, sc->tok, CODE);
	else
		missing = parse(src, n, c, w, NULL, sc->table, sc->slots, sc->tok, CHECK);
	if (eob) {
		add(w, c->eob & 0xffffff, c->eob >> 24);
		missing |= c->eob == 0;
		drain(w);
	}
	return missing;
}
