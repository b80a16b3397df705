/* SPDX-License-Identifier: Zlib */
/*
 * iaa/crec.c - completion records: the one place a device status becomes enum ziaa_status
 *
 * Status codes and analytics error codes: digest §4.1 and §4.2.
 */
#include "iaa/crec.h"

#include <stdio.h>

/* Readback/drain address page fault (digest §4.1; DSA's name, kept for IAA). */
#define ST_PFAULT_RDBA 0x1f

int ziaa_crec_status(const struct iaa_hw_crec *cr)
{
	unsigned st = cr->status & IAA_ST_MASK;

	switch (st) {
	case IAA_ST_SUCCESS:
		return ZIAA_OK;
	case IAA_ST_NONE:
		return ZIAA_ERR_LOST; /* not completed: the device may still write */
	case IAA_ST_PAGE_FAULT:
	case IAA_ST_PAGE_FAULT_IR:
	/* translation faults on the completion record and on a readback/drain address
	 * (digest §4.1): faults, not a malformed descriptor */
	case IAA_ST_CR_XLAT:
	case ST_PFAULT_RDBA:
		return ZIAA_ERR_PAGE_FAULT;
	case IAA_ST_OUTBUF_OVERFLOW: /* decompress: recoverable, bytes_completed valid */
		return ZIAA_ERR_OVERFLOW;
	case IAA_ST_ANALYTICS_ERROR:
		/* compress output overflow is an analytics error, 0x19 (digest §0.5) */
		return cr->error_code == IAA_AE_UNRECOVERABLE_OUTPUT_OVERFLOW ? ZIAA_ERR_OVERFLOW
									       : ZIAA_ERR_DATA;
	case IAA_ST_WATCHDOG:
		return ZIAA_ERR_TIMEOUT; /* the device gave up: the job is over */
	default:
		/* the rest of 0x10-0x1f, and 0x30-0x35: the descriptor was wrong (our bug);
		 * 0x20 and up: device or platform errors - either way the device is not to be
		 * trusted */
		return (st >= 0x10 && st < 0x20) || (st >= 0x30 && st <= 0x35) ? ZIAA_ERR_INVALID
										  : ZIAA_ERR_GONE;
	}
}

static const char *status_name(unsigned st)
{
	switch (st) {
	case IAA_ST_NONE: return "not complete";
	case IAA_ST_SUCCESS: return "success";
	case IAA_ST_PAGE_FAULT: return "page fault";
	case IAA_ST_PAGE_FAULT_IR: return "page fault (invalid page request)";
	case IAA_ST_ANALYTICS_ERROR: return "analytics error";
	case IAA_ST_OUTBUF_OVERFLOW: return "output buffer overflow";
	case IAA_ST_BAD_OPCODE: return "unsupported opcode";
	case IAA_ST_INVALID_FLAGS: return "invalid operation flags";
	case IAA_ST_NONZERO_RESERVED: return "non-zero reserved field";
	case IAA_ST_INVALID_SIZE: return "invalid transfer size";
	case IAA_ST_OVERLAP_BUFFERS: return "overlapping buffers";
	case IAA_ST_CR_XLAT: return "completion record address translation fault";
	case ST_PFAULT_RDBA: return "readback/drain address page fault";
	case IAA_ST_CR_ALIGN: return "completion record not 64-byte aligned";
	case IAA_ST_ADDR_ALIGN: return "AECS address or size not a multiple of 32";
	case IAA_ST_WATCHDOG: return "watchdog timer expired";
	case IAA_ST_INVALID_OP_FLAGS: return "invalid compress/decompress flags";
	default: return "device error";
	}
}

const char *ziaa_crec_text(const struct iaa_hw_crec *cr, char *buf, size_t size)
{
	unsigned st = cr->status & IAA_ST_MASK;

	if (st == IAA_ST_ANALYTICS_ERROR)
		snprintf(buf, size, "status 0x%02x (%s %u)", cr->status, status_name(st), cr->error_code);
	else
		snprintf(buf, size, "status 0x%02x (%s%s)", cr->status, status_name(st),
			 cr->status & IAA_ST_FAULT_ON_WRITE ? ", on a write" : "");
	return buf;
}
