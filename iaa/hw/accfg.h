/* SPDX-License-Identifier: Zlib */
/*
 * iaa/hw/accfg.h - the libaccel-config calls libz-iaa makes, as a replaceable table
 *
 * The library is dlopen()ed (see discover.c); this table is how the rest of iaa/hw/
 * calls it, and how tests stand in for it. The enum values are libaccel-config's
 * (checked against its header when it is installed).
 */
#ifndef ZIAA_HW_ACCFG_H
#define ZIAA_HW_ACCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iaa/hw/hw_backend.h"

struct accfg_ctx;
struct accfg_device;
struct accfg_wq;

#define ZIAA_ACCFG_DEVICE_IAX 1
#define ZIAA_ACCFG_DEVICE_ENABLED 1
#define ZIAA_ACCFG_WQ_ENABLED 1
#define ZIAA_ACCFG_WQ_SHARED 0
#define ZIAA_ACCFG_WQ_DEDICATED 1
#define ZIAA_ACCFG_WQ_MODE_UNKNOWN 2
#define ZIAA_ACCFG_WQT_KERNEL 1
#define ZIAA_ACCFG_WQT_USER 2

#if __has_include(<accel-config/libaccel_config.h>)
#include <accel-config/libaccel_config.h>
_Static_assert(ACCFG_DEVICE_IAX == ZIAA_ACCFG_DEVICE_IAX, "libaccel-config enum");
_Static_assert(ACCFG_DEVICE_ENABLED == ZIAA_ACCFG_DEVICE_ENABLED, "libaccel-config enum");
_Static_assert(ACCFG_WQ_ENABLED == ZIAA_ACCFG_WQ_ENABLED, "libaccel-config enum");
_Static_assert(ACCFG_WQ_SHARED == ZIAA_ACCFG_WQ_SHARED, "libaccel-config enum");
_Static_assert(ACCFG_WQ_DEDICATED == ZIAA_ACCFG_WQ_DEDICATED, "libaccel-config enum");
_Static_assert(ACCFG_WQ_MODE_UNKNOWN == ZIAA_ACCFG_WQ_MODE_UNKNOWN, "libaccel-config enum");
_Static_assert(ACCFG_WQT_KERNEL == ZIAA_ACCFG_WQT_KERNEL, "libaccel-config enum");
_Static_assert(ACCFG_WQT_USER == ZIAA_ACCFG_WQT_USER, "libaccel-config enum");
#endif

/* X(name): the function accfg_<name>. */
#define ZIAA_ACCFG_FUNCS(X)                                                   \
	X(new) X(unref) X(device_get_first) X(device_get_next) X(device_get_type) \
	X(device_get_devname) X(device_get_state) X(device_get_pasid_enabled)     \
	X(device_get_numa_node) X(device_get_version) X(wq_get_first)             \
	X(wq_get_next) X(wq_get_devname) X(wq_get_state) X(wq_get_type)           \
	X(wq_get_mode) X(wq_get_size) X(wq_get_threshold) X(wq_get_block_on_fault) \
	X(wq_get_max_transfer_size) X(wq_get_user_dev_path) X(set_log_priority)

/* The signatures, with libaccel-config's enums as int (same ABI). */
struct ziaa_accfg {
	int (*new)(struct accfg_ctx **ctx);
	struct accfg_ctx *(*unref)(struct accfg_ctx *ctx);
	struct accfg_device *(*device_get_first)(struct accfg_ctx *ctx);
	struct accfg_device *(*device_get_next)(struct accfg_device *dev);
	int (*device_get_type)(struct accfg_device *dev);
	const char *(*device_get_devname)(struct accfg_device *dev);
	int (*device_get_state)(struct accfg_device *dev);
	bool (*device_get_pasid_enabled)(struct accfg_device *dev);
	int (*device_get_numa_node)(struct accfg_device *dev);
	unsigned (*device_get_version)(struct accfg_device *dev);
	struct accfg_wq *(*wq_get_first)(struct accfg_device *dev);
	struct accfg_wq *(*wq_get_next)(struct accfg_wq *wq);
	const char *(*wq_get_devname)(struct accfg_wq *wq);
	int (*wq_get_state)(struct accfg_wq *wq);
	int (*wq_get_type)(struct accfg_wq *wq);
	int (*wq_get_mode)(struct accfg_wq *wq);
	uint64_t (*wq_get_size)(struct accfg_wq *wq);
	int (*wq_get_threshold)(struct accfg_wq *wq);
	int (*wq_get_block_on_fault)(struct accfg_wq *wq);
	uint64_t (*wq_get_max_transfer_size)(struct accfg_wq *wq);
	int (*wq_get_user_dev_path)(struct accfg_wq *wq, char *buf, size_t size);
	void (*set_log_priority)(struct accfg_ctx *ctx, int priority);
};

/* A test's stand-in for libaccel-config, set before any discovery and never
 * written by the library (NULL: load the real one, once). */
extern const struct ziaa_accfg *ziaa_hw_accfg;

#endif /* ZIAA_HW_ACCFG_H */
