/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/model/test_model_compress.c - the model's COMPRESS and descriptor checks
 *
 * Every job goes through the real submission interface (ziaa_device_run on the
 * model device). Oracle: the system zlib inflates what the model produces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "golden_vectors.h"
#include "iaa/crec.h"
#include "iaa/deflate.h"
#include "iaa/huff.h"
#include "iaa/model/model.h"
#include "test/iaa/bits.h"
#include "test/iaa/model/jobs.h"

static struct ziaa_device *dev;
static struct iaa_hw_desc desc;
static struct iaa_hw_crec cr;
static struct iaa_hw_aecs_comp aecs[2];

static int setup(void **state)
{
	(void)state;
	dev = ziaa_device_acquire(ZIAA_BACKEND_MODEL);
	return dev ? 0 : -1;
}

static void load_table(const struct ziaa_huff_table *t, const uint8_t *accum, unsigned bits)
{
	memset(aecs, 0, sizeof(aecs));
	memcpy(aecs[0].ll_code, t->ll_code, sizeof(t->ll_code));
	memcpy(aecs[0].d_code, t->d_code, sizeof(t->d_code));
	if (bits)
		memcpy(aecs[0].out_accum, accum, (bits + 7) / 8);
	aecs[0].out_accum_bits = bits;
}

static int compress_job(const uint8_t *in, uint32_t n, uint8_t *out, uint32_t cap, uint16_t flags,
			uint32_t opflags)
{
	fill_desc(&desc, IAA_OP_COMPRESS, &cr, in, n, out, cap, flags, opflags, aecs, IAA_AECS_COMP_SIZE);
	return ziaa_device_run(dev, &desc, &cr, ZIAA_RUN_TIMEOUT_NS);
}

static uint8_t *sample(size_t n, int kind)
{
	uint8_t *p = malloc(n);
	uint32_t x = 7;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = kind == 0 ? (uint8_t)("compress the accelerator way "[i % 29] ^ (i / 5000))
		       : kind == 1 ? (uint8_t)(x >> 24) : (uint8_t)((i / 300) & 0xff);
	}
	return p;
}

static const uint32_t FINAL_ONE_SHOT = IAA_OPF_RD_SRC2_AECS;
#define EOB_FLUSH (IAA_COMP_FLAG_FLUSH_OUTPUT | IAA_END_PROC_EOB << IAA_COMP_FLAG_END_PROC_SHIFT)

static void test_model_fixed_mode_decodes(void **state)
{
	static const size_t sizes[] = { 1, 2, 100, 4095, 4096, 4097, 65536, 1 << 20 };
	struct ziaa_huff_table t;
	uint8_t header = 0x3; /* BFINAL 1, BTYPE 01 (digest §6.2) */

	(void)state;
	ziaa_huff_fixed(&t);
	for (int kind = 0; kind < 3; kind++) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			/* room for expansion, within the queue's 2 MiB transfer limit */
			uint32_t cap = (uint32_t)(2 * sizes[s] + 64 < (2u << 20) ? 2 * sizes[s] + 64 : 2u << 20);
			uint8_t *in = sample(sizes[s], kind), *out = malloc(cap);
			uint8_t *back = malloc(sizes[s]);

			load_table(&t, &header, 3);
			assert_int_equal(compress_job(in, (uint32_t)sizes[s], out, cap, EOB_FLUSH,
						      FINAL_ONE_SHOT), ZIAA_OK);
			assert_int_equal(tinflate_raw(out, cr.output_size, back, sizes[s]), (long)sizes[s]);
			assert_memory_equal(back, in, sizes[s]);
			assert_int_equal(cr.crc, crc32(0, in, (uInt)sizes[s]));
			assert_int_equal(cr.bytes_completed, sizes[s]);
			free(in);
			free(out);
			free(back);
		}
	}
}

/* Two passes as IAA 1.0 dynamic mode: statistics, then a table and its header. */
static void test_model_dynamic_two_pass_decodes(void **state)
{
	size_t n = 200000;
	uint8_t *in = sample(n, 0), *out = malloc(n + 1024), *back = malloc(n);
	struct iaa_hw_histogram hist;
	struct ziaa_huff_table t;
	struct ziaa_huff_header h;
	uLongf zlen = compressBound(n);
	uint8_t *z = malloc(zlen);

	(void)state;
	assert_int_equal(compress_job(in, (uint32_t)n, (uint8_t *)&hist, sizeof(hist),
				      IAA_COMP_FLAG_STATS_MODE, 0), ZIAA_OK);
	assert_int_equal(cr.output_size, sizeof(hist));
	ziaa_huff_from_histogram(&t, hist.ll_count, hist.d_count);
	ziaa_huff_write_header(&t, 1, &h);
	load_table(&t, h.bytes, h.bits);
	assert_int_equal(compress_job(in, (uint32_t)n, out, (uint32_t)(n + 1024), EOB_FLUSH,
				      FINAL_ONE_SHOT), ZIAA_OK);
	assert_int_equal(tinflate_raw(out, cr.output_size, back, n), (long)n);
	assert_memory_equal(back, in, n);
	/* against zlib level 1 at windowBits 12 (the device's window) */
	print_message("dynamic: model %u bytes, zlib -1 wbits 12 %ld bytes\n", cr.output_size,
		      tdeflate_raw(in, n, z, zlen, 1, 12, Z_DEFAULT_STRATEGY));
	free(in);
	free(out);
	free(back);
	free(z);
}

/* Canned: no header in the output; decodes behind the table's header. Also how
 * many of the published hardware outputs the model reproduces byte for byte. */
static void test_model_canned_against_golden(void **state)
{
	int exact = 0, tried = 0;

	(void)state;
	if (GOLDEN_MISSING)
		skip(); /* ../shared/vectors is not beside this checkout */
	for (int i = 0; i < GOLDEN_VECTORS; i++) {
		const struct golden_vector *v = &golden_vectors[i];
		const struct golden_table *g = &golden_tables[v->table];
		struct ziaa_huff_table t;
		uint8_t out[1024], stream[2048], back[1024];
		struct tbits w = { stream, 0 };
		int bfinal;

		if (strcmp(v->mode, "canned") != 0 || !v->hardware)
			continue;
		assert_true(ziaa_huff_parse_header(g->header, g->header_len, &t, &bfinal) > 0);
		load_table(&t, NULL, 0);
		if (compress_job(v->in, v->in_len, out, sizeof(out), EOB_FLUSH, FINAL_ONE_SHOT) != ZIAA_OK)
			fail_msg("%s: status 0x%02x error %u", v->id, cr.status, cr.error_code);
		tbits_append(&w, g->header, g->header_bits);
		tbits_append(&w, out, (size_t)cr.output_size * 8);
		assert_int_equal(tinflate_raw(stream, (w.bits + 7) / 8, back, sizeof(back)), (long)v->in_len);
		assert_memory_equal(back, v->in, v->in_len);
		tried++;
		if (cr.output_size == v->out_len && memcmp(out, v->out, v->out_len) == 0)
			exact++;
		print_message("%s: model %u bytes, hardware %u bytes, %s\n", v->id, cr.output_size,
			      v->out_len, cr.output_size == v->out_len && !memcmp(out, v->out, v->out_len)
					      ? "identical" : "different parse");
	}
	assert_int_equal(tried, 4);
	print_message("canned vectors reproduced byte for byte: %d of %d\n", exact, tried);
	/* both RFC-sentence outputs (2023 and 2024 tables): a matcher change that loses
	 * them moves the model away from the hardware */
	assert_true(exact >= 2);
}

/* IAA 2.0's 1-pass header generation (HEADER_GEN 3, as the kernel's dynamic mode
 * sends it: no AECS): the output decodes on its own; how many of the published
 * hardware dynamic outputs the model reproduces. On an IAA 1.0 model the same
 * descriptor is refused (0x30). */
static void test_model_header_generation_against_golden(void **state)
{
	struct ziaa_device *v2 = ziaa_model_open_with(NULL, 0x200);
	uint16_t flags = EOB_FLUSH | IAA_HDR_GEN_1PASS_FINAL << IAA_COMP_FLAG_HDR_GEN_SHIFT;
	int exact = 0, tried = 0;

	(void)state;
	if (GOLDEN_MISSING)
		skip(); /* ../shared/vectors is not beside this checkout */
	assert_non_null(v2);
	for (int i = 0; i < GOLDEN_VECTORS; i++) {
		const struct golden_vector *v = &golden_vectors[i];
		uint8_t out[1024], back[1024];

		if (strcmp(v->mode, "dynamic") != 0 || !v->hardware)
			continue;
		fill_desc(&desc, IAA_OP_COMPRESS, &cr, v->in, v->in_len, out, sizeof(out), flags, 0, NULL, 0);
		assert_int_equal(ziaa_device_run(v2, &desc, &cr, ZIAA_RUN_TIMEOUT_NS), ZIAA_OK);
		assert_int_equal(tinflate_raw(out, cr.output_size, back, sizeof(back)), (long)v->in_len);
		assert_memory_equal(back, v->in, v->in_len);
		tried++;
		if (cr.output_size == v->out_len && memcmp(out, v->out, v->out_len) == 0)
			exact++;
		print_message("%s: model %u bytes, hardware %u bytes, %s\n", v->id, cr.output_size, v->out_len,
			      cr.output_size == v->out_len && !memcmp(out, v->out, v->out_len) ? "identical"
												: "different");
		/* IAA 1.0 has no header generation */
		assert_int_equal(ziaa_device_run(dev, &desc, &cr, ZIAA_RUN_TIMEOUT_NS), ZIAA_ERR_INVALID);
		assert_int_equal(cr.status, IAA_ST_INVALID_OP_FLAGS);
	}
	assert_int_equal(tried, 2);
	print_message("dynamic vectors reproduced byte for byte: %d of %d\n", exact, tried);
	/* 2-pass generation (6) is not modelled, and generation does not mix with statistics */
	fill_desc(&desc, IAA_OP_COMPRESS, &cr, golden_vectors[0].in, 70, (uint8_t[256]){ 0 }, 256,
		  EOB_FLUSH | 6u << IAA_COMP_FLAG_HDR_GEN_SHIFT, 0, NULL, 0);
	assert_int_equal(ziaa_device_run(v2, &desc, &cr, ZIAA_RUN_TIMEOUT_NS), ZIAA_ERR_INVALID);
	assert_int_equal(cr.status, IAA_ST_INVALID_OP_FLAGS);
	desc.op_flags = IAA_COMP_FLAG_STATS_MODE | IAA_HDR_GEN_1PASS << IAA_COMP_FLAG_HDR_GEN_SHIFT;
	assert_int_equal(ziaa_device_run(v2, &desc, &cr, ZIAA_RUN_TIMEOUT_NS), ZIAA_ERR_INVALID);
	assert_true(exact >= 1); /* the RFC sentence: same parse, same tree, same header */
	v2->ops->close(v2);
}

/* ZLIB_IAA_MODEL_VERSION picks the version the model presents. */
static void test_model_version_from_environment(void **state)
{
	static const struct {
		const char *value;
		unsigned version;
	} cases[] = { { NULL, 0x100 }, { "1", 0x100 }, { "2", 0x200 }, { "3", 0x100 }, { "", 0x100 } };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ziaa_device *m;

		if (cases[i].value)
			setenv("ZLIB_IAA_MODEL_VERSION", cases[i].value, 1);
		else
			unsetenv("ZLIB_IAA_MODEL_VERSION");
		m = ziaa_model_open();
		assert_non_null(m);
		assert_int_equal(m->version, cases[i].version);
		m->ops->close(m);
	}
	unsetenv("ZLIB_IAA_MODEL_VERSION");
}

/* Streaming: the open block's tail bits travel in the written AECS (toggle). */
static void test_model_two_jobs_through_the_aecs(void **state)
{
	size_t n = 30000;
	uint8_t *in = sample(n, 0), out[70000], back[30000];
	struct ziaa_huff_table t;
	uint8_t header = 0x2; /* BFINAL 0, BTYPE 01: the stream ends with a final stored block */
	uint32_t first;

	(void)state;
	ziaa_huff_fixed(&t);
	load_table(&t, &header, 3);
	/* job 1: read half 0, write half 1, no flush, nothing appended */
	assert_int_equal(compress_job(in, 10001, out, sizeof(out), 0,
				      IAA_OPF_RD_SRC2_AECS | IAA_OPF_WR_SRC2_ALWAYS), ZIAA_OK);
	first = cr.output_size;
	assert_true(aecs[1].out_accum_bits < 8);
	assert_int_equal(aecs[1].crc, crc32(0, in, 10001));
	/* job 2: read half 1 (toggle), EOB + final empty stored block, flush */
	assert_int_equal(compress_job(in + 10001, (uint32_t)(n - 10001), out + first,
				      (uint32_t)(sizeof(out) - first),
				      IAA_COMP_FLAG_FLUSH_OUTPUT |
					      IAA_END_PROC_EOB_FINAL << IAA_COMP_FLAG_END_PROC_SHIFT,
				      IAA_OPF_RD_SRC2_AECS | IAA_OPF_AECS_RW_TOGGLE), ZIAA_OK);
	assert_int_equal(cr.crc, crc32(0, in, (uInt)n)); /* seeded from the AECS */
	assert_int_equal(cr.output_bits, 0);             /* a stored block ends aligned */
	assert_memory_equal(out + first + cr.output_size - 4, "\x00\x00\xff\xff", 4);
	assert_int_equal(tinflate_raw(out, first + cr.output_size, back, n), (long)n);
	assert_memory_equal(back, in, n);
	free(in);
}

static void test_model_overflow_and_missing_codes(void **state)
{
	uint8_t *in = sample(10000, 1), out[100];
	struct ziaa_huff_table t;
	uint8_t header = 0x3, run[600];
	int bfinal;

	(void)state;
	ziaa_huff_fixed(&t);
	load_table(&t, &header, 3);
	assert_int_equal(compress_job(in, 10000, out, sizeof(out), EOB_FLUSH, FINAL_ONE_SHOT),
			 ZIAA_ERR_OVERFLOW);
	assert_int_equal(cr.status, IAA_ST_ANALYTICS_ERROR);
	assert_int_equal(cr.error_code, IAA_AE_UNRECOVERABLE_OUTPUT_OVERFLOW);
	memset(run, 'a', sizeof(run));
	/* the 2023 canned table codes no length above 34: long runs are cut to fit
	 * (that table comes from ../shared/vectors, when it is beside this checkout) */
	if (!GOLDEN_MISSING) {
		assert_true(ziaa_huff_parse_header(golden_tables[0].header, golden_tables[0].header_len, &t,
						   &bfinal) > 0);
		load_table(&t, NULL, 0);
		assert_int_equal(compress_job(run, sizeof(run), out, sizeof(out), EOB_FLUSH, FINAL_ONE_SHOT),
				 ZIAA_OK);
	}
	/* a literal without a code: error 30 */
	ziaa_huff_fixed(&t);
	t.ll_code['a'] = 0;
	load_table(&t, &header, 3);
	assert_int_equal(compress_job(run, sizeof(run), out, sizeof(out), EOB_FLUSH, FINAL_ONE_SHOT),
			 ZIAA_ERR_DATA);
	assert_int_equal(cr.error_code, IAA_AE_INVALID_HUFFMAN_CODE);
	free(in);
}

/* Every max_dst_size around the size needed: below it, error 0x19; at or above
 * it, the same bytes; never a byte written at or past max_dst_size. */
static void test_model_output_limit_is_exact(void **state)
{
	uint8_t *in = sample(3000, 0), out[4096], first[4096];
	struct ziaa_huff_table t;
	uint8_t header = 0x3;
	uint32_t need;

	(void)state;
	ziaa_huff_fixed(&t);
	load_table(&t, &header, 3);
	assert_int_equal(compress_job(in, 3000, first, sizeof(first), EOB_FLUSH, FINAL_ONE_SHOT), ZIAA_OK);
	need = cr.output_size;
	assert_true(need > 40 && need < sizeof(out) - 64);
	for (uint32_t cap = 0; cap <= need + 40; cap = cap + 1 == 24 ? need - 24 : cap + 1) {
		memset(out, 0xa5, sizeof(out));
		if (cap < need) {
			assert_int_equal(compress_job(in, 3000, out, cap, EOB_FLUSH, FINAL_ONE_SHOT),
					 ZIAA_ERR_OVERFLOW);
			assert_int_equal(cr.error_code, IAA_AE_UNRECOVERABLE_OUTPUT_OVERFLOW);
		} else {
			assert_int_equal(compress_job(in, 3000, out, cap, EOB_FLUSH, FINAL_ONE_SHOT), ZIAA_OK);
			assert_int_equal(cr.output_size, need);
			assert_memory_equal(out, first, need);
		}
		for (uint32_t k = cap; k < sizeof(out); k++)
			assert_int_equal(out[k], 0xa5);
	}
	free(in);
}

/*
 * Data that is mostly literals (random bytes, some repeats) is coded literal runs
 * at a time (four at once where no literal has 15 bits, encode.c): with a table
 * whose literals go to 15 bits and with the fixed one the output decodes, a
 * literal without a code is error 30 wherever it falls in a run, and every
 * max_dst_size around the size needed gives error 0x19 or the same bytes.
 */
static void test_model_literal_runs(void **state)
{
	const uint32_t n = 60000;
	uint8_t *in = sample(n, 1), *out = malloc(2 * n), *first = malloc(2 * n), *back = malloc(n);
	uint32_t ll[IAA_LL_SYMBOLS], d[IAA_D_SYMBOLS], need, a = 1, b = 1;
	struct ziaa_huff_table t;
	struct ziaa_huff_header h;
	uint8_t header = 0x3;
	int deep = 0;

	(void)state;
	/* repeats among the random bytes: a match now and then ends a run */
	for (uint32_t i = 3000; i + 40 < n; i += 997)
		memcpy(in + i, in + i - 1500, 5 + i % 30);
	/* literal counts that grow like Fibonacci numbers: the rarest literals get the
	 * longest codes the length limit allows */
	for (unsigned i = 0; i < IAA_LL_SYMBOLS; i++) {
		ll[i] = i < 40 ? a : 1;
		if (i < 40) {
			uint32_t c = a + b;

			a = b;
			b = c;
		}
	}
	for (unsigned i = 0; i < IAA_D_SYMBOLS; i++)
		d[i] = 1;
	ziaa_huff_from_histogram(&t, ll, d);
	for (unsigned i = 0; i < 256; i++)
		deep |= (t.ll_code[i] >> IAA_CODE_LEN_SHIFT) == 15;
	assert_true(deep);
	ziaa_huff_write_header(&t, 1, &h);
	load_table(&t, h.bytes, h.bits);
	assert_int_equal(compress_job(in, n, out, 2 * n, EOB_FLUSH, FINAL_ONE_SHOT), ZIAA_OK);
	assert_int_equal(tinflate_raw(out, cr.output_size, back, n), (long)n);
	assert_memory_equal(back, in, n);

	ziaa_huff_fixed(&t);
	load_table(&t, &header, 3);
	assert_int_equal(compress_job(in, n, first, 2 * n, EOB_FLUSH, FINAL_ONE_SHOT), ZIAA_OK);
	need = cr.output_size;
	assert_int_equal(tinflate_raw(first, need, back, n), (long)n);
	assert_memory_equal(back, in, n);
	for (uint32_t cap = need - 40; cap <= need + 40; cap++) {
		memset(out, 0xa5, 2 * n);
		if (cap < need) {
			assert_int_equal(compress_job(in, n, out, cap, EOB_FLUSH, FINAL_ONE_SHOT), ZIAA_ERR_OVERFLOW);
			assert_int_equal(cr.error_code, IAA_AE_UNRECOVERABLE_OUTPUT_OVERFLOW);
		} else {
			assert_int_equal(compress_job(in, n, out, cap, EOB_FLUSH, FINAL_ONE_SHOT), ZIAA_OK);
			assert_memory_equal(out, first, need);
		}
		for (uint32_t k = cap; k < 2 * n; k++)
			assert_int_equal(out[k], 0xa5);
	}
	/* one literal without a code, alone in a run of literals at each of four
	 * offsets (so not only first of four): error 30 */
	for (unsigned v = 0; v < 256; v += 51) {
		ziaa_huff_fixed(&t);
		t.ll_code[v] = 0;
		for (unsigned off = 0; off < 4; off++) {
			uint8_t *p = sample(n, 1);

			for (uint32_t i = 0; i < n; i++)
				p[i] = p[i] == v ? (uint8_t)(v + 1) : p[i];
			p[30000 + off] = (uint8_t)v;
			load_table(&t, &header, 3);
			assert_int_equal(compress_job(p, n, out, 2 * n, EOB_FLUSH, FINAL_ONE_SHOT), ZIAA_ERR_DATA);
			assert_int_equal(cr.error_code, IAA_AE_INVALID_HUFFMAN_CODE);
			free(p);
		}
	}
	free(in);
	free(out);
	free(first);
	free(back);
}

/* Statistics and coding run the same parse: the histogram, priced with the table
 * it produced, is exactly the size of the coded output. */
static void test_model_statistics_price_the_output(void **state)
{
	static const size_t sizes[] = { 3, 10, 777, 4096, 70000, 300000 };

	(void)state;
	for (int kind = 0; kind < 3; kind++)
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			uint32_t n = (uint32_t)sizes[k], cap = 2 * n + 1024;
			uint8_t *in = sample(n, kind), *out = malloc(cap);
			struct iaa_hw_histogram hist;
			struct ziaa_huff_table t;
			uint64_t bits = 0;

			assert_int_equal(compress_job(in, n, (uint8_t *)&hist, sizeof(hist),
						      IAA_COMP_FLAG_STATS_MODE, 0), ZIAA_OK);
			ziaa_huff_from_histogram(&t, hist.ll_count, hist.d_count);
			for (unsigned sym = 0; sym < IAA_LL_SYMBOLS; sym++)
				bits += (uint64_t)hist.ll_count[sym] *
					((t.ll_code[sym] >> IAA_CODE_LEN_SHIFT) +
					 (sym > 256 ? ziaa_len_extra[sym - 257] : 0));
			for (unsigned sym = 0; sym < IAA_D_SYMBOLS; sym++)
				bits += (uint64_t)hist.d_count[sym] *
					((t.d_code[sym] >> IAA_CODE_LEN_SHIFT) + ziaa_dist_extra[sym]);
			bits += t.ll_code[256] >> IAA_CODE_LEN_SHIFT; /* the EOB */
			load_table(&t, NULL, 0);
			assert_int_equal(compress_job(in, n, out, cap, EOB_FLUSH, FINAL_ONE_SHOT), ZIAA_OK);
			assert_int_equal((uint64_t)cr.output_size * 8 - (cr.output_bits ? 8 - cr.output_bits : 0),
					 bits);
			free(in);
			free(out);
		}
}

static void test_model_validation_statuses(void **state)
{
	static uint8_t in[64], out[256];
	static struct iaa_hw_crec crs[2] __attribute__((aligned(64)));
	struct iaa_hw_desc d;

	(void)state;
	{
		struct ziaa_huff_table t;
		uint8_t header = 0x3;

		ziaa_huff_fixed(&t);
		load_table(&t, &header, 3);
	}
#define CHECK(mutate, want_status)                                                    \
	do {                                                                          \
		memset(&d, 0, sizeof(d));                                             \
		d.flags_opcode = (uint32_t)IAA_OP_COMPRESS << 24 | IAA_OPF_CRAV |     \
				 IAA_OPF_RCR | IAA_OPF_RD_SRC2_AECS;                  \
		d.completion_addr = (uintptr_t)&cr;                                   \
		d.src1_addr = (uintptr_t)in;                                          \
		d.src1_size = sizeof(in);                                             \
		d.dst_addr = (uintptr_t)out;                                          \
		d.max_dst_size = sizeof(out);                                         \
		d.op_flags = EOB_FLUSH;                                               \
		d.src2_addr = (uintptr_t)aecs;                                        \
		d.src2_size = IAA_AECS_COMP_SIZE;                                     \
		mutate;                                                               \
		ziaa_device_run(dev, &d, (struct iaa_hw_crec *)(uintptr_t)(d.completion_addr & ~63ull), \
				ZIAA_RUN_TIMEOUT_NS);                                 \
		assert_int_equal(((struct iaa_hw_crec *)(uintptr_t)(d.completion_addr & ~63ull))->status, \
				 want_status);                                        \
	} while (0)
	CHECK((void)0, IAA_ST_SUCCESS);
	CHECK(d.completion_addr = (uintptr_t)&crs[0] + 32, IAA_ST_CR_ALIGN);
	CHECK(d.src2_addr += 16, IAA_ST_ADDR_ALIGN);
	CHECK(d.src2_size = 0x600, IAA_ST_ADDR_ALIGN);
	CHECK(d.src1_size = (2u << 20) + 1, IAA_ST_INVALID_SIZE);
	CHECK(d.max_dst_size = (2u << 20) + 1, IAA_ST_INVALID_SIZE);
	CHECK(d.num_inputs = 1, IAA_ST_NONZERO_RESERVED);
	CHECK(d.pasid_priv = 1u << 25, IAA_ST_NONZERO_RESERVED);
	CHECK(d.pasid_priv = 1u << 31, IAA_ST_PRIV_BAD);
	CHECK(d.flags_opcode |= 0x1, IAA_ST_INVALID_FLAGS); /* FENCE */
	CHECK(d.op_flags |= IAA_COMP_FLAG_BE16, IAA_ST_INVALID_OP_FLAGS);
	CHECK(d.flags_opcode = (d.flags_opcode & 0xffffff) | 0x50u << 24, IAA_ST_BAD_OPCODE);
	CHECK(d.flags_opcode = (d.flags_opcode & 0xffffff) | (uint32_t)IAA_OP_DECOMPRESS << 24,
	      IAA_ST_INVALID_OP_FLAGS); /* compress flags are not decompress flags */
	CHECK(d.flags_opcode = (d.flags_opcode & 0xffffff) | (uint32_t)IAA_OP_NOOP << 24, IAA_ST_SUCCESS);
	CHECK(d.src1_size = 0, IAA_ST_INVALID_INPUT_SIZE);
	CHECK(d.flags_opcode &= ~IAA_OPF_RD_SRC2_MASK, IAA_ST_INVALID_OP_FLAGS);
#undef CHECK
	assert_int_equal(crs[0].status, IAA_ST_CR_ALIGN);
}

static void test_model_xor_checksum(void **state)
{
	uint8_t in[5] = { 0x01, 0x02, 0x04, 0x08, 0x10 }, out[64];
	struct ziaa_huff_table t;
	uint8_t header = 0x3;

	(void)state;
	ziaa_huff_fixed(&t);
	load_table(&t, &header, 3);
	assert_int_equal(compress_job(in, 5, out, sizeof(out), EOB_FLUSH, FINAL_ONE_SHOT), ZIAA_OK);
	/* words 0x0201 ^ 0x0804 ^ 0x0010 */
	assert_int_equal(cr.xor_csum, 0x0201 ^ 0x0804 ^ 0x0010);
}

/* A job of 256 KB or more is parsed as two halves whose bits are joined (encode.c):
 * the second half long tokens behind a first of literals (it waits for the
 * first), the reverse (it starts early into its own room), and long tokens in
 * both (parsed in one loop). Each decodes, and every max_dst_size around the
 * size needed, and around half of it, behaves as in
 * test_model_output_limit_is_exact. */
static void test_model_split_job_joins_and_limits(void **state)
{
	enum { N = 600000, ROOM = N + N / 8 + 64 };
	uint8_t *text = sample(N, 0), *noise = sample(N, 1), *in = malloc(N), *out = malloc(ROOM);
	uint8_t *first = malloc(ROOM), *back = malloc(N);
	struct ziaa_huff_table t;
	uint8_t header = 0x3;

	(void)state;
	assert_true(in && out && first && back);
	ziaa_huff_fixed(&t);
	for (int layout = 0; layout < 3; layout++) {
		uint32_t need;

		memcpy(in, layout == 0 ? noise : text, N / 2);
		memcpy(in + N / 2, layout == 1 ? noise : text + N / 2, N - N / 2);
		load_table(&t, &header, 3);
		assert_int_equal(compress_job(in, N, first, ROOM, EOB_FLUSH, FINAL_ONE_SHOT), ZIAA_OK);
		need = cr.output_size;
		assert_int_equal(tinflate_raw(first, need, back, N), N);
		assert_memory_equal(back, in, N);
		assert_true(need > 64 && need + 16 < ROOM);
		/* below need: every 4th about where the first half's bits end (both
		 * halves alike), where a pair of chains must stop for room */
		for (uint32_t cap = need / 2 - 512; cap <= need + 12;
		     cap = cap == need / 2 + 512 ? need - 12 : cap < need / 2 + 512 ? cap + 4 : cap + 1) {
			memset(out, 0xa5, ROOM);
			load_table(&t, &header, 3);
			if (cap < need) {
				assert_int_equal(compress_job(in, N, out, cap, EOB_FLUSH, FINAL_ONE_SHOT),
						 ZIAA_ERR_OVERFLOW);
				assert_int_equal(cr.error_code, IAA_AE_UNRECOVERABLE_OUTPUT_OVERFLOW);
			} else {
				assert_int_equal(compress_job(in, N, out, cap, EOB_FLUSH, FINAL_ONE_SHOT), ZIAA_OK);
				assert_int_equal(cr.output_size, need);
				assert_memory_equal(out, first, need);
			}
			for (uint32_t k = cap; k < ROOM; k++)
				assert_int_equal(out[k], 0xa5);
		}
	}
	free(text);
	free(noise);
	free(in);
	free(out);
	free(first);
	free(back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_fixed_mode_decodes),
		cmocka_unit_test(test_model_dynamic_two_pass_decodes),
		cmocka_unit_test(test_model_canned_against_golden),
		cmocka_unit_test(test_model_header_generation_against_golden),
		cmocka_unit_test(test_model_version_from_environment),
		cmocka_unit_test(test_model_two_jobs_through_the_aecs),
		cmocka_unit_test(test_model_overflow_and_missing_codes),
		cmocka_unit_test(test_model_output_limit_is_exact),
		cmocka_unit_test(test_model_literal_runs),
		cmocka_unit_test(test_model_split_job_joins_and_limits),
		cmocka_unit_test(test_model_statistics_price_the_output),
		cmocka_unit_test(test_model_validation_statuses),
		cmocka_unit_test(test_model_xor_checksum),
	};

	return cmocka_run_group_tests_name("iaa/model/compress", tests, setup, NULL);
}
