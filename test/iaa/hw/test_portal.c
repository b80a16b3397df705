/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/hw/test_portal.c - submission and completion without an IAA device
 *
 * The portal code is linked statically into this test, so the mmap() below stands
 * in for the kernel's: it can refuse the portal with EPERM as INTEL-SA-01084
 * kernels do, which sends descriptors through write() - here into a FIFO, where
 * the test reads them back. MOVDIR64B is proven into ordinary memory where the
 * CPU has it.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "iaa/device.h"
#include "iaa/hw/hw_backend.h"

static int mmap_errno; /* non-zero: the next mmap() fails with it */

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (mmap_errno) {
		errno = mmap_errno;
		return MAP_FAILED;
	}
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

static char dir[] = "/tmp/ziaa-portal-XXXXXX", fifo[64];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(fifo, sizeof(fifo), "%s/wq1.0", dir);
	return mkfifo(fifo, 0600);
}

static int teardown(void **state)
{
	(void)state;
	unlink(fifo);
	rmdir(dir);
	return 0;
}

static struct ziaa_hw_wq queue(int shared)
{
	struct ziaa_hw_wq w = { .device_enabled = 1, .enabled = 1, .type = 2, .shared = shared,
				.sva = 1, .numa_node = 0, .version = 0x100, .size = 4,
				.max_transfer_size = 2u << 20 };

	strcpy(w.device, "iax1");
	strcpy(w.name, "wq1.0");
	strcpy(w.path, fifo);
	return w;
}

static void test_portal_write_path_when_mmap_is_refused(void **state)
{
	struct ziaa_hw_wq w = queue(1);
	struct ziaa_device *dev;
	uint8_t desc[64] __attribute__((aligned(64))), back[64];
	int rd;

	(void)state;
	rd = open(fifo, O_RDWR | O_NONBLOCK); /* keeps the FIFO open for reading */
	assert_true(rd >= 0);
	mmap_errno = EPERM;
	dev = ziaa_hw_open_wqs(&w, 1);
	mmap_errno = 0;
	assert_non_null(dev);
	assert_string_equal(dev->name, "iax1/wq1.0");
	assert_int_equal(dev->max_transfer_size, 2u << 20);
	for (int i = 0; i < 64; i++)
		desc[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(dev->ops->submit(dev, desc), ZIAA_OK);
	assert_int_equal(read(rd, back, sizeof(back)), 64);
	assert_memory_equal(back, desc, 64);
	dev->ops->close(dev);
	close(rd);
}

static void test_portal_other_mmap_errors_make_the_queue_unusable(void **state)
{
	struct ziaa_hw_wq w = queue(0);

	(void)state;
	mmap_errno = ENODEV;
	assert_null(ziaa_hw_open_wqs(&w, 1));
	mmap_errno = 0;
	w.verdict = ZIAA_WQ_NO_PERMISSION;
	assert_null(ziaa_hw_open_wqs(&w, 1)); /* only USABLE queues are opened */
}

static void test_portal_wait_sees_status_and_times_out(void **state)
{
	struct ziaa_hw_wq w = queue(1);
	struct ziaa_device *dev;
	static uint8_t crec[64] __attribute__((aligned(64)));
	int rd = open(fifo, O_RDWR | O_NONBLOCK);

	(void)state;
	mmap_errno = EPERM;
	dev = ziaa_hw_open_wqs(&w, 1);
	mmap_errno = 0;
	assert_non_null(dev);
	crec[0] = 0;
	assert_int_equal(dev->ops->wait(dev, crec, 2000000), ZIAA_ERR_TIMEOUT);
	crec[0] = 1;
	assert_int_equal(dev->ops->wait(dev, crec, 2000000), ZIAA_OK);
	dev->ops->close(dev);
	close(rd);
}

/* A child never submits through its parent's queue. */
static void test_portal_child_after_fork_is_refused(void **state)
{
	struct ziaa_hw_wq w = queue(1);
	struct ziaa_device *dev;
	uint8_t desc[64] __attribute__((aligned(64))) = { 0 };
	int rd = open(fifo, O_RDWR | O_NONBLOCK), status;
	pid_t pid;

	(void)state;
	mmap_errno = EPERM;
	dev = ziaa_hw_open_wqs(&w, 1);
	mmap_errno = 0;
	assert_non_null(dev);
	pid = fork();
	if (pid == 0)
		_exit(dev->ops->submit(dev, desc) == ZIAA_ERR_GONE ? 0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(dev->ops->submit(dev, desc), ZIAA_OK);
	dev->ops->close(dev);
	close(rd);
}

static void test_portal_movdir64b_encoding(void **state)
{
	uint8_t src[64] __attribute__((aligned(64))), dst[64] __attribute__((aligned(64)));

	(void)state;
	if (!(ziaa_hw_cpu_features() & ZIAA_CPU_MOVDIR64B)) {
		print_message("this CPU has no MOVDIR64B: encoding not exercised here\n");
		skip();
	}
	for (int i = 0; i < 64; i++) {
		src[i] = (uint8_t)(255 - i);
		dst[i] = 0;
	}
	ziaa_hw_movdir64b(dst, src);
	__asm__ volatile("sfence" ::: "memory");
	assert_memory_equal(dst, src, 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_portal_write_path_when_mmap_is_refused),
		cmocka_unit_test(test_portal_other_mmap_errors_make_the_queue_unusable),
		cmocka_unit_test(test_portal_wait_sees_status_and_times_out),
		cmocka_unit_test(test_portal_child_after_fork_is_refused),
		cmocka_unit_test(test_portal_movdir64b_encoding),
	};

	return cmocka_run_group_tests_name("iaa/hw/portal", tests, setup, teardown);
}
