/* SPDX-License-Identifier: Zlib */
/*
 * zlibshim/deflate.c - the exported deflate* functions
 *
 * Each function checks the stream as zlib does, then runs the system zlib on the
 * stream's inner state with the caller's public fields mirrored in and out. A bad
 * stream is handed to the system zlib as Z_NULL so that the caller gets zlib's own
 * answer for it. Calls that arrive from inside the system zlib (re-entry, see
 * fallback.h) are forwarded untouched.
 */
#include "zlibshim/shim.h"

#define DEF_MEM_LEVEL 8 /* zlib's default (zutil.h) */

static struct ziaa_stream *get(z_streamp strm)
{
	return ziaa_stream_get(strm, ZIAA_KIND_DEFLATE);
}

/* zlib 1.2.13 deflateInit2_'s parameter check, before it allocates anything. */
static int params_ok(int level, int method, int window_bits, int mem_level, int strategy)
{
	int wrap = 1;

	if (level == Z_DEFAULT_COMPRESSION)
		level = 6;
	if (window_bits < 0) {
		wrap = 0;
		if (window_bits < -15)
			return 0;
		window_bits = -window_bits;
	} else if (window_bits > 15) {
		wrap = 2;
		window_bits -= 16;
	}
	return mem_level >= 1 && mem_level <= MAX_MEM_LEVEL && method == Z_DEFLATED &&
	       window_bits >= 8 && window_bits <= 15 && level >= 0 && level <= 9 &&
	       strategy >= 0 && strategy <= Z_FIXED && !(window_bits == 8 && wrap != 1);
}

ZIAA_EXPORT int deflateInit2_(z_streamp strm, int level, int method, int windowBits,
			      int memLevel, int strategy, const char *version, int stream_size)
{
	struct ziaa_stream *s;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.deflateInit2_(strm, level, method, windowBits, memLevel,
					       strategy, version, stream_size);
	if (!ziaa_stream_version_ok(version, stream_size))
		return Z_VERSION_ERROR;
	if (!strm)
		return Z_STREAM_ERROR;
	strm->msg = Z_NULL;
	ziaa_stream_defaults(strm);
	if (!params_ok(level, method, windowBits, memLevel, strategy))
		return Z_STREAM_ERROR;
	s = ziaa_stream_new(strm, ZIAA_KIND_DEFLATE);
	if (!s)
		return Z_MEM_ERROR;
	ziaa_stream_begin(s);
	ret = ziaa_real.deflateInit2_(&s->real, level, method, windowBits, memLevel, strategy,
				      version, stream_size);
	ziaa_stream_end(s);
	/* zlib names the failure of every allocation after its first one. */
	if (ret == Z_MEM_ERROR && !strm->msg)
		strm->msg = (char *)ziaa_real.zError(Z_MEM_ERROR);
	return ziaa_stream_started(s, ret, ret == Z_OK ? ziaa_route_deflate(level, windowBits,
								   memLevel, strategy)
						     : ZIAA_REASON_NONE);
}

ZIAA_EXPORT int deflateInit_(z_streamp strm, int level, const char *version, int stream_size)
{
	if (ziaa_fb_reentered())
		return ziaa_real.deflateInit_(strm, level, version, stream_size);
	return deflateInit2_(strm, level, Z_DEFLATED, MAX_WBITS, DEF_MEM_LEVEL,
			     Z_DEFAULT_STRATEGY, version, stream_size);
}

ZIAA_EXPORT int deflate(z_streamp strm, int flush)
{
	struct ziaa_stream *s;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.deflate(strm, flush);
	s = get(strm);
	if (!s)
		return ziaa_real.deflate(Z_NULL, flush);
	ziaa_stream_begin(s);
	ret = ziaa_real.deflate(&s->real, flush);
	ziaa_stream_end(s);
	return ret;
}

ZIAA_EXPORT int deflateEnd(z_streamp strm)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.deflateEnd(strm);
	s = get(strm);
	if (!s)
		return ziaa_real.deflateEnd(Z_NULL);
	return ziaa_stream_close(s, ziaa_real.deflateEnd);
}

/* deflateReset and deflateResetKeep start a new compressed stream: route it again. */
static int reset(z_streamp strm, int keep)
{
	struct ziaa_stream *s = get(strm);
	int ret;

	if (!s)
		return keep ? ziaa_real.deflateResetKeep(Z_NULL) : ziaa_real.deflateReset(Z_NULL);
	ziaa_stream_begin(s);
	ret = keep ? ziaa_real.deflateResetKeep(&s->real) : ziaa_real.deflateReset(&s->real);
	ziaa_stream_end(s);
	if (ret == Z_OK) {
		ziaa_stream_restart(s);
		ziaa_stats_stream(ZIAA_DIR_DEFLATE, (enum ziaa_reason)s->reason);
	}
	return ret;
}

ZIAA_EXPORT int deflateReset(z_streamp strm)
{
	if (ziaa_fb_reentered())
		return ziaa_real.deflateReset(strm);
	return reset(strm, 0);
}

ZIAA_EXPORT int deflateResetKeep(z_streamp strm)
{
	if (ziaa_fb_reentered())
		return ziaa_real.deflateResetKeep(strm);
	return reset(strm, 1);
}

ZIAA_EXPORT int deflateParams(z_streamp strm, int level, int strategy)
{
	struct ziaa_stream *s;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.deflateParams(strm, level, strategy);
	s = get(strm);
	if (!s)
		return ziaa_real.deflateParams(Z_NULL, level, strategy);
	ziaa_stream_begin(s);
	ret = ziaa_real.deflateParams(&s->real, level, strategy);
	ziaa_stream_end(s);
	return ret;
}

ZIAA_EXPORT int deflateTune(z_streamp strm, int good_length, int max_lazy, int nice_length,
			    int max_chain)
{
	struct ziaa_stream *s;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.deflateTune(strm, good_length, max_lazy, nice_length, max_chain);
	s = get(strm);
	if (!s)
		return ziaa_real.deflateTune(Z_NULL, good_length, max_lazy, nice_length, max_chain);
	ziaa_stream_begin(s);
	ret = ziaa_real.deflateTune(&s->real, good_length, max_lazy, nice_length, max_chain);
	ziaa_stream_end(s);
	return ret;
}

ZIAA_EXPORT uLong deflateBound(z_streamp strm, uLong sourceLen)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.deflateBound(strm, sourceLen);
	/* Browsers call this before any init, with Z_NULL or a zeroed stream. */
	s = get(strm);
	return ziaa_real.deflateBound(s ? &s->real : Z_NULL, sourceLen);
}

ZIAA_EXPORT int deflatePending(z_streamp strm, unsigned *pending, int *bits)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.deflatePending(strm, pending, bits);
	s = get(strm);
	return ziaa_real.deflatePending(s ? &s->real : Z_NULL, pending, bits);
}

ZIAA_EXPORT int deflatePrime(z_streamp strm, int bits, int value)
{
	struct ziaa_stream *s;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.deflatePrime(strm, bits, value);
	s = get(strm);
	if (!s)
		return ziaa_real.deflatePrime(Z_NULL, bits, value);
	ziaa_stream_begin(s);
	ret = ziaa_real.deflatePrime(&s->real, bits, value);
	ziaa_stream_end(s);
	return ret;
}

ZIAA_EXPORT int deflateSetHeader(z_streamp strm, gz_headerp head)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.deflateSetHeader(strm, head);
	s = get(strm);
	return ziaa_real.deflateSetHeader(s ? &s->real : Z_NULL, head);
}

ZIAA_EXPORT int deflateSetDictionary(z_streamp strm, const Bytef *dictionary, uInt dictLength)
{
	struct ziaa_stream *s;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.deflateSetDictionary(strm, dictionary, dictLength);
	s = get(strm);
	if (!s)
		return ziaa_real.deflateSetDictionary(Z_NULL, dictionary, dictLength);
	ziaa_stream_begin(s);
	ret = ziaa_real.deflateSetDictionary(&s->real, dictionary, dictLength);
	ziaa_stream_end(s);
	return ret;
}

ZIAA_EXPORT int deflateGetDictionary(z_streamp strm, Bytef *dictionary, uInt *dictLength)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.deflateGetDictionary(strm, dictionary, dictLength);
	s = get(strm);
	return ziaa_real.deflateGetDictionary(s ? &s->real : Z_NULL, dictionary, dictLength);
}

ZIAA_EXPORT int deflateCopy(z_streamp dest, z_streamp source)
{
	struct ziaa_stream *s, *d;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.deflateCopy(dest, source);
	s = get(source);
	if (!s || !dest)
		return ziaa_real.deflateCopy(Z_NULL, Z_NULL);
	*dest = *source;
	d = source->zalloc(source->opaque, 1, sizeof(*d));
	if (!d)
		return Z_MEM_ERROR;
	*d = *s;
	ziaa_stream_begin(s);
	ret = ziaa_real.deflateCopy(&d->real, &s->real);
	ziaa_stream_end(s);
	if (ret != Z_OK) {
		source->zfree(source->opaque, d);
		dest->state = Z_NULL;
		return ret;
	}
	ziaa_stream_copied(d, dest);
	return Z_OK;
}
