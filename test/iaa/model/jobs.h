/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/model/jobs.h - building descriptors in the model tests and benchmark
 */
#ifndef ZIAA_TEST_JOBS_H
#define ZIAA_TEST_JOBS_H

#include <stdint.h>
#include <string.h>

#include "iaa/hw.h"

/* A descriptor for op with a completion record, src1, dst and (when src2) an AECS. */
static inline void fill_desc(struct iaa_hw_desc *d, unsigned op, struct iaa_hw_crec *cr,
			     const void *in, uint32_t n, void *out, uint32_t cap, uint16_t flags,
			     uint32_t opf, const void *src2, uint32_t src2_size)
{
	memset(d, 0, sizeof(*d));
	d->flags_opcode = op << 24 | IAA_OPF_CRAV | IAA_OPF_RCR | opf;
	d->completion_addr = (uintptr_t)cr;
	d->src1_addr = (uintptr_t)in;
	d->src1_size = n;
	d->dst_addr = (uintptr_t)out;
	d->max_dst_size = cap;
	d->op_flags = flags;
	if (src2) {
		d->src2_addr = (uintptr_t)src2;
		d->src2_size = src2_size;
	}
}

#endif /* ZIAA_TEST_JOBS_H */
