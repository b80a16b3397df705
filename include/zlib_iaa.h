/* SPDX-License-Identifier: Zlib */
/*
 * zlib_iaa.h - public extensions of libz-iaa on top of the zlib API
 *
 * libz-iaa exports the complete zlib ABI; this header adds the few calls that only
 * libz-iaa has. Every extension is named zlib_iaa_* and lives in the ZLIB_IAA_1.0
 * symbol version, so a program can test for it with dlsym() when it may run on a
 * plain zlib.
 */
#ifndef ZLIB_IAA_H
#define ZLIB_IAA_H

#include <stddef.h>
#include <zlib.h>

#define ZLIB_IAA_VERSION "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * zlib_iaa_mode - the effective ZLIB_IAA_MODE of this process
 *
 * Returns "auto", "off" or "emulate": the value read once from the environment
 * (an unknown value reads as "off"). The string is static; thread-safe.
 */
const char *zlib_iaa_mode(void);

/*
 * zlib_iaa_stats - this process's offload statistics as one JSON object
 *
 * Writes the same object that ZLIB_IAA_STATS=<path> appends at exit (no newline)
 * into buf, truncated to size - 1 bytes and always NUL-terminated when size > 0.
 * Returns the length of the whole object, as snprintf() does, so a caller can
 * size its buffer with zlib_iaa_stats(NULL, 0) + 1. Streams still open count in
 * "streams" but their bytes count only once they end or reset. Thread-safe.
 */
int zlib_iaa_stats(char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* ZLIB_IAA_H */
