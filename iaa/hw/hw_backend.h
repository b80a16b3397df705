/* SPDX-License-Identifier: Zlib */
/*
 * iaa/hw/hw_backend.h - the hardware backend's internal interface (iaa/hw/ and tools/)
 *
 * Discovery of IAA work queues through libaccel-config, with a verdict per queue
 * saying whether this process can submit to it and, if not, exactly why.
 */
#ifndef ZIAA_HW_BACKEND_H
#define ZIAA_HW_BACKEND_H

#include <stddef.h>
#include <stdint.h>

/* ziaa_hw_cpu_features - a mask of ZIAA_CPU_* for this CPU. */
#define ZIAA_CPU_MOVDIR64B 0x1u /* dedicated WQ submission */
#define ZIAA_CPU_ENQCMD 0x2u    /* shared WQ submission */
#define ZIAA_CPU_WAITPKG 0x4u   /* UMONITOR/UMWAIT completion wait */
unsigned ziaa_hw_cpu_features(void);

/* Why a work queue can or cannot be used by this process. */
enum ziaa_wq_verdict {
	ZIAA_WQ_USABLE,            /* portal mapped: ENQCMD or MOVDIR64B */
	ZIAA_WQ_USABLE_WRITE,      /* mmap refused (INTEL-SA-01084 kernels): write() path */
	ZIAA_WQ_DEVICE_DISABLED,   /* the IAA device is not enabled */
	ZIAA_WQ_NOT_ENABLED,       /* the queue is not enabled */
	ZIAA_WQ_KERNEL_TYPE,       /* a kernel queue (iaa_crypto), not for user space */
	ZIAA_WQ_NOT_USER,          /* no type configured */
	ZIAA_WQ_MODE_UNKNOWN,      /* neither shared nor dedicated: no submission method */
	ZIAA_WQ_NO_SVA,            /* PASID/SVA off: user queues cannot work */
	ZIAA_WQ_NO_DEVNODE,        /* no /dev/iax node for the queue */
	ZIAA_WQ_NO_PERMISSION,     /* open(): EACCES/EPERM on the node */
	ZIAA_WQ_BUSY,              /* dedicated queue already open elsewhere (EBUSY) */
	ZIAA_WQ_OPEN_FAILED,       /* open(): another error */
	ZIAA_WQ_MMAP_FAILED,       /* mmap(): an error other than EPERM */
	ZIAA_WQ_NO_ENQCMD,         /* shared queue, CPU without ENQCMD */
	ZIAA_WQ_NO_MOVDIR64B,      /* dedicated queue, CPU without MOVDIR64B */
	ZIAA_WQ_VERDICT_COUNT,
};

const char *ziaa_hw_verdict_text(enum ziaa_wq_verdict v);

/* What discovery learns about one IAA work queue. */
struct ziaa_hw_wq {
	char device[32];            /* "iax1" */
	char name[32];              /* "wq1.0" */
	char path[128];             /* "/dev/iax/wq1.0" or "" */
	int device_enabled;
	int enabled;
	int type;                   /* 0 none, 1 kernel, 2 user (libaccel-config's enum) */
	int shared;
	int mode_unknown;           /* libaccel-config knew neither mode (shared is then 0) */
	int sva;                    /* the device has PASID enabled */
	int numa_node;
	unsigned version;           /* 0x100, 0x200 */
	uint64_t size;
	int threshold;
	int block_on_fault;
	uint64_t max_transfer_size;
	enum ziaa_wq_verdict verdict;
	int err;                    /* errno of the failed open/mmap, else 0 */
};

/*
 * ziaa_hw_classify - the verdict from what libaccel-config reported, before any
 * open(): every reason that does not need the device node. Returns USABLE when
 * only opening and mapping can tell. Pure; for tests.
 */
enum ziaa_wq_verdict ziaa_hw_classify(const struct ziaa_hw_wq *wq, unsigned cpu_features);

/*
 * ziaa_hw_probe - open the queue's node and map its portal, then release both,
 * to settle the verdict of a queue ziaa_hw_classify() let through.
 */
enum ziaa_wq_verdict ziaa_hw_probe(struct ziaa_hw_wq *wq);

/*
 * ziaa_hw_discover - every IAA work queue libaccel-config reports, classified and,
 * with probe, opened and mapped once. Fills at most max entries; returns how many
 * queues exist (which may exceed max), or -1 when libaccel-config cannot be loaded
 * or cannot read the device tree (*why then names the cause). libaccel-config is
 * loaded with dlopen() at the first call, so programs that never offload never load it.
 */
int ziaa_hw_discover(struct ziaa_hw_wq *out, int max, int probe, const char **why);

struct ziaa_device;

/*
 * ziaa_hw_open_wqs - open the queues among wqs[0..n) whose verdict is USABLE or
 * USABLE_WRITE, the first 16 that open, and build the hardware device over them;
 * NULL when none opens. ziaa_hw_open() is discovery of every queue followed by
 * this. Exposed for tests.
 *
 * After fork() the child's copy of every such device is emptied (its queue fds
 * closed, its portals unmapped, without device access): the device then refuses
 * work with ZIAA_ERR_GONE and the child opens a new one on demand.
 */
struct ziaa_device *ziaa_hw_open_wqs(const struct ziaa_hw_wq *wqs, int n);

/*
 * ziaa_hw_movdir64b - MOVDIR64B: a 64-byte direct store of src to dst (dst 64-byte
 * aligned). Only where ziaa_hw_cpu_features() has ZIAA_CPU_MOVDIR64B.
 */
void ziaa_hw_movdir64b(void *dst, const void *src);

#endif /* ZIAA_HW_BACKEND_H */
