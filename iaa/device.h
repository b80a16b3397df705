/* SPDX-License-Identifier: Zlib */
/*
 * iaa/device.h - the submission interface shared by the two backends (iaa/ only)
 *
 * A backend takes a 64-byte descriptor and, later, reports its 64-byte completion
 * record. The hardware backend (iaa/hw/) writes descriptors to a /dev/iax portal;
 * the model (iaa/model/) executes them in software. Everything above them builds
 * descriptors once and runs them through ziaa_device_run() on either.
 */
#ifndef ZIAA_DEVICE_H
#define ZIAA_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "iaa/iaa.h"

/*
 * Operations a backend provides. Both are called with a 64-byte-aligned
 * descriptor whose completion record (desc bytes 8-15) the caller zeroed.
 */
struct ziaa_device_ops {
	/*
	 * submit - hand one descriptor to the device. Returns ZIAA_OK when accepted,
	 * ZIAA_ERR_BUSY when the queue refused it after the backend's bounded retries,
	 * ZIAA_ERR_INVALID when the kernel refused the descriptor itself, ZIAA_ERR_GONE
	 * when the device can no longer be used (disable offload).
	 */
	int (*submit)(struct ziaa_device *dev, const void *desc64);
	/*
	 * wait - wait until the completion record's status byte is non-zero, at most
	 * timeout_ns (UINT64_MAX: no bound). Returns ZIAA_OK, which also releases what
	 * submit reserved for the job, whichever thread waits; or ZIAA_ERR_TIMEOUT, when
	 * the job may still be running: the caller must then retire the device
	 * (ziaa_device_retire) and leave the job's buffers alone.
	 */
	int (*wait)(struct ziaa_device *dev, const volatile void *crec64, uint64_t timeout_ns);
	/* close - release the backend's resources (process exit, after fork). */
	void (*close)(struct ziaa_device *dev);
};

/* One usable work queue (hardware) or the model instance. */
struct ziaa_device {
	const struct ziaa_device_ops *ops;
	enum ziaa_backend backend;
	char name[64];              /* "iax1/wq1.0" or "model" */
	uint64_t max_transfer_size; /* src1/max_dst_size above this -> status 0x13 */
	unsigned version;           /* 0x100 (IAA 1.0) or 0x200 (IAA 2.0) */
	void *priv;                 /* backend state */
	int retired;                /* atomic; set once a job was lost: refuse all work */
};

/*
 * ziaa_device_retire - take dev out of service for the rest of the process,
 * because a job on it never completed and IAA jobs cannot be aborted from user
 * space: a late completion could write into buffers that were reused. Later
 * ziaa_device_acquire() calls return NULL for it and ziaa_device_run() and the
 * hardware backend's submit return ZIAA_ERR_GONE. The first retirement in a
 * process writes one line to stderr. Thread-safe; dev stays allocated.
 */
void ziaa_device_retire(struct ziaa_device *dev);

/* ziaa_device_retired - whether ziaa_device_retire(dev) was called. Thread-safe. */
int ziaa_device_retired(const struct ziaa_device *dev);

/*
 * ziaa_hw_open / ziaa_model_open - open the backend's device for this process.
 * NULL when none is usable; the reason is left for `zlib-iaa info` to explain.
 */
struct ziaa_device *ziaa_hw_open(void);
struct ziaa_device *ziaa_model_open(void);

#endif /* ZIAA_DEVICE_H */
