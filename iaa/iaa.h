/* SPDX-License-Identifier: Zlib */
/*
 * iaa/iaa.h - the only iaa/ header that zlibshim/ may include
 *
 * The rest of the library sees the accelerator through this interface: find a
 * device for the process, name it, and (later) run compress and decompress jobs
 * on it. Nothing above iaa/ knows descriptors, portals or AECS.
 */
#ifndef ZIAA_IAA_H
#define ZIAA_IAA_H

/*
 * Results of internal functions: 0 success, negative failure, positive "use
 * software instead" (the stream continues on the system zlib).
 */
enum ziaa_status {
	ZIAA_OK = 0,
	ZIAA_DECLINED = 1,         /* not for the device: run it in software */
	ZIAA_ERR_BUSY = -1,        /* queue full after bounded retries */
	ZIAA_ERR_TIMEOUT = -2,     /* the device's watchdog ended the job (0x24): buffers free */
	ZIAA_ERR_GONE = -3,        /* device unusable (removed, disabled, fork) */
	ZIAA_ERR_PAGE_FAULT = -4,  /* page fault persisted after bounded retries */
	ZIAA_ERR_OVERFLOW = -5,    /* output does not fit */
	ZIAA_ERR_DATA = -6,        /* analytics error: the input is not valid for the device */
	ZIAA_ERR_INVALID = -7,     /* the device rejected the descriptor (a bug of ours) */
	ZIAA_ERR_NOMEM = -8,
	/*
	 * The job never completed within the bound and cannot be aborted from user
	 * space: the device may still write the job's buffers. The caller must neither
	 * free nor reuse the descriptor, completion record, destination or AECS, and
	 * the device is retired for the process.
	 */
	ZIAA_ERR_LOST = -9,
};

/* Which engine executes descriptors. */
enum ziaa_backend {
	ZIAA_BACKEND_HW,    /* a real IAA work queue through /dev/iax */
	ZIAA_BACKEND_MODEL, /* the software device model (ZLIB_IAA_MODE=emulate) */
};

struct ziaa_device;

/*
 * ziaa_device_acquire - the process's device for a backend, opened at first use
 *
 * Returns NULL when the backend has no usable device (no IAA, no permission, or
 * the backend is not built), and once the device was retired because a job never
 * completed. The device belongs to the process; callers never close it.
 * Thread-safe; after fork() the child re-discovers on demand.
 */
struct ziaa_device *ziaa_device_acquire(enum ziaa_backend backend);

/*
 * ziaa_device_name - a short name for stats and logs, e.g. "iax1/wq1.0" or "model"
 */
const char *ziaa_device_name(const struct ziaa_device *dev);

#endif /* ZIAA_IAA_H */
