/* SPDX-License-Identifier: Zlib */
/*
 * conformance/roundtrip.c - the smallest zlib program: compress2 and uncompress
 * 64 KiB, exit 0 when the round trip is exact. Linked with -lz; libz-iaa is put
 * under it by the conformance scripts.
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

int main(void)
{
	static unsigned char in[65536], out[70000], back[65536];
	uLongf olen = sizeof(out), blen = sizeof(back);

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)("libz-iaa round trip "[i % 20] + i / 1000);
	if (compress2(out, &olen, in, sizeof(in), 6) != Z_OK ||
	    uncompress(back, &blen, out, olen) != Z_OK || blen != sizeof(in) ||
	    memcmp(in, back, sizeof(in)) != 0) {
		fprintf(stderr, "roundtrip: FAILED\n");
		return 1;
	}
	return 0;
}
