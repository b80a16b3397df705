/* SPDX-License-Identifier: Zlib */
/*
 * iaa/checksum.h - the device's checksums over uncompressed data (iaa/ only)
 *
 * CRC-32 as zlib's crc32() (reflected 0xEDB88320, pre- and post-inverted), CRC-32C
 * when the descriptor selects it, and the 16-bit XOR of little-endian words with an
 * odd last byte zero-extended (digest §4).
 */
#ifndef ZIAA_IAA_CHECKSUM_H
#define ZIAA_IAA_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* ziaa_crc32 - continue crc (0 to start) over n bytes; castagnoli selects CRC-32C. */
uint32_t ziaa_crc32(uint32_t crc, const uint8_t *p, size_t n, int castagnoli);

/* ziaa_xor16 - continue the XOR checksum; odd tells whether an odd number of bytes
 * came before (the next byte is then the high half of a word). */
uint16_t ziaa_xor16(uint16_t x, const uint8_t *p, size_t n, size_t before);

#endif /* ZIAA_IAA_CHECKSUM_H */
