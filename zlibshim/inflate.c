/* SPDX-License-Identifier: Zlib */
/*
 * zlibshim/inflate.c - the exported inflate* functions (inflateBack* excepted)
 *
 * Same pattern as deflate.c: check the stream, mirror the caller's fields into the
 * system zlib's inner stream, forward re-entrant calls untouched.
 */
#include "zlibshim/shim.h"

static struct ziaa_stream *get(z_streamp strm)
{
	return ziaa_stream_get(strm, ZIAA_KIND_INFLATE);
}

ZIAA_EXPORT int inflateInit2_(z_streamp strm, int windowBits, const char *version,
			      int stream_size)
{
	struct ziaa_stream *s;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateInit2_(strm, windowBits, version, stream_size);
	if (!ziaa_stream_version_ok(version, stream_size))
		return Z_VERSION_ERROR;
	if (!strm)
		return Z_STREAM_ERROR;
	strm->msg = Z_NULL;
	ziaa_stream_defaults(strm);
	s = ziaa_stream_new(strm, ZIAA_KIND_INFLATE);
	if (!s)
		return Z_MEM_ERROR;
	ziaa_stream_begin(s);
	ret = ziaa_real.inflateInit2_(&s->real, windowBits, version, stream_size);
	ziaa_stream_end(s);
	return ziaa_stream_started(s, ret,
				   ret == Z_OK ? ziaa_route_inflate(windowBits) : ZIAA_REASON_NONE);
}

ZIAA_EXPORT int inflateInit_(z_streamp strm, const char *version, int stream_size)
{
	if (ziaa_fb_reentered())
		return ziaa_real.inflateInit_(strm, version, stream_size);
	return inflateInit2_(strm, MAX_WBITS, version, stream_size);
}

ZIAA_EXPORT int inflate(z_streamp strm, int flush)
{
	struct ziaa_stream *s;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.inflate(strm, flush);
	s = get(strm);
	if (!s)
		return ziaa_real.inflate(Z_NULL, flush);
	ziaa_stream_begin(s);
	ret = ziaa_real.inflate(&s->real, flush);
	ziaa_stream_end(s);
	return ret;
}

ZIAA_EXPORT int inflateEnd(z_streamp strm)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateEnd(strm);
	s = get(strm);
	if (!s)
		return ziaa_real.inflateEnd(Z_NULL);
	return ziaa_stream_close(s, ziaa_real.inflateEnd);
}

/* The three resets start a new stream (inflateReset2 possibly with a new window). */
enum reset_kind { RESET, RESET_KEEP, RESET2 };

static int reset(z_streamp strm, enum reset_kind kind, int window_bits)
{
	struct ziaa_stream *s = get(strm);
	z_streamp real = s ? &s->real : Z_NULL;
	int ret;

	if (s)
		ziaa_stream_begin(s);
	else
		ziaa_fb_enter();
	switch (kind) {
	case RESET:
		ret = ziaa_real.inflateReset(real);
		break;
	case RESET_KEEP:
		ret = ziaa_real.inflateResetKeep(real);
		break;
	default:
		ret = ziaa_real.inflateReset2(real, window_bits);
		break;
	}
	if (!s) {
		ziaa_fb_leave();
		return ret;
	}
	ziaa_stream_end(s);
	if (ret == Z_OK) {
		ziaa_stream_restart(s);
		if (kind == RESET2)
			s->reason = (uint8_t)ziaa_route_inflate(window_bits);
		ziaa_stats_stream(ZIAA_DIR_INFLATE, (enum ziaa_reason)s->reason);
	}
	return ret;
}

ZIAA_EXPORT int inflateReset(z_streamp strm)
{
	if (ziaa_fb_reentered())
		return ziaa_real.inflateReset(strm);
	return reset(strm, RESET, 0);
}

ZIAA_EXPORT int inflateResetKeep(z_streamp strm)
{
	if (ziaa_fb_reentered())
		return ziaa_real.inflateResetKeep(strm);
	return reset(strm, RESET_KEEP, 0);
}

ZIAA_EXPORT int inflateReset2(z_streamp strm, int windowBits)
{
	if (ziaa_fb_reentered())
		return ziaa_real.inflateReset2(strm, windowBits);
	return reset(strm, RESET2, windowBits);
}

ZIAA_EXPORT int inflateSetDictionary(z_streamp strm, const Bytef *dictionary, uInt dictLength)
{
	struct ziaa_stream *s;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateSetDictionary(strm, dictionary, dictLength);
	s = get(strm);
	if (!s)
		return ziaa_real.inflateSetDictionary(Z_NULL, dictionary, dictLength);
	ziaa_stream_begin(s);
	ret = ziaa_real.inflateSetDictionary(&s->real, dictionary, dictLength);
	ziaa_stream_end(s);
	return ret;
}

ZIAA_EXPORT int inflateGetDictionary(z_streamp strm, Bytef *dictionary, uInt *dictLength)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateGetDictionary(strm, dictionary, dictLength);
	s = get(strm);
	return ziaa_real.inflateGetDictionary(s ? &s->real : Z_NULL, dictionary, dictLength);
}

ZIAA_EXPORT int inflateSync(z_streamp strm)
{
	struct ziaa_stream *s;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateSync(strm);
	s = get(strm);
	if (!s)
		return ziaa_real.inflateSync(Z_NULL);
	ziaa_stream_begin(s);
	ret = ziaa_real.inflateSync(&s->real);
	ziaa_stream_end(s);
	return ret;
}

ZIAA_EXPORT int inflateSyncPoint(z_streamp strm)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateSyncPoint(strm);
	s = get(strm);
	return ziaa_real.inflateSyncPoint(s ? &s->real : Z_NULL);
}

ZIAA_EXPORT int inflateCopy(z_streamp dest, z_streamp source)
{
	struct ziaa_stream *s, *d;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateCopy(dest, source);
	s = get(source);
	if (!s || !dest)
		return ziaa_real.inflateCopy(Z_NULL, Z_NULL);
	d = source->zalloc(source->opaque, 1, sizeof(*d));
	if (!d)
		return Z_MEM_ERROR;
	*d = *s;
	ziaa_stream_begin(s);
	ret = ziaa_real.inflateCopy(&d->real, &s->real);
	ziaa_stream_end(s);
	if (ret != Z_OK) {
		source->zfree(source->opaque, d);
		return ret;
	}
	/* zlib copies the whole z_stream only once everything is allocated. */
	*dest = *source;
	ziaa_stream_copied(d, dest);
	return Z_OK;
}

ZIAA_EXPORT int inflatePrime(z_streamp strm, int bits, int value)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.inflatePrime(strm, bits, value);
	s = get(strm);
	return ziaa_real.inflatePrime(s ? &s->real : Z_NULL, bits, value);
}

ZIAA_EXPORT long inflateMark(z_streamp strm)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateMark(strm);
	s = get(strm);
	return ziaa_real.inflateMark(s ? &s->real : Z_NULL);
}

ZIAA_EXPORT int inflateGetHeader(z_streamp strm, gz_headerp head)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateGetHeader(strm, head);
	s = get(strm);
	return ziaa_real.inflateGetHeader(s ? &s->real : Z_NULL, head);
}

ZIAA_EXPORT int inflateUndermine(z_streamp strm, int subvert)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateUndermine(strm, subvert);
	s = get(strm);
	return ziaa_real.inflateUndermine(s ? &s->real : Z_NULL, subvert);
}

ZIAA_EXPORT int inflateValidate(z_streamp strm, int check)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateValidate(strm, check);
	s = get(strm);
	return ziaa_real.inflateValidate(s ? &s->real : Z_NULL, check);
}

ZIAA_EXPORT unsigned long inflateCodesUsed(z_streamp strm)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateCodesUsed(strm);
	s = get(strm);
	return ziaa_real.inflateCodesUsed(s ? &s->real : Z_NULL);
}
