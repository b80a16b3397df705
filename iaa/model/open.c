/* SPDX-License-Identifier: Zlib */
/* iaa/model/open.c - placeholder until the device model lands: no device. */
#include <stddef.h>

#include "iaa/device.h"

struct ziaa_device *ziaa_model_open(void)
{
	return NULL;
}
