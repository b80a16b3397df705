/* SPDX-License-Identifier: Zlib */
/*
 * iaa/model/inflate.c - the model's fast path: a whole raw DEFLATE stream decoded
 * at once, held to the device's 4 KB window
 *
 * A DECOMPRESS job that only asks "decode this stream to its final block" (no AECS,
 * no suppressed output, no ignored end bits, CRC-32) needs none of the careful
 * decoder's state (decompress.c: history ring, token restarts, AECS). This decoder
 * serves exactly the clean case: the moment anything is unusual (a distance beyond
 * 4 KB or before the output's start, a code the tables do not hold, a bad header
 * or stored length, the output full, the input ending first) it gives up, and the
 * job reruns on the careful decoder, which reports the device's exact status.
 * fuzz_model_decompress and test_model_corrupt hold the two to the same results.
 *
 * Speed: a 64-bit bit buffer refilled 8 bytes at a time; table lookups that give
 * one or two literals, or a length or distance with the count of its extra bits,
 * in one entry (a 12-bit or 9-bit first level, a second level for longer codes);
 * each next code's entry looked up before the refill (fast() below); matches
 * copied 8 bytes at a time when they do not overlap within a word.
 */
#include "iaa/model/model.h"

#include <pthread.h>
#include <string.h>

#include "iaa/deflate.h"
#include "iaa/huff.h"

/* Tunable: first-level table bits. More cost a larger table to build per dynamic
 * block; fewer send more codes to the second level. */
#define LL_BITS 12
#define D_BITS 9
#define LL_SUB (15 - LL_BITS) /* second-level bits: every code fits */
#define D_SUB (15 - D_BITS)

/* An entry: the bits it consumes (bits 0-5: the code, and a length's or
 * distance's extra bits after it), the count of extra bits (6-9), value (10-25: a
 * literal, a length or distance base, a second-level offset), kind (28-31; a
 * literal's has the sign bit, the test in the hot loop). */
enum kind { BAD, LEN = 2, END = 3, SUB = 4, LIT = 8 };

#define ENTRY(kind, value, extra, len) \
	((uint32_t)(kind) << 28 | (uint32_t)(value) << 10 | (uint32_t)(extra) << 6 | (uint32_t)(len))
#define KIND(e) ((e) >> 28)
#define VALUE(e) ((e) >> 10 & 0xffff)
#define EXTRA(e) ((e) >> 6 & 0xf)
#define USED(e) ((e)&0x3f)
#define IS_LIT(e) ((int32_t)(e) < 0)
/* A first-level literal entry may hold two literals: the second in bits 18-25,
 * bit 26 set, the code length the sum of both. */
#define PAIR (1u << 26)

#define LL_ENTRIES ((1u << LL_BITS) + IAA_LL_SYMBOLS * (1u << LL_SUB))
#define D_ENTRIES ((1u << D_BITS) + IAA_D_SYMBOLS * (1u << D_SUB))

struct tables {
	uint32_t ll[LL_ENTRIES];
	uint32_t d[D_ENTRIES];
	/* a dynamic block's literal/length code, for pairing later */
	uint8_t ll_len[IAA_LL_SYMBOLS];
	uint32_t ll_code[IAA_LL_SYMBOLS];
};

/* What symbol s of a literal/length (ll) or distance code decodes to. */
static uint32_t meaning(int ll, unsigned s)
{
	if (!ll)
		return s < 30 ? ENTRY(LEN, ziaa_dist_base[s], ziaa_dist_extra[s], 0) : 0;
	if (s < 256)
		return ENTRY(LIT, s, 0, 0);
	if (s == 256)
		return ENTRY(END, 0, 0, 0);
	if (s < 286)
		return ENTRY(LEN, ziaa_len_base[s - 257], ziaa_len_extra[s - 257], 0);
	return 0; /* 286 and 287: no meaning */
}

/*
 * build - the two-level table for code lengths len[0..n) and their canonical
 * codes (ziaa_huff_codes(), which has refused over-subscribed lengths). An
 * incomplete code is kept; its unused codes are BAD entries, which make the
 * decoder give up if the data uses one.
 *
 * The first level grows with the code lengths: once every code of l bits or
 * fewer is in its first 2^l entries, a copy of them onto the next 2^l makes a
 * table for l + 1 bits, where the codes of l + 1 bits then go, one entry each.
 * That is 2^bits entries copied (a memcpy) in place of every entry stored one by
 * one, which on zlib's streams (a new table every 16K symbols) was 2-4% of the
 * decoding time.
 */
static void build(uint32_t *t, unsigned bits, unsigned sub, const uint8_t *len, const uint32_t *codes,
		  unsigned n, int ll)
{
	uint16_t order[ZIAA_FIXED_LL_SYMBOLS]; /* the symbols by code length */
	unsigned count[16] = { 0 }, at[16], used = 0, size = 1, k;

	for (unsigned s = 0; s < n; s++)
		count[len[s]]++;
	at[1] = 0;
	for (unsigned l = 1; l < 15; l++)
		at[l + 1] = at[l] + count[l];
	for (unsigned s = 0; s < n; s++)
		if (len[s])
			order[at[len[s]]++] = (uint16_t)s;
	t[0] = 0;
	k = 0;
	for (unsigned l = 1; l <= 15; l++) {
		unsigned end = k + count[l];

		if (l <= bits) {
			memcpy(t + size, t, sizeof(uint32_t) * size);
			size *= 2;
		}
		for (; k < end; k++) {
			unsigned s = order[k], r = ziaa_huff_reverse(codes[s] & IAA_CODE_MASK, l), p, off, step;
			uint32_t e = meaning(ll, s);

			e = e ? e | (l + EXTRA(e)) : 0; /* a length's or distance's extra bits too */
			if (l <= bits) {
				t[r] = e;
				continue;
			}
			/* a second-level table per first-level prefix, of sub bits: every code fits */
			p = r & ((1u << bits) - 1);
			if (KIND(t[p]) != SUB) {
				off = (1u << bits) + used++ * (1u << sub);
				t[p] = ENTRY(SUB, off - (1u << bits), 0, 0);
				memset(t + off, 0, sizeof(uint32_t) << sub);
			}
			off = (1u << bits) + VALUE(t[p]);
			for (step = r >> bits; step < 1u << sub; step += 1u << (l - bits))
				t[off + step] = e;
		}
	}
}

/*
 * pair_literals - where a first-level literal's code leaves room for a whole
 * second literal code in the LL_BITS looked up, make the entry give both: half
 * the lookups on the chain for runs of literals with short codes. len: the code
 * lengths of the literal/length symbols t was built from, codes their canonical
 * codes (ziaa_huff_codes()). By symbol: each
 * literal's entries (its code, then every k above it) take the k-th entry as it
 * was before pairing, so the work goes with the literals' share of the table.
 */
static void pair_literals(uint32_t *t, const uint8_t *len, const uint32_t *codes)
{
	static const unsigned most = 1u << (LL_BITS - 1);
	uint32_t before[1u << (LL_BITS - 1)];
	unsigned shortest = 16;

	for (unsigned s = 0; s < 256; s++)
		if (len[s] && len[s] < shortest)
			shortest = len[s];
	if (shortest >= LL_BITS)
		return;
	/* the second codes come from the entries below 2^(LL_BITS - shortest) */
	memcpy(before, t, sizeof(uint32_t) * (most >> (shortest - 1)));
	for (unsigned s = 0; s < 256; s++) {
		unsigned l = len[s], r = ziaa_huff_reverse(codes[s] & IAA_CODE_MASK, l);

		if (!l || l >= LL_BITS)
			continue;
		for (unsigned k = 0; k < 1u << (LL_BITS - l); k++) {
			uint32_t e2 = before[k], l2 = USED(e2);

			if (IS_LIT(e2) && l2 <= LL_BITS - l)
				t[r | k << l] = ENTRY(LIT, s | VALUE(e2) << 8, 0, l + l2) | PAIR;
		}
	}
}

/* Tunable: the share of literal lookups (by the code's own probabilities) that
 * must find a pair before a dynamic block's table gets its pairs, in 1/256ths.
 * Pairs cost a pass over the table each block; a 16K-symbol block (zlib's) whose
 * literals take 8-10 bits (Silesia mr) gains nothing from them, as two never fit
 * in 12 bits. */
#define PAIR_SHARE 32

/*
 * pairs_pay - whether pairing literals pays for the block whose literal/length
 * code lengths are len: the chance, each code taken with probability 2^-length,
 * that a literal's code leaves room in LL_BITS for the next, a literal, whole.
 */
static int pairs_pay(const uint8_t *len)
{
	/* mass[l]: the literals' probability with l-bit codes, in units of 2^-15;
	 * upto[l]: that of all literal codes of l bits or fewer */
	uint64_t mass[16] = { 0 }, upto[16] = { 0 }, share = 0;

	for (unsigned s = 0; s < 256; s++)
		if (len[s])
			mass[len[s]] += 1u << (15 - len[s]);
	for (unsigned l = 1; l < 16; l++)
		upto[l] = upto[l - 1] + mass[l];
	for (unsigned l = 1; l < LL_BITS; l++)
		share += mass[l] * upto[LL_BITS - l];
	/* share is in units of 2^-30 */
	return share >= (uint64_t)PAIR_SHARE << 22;
}

static struct tables fixed;
static pthread_once_t fixed_once = PTHREAD_ONCE_INIT;

static void build_fixed(void)
{
	uint8_t len[ZIAA_FIXED_LL_SYMBOLS];
	uint32_t codes[ZIAA_FIXED_LL_SYMBOLS];

	/* the fixed code's lengths always hold */
	ziaa_huff_fixed_ll_lengths(len);
	ziaa_huff_codes(len, ZIAA_FIXED_LL_SYMBOLS, codes);
	build(fixed.ll, LL_BITS, LL_SUB, len, codes, ZIAA_FIXED_LL_SYMBOLS, 1);
	pair_literals(fixed.ll, len, codes);
	memset(len, 5, IAA_D_SYMBOLS + 2);
	ziaa_huff_codes(len, IAA_D_SYMBOLS + 2, codes);
	build(fixed.d, D_BITS, D_SUB, len, codes, IAA_D_SYMBOLS + 2, 0);
}

/* The input: a 64-bit buffer of bits not yet used, LSB first. */
struct bitin {
	const uint8_t *p, *end;
	uint64_t buf;
	unsigned cnt;
	uint32_t virt; /* zero bytes added past the end */
};

/* At least 56 bits in the buffer from 8 readable input bytes. */
static inline void refill8(struct bitin *b)
{
	uint64_t v;

	memcpy(&v, b->p, sizeof(v));
	b->buf |= v << b->cnt;
	b->p += (63 - b->cnt) >> 3;
	b->cnt |= 56;
}

/* At least 56 bits in the buffer (zero bytes past the input's end). */
static inline void refill(struct bitin *b)
{
	if (__builtin_expect(b->end - b->p >= 8, 1)) {
		refill8(b);
		return;
	}
	while (b->cnt <= 56) {
		if (b->p < b->end)
			b->buf |= (uint64_t)*b->p++ << b->cnt;
		else
			b->virt++;
		b->cnt += 8;
	}
}

static inline uint32_t take(struct bitin *b, unsigned n)
{
	uint32_t v = (uint32_t)(b->buf & ((1ull << n) - 1));

	b->buf >>= n;
	b->cnt -= n;
	return v;
}

/* The reader's position in bits from the input's start. */
static inline size_t bitpos(const struct bitin *b, const uint8_t *in)
{
	return ((size_t)(b->p - in) + b->virt) * 8 - b->cnt;
}

/* Move the reader to bit pos of in (pos within the input). */
static void seek(struct bitin *b, const uint8_t *in, size_t pos)
{
	b->p = in + pos / 8;
	b->buf = 0;
	b->cnt = 0;
	b->virt = 0;
	refill(b);
	take(b, pos & 7);
}

/*
 * dynamic_header - a dynamic block's header at bit *pos, by the same parser the
 * careful decoder uses (iaa/huff.c, so both accept the same headers), into t's
 * tables; *pos moves past it. -1 for anything that parser refuses.
 */
static int dynamic_header(const uint8_t *in, uint32_t n, size_t *pos, struct tables *t, int *paired)
{
	struct ziaa_huff_table h;
	int bfinal;

	if (ziaa_huff_parse_header_at(in, (size_t)n * 8, pos, &h, &bfinal) != 0)
		return -1;
	/* the parser has the canonical codes (and refused lengths without them) */
	build(t->ll, LL_BITS, LL_SUB, h.ll_len, h.ll_code, IAA_LL_SYMBOLS, 1);
	build(t->d, D_BITS, D_SUB, h.d_len, h.d_code, IAA_D_SYMBOLS, 0);
	*paired = pairs_pay(h.ll_len);
	if (*paired) {
		pair_literals(t->ll, h.ll_len, h.ll_code);
	} else { /* kept for body(), which pairs a long block later */
		memcpy(t->ll_len, h.ll_len, sizeof(t->ll_len));
		memcpy(t->ll_code, h.ll_code, sizeof(t->ll_code));
	}
	return 0;
}

/* A match of len (at most 258) from dist (8 or more) back at d, with room for the
 * overrun: words, four of them without a test. */
static inline void copy_far(uint8_t *d, uint32_t dist, uint32_t len)
{
	const uint8_t *s = d - dist;
	uint8_t *e = d + len;
	uint64_t v;

	memcpy(&v, s, 8);
	memcpy(d, &v, 8);
	memcpy(&v, s + 8, 8);
	memcpy(d + 8, &v, 8);
	memcpy(&v, s + 16, 8);
	memcpy(d + 16, &v, 8);
	memcpy(&v, s + 24, 8);
	memcpy(d + 24, &v, 8);
	if (__builtin_expect(len > 32, 0)) {
		for (d += 32, s += 32; d < e; d += 8, s += 8) {
			memcpy(&v, s, 8);
			memcpy(d, &v, 8);
		}
	}
}

/* Room copy_far() and copy_match() need past a match for their word copies. */
#define COPY_SLACK 48

/* A match of len from dist back at o[pos]; the caller checked dist and room. Word
 * copies may write up to COPY_SLACK bytes past the match, inside cap. */
static inline void copy_match(uint8_t *o, uint32_t pos, uint32_t dist, uint32_t len, uint32_t cap)
{
	uint8_t *d = o + pos, *e = d + len;
	const uint8_t *s = d - dist;

	if (cap - pos < len + COPY_SLACK) {
		while (d < e)
			*d++ = *s++;
		return;
	}
	if (dist == 1) { /* a run of one byte: words of it */
		uint64_t v = 0x0101010101010101ull * *s;

		do {
			memcpy(d, &v, 8);
			d += 8;
		} while (d < e);
		return;
	}
	if (dist < 8) {
		/* a pattern of period dist: write its first step bytes (a multiple of
		 * dist, 8 or more) byte by byte, then copy words from step back */
		static const uint8_t steps[8] = { 0, 8, 8, 9, 8, 10, 12, 14 };

		dist = steps[dist];
		for (uint32_t k = 0; k < dist && d < e; k++)
			*d++ = *s++;
	}
	if (d < e)
		copy_far(d, dist, (uint32_t)(e - d));
}

/* Room the fast loop needs: a match and its word copies' overrun, or two literal
 * entries of two bytes each; input for three refills of 8 bytes. */
#define OUT_SLACK (ZIAA_MAX_MATCH + COPY_SLACK)
#define IN_SLACK 32

/* The entry for the next code, its bits not consumed (the buffer holds 15 at least). */
static inline uint32_t peek(const struct bitin *b, const uint32_t *t, unsigned bits, unsigned sub)
{
	uint32_t e = t[b->buf & ((1u << bits) - 1)];

	if (__builtin_expect(KIND(e) == SUB, 0))
		e = t[(1u << bits) + VALUE(e) + ((b->buf >> bits) & ((1u << sub) - 1))];
	return e;
}

/* The value of a length or distance entry e whose code is next in the buffer:
 * its base plus the extra bits that follow the code. */
static inline uint32_t value(const struct bitin *b, uint32_t e)
{
	return VALUE(e) + (uint32_t)((b->buf >> (USED(e) - EXTRA(e))) & ((1u << EXTRA(e)) - 1));
}

static inline void consume(struct bitin *b, uint32_t e)
{
	b->buf >>= USED(e);
	b->cnt -= USED(e);
}

/*
 * fast - tokens of a Huffman block into o at *pos while the output and the input
 * have room for any token without a test: 1 at its end-of-block, -1 to give up, 0
 * when the room runs out (the caller goes on token by token).
 *
 * Each next code's entry is looked up from the bits already in the buffer before
 * the refill that follows (the buffer then holds 15 bits at least), so the lookup
 * waits for the previous token's bits only, never for the refill's load.
 */
static inline int fast(struct bitin *b, const struct tables *t, uint8_t *o, uint32_t *pos, uint32_t cap)
{
	uint32_t n = *pos, e;

	if (cap - n < OUT_SLACK || b->end - b->p < IN_SLACK)
		return 0;
	refill8(b);
	e = peek(b, t->ll, LL_BITS, LL_SUB); /* at the loop's top: 56 bits, e not consumed */
	while (__builtin_expect(cap - n >= OUT_SLACK && b->end - b->p >= IN_SLACK, 1)) {
		uint32_t len, de, dist;

		if (IS_LIT(e)) {
			/* up to two entries (one or two literals each, 15 bits at most) per
			 * refill; a single literal's entry writes a second byte that the next
			 * token overwrites */
			uint16_t two = (uint16_t)VALUE(e);

			consume(b, e);
			memcpy(o + n, &two, 2);
			n += 1 + !!(e & PAIR);
			e = peek(b, t->ll, LL_BITS, LL_SUB);
			if (IS_LIT(e)) {
				two = (uint16_t)VALUE(e);
				consume(b, e);
				memcpy(o + n, &two, 2);
				n += 1 + !!(e & PAIR);
				e = peek(b, t->ll, LL_BITS, LL_SUB);
			}
			refill8(b);
			continue;
		}
		if (__builtin_expect(KIND(e) != LEN, 0)) {
			if (KIND(e) != END)
				return -1;
			consume(b, e);
			*pos = n;
			return 1;
		}
		/* length code and extra bits (20 at most), then the distance's entry */
		len = value(b, e);
		consume(b, e);
		de = peek(b, t->d, D_BITS, D_SUB);
		refill8(b);
		dist = value(b, de);
		consume(b, de);
		/* one test for a bad code, a distance too far and a match too long */
		if (__builtin_expect((KIND(de) != LEN) | (dist > IAA_HISTORY_SIZE) | (dist > n) | (len > cap - n), 0))
			return -1;
		e = peek(b, t->ll, LL_BITS, LL_SUB);
		refill8(b);
		if (__builtin_expect(dist >= 8, 1))
			copy_far(o + n, dist, len);
		else
			copy_match(o, n, dist, len, cap);
		n += len;
	}
	*pos = n;
	return 0;
}

/* Output after which a dynamic block's literal table gets its pairs even where
 * pairs_pay() said no: a block this long repays them. Tunable. */
#define PAIR_AFTER (128u << 10)

/*
 * body - the body of a Huffman block into o at *pos; 1 at its end-of-block, -1
 * to give up. paired: t's literal table has its pairs (else they are made once
 * PAIR_AFTER bytes are out).
 */
static int body(struct bitin *in, struct tables *t, int paired, uint8_t *o, uint32_t *pos, uint32_t cap)
{
	/* a local copy: byte stores to o could alias *in and force it to memory */
	struct bitin bits = *in, *b = &bits;
	uint32_t n, soft = paired || cap - *pos <= PAIR_AFTER ? cap : *pos + PAIR_AFTER;
	int r;

	for (;;) {
		uint32_t e, len, de, dist;

		r = fast(b, t, o, pos, soft);
		if (r) {
			*in = bits;
			return r;
		}
		if (soft != cap) { /* the block is long: pair its literals, go on */
			pair_literals(t->ll, t->ll_len, t->ll_code);
			soft = cap;
			continue;
		}
		/* one token with every test */
		n = *pos;
		refill(b);
		e = peek(b, t->ll, LL_BITS, LL_SUB);
		if (IS_LIT(e) || KIND(e) == END)
			consume(b, e);
		if (IS_LIT(e)) {
			if (cap - n < 1 + !!(e & PAIR))
				return -1;
			o[n++] = (uint8_t)VALUE(e);
			if (e & PAIR)
				o[n++] = (uint8_t)(VALUE(e) >> 8);
			*pos = n;
			continue;
		}
		if (KIND(e) == END) {
			*in = bits;
			return 1;
		}
		if (KIND(e) != LEN)
			return -1;
		len = value(b, e);
		consume(b, e);
		de = peek(b, t->d, D_BITS, D_SUB);
		if (KIND(de) != LEN)
			return -1;
		dist = value(b, de);
		consume(b, de);
		if (dist > IAA_HISTORY_SIZE || dist > n || len > cap - n)
			return -1;
		copy_match(o, n, dist, len, cap);
		*pos = n + len;
	}
}

int ziaa_model_inflate_fast(const uint8_t *in, uint32_t n, uint8_t *out, uint32_t cap,
			    struct ziaa_model_result *r)
{
	static __thread struct tables dyn_tls;
	struct tables *dyn = ziaa_opaque(&dyn_tls); /* see ziaa_opaque() */
	struct bitin b = { in, in + n, 0, 0, 0 };
	uint32_t pos = 0, final = 0;
	int paired = 0;
	uint64_t used;

	if (!n)
		return -1;
	pthread_once(&fixed_once, build_fixed);
	while (!final) {
		uint32_t type;
		size_t start = bitpos(&b, in);

		refill(&b);
		final = take(&b, 1);
		type = take(&b, 2);
		if (type == 0) {
			/* stored: to the byte boundary, then LEN, NLEN and the bytes, from p */
			uint32_t len;

			take(&b, b.cnt & 7);
			if (b.virt * 8 > b.cnt)
				return -1;
			b.p -= b.cnt / 8 - b.virt;
			b.buf = 0;
			b.cnt = 0;
			b.virt = 0;
			if (b.end - b.p < 4)
				return -1;
			len = (uint32_t)b.p[0] | (uint32_t)b.p[1] << 8;
			if ((len ^ ((uint32_t)b.p[2] | (uint32_t)b.p[3] << 8)) != 0xffff)
				return -1;
			b.p += 4;
			if ((uint32_t)(b.end - b.p) < len || cap - pos < len)
				return -1;
			memcpy(out + pos, b.p, len);
			b.p += len;
			pos += len;
			continue;
		}
		if (type == 3)
			return -1;
		if (type == 2) {
			if (dynamic_header(in, n, &start, dyn, &paired) != 0)
				return -1;
			seek(&b, in, start);
		}
		if (body(&b, type == 1 ? &fixed : dyn, type == 1 || paired, out, &pos, cap) != 1)
			return -1;
	}
	/* where the final block ended: bytes taken, less the bits still buffered */
	used = bitpos(&b, in);
	if (used > (uint64_t)n * 8)
		return -1;
	r->bytes_completed = (uint32_t)((used + 7) / 8);
	r->output_size = pos;
	r->crc = ziaa_model_crc(0, out, pos, 0);
	r->status = IAA_ST_SUCCESS;
	return 0;
}
