/* SPDX-License-Identifier: Zlib */
/*
 * iaa/crec.h - reading completion records, and running a descriptor to completion (iaa/ only)
 */
#ifndef ZIAA_IAA_CREC_H
#define ZIAA_IAA_CREC_H

#include <stddef.h>
#include <stdint.h>

#include "iaa/device.h"
#include "iaa/hw.h"

/*
 * ziaa_crec_status - the completion record's status as enum ziaa_status: OK,
 * OVERFLOW (decompress 0x0b, or compress analytics error 0x19), DATA (another
 * analytics error: the input is not for the device), PAGE_FAULT (0x03/0x83, 0x04,
 * and the completion-record (0x1a) and readback/drain (0x1f) address faults),
 * TIMEOUT (the device's watchdog, 0x24: the job is over and its buffers are free),
 * LOST (status 0: not completed, the device may still write the job's buffers),
 * INVALID (the descriptor was refused), GONE (device errors).
 */
int ziaa_crec_status(const struct iaa_hw_crec *cr);

/* ziaa_crec_text - "status 0x0a (analytics error 17)" and the like, into buf. */
const char *ziaa_crec_text(const struct iaa_hw_crec *cr, char *buf, size_t size);

/* Bounds of ziaa_device_run(). More page-fault retries ride out memory pressure
 * longer before the work goes back to software. */
#define ZIAA_RUN_PAGE_FAULT_RETRIES 4
#define ZIAA_RUN_TIMEOUT_NS 1000000000ull /* 1 s: far beyond any 2 MiB job */

/*
 * ziaa_device_run - submit desc (its completion record is cr) and wait for it.
 * Zeroes cr before each submission. On a page fault whose fault_addr lies in one
 * of the descriptor's buffers (src1, dst, the AECS), touches every page from
 * fault_addr to the end of that buffer (reading, or writing unchanged for a write
 * fault) and resubmits, at most ZIAA_RUN_PAGE_FAULT_RETRIES times: IAA has no
 * partial completion (digest §2.5). A fault elsewhere is not retried.
 *
 * Returns ziaa_crec_status() of the final record, or the submit error (GONE at
 * once on a retired device). When no completion arrives within timeout_ns, the
 * device is retired (ziaa_device_retire) and the result is ZIAA_ERR_LOST: the job
 * may still be running, so the caller must neither free nor reuse desc, cr, the
 * destination or the AECS. Thread-safe for distinct jobs.
 */
int ziaa_device_run(struct ziaa_device *dev, const struct iaa_hw_desc *desc, struct iaa_hw_crec *cr,
		    uint64_t timeout_ns);

#endif /* ZIAA_IAA_CREC_H */
