/* SPDX-License-Identifier: Zlib */
/*
 * zlibshim/oneshot.c - compress*, uncompress* and compressBound
 *
 * The one-shot calls run in the system zlib, whose own deflate/inflate calls come
 * back to us as re-entry and are forwarded. Each call counts as one stream.
 */
#include "zlibshim/shim.h"

ZIAA_EXPORT int compress2(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen,
			  int level)
{
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.compress2(dest, destLen, source, sourceLen, level);
	ziaa_fb_ensure();
	ziaa_stats_stream(ZIAA_DIR_DEFLATE, ziaa_route_deflate(level, MAX_WBITS, 8, 0));
	ziaa_fb_enter();
	ret = ziaa_real.compress2(dest, destLen, source, sourceLen, level);
	ziaa_fb_leave();
	if (ret == Z_OK)
		ziaa_stats_bytes(ZIAA_DIR_DEFLATE, sourceLen, *destLen);
	return ret;
}

ZIAA_EXPORT int compress(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen)
{
	if (ziaa_fb_reentered())
		return ziaa_real.compress(dest, destLen, source, sourceLen);
	return compress2(dest, destLen, source, sourceLen, Z_DEFAULT_COMPRESSION);
}

ZIAA_EXPORT uLong compressBound(uLong sourceLen)
{
	ziaa_fb_ensure();
	return ziaa_real.compressBound(sourceLen);
}

ZIAA_EXPORT int uncompress2(Bytef *dest, uLongf *destLen, const Bytef *source, uLong *sourceLen)
{
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.uncompress2(dest, destLen, source, sourceLen);
	ziaa_fb_ensure();
	ziaa_stats_stream(ZIAA_DIR_INFLATE, ziaa_route_inflate(MAX_WBITS));
	ziaa_fb_enter();
	ret = ziaa_real.uncompress2(dest, destLen, source, sourceLen);
	ziaa_fb_leave();
	if (ret == Z_OK)
		ziaa_stats_bytes(ZIAA_DIR_INFLATE, *sourceLen, *destLen);
	return ret;
}

ZIAA_EXPORT int uncompress(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen)
{
	if (ziaa_fb_reentered())
		return ziaa_real.uncompress(dest, destLen, source, sourceLen);
	return uncompress2(dest, destLen, source, &sourceLen);
}
