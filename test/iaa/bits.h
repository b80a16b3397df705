/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/bits.h - small bit-stream helpers shared by the iaa/ tests
 */
#ifndef ZIAA_TEST_BITS_H
#define ZIAA_TEST_BITS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

/* An LSB-first bit writer into a caller's buffer. */
struct tbits {
	uint8_t *p;
	size_t bits;
};

static inline void tbits_put(struct tbits *w, uint32_t value, unsigned n)
{
	for (unsigned i = 0; i < n; i++, w->bits++) {
		if ((w->bits & 7) == 0)
			w->p[w->bits >> 3] = 0;
		w->p[w->bits >> 3] |= (uint8_t)(((value >> i) & 1) << (w->bits & 7));
	}
}

/* Append nbits of src (LSB first) to w. */
static inline void tbits_append(struct tbits *w, const uint8_t *src, size_t nbits)
{
	for (size_t i = 0; i < nbits; i++)
		tbits_put(w, (src[i >> 3] >> (i & 7)) & 1, 1);
}

/* Raw-inflate src with the system zlib; returns bytes produced or -1 on error. */
static inline long tinflate_raw(const uint8_t *src, size_t n, uint8_t *dst, size_t cap)
{
	z_stream s;
	int ret;

	memset(&s, 0, sizeof(s));
	if (inflateInit2(&s, -15) != Z_OK)
		return -1;
	s.next_in = (Bytef *)src;
	s.avail_in = (uInt)n;
	s.next_out = dst;
	s.avail_out = (uInt)cap;
	ret = inflate(&s, Z_FINISH);
	inflateEnd(&s);
	return ret == Z_STREAM_END ? (long)s.total_out : -1;
}

/* tdeflate_raw - src as a raw DEFLATE stream by zlib (level, windowBits wbits,
 * strategy) in one call: its size, or -1 if it did not fit in cap. */
static inline long tdeflate_raw(const uint8_t *src, size_t n, uint8_t *dst, size_t cap, int level, int wbits,
				int strategy)
{
	z_stream s;
	int ret;

	memset(&s, 0, sizeof(s));
	if (deflateInit2(&s, level, Z_DEFLATED, -wbits, 8, strategy) != Z_OK)
		return -1;
	s.next_in = (Bytef *)(uintptr_t)src;
	s.avail_in = (uInt)n;
	s.next_out = dst;
	s.avail_out = (uInt)cap;
	ret = deflate(&s, Z_FINISH);
	deflateEnd(&s);
	return ret == Z_STREAM_END ? (long)s.total_out : -1;
}

/* tkraft - the Kraft sum of n code lengths, scaled by 2^15: 1 << 15 is complete. */
static inline uint32_t tkraft(const uint8_t *len, unsigned n)
{
	uint32_t k = 0;

	for (unsigned i = 0; i < n; i++)
		if (len[i])
			k += 1u << (15 - len[i]);
	return k;
}

#endif /* ZIAA_TEST_BITS_H */
