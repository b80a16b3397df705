/* SPDX-License-Identifier: Zlib */
/*
 * fallback/fallback.h - the binding to the real system zlib
 *
 * libz-iaa never links -lz. It loads the system zlib privately, by absolute path,
 * and calls it through ziaa_real. Include this header before any other: it fixes the
 * large-file macros so that zlib.h declares both gzopen and gzopen64, as the ABI has.
 *
 * Re-entry. The real zlib calls its own exported names through the PLT (compress2
 * calls deflateInit_, gzwrite calls deflate, deflateParams calls deflate...), and the
 * dynamic linker binds those calls to the first definition in the global scope: ours.
 * Every call the shim makes into the real zlib therefore runs inside
 * ziaa_fb_enter()/ziaa_fb_leave(), which count a per-thread depth; an exported entry
 * point that sees a non-zero depth is such an internal call and forwards it straight
 * to the real zlib with the caller's own (real) stream state. Callbacks from the real
 * zlib into user code (zalloc, zfree, inflateBack's in/out) reset the depth to 0 for
 * their duration with ziaa_fb_suspend()/ziaa_fb_resume(), so user code that calls
 * zlib from inside a callback is routed like any other caller.
 */
#ifndef ZIAA_FALLBACK_H
#define ZIAA_FALLBACK_H

#ifdef _FILE_OFFSET_BITS
#undef _FILE_OFFSET_BITS
#endif
#ifndef _LARGEFILE64_SOURCE
#define _LARGEFILE64_SOURCE 1
#endif

#include <stdarg.h>
#include <zlib.h>

/* gzgetc is also a macro in zlib.h; the ABI function must be reachable by name. */
#undef gzgetc

/*
 * ZIAA_REAL_FUNCS - every function the system zlib exports (zlib 1.2.13: 88), in the
 * order of zlib.h. X(name) is expanded once per function.
 */
#define ZIAA_REAL_FUNCS(X) \
	X(zlibVersion) X(deflate) X(deflateEnd) X(inflate) X(inflateEnd) \
	X(deflateSetDictionary) X(deflateGetDictionary) X(deflateCopy) X(deflateReset) \
	X(deflateParams) X(deflateTune) X(deflateBound) X(deflatePending) X(deflatePrime) \
	X(deflateSetHeader) X(inflateSetDictionary) X(inflateGetDictionary) X(inflateSync) \
	X(inflateCopy) X(inflateReset) X(inflateReset2) X(inflatePrime) X(inflateMark) \
	X(inflateGetHeader) X(inflateBack) X(inflateBackEnd) X(zlibCompileFlags) \
	X(compress) X(compress2) X(compressBound) X(uncompress) X(uncompress2) \
	X(gzdopen) X(gzbuffer) X(gzsetparams) X(gzread) X(gzfread) X(gzwrite) X(gzfwrite) \
	X(gzprintf) X(gzputs) X(gzgets) X(gzputc) X(gzgetc) X(gzungetc) X(gzflush) \
	X(gzrewind) X(gzeof) X(gzdirect) X(gzclose) X(gzclose_r) X(gzclose_w) X(gzerror) \
	X(gzclearerr) X(adler32) X(adler32_z) X(crc32) X(crc32_z) X(crc32_combine_op) \
	X(deflateInit_) X(inflateInit_) X(deflateInit2_) X(inflateInit2_) \
	X(inflateBackInit_) X(gzgetc_) X(gzopen64) X(gzseek64) X(gztell64) X(gzoffset64) \
	X(adler32_combine64) X(crc32_combine64) X(crc32_combine_gen64) X(gzopen) \
	X(gzseek) X(gztell) X(gzoffset) X(adler32_combine) X(crc32_combine) \
	X(crc32_combine_gen) X(zError) X(inflateSyncPoint) X(get_crc_table) \
	X(inflateUndermine) X(inflateValidate) X(inflateCodesUsed) X(inflateResetKeep) \
	X(deflateResetKeep) X(gzvprintf)

#define ZIAA_REAL_MEMBER(name) __typeof__(name) *name;
/* Function pointers into the system zlib, valid once ziaa_fb_ready() is true. */
struct ziaa_real_zlib {
	ZIAA_REAL_FUNCS(ZIAA_REAL_MEMBER)
};
#undef ZIAA_REAL_MEMBER

extern struct ziaa_real_zlib ziaa_real;
extern int ziaa_fb_loaded;
extern __thread int ziaa_fb_depth __attribute__((tls_model("initial-exec")));

/*
 * ziaa_fb_init - load the system zlib once per process
 *
 * Opens the configured path (meson option real_zlib) with RTLD_NOW|RTLD_LOCAL,
 * refuses it when it is this very library (same device and inode: the drop-in copy
 * is also called libz.so.1), and resolves every function. Failing that, the process
 * cannot do anything zlib does: it prints one line naming the cause and aborts.
 * Thread-safe (pthread_once).
 */
void ziaa_fb_init(void);

/* ziaa_fb_ensure - make ziaa_real usable; one acquire load on the fast path. */
static inline void ziaa_fb_ensure(void)
{
	if (__builtin_expect(!__atomic_load_n(&ziaa_fb_loaded, __ATOMIC_ACQUIRE), 0))
		ziaa_fb_init();
}

/* ziaa_fb_reentered - true inside a call the shim made into the real zlib. */
static inline int ziaa_fb_reentered(void)
{
	return ziaa_fb_depth != 0;
}

/* ziaa_fb_enter/leave - bracket every shim call into the real zlib. */
static inline void ziaa_fb_enter(void)
{
	ziaa_fb_depth++;
}

static inline void ziaa_fb_leave(void)
{
	ziaa_fb_depth--;
}

/* ziaa_fb_suspend/resume - bracket a callback from the real zlib into user code. */
static inline int ziaa_fb_suspend(void)
{
	int depth = ziaa_fb_depth;

	ziaa_fb_depth = 0;
	return depth;
}

static inline void ziaa_fb_resume(int depth)
{
	ziaa_fb_depth = depth;
}

/*
 * ziaa_fb_path - the path the system zlib is loaded from (for `zlib-iaa info`).
 */
const char *ziaa_fb_path(void);

/*
 * ziaa_fb_same_file - 1 when two paths name the same file (device and inode),
 * 0 when they do not, -1 when either cannot be examined. Exposed for tests.
 */
int ziaa_fb_same_file(const char *a, const char *b);

#endif /* ZIAA_FALLBACK_H */
