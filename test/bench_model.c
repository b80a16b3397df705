/* SPDX-License-Identifier: Zlib */
/*
 * test/bench_model.c - the device model's engine against zlib, in the same run
 *
 * Usage: bench_model CORPUS_DIR   (the Silesia *.zip files; unzipped to a temp dir)
 * For each file (its first 8 MiB, in 2 MiB jobs, the default transfer limit):
 *   compress: the model's coding job alone (one pass with a given table: canned,
 *             fixed or static mode) and its two-pass dynamic mode (statistics, then
 *             coding) against zlib level 1, throughput ratios; and compressed size against zlib
 *             level 1 at windowBits 12 (the device's 4 KB window);
 *   decompress: the model decoding its own output (whole streams: the fast
 *             decoder, iaa/model/inflate.c) against zlib inflating zlib -1's,
 *             and against zlib inflating the model's own streams (same input);
 *             and both decoding zlib -1's raw streams at windowBits 12, one a
 *             job (same input, made by zlib: a dynamic block every 16K symbols).
 * Runs jobs synchronously (ziaa_model_execute), so the numbers are the engine's.
 * Every time is the best of ROUNDS runs, model and zlib interleaved.
 * Ratios > 1 mean the model is faster (throughput) or compresses better (size).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "iaa/huff.h"
#include "iaa/model/model.h"
#include "test/iaa/model/jobs.h"

#define JOB (2u << 20)
#define LIMIT (8u << 20)
#define ROUNDS 5

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct iaa_hw_crec cr;
static struct iaa_hw_aecs_comp caecs[2];

static void run_desc(unsigned op, const void *in, uint32_t n, void *out, uint32_t cap, uint16_t flags,
		     uint32_t opf, void *src2, uint32_t src2_size)
{
	struct iaa_hw_desc d;

	memset(&cr, 0, sizeof(cr));
	fill_desc(&d, op, &cr, in, n, out, cap, flags, opf, src2, src2_size);
	ziaa_model_execute(&d, JOB, 0x100, ZIAA_FAULT_NONE);
}

/* Model: two-pass dynamic compression of one job; returns the output size and
 * adds the time of the coding job alone (one pass, the table given) to *coding. */
static uint32_t model_compress(const uint8_t *in, uint32_t n, uint8_t *out, uint32_t cap, double *coding)
{
	struct iaa_hw_histogram hist;
	struct ziaa_huff_table t;
	struct ziaa_huff_header h;
	double t0;

	run_desc(IAA_OP_COMPRESS, in, n, &hist, sizeof(hist), IAA_COMP_FLAG_STATS_MODE, 0, NULL, 0);
	ziaa_huff_from_histogram(&t, hist.ll_count, hist.d_count);
	ziaa_huff_write_header(&t, 1, &h);
	memset(caecs, 0, sizeof(caecs));
	memcpy(caecs[0].ll_code, t.ll_code, sizeof(t.ll_code));
	memcpy(caecs[0].d_code, t.d_code, sizeof(t.d_code));
	memcpy(caecs[0].out_accum, h.bytes, (h.bits + 7) / 8);
	caecs[0].out_accum_bits = h.bits;
	t0 = now();
	run_desc(IAA_OP_COMPRESS, in, n, out, cap,
		 IAA_COMP_FLAG_FLUSH_OUTPUT | IAA_END_PROC_EOB << IAA_COMP_FLAG_END_PROC_SHIFT,
		 IAA_OPF_RD_SRC2_AECS, caecs, IAA_AECS_COMP_SIZE);
	*coding += now() - t0;
	return cr.status == IAA_ST_SUCCESS ? cr.output_size : 0;
}

static size_t zlib_compress(const uint8_t *in, size_t n, uint8_t *out, size_t cap, int wbits)
{
	z_stream s;
	size_t total;

	memset(&s, 0, sizeof(s));
	deflateInit2(&s, 1, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY);
	s.next_in = (Bytef *)in;
	s.avail_in = (uInt)n;
	s.next_out = out;
	s.avail_out = (uInt)cap;
	deflate(&s, Z_FINISH);
	total = s.total_out;
	deflateEnd(&s);
	return total;
}

static double min2(double a, double b)
{
	return a < b ? a : b;
}

/* Decode jobs raw streams (src + off[j], size[j] bytes) into out, a job's room
 * each: with the model (whole-stream DECOMPRESS jobs) or with zlib inflate.
 * Returns the time; *ok cleared on any failure. */
static double decode_jobs(int model, const uint8_t *src, const uint32_t *off, const uint32_t *size, int jobs,
			  uint8_t *out, int *ok)
{
	double t0 = now();

	for (int j = 0; j < jobs; j++) {
		if (model) {
			run_desc(IAA_OP_DECOMPRESS, src + off[j], size[j], out + (size_t)j * JOB, JOB,
				 IAA_DECOMP_FLAG_ENABLE | IAA_DECOMP_FLAG_FLUSH_OUTPUT | IAA_DECOMP_FLAG_STOP_ON_EOB |
					 IAA_DECOMP_FLAG_CHECK_FOR_EOB | IAA_DECOMP_FLAG_SELECT_BFINAL_EOB,
				 0, NULL, 0);
			*ok &= cr.status == IAA_ST_SUCCESS;
		} else {
			z_stream zs;

			memset(&zs, 0, sizeof(zs));
			inflateInit2(&zs, -15);
			zs.next_in = (Bytef *)(uintptr_t)(src + off[j]);
			zs.avail_in = size[j];
			zs.next_out = out + (size_t)j * JOB;
			zs.avail_out = JOB;
			*ok &= inflate(&zs, Z_FINISH) == Z_STREAM_END;
			inflateEnd(&zs);
		}
	}
	return now() - t0;
}

static void bench_file(const char *path, const char *name)
{
	FILE *f = fopen(path, "rb");
	uint8_t *in = malloc(LIMIT), *mout = malloc(LIMIT + LIMIT / 8 + 4096), *zout = malloc(2 * LIMIT);
	uint8_t *back = malloc(LIMIT), *w12 = malloc(2 * LIMIT);
	uint32_t moff[8], msize[8], w12off[8], w12size[8];
	size_t n, zn = 0, z12 = 0, msum = 0;
	double t0, tm = 1e9, tz = 1e9, tmd = 1e9, tzd = 1e9, tzs = 1e9, tc = 1e9, tmw = 1e9, tzw = 1e9;
	int jobs, ok = 1;

	n = fread(in, 1, LIMIT, f);
	fclose(f);
	jobs = (int)((n + JOB - 1) / JOB);
	for (int j = 0; j < jobs; j++) {
		size_t len = n - (size_t)j * JOB < JOB ? n - (size_t)j * JOB : JOB;

		w12off[j] = (uint32_t)z12;
		w12size[j] = (uint32_t)zlib_compress(in + (size_t)j * JOB, len, w12 + z12, 2 * LIMIT - z12, -12);
		z12 += w12size[j];
	}
	/* the machine is shared and noisy: each side's best of ROUNDS, interleaved */
	for (int round = 0; round < ROUNDS; round++) {
		double coding = 0;

		msum = 0;
		t0 = now();
		for (int j = 0; j < jobs; j++) {
			uint32_t len = (uint32_t)(n - (size_t)j * JOB < JOB ? n - (size_t)j * JOB : JOB);

			moff[j] = (uint32_t)msum;
			msize[j] = model_compress(in + (size_t)j * JOB, len, mout + msum, JOB, &coding);
			ok &= msize[j] != 0;
			msum += msize[j];
		}
		tm = min2(tm, now() - t0);
		tc = min2(tc, coding);
		t0 = now();
		zn = zlib_compress(in, n, zout, 2 * LIMIT, 15);
		tz = min2(tz, now() - t0);
		memset(back, 0, n);
		tmd = min2(tmd, decode_jobs(1, mout, moff, msize, jobs, back, &ok));
		ok &= memcmp(back, in, n) == 0;
		t0 = now();
		{
			uLongf blen = LIMIT;

			ok &= uncompress(back, &blen, zout, zn) == Z_OK && blen == n;
		}
		tzd = min2(tzd, now() - t0);
		/* zlib inflating the model's own streams: the same input for both decoders */
		tzs = min2(tzs, decode_jobs(0, mout, moff, msize, jobs, back, &ok));
		/* both decoders on zlib's own streams at windowBits 12, a job each */
		memset(back, 0, n);
		tmw = min2(tmw, decode_jobs(1, w12, w12off, w12size, jobs, back, &ok));
		ok &= memcmp(back, in, n) == 0;
		tzw = min2(tzw, decode_jobs(0, w12, w12off, w12size, jobs, back, &ok));
	}
	printf("%-8s %5.1f MiB  compress: one pass %6.1f, two-pass %6.1f vs zlib-1 %6.1f MB/s (x%.2f, x%.2f)  "
	       "size %8zu vs zlib-1/wbits12 %8zu (ratio x%.3f)  "
	       "decompress %6.1f vs %6.1f MB/s (x%.2f; same streams: zlib %6.1f MB/s, x%.2f; "
	       "zlib-1/wbits12 streams: model %6.1f vs zlib %6.1f MB/s, x%.2f)  %s\n",
	       name, n / 1048576.0, n / tc / 1e6, n / tm / 1e6, n / tz / 1e6, tz / tc, tz / tm, msum, z12,
	       (double)z12 / (double)msum, n / tmd / 1e6, n / tzd / 1e6, tzd / tmd, n / tzs / 1e6, tzs / tmd,
	       n / tmw / 1e6, n / tzw / 1e6, tzw / tmw, ok ? "round trip ok" : "ROUND TRIP FAILED");
	free(in);
	free(mout);
	free(zout);
	free(back);
	free(w12);
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/ziaa-bench-XXXXXX", cmd[512], path[600];
	struct dirent *e;
	DIR *dir;

	if (argc < 2 || !(dir = opendir(argv[1]))) {
		printf("bench_model: no corpus directory given or readable; nothing to measure\n");
		return 77;
	}
	if (!mkdtemp(tmp))
		return 1;
	printf("model engine vs zlib 1.2.13, same run; first 8 MiB of each Silesia file, 2 MiB jobs\n");
	while ((e = readdir(dir))) {
		size_t l = strlen(e->d_name);

		if (l < 5 || strcmp(e->d_name + l - 4, ".zip") != 0)
			continue;
		snprintf(cmd, sizeof(cmd), "unzip -o -q '%s/%s' -d %s", argv[1], e->d_name, tmp);
		if (system(cmd) != 0)
			continue;
		e->d_name[l - 4] = '\0';
		snprintf(path, sizeof(path), "%s/%s", tmp, e->d_name);
		bench_file(path, e->d_name);
		remove(path);
	}
	closedir(dir);
	rmdir(tmp);
	return 0;
}
