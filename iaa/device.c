/* SPDX-License-Identifier: Zlib */
/*
 * iaa/device.c - process-wide device selection and retirement
 *
 * Each backend is opened at most once per process, at the first request, and
 * re-opened in a child after fork() (a child never uses its parent's portal). A
 * device on which a job never completed is retired for the rest of the process:
 * the job may still write its buffers, so nothing more goes to that device.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include "iaa/device.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct ziaa_device *opened[2];
static int tried[2];
static int logged; /* atomic: the retirement line was written in this process */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* In the child: forget the parent's devices without touching their resources,
 * which belong to the parent's address-space binding (PASID). */
static void child_after_fork(void)
{
	pthread_mutex_init(&lock, NULL);
	opened[0] = opened[1] = NULL;
	tried[0] = tried[1] = 0;
	__atomic_store_n(&logged, 0, __ATOMIC_RELAXED);
}

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, child_after_fork);
}

struct ziaa_device *ziaa_device_acquire(enum ziaa_backend backend)
{
	struct ziaa_device *dev;
	int i = backend == ZIAA_BACKEND_MODEL;

	pthread_once(&atfork_once, register_atfork);
	pthread_mutex_lock(&lock);
	if (!tried[i]) {
		opened[i] = i ? ziaa_model_open() : ziaa_hw_open();
		tried[i] = 1;
	}
	dev = opened[i];
	pthread_mutex_unlock(&lock);
	return dev && !ziaa_device_retired(dev) ? dev : NULL;
}

void ziaa_device_retire(struct ziaa_device *dev)
{
	if (__atomic_exchange_n(&dev->retired, 1, __ATOMIC_ACQ_REL))
		return;
	/* STYLE: a timeout disables offload for the process and logs once. */
	if (!__atomic_exchange_n(&logged, 1, __ATOMIC_RELAXED))
		fprintf(stderr, "libz-iaa: a job on %s never completed; offload disabled for this "
				"process\n", dev->name[0] ? dev->name : "the device");
}

int ziaa_device_retired(const struct ziaa_device *dev)
{
	return __atomic_load_n(&dev->retired, __ATOMIC_ACQUIRE);
}

const char *ziaa_device_name(const struct ziaa_device *dev)
{
	return dev ? dev->name : NULL;
}
