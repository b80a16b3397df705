/* SPDX-License-Identifier: Zlib */
/*
 * iaa/hw/discover.c - find IAA work queues with libaccel-config and judge each one
 *
 * libaccel-config reads /sys/bus/dsa (digest §1.1). It is loaded with dlopen() at
 * the first discovery, so a process that never offloads (and the drop-in libz.so.1
 * in every program) never maps it. The calls go through ziaa_hw_accfg, a table
 * tests replace to drive the error paths.
 */
#include "iaa/hw/accfg.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The portal is exactly one page (digest §2.2: the kernel rejects larger maps). */
#define PORTAL_SIZE 4096

static const char *const verdict_text[ZIAA_WQ_VERDICT_COUNT] = {
	[ZIAA_WQ_USABLE] = "usable (portal mapped)",
	[ZIAA_WQ_USABLE_WRITE] = "usable through write(): mmap refused (INTEL-SA-01084 kernel, no CAP_SYS_RAWIO)",
	[ZIAA_WQ_DEVICE_DISABLED] = "not usable: device not enabled",
	[ZIAA_WQ_NOT_ENABLED] = "not usable: queue not enabled",
	[ZIAA_WQ_KERNEL_TYPE] = "not usable: kernel queue (type kernel, e.g. iaa_crypto)",
	[ZIAA_WQ_NOT_USER] = "not usable: queue type not configured (needs type=user)",
	[ZIAA_WQ_MODE_UNKNOWN] = "not usable: queue mode unknown (needs mode=shared or dedicated)",
	[ZIAA_WQ_NO_SVA] = "not usable: no SVA/PASID (IOMMU scalable mode off)",
	[ZIAA_WQ_NO_DEVNODE] = "not usable: no /dev/iax node",
	[ZIAA_WQ_NO_PERMISSION] = "not usable: no permission to open the node",
	[ZIAA_WQ_BUSY] = "not usable: dedicated queue already open by another process",
	[ZIAA_WQ_OPEN_FAILED] = "not usable: open failed",
	[ZIAA_WQ_MMAP_FAILED] = "not usable: mmap failed",
	[ZIAA_WQ_NO_ENQCMD] = "not usable: shared queue needs ENQCMD, which this CPU lacks",
	[ZIAA_WQ_NO_MOVDIR64B] = "not usable: dedicated queue needs MOVDIR64B, which this CPU lacks",
};

const char *ziaa_hw_verdict_text(enum ziaa_wq_verdict v)
{
	return v < ZIAA_WQ_VERDICT_COUNT ? verdict_text[v] : "unknown";
}

enum ziaa_wq_verdict ziaa_hw_classify(const struct ziaa_hw_wq *wq, unsigned cpu)
{
	if (!wq->device_enabled)
		return ZIAA_WQ_DEVICE_DISABLED;
	if (!wq->enabled)
		return ZIAA_WQ_NOT_ENABLED;
	if (wq->type == ZIAA_ACCFG_WQT_KERNEL)
		return ZIAA_WQ_KERNEL_TYPE;
	if (wq->type != ZIAA_ACCFG_WQT_USER)
		return ZIAA_WQ_NOT_USER;
	/* without a known mode there is no telling ENQCMD from MOVDIR64B (digest §2.3) */
	if (wq->mode_unknown)
		return ZIAA_WQ_MODE_UNKNOWN;
	if (!wq->sva)
		return ZIAA_WQ_NO_SVA;
	if (wq->shared && !(cpu & ZIAA_CPU_ENQCMD))
		return ZIAA_WQ_NO_ENQCMD;
	if (!wq->shared && !(cpu & ZIAA_CPU_MOVDIR64B))
		return ZIAA_WQ_NO_MOVDIR64B;
	if (!wq->path[0])
		return ZIAA_WQ_NO_DEVNODE;
	return ZIAA_WQ_USABLE;
}

enum ziaa_wq_verdict ziaa_hw_probe(struct ziaa_hw_wq *wq)
{
	void *portal;
	int fd = open(wq->path, O_RDWR | O_CLOEXEC);

	wq->err = 0;
	if (fd < 0) {
		wq->err = errno;
		switch (errno) {
		case ENOENT:
		case ENODEV:
			return ZIAA_WQ_NO_DEVNODE;
		case EACCES:
		case EPERM:
			return ZIAA_WQ_NO_PERMISSION;
		case EBUSY:
			return ZIAA_WQ_BUSY;
		default:
			return ZIAA_WQ_OPEN_FAILED;
		}
	}
	portal = mmap(NULL, PORTAL_SIZE, PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	if (portal == MAP_FAILED) {
		wq->err = errno;
		close(fd);
		return wq->err == EPERM ? ZIAA_WQ_USABLE_WRITE : ZIAA_WQ_MMAP_FAILED;
	}
	munmap(portal, PORTAL_SIZE);
	close(fd);
	return ZIAA_WQ_USABLE;
}

/* ---- libaccel-config, loaded on demand ------------------------------------------ */

/* Written only inside load_once; read after pthread_once(), which orders them. */
static struct ziaa_accfg real_accfg;
static const struct ziaa_accfg *loaded;
static const char *load_error;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
const struct ziaa_accfg *ziaa_hw_accfg;

static void load(void)
{
	void *h = dlopen("libaccel-config.so.1", RTLD_NOW | RTLD_LOCAL);
	int missing = 0;

	if (!h) {
		load_error = "libaccel-config.so.1 is not installed";
		return;
	}
#define ZIAA_ACCFG_RESOLVE(name)                                        \
	real_accfg.name = (__typeof__(real_accfg.name))dlsym(h, "accfg_" #name); \
	missing |= real_accfg.name == NULL;
	ZIAA_ACCFG_FUNCS(ZIAA_ACCFG_RESOLVE)
#undef ZIAA_ACCFG_RESOLVE
	if (missing) {
		load_error = "libaccel-config.so.1 lacks a function libz-iaa needs";
		memset(&real_accfg, 0, sizeof(real_accfg));
		dlclose(h);
		return;
	}
	loaded = &real_accfg;
}

static void fill(struct ziaa_hw_wq *w, const struct ziaa_accfg *a, struct accfg_device *dev,
		 struct accfg_wq *wq)
{
	int mode;

	memset(w, 0, sizeof(*w));
	snprintf(w->device, sizeof(w->device), "%s", a->device_get_devname(dev));
	snprintf(w->name, sizeof(w->name), "%s", a->wq_get_devname(wq));
	w->device_enabled = a->device_get_state(dev) == ZIAA_ACCFG_DEVICE_ENABLED;
	w->sva = a->device_get_pasid_enabled(dev);
	w->numa_node = a->device_get_numa_node(dev);
	w->version = a->device_get_version(dev);
	w->enabled = a->wq_get_state(wq) == ZIAA_ACCFG_WQ_ENABLED;
	w->type = (int)a->wq_get_type(wq);
	mode = a->wq_get_mode(wq);
	w->shared = mode == ZIAA_ACCFG_WQ_SHARED;
	w->mode_unknown = mode != ZIAA_ACCFG_WQ_SHARED && mode != ZIAA_ACCFG_WQ_DEDICATED;
	w->size = a->wq_get_size(wq);
	w->threshold = a->wq_get_threshold(wq);
	w->block_on_fault = a->wq_get_block_on_fault(wq);
	w->max_transfer_size = a->wq_get_max_transfer_size(wq);
	/* Only user queues have a node; libaccel-config logs to stderr when asked for
	 * another's, which a zlib call must never do. */
	if (w->type != ZIAA_ACCFG_WQT_USER || !w->enabled ||
	    a->wq_get_user_dev_path(wq, w->path, sizeof(w->path)) < 0)
		w->path[0] = '\0';
}

int ziaa_hw_discover(struct ziaa_hw_wq *out, int max, int probe, const char **why)
{
	const struct ziaa_accfg *a;
	struct accfg_ctx *ctx;
	struct accfg_device *dev;
	unsigned cpu = ziaa_hw_cpu_features();
	int n = 0;

	a = ziaa_hw_accfg;
	if (!a) {
		/* Without the idxd driver there is nothing to find: do not even load the library. */
		if (access("/sys/bus/dsa", F_OK) != 0) {
			*why = "no idxd driver: /sys/bus/dsa does not exist";
			return -1;
		}
		pthread_once(&load_once, load);
		a = loaded;
	}
	if (!a) {
		*why = load_error;
		return -1;
	}
	if (a->new(&ctx) != 0 || !ctx) {
		*why = "libaccel-config cannot read /sys/bus/dsa (no idxd driver loaded?)";
		return -1;
	}
	/* libaccel-config logs to stderr; inside a zlib call nothing may be printed. */
	a->set_log_priority(ctx, 0);
	for (dev = a->device_get_first(ctx); dev; dev = a->device_get_next(dev)) {
		if (a->device_get_type(dev) != ZIAA_ACCFG_DEVICE_IAX)
			continue;
		for (struct accfg_wq *wq = a->wq_get_first(dev); wq; wq = a->wq_get_next(wq), n++) {
			if (n >= max)
				continue;
			fill(&out[n], a, dev, wq);
			out[n].verdict = ziaa_hw_classify(&out[n], cpu);
			if (probe && out[n].verdict == ZIAA_WQ_USABLE)
				out[n].verdict = ziaa_hw_probe(&out[n]);
		}
	}
	a->unref(ctx);
	return n;
}
