/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/model/test_fault.c - ZLIB_IAA_FAULTS: parsing, and every injected fault
 * reaching the caller as the device would deliver it
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "iaa/crec.h"
#include "iaa/huff.h"
#include "iaa/model/model.h"
#include "test/iaa/model/jobs.h"

static void test_fault_parse(void **state)
{
	struct ziaa_faults f;

	(void)state;
	assert_int_equal(ziaa_fault_parse(NULL, &f), 0);
	assert_int_equal(f.n, 0);
	assert_int_equal(ziaa_fault_parse("page_fault@3,overflow@5,busy:p=0.1,seed=7", &f), 0);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.rule[0].kind, ZIAA_FAULT_PAGE_FAULT);
	assert_int_equal(f.rule[0].at, 3);
	assert_int_equal(f.rule[1].kind, ZIAA_FAULT_OVERFLOW);
	assert_int_equal(f.rule[2].kind, ZIAA_FAULT_BUSY);
	assert_true(f.rule[2].p > 0.09 && f.rule[2].p < 0.11);
	assert_int_equal(f.seed, 7);
	for (int k = 1; k < ZIAA_FAULT_KINDS; k++) {
		char spec[64];

		snprintf(spec, sizeof(spec), "%s@1", ziaa_fault_name((enum ziaa_fault_kind)k));
		assert_int_equal(ziaa_fault_parse(spec, &f), 0);
		assert_int_equal(f.rule[0].kind, k);
	}
	assert_int_equal(ziaa_fault_parse("explode@1", &f), -1);
	assert_int_equal(ziaa_fault_parse("busy@0", &f), -1);
	assert_int_equal(ziaa_fault_parse("busy:p=2", &f), -1);
	assert_int_equal(ziaa_fault_parse("busy", &f), -1);
	assert_int_equal(ziaa_fault_parse("busy@x", &f), -1);
	assert_int_equal(ziaa_fault_parse("seed=", &f), -1);
}

static void test_fault_probability_is_deterministic(void **state)
{
	struct ziaa_faults a, b;
	int hits = 0;

	(void)state;
	ziaa_fault_parse("busy:p=0.25,seed=42", &a);
	ziaa_fault_parse("busy:p=0.25,seed=42", &b);
	for (int i = 0; i < 4000; i++) {
		enum ziaa_fault_kind x = ziaa_fault_next(&a);

		assert_int_equal(x, ziaa_fault_next(&b));
		hits += x == ZIAA_FAULT_BUSY;
	}
	assert_in_range(hits, 800, 1200);
}

/* A fixed-mode compress job on a model device with the given faults. */
static int compress_with(struct ziaa_device *dev, struct iaa_hw_crec *cr)
{
	static uint8_t in[3000], out[8192];
	static struct iaa_hw_aecs_comp aecs[2];
	struct iaa_hw_desc d;
	struct ziaa_huff_table t;

	ziaa_huff_fixed(&t);
	memset(aecs, 0, sizeof(aecs));
	memcpy(aecs[0].ll_code, t.ll_code, sizeof(t.ll_code));
	memcpy(aecs[0].d_code, t.d_code, sizeof(t.d_code));
	aecs[0].out_accum[0] = 3;
	aecs[0].out_accum_bits = 3;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)("fault injection "[i % 16]);
	fill_desc(&d, IAA_OP_COMPRESS, cr, in, sizeof(in), out, sizeof(out),
		  IAA_COMP_FLAG_FLUSH_OUTPUT | IAA_END_PROC_EOB << IAA_COMP_FLAG_END_PROC_SHIFT,
		  IAA_OPF_RD_SRC2_AECS, aecs, IAA_AECS_COMP_SIZE);
	return ziaa_device_run(dev, &d, cr, 50000000); /* 50 ms */
}

static void test_fault_every_kind_reaches_the_caller(void **state)
{
	static const struct { const char *spec; int want; uint8_t status; } cases[] = {
		{ NULL, ZIAA_OK, IAA_ST_SUCCESS },
		{ "page_fault@1", ZIAA_OK, IAA_ST_SUCCESS },            /* touched, resubmitted */
		{ "page_fault_write@1,page_fault@2", ZIAA_OK, IAA_ST_SUCCESS },
		{ "page_fault:p=1", ZIAA_ERR_PAGE_FAULT, IAA_ST_PAGE_FAULT }, /* never clears */
		{ "overflow@1", ZIAA_ERR_OVERFLOW, IAA_ST_ANALYTICS_ERROR },
		{ "analytic@1", ZIAA_ERR_DATA, IAA_ST_ANALYTICS_ERROR },
		{ "timeout@1", ZIAA_ERR_TIMEOUT, IAA_ST_WATCHDOG },
		{ "busy@1", ZIAA_ERR_BUSY, 0 },
		{ "gone@1", ZIAA_ERR_GONE, 0 },
		{ "hang@1", ZIAA_ERR_LOST, 0 },                       /* and the device retired */
		{ "overflow@2", ZIAA_OK, IAA_ST_SUCCESS },              /* not this job */
	};
	static struct iaa_hw_crec cr;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ziaa_device *dev = ziaa_model_open_with(cases[i].spec, 0x100);

		assert_non_null(dev);
		assert_int_equal(compress_with(dev, &cr), cases[i].want);
		if (cases[i].status)
			assert_int_equal(cr.status & IAA_ST_MASK, cases[i].status & IAA_ST_MASK);
	}
}

/* A job that never completes may still write its buffers: the device is retired
 * and takes no more work, even jobs that would succeed. */
static void test_fault_hang_retires_the_device(void **state)
{
	struct ziaa_device *dev = ziaa_model_open_with("hang@2", 0x100);
	static struct iaa_hw_crec cr, cr2;

	(void)state;
	assert_int_equal(compress_with(dev, &cr), ZIAA_OK);
	assert_int_equal(compress_with(dev, &cr), ZIAA_ERR_LOST);
	assert_true(ziaa_device_retired(dev));
	assert_int_equal(compress_with(dev, &cr2), ZIAA_ERR_GONE);
}

static void test_fault_gone_stays_gone(void **state)
{
	struct ziaa_device *dev = ziaa_model_open_with("gone@2", 0x100);
	static struct iaa_hw_crec cr;

	(void)state;
	assert_int_equal(compress_with(dev, &cr), ZIAA_OK);
	assert_int_equal(compress_with(dev, &cr), ZIAA_ERR_GONE);
	assert_int_equal(compress_with(dev, &cr), ZIAA_ERR_GONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_parse),
		cmocka_unit_test(test_fault_probability_is_deterministic),
		cmocka_unit_test(test_fault_every_kind_reaches_the_caller),
		cmocka_unit_test(test_fault_gone_stays_gone),
		cmocka_unit_test(test_fault_hang_retires_the_device),
	};

	return cmocka_run_group_tests_name("iaa/model/fault", tests, NULL, NULL);
}
