/* SPDX-License-Identifier: Zlib */
/*
 * iaa/model/isal.c - the model's fast path: whole streams decoded by ISA-L
 *
 * A DECOMPRESS job that only asks "decode this raw DEFLATE stream to its final
 * block" (no AECS, no suppressed output, no ignored end bits, CRC-32) is what ISA-L's
 * isal_inflate() does, with hist_bits 12 holding it to the device's 4 KB history.
 * (The stateful call, not isal_inflate_stateless(): measured with libisal 2.30, the
 * stateless one accepts an 8 KB distance despite hist_bits 12; a test guards this.)
 * When ISA-L says anything but "done" (a distance beyond 4 KB, an output
 * overflow, a truncated or corrupt stream), the job reruns on the model's own
 * decoder, which reports the device's exact status and error code. ISA-L (Debian's
 * libisal2) is loaded with dlopen() on first use, so neither the library nor the
 * drop-in links it; without it every job takes the model's decoder.
 * ISA-L's CRC-32 and CRC-32C (carry-less multiply, some 20x our table-driven ones)
 * also serve every job's checksums when the library is there.
 */
#include "iaa/model/model.h"

#include "iaa/checksum.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#if __has_include(<isa-l/igzip_lib.h>)
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>

static struct {
	void (*init)(struct inflate_state *);
	int (*inflate)(struct inflate_state *);
	uint32_t (*crc)(uint32_t, const unsigned char *, uint64_t);
	unsigned int (*crc32c)(unsigned char *, int, unsigned int);
} isal;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	void *h = dlopen("libisal.so.2", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return;
	isal.init = (void (*)(struct inflate_state *))dlsym(h, "isal_inflate_init");
	isal.crc32c = (unsigned int (*)(unsigned char *, int, unsigned int))dlsym(h, "crc32_iscsi");
	__atomic_store_n(&isal.crc, (uint32_t(*)(uint32_t, const unsigned char *, uint64_t))dlsym(h, "crc32_gzip_refl"),
			 __ATOMIC_RELEASE);
	/* published last: a thread that sees it sees the others */
	__atomic_store_n(&isal.inflate,
			 isal.init && isal.crc ? (int (*)(struct inflate_state *))dlsym(h, "isal_inflate")
					       : NULL,
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

int ziaa_model_inflate_fast(const uint8_t *in, uint32_t n, uint8_t *out, uint32_t cap,
			    struct ziaa_model_result *r)
{
	static __thread struct inflate_state st;
	int (*inflate)(struct inflate_state *);
	uint64_t end_bits;

	pthread_once(&once, load);
	inflate = __atomic_load_n(&isal.inflate, __ATOMIC_ACQUIRE);
	if (!inflate || !n)
		return -1;
	isal.init(&st);
	st.next_in = (uint8_t *)(uintptr_t)in;
	st.avail_in = n;
	st.next_out = out;
	st.avail_out = cap;
	st.crc_flag = ISAL_DEFLATE;
	st.hist_bits = 12; /* the device's 4 KB history: longer distances fail */
	if (inflate(&st) != ISAL_DECOMP_OK || st.block_state != ISAL_BLOCK_FINISH)
		return -1;
	/* where the final block ended: bytes read, less the bits ISA-L buffered */
	end_bits = (uint64_t)(n - st.avail_in) * 8 - (uint64_t)st.read_in_length;
	r->bytes_completed = (uint32_t)((end_bits + 7) / 8);
	r->output_size = st.total_out;
	r->crc = isal.crc(0, out, st.total_out);
	r->status = IAA_ST_SUCCESS;
	return 0;
}
#else
uint32_t ziaa_model_crc(uint32_t crc, const uint8_t *p, size_t n, int castagnoli)
{
	return ziaa_crc32(crc, p, n, castagnoli);
}

int ziaa_model_inflate_fast(const uint8_t *in, uint32_t n, uint8_t *out, uint32_t cap,
			    struct ziaa_model_result *r)
{
	(void)in;
	(void)n;
	(void)out;
	(void)cap;
	(void)r;
	return -1;
}
#endif
