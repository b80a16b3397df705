/* SPDX-License-Identifier: Zlib */
/*
 * iaa/run.c - run one descriptor to completion on either backend, with page-fault retry
 */
#include "iaa/crec.h"

#include <string.h>

/* Fault the page in. For a write fault, an atomic add of zero makes the page
 * writable without changing a byte even if the device writes it concurrently. */
static void touch(uint64_t addr, int write)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)addr;

	if (write)
		__atomic_fetch_add((uint8_t *)(uintptr_t)addr, 0, __ATOMIC_RELAXED);
	else
		(void)*p;
}

int ziaa_device_run(struct ziaa_device *dev, const struct iaa_hw_desc *desc, struct iaa_hw_crec *cr,
		    uint64_t timeout_ns)
{
	int ret = ZIAA_ERR_PAGE_FAULT;

	for (int attempt = 0; attempt <= ZIAA_RUN_PAGE_FAULT_RETRIES; attempt++) {
		/* the device writes the record; the status byte must read 0 until then */
		memset(cr, 0, sizeof(*cr));
		ret = dev->ops->submit(dev, desc);
		if (ret != ZIAA_OK)
			return ret;
		ret = dev->ops->wait(dev, cr, timeout_ns);
		if (ret != ZIAA_OK)
			return ret;
		ret = ziaa_crec_status(cr);
		if (ret != ZIAA_ERR_PAGE_FAULT || !cr->fault_addr)
			return ret;
		touch(cr->fault_addr, cr->status & IAA_ST_FAULT_ON_WRITE);
	}
	return ret;
}
