/* SPDX-License-Identifier: Zlib */
/*
 * iaa/model/isal.c - the model's checksums through ISA-L
 *
 * ISA-L's CRC-32 and CRC-32C (carry-less multiply, some 20x our table-driven ones)
 * serve every job's checksums when Debian's libisal2 is installed. It is loaded
 * with dlopen() on first use, so neither the library nor the drop-in links it;
 * without it the portable CRCs (iaa/checksum.c) run. (ISA-L's isal_inflate once
 * decoded whole streams here; with hist_bits 12 it still accepts distances beyond
 * 4 KB, which the device refuses, so inflate.c does that now.)
 */
#include "iaa/model/model.h"

#include "iaa/checksum.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#if __has_include(<isa-l/crc.h>)
#include <isa-l/crc.h>

static struct {
	uint32_t (*crc)(uint32_t, const unsigned char *, uint64_t);
	unsigned int (*crc32c)(unsigned char *, int, unsigned int);
} isal;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *h = dlopen("libisal.so.2", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return;
	isal.crc32c = (unsigned int (*)(unsigned char *, int, unsigned int))dlsym(h, "crc32_iscsi");
	/* published last: a thread that sees it sees crc32c too */
	__atomic_store_n(&isal.crc, (uint32_t(*)(uint32_t, const unsigned char *, uint64_t))dlsym(h, "crc32_gzip_refl"),
			 __ATOMIC_RELEASE);
}

uint32_t ziaa_model_crc(uint32_t crc, const uint8_t *p, size_t n, int castagnoli)
{
	uint32_t (*fast)(uint32_t, const unsigned char *, uint64_t);

	pthread_once(&once, load);
	fast = __atomic_load_n(&isal.crc, __ATOMIC_ACQUIRE);
	if (!fast)
		return ziaa_crc32(crc, p, n, castagnoli);
	if (!castagnoli)
		return fast(crc, p, n);
	if (!isal.crc32c)
		return ziaa_crc32(crc, p, n, castagnoli);
	/* crc32_iscsi takes and returns the register without the inversions, and an
	 * int length: run it in pieces below 2 GB */
	crc = ~crc;
	while (n) {
		size_t k = n < (1u << 30) ? n : (1u << 30);

		crc = isal.crc32c((unsigned char *)(uintptr_t)p, (int)k, crc);
		p += k;
		n -= k;
	}
	return ~crc;
}

#else
uint32_t ziaa_model_crc(uint32_t crc, const uint8_t *p, size_t n, int castagnoli)
{
	return ziaa_crc32(crc, p, n, castagnoli);
}
#endif
