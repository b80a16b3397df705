/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/test_run.c - status mapping (iaa/crec.c) and running a descriptor (iaa/run.c)
 *
 * A scripted backend writes the completion records a device would: every status
 * path, page faults that clear after a touch and ones that never do, a queue that
 * stays busy, a job that never completes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "iaa/crec.h"

/* ---- the scripted backend ---- */
struct script {
	int submit_ret;        /* what submit answers */
	int faults_left;       /* page faults to report before success */
	uint64_t fault_addr;
	int write_fault;
	uint8_t final_status;  /* after the faults */
	uint8_t final_error;
	int never_complete;
	int submits;
	const void *last_desc;
	struct iaa_hw_crec *cr; /* where the record goes (the descriptor's CR) */
};

static int s_submit(struct ziaa_device *dev, const void *desc)
{
	struct script *s = dev->priv;

	s->submits++;
	s->last_desc = desc;
	if (s->submit_ret != ZIAA_OK)
		return s->submit_ret;
	/* the record must have been zeroed before the job went in */
	assert_int_equal(s->cr->status, 0);
	assert_int_equal(s->cr->fault_addr, 0);
	if (s->never_complete)
		return ZIAA_OK;
	if (s->faults_left > 0) {
		s->faults_left--;
		s->cr->fault_addr = s->fault_addr;
		s->cr->status = (uint8_t)(IAA_ST_PAGE_FAULT | (s->write_fault ? IAA_ST_FAULT_ON_WRITE : 0));
		return ZIAA_OK;
	}
	s->cr->error_code = s->final_error;
	s->cr->status = s->final_status;
	return ZIAA_OK;
}

static int s_wait(struct ziaa_device *dev, const volatile void *crec, uint64_t timeout_ns)
{
	(void)dev;
	(void)timeout_ns;
	return *(const volatile uint8_t *)crec ? ZIAA_OK : ZIAA_ERR_TIMEOUT;
}

static const struct ziaa_device_ops ops = { s_submit, s_wait, NULL };

static int run(struct script *s)
{
	static struct iaa_hw_desc desc;
	static struct iaa_hw_crec cr;
	struct ziaa_device dev = { .ops = &ops, .priv = s };

	memset(&cr, 0xa5, sizeof(cr)); /* stale record from an earlier job */
	s->cr = &cr;
	return ziaa_device_run(&dev, &desc, &cr, 1000);
}

static void test_crec_every_status(void **state)
{
	static const struct { uint8_t st, err; int want; } map[] = {
		{ 0x01, 0, ZIAA_OK },
		{ 0x00, 0, ZIAA_ERR_TIMEOUT },
		{ 0x03, 0, ZIAA_ERR_PAGE_FAULT },
		{ 0x83, 0, ZIAA_ERR_PAGE_FAULT },
		{ 0x04, 0, ZIAA_ERR_PAGE_FAULT },
		{ 0x0b, 0, ZIAA_ERR_OVERFLOW },
		{ 0x0a, 0x19, ZIAA_ERR_OVERFLOW },
		{ 0x0a, 17, ZIAA_ERR_DATA },
		{ 0x0a, 30, ZIAA_ERR_DATA },
		{ 0x24, 0, ZIAA_ERR_TIMEOUT },
		{ 0x10, 0, ZIAA_ERR_INVALID },
		{ 0x11, 0, ZIAA_ERR_INVALID },
		{ 0x12, 0, ZIAA_ERR_INVALID },
		{ 0x13, 0, ZIAA_ERR_INVALID },
		{ 0x1b, 0, ZIAA_ERR_INVALID },
		{ 0x1c, 0, ZIAA_ERR_INVALID },
		{ 0x30, 0, ZIAA_ERR_INVALID },
		{ 0x20, 0, ZIAA_ERR_GONE },
		{ 0x22, 0, ZIAA_ERR_GONE },
	};
	struct iaa_hw_crec cr;
	char text[96];

	(void)state;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		memset(&cr, 0, sizeof(cr));
		cr.status = map[i].st;
		cr.error_code = map[i].err;
		assert_int_equal(ziaa_crec_status(&cr), map[i].want);
		assert_non_null(ziaa_crec_text(&cr, text, sizeof(text)));
	}
	cr.status = IAA_ST_ANALYTICS_ERROR;
	cr.error_code = IAA_AE_BAD_DIST;
	assert_string_equal(ziaa_crec_text(&cr, text, sizeof(text)), "status 0x0a (analytics error 17)");
	cr.status = 0x83;
	assert_string_equal(ziaa_crec_text(&cr, text, sizeof(text)), "status 0x83 (page fault, on a write)");
}

static void test_run_success_and_errors(void **state)
{
	struct script s = { .final_status = IAA_ST_SUCCESS };

	(void)state;
	assert_int_equal(run(&s), ZIAA_OK);
	assert_int_equal(s.submits, 1);
	s = (struct script){ .final_status = IAA_ST_ANALYTICS_ERROR, .final_error = IAA_AE_BAD_DIST };
	assert_int_equal(run(&s), ZIAA_ERR_DATA);
	s = (struct script){ .final_status = IAA_ST_OUTBUF_OVERFLOW };
	assert_int_equal(run(&s), ZIAA_ERR_OVERFLOW);
	s = (struct script){ .submit_ret = ZIAA_ERR_BUSY };
	assert_int_equal(run(&s), ZIAA_ERR_BUSY);
	s = (struct script){ .submit_ret = ZIAA_ERR_GONE };
	assert_int_equal(run(&s), ZIAA_ERR_GONE);
	s = (struct script){ .never_complete = 1 };
	assert_int_equal(run(&s), ZIAA_ERR_TIMEOUT);
	s = (struct script){ .final_status = IAA_ST_WATCHDOG };
	assert_int_equal(run(&s), ZIAA_ERR_TIMEOUT);
}

static void test_run_page_faults_are_touched_and_retried(void **state)
{
	/* a fresh, never-touched mapping: the touch itself faults it in */
	uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct script s;

	(void)state;
	assert_true(page != MAP_FAILED);
	s = (struct script){ .faults_left = 2, .fault_addr = (uintptr_t)(page + 100),
			     .final_status = IAA_ST_SUCCESS };
	assert_int_equal(run(&s), ZIAA_OK);
	assert_int_equal(s.submits, 3);
	page[200] = 42;
	s = (struct script){ .faults_left = 1, .fault_addr = (uintptr_t)(page + 200), .write_fault = 1,
			     .final_status = IAA_ST_SUCCESS };
	assert_int_equal(run(&s), ZIAA_OK);
	assert_int_equal(page[200], 42); /* the write touch changed nothing */
	/* a fault that never clears: bounded, then an error the caller sees */
	s = (struct script){ .faults_left = 1000, .fault_addr = (uintptr_t)page,
			     .final_status = IAA_ST_SUCCESS };
	assert_int_equal(run(&s), ZIAA_ERR_PAGE_FAULT);
	assert_int_equal(s.submits, ZIAA_RUN_PAGE_FAULT_RETRIES + 1);
	munmap(page, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crec_every_status),
		cmocka_unit_test(test_run_success_and_errors),
		cmocka_unit_test(test_run_page_faults_are_touched_and_retried),
	};

	return cmocka_run_group_tests_name("iaa/crec+run", tests, NULL, NULL);
}
