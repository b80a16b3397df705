/* SPDX-License-Identifier: Zlib */
/*
 * iaa/model/model.h - the software device model's internal interface (iaa/model/ only)
 */
#ifndef ZIAA_MODEL_H
#define ZIAA_MODEL_H

#include <stdint.h>

#include "iaa/device.h"
#include "iaa/hw.h"

/* What an operation produced: copied into the completion record, status last. */
struct ziaa_model_result {
	uint8_t status;
	uint8_t error_code;
	uint32_t bytes_completed;
	uint32_t invalid_flags;
	uint32_t output_size;
	uint8_t output_bits;
	uint16_t xor_csum;
	uint32_t crc;
};

/*
 * ziaa_model_execute - validate and run one descriptor, then write its completion
 * record with the status byte last (a release store). max_transfer_size is the
 * queue's limit (status 0x13 beyond it). Synchronous; the device runs it on its
 * worker thread.
 */
void ziaa_model_execute(const struct iaa_hw_desc *d, uint64_t max_transfer_size);

/* ziaa_model_compress - COMPRESS after validation (compress.c). */
void ziaa_model_compress(const struct iaa_hw_desc *d, struct ziaa_model_result *r);

/* ziaa_model_decompress - DECOMPRESS after validation (decompress.c). */
void ziaa_model_decompress(const struct iaa_hw_desc *d, struct ziaa_model_result *r);

#endif /* ZIAA_MODEL_H */
