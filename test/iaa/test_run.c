/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/test_run.c - status mapping (iaa/crec.c), running a descriptor (iaa/run.c)
 * and retiring a device (iaa/device.c)
 *
 * A scripted backend writes the completion records a device would: every status
 * path, page faults that clear after a touch and ones that never do, faults outside
 * the descriptor's buffers, a queue that stays busy, a job that never completes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "iaa/crec.h"

#define PAGE 4096

/* ---- the scripted backend ---- */
struct script {
	int submit_ret;        /* what submit answers */
	int faults_left;       /* page faults to report before success */
	uint64_t fault_addr;
	int write_fault;
	uint8_t fault_status;  /* 0: IAA_ST_PAGE_FAULT */
	uint8_t final_status;  /* after the faults */
	uint8_t final_error;
	int never_complete;
	int submits;
	const void *last_desc;
	struct iaa_hw_desc desc; /* buffers and flags of the job; run() sets the record */
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
		s->cr->status = (uint8_t)((s->fault_status ? s->fault_status : IAA_ST_PAGE_FAULT) |
					  (s->write_fault ? IAA_ST_FAULT_ON_WRITE : 0));
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

/* One job of s on dev (a fresh device when dev is NULL). */
static int run_on(struct ziaa_device *dev, struct script *s)
{
	static struct iaa_hw_desc desc;
	static struct iaa_hw_crec cr;
	struct ziaa_device fresh = { .ops = &ops, .priv = s };

	if (!dev)
		dev = &fresh;
	memset(&cr, 0xa5, sizeof(cr)); /* stale record from an earlier job */
	desc = s->desc;
	desc.completion_addr = (uintptr_t)&cr;
	s->cr = &cr;
	return ziaa_device_run(dev, &desc, &cr, 1000);
}

static int run(struct script *s)
{
	return run_on(NULL, s);
}

static void *fresh_pages(size_t n, int prot)
{
	void *p = mmap(NULL, n * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

/* Which of the n pages at p are resident, as a string of '0' and '1'. */
static const char *resident(const void *p, size_t n)
{
	static char out[64];
	unsigned char v[63];

	assert_true(n < sizeof(v));
	assert_int_equal(mincore((void *)(uintptr_t)p, n * PAGE, v), 0);
	for (size_t i = 0; i < n; i++)
		out[i] = (char)('0' + (v[i] & 1));
	out[n] = '\0';
	return out;
}

/* Runs first: the retirement line is written once per process. */
static void test_device_retire_logs_once(void **state)
{
	struct ziaa_device a = { .name = "iax1/wq1.0" }, b = { .name = "iax3/wq3.0" };
	FILE *log = tmpfile();
	char line[256] = "", more[256];
	int saved = dup(2);

	(void)state;
	assert_non_null(log);
	assert_true(saved >= 0);
	fflush(stderr);
	dup2(fileno(log), 2);
	assert_false(ziaa_device_retired(&a));
	ziaa_device_retire(&a);
	ziaa_device_retire(&a);
	ziaa_device_retire(&b);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_true(ziaa_device_retired(&a));
	assert_true(ziaa_device_retired(&b));
	rewind(log);
	assert_non_null(fgets(line, sizeof(line), log));
	assert_string_equal(line, "libz-iaa: a job on iax1/wq1.0 never completed; offload disabled "
				  "for this process\n");
	assert_null(fgets(more, sizeof(more), log));
	fclose(log);
}

static void test_crec_every_status(void **state)
{
	static const struct { uint8_t st, err; int want; } map[] = {
		{ 0x01, 0, ZIAA_OK },
		{ 0x00, 0, ZIAA_ERR_LOST },
		{ 0x03, 0, ZIAA_ERR_PAGE_FAULT },
		{ 0x83, 0, ZIAA_ERR_PAGE_FAULT },
		{ 0x04, 0, ZIAA_ERR_PAGE_FAULT },
		{ 0x1a, 0, ZIAA_ERR_PAGE_FAULT },
		{ 0x1f, 0, ZIAA_ERR_PAGE_FAULT },
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
		{ 0x1d, 0, ZIAA_ERR_INVALID },
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
	assert_string_equal(ziaa_crec_text(&cr, text, sizeof(text)),
			    "status 0x83 (page fault, on a write)");
	cr.status = 0x1a;
	assert_string_equal(ziaa_crec_text(&cr, text, sizeof(text)),
			    "status 0x1a (completion record address translation fault)");
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
	/* never completed: distinct from the device's own watchdog */
	s = (struct script){ .never_complete = 1 };
	assert_int_equal(run(&s), ZIAA_ERR_LOST);
	s = (struct script){ .final_status = IAA_ST_WATCHDOG };
	assert_int_equal(run(&s), ZIAA_ERR_TIMEOUT);
}

static void test_run_lost_job_retires_the_device(void **state)
{
	struct script s = { .never_complete = 1 };
	struct ziaa_device dev = { .ops = &ops, .priv = &s, .name = "scripted" };

	(void)state;
	assert_int_equal(run_on(&dev, &s), ZIAA_ERR_LOST);
	assert_true(ziaa_device_retired(&dev));
	/* nothing more reaches the device, not even a job that would complete */
	s = (struct script){ .final_status = IAA_ST_SUCCESS };
	assert_int_equal(run_on(&dev, &s), ZIAA_ERR_GONE);
	assert_int_equal(s.submits, 0);
	/* the device's watchdog ended the job: the device stays in service */
	s = (struct script){ .final_status = IAA_ST_WATCHDOG };
	dev.retired = 0;
	assert_int_equal(run_on(&dev, &s), ZIAA_ERR_TIMEOUT);
	assert_false(ziaa_device_retired(&dev));
}

/* The process's device: once a job on it is lost, acquire no longer hands it out. */
static void test_run_acquire_refuses_a_retired_device(void **state)
{
	static struct iaa_hw_desc desc;
	static struct iaa_hw_crec cr;
	struct ziaa_device *dev;

	(void)state;
	setenv("ZLIB_IAA_FAULTS", "hang@1", 1);
	dev = ziaa_device_acquire(ZIAA_BACKEND_MODEL);
	unsetenv("ZLIB_IAA_FAULTS");
	assert_non_null(dev);
	assert_ptr_equal(ziaa_device_acquire(ZIAA_BACKEND_MODEL), dev);
	desc.flags_opcode = IAA_OP_NOOP << 24 | IAA_OPF_CRAV | IAA_OPF_RCR;
	desc.completion_addr = (uintptr_t)&cr;
	assert_int_equal(ziaa_device_run(dev, &desc, &cr, 20000000), ZIAA_ERR_LOST);
	assert_null(ziaa_device_acquire(ZIAA_BACKEND_MODEL));
	assert_int_equal(ziaa_device_run(dev, &desc, &cr, 20000000), ZIAA_ERR_GONE);
}

static void test_run_page_faults_are_touched_and_retried(void **state)
{
	/* a fresh, never-touched mapping: the touch itself faults it in */
	uint8_t *page = fresh_pages(1, PROT_READ | PROT_WRITE);
	struct script s;

	(void)state;
	s = (struct script){ .faults_left = 2, .fault_addr = (uintptr_t)(page + 100),
			     .final_status = IAA_ST_SUCCESS,
			     .desc = { .src1_addr = (uintptr_t)page, .src1_size = PAGE } };
	assert_int_equal(run(&s), ZIAA_OK);
	assert_int_equal(s.submits, 3);
	page[200] = 42;
	s = (struct script){ .faults_left = 1, .fault_addr = (uintptr_t)(page + 200), .write_fault = 1,
			     .final_status = IAA_ST_SUCCESS,
			     .desc = { .dst_addr = (uintptr_t)page, .max_dst_size = PAGE } };
	assert_int_equal(run(&s), ZIAA_OK);
	assert_int_equal(page[200], 42); /* the write touch changed nothing */
	/* a fault that never clears: bounded, then an error the caller sees */
	s = (struct script){ .faults_left = 1000, .fault_addr = (uintptr_t)page,
			     .final_status = IAA_ST_SUCCESS,
			     .desc = { .src1_addr = (uintptr_t)page, .src1_size = PAGE } };
	assert_int_equal(run(&s), ZIAA_ERR_PAGE_FAULT);
	assert_int_equal(s.submits, ZIAA_RUN_PAGE_FAULT_RETRIES + 1);
	munmap(page, PAGE);
}

/* A fault outside the descriptor's buffers is not ours to touch: no retry. */
static void test_run_fault_outside_the_buffers_is_not_retried(void **state)
{
	uint8_t *in = fresh_pages(2, PROT_READ), *out = fresh_pages(1, PROT_READ | PROT_WRITE);
	struct iaa_hw_desc d = { .src1_addr = (uintptr_t)in, .src1_size = PAGE,
				 .dst_addr = (uintptr_t)out, .max_dst_size = PAGE };
	struct script s;

	(void)state;
	/* just past the input */
	s = (struct script){ .faults_left = 1, .fault_addr = (uintptr_t)(in + PAGE),
			     .final_status = IAA_ST_SUCCESS, .desc = d };
	assert_int_equal(run(&s), ZIAA_ERR_PAGE_FAULT);
	assert_int_equal(s.submits, 1);
	/* nowhere */
	s = (struct script){ .faults_left = 1, .final_status = IAA_ST_SUCCESS, .desc = d };
	assert_int_equal(run(&s), ZIAA_ERR_PAGE_FAULT);
	assert_int_equal(s.submits, 1);
	/* a write fault in the (read-only) input: touching it would crash */
	s = (struct script){ .faults_left = 1, .fault_addr = (uintptr_t)(in + 10), .write_fault = 1,
			     .final_status = IAA_ST_SUCCESS, .desc = d };
	assert_int_equal(run(&s), ZIAA_ERR_PAGE_FAULT);
	assert_int_equal(s.submits, 1);
	/* a fault on the completion record (0x1a) is a fault, but not in a buffer */
	s = (struct script){ .faults_left = 1, .fault_status = IAA_ST_CR_XLAT,
			     .final_status = IAA_ST_SUCCESS, .desc = d };
	assert_int_equal(run(&s), ZIAA_ERR_PAGE_FAULT);
	assert_int_equal(s.submits, 1);
	munmap(in, 2 * PAGE);
	munmap(out, PAGE);
}

/* One retry faults in everything from fault_addr to the end of that buffer. */
static void test_run_fault_touches_to_the_end_of_the_buffer(void **state)
{
	uint8_t *in = fresh_pages(8, PROT_READ), *out = fresh_pages(8, PROT_READ | PROT_WRITE);
	uint8_t *aecs = fresh_pages(4, PROT_READ | PROT_WRITE);
	struct script s;

	(void)state;
	/* a read fault in page 2 of a 6-page input */
	s = (struct script){ .faults_left = 1, .fault_addr = (uintptr_t)(in + 2 * PAGE + 100),
			     .final_status = IAA_ST_SUCCESS,
			     .desc = { .src1_addr = (uintptr_t)in, .src1_size = 6 * PAGE } };
	assert_int_equal(run(&s), ZIAA_OK);
	assert_int_equal(s.submits, 2);
	assert_string_equal(resident(in, 8), "00111100");
	/* a write fault in page 1 of a 5-page output, ending mid-page */
	s = (struct script){ .faults_left = 1, .fault_addr = (uintptr_t)(out + PAGE + 7),
			     .write_fault = 1, .final_status = IAA_ST_SUCCESS,
			     .desc = { .dst_addr = (uintptr_t)out, .max_dst_size = 4 * PAGE + 1 } };
	assert_int_equal(run(&s), ZIAA_OK);
	assert_int_equal(s.submits, 2);
	assert_string_equal(resident(out, 8), "01111000");
	/* a written AECS is a double buffer: a write fault in its second half is ours */
	s = (struct script){ .faults_left = 1, .fault_addr = (uintptr_t)(aecs + 3 * PAGE),
			     .write_fault = 1, .final_status = IAA_ST_SUCCESS,
			     .desc = { .flags_opcode = IAA_OPF_RD_SRC2_AECS | IAA_OPF_WR_SRC2_ALWAYS,
				       .src2_addr = (uintptr_t)aecs, .src2_size = 2 * PAGE } };
	assert_int_equal(run(&s), ZIAA_OK);
	assert_int_equal(s.submits, 2);
	assert_string_equal(resident(aecs, 4), "0001");
	munmap(in, 8 * PAGE);
	munmap(out, 8 * PAGE);
	munmap(aecs, 4 * PAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_device_retire_logs_once),
		cmocka_unit_test(test_crec_every_status),
		cmocka_unit_test(test_run_success_and_errors),
		cmocka_unit_test(test_run_lost_job_retires_the_device),
		cmocka_unit_test(test_run_acquire_refuses_a_retired_device),
		cmocka_unit_test(test_run_page_faults_are_touched_and_retried),
		cmocka_unit_test(test_run_fault_outside_the_buffers_is_not_retried),
		cmocka_unit_test(test_run_fault_touches_to_the_end_of_the_buffer),
	};

	return cmocka_run_group_tests_name("iaa/crec+run", tests, NULL, NULL);
}
