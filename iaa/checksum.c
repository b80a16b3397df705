/* SPDX-License-Identifier: Zlib */
/*
 * iaa/checksum.c - CRC-32/CRC-32C and the XOR checksum, table-driven
 */
#include "iaa/checksum.h"

#include <pthread.h>
#include <string.h>

static uint32_t tables[2][8][256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Slicing-by-8 tables for both reflected polynomials. */
static void build(void)
{
	static const uint32_t poly[2] = { 0xedb88320u, 0x82f63b78u };

	for (int t = 0; t < 2; t++) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? (c >> 1) ^ poly[t] : c >> 1;
			tables[t][0][i] = c;
		}
		for (int s = 1; s < 8; s++)
			for (int i = 0; i < 256; i++)
				tables[t][s][i] = (tables[t][s - 1][i] >> 8) ^
						  tables[t][0][tables[t][s - 1][i] & 0xff];
	}
}

uint32_t ziaa_crc32(uint32_t crc, const uint8_t *p, size_t n, int castagnoli)
{
	const uint32_t(*t)[256];

	pthread_once(&once, build);
	t = tables[castagnoli ? 1 : 0];
	crc = ~crc;
	while (n >= 8) {
		uint32_t a = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				    (uint32_t)p[3] << 24);
		crc = t[7][a & 0xff] ^ t[6][(a >> 8) & 0xff] ^ t[5][(a >> 16) & 0xff] ^
		      t[4][a >> 24] ^ t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
		p += 8;
		n -= 8;
	}
	while (n--)
		crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xff];
	return ~crc;
}

uint16_t ziaa_xor16(uint16_t x, const uint8_t *p, size_t n, size_t before)
{
	/* four words a round, into four sums: a COMPRESS job's checksum had cost
	 * some 6% of its coding on Silesia nci */
	uint64_t a[4] = { 0, 0, 0, 0 }, acc;
	size_t i = 0;

	/* align to a word boundary of the stream, then XOR 8 bytes (4 words) at a time */
	if (before & 1 && n) {
		x ^= (uint16_t)(p[0] << 8);
		i = 1;
	}
	for (; i + 32 <= n; i += 32) {
		for (int k = 0; k < 4; k++) {
			uint64_t w;

			memcpy(&w, p + i + 8 * k, 8);
			a[k] ^= w;
		}
	}
	acc = a[0] ^ a[1] ^ a[2] ^ a[3];
	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		acc ^= w;
	}
	x ^= (uint16_t)(acc ^ acc >> 16 ^ acc >> 32 ^ acc >> 48);
	for (; i < n; i++)
		x ^= (uint16_t)(p[i] << (((before + i) & 1) ? 8 : 0));
	return x;
}
