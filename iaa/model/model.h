/* SPDX-License-Identifier: Zlib */
/*
 * iaa/model/model.h - the software device model's internal interface (iaa/model/ only)
 */
#ifndef ZIAA_MODEL_H
#define ZIAA_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "iaa/device.h"
#include "iaa/hw.h"

/*
 * ziaa_opaque - p, hidden from the optimiser. The model's per-thread scratch is
 * __thread; in a shared library each use of such an object's address may be
 * recomputed where it is needed, a __tls_get_addr call each time, even inside a
 * hot loop (ziaa_model_lz77_code had 43 such calls). Taken once through this, the
 * address is an ordinary value that stays in a register or on the stack.
 */
static inline void *ziaa_opaque(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

/* What an operation produced: copied into the completion record, status last. */
struct ziaa_model_result {
	uint8_t status;
	uint8_t error_code;
	uint32_t bytes_completed;
	uint32_t invalid_flags;
	uint32_t output_size;
	uint8_t output_bits;
	uint16_t xor_csum;
	uint32_t crc;
};

/* ---- fault injection (fault.c) ---- */

enum ziaa_fault_kind {
	ZIAA_FAULT_NONE,
	ZIAA_FAULT_PAGE_FAULT,
	ZIAA_FAULT_PAGE_FAULT_WRITE,
	ZIAA_FAULT_OVERFLOW,
	ZIAA_FAULT_ANALYTIC,
	ZIAA_FAULT_TIMEOUT,
	ZIAA_FAULT_BUSY,
	ZIAA_FAULT_GONE,
	ZIAA_FAULT_HANG,
	ZIAA_FAULT_KINDS,
};

#define ZIAA_FAULT_MAX_RULES 16

struct ziaa_fault_rule {
	enum ziaa_fault_kind kind;
	uint64_t at; /* the job number, or 0 for a probability */
	double p;
};

struct ziaa_faults {
	struct ziaa_fault_rule rule[ZIAA_FAULT_MAX_RULES];
	unsigned n;
	uint64_t seed;
	uint64_t jobs; /* submissions so far */
	int gone;
};

/* ziaa_fault_parse - read a ZLIB_IAA_FAULTS value (syntax in fault.c); 0 or -1. */
int ziaa_fault_parse(const char *spec, struct ziaa_faults *f);

/* ziaa_fault_next - count one submission and say which fault, if any, it gets. */
enum ziaa_fault_kind ziaa_fault_next(struct ziaa_faults *f);

const char *ziaa_fault_name(enum ziaa_fault_kind k);

/*
 * ziaa_model_open_with - a model device presenting the given version (0x100: IAA
 * 1.0; 0x200: IAA 2.0, which adds 1-pass header generation) with the given fault
 * spec (NULL: none). ziaa_model_open() takes both from the environment.
 */
struct ziaa_device *ziaa_model_open_with(const char *spec, unsigned version);

/*
 * ziaa_model_execute - validate and run one descriptor, then write its completion
 * record with the status byte last (a release store). max_transfer_size is the
 * queue's limit (status 0x13 beyond it); fault replaces the job's result with an
 * injected one. Synchronous; the device runs it on its worker thread.
 */
void ziaa_model_execute(const struct iaa_hw_desc *d, uint64_t max_transfer_size, unsigned version,
			enum ziaa_fault_kind fault);

/* An output bit stream: bits leave acc LSB first; nothing is written at or past cap,
 * and overflow says some bits did not fit. */
struct ziaa_model_bits {
	uint8_t *dst;
	uint32_t cap;
	uint32_t pos;
	uint64_t acc;
	unsigned nacc;
	int overflow;
};

/* ziaa_model_bits_put - append the low n (<= 56) bits of bits. */
void ziaa_model_bits_put(struct ziaa_model_bits *w, uint64_t bits, unsigned n);

/* ziaa_model_bits_put_string - append the first nbits of p (LSB first, as DEFLATE
 * orders bits), 8 bytes at a time while there is room. */
void ziaa_model_bits_put_string(struct ziaa_model_bits *w, const uint8_t *p, uint64_t nbits);

/*
 * ziaa_model_search - stage one of the parse (search.c): for each position k in
 * [k0, e) of src[0..n), look it up in its bucket of table (2^12 buckets of two
 * positions, lz77.h), push it, and write the bucket as it was to slots[k - k0] and
 * the token that would start there to tok[k - k0]: the better candidate's length
 * capped at 8 and its distance above bit 4, or 1 when neither gives 3 bytes
 * (tok_of() in lz77.h). Positions are taken in order; table carries over between
 * calls. newest: each position's newest candidate alone is measured (and slots
 * get it in both halves, seen() in lz77.h); the pushes are the same either way.
 * Uses AVX-512 where the CPU has it, with results identical to
 * ziaa_model_search_scalar(). ziaa_model_search_avx512() returns 0 and does nothing
 * on a CPU (or build) without it. Thread-safe: all state is the caller's.
 */
void ziaa_model_search(const uint8_t *src, uint32_t n, uint32_t k0, uint32_t e, uint32_t *table,
		       uint32_t *slots, uint32_t *tok, int newest);
void ziaa_model_search_scalar(const uint8_t *src, uint32_t n, uint32_t k0, uint32_t e, uint32_t *table,
			      uint32_t *slots, uint32_t *tok, int newest);
int ziaa_model_search_avx512(const uint8_t *src, uint32_t n, uint32_t k0, uint32_t e, uint32_t *table,
			     uint32_t *slots, uint32_t *tok, int newest);

/* ziaa_model_search_is_vector - whether ziaa_model_search() runs 16 positions at
 * once here (AVX-512); the parse searches only where tokens start when it does not,
 * with the same result. */
int ziaa_model_search_is_vector(void);

/* ziaa_model_search_force_portable - for tests: with on set, every thread's search
 * uses portable C from the next call on, whatever the CPU has. */
void ziaa_model_search_force_portable(int on);

/* ziaa_model_lz77_stats - the statistics-mode histogram of src (encode.c): the
 * same parse as ziaa_model_lz77_code, counted instead of coded; no EOB counted. */
void ziaa_model_lz77_stats(const uint8_t *src, uint32_t n, struct iaa_hw_histogram *hist);

/*
 * ziaa_model_lz77_code - parse src in the 4 KB window and append its tokens to w,
 * coded with the AECS's tables, then the EOB code if eob is set. Returns nonzero if
 * a symbol needed had no code (analytics error 30); w->overflow if max_dst_size was
 * too small. Lengths the table cannot code are shortened (see encode.c).
 */
int ziaa_model_lz77_code(const uint8_t *src, uint32_t n, const struct iaa_hw_aecs_comp *tables,
			 struct ziaa_model_bits *w, int eob);

/* ziaa_model_compress - COMPRESS after validation (compress.c). */
void ziaa_model_compress(const struct iaa_hw_desc *d, struct ziaa_model_result *r);

/* ziaa_model_crc - ziaa_crc32() (iaa/checksum.h), through ISA-L when it is loaded. */
uint32_t ziaa_model_crc(uint32_t crc, const uint8_t *p, size_t n, int castagnoli);

/*
 * ziaa_model_inflate_fast - decode a whole raw DEFLATE stream (to its final block,
 * distances within 4 KB) into out (inflate.c); fills output_size, bytes_completed,
 * crc and status. Returns -1 (nothing reported) whenever the careful decoder must
 * run instead: anything but a clean decode. Bytes of out past output_size, up to
 * cap, may be overwritten. Thread-safe (per-thread tables).
 */
int ziaa_model_inflate_fast(const uint8_t *in, uint32_t n, uint8_t *out, uint32_t cap,
			    struct ziaa_model_result *r);

/* ziaa_model_decompress - DECOMPRESS after validation (decompress.c). */
void ziaa_model_decompress(const struct iaa_hw_desc *d, struct ziaa_model_result *r);

#endif /* ZIAA_MODEL_H */
