/* SPDX-License-Identifier: Zlib */
/*
 * iaa/huff.c - Huffman tables in the device format, and dynamic block headers
 *
 * RFC 1951 §3.2.2 (canonical codes), §3.2.6 (fixed codes), §3.2.7 (dynamic
 * headers). Device entries are len << 15 | code, code not bit-reversed (digest
 * §5.1); the device reverses bits when it emits them.
 */
#include "iaa/huff.h"

#include <string.h>

/* The order in which code-length code lengths are stored (RFC 1951 §3.2.7). */
static const uint8_t cl_order[ZIAA_CL_SYMBOLS] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
						   11, 4, 12, 3, 13, 2, 14, 1, 15 };

int ziaa_huff_lengths_valid(const uint8_t *len, unsigned n)
{
	uint32_t kraft = 0; /* in units of 2^-15 */

	for (unsigned i = 0; i < n; i++) {
		if (len[i] > ZIAA_MAX_CODE_LEN)
			return 0;
		if (len[i])
			kraft += 1u << (ZIAA_MAX_CODE_LEN - len[i]);
	}
	return kraft <= 1u << ZIAA_MAX_CODE_LEN;
}

int ziaa_huff_codes(const uint8_t *len, unsigned n, uint32_t *entries)
{
	unsigned count[ZIAA_MAX_CODE_LEN + 1] = { 0 }, next[ZIAA_MAX_CODE_LEN + 1];
	unsigned code = 0;

	if (!ziaa_huff_lengths_valid(len, n))
		return -1;
	for (unsigned i = 0; i < n; i++)
		count[len[i]]++;
	count[0] = 0;
	for (unsigned l = 1; l <= ZIAA_MAX_CODE_LEN; l++) {
		code = (code + count[l - 1]) << 1;
		next[l] = code;
	}
	for (unsigned i = 0; i < n; i++)
		entries[i] = len[i] ? (uint32_t)len[i] << IAA_CODE_LEN_SHIFT | next[len[i]]++ : 0;
	return 0;
}

struct item {
	uint32_t freq;
	uint16_t sym;
};

/* Insertion sort: n <= 288, and the order (frequency, then symbol) is stable. */
static void sort_items(struct item *it, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct item x = it[i];
		unsigned j = i;

		while (j > 0 && (it[j - 1].freq > x.freq ||
				 (it[j - 1].freq == x.freq && it[j - 1].sym > x.sym))) {
			it[j] = it[j - 1];
			j--;
		}
		it[j] = x;
	}
}

void ziaa_huff_lengths(const uint32_t *freq, unsigned n, unsigned max_len, int all_symbols,
		       uint8_t *len)
{
	struct item it[288];
	uint64_t weight[2 * 288];
	uint16_t parent[2 * 288], depth[2 * 288];
	unsigned count[64] = { 0 }, m = 0, leaf = 0, node, next;
	uint64_t kraft, full = (uint64_t)1 << max_len;

	for (unsigned i = 0; i < n; i++) {
		uint32_t f = freq[i] ? freq[i] : (all_symbols ? 1 : 0);

		len[i] = 0;
		if (f)
			it[m++] = (struct item){ f, (uint16_t)i };
	}
	if (m == 0)
		return;
	if (m == 1) {
		len[it[0].sym] = 1;
		return;
	}
	sort_items(it, m);

	/* Two-queue Huffman: leaves in order, internal nodes created in order. */
	for (unsigned i = 0; i < m; i++)
		weight[i] = it[i].freq;
	next = m;
	for (node = m; node < 2 * m - 1; node++) {
		unsigned pick[2];

		for (int k = 0; k < 2; k++) {
			if (leaf < m && (next >= node || weight[leaf] <= weight[next]))
				pick[k] = leaf++;
			else
				pick[k] = next++;
		}
		weight[node] = weight[pick[0]] + weight[pick[1]];
		parent[pick[0]] = parent[pick[1]] = (uint16_t)node;
	}
	depth[2 * m - 2] = 0;
	for (int i = (int)(2 * m) - 3; i >= 0; i--)
		depth[i] = (uint16_t)(depth[parent[i]] + 1);

	/* Limit the lengths: clamp to max_len, then restore the Kraft sum K (in units
	 * of 2^-max_len) to exactly 2^max_len. Moving a leaf from level l to l + 1 takes
	 * 2^(max_len - l - 1) off K, from level l to l - 1 adds 2^(max_len - l). */
	for (unsigned i = 0; i < m; i++)
		count[depth[i] > max_len ? max_len : depth[i]]++;
	kraft = 0;
	for (unsigned l = 1; l <= max_len; l++)
		kraft += (uint64_t)count[l] << (max_len - l);
	while (kraft > full) {
		unsigned l = max_len - 1;

		while (count[l] == 0)
			l--;
		count[l]--;
		count[l + 1]++;
		kraft -= (uint64_t)1 << (max_len - l - 1);
	}
	while (kraft < full) {
		unsigned l = max_len;

		while (l > 1 && (count[l] == 0 || kraft + ((uint64_t)1 << (max_len - l)) > full))
			l--;
		if (l <= 1)
			break;
		count[l]--;
		count[l - 1]++;
		kraft += (uint64_t)1 << (max_len - l);
	}
	/* Least frequent symbols get the longest codes. */
	for (unsigned l = max_len, i = 0; l > 0; l--)
		for (unsigned k = count[l]; k > 0; k--)
			len[it[i++].sym] = (uint8_t)l;
}

void ziaa_huff_fixed_ll_lengths(uint8_t len[ZIAA_FIXED_LL_SYMBOLS])
{
	for (unsigned i = 0; i < ZIAA_FIXED_LL_SYMBOLS; i++)
		len[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
}

void ziaa_huff_fixed(struct ziaa_huff_table *t)
{
	uint8_t ll[ZIAA_FIXED_LL_SYMBOLS];
	uint32_t code[ZIAA_FIXED_LL_SYMBOLS];

	ziaa_huff_fixed_ll_lengths(ll);
	memcpy(t->ll_len, ll, IAA_LL_SYMBOLS);
	memset(t->d_len, 5, sizeof(t->d_len));
	ziaa_huff_codes(ll, ZIAA_FIXED_LL_SYMBOLS, code);
	memcpy(t->ll_code, code, sizeof(t->ll_code));
	ziaa_huff_codes(t->d_len, IAA_D_SYMBOLS, t->d_code);
}

int ziaa_huff_from_lengths(struct ziaa_huff_table *t)
{
	if (ziaa_huff_codes(t->ll_len, IAA_LL_SYMBOLS, t->ll_code) != 0 ||
	    ziaa_huff_codes(t->d_len, IAA_D_SYMBOLS, t->d_code) != 0)
		return -1;
	return 0;
}

void ziaa_huff_from_histogram(struct ziaa_huff_table *t, const uint32_t *ll_freq,
			      const uint32_t *d_freq)
{
	ziaa_huff_lengths(ll_freq, IAA_LL_SYMBOLS, ZIAA_MAX_CODE_LEN, 1, t->ll_len);
	ziaa_huff_lengths(d_freq, IAA_D_SYMBOLS, ZIAA_MAX_CODE_LEN, 1, t->d_len);
	ziaa_huff_from_lengths(t);
}

/* ---- header writing ----------------------------------------------------------- */

static void put_bits(struct ziaa_huff_header *h, uint32_t value, unsigned n)
{
	for (unsigned i = 0; i < n; i++, h->bits++) {
		if ((h->bits & 7) == 0)
			h->bytes[h->bits >> 3] = 0;
		h->bytes[h->bits >> 3] |= (uint8_t)(((value >> i) & 1) << (h->bits & 7));
	}
}

/* A canonical code goes out most significant bit first. */
static void put_code(struct ziaa_huff_header *h, uint32_t entry)
{
	unsigned n = entry >> IAA_CODE_LEN_SHIFT;

	put_bits(h, ziaa_huff_reverse(entry & IAA_CODE_MASK, n), n);
}

struct rle {
	uint8_t sym;
	uint8_t extra;
};

/* Run-length code the lengths (RFC 1951 §3.2.7 symbols 16, 17, 18). */
static unsigned rle_lengths(const uint8_t *lens, unsigned total, struct rle *out)
{
	unsigned k = 0;

	for (unsigned i = 0; i < total;) {
		unsigned cur = lens[i], run = 1;

		while (i + run < total && lens[i + run] == cur)
			run++;
		i += run;
		if (cur == 0) {
			while (run >= 11) {
				unsigned r = run > 138 ? 138 : run;

				out[k++] = (struct rle){ 18, (uint8_t)(r - 11) };
				run -= r;
			}
			if (run >= 3) {
				out[k++] = (struct rle){ 17, (uint8_t)(run - 3) };
				run = 0;
			}
		} else {
			out[k++] = (struct rle){ (uint8_t)cur, 0 };
			run--;
			while (run >= 3) {
				unsigned r = run > 6 ? 6 : run;

				out[k++] = (struct rle){ 16, (uint8_t)(r - 3) };
				run -= r;
			}
		}
		while (run--)
			out[k++] = (struct rle){ (uint8_t)cur, 0 };
	}
	return k;
}

void ziaa_huff_write_header(const struct ziaa_huff_table *t, int bfinal, struct ziaa_huff_header *h)
{
	uint8_t lens[IAA_LL_SYMBOLS + IAA_D_SYMBOLS], cl_len[ZIAA_CL_SYMBOLS];
	uint32_t cl_freq[ZIAA_CL_SYMBOLS] = { 0 }, cl_code[ZIAA_CL_SYMBOLS];
	struct rle seq[IAA_LL_SYMBOLS + IAA_D_SYMBOLS];
	unsigned hlit = IAA_LL_SYMBOLS, hdist = IAA_D_SYMBOLS, hclen = ZIAA_CL_SYMBOLS, n;
	static const uint8_t extra_bits[3] = { 2, 3, 7 };

	while (hlit > 257 && t->ll_len[hlit - 1] == 0)
		hlit--;
	while (hdist > 1 && t->d_len[hdist - 1] == 0)
		hdist--;
	memcpy(lens, t->ll_len, hlit);
	memcpy(lens + hlit, t->d_len, hdist);
	n = rle_lengths(lens, hlit + hdist, seq);
	for (unsigned i = 0; i < n; i++)
		cl_freq[seq[i].sym]++;
	ziaa_huff_lengths(cl_freq, ZIAA_CL_SYMBOLS, ZIAA_MAX_CL_LEN, 0, cl_len);
	ziaa_huff_codes(cl_len, ZIAA_CL_SYMBOLS, cl_code);
	while (hclen > 4 && cl_len[cl_order[hclen - 1]] == 0)
		hclen--;

	h->bits = 0;
	put_bits(h, bfinal ? 1 : 0, 1);
	put_bits(h, 2, 2);
	put_bits(h, hlit - 257, 5);
	put_bits(h, hdist - 1, 5);
	put_bits(h, hclen - 4, 4);
	for (unsigned i = 0; i < hclen; i++)
		put_bits(h, cl_len[cl_order[i]], 3);
	for (unsigned i = 0; i < n; i++) {
		put_code(h, cl_code[seq[i].sym]);
		if (seq[i].sym >= 16)
			put_bits(h, seq[i].extra, extra_bits[seq[i].sym - 16]);
	}
}

/* ---- header parsing ----------------------------------------------------------- */

struct bitreader {
	const uint8_t *in;
	size_t len_bits;
	size_t pos; /* in bits */
};

/* n (at most 8) bits, LSB first; -1 if fewer remain. */
static int get_bits(struct bitreader *br, unsigned n, uint32_t *value)
{
	size_t byte = br->pos >> 3;
	unsigned shift = br->pos & 7;
	uint32_t v;

	if (br->pos + n > br->len_bits)
		return -1;
	if (!n) { /* the byte at pos may be past the input */
		*value = 0;
		return 0;
	}
	v = (uint32_t)br->in[byte] >> shift;
	if (shift + n > 8) /* the bits go on into the next byte, which exists */
		v |= (uint32_t)br->in[byte + 1] << (8 - shift);
	*value = v & ((1u << n) - 1);
	br->pos += n;
	return 0;
}

/* The code-length code as a table: for each ZIAA_MAX_CL_LEN bits that follow (LSB
 * first), the symbol whose code they start with << 3 | its length, or 0 where no
 * code starts so (an incomplete code). Built once a header. */
struct cl_canon {
	uint8_t sym_len[1u << ZIAA_MAX_CL_LEN];
};

static void cl_canon_init(struct cl_canon *c, const uint8_t *len, const uint32_t *code)
{
	memset(c->sym_len, 0, sizeof(c->sym_len));
	for (unsigned s = 0; s < ZIAA_CL_SYMBOLS; s++) {
		unsigned l = len[s];

		if (!l)
			continue;
		/* the code's bits as they arrive, then every continuation */
		for (unsigned k = ziaa_huff_reverse(code[s] & IAA_CODE_MASK, l); k < (1u << ZIAA_MAX_CL_LEN); k += 1u << l)
			c->sym_len[k] = (uint8_t)(s << 3 | l);
	}
}

/*
 * get_symbol - one symbol of the code-length code c, as reading it bit by bit
 * would give: -IAA_AE_HDR_TOO_BIG if the input ends before its code does,
 * -IAA_AE_UNDEF_CL_CODE for bits that start no code (known after the longest).
 */
static int get_symbol(struct bitreader *br, const struct cl_canon *c)
{
	size_t left = br->len_bits - br->pos;
	unsigned avail = left < ZIAA_MAX_CL_LEN ? (unsigned)left : ZIAA_MAX_CL_LEN, e;
	uint32_t bits;

	if (!avail || get_bits(br, avail, &bits) != 0)
		return -IAA_AE_HDR_TOO_BIG;
	br->pos -= avail; /* a peek */
	e = c->sym_len[bits]; /* bits past the end read as zeros */
	if (!e)
		return avail < ZIAA_MAX_CL_LEN ? -IAA_AE_HDR_TOO_BIG : -IAA_AE_UNDEF_CL_CODE;
	if ((e & 7) > avail)
		return -IAA_AE_HDR_TOO_BIG;
	br->pos += e & 7;
	return (int)(e >> 3);
}

int ziaa_huff_parse_header(const uint8_t *in, size_t len, struct ziaa_huff_table *t, int *bfinal)
{
	size_t bit = 0;
	int ret = ziaa_huff_parse_header_at(in, len * 8, &bit, t, bfinal);

	return ret < 0 ? ret : (int)bit;
}

int ziaa_huff_parse_header_at(const uint8_t *in, size_t len_bits, size_t *bit,
			      struct ziaa_huff_table *t, int *bfinal)
{
	struct bitreader br = { in, len_bits, *bit };
	uint8_t cl_len[ZIAA_CL_SYMBOLS] = { 0 }, lens[IAA_LL_SYMBOLS + IAA_D_SYMBOLS];
	uint32_t v, hlit, hdist, hclen, cl_code[ZIAA_CL_SYMBOLS];
	struct cl_canon cl;
	unsigned total, i = 0;

	if (get_bits(&br, 1, &v) != 0)
		return -IAA_AE_HDR_TOO_BIG;
	*bfinal = (int)v;
	if (get_bits(&br, 2, &v) != 0)
		return -IAA_AE_HDR_TOO_BIG;
	if (v != 2)
		return -IAA_AE_INVALID_BLOCK_TYPE;
	if (get_bits(&br, 5, &hlit) || get_bits(&br, 5, &hdist) || get_bits(&br, 4, &hclen))
		return -IAA_AE_HDR_TOO_BIG;
	hlit += 257;
	hdist += 1;
	hclen += 4;
	if (hlit > IAA_LL_SYMBOLS)
		return -IAA_AE_TOO_MANY_LL_CODES;
	if (hdist > IAA_D_SYMBOLS)
		return -IAA_AE_TOO_MANY_D_CODES;
	for (unsigned k = 0; k < hclen; k++) {
		if (get_bits(&br, 3, &v) != 0)
			return -IAA_AE_HDR_TOO_BIG;
		cl_len[cl_order[k]] = (uint8_t)v;
	}
	if (ziaa_huff_codes(cl_len, ZIAA_CL_SYMBOLS, cl_code) != 0)
		return -IAA_AE_BAD_CL_CODE_LEN;
	cl_canon_init(&cl, cl_len, cl_code);
	total = hlit + hdist;
	while (i < total) {
		int sym = get_symbol(&br, &cl);
		unsigned rep, val;

		if (sym < 0)
			return sym;
		if (sym < 16) {
			lens[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16 && i == 0)
			return -IAA_AE_FIRST_LL_CODE_16;
		if (sym == 16 && i == hlit)
			return -IAA_AE_FIRST_D_CODE_16;
		val = sym == 16 ? lens[i - 1] : 0;
		if (get_bits(&br, sym == 16 ? 2 : sym == 17 ? 3 : 7, &v) != 0)
			return -IAA_AE_HDR_TOO_BIG;
		rep = v + (sym == 18 ? 11 : 3);
		if (i + rep > total)
			return i < hlit ? -IAA_AE_WRONG_NUM_LL_CODES : -IAA_AE_WRONG_NUM_DIST_CODES;
		while (rep--)
			lens[i++] = (uint8_t)val;
	}
	memset(t->ll_len, 0, sizeof(t->ll_len));
	memset(t->d_len, 0, sizeof(t->d_len));
	memcpy(t->ll_len, lens, hlit);
	memcpy(t->d_len, lens + hlit, hdist);
	if (t->ll_len[256] == 0)
		return -IAA_AE_NO_LL_CODE;
	if (ziaa_huff_codes(t->ll_len, IAA_LL_SYMBOLS, t->ll_code) != 0)
		return -IAA_AE_BAD_LL_CODE_LEN;
	if (ziaa_huff_codes(t->d_len, IAA_D_SYMBOLS, t->d_code) != 0)
		return -IAA_AE_BAD_DIST_CODE_LEN;
	*bit = br.pos;
	return 0;
}
