/* SPDX-License-Identifier: Zlib */
/*
 * iaa/huff.h - DEFLATE Huffman tables in the device's format (iaa/ only)
 *
 * A device table entry is len << 15 | code, with the canonical code NOT
 * bit-reversed (digest §5.1). Tables are built from code lengths (RFC 1951
 * §3.2.2), from histograms (length-limited to 15 bits, every symbol given a code
 * as the device requires), and written to or parsed from a dynamic block header.
 */
#ifndef ZIAA_IAA_HUFF_H
#define ZIAA_IAA_HUFF_H

#include <stddef.h>
#include <stdint.h>

#include "iaa/hw.h"

#define ZIAA_MAX_CODE_LEN 15
#define ZIAA_MAX_CL_LEN 7 /* code-length code */
#define ZIAA_CL_SYMBOLS 19
/* 3 + 5 + 5 + 4 header bits, 19 x 3 code-length code lengths, and at most 316
 * code lengths of at most 7 + 7 bits: 4480 bits. */
#define ZIAA_MAX_HEADER_BYTES 576

/* A literal/length + distance table, in lengths and in device entries. */
struct ziaa_huff_table {
	uint8_t ll_len[IAA_LL_SYMBOLS];
	uint8_t d_len[IAA_D_SYMBOLS];
	uint32_t ll_code[IAA_LL_SYMBOLS]; /* device entries */
	uint32_t d_code[IAA_D_SYMBOLS];
};

/* A dynamic block header as a bit string, LSB first (DEFLATE order). */
struct ziaa_huff_header {
	uint8_t bytes[ZIAA_MAX_HEADER_BYTES];
	unsigned bits;
};

/*
 * ziaa_huff_codes - canonical codes for n lengths (RFC 1951 §3.2.2) in device
 * format. Returns 0, or -1 when a length is over 15 or the lengths over-subscribe
 * the code space (entries untouched).
 */
int ziaa_huff_codes(const uint8_t *len, unsigned n, uint32_t *entries);

/*
 * ziaa_huff_lengths - length-limited Huffman code lengths for n symbols with
 * the given frequencies. With all_symbols, a zero frequency counts as 1 so that
 * every symbol gets a code; otherwise unused symbols get length 0 (a lone used
 * symbol gets length 1). The code is complete (Kraft sum 1) whenever two or more
 * symbols have codes. n <= 288, max_len <= 15.
 */
void ziaa_huff_lengths(const uint32_t *freq, unsigned n, unsigned max_len, int all_symbols,
		       uint8_t *len);

/* The fixed code's literal/length symbols (RFC 1951 §3.2.6): 286 and 287 are never
 * used, but their 8-bit codes come before every 9-bit code in canonical order. */
#define ZIAA_FIXED_LL_SYMBOLS 288

/* ziaa_huff_fixed_ll_lengths - the fixed code's 288 literal/length code lengths. */
void ziaa_huff_fixed_ll_lengths(uint8_t len[ZIAA_FIXED_LL_SYMBOLS]);

/* ziaa_huff_fixed - the RFC 1951 fixed table (288/32 lengths, 286/30 entries). */
void ziaa_huff_fixed(struct ziaa_huff_table *t);

/*
 * ziaa_huff_lengths_valid - n code lengths of at most 15 bits that do not
 * over-subscribe the code space (incomplete codes pass). 1 or 0.
 */
int ziaa_huff_lengths_valid(const uint8_t *len, unsigned n);

/*
 * ziaa_huff_from_histogram - a table for a literal/length and distance
 * histogram, every symbol coded (for the device: error 30 otherwise).
 */
void ziaa_huff_from_histogram(struct ziaa_huff_table *t, const uint32_t *ll_freq,
			      const uint32_t *d_freq);

/* ziaa_huff_from_lengths - fill t->*_code from t->*_len; -1 if invalid. */
int ziaa_huff_from_lengths(struct ziaa_huff_table *t);

/*
 * ziaa_huff_write_header - the dynamic block header for t: BFINAL, BTYPE=10,
 * HLIT/HDIST/HCLEN, code-length code, run-length coded lengths.
 */
void ziaa_huff_write_header(const struct ziaa_huff_table *t, int bfinal, struct ziaa_huff_header *h);

/*
 * ziaa_huff_parse_header - parse a dynamic block header at the start of in
 * (len bytes) into t. Returns the number of header bits (> 0), or the negative
 * of an enum iaa_analytics_error naming what is wrong, as the device reports it.
 * *bfinal receives the BFINAL bit.
 */
int ziaa_huff_parse_header(const uint8_t *in, size_t len, struct ziaa_huff_table *t, int *bfinal);

/*
 * ziaa_huff_parse_header_at - the same, for a header starting at bit *bit of an
 * input of len_bits bits; advances *bit past the header. Returns 0 or the negative
 * analytics error.
 */
int ziaa_huff_parse_header_at(const uint8_t *in, size_t len_bits, size_t *bit,
			      struct ziaa_huff_table *t, int *bfinal);

/* ziaa_huff_reverse - the low n (at most 16) bits of code in reverse order. */
static inline uint32_t ziaa_huff_reverse(uint32_t code, unsigned n)
{
	/* all 16 low bits reversed by halves, then the top n kept (n <= 16) */
	code = (code & 0x5555) << 1 | (code >> 1 & 0x5555);
	code = (code & 0x3333) << 2 | (code >> 2 & 0x3333);
	code = (code & 0x0f0f) << 4 | (code >> 4 & 0x0f0f);
	code = (code & 0x00ff) << 8 | (code >> 8 & 0x00ff);
	return code >> (16 - n);
}

#endif /* ZIAA_IAA_HUFF_H */
