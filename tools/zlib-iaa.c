/* SPDX-License-Identifier: Zlib */
/*
 * tools/zlib-iaa.c - the admin command: what libz-iaa sees on this machine
 *
 *   zlib-iaa info     every IAA device and work queue, whether libz-iaa can use
 *                     each one and if not exactly why, and the configuration
 *                     that a program started with this environment would get.
 *
 * Exit status: 0 when the report was printed, 2 on a usage error.
 */
#include "zlibshim/shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iaa/hw/hw_backend.h"
#include "zlib_iaa.h"

#define MAX_WQS 256

static void print_config(void)
{
	const struct ziaa_config *cfg = ziaa_config_get();
	const char *mode = secure_getenv("ZLIB_IAA_MODE");
	const char *faults = secure_getenv("ZLIB_IAA_FAULTS");
	const char *model_version = secure_getenv("ZLIB_IAA_MODEL_VERSION");
	unsigned cpu = ziaa_hw_cpu_features();

	ziaa_fb_ensure();
	printf("libz-iaa %s\n", ZLIB_IAA_VERSION);
	printf("configuration:\n");
	printf("  ZLIB_IAA_MODE      %s%s%s%s\n", ziaa_mode_name(cfg->mode),
	       mode ? " (set to \"" : " (default)", mode ? mode : "", mode ? "\")" : "");
	printf("  ZLIB_IAA_STATS     %s\n", cfg->stats_path[0] ? cfg->stats_path : "(unset: no record)");
	printf("  ZLIB_IAA_FAULTS    %s\n", faults ? faults : "(unset: the model injects none)");
	printf("  ZLIB_IAA_MODEL_VERSION %s\n",
	       model_version && strcmp(model_version, "2") == 0 ? "2: the model is an IAA 2.0"
							      : "1: the model is an IAA 1.0 (default)");
	printf("  SOURCE_DATE_EPOCH  %s\n",
	       cfg->source_date_epoch ? "set: compression stays in software" : "unset");
	printf("  system zlib        %s (zlib %s)\n", ziaa_fb_path(), ziaa_real.zlibVersion());
	printf("  CPU                MOVDIR64B %s, ENQCMD %s, WAITPKG %s\n",
	       cpu & ZIAA_CPU_MOVDIR64B ? "yes" : "no", cpu & ZIAA_CPU_ENQCMD ? "yes" : "no",
	       cpu & ZIAA_CPU_WAITPKG ? "yes" : "no");
}

static int info(void)
{
	static struct ziaa_hw_wq wqs[MAX_WQS];
	const char *why = NULL;
	int n, usable = 0;

	print_config();
	printf("devices:\n");
	n = ziaa_hw_discover(wqs, MAX_WQS, 1, &why);
	if (n < 0) {
		printf("  none found: %s\n", why);
	} else if (n == 0) {
		printf("  none found: no IAA device in /sys/bus/dsa\n");
	}
	for (int i = 0; i < n && i < MAX_WQS; i++) {
		const struct ziaa_hw_wq *w = &wqs[i];

		if (i == 0 || strcmp(w->device, wqs[i - 1].device) != 0)
			printf("  %s: IAA %u.%u, %s, NUMA node %d, SVA %s\n", w->device, w->version >> 8,
			       w->version & 0xff, w->device_enabled ? "enabled" : "disabled",
			       w->numa_node, w->sva ? "on" : "off");
		printf("    %-8s %-9s size %-4llu threshold %-4d max transfer %llu  %s\n", w->name,
		       w->mode_unknown ? "mode?" : w->shared ? "shared" : "dedicated",
		       (unsigned long long)w->size, w->threshold,
		       (unsigned long long)w->max_transfer_size, w->path[0] ? w->path : "(no node)");
		printf("             %s%s%s\n", ziaa_hw_verdict_text(w->verdict), w->err ? ": " : "",
		       w->err ? strerror(w->err) : "");
		usable += w->verdict == ZIAA_WQ_USABLE || w->verdict == ZIAA_WQ_USABLE_WRITE;
	}
	printf("summary: %d of %d IAA work queues usable by this process", usable, n < 0 ? 0 : n);
	if (ziaa_config_get()->mode == ZIAA_MODE_OFF)
		printf("; ZLIB_IAA_MODE=off: libz-iaa uses none\n");
	else if (ziaa_config_get()->mode == ZIAA_MODE_EMULATE)
		printf("; ZLIB_IAA_MODE=emulate: libz-iaa uses the software device model\n");
	else
		printf("; streams %s\n", usable ? "that fit the device are offloaded"
					     : "run on the system zlib (fallback reason no_device)");
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: zlib-iaa info     show IAA devices, work queues and the configuration\n"
		   "       zlib-iaa --help | --version\n");
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "info") == 0)
		return info();
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("zlib-iaa %s\n", ZLIB_IAA_VERSION);
		return 0;
	}
	usage(stderr);
	return 2;
}
