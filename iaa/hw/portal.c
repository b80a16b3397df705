/* SPDX-License-Identifier: Zlib */
/*
 * iaa/hw/portal.c - submit descriptors to IAA work queues and wait for completions
 *
 * The hardware backend's ops (iaa/device.h). Each usable work queue is opened and its
 * 4 KB portal mapped (digest §2.2); where the kernel refuses the mapping with EPERM
 * (INTEL-SA-01084), descriptors go through write(fd, desc, 64) instead. Shared
 * queues take ENQCMD with bounded retry and backoff (digest §2.3). A dedicated queue
 * gives no back-pressure, through MOVDIR64B or write() alike (§2.3, §11.9), so it has
 * one slot per entry: a job holds a slot, named by its completion record's address,
 * from submission until a wait sees it complete, on whichever thread that wait runs.
 * Completion is polled with PAUSE, or UMONITOR/UMWAIT where the CPU has WAITPKG,
 * until a deadline (§2.4).
 *
 * Threads spread over the queues of their NUMA node: each thread picks a queue
 * round-robin at its first job and keeps it while it takes work; a job it refuses
 * as busy is offered once to every other queue, local node first, and the thread
 * moves on to the queue that took it. After fork() the child's atfork handler closes
 * the inherited queue fds and frees its copy of the state, without device access:
 * the PASID belongs to the parent's mm (§2.1, §11.11), and a dedicated queue stays
 * exclusively open for as long as any process holds its fd.
 */
#include "iaa/device.h"
#include "iaa/hw.h"
#include "iaa/hw/hw_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
/* Slots per dedicated queue; a larger queue is filled only this far. A slot costs
 * 8 bytes, and a step of the scan that frees a job's slot when its wait runs on
 * another thread (or it went to a shared queue of a device with dedicated ones). */
#define DEDICATED_SLOTS_MAX 1024
/* Queues the first discovery reads; a machine with more costs a second pass. */
#define DISCOVER_FIRST 64
#define PORTAL_SIZE 4096
/* UMWAIT slice, in TSC ticks: short enough to re-check the deadline often. */
#define UMWAIT_TICKS 100000

struct queue {
	int fd;
	void *portal;              /* NULL: submit with write() */
	int portal_dontfork;       /* MADV_DONTFORK took: a child never has the mapping */
	int shared;
	uint32_t size;             /* dedicated: slots, the descriptors it may hold */
	uint64_t *slot;            /* dedicated: completion-record address per held slot,
				    * 0 when free (atomic) */
	int numa_node;
	char name[48];
};

struct hw {
	struct queue q[MAX_QUEUES];
	int nq;
	int ndedicated;
	unsigned cpu;
	unsigned long gen;         /* fork generation when opened */
	uint64_t id;               /* unique per opened device, for threads' caches */
	unsigned next;             /* round-robin cursor for threads' first jobs */
	struct ziaa_device *dev;
	struct hw *link;           /* open_list */
};

/* Every open device, for the atfork child handler; the prepare handler holds the
 * lock across fork() so the child never sees the list half-linked. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hw *open_list;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
/* Bumped in every child after fork(): a device opened in another generation was
 * opened by another process (atomic; cheaper than getpid() on every job). */
static unsigned long fork_gen;
static uint64_t next_id = 1;

/* The queue this thread uses, valid while my_id names the device (a device's address
 * may be reused after close; its id is not, not even across fork()). */
static __thread struct queue *my_queue;
static __thread uint64_t my_id;
/* The last job this thread submitted to a dedicated queue: its wait on this thread
 * then finds the slot without a scan. Only a hint: a wait elsewhere scans. */
static __thread uint64_t last_id, last_key;
static __thread struct queue *last_queue;
static __thread uint32_t last_slot;

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
static void umwait_on(const volatile uint8_t *status, uint64_t deadline)
{
	__asm__ volatile(".byte 0xf3, 0x48, 0x0f, 0xae, 0xf0" : : "a"(status) : "memory");
	/* A completion written after the caller's check but before the monitor was armed
	 * would never wake UMWAIT: check again now that it is (digest §2.4). */
	if (*status != 0)
		return;
	/* ecx bit 0 = 1: C0.1, the lighter state, which wakes faster than C0.2. A job
	 * takes microseconds, so the wake-up latency costs more than C0.2 would save;
	 * the TSC deadline bounds the nap either way. */
	__asm__ volatile(".byte 0xf2, 0x48, 0x0f, 0xae, 0xf1"
			 :
			 : "c"(1), "a"((uint32_t)deadline), "d"((uint32_t)(deadline >> 32))
			 : "memory", "cc");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* now + timeout, saturating: a huge bound (UINT64_MAX: none) must not wrap into
 * the past and time out at once. */
static uint64_t deadline_after(uint64_t now, uint64_t timeout)
{
	return timeout > UINT64_MAX - now ? UINT64_MAX : now + timeout;
}

/* ---- choosing a queue ---------------------------------------------------------- */

static int local_node(void)
{
	unsigned cpu, node = 0;

	if (getcpu(&cpu, &node) != 0)
		return 0;
	return (int)node;
}

static int is_local(const struct queue *q, int node)
{
	return q->numa_node == node || q->numa_node < 0;
}

static struct queue *pick(struct hw *h)
{
	unsigned start, k;
	int node;

	if (my_queue && my_id == h->id)
		return my_queue;
	node = local_node();
	start = __atomic_fetch_add(&h->next, 1, __ATOMIC_RELAXED);
	my_id = h->id;
	/* the local NUMA node first, then any queue */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < h->nq; i++) {
			k = (start + (unsigned)i) % (unsigned)h->nq;
			if (pass == 1 || is_local(&h->q[k], node))
				return my_queue = &h->q[k];
		}
	return my_queue = &h->q[0];
}

/* ---- dedicated-queue slots ------------------------------------------------------ */

static int claim(struct queue *q, uint64_t key, uint32_t *slot)
{
	for (uint32_t i = 0; i < q->size; i++) {
		uint64_t free_slot = 0;

		if (__atomic_load_n(&q->slot[i], __ATOMIC_RELAXED) == 0 &&
		    __atomic_compare_exchange_n(&q->slot[i], &free_slot, key, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED)) {
			*slot = i;
			return 1;
		}
	}
	return 0;
}

static int give_back(uint64_t *slot, uint64_t key)
{
	return __atomic_compare_exchange_n(slot, &key, 0, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

/* The job whose completion record is at key has completed: free its slot, if it
 * holds one. Only one job at a time can use a completion record, so the slot that
 * holds key is that job's. */
static void release(struct hw *h, uint64_t key)
{
	if (!h->ndedicated)
		return;
	if (last_id == h->id && last_key == key) {
		last_key = 0;
		if (give_back(&last_queue->slot[last_slot], key))
			return;
	}
	for (int i = 0; i < h->nq; i++)
		for (uint32_t k = 0; !h->q[i].shared && k < h->q[i].size; k++)
			if (give_back(&h->q[i].slot[k], key))
				return;
}

/* ---- ops ------------------------------------------------------------------------ */

static int submit_write(struct queue *q, const void *desc, int tries)
{
	for (int i = 0; i < tries; i++) {
		ssize_t n = write(q->fd, desc, IAA_DESC_SIZE);

		if (n == IAA_DESC_SIZE)
			return ZIAA_OK;
		if (n < 0) {
			switch (errno) {
			case EAGAIN:
			case EINTR:
				break;
			case ENODEV:
			case EBADF:
			case EPERM:
				return ZIAA_ERR_GONE;
			case EINVAL: /* e.g. the completion record not 64-byte aligned (§11.2) */
			case EFAULT:
				return ZIAA_ERR_INVALID;
			default:
				return ZIAA_ERR_BUSY;
			}
		}
		sched_yield();
	}
	return ZIAA_ERR_BUSY;
}

static int submit_enqcmd(struct queue *q, const void *desc, int tries)
{
	for (unsigned i = 0, spin = 1; i < (unsigned)tries; i++, spin <<= 1) {
		if (!enqcmd(q->portal, desc))
			return ZIAA_OK;
		for (unsigned s = 0; i + 1 < (unsigned)tries && s < spin && s < 4096; s++)
			__builtin_ia32_pause();
	}
	return ZIAA_ERR_BUSY;
}

/* One queue: with its bounded retries when persist, else a single attempt. */
static int submit_to(struct hw *h, struct queue *q, const struct iaa_hw_desc *d, int persist)
{
	/* only devices with a dedicated queue need the key (nor read the descriptor) */
	uint64_t key = h->ndedicated ? d->completion_addr : 0;
	uint32_t slot = 0;
	int ret;

	if (!q->shared) {
		/* a job without a completion record could never give its slot back */
		if (!key)
			return ZIAA_ERR_INVALID;
		if (!claim(q, key, &slot))
			return ZIAA_ERR_BUSY;
	}
	if (!q->portal) {
		ret = submit_write(q, d, persist ? WRITE_RETRIES : 1);
	} else if (q->shared) {
		ret = submit_enqcmd(q, d, persist ? ENQCMD_RETRIES : 1);
	} else {
		ziaa_hw_movdir64b(q->portal, d);
		ret = ZIAA_OK;
	}
	if (ret != ZIAA_OK) {
		if (!q->shared)
			give_back(&q->slot[slot], key);
		return ret;
	}
	if (!q->shared) {
		last_id = h->id;
		last_key = key;
		last_queue = q;
		last_slot = slot;
	}
	return ZIAA_OK;
}

static int hw_submit(struct ziaa_device *dev, const void *desc)
{
	struct hw *h = dev->priv;
	struct queue *q;
	int first, node, ret;

	/* retired: a lost job may still run (iaa/run.c); no h: a child after fork() */
	if (ziaa_device_retired(dev) || !h || h->gen != __atomic_load_n(&fork_gen, __ATOMIC_RELAXED))
		return ZIAA_ERR_GONE;
	q = pick(h);
	/* Descriptor, zeroed completion record, AECS and input were written with ordinary
	 * stores; ENQCMD/MOVDIR64B are weakly ordered against them, so fence first. */
	__asm__ volatile("sfence" ::: "memory");
	ret = submit_to(h, q, desc, 1);
	if (ret != ZIAA_ERR_BUSY || h->nq == 1)
		return ret;
	/* Busy: every other queue once, the local node first (QPL also tries each queue
	 * once before reporting busy, digest §2.3); the thread moves on with the job. */
	first = (int)(q - h->q);
	node = local_node();
	for (int pass = 0; pass < 2; pass++)
		for (int i = 1; i < h->nq; i++) {
			struct queue *o = &h->q[(first + i) % h->nq];

			if (is_local(o, node) != (pass == 0))
				continue;
			ret = submit_to(h, o, desc, 0);
			if (ret == ZIAA_OK)
				my_queue = o;
			if (ret != ZIAA_ERR_BUSY)
				return ret;
		}
	/* all busy: this thread's next job starts at the next queue */
	my_queue = &h->q[(first + 1) % h->nq];
	return ZIAA_ERR_BUSY;
}

static int hw_wait(struct ziaa_device *dev, const volatile void *crec, uint64_t timeout_ns)
{
	struct hw *h = dev->priv;
	const volatile uint8_t *status = crec;
	uint64_t deadline = deadline_after(now_ns(), timeout_ns);
	unsigned cpu = h ? h->cpu : 0;

	for (unsigned i = 0;; i++) {
		if (*status != 0) {
			/* later reads of the record must not move before the status read */
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			if (h)
				release(h, (uintptr_t)crec);
			return ZIAA_OK;
		}
		if (cpu & ZIAA_CPU_WAITPKG)
			umwait_on(status, __builtin_ia32_rdtsc() + UMWAIT_TICKS);
		else
			__builtin_ia32_pause();
		/* no completion: the job keeps its slot, and the caller retires the device */
		if ((i & 63) == 63 && now_ns() > deadline)
			return ZIAA_ERR_TIMEOUT;
	}
}

/* Close what open_queue() opened. In a child after fork() the portal is unmapped
 * only if it may have been inherited: else its address may hold another mapping. */
static void release_queues(struct hw *h, int child)
{
	for (int i = 0; i < h->nq; i++) {
		struct queue *q = &h->q[i];

		if (q->portal && !(child && q->portal_dontfork))
			munmap(q->portal, PORTAL_SIZE);
		close(q->fd);
		free(q->slot);
	}
}

static void hw_close(struct ziaa_device *dev)
{
	struct hw *h = dev->priv;

	if (h) {
		pthread_mutex_lock(&open_lock);
		for (struct hw **p = &open_list; *p; p = &(*p)->link)
			if (*p == h) {
				*p = h->link;
				break;
			}
		pthread_mutex_unlock(&open_lock);
		release_queues(h, 0);
		free(h);
	}
	free(dev);
}

static const struct ziaa_device_ops hw_ops = { hw_submit, hw_wait, hw_close };

/* ---- fork ----------------------------------------------------------------------- */

static void before_fork(void)
{
	pthread_mutex_lock(&open_lock);
}

static void parent_after_fork(void)
{
	pthread_mutex_unlock(&open_lock);
}

/* The child's copies: close the fds (a dedicated queue's exclusive open ends with
 * the parent's), free the state, and leave each device an empty shell that refuses
 * work, for pointers the child still holds. No device access, no locking. */
static void child_after_fork(void)
{
	struct hw *h = open_list, *next;

	pthread_mutex_init(&open_lock, NULL);
	__atomic_add_fetch(&fork_gen, 1, __ATOMIC_RELAXED);
	for (; h; h = next) {
		next = h->link;
		h->dev->priv = NULL;
		release_queues(h, 1);
		free(h);
	}
	open_list = NULL;
}

static void register_atfork(void)
{
	pthread_atfork(before_fork, parent_after_fork, child_after_fork);
}

/* ---- opening -------------------------------------------------------------------- */

static int open_queue(struct queue *q, const struct ziaa_hw_wq *w)
{
	memset(q, 0, sizeof(*q));
	q->fd = open(w->path, O_RDWR | O_CLOEXEC);
	if (q->fd < 0)
		return -1;
	q->shared = w->shared;
	q->size = w->size ? (uint32_t)(w->size < DEDICATED_SLOTS_MAX ? w->size : DEDICATED_SLOTS_MAX)
			  : 1;
	if (!q->shared && !(q->slot = calloc(q->size, sizeof(*q->slot)))) {
		close(q->fd);
		return -1;
	}
	q->portal = mmap(NULL, PORTAL_SIZE, PROT_WRITE, MAP_SHARED | MAP_POPULATE, q->fd, 0);
	if (q->portal == MAP_FAILED) {
		if (errno != EPERM) {
			free(q->slot);
			close(q->fd);
			return -1;
		}
		q->portal = NULL; /* INTEL-SA-01084: write() instead */
	} else {
		/* a child must not inherit the mapping: it would keep the queue open */
		q->portal_dontfork = madvise(q->portal, PORTAL_SIZE, MADV_DONTFORK) == 0;
	}
	q->numa_node = w->numa_node;
	snprintf(q->name, sizeof(q->name), "%s/%s", w->device, w->name);
	return 0;
}

struct ziaa_device *ziaa_hw_open(void)
{
	struct ziaa_hw_wq *wqs = NULL, *grown;
	struct ziaa_device *dev = NULL;
	const char *why;
	int cap = DISCOVER_FIRST, n = 0;

	/* every queue, so that unusable ones cannot crowd out usable ones; a second pass
	 * when there are more than DISCOVER_FIRST, a third if the tree grew meanwhile */
	for (int pass = 0; pass < 3; pass++) {
		grown = realloc(wqs, (size_t)cap * sizeof(*wqs));
		if (!grown)
			goto out;
		wqs = grown;
		n = ziaa_hw_discover(wqs, cap, 0, &why);
		if (n <= cap)
			break;
		cap = n;
	}
	if (n > cap)
		n = cap;
	if (n > 0)
		dev = ziaa_hw_open_wqs(wqs, n);
out:
	free(wqs);
	return dev;
}

struct ziaa_device *ziaa_hw_open_wqs(const struct ziaa_hw_wq *wqs, int n)
{
	struct ziaa_device *dev;
	struct hw *h;
	uint64_t max_xfer = UINT64_MAX;

	pthread_once(&atfork_once, register_atfork);
	h = calloc(1, sizeof(*h));
	dev = calloc(1, sizeof(*dev));
	if (!h || !dev)
		goto fail;
	h->cpu = ziaa_hw_cpu_features();
	h->gen = __atomic_load_n(&fork_gen, __ATOMIC_RELAXED);
	h->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	/* only usable queues count towards MAX_QUEUES */
	for (int i = 0; i < n && h->nq < MAX_QUEUES; i++) {
		if ((wqs[i].verdict != ZIAA_WQ_USABLE && wqs[i].verdict != ZIAA_WQ_USABLE_WRITE) ||
		    wqs[i].mode_unknown || open_queue(&h->q[h->nq], &wqs[i]) != 0)
			continue;
		if (wqs[i].max_transfer_size && wqs[i].max_transfer_size < max_xfer)
			max_xfer = wqs[i].max_transfer_size;
		if (h->nq == 0 || wqs[i].version < dev->version)
			dev->version = wqs[i].version;
		h->ndedicated += !h->q[h->nq].shared;
		h->nq++;
	}
	if (h->nq == 0)
		goto fail;
	/* No queue said: the kernel's default (digest §7). The descriptor's size fields
	 * are 32 bits wide (§7), so no limit above that means anything. */
	if (max_xfer == UINT64_MAX)
		max_xfer = IAA_WQ_DEFAULT_MAX_XFER;
	if (max_xfer > UINT32_MAX)
		max_xfer = UINT32_MAX;
	dev->ops = &hw_ops;
	dev->backend = ZIAA_BACKEND_HW;
	dev->max_transfer_size = max_xfer;
	dev->priv = h;
	snprintf(dev->name, sizeof(dev->name), "%s%s", h->q[0].name, h->nq > 1 ? "+" : "");
	h->dev = dev;
	pthread_mutex_lock(&open_lock);
	h->link = open_list;
	open_list = h;
	pthread_mutex_unlock(&open_lock);
	return dev;
fail:
	free(h);
	free(dev);
	return NULL;
}
