/* SPDX-License-Identifier: Zlib */
/*
 * zlibshim/ext.c - the zlib_iaa_* extensions declared in zlib_iaa.h
 */
#include "zlibshim/shim.h"

#include "zlib_iaa.h"

ZIAA_EXPORT const char *zlib_iaa_mode(void)
{
	return ziaa_mode_name(ziaa_config_get()->mode);
}

ZIAA_EXPORT int zlib_iaa_stats(char *buf, size_t size)
{
	return ziaa_stats_json(buf, size);
}
