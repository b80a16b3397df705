/* SPDX-License-Identifier: Zlib */
/*
 * iaa/run.c - run one descriptor to completion on either backend, with page-fault retry
 *
 * IAA has no partial completion: a page fault without block-on-fault ends the whole
 * descriptor with status 0x03/0x83 and fault_addr (digest §2.5), so software faults
 * the memory in and resubmits. A job that never completes retires the device.
 */
#include "iaa/crec.h"

#include <string.h>

#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#include <sanitizer/msan_interface.h>
#define HAVE_MSAN 1
#endif
#endif

/* The x86 base page: the unit in which the device's address translation faults. */
#define TOUCH_STRIDE 4096u

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

/* Whether addr lies in [base, base + size); *end is then base + size. */
static int inside(uint64_t addr, uint64_t base, uint64_t size, uint64_t *end)
{
	if (addr < base || addr - base >= size)
		return 0;
	*end = base + size;
	return 1;
}

/*
 * The end of the descriptor buffer that holds the faulting address, or 0 when none
 * does (then the fault is not one that touching our buffers can resolve). The
 * device writes only dst and the AECS: a write fault elsewhere is never touched,
 * since the input may be read-only memory. With WRITE_SRC2 or the toggle the
 * AECS is a double buffer of 2 x src2_size (digest §5.3).
 */
static uint64_t fault_buffer_end(const struct iaa_hw_desc *d, uint64_t addr, int write)
{
	uint32_t opf = iaa_desc_flags(d);
	uint64_t src2_span = (uint64_t)d->src2_size *
			     (opf & (IAA_OPF_WR_SRC2_MASK | IAA_OPF_AECS_RW_TOGGLE) ? 2 : 1);
	uint64_t end = 0;

	if (inside(addr, d->dst_addr, d->max_dst_size, &end) ||
	    inside(addr, d->src2_addr, src2_span, &end) ||
	    (!write && inside(addr, d->src1_addr, d->src1_size, &end)))
		return end;
	return 0;
}

/*
 * device_wrote - tell MemorySanitizer what the hardware wrote, which it cannot see
 * (STYLE): the completion record, the destination up to output_size and the AECS
 * the job was told to write (both halves of it with the toggle, digest §5.3). The
 * model writes with ordinary stores, which it does see.
 */
static void device_wrote(const struct ziaa_device *dev, const struct iaa_hw_desc *d,
			 const struct iaa_hw_crec *cr)
{
#ifdef HAVE_MSAN
	uint32_t opf = iaa_desc_flags(d);

	if (dev->backend != ZIAA_BACKEND_HW)
		return;
	__msan_unpoison(cr, sizeof(*cr));
	if (d->dst_addr && cr->output_size)
		__msan_unpoison((void *)(uintptr_t)d->dst_addr,
				cr->output_size < d->max_dst_size ? cr->output_size : d->max_dst_size);
	if (d->src2_addr && (opf & IAA_OPF_WR_SRC2_MASK))
		__msan_unpoison((void *)(uintptr_t)d->src2_addr,
				(size_t)d->src2_size * (opf & IAA_OPF_AECS_RW_TOGGLE ? 2 : 1));
#else
	(void)dev, (void)d, (void)cr;
#endif
}

int ziaa_device_run(struct ziaa_device *dev, const struct iaa_hw_desc *desc, struct iaa_hw_crec *cr,
		    uint64_t timeout_ns)
{
	int ret = ZIAA_ERR_PAGE_FAULT;

	if (ziaa_device_retired(dev))
		return ZIAA_ERR_GONE;
	for (int attempt = 0; attempt <= ZIAA_RUN_PAGE_FAULT_RETRIES; attempt++) {
		uint64_t end;
		int write;

		/* the device writes the record; the status byte must read 0 until then */
		memset(cr, 0, sizeof(*cr));
		ret = dev->ops->submit(dev, desc);
		if (ret != ZIAA_OK)
			return ret;
		ret = dev->ops->wait(dev, cr, timeout_ns);
		if (ret != ZIAA_OK) {
			/* still running, perhaps: it cannot be aborted from user space, and a
			 * late completion would write buffers our caller reuses */
			ziaa_device_retire(dev);
			return ZIAA_ERR_LOST;
		}
		device_wrote(dev, desc, cr);
		ret = ziaa_crec_status(cr);
		if (ret != ZIAA_ERR_PAGE_FAULT)
			return ret;
		write = (cr->status & IAA_ST_FAULT_ON_WRITE) != 0;
		end = fault_buffer_end(desc, cr->fault_addr, write);
		if (!end)
			return ZIAA_ERR_PAGE_FAULT;
		/* the rest of the buffer would fault next: one retry for all of it */
		for (uint64_t p = cr->fault_addr; p < end; p = (p | (TOUCH_STRIDE - 1)) + 1)
			touch(p, write);
	}
	return ret;
}
