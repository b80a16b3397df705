/* SPDX-License-Identifier: Zlib */
/* iaa/hw/open.c - placeholder until the hardware backend lands: no device. */
#include <stddef.h>

#include "iaa/device.h"

struct ziaa_device *ziaa_hw_open(void)
{
	return NULL;
}
