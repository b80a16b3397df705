/* SPDX-License-Identifier: Zlib */
/*
 * zlibshim/checksum.c - checksums and library information, straight from zlib
 *
 * None of these touch a stream, so they need no re-entry handling: the system
 * zlib's answer is the answer.
 */
#include "zlibshim/shim.h"

ZIAA_EXPORT const char *zlibVersion(void)
{
	ziaa_fb_ensure();
	return ziaa_real.zlibVersion();
}

ZIAA_EXPORT uLong zlibCompileFlags(void)
{
	ziaa_fb_ensure();
	return ziaa_real.zlibCompileFlags();
}

ZIAA_EXPORT const char *zError(int err)
{
	ziaa_fb_ensure();
	return ziaa_real.zError(err);
}

ZIAA_EXPORT uLong adler32(uLong adler, const Bytef *buf, uInt len)
{
	ziaa_fb_ensure();
	return ziaa_real.adler32(adler, buf, len);
}

ZIAA_EXPORT uLong adler32_z(uLong adler, const Bytef *buf, z_size_t len)
{
	ziaa_fb_ensure();
	return ziaa_real.adler32_z(adler, buf, len);
}

ZIAA_EXPORT uLong adler32_combine(uLong adler1, uLong adler2, z_off_t len2)
{
	ziaa_fb_ensure();
	return ziaa_real.adler32_combine(adler1, adler2, len2);
}

ZIAA_EXPORT uLong adler32_combine64(uLong adler1, uLong adler2, z_off64_t len2)
{
	ziaa_fb_ensure();
	return ziaa_real.adler32_combine64(adler1, adler2, len2);
}

ZIAA_EXPORT uLong crc32(uLong crc, const Bytef *buf, uInt len)
{
	ziaa_fb_ensure();
	return ziaa_real.crc32(crc, buf, len);
}

ZIAA_EXPORT uLong crc32_z(uLong crc, const Bytef *buf, z_size_t len)
{
	ziaa_fb_ensure();
	return ziaa_real.crc32_z(crc, buf, len);
}

ZIAA_EXPORT uLong crc32_combine(uLong crc1, uLong crc2, z_off_t len2)
{
	ziaa_fb_ensure();
	return ziaa_real.crc32_combine(crc1, crc2, len2);
}

ZIAA_EXPORT uLong crc32_combine64(uLong crc1, uLong crc2, z_off64_t len2)
{
	ziaa_fb_ensure();
	return ziaa_real.crc32_combine64(crc1, crc2, len2);
}

ZIAA_EXPORT uLong crc32_combine_gen(z_off_t len2)
{
	ziaa_fb_ensure();
	return ziaa_real.crc32_combine_gen(len2);
}

ZIAA_EXPORT uLong crc32_combine_gen64(z_off64_t len2)
{
	ziaa_fb_ensure();
	return ziaa_real.crc32_combine_gen64(len2);
}

ZIAA_EXPORT uLong crc32_combine_op(uLong crc1, uLong crc2, uLong op)
{
	ziaa_fb_ensure();
	return ziaa_real.crc32_combine_op(crc1, crc2, op);
}

ZIAA_EXPORT const z_crc_t *get_crc_table(void)
{
	ziaa_fb_ensure();
	return ziaa_real.get_crc_table();
}
