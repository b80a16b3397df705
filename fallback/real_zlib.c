/* SPDX-License-Identifier: Zlib */
/*
 * fallback/real_zlib.c - load the system zlib privately and resolve its functions
 *
 * See fallback.h for why every call into it is bracketed by a depth counter.
 */
#include "fallback/fallback.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef ZIAA_REAL_ZLIB_PATH
#error "ZIAA_REAL_ZLIB_PATH must name the system zlib (set by meson)"
#endif

struct ziaa_real_zlib ziaa_real;
int ziaa_fb_loaded;
/* initial-exec: one fs-relative load on every zlib call instead of a
 * __tls_get_addr call; costs 4 bytes of the static TLS surplus when dlopen()ed. */
__thread int ziaa_fb_depth __attribute__((tls_model("initial-exec")));

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

const char *ziaa_fb_path(void)
{
	return ZIAA_REAL_ZLIB_PATH;
}

int ziaa_fb_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return -1;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static _Noreturn void die(const char *what, const char *detail)
{
	fprintf(stderr, "libz-iaa: cannot use the system zlib %s: %s%s%s\n",
		ZIAA_REAL_ZLIB_PATH, what, detail ? ": " : "", detail ? detail : "");
	abort();
}

static void load(void)
{
	Dl_info self;
	void *handle;

	/* Our own file: the one that defines this function. */
	if (dladdr((void *)&ziaa_fb_init, &self) && self.dli_fname &&
	    ziaa_fb_same_file(self.dli_fname, ZIAA_REAL_ZLIB_PATH) == 1)
		die("it is libz-iaa itself", "rebuild with -Dreal_zlib=PATH of the real zlib");

	handle = dlopen(ZIAA_REAL_ZLIB_PATH, RTLD_NOW | RTLD_LOCAL);
	if (!handle)
		die("dlopen failed", dlerror());

	/* Under LD_PRELOAD the system zlib is already mapped (the program needs it) and
	 * dlopen() returns that object; dlsym() on its handle still finds its own
	 * definitions, not ours. */
#define ZIAA_RESOLVE(name)                                                   \
	ziaa_real.name = (__typeof__(name) *)dlsym(handle, #name);           \
	if (!ziaa_real.name)                                                 \
		die("missing function", #name);
	ZIAA_REAL_FUNCS(ZIAA_RESOLVE)
#undef ZIAA_RESOLVE

	if (dladdr((void *)ziaa_real.zlibVersion, &self) && self.dli_fname &&
	    ziaa_fb_same_file(self.dli_fname, ZIAA_REAL_ZLIB_PATH) != 1)
		die("symbols resolve elsewhere", self.dli_fname);

	__atomic_store_n(&ziaa_fb_loaded, 1, __ATOMIC_RELEASE);
}

void ziaa_fb_init(void)
{
	pthread_once(&load_once, load);
}
