/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/hw/test_portal.c - submission and completion without an IAA device
 *
 * The portal code is linked statically into this test, so the mmap() below stands
 * in for the kernel's: it can refuse the portal with EPERM as INTEL-SA-01084
 * kernels do, which sends descriptors through write() - here into a FIFO, where
 * the test reads them back - or hand out ordinary memory as the portal, which
 * MOVDIR64B then writes where the CPU has it. No job ever completes by itself:
 * the tests write the status bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "iaa/crec.h"
#include "iaa/device.h"
#include "iaa/hw/hw_backend.h"

static int mmap_errno; /* non-zero: the next mmap() fails with it */
static int mmap_anon;  /* non-zero: the portal is an anonymous page */
static void *last_map; /* what the last successful mmap() returned */

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (mmap_errno) {
		errno = mmap_errno;
		return MAP_FAILED;
	}
	if (mmap_anon)
		last_map = (void *)syscall(SYS_mmap, addr, len, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	else
		last_map = (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
	return last_map;
}

static char dir[] = "/tmp/ziaa-portal-XXXXXX", fifo[64], fifo2[64];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(fifo, sizeof(fifo), "%s/wq1.0", dir);
	snprintf(fifo2, sizeof(fifo2), "%s/wq1.1", dir);
	return mkfifo(fifo, 0600) || mkfifo(fifo2, 0600);
}

static int teardown(void **state)
{
	(void)state;
	unlink(fifo);
	unlink(fifo2);
	rmdir(dir);
	return 0;
}

/* Jobs for the slot tests: a descriptor naming its own completion record. */
struct job {
	struct iaa_hw_desc desc;
	struct iaa_hw_crec cr;
};

static void job_init(struct job *j, uint8_t tag)
{
	memset(j, 0, sizeof(*j));
	j->desc.flags_opcode = IAA_OP_NOOP << 24 | IAA_OPF_CRAV | IAA_OPF_RCR;
	j->desc.completion_addr = (uintptr_t)&j->cr;
	j->desc.src1_size = tag; /* to tell the descriptors apart when read back */
}

/* The queue's device over the FIFO path, with mmap() refused: the write() path. */
static struct ziaa_device *open_write_path(struct ziaa_hw_wq *w, int n)
{
	struct ziaa_device *dev;

	mmap_errno = EPERM;
	dev = ziaa_hw_open_wqs(w, n);
	mmap_errno = 0;
	assert_non_null(dev);
	return dev;
}

/* The tag of the next descriptor in the FIFO behind rd, or -1 when it is empty. */
static int next_tag(int rd)
{
	struct iaa_hw_desc d;

	if (read(rd, &d, sizeof(d)) != (ssize_t)sizeof(d))
		return -1;
	return (int)d.src1_size;
}

/* Completes a job from another thread, after a delay, and waits for it there. */
struct late {
	struct ziaa_device *dev;
	struct job *job;
	long delay_ms;
	uint64_t timeout_ns;
	int ret;
};

static void *complete_late(void *arg)
{
	struct late *l = arg;
	struct timespec nap = { l->delay_ms / 1000, (l->delay_ms % 1000) * 1000000 };

	nanosleep(&nap, NULL);
	__atomic_store_n((uint8_t *)&l->job->cr.status, IAA_ST_SUCCESS, __ATOMIC_RELEASE);
	if (l->dev)
		l->ret = l->dev->ops->wait(l->dev, &l->job->cr, l->timeout_ns);
	return NULL;
}

/* The job is waited for on another thread than the one that submitted it. */
static int wait_elsewhere(struct ziaa_device *dev, struct job *j)
{
	struct late l = { dev, j, 0, 1000000000u, -100 };
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, complete_late, &l), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	return l.ret;
}

/* Marks in fds[] which of the first 1024 fds this process has open on path. */
static void fds_on(const char *path, char fds[1024])
{
	char link[64], target[128];

	for (int fd = 0; fd < 1024; fd++) {
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		fds[fd] = n > 0 && (target[n] = '\0', strcmp(target, path) == 0);
	}
}

/* The one fd on path that is open now and was not in before[], or -1. */
static int new_fd_on(const char *path, const char before[1024])
{
	char now[1024];
	int found = -1;

	fds_on(path, now);
	for (int fd = 0; fd < 1024; fd++)
		if (now[fd] && !before[fd])
			found = found < 0 ? fd : -2;
	return found;
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

/* A probed verdict of USABLE_WRITE (mmap refused) is a queue to open too. */
static void test_portal_usable_write_verdict_is_opened(void **state)
{
	struct ziaa_hw_wq w = queue(1);
	struct ziaa_device *dev;

	(void)state;
	w.verdict = ZIAA_WQ_USABLE_WRITE;
	dev = open_write_path(&w, 1);
	assert_string_equal(dev->name, "iax1/wq1.0");
	dev->ops->close(dev);
}

static void test_portal_max_transfer_default_and_clamp(void **state)
{
	struct ziaa_hw_wq w = queue(1);
	struct ziaa_device *dev;

	(void)state;
	w.max_transfer_size = 0; /* not reported: the kernel's 2 MiB default */
	dev = open_write_path(&w, 1);
	assert_int_equal(dev->max_transfer_size, IAA_WQ_DEFAULT_MAX_XFER);
	dev->ops->close(dev);
	w.max_transfer_size = 1ull << 33; /* beyond the 32-bit size fields */
	dev = open_write_path(&w, 1);
	assert_int_equal(dev->max_transfer_size, UINT32_MAX);
	dev->ops->close(dev);
}

/* write() on a dedicated queue: no more jobs than the queue holds, and a job's
 * slot comes back when any thread sees it complete. */
static void test_portal_dedicated_write_path_holds_a_slot_per_job(void **state)
{
	struct ziaa_hw_wq w = queue(0);
	struct ziaa_device *dev;
	static struct job a, b, c;
	int rd = open(fifo, O_RDWR | O_NONBLOCK);

	(void)state;
	w.size = 2;
	dev = open_write_path(&w, 1);
	job_init(&a, 1);
	job_init(&b, 2);
	job_init(&c, 3);
	assert_int_equal(dev->ops->submit(dev, &a.desc), ZIAA_OK);
	assert_int_equal(dev->ops->submit(dev, &b.desc), ZIAA_OK);
	assert_int_equal(dev->ops->submit(dev, &c.desc), ZIAA_ERR_BUSY);
	assert_int_equal(next_tag(rd), 1);
	assert_int_equal(next_tag(rd), 2);
	assert_int_equal(next_tag(rd), -1); /* the busy job never reached the kernel */
	assert_int_equal(wait_elsewhere(dev, &a), ZIAA_OK);
	assert_int_equal(dev->ops->submit(dev, &c.desc), ZIAA_OK);
	assert_int_equal(next_tag(rd), 3);
	assert_int_equal(dev->ops->submit(dev, &a.desc), ZIAA_ERR_BUSY);
	/* a job without a completion record could never give its slot back */
	a.desc.completion_addr = 0;
	b.cr.status = IAA_ST_SUCCESS;
	assert_int_equal(dev->ops->wait(dev, &b.cr, 1000000), ZIAA_OK);
	assert_int_equal(dev->ops->submit(dev, &a.desc), ZIAA_ERR_INVALID);
	dev->ops->close(dev);
	close(rd);
}

/* MOVDIR64B on a dedicated queue: the same accounting. */
static void test_portal_dedicated_portal_holds_a_slot_per_job(void **state)
{
	struct ziaa_hw_wq w = queue(0);
	struct ziaa_device *dev;
	static struct job a, b, c;

	(void)state;
	if (!(ziaa_hw_cpu_features() & ZIAA_CPU_MOVDIR64B)) {
		print_message("this CPU has no MOVDIR64B: the dedicated portal is not exercised here\n");
		skip();
	}
	w.size = 2;
	mmap_anon = 1;
	dev = ziaa_hw_open_wqs(&w, 1);
	mmap_anon = 0;
	assert_non_null(dev);
	job_init(&a, 1);
	job_init(&b, 2);
	job_init(&c, 3);
	assert_int_equal(dev->ops->submit(dev, &a.desc), ZIAA_OK);
	assert_int_equal(dev->ops->submit(dev, &b.desc), ZIAA_OK);
	__asm__ volatile("sfence" ::: "memory");
	assert_memory_equal(last_map, &b.desc, 64);
	assert_int_equal(dev->ops->submit(dev, &c.desc), ZIAA_ERR_BUSY);
	assert_int_equal(wait_elsewhere(dev, &b), ZIAA_OK);
	assert_int_equal(dev->ops->submit(dev, &c.desc), ZIAA_OK);
	__asm__ volatile("sfence" ::: "memory");
	assert_memory_equal(last_map, &c.desc, 64);
	dev->ops->close(dev);
}

/* A busy queue hands the job to another, and the thread moves on with it. */
static void test_portal_busy_queue_spills_to_another(void **state)
{
	struct ziaa_hw_wq w[2] = { queue(0), queue(0) };
	struct ziaa_device *dev;
	static struct job a, b, c, d;
	int rd = open(fifo, O_RDWR | O_NONBLOCK), rd2 = open(fifo2, O_RDWR | O_NONBLOCK);

	(void)state;
	for (int i = 0; i < 2; i++) {
		w[i].size = 1;
		w[i].numa_node = -1; /* any node: the order is the round-robin's alone */
	}
	strcpy(w[1].name, "wq1.1");
	strcpy(w[1].path, fifo2);
	dev = open_write_path(w, 2);
	assert_string_equal(dev->name, "iax1/wq1.0+");
	job_init(&a, 1);
	job_init(&b, 2);
	job_init(&c, 3);
	job_init(&d, 4);
	assert_int_equal(dev->ops->submit(dev, &a.desc), ZIAA_OK); /* wq1.0 */
	assert_int_equal(dev->ops->submit(dev, &b.desc), ZIAA_OK); /* spills to wq1.1 */
	assert_int_equal(next_tag(rd), 1);
	assert_int_equal(next_tag(rd2), 2);
	assert_int_equal(dev->ops->submit(dev, &c.desc), ZIAA_ERR_BUSY); /* both full */
	assert_int_equal(next_tag(rd), -1);
	assert_int_equal(next_tag(rd2), -1);
	/* the thread moved on from wq1.1, where its last job went: with both queues
	 * free again, its next job goes to wq1.0 */
	assert_int_equal(wait_elsewhere(dev, &a), ZIAA_OK);
	assert_int_equal(wait_elsewhere(dev, &b), ZIAA_OK);
	assert_int_equal(dev->ops->submit(dev, &d.desc), ZIAA_OK);
	assert_int_equal(next_tag(rd), 4);
	assert_int_equal(next_tag(rd2), -1);
	dev->ops->close(dev);
	close(rd);
	close(rd2);
}

/* A job that never completes retires the device: its slot stays taken, and nothing
 * more is submitted to it. */
static void test_portal_lost_job_retires_the_device(void **state)
{
	struct ziaa_hw_wq w = queue(0);
	struct ziaa_device *dev;
	static struct job a, b;
	int rd = open(fifo, O_RDWR | O_NONBLOCK);

	(void)state;
	w.size = 1;
	dev = open_write_path(&w, 1);
	job_init(&a, 1);
	job_init(&b, 2);
	assert_int_equal(ziaa_device_run(dev, &a.desc, &a.cr, 2000000), ZIAA_ERR_LOST);
	assert_true(ziaa_device_retired(dev));
	assert_int_equal(next_tag(rd), 1);
	assert_int_equal(dev->ops->submit(dev, &b.desc), ZIAA_ERR_GONE);
	assert_int_equal(ziaa_device_run(dev, &b.desc, &b.cr, 2000000), ZIAA_ERR_GONE);
	assert_int_equal(next_tag(rd), -1);
	dev->ops->close(dev);
	close(rd);
}

/* The kernel refusing the descriptor (EFAULT, EINVAL) is not a busy queue. */
static void test_portal_write_refused_is_invalid(void **state)
{
	struct ziaa_hw_wq w = queue(1);
	struct ziaa_device *dev;
	void *gone = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int rd = open(fifo, O_RDWR | O_NONBLOCK);

	(void)state;
	assert_true(gone != MAP_FAILED);
	munmap(gone, 4096);
	dev = open_write_path(&w, 1);
	assert_int_equal(dev->ops->submit(dev, gone), ZIAA_ERR_INVALID);
	dev->ops->close(dev);
	close(rd);
}

/* A bound near UINT64_MAX must not wrap the deadline into the past. */
static void test_portal_wait_deadline_saturates(void **state)
{
	struct ziaa_hw_wq w = queue(1);
	struct ziaa_device *dev;
	static struct job a;
	struct late l = { NULL, &a, 20, 0, 0 };
	pthread_t t;

	(void)state;
	dev = open_write_path(&w, 1);
	job_init(&a, 1);
	assert_int_equal(pthread_create(&t, NULL, complete_late, &l), 0);
	assert_int_equal(dev->ops->wait(dev, &a.cr, UINT64_MAX), ZIAA_OK);
	assert_int_equal(pthread_join(t, NULL), 0);
	a.cr.status = 0;
	l = (struct late){ NULL, &a, 20, 0, 0 };
	assert_int_equal(pthread_create(&t, NULL, complete_late, &l), 0);
	assert_int_equal(dev->ops->wait(dev, &a.cr, UINT64_MAX - 1000), ZIAA_OK);
	assert_int_equal(pthread_join(t, NULL), 0);
	dev->ops->close(dev);
}

/* After fork() the child holds neither the queue's fd (a dedicated queue would stay
 * exclusively open) nor its portal; the parent keeps both. */
static void test_portal_child_closes_inherited_queues(void **state)
{
	struct ziaa_hw_wq w[2] = { queue(0), queue(0) };
	struct ziaa_device *dev, *dev2;
	static struct job a;
	char before[1024], before2[1024];
	int fd, fd2, status;
	void *portal;
	pid_t pid;

	(void)state;
	strcpy(w[1].name, "wq1.1");
	strcpy(w[1].path, fifo2);
	fds_on(fifo, before);
	fds_on(fifo2, before2);
	mmap_errno = EPERM;
	dev = ziaa_hw_open_wqs(&w[0], 1); /* write() path */
	mmap_errno = 0;
	assert_non_null(dev);
	mmap_anon = 1;
	last_map = NULL;
	dev2 = ziaa_hw_open_wqs(&w[1], 1); /* a mapped portal */
	mmap_anon = 0;
	assert_non_null(dev2);
	portal = last_map;
	assert_non_null(portal);
	fd = new_fd_on(fifo, before);
	fd2 = new_fd_on(fifo2, before2);
	assert_true(fd >= 0 && fd2 >= 0);
	job_init(&a, 1);
	pid = fork();
	if (pid == 0) {
		int bad = 0;

		bad |= !(fcntl(fd, F_GETFD) == -1 && errno == EBADF);
		bad |= !(fcntl(fd2, F_GETFD) == -1 && errno == EBADF) << 1;
		bad |= !(msync(portal, 4096, MS_ASYNC) == -1 && errno == ENOMEM) << 2;
		bad |= (dev->ops->submit(dev, &a.desc) != ZIAA_ERR_GONE) << 3;
		_exit(bad);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_not_equal(fcntl(fd, F_GETFD), -1);
	assert_int_not_equal(fcntl(fd2, F_GETFD), -1);
	assert_int_equal(msync(portal, 4096, MS_ASYNC), 0);
	dev->ops->close(dev);
	dev2->ops->close(dev2);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
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
		cmocka_unit_test(test_portal_usable_write_verdict_is_opened),
		cmocka_unit_test(test_portal_max_transfer_default_and_clamp),
		cmocka_unit_test(test_portal_dedicated_write_path_holds_a_slot_per_job),
		cmocka_unit_test(test_portal_dedicated_portal_holds_a_slot_per_job),
		cmocka_unit_test(test_portal_busy_queue_spills_to_another),
		cmocka_unit_test(test_portal_lost_job_retires_the_device),
		cmocka_unit_test(test_portal_write_refused_is_invalid),
		cmocka_unit_test(test_portal_wait_deadline_saturates),
		cmocka_unit_test(test_portal_child_closes_inherited_queues),
		cmocka_unit_test(test_portal_other_mmap_errors_make_the_queue_unusable),
		cmocka_unit_test(test_portal_wait_sees_status_and_times_out),
		cmocka_unit_test(test_portal_child_after_fork_is_refused),
		cmocka_unit_test(test_portal_movdir64b_encoding),
	};

	return cmocka_run_group_tests_name("iaa/hw/portal", tests, setup, teardown);
}
