/* SPDX-License-Identifier: Zlib */
/*
 * zlibshim/infback.c - the exported inflateBack* functions
 *
 * inflateBack calls the caller's in() and out() from inside the system zlib. The
 * trampolines here drop the re-entry depth for the duration of each callback, so a
 * callback that uses zlib itself (pigz's out() writes through another stream, for
 * example) reaches libz-iaa as a normal caller.
 */
#include "zlibshim/shim.h"

struct callbacks {
	in_func in;
	void *in_desc;
	out_func out;
	void *out_desc;
	uint64_t in_bytes;  /* handed to zlib by in() */
	uint64_t out_bytes; /* handed to out() */
};

static unsigned trampoline_in(void *desc, z_const unsigned char **buf)
{
	struct callbacks *cb = desc;
	int depth = ziaa_fb_suspend();
	unsigned n = cb->in(cb->in_desc, buf);

	ziaa_fb_resume(depth);
	cb->in_bytes += n;
	return n;
}

static int trampoline_out(void *desc, unsigned char *buf, unsigned len)
{
	struct callbacks *cb = desc;
	int depth = ziaa_fb_suspend();
	int ret = cb->out(cb->out_desc, buf, len);

	ziaa_fb_resume(depth);
	cb->out_bytes += len;
	return ret;
}

ZIAA_EXPORT int inflateBackInit_(z_streamp strm, int windowBits, unsigned char *window,
				 const char *version, int stream_size)
{
	struct ziaa_stream *s;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateBackInit_(strm, windowBits, window, version, stream_size);
	if (!ziaa_stream_version_ok(version, stream_size))
		return Z_VERSION_ERROR;
	/* zlib checks these before it allocates anything. */
	if (!strm || !window || windowBits < 8 || windowBits > 15)
		return Z_STREAM_ERROR;
	strm->msg = Z_NULL;
	ziaa_stream_defaults(strm);
	s = ziaa_stream_new(strm, ZIAA_KIND_INFBACK);
	if (!s)
		return Z_MEM_ERROR;
	ziaa_stream_begin(s);
	ret = ziaa_real.inflateBackInit_(&s->real, windowBits, window, version, stream_size);
	ziaa_stream_end(s);
	return ziaa_stream_started(s, ret,
				   ret == Z_OK ? ziaa_route_inflate(windowBits) : ZIAA_REASON_NONE);
}

ZIAA_EXPORT int inflateBack(z_streamp strm, in_func in, void FAR *in_desc, out_func out,
			    void FAR *out_desc)
{
	struct callbacks cb = { in, in_desc, out, out_desc, 0, 0 };
	struct ziaa_stream *s;
	uint64_t bytes_out;
	int ret;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateBack(strm, in, in_desc, out, out_desc);
	s = ziaa_stream_get(strm, ZIAA_KIND_INFBACK);
	if (!s || !in || !out)
		return ziaa_real.inflateBack(Z_NULL, in, in_desc, out, out_desc);
	bytes_out = s->bytes_out;
	ziaa_stream_begin(s);
	ret = ziaa_real.inflateBack(&s->real, trampoline_in, &cb, trampoline_out, &cb);
	ziaa_stream_end(s);
	/* inflateBack uses avail_out as scratch over its window: only out() counts. */
	s->bytes_out = bytes_out + cb.out_bytes;
	s->bytes_in += cb.in_bytes;
	return ret;
}

ZIAA_EXPORT int inflateBackEnd(z_streamp strm)
{
	struct ziaa_stream *s;

	if (ziaa_fb_reentered())
		return ziaa_real.inflateBackEnd(strm);
	s = ziaa_stream_get(strm, ZIAA_KIND_INFBACK);
	if (!s)
		return ziaa_real.inflateBackEnd(Z_NULL);
	return ziaa_stream_close(s, ziaa_real.inflateBackEnd);
}
