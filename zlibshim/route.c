/* SPDX-License-Identifier: Zlib */
/*
 * zlibshim/route.c - decide per stream whether it may go to the device
 *
 * The decision is taken at init and at every reset, and names its reason when the
 * answer is "the system zlib": those names are what the stats count. This build
 * has no offload paths yet, so a stream that could be offloaded still falls back,
 * as "no_offload_path"; the device layer and the offload paths fill this in.
 */
#include "zlibshim/shim.h"

#include "iaa/iaa.h"

enum ziaa_reason ziaa_route_common(void)
{
	const struct ziaa_config *cfg = ziaa_config_get();
	struct ziaa_device *dev;

	if (cfg->mode == ZIAA_MODE_OFF)
		return ZIAA_REASON_MODE_OFF;
	dev = ziaa_device_acquire(cfg->mode == ZIAA_MODE_EMULATE ? ZIAA_BACKEND_MODEL
								   : ZIAA_BACKEND_HW);
	if (!dev)
		return ZIAA_REASON_NO_DEVICE;
	ziaa_stats_set_device(ziaa_device_name(dev));
	return ZIAA_REASON_NO_OFFLOAD_PATH;
}

enum ziaa_reason ziaa_route_deflate(int level, int window_bits, int mem_level, int strategy)
{
	enum ziaa_reason reason = ziaa_route_common();

	(void)level;
	(void)window_bits;
	(void)mem_level;
	(void)strategy;
	if (reason == ZIAA_REASON_NO_OFFLOAD_PATH && ziaa_config_get()->source_date_epoch)
		return ZIAA_REASON_SOURCE_DATE_EPOCH;
	return reason;
}

enum ziaa_reason ziaa_route_inflate(int window_bits)
{
	(void)window_bits;
	return ziaa_route_common();
}
