/* SPDX-License-Identifier: Zlib */
/*
 * zlibshim/shim.h - internal interface of the exported zlib layer
 *
 * Include after fallback/fallback.h (which must come first in every file).
 */
#ifndef ZIAA_SHIM_H
#define ZIAA_SHIM_H

#include <stddef.h>
#include <stdint.h>

#include "fallback/fallback.h"

#define ZIAA_EXPORT __attribute__((visibility("default")))

#ifdef ZIAA_ASSERTIONS
#include <assert.h>
#define ZIAA_ASSERT(x) assert(x)
#else
#define ZIAA_ASSERT(x) ((void)0)
#endif

/* ---- configuration (config.c) ------------------------------------------ */

/* ZLIB_IAA_MODE */
enum ziaa_mode {
	ZIAA_MODE_AUTO,    /* a real IAA device when usable and the stream fits */
	ZIAA_MODE_OFF,     /* never a device: byte-identical to the system zlib */
	ZIAA_MODE_EMULATE, /* the software device model stands in for hardware */
};

struct ziaa_config {
	enum ziaa_mode mode;
	int source_date_epoch; /* SOURCE_DATE_EPOCH is set: compression stays in zlib */
	char stats_path[4096]; /* ZLIB_IAA_STATS, "" when unset */
};

/*
 * ziaa_config_get - the process configuration, read once with secure_getenv()
 *
 * An unknown ZLIB_IAA_MODE prints one warning line on stderr and reads as off.
 * Thread-safe; the result is never NULL and never changes.
 */
const struct ziaa_config *ziaa_config_get(void);

/*
 * ziaa_config_parse - fill cfg from explicit values (NULL = unset); used by
 * ziaa_config_get() and by tests. Returns 0, or -1 when mode was not recognised
 * (cfg->mode is then ZIAA_MODE_OFF). Prints nothing.
 */
int ziaa_config_parse(struct ziaa_config *cfg, const char *mode, const char *stats,
		      const char *source_date_epoch);

/*
 * ziaa_config_active_copy - 1 unless another copy of libz-iaa in the process owns
 * the zlib names (libz-iaa.so.1 preloaded over the drop-in libz.so.1): the inactive
 * copy neither warns nor writes stats.
 */
int ziaa_config_active_copy(void);

/* ziaa_mode_name - "auto", "off" or "emulate" */
const char *ziaa_mode_name(enum ziaa_mode mode);

/* ---- statistics (stats.c) ------------------------------------------------ */

enum ziaa_dir {
	ZIAA_DIR_DEFLATE,
	ZIAA_DIR_INFLATE,
	ZIAA_DIR_COUNT,
};

/*
 * Why a stream runs on the system zlib. ZIAA_REASON_NONE means it is offloaded.
 * The names (ziaa_reason_name) are the keys of the stats "fallback" object: keep
 * them stable.
 */
enum ziaa_reason {
	ZIAA_REASON_NONE,              /* offloaded */
	ZIAA_REASON_MODE_OFF,          /* "mode_off": ZLIB_IAA_MODE=off (or unknown) */
	ZIAA_REASON_NO_DEVICE,         /* "no_device": no usable device for the mode */
	ZIAA_REASON_SOURCE_DATE_EPOCH, /* "source_date_epoch": reproducible builds */
	ZIAA_REASON_GZFILE,            /* "gzfile": gz* file API, served by zlib */
	ZIAA_REASON_NO_OFFLOAD_PATH,   /* "no_offload_path": device present, no offload code yet */
	ZIAA_REASON_COUNT,
};

const char *ziaa_reason_name(enum ziaa_reason reason);

/* ziaa_stats_stream - one stream or one-shot call seen, and why it is not offloaded. */
void ziaa_stats_stream(enum ziaa_dir dir, enum ziaa_reason reason);

/* ziaa_stats_bytes - bytes that went into and out of finished streams. */
void ziaa_stats_bytes(enum ziaa_dir dir, uint64_t in, uint64_t out);

/* ziaa_stats_set_device - name the device used (static string), once known. */
void ziaa_stats_set_device(const char *name);

/*
 * ziaa_stats_json - the stats object (see zlib_iaa.h: zlib_iaa_stats)
 */
int ziaa_stats_json(char *buf, size_t size);

/* ziaa_stats_reset - zero every counter (after fork in the child, and in tests). */
void ziaa_stats_reset(void);

/*
 * ziaa_stats_write - append the object and a newline to path with O_APPEND, mode
 * 0644. Returns 0 or -1 (errno set). Called at exit when ZLIB_IAA_STATS is set.
 */
int ziaa_stats_write(const char *path);

/* ---- routing (route.c) ---------------------------------------------------- */

/*
 * ziaa_route_deflate / ziaa_route_inflate - decide at init (and reset) whether a
 * stream may be offloaded; returns ZIAA_REASON_NONE or the fallback reason.
 */
enum ziaa_reason ziaa_route_deflate(int level, int window_bits, int mem_level, int strategy);
enum ziaa_reason ziaa_route_inflate(int window_bits);

/* ziaa_route_common - the part of every decision that does not depend on the stream. */
enum ziaa_reason ziaa_route_common(void);

/* ---- per-stream state (stream.c) ----------------------------------------- */

/* The first word of every stream state: never 0, says which API owns it. */
enum ziaa_kind {
	ZIAA_KIND_DEFLATE = 0x5a444546, /* "FEDZ" */
	ZIAA_KIND_INFLATE = 0x5a494e46, /* "FNIZ" */
	ZIAA_KIND_INFBACK = 0x5a494e42, /* "BNIZ" */
};

/*
 * The state libz-iaa hangs on z_stream.state. It holds the caller's allocator and
 * a real zlib stream ("real") whose public fields mirror the caller's around every
 * call into the system zlib. Allocated with the caller's zalloc; idle cost is this
 * struct plus zlib's own state.
 */
struct ziaa_stream {
	uint32_t kind;          /* enum ziaa_kind: first, never 0 */
	uint8_t reason;         /* enum ziaa_reason decided at init/reset */
	z_streamp strm;         /* back-pointer to the caller's z_stream */
	alloc_func zalloc;      /* the caller's allocator (defaults applied) */
	free_func zfree;
	voidpf opaque;
	uInt avail_in0;         /* avail_in/avail_out at the start of the call */
	uInt avail_out0;
	uint64_t bytes_in;      /* consumed and produced since init/reset */
	uint64_t bytes_out;
	z_stream real;          /* the system zlib's stream; its opaque is this struct */
};

/*
 * ziaa_stream_get - the state of strm when strm is a live stream of this kind
 *
 * Checks what zlib checks (strm, zalloc, zfree, state) plus our back-pointer and
 * kind. Returns NULL otherwise, after making sure the system zlib is loaded so the
 * caller can let it produce zlib's own answer for a bad stream (call it with NULL).
 */
struct ziaa_stream *ziaa_stream_get(z_streamp strm, enum ziaa_kind kind);

/*
 * ziaa_stream_version_ok - zlib's ABI check of the version string and z_stream
 * size passed to every *Init_ function.
 */
int ziaa_stream_version_ok(const char *version, int stream_size);

/* ziaa_stream_defaults - zlib's default zalloc/zfree when the caller set none. */
void ziaa_stream_defaults(z_streamp strm);

/*
 * ziaa_stream_new - allocate and link a state for strm with strm's allocator;
 * NULL when the allocator fails. The real stream is zeroed except its allocator.
 */
struct ziaa_stream *ziaa_stream_new(z_streamp strm, enum ziaa_kind kind);

/*
 * ziaa_stream_started - finish an init: on failure (ret != Z_OK) free s and return
 * ret; on success record the routing decision, count the stream, return Z_OK.
 */
int ziaa_stream_started(struct ziaa_stream *s, int ret, enum ziaa_reason reason);

/* ziaa_stream_copied - a successful *Copy(): link copy to dest and count it. */
void ziaa_stream_copied(struct ziaa_stream *copy, z_streamp dest);

/* ziaa_stream_close - run the system zlib's end function on s, then free s. */
int ziaa_stream_close(struct ziaa_stream *s, int (*end)(z_streamp));

/* ziaa_stream_free - account the stream's bytes, free it, clear strm->state. */
void ziaa_stream_free(struct ziaa_stream *s);

/* ziaa_stream_restart - account finished bytes and start a new stream's count. */
void ziaa_stream_restart(struct ziaa_stream *s);

/* ziaa_stream_adopt - after a real *Copy(): link a copied state to its new owner. */
void ziaa_stream_adopt(struct ziaa_stream *s, z_streamp owner);

/*
 * ziaa_stream_begin / ziaa_stream_end - bracket a call into the system zlib on
 * s->real: copy the caller's public fields in, count the depth, copy them back.
 */
static inline void ziaa_stream_begin(struct ziaa_stream *s)
{
	z_streamp o = s->strm;

	s->real.next_in = o->next_in;
	s->real.avail_in = o->avail_in;
	s->real.total_in = o->total_in;
	s->real.next_out = o->next_out;
	s->real.avail_out = o->avail_out;
	s->real.total_out = o->total_out;
	s->real.msg = o->msg;
	s->real.data_type = o->data_type;
	s->real.adler = o->adler;
	s->real.reserved = o->reserved;
	s->avail_in0 = o->avail_in;
	s->avail_out0 = o->avail_out;
	ziaa_fb_enter();
}

static inline void ziaa_stream_end(struct ziaa_stream *s)
{
	z_streamp o = s->strm;

	ziaa_fb_leave();
	o->next_in = s->real.next_in;
	o->avail_in = s->real.avail_in;
	o->total_in = s->real.total_in;
	o->next_out = s->real.next_out;
	o->avail_out = s->real.avail_out;
	o->total_out = s->real.total_out;
	o->msg = s->real.msg;
	o->data_type = s->real.data_type;
	o->adler = s->real.adler;
	o->reserved = s->real.reserved;
	s->bytes_in += (uint64_t)s->avail_in0 - s->real.avail_in;
	s->bytes_out += (uint64_t)s->avail_out0 - s->real.avail_out;
}

#endif /* ZIAA_SHIM_H */
