/* SPDX-License-Identifier: Zlib */
/*
 * zlibshim/config.c - the process configuration, read once from the environment
 *
 * secure_getenv(): a set-uid program ignores ZLIB_IAA_* like any other untrusted
 * environment, so ZLIB_IAA_STATS cannot be used to append to a root-owned file.
 */
#include "zlibshim/shim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct ziaa_config config;
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static const char *const mode_names[] = {
	[ZIAA_MODE_AUTO] = "auto",
	[ZIAA_MODE_OFF] = "off",
	[ZIAA_MODE_EMULATE] = "emulate",
};

const char *ziaa_mode_name(enum ziaa_mode mode)
{
	return mode_names[mode];
}

int ziaa_config_parse(struct ziaa_config *cfg, const char *mode, const char *stats,
		      const char *source_date_epoch)
{
	int ret = -1;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = ZIAA_MODE_OFF;
	if (!mode || !*mode) {
		cfg->mode = ZIAA_MODE_AUTO;
		ret = 0;
	} else {
		for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
			if (strcmp(mode, mode_names[i]) == 0) {
				cfg->mode = (enum ziaa_mode)i;
				ret = 0;
			}
		}
	}
	/* A path that does not fit is not silently truncated into another file. */
	if (stats && strlen(stats) < sizeof(cfg->stats_path))
		strcpy(cfg->stats_path, stats);
	cfg->source_date_epoch = source_date_epoch != NULL;
	return ret;
}

int ziaa_config_active_copy(void)
{
	void *global = dlsym(RTLD_DEFAULT, "zlib_iaa_mode");
	Dl_info mine, theirs;

	/* Not exported at all (a static test binary): this is the only copy. */
	if (!global || !dladdr((void *)&ziaa_config_active_copy, &mine) ||
	    !dladdr(global, &theirs))
		return 1;
	return mine.dli_fbase == theirs.dli_fbase;
}

static void load(void)
{
	const char *mode = secure_getenv("ZLIB_IAA_MODE");

	if (ziaa_config_parse(&config, mode, secure_getenv("ZLIB_IAA_STATS"),
			      secure_getenv("SOURCE_DATE_EPOCH")) != 0 &&
	    ziaa_config_active_copy())
		fprintf(stderr, "libz-iaa: unknown ZLIB_IAA_MODE \"%s\" (expected auto, off "
			"or emulate); using off\n", mode);
}

const struct ziaa_config *ziaa_config_get(void)
{
	pthread_once(&config_once, load);
	return &config;
}
