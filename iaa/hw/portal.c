/* SPDX-License-Identifier: Zlib */
/*
 * iaa/hw/portal.c - submit descriptors to IAA work queues and wait for completions
 *
 * The hardware backend's ops (iaa/device.h). Each usable work queue is opened and its
 * 4 KB portal mapped (digest §2.2); where the kernel refuses the mapping with EPERM
 * (INTEL-SA-01084), descriptors go through write(fd, desc, 64) instead. Shared
 * queues take ENQCMD with bounded retry and backoff, dedicated queues MOVDIR64B
 * with occupancy accounting (digest §2.3). Completion is polled with PAUSE, or
 * UMONITOR/UMWAIT where the CPU has WAITPKG, until a deadline (§2.4).
 *
 * Threads spread over the queues of their NUMA node: each thread picks a queue
 * round-robin at its first job and keeps it. After fork() the child never touches
 * the parent's descriptors: device.c forgets the device and this file's owner check
 * refuses a queue opened by another process.
 */
#include "iaa/device.h"
#include "iaa/hw/hw_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* Tunables. More retries ride out longer bursts of a full shared queue but delay
 * the software fallback; the kernel's own ENQCMDS default is 32 (digest §2.3). */
#define ENQCMD_RETRIES 32
#define WRITE_RETRIES 32
#define MAX_QUEUES 16
#define PORTAL_SIZE 4096
/* UMWAIT slice, in TSC ticks: short enough to re-check the deadline often. */
#define UMWAIT_TICKS 100000

struct queue {
	int fd;
	void *portal;              /* NULL: submit with write() */
	int shared;
	uint32_t size;             /* dedicated: descriptors the queue can hold */
	uint32_t inflight;         /* dedicated: submitted, completion not yet seen */
	int numa_node;
	char name[48];
};

struct hw {
	struct queue q[MAX_QUEUES];
	int nq;
	unsigned cpu;
	pid_t owner;
	uint64_t id;               /* unique per opened device, for threads' caches */
	unsigned next;             /* round-robin cursor for threads' first jobs */
};

/* The queue this thread uses, valid while my_id names the device and my_pid is us
 * (a device's address may be reused after close; its id is not). */
static uint64_t next_id = 1;
static __thread struct queue *my_queue;
static __thread uint64_t my_id;
static __thread pid_t my_pid;

/* ---- instructions, as bytes: no assembler support needed ------------------------- */

/* ENQCMD [rdx] -> portal in rax (F2 0F 38 F8 /r, ModRM 02); ZF=1: not accepted. */
static int enqcmd(void *portal, const void *desc)
{
	uint8_t retry;

	__asm__ volatile(".byte 0xf2, 0x0f, 0x38, 0xf8, 0x02\n\tsetz %0"
			 : "=r"(retry)
			 : "a"(portal), "d"(desc)
			 : "memory", "cc");
	return retry;
}

/* MOVDIR64B [rdx] -> 64 bytes at rax (66 0F 38 F8 /r, ModRM 02): a posted write. */
void ziaa_hw_movdir64b(void *dst, const void *src)
{
	__asm__ volatile(".byte 0x66, 0x0f, 0x38, 0xf8, 0x02" : : "a"(dst), "d"(src) : "memory");
}

/* UMONITOR rax (F3 REX.W 0F AE /6); UMWAIT ecx, deadline edx:eax (F2 REX.W 0F AE /6). */
static void umwait_on(const volatile void *addr, uint64_t deadline)
{
	__asm__ volatile(".byte 0xf3, 0x48, 0x0f, 0xae, 0xf0" : : "a"(addr) : "memory");
	/* state 0 in ecx: C0.2, the lighter sleep; the deadline bounds it anyway */
	__asm__ volatile(".byte 0xf2, 0x48, 0x0f, 0xae, 0xf1"
			 :
			 : "c"(0), "a"((uint32_t)deadline), "d"((uint32_t)(deadline >> 32))
			 : "memory", "cc");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- choosing a queue ---------------------------------------------------------- */

static struct queue *pick(struct hw *h)
{
	unsigned cpu, node = 0, start, k;

	if (my_queue && my_id == h->id && my_pid == h->owner)
		return my_queue;
	if (getcpu(&cpu, &node) != 0)
		node = 0;
	start = __atomic_fetch_add(&h->next, 1, __ATOMIC_RELAXED);
	/* the local NUMA node first, then any queue */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < h->nq; i++) {
			k = (start + (unsigned)i) % (unsigned)h->nq;
			if (pass == 1 || h->q[k].numa_node == (int)node || h->q[k].numa_node < 0) {
				my_queue = &h->q[k];
				my_id = h->id;
				my_pid = h->owner;
				return my_queue;
			}
		}
	return &h->q[0];
}

/* ---- ops ------------------------------------------------------------------------ */

static int submit_write(struct queue *q, const void *desc)
{
	for (int i = 0; i < WRITE_RETRIES; i++) {
		ssize_t n = write(q->fd, desc, 64);

		if (n == 64)
			return ZIAA_OK;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return errno == ENODEV || errno == EBADF || errno == EPERM ? ZIAA_ERR_GONE
										 : ZIAA_ERR_BUSY;
		sched_yield();
	}
	return ZIAA_ERR_BUSY;
}

static int hw_submit(struct ziaa_device *dev, const void *desc)
{
	struct hw *h = dev->priv;
	struct queue *q;

	if (h->owner != getpid())
		return ZIAA_ERR_GONE;
	q = pick(h);
	/* Descriptor, zeroed completion record, AECS and input were written with ordinary
	 * stores; ENQCMD/MOVDIR64B are weakly ordered against them, so fence first. */
	__asm__ volatile("sfence" ::: "memory");
	if (!q->portal)
		return submit_write(q, desc);
	if (q->shared) {
		for (unsigned i = 0, spin = 1; i < ENQCMD_RETRIES; i++, spin <<= 1) {
			if (!enqcmd(q->portal, desc))
				return ZIAA_OK;
			for (unsigned s = 0; s < spin && s < 4096; s++)
				__builtin_ia32_pause();
		}
		return ZIAA_ERR_BUSY;
	}
	/* A dedicated queue gives no back-pressure: never exceed its size. */
	if (__atomic_fetch_add(&q->inflight, 1, __ATOMIC_ACQ_REL) >= q->size) {
		__atomic_fetch_sub(&q->inflight, 1, __ATOMIC_RELAXED);
		return ZIAA_ERR_BUSY;
	}
	ziaa_hw_movdir64b(q->portal, desc);
	return ZIAA_OK;
}

static int hw_wait(struct ziaa_device *dev, const volatile void *crec, uint64_t timeout_ns)
{
	struct hw *h = dev->priv;
	const volatile uint8_t *status = crec;
	uint64_t deadline = now_ns() + timeout_ns;
	/* the queue this thread submitted to (submit and wait run on one thread) */
	struct queue *q = my_id == h->id ? my_queue : NULL;

	for (unsigned i = 0;; i++) {
		if (*status != 0) {
			/* later reads of the record must not move before the status read */
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (q && !q->shared && q->portal)
				__atomic_fetch_sub(&q->inflight, 1, __ATOMIC_RELAXED);
			return ZIAA_OK;
		}
		if (h->cpu & ZIAA_CPU_WAITPKG)
			umwait_on(status, __builtin_ia32_rdtsc() + UMWAIT_TICKS);
		else
			__builtin_ia32_pause();
		if ((i & 63) == 63 && now_ns() > deadline)
			return ZIAA_ERR_TIMEOUT;
	}
}

static void hw_close(struct ziaa_device *dev)
{
	struct hw *h = dev->priv;

	if (h->owner != getpid())
		return; /* the parent's resources: not ours to release */
	for (int i = 0; i < h->nq; i++) {
		if (h->q[i].portal)
			munmap(h->q[i].portal, PORTAL_SIZE);
		close(h->q[i].fd);
	}
	free(h);
	free(dev);
}

static const struct ziaa_device_ops hw_ops = { hw_submit, hw_wait, hw_close };

/* ---- opening -------------------------------------------------------------------- */

static int open_queue(struct queue *q, const struct ziaa_hw_wq *w)
{
	q->fd = open(w->path, O_RDWR | O_CLOEXEC);
	if (q->fd < 0)
		return -1;
	q->portal = mmap(NULL, PORTAL_SIZE, PROT_WRITE, MAP_SHARED | MAP_POPULATE, q->fd, 0);
	if (q->portal == MAP_FAILED) {
		if (errno != EPERM) {
			close(q->fd);
			return -1;
		}
		q->portal = NULL; /* INTEL-SA-01084: write() instead */
	}
	q->shared = w->shared;
	q->size = w->size ? (uint32_t)w->size : 1;
	q->numa_node = w->numa_node;
	snprintf(q->name, sizeof(q->name), "%s/%s", w->device, w->name);
	return 0;
}

struct ziaa_device *ziaa_hw_open(void)
{
	struct ziaa_hw_wq wqs[MAX_QUEUES];
	const char *why;
	int n = ziaa_hw_discover(wqs, MAX_QUEUES, 0, &why);

	return n > 0 ? ziaa_hw_open_wqs(wqs, n < MAX_QUEUES ? n : MAX_QUEUES) : NULL;
}

struct ziaa_device *ziaa_hw_open_wqs(const struct ziaa_hw_wq *wqs, int n)
{
	struct ziaa_device *dev;
	struct hw *h;
	uint64_t max_xfer = UINT64_MAX;

	h = calloc(1, sizeof(*h));
	dev = calloc(1, sizeof(*dev));
	if (!h || !dev)
		goto fail;
	h->cpu = ziaa_hw_cpu_features();
	h->owner = getpid();
	h->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < n && i < MAX_QUEUES; i++) {
		if (wqs[i].verdict != ZIAA_WQ_USABLE || open_queue(&h->q[h->nq], &wqs[i]) != 0)
			continue;
		if (wqs[i].max_transfer_size && wqs[i].max_transfer_size < max_xfer)
			max_xfer = wqs[i].max_transfer_size;
		if (h->nq == 0 || wqs[i].version < dev->version)
			dev->version = wqs[i].version;
		h->nq++;
	}
	if (h->nq == 0)
		goto fail;
	dev->ops = &hw_ops;
	dev->backend = ZIAA_BACKEND_HW;
	dev->max_transfer_size = max_xfer;
	dev->priv = h;
	snprintf(dev->name, sizeof(dev->name), "%s%s", h->q[0].name, h->nq > 1 ? "+" : "");
	return dev;
fail:
	free(h);
	free(dev);
	return NULL;
}
