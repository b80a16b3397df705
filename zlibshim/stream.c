/* SPDX-License-Identifier: Zlib */
/*
 * zlibshim/stream.c - the per-stream state that libz-iaa hangs on z_stream.state
 *
 * Every byte that belongs to a stream comes from the caller's zalloc: our state
 * directly, and the system zlib's state through the trampolines below, which also
 * reset the re-entry depth so that an allocator calling zlib is routed normally.
 */
#include "zlibshim/shim.h"

#include <stdlib.h>
#include <string.h>

static enum ziaa_dir dir_of(const struct ziaa_stream *s);

/* zlib's own defaults (zutil.c zcalloc/zcfree): malloc(items * size), free. */
static voidpf default_alloc(voidpf opaque, uInt items, uInt size)
{
	(void)opaque;
	return malloc((size_t)items * size);
}

static void default_free(voidpf opaque, voidpf address)
{
	(void)opaque;
	free(address);
}

static voidpf trampoline_alloc(voidpf opaque, uInt items, uInt size)
{
	struct ziaa_stream *s = opaque;
	int depth = ziaa_fb_suspend();
	voidpf p = s->zalloc(s->opaque, items, size);

	ziaa_fb_resume(depth);
	return p;
}

static void trampoline_free(voidpf opaque, voidpf address)
{
	struct ziaa_stream *s = opaque;
	int depth = ziaa_fb_suspend();

	s->zfree(s->opaque, address);
	ziaa_fb_resume(depth);
}

struct ziaa_stream *ziaa_stream_get(z_streamp strm, enum ziaa_kind kind)
{
	struct ziaa_stream *s;

	if (strm && strm->zalloc && strm->zfree && strm->state) {
		s = (struct ziaa_stream *)(void *)strm->state;
		if (s->strm == strm && s->kind == (uint32_t)kind)
			return s;
	}
	ziaa_fb_ensure();
	return NULL;
}

int ziaa_stream_version_ok(const char *version, int stream_size)
{
	ziaa_fb_ensure();
	return version && version[0] == ziaa_real.zlibVersion()[0] &&
	       stream_size == (int)sizeof(z_stream);
}

void ziaa_stream_defaults(z_streamp strm)
{
	if (!strm->zalloc) {
		strm->zalloc = default_alloc;
		strm->opaque = Z_NULL;
	}
	if (!strm->zfree)
		strm->zfree = default_free;
}

struct ziaa_stream *ziaa_stream_new(z_streamp strm, enum ziaa_kind kind)
{
	struct ziaa_stream *s = strm->zalloc(strm->opaque, 1, sizeof(*s));

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->zalloc = strm->zalloc;
	s->zfree = strm->zfree;
	s->opaque = strm->opaque;
	s->real.zalloc = trampoline_alloc;
	s->real.zfree = trampoline_free;
	s->real.opaque = s;
	ziaa_stream_adopt(s, strm);
	return s;
}

void ziaa_stream_adopt(struct ziaa_stream *s, z_streamp owner)
{
	s->strm = owner;
	s->real.opaque = s;
	owner->state = (struct internal_state *)(void *)s;
}

void ziaa_stream_restart(struct ziaa_stream *s)
{
	ziaa_stats_bytes(dir_of(s), s->bytes_in, s->bytes_out);
	s->bytes_in = 0;
	s->bytes_out = 0;
}

static enum ziaa_dir dir_of(const struct ziaa_stream *s)
{
	return s->kind == ZIAA_KIND_DEFLATE ? ZIAA_DIR_DEFLATE : ZIAA_DIR_INFLATE;
}

int ziaa_stream_started(struct ziaa_stream *s, int ret, enum ziaa_reason reason)
{
	if (ret != Z_OK) {
		ziaa_stream_free(s);
		return ret;
	}
	s->reason = (uint8_t)reason;
	ziaa_stats_stream(dir_of(s), reason);
	return Z_OK;
}

void ziaa_stream_copied(struct ziaa_stream *copy, z_streamp dest)
{
	ziaa_stream_adopt(copy, dest);
	copy->bytes_in = 0;
	copy->bytes_out = 0;
	ziaa_stats_stream(dir_of(copy), (enum ziaa_reason)copy->reason);
}

int ziaa_stream_close(struct ziaa_stream *s, int (*end)(z_streamp))
{
	int ret;

	ziaa_fb_enter();
	ret = end(&s->real);
	ziaa_fb_leave();
	ziaa_stream_free(s);
	return ret;
}

void ziaa_stream_free(struct ziaa_stream *s)
{
	z_streamp strm = s->strm;

	ziaa_stream_restart(s);
	s->kind = 0;
	s->zfree(s->opaque, s);
	strm->state = Z_NULL;
}
