/* SPDX-License-Identifier: Zlib */
/*
 * zlibshim/stats.c - process-wide offload counters and the ZLIB_IAA_STATS record
 *
 * Counters are relaxed atomics: they are statistics, ordered by nothing. A stream
 * adds its bytes once, when it ends or resets, so the hot path touches no shared
 * cache line. At exit the process appends one JSON object on one line to the
 * ZLIB_IAA_STATS file; a forked child starts from zero so no count is reported
 * twice.
 */
#include "zlibshim/shim.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct dir_counters {
	uint64_t streams;   /* streams, gz files and one-shot calls seen */
	uint64_t offloaded; /* of those, the ones that completed a device job */
	uint64_t jobs;      /* device jobs completed */
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t fallback[ZIAA_REASON_COUNT];
};

static struct dir_counters counters[ZIAA_DIR_COUNT];
static const char *device_name;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static const char *const reason_names[ZIAA_REASON_COUNT] = {
	[ZIAA_REASON_NONE] = "none",
	[ZIAA_REASON_MODE_OFF] = "mode_off",
	[ZIAA_REASON_NO_DEVICE] = "no_device",
	[ZIAA_REASON_SOURCE_DATE_EPOCH] = "source_date_epoch",
	[ZIAA_REASON_GZFILE] = "gzfile",
	[ZIAA_REASON_NO_OFFLOAD_PATH] = "no_offload_path",
};

const char *ziaa_reason_name(enum ziaa_reason reason)
{
	return reason_names[reason];
}

static void add(uint64_t *counter, uint64_t n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

void ziaa_stats_reset(void)
{
	for (int d = 0; d < ZIAA_DIR_COUNT; d++) {
		uint64_t *c = (uint64_t *)&counters[d];

		for (size_t i = 0; i < sizeof(counters[d]) / sizeof(uint64_t); i++)
			__atomic_store_n(&c[i], 0, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&device_name, NULL, __ATOMIC_RELAXED);
}

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, ziaa_stats_reset);
}

void ziaa_stats_stream(enum ziaa_dir dir, enum ziaa_reason reason)
{
	pthread_once(&atfork_once, register_atfork);
	add(&counters[dir].streams, 1);
	if (reason != ZIAA_REASON_NONE)
		add(&counters[dir].fallback[reason], 1);
}

void ziaa_stats_bytes(enum ziaa_dir dir, uint64_t in, uint64_t out)
{
	add(&counters[dir].bytes_in, in);
	add(&counters[dir].bytes_out, out);
}

void ziaa_stats_set_device(const char *name)
{
	__atomic_store_n(&device_name, name, __ATOMIC_RELEASE);
}

/* Appends to buf like snprintf; returns the new logical length. */
static size_t put(char *buf, size_t size, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t put(char *buf, size_t size, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(len < size ? buf + len : NULL, len < size ? size - len : 0, fmt, ap);
	va_end(ap);
	return len + (n > 0 ? (size_t)n : 0);
}

static size_t put_dir(char *buf, size_t size, size_t len, const char *name,
		      const struct dir_counters *c)
{
	len = put(buf, size, len,
		  "\"%s\":{\"streams\":%" PRIu64 ",\"offloaded\":%" PRIu64 ",\"jobs\":%" PRIu64
		  ",\"bytes_in\":%" PRIu64 ",\"bytes_out\":%" PRIu64 ",\"fallback\":{",
		  name, get(&c->streams), get(&c->offloaded), get(&c->jobs), get(&c->bytes_in),
		  get(&c->bytes_out));
	for (int r = ZIAA_REASON_NONE + 1; r < ZIAA_REASON_COUNT; r++)
		len = put(buf, size, len, "%s\"%s\":%" PRIu64, r > 1 ? "," : "", reason_names[r],
			  get(&c->fallback[r]));
	return put(buf, size, len, "}}");
}

int ziaa_stats_json(char *buf, size_t size)
{
	const char *dev = __atomic_load_n(&device_name, __ATOMIC_ACQUIRE);
	size_t len = 0;

	/* Device names are ours ("iax1/wq1.0", "model"): nothing to escape. */
	len = put(buf, size, len, "{\"pid\":%ld,\"mode\":\"%s\",\"device\":%s%s%s,", (long)getpid(),
		  ziaa_mode_name(ziaa_config_get()->mode), dev ? "\"" : "", dev ? dev : "null",
		  dev ? "\"" : "");
	len = put_dir(buf, size, len, "deflate", &counters[ZIAA_DIR_DEFLATE]);
	len = put(buf, size, len, ",");
	len = put_dir(buf, size, len, "inflate", &counters[ZIAA_DIR_INFLATE]);
	len = put(buf, size, len, "}");
	if (size && len >= size)
		buf[size - 1] = '\0';
	return (int)len;
}

int ziaa_stats_write(const char *path)
{
	char line[2048];
	int fd, len, ret = -1;

	len = ziaa_stats_json(line, sizeof(line) - 1);
	if (len < 0 || (size_t)len >= sizeof(line) - 1) {
		errno = EOVERFLOW;
		return -1;
	}
	line[len++] = '\n';
	/* 0644 before the umask: never group- or world-writable. */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return -1;
	/* One write() with O_APPEND: concurrent processes never interleave a line. */
	if (write(fd, line, (size_t)len) == len)
		ret = 0;
	close(fd);
	return ret;
}

__attribute__((destructor)) static void write_at_exit(void)
{
	const struct ziaa_config *cfg;

	/* With two copies loaded (libz-iaa.so.1 preloaded over the drop-in libz.so.1),
	 * only the one whose names the process uses has anything to report. */
	if (!ziaa_config_active_copy())
		return;
	cfg = ziaa_config_get();
	if (cfg->stats_path[0] && ziaa_stats_write(cfg->stats_path) != 0)
		fprintf(stderr, "libz-iaa: cannot write stats to %s: %s\n", cfg->stats_path,
			strerror(errno));
}
