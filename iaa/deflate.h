/* SPDX-License-Identifier: Zlib */
/*
 * iaa/deflate.h - RFC 1951 constants shared by the model's coder and decoder (iaa/ only)
 */
#ifndef ZIAA_IAA_DEFLATE_H
#define ZIAA_IAA_DEFLATE_H

#include <stdint.h>

#define ZIAA_MIN_MATCH 3
#define ZIAA_MAX_MATCH 258

/* RFC 1951 §3.2.5: base and extra bits of length symbols 257-285 and distance
 * symbols 0-29. */
extern const uint16_t ziaa_len_base[29];
extern const uint8_t ziaa_len_extra[29];
extern const uint16_t ziaa_dist_base[30];
extern const uint8_t ziaa_dist_extra[30];

#endif /* ZIAA_IAA_DEFLATE_H */
