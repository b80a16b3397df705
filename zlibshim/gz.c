/* SPDX-License-Identifier: Zlib */
/*
 * zlibshim/gz.c - the exported gz* file functions
 *
 * A gzFile is the system zlib's own object, so struct gzFile_s keeps zlib's layout
 * and the gzgetc() macro, which reads its fields directly, keeps working. Every call
 * runs inside the system zlib; the deflate/inflate calls it makes on the file's
 * internal stream come back as re-entry and are forwarded (see fallback.h).
 */
#include "zlibshim/shim.h"

#include <string.h>

/* Open a file in the system zlib and count it as a stream of its direction. */
static gzFile opened(gzFile file, const char *mode)
{
	enum ziaa_reason reason;

	if (file && mode) {
		reason = ziaa_route_common();
		if (reason == ZIAA_REASON_NO_OFFLOAD_PATH)
			reason = ZIAA_REASON_GZFILE;
		ziaa_stats_stream(strpbrk(mode, "wa") ? ZIAA_DIR_DEFLATE : ZIAA_DIR_INFLATE, reason);
	}
	return file;
}

ZIAA_EXPORT gzFile gzopen(const char *path, const char *mode)
{
	gzFile file;

	ziaa_fb_ensure();
	ziaa_fb_enter();
	file = ziaa_real.gzopen(path, mode);
	ziaa_fb_leave();
	return opened(file, mode);
}

ZIAA_EXPORT gzFile gzopen64(const char *path, const char *mode)
{
	gzFile file;

	ziaa_fb_ensure();
	ziaa_fb_enter();
	file = ziaa_real.gzopen64(path, mode);
	ziaa_fb_leave();
	return opened(file, mode);
}

ZIAA_EXPORT gzFile gzdopen(int fd, const char *mode)
{
	gzFile file;

	ziaa_fb_ensure();
	ziaa_fb_enter();
	file = ziaa_real.gzdopen(fd, mode);
	ziaa_fb_leave();
	return opened(file, mode);
}

/*
 * The rest only ever see a gzFile that the system zlib made, so the library is
 * loaded; each call is bracketed because it may deflate or inflate.
 */
#define GZ_CALL(type, call)             \
	type ret;                       \
	ziaa_fb_ensure();               \
	ziaa_fb_enter();                \
	ret = ziaa_real.call;           \
	ziaa_fb_leave();

ZIAA_EXPORT int gzbuffer(gzFile file, unsigned size)
{
	GZ_CALL(int, gzbuffer(file, size))
	return ret;
}

ZIAA_EXPORT int gzsetparams(gzFile file, int level, int strategy)
{
	GZ_CALL(int, gzsetparams(file, level, strategy))
	return ret;
}

ZIAA_EXPORT int gzread(gzFile file, voidp buf, unsigned len)
{
	GZ_CALL(int, gzread(file, buf, len))
	return ret;
}

ZIAA_EXPORT z_size_t gzfread(voidp buf, z_size_t size, z_size_t nitems, gzFile file)
{
	GZ_CALL(z_size_t, gzfread(buf, size, nitems, file))
	return ret;
}

ZIAA_EXPORT int gzwrite(gzFile file, voidpc buf, unsigned len)
{
	GZ_CALL(int, gzwrite(file, buf, len))
	return ret;
}

ZIAA_EXPORT z_size_t gzfwrite(voidpc buf, z_size_t size, z_size_t nitems, gzFile file)
{
	GZ_CALL(z_size_t, gzfwrite(buf, size, nitems, file))
	return ret;
}

ZIAA_EXPORT int gzvprintf(gzFile file, const char *format, va_list va)
{
	GZ_CALL(int, gzvprintf(file, format, va))
	return ret;
}

ZIAA_EXPORT int gzprintf(gzFile file, const char *format, ...)
{
	va_list va;
	int ret;

	va_start(va, format);
	ret = gzvprintf(file, format, va);
	va_end(va);
	return ret;
}

ZIAA_EXPORT int gzputs(gzFile file, const char *s)
{
	GZ_CALL(int, gzputs(file, s))
	return ret;
}

ZIAA_EXPORT char *gzgets(gzFile file, char *buf, int len)
{
	GZ_CALL(char *, gzgets(file, buf, len))
	return ret;
}

ZIAA_EXPORT int gzputc(gzFile file, int c)
{
	GZ_CALL(int, gzputc(file, c))
	return ret;
}

ZIAA_EXPORT int gzgetc(gzFile file)
{
	GZ_CALL(int, gzgetc(file))
	return ret;
}

ZIAA_EXPORT int gzgetc_(gzFile file)
{
	GZ_CALL(int, gzgetc_(file))
	return ret;
}

ZIAA_EXPORT int gzungetc(int c, gzFile file)
{
	GZ_CALL(int, gzungetc(c, file))
	return ret;
}

ZIAA_EXPORT int gzflush(gzFile file, int flush)
{
	GZ_CALL(int, gzflush(file, flush))
	return ret;
}

ZIAA_EXPORT z_off_t gzseek(gzFile file, z_off_t offset, int whence)
{
	GZ_CALL(z_off_t, gzseek(file, offset, whence))
	return ret;
}

ZIAA_EXPORT z_off64_t gzseek64(gzFile file, z_off64_t offset, int whence)
{
	GZ_CALL(z_off64_t, gzseek64(file, offset, whence))
	return ret;
}

ZIAA_EXPORT int gzrewind(gzFile file)
{
	GZ_CALL(int, gzrewind(file))
	return ret;
}

ZIAA_EXPORT z_off_t gztell(gzFile file)
{
	GZ_CALL(z_off_t, gztell(file))
	return ret;
}

ZIAA_EXPORT z_off64_t gztell64(gzFile file)
{
	GZ_CALL(z_off64_t, gztell64(file))
	return ret;
}

ZIAA_EXPORT z_off_t gzoffset(gzFile file)
{
	GZ_CALL(z_off_t, gzoffset(file))
	return ret;
}

ZIAA_EXPORT z_off64_t gzoffset64(gzFile file)
{
	GZ_CALL(z_off64_t, gzoffset64(file))
	return ret;
}

ZIAA_EXPORT int gzeof(gzFile file)
{
	GZ_CALL(int, gzeof(file))
	return ret;
}

ZIAA_EXPORT int gzdirect(gzFile file)
{
	GZ_CALL(int, gzdirect(file))
	return ret;
}

ZIAA_EXPORT int gzclose(gzFile file)
{
	GZ_CALL(int, gzclose(file))
	return ret;
}

ZIAA_EXPORT int gzclose_r(gzFile file)
{
	GZ_CALL(int, gzclose_r(file))
	return ret;
}

ZIAA_EXPORT int gzclose_w(gzFile file)
{
	GZ_CALL(int, gzclose_w(file))
	return ret;
}

ZIAA_EXPORT const char *gzerror(gzFile file, int *errnum)
{
	GZ_CALL(const char *, gzerror(file, errnum))
	return ret;
}

ZIAA_EXPORT void gzclearerr(gzFile file)
{
	ziaa_fb_ensure();
	ziaa_real.gzclearerr(file);
}
#undef GZ_CALL
