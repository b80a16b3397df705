/* SPDX-License-Identifier: Zlib */
/*
 * test/bench_shim.c - the cost of passing through libz-iaa, for callgrind
 *
 * A workload of many small zlib calls, where the shim's per-call work (state check,
 * field mirroring, re-entry bookkeeping) weighs the most: 2000 small streams each
 * way, 64 KiB fed one byte at a time, and 100000 crc32 calls on 64 bytes. Linked
 * with -lz; tools/overhead.sh runs it under valgrind --tool=callgrind without and
 * with LD_PRELOAD=libz-iaa.so.1 and reports the instruction ratio, which is stable
 * on a noisy machine where seconds are not.
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

static unsigned char in[65536], out[70000], back[65536];

static void small_streams(void)
{
	for (int i = 0; i < 2000; i++) {
		z_stream d, f;

		memset(&d, 0, sizeof(d));
		deflateInit(&d, 1 + i % 9);
		d.next_in = in + (i % 60000);
		d.avail_in = 4096;
		d.next_out = out;
		d.avail_out = sizeof(out);
		deflate(&d, Z_FINISH);
		memset(&f, 0, sizeof(f));
		inflateInit(&f);
		f.next_in = out;
		f.avail_in = (uInt)d.total_out;
		f.next_out = back;
		f.avail_out = sizeof(back);
		inflate(&f, Z_FINISH);
		deflateEnd(&d);
		inflateEnd(&f);
	}
}

static void byte_feed(void)
{
	z_stream d;

	memset(&d, 0, sizeof(d));
	deflateInit(&d, 6);
	d.next_out = out;
	d.avail_out = sizeof(out);
	for (size_t i = 0; i < sizeof(in); i++) {
		d.next_in = in + i;
		d.avail_in = 1;
		deflate(&d, Z_NO_FLUSH);
	}
	deflate(&d, Z_FINISH);
	deflateEnd(&d);
}

int main(void)
{
	uLong crc = 0;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)("a small zlib workload "[i % 22] ^ (i >> 9));
	small_streams();
	byte_feed();
	for (int i = 0; i < 100000; i++)
		crc = crc32(crc, in + (i & 1023), 64);
	printf("bench_shim: crc %08lx\n", crc);
	return 0;
}
