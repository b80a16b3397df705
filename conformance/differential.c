/* SPDX-License-Identifier: Zlib */
/*
 * conformance/differential.c - a transcript of everything zlib lets a caller observe
 *
 * Runs a fixed battery of zlib calls and prints one line per case: return codes,
 * total_in/total_out, adler, data_type, msg, what is left in avail_in/avail_out, and
 * a hash and length of every byte produced. Linked with -lz or with -lz-iaa and run
 * in every deployment mode by differential.sh; a correct drop-in prints the very
 * same transcript as the system zlib. The last line is "cases: N".
 *
 * Nothing here may vary from run to run: no pointers, pids or paths in the output.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static unsigned long cases;

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void emit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	cases++;
}

/* FNV-1a 64: our own hash, so a broken crc32 cannot hide a broken output. */
static uint64_t hash(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* The stream's observable state, without pointers. */
static const char *state(const z_stream *s)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "in=%lu out=%lu ain=%u aout=%u adler=%08lx dt=%d msg=%s",
		 s->total_in, s->total_out, s->avail_in, s->avail_out, s->adler, s->data_type,
		 s->msg ? s->msg : "(null)");
	return buf;
}

/* ---- input data ------------------------------------------------------------- */

enum kind { TEXT, RANDOM, RUNS, BINARY, KINDS };
static const char *const kind_name[KINDS] = { "text", "random", "runs", "binary" };

static unsigned char *gen(enum kind k, size_t n)
{
	static const char *const words[] = { "the ", "accelerator ", "stream ", "of ", "zlib ",
					     "window ", "deflate ", "and ", "history ", "\n" };
	unsigned char *p = malloc(n ? n : 1);
	uint32_t x = 12345u + (uint32_t)k;

	for (size_t i = 0; i < n;) {
		x = x * 1103515245u + 12345u;
		switch (k) {
		case TEXT: {
			const char *w = words[(x >> 16) % 10];

			while (*w && i < n)
				p[i++] = (unsigned char)*w++;
			break;
		}
		case RANDOM:
			p[i++] = (unsigned char)(x >> 24);
			break;
		case RUNS:
			for (unsigned r = (x >> 20) % 300; r && i < n; r--)
				p[i++] = (unsigned char)(x >> 8);
			break;
		default:
			p[i] = (unsigned char)(i % 251 < 40 ? (x >> 24) : (i * 7) & 0x3f);
			i++;
			break;
		}
	}
	return p;
}

/* ---- helpers: compress and decompress whole buffers with chosen parameters ---------- */

struct buf {
	unsigned char *p;
	size_t n;
};

/* deflate all of in with one call per chunk of `chunk` bytes and `flush` after each. */
static int deflate_with(z_stream *s, const unsigned char *in, size_t n, size_t chunk, int flush,
			struct buf *out, size_t cap)
{
	int ret = Z_OK;
	size_t off = 0;

	out->p = malloc(cap);
	s->next_out = out->p;
	s->avail_out = (uInt)cap;
	do {
		size_t take = n - off < chunk ? n - off : chunk;

		s->next_in = (Bytef *)in + off;
		s->avail_in = (uInt)take;
		off += take;
		ret = deflate(s, off == n ? Z_FINISH : flush);
		if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR)
			break;
		if (off == n && ret == Z_OK)
			continue;
	} while (off < n || ret == Z_OK);
	out->n = cap - s->avail_out;
	return ret;
}

/* inflate src with the given window and input/output step sizes; hash the output. */
static void inflate_case(const char *name, int wbits, const unsigned char *src, size_t n,
			 size_t in_step, size_t out_step, int flush)
{
	z_stream s;
	size_t cap = 1 << 22, off = 0;
	unsigned char *out = malloc(cap);
	int ret, calls = 0;

	memset(&s, 0, sizeof(s));
	ret = inflateInit2(&s, wbits);
	if (ret != Z_OK) {
		emit("%s: init=%d", name, ret);
		free(out);
		return;
	}
	s.next_out = out;
	do {
		size_t give = n - off < in_step ? n - off : in_step;

		s.next_in = (Bytef *)src + off;
		s.avail_in = (uInt)give;
		s.avail_out = (uInt)(cap - s.total_out < out_step ? cap - s.total_out : out_step);
		ret = inflate(&s, flush);
		off += give - s.avail_in;
		calls++;
	} while ((ret == Z_OK || (ret == Z_BUF_ERROR && off < n)) && calls < 20000000);
	emit("%s: ret=%d %s calls=%d hash=%016llx", name, ret, state(&s), calls,
	     (unsigned long long)hash(out, s.total_out));
	inflateEnd(&s);
	free(out);
}

/* ---- A: deflate parameter sweeps ------------------------------------------------ */

static void sweep_levels_strategies(void)
{
	size_t n = 65536;

	for (int k = 0; k < KINDS; k++) {
		unsigned char *in = gen((enum kind)k, n);

		for (int level = -1; level <= 9; level++) {
			for (int strategy = 0; strategy <= Z_FIXED; strategy++) {
				z_stream s;
				struct buf out;
				char name[96];
				int ret;

				memset(&s, 0, sizeof(s));
				ret = deflateInit2(&s, level, Z_DEFLATED, 15, 8, strategy);
				ret = deflate_with(&s, in, n, n, Z_NO_FLUSH, &out, deflateBound(&s, n));
				snprintf(name, sizeof(name), "deflate %s level=%d strategy=%d",
					 kind_name[k], level, strategy);
				emit("%s: ret=%d %s hash=%016llx", name, ret, state(&s),
				     (unsigned long long)hash(out.p, out.n));
				emit("%s: end=%d", name, deflateEnd(&s));
				strcat(name, " inflate");
				inflate_case(name, 15, out.p, out.n, out.n, 1 << 22, Z_NO_FLUSH);
				free(out.p);
			}
		}
		free(in);
	}
}

static void sweep_window_bits(void)
{
	size_t n = 100000;
	unsigned char *in = gen(TEXT, n);
	static const int offsets[] = { 0, 16, -1 }; /* zlib, gzip, raw (negated) */
	static const char *const wrap[] = { "zlib", "gzip", "raw" };

	for (int w = 0; w < 3; w++) {
		for (int bits = 8; bits <= 15; bits++) {
			for (int level = 1; level <= 9; level += 4) {
				int wb = offsets[w] < 0 ? -bits : bits + offsets[w];
				z_stream s;
				struct buf out;
				char name[96];
				int ret;

				memset(&s, 0, sizeof(s));
				snprintf(name, sizeof(name), "window %s bits=%d level=%d", wrap[w], bits,
					 level);
				ret = deflateInit2(&s, level, Z_DEFLATED, wb, 8, 0);
				if (ret != Z_OK) {
					emit("%s: init=%d msg=%s", name, ret, s.msg ? s.msg : "(null)");
					continue;
				}
				ret = deflate_with(&s, in, n, 7000, Z_NO_FLUSH, &out, deflateBound(&s, n));
				emit("%s: ret=%d %s hash=%016llx end=%d", name, ret, state(&s),
				     (unsigned long long)hash(out.p, out.n), deflateEnd(&s));
				/* inflate: same window, larger, auto-detect, smaller */
				for (int v = 0; v < 4; v++) {
					int ib = v == 0 ? wb : v == 1 ? (wb < 0 ? -15 : 15 + offsets[w])
							: v == 2 ? (wb < 0 ? -15 : bits + 32)
								 : (wb < 0 ? -(bits - 1) : bits - 1 + offsets[w]);
					char iname[128];

					snprintf(iname, sizeof(iname), "%s inflate wbits=%d", name, ib);
					inflate_case(iname, ib, out.p, out.n, 3000, 5000, Z_NO_FLUSH);
				}
				free(out.p);
			}
		}
	}
	free(in);
}

static void sweep_mem_level_and_sizes(void)
{
	static const size_t sizes[] = { 0, 1, 2, 100, 4096, 65535, 65536, 300000 };
	unsigned char *in = gen(BINARY, 300000);

	for (int mem = 0; mem <= 10; mem++) {
		for (int level = 1; level <= 9; level += 4) {
			z_stream s;
			struct buf out;
			int ret;

			memset(&s, 0, sizeof(s));
			ret = deflateInit2(&s, level, Z_DEFLATED, 15, mem, 0);
			if (ret != Z_OK) {
				emit("memlevel=%d level=%d: init=%d", mem, level, ret);
				continue;
			}
			ret = deflate_with(&s, in, 200000, 50000, Z_NO_FLUSH, &out, deflateBound(&s, 200000));
			emit("memlevel=%d level=%d: ret=%d %s hash=%016llx end=%d", mem, level, ret,
			     state(&s), (unsigned long long)hash(out.p, out.n), deflateEnd(&s));
			free(out.p);
		}
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int level = 0; level <= 9; level += 3) {
			for (int wb = -15; wb <= 31; wb += 23) { /* raw, zlib(8->skip), gzip */
				z_stream s;
				struct buf out;
				char name[96];
				int ret, bits = wb == -15 ? -15 : wb == 8 ? 15 : 31;

				memset(&s, 0, sizeof(s));
				deflateInit2(&s, level, Z_DEFLATED, bits, 8, 0);
				ret = deflate_with(&s, in, sizes[i], 1 << 30, Z_NO_FLUSH, &out,
						   deflateBound(&s, sizes[i]));
				snprintf(name, sizeof(name), "size=%zu level=%d wbits=%d", sizes[i], level, bits);
				emit("%s: ret=%d %s hash=%016llx bound=%lu", name, ret, state(&s),
				     (unsigned long long)hash(out.p, out.n), deflateBound(&s, sizes[i]));
				emit("%s: end=%d", name, deflateEnd(&s));
				strcat(name, " inflate");
				inflate_case(name, bits, out.p, out.n, 1 << 30, 1 << 22, Z_FINISH);
				free(out.p);
			}
		}
	}
	free(in);
}

/* ---- B: flush modes and C: tiny feeds -------------------------------------------- */

static void flush_modes(void)
{
	static const int flushes[] = { Z_NO_FLUSH, Z_PARTIAL_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_BLOCK };
	size_t n = 80000;

	for (int k = 0; k < KINDS; k++) {
		unsigned char *in = gen((enum kind)k, n);

		for (size_t f = 0; f < 5; f++) {
			for (int level = 0; level <= 9; level += 3) {
				z_stream s;
				struct buf out;
				char name[96];
				unsigned pending = 0;
				int bits = 0, ret;

				memset(&s, 0, sizeof(s));
				deflateInit2(&s, level, Z_DEFLATED, f == 4 ? -15 : 15, 8, 0);
				ret = deflate_with(&s, in, n, 9999, flushes[f], &out, deflateBound(&s, n) + 5000);
				deflatePending(&s, &pending, &bits);
				snprintf(name, sizeof(name), "flush=%d %s level=%d", flushes[f], kind_name[k], level);
				emit("%s: ret=%d %s hash=%016llx pending=%u/%d end=%d", name, ret, state(&s),
				     (unsigned long long)hash(out.p, out.n), pending, bits, deflateEnd(&s));
				/* decode it with each inflate flush mode in small steps */
				static const int iflush[] = { Z_NO_FLUSH, Z_SYNC_FLUSH, Z_FINISH, Z_BLOCK, Z_TREES };
				for (int i = 0; i < 5; i++) {
					char iname[128];

					snprintf(iname, sizeof(iname), "%s inflate flush=%d", name, iflush[i]);
					inflate_case(iname, f == 4 ? -15 : 15, out.p, out.n, 777, 4096, iflush[i]);
				}
				free(out.p);
			}
		}
		free(in);
	}
}

/* Record the data_type bits inflate reports at each Z_BLOCK / Z_TREES stop. */
static void block_stops(void)
{
	size_t n = 50000;
	unsigned char *in = gen(TEXT, n);
	z_stream d, s;
	struct buf out;
	unsigned char dst[65536];
	char line[8192];

	for (int fl = Z_BLOCK; fl <= Z_TREES; fl++) {
		size_t len = 0;
		int ret;

		memset(&d, 0, sizeof(d));
		deflateInit2(&d, 6, Z_DEFLATED, -15, 8, 0);
		deflate_with(&d, in, n, 5000, Z_FULL_FLUSH, &out, 100000);
		deflateEnd(&d);
		memset(&s, 0, sizeof(s));
		inflateInit2(&s, -15);
		s.next_in = out.p;
		s.avail_in = (uInt)out.n;
		s.next_out = dst;
		s.avail_out = sizeof(dst);
		line[0] = '\0';
		do {
			ret = inflate(&s, fl);
			len += (size_t)snprintf(line + len, sizeof(line) - len, " %d:%d:%lu", ret,
						s.data_type, s.total_in);
		} while (ret == Z_OK && len < sizeof(line) - 64);
		emit("stops flush=%d:%s hash=%016llx mark=%ld", fl, line,
		     (unsigned long long)hash(dst, s.total_out), inflateMark(&s));
		inflateEnd(&s);
		free(out.p);
	}
	free(in);
}

static void tiny_feeds(void)
{
	size_t n = 20000;

	for (int k = 0; k < KINDS; k++) {
		unsigned char *in = gen((enum kind)k, n), *out = malloc(40000), *back = malloc(n + 10);

		for (int mode = 0; mode < 3; mode++) {
			/* mode 0: 1-byte input, 1: 1-byte output, 2: alternating 1 and 4096 */
			z_stream s;
			size_t off = 0;
			int ret = Z_OK, calls = 0;

			memset(&s, 0, sizeof(s));
			deflateInit(&s, 6);
			s.next_out = out;
			while (ret != Z_STREAM_END && calls < 10000000) {
				size_t ai = mode == 1 ? 4096 : mode == 0 ? 1 : (calls & 1 ? 1 : 4096);
				size_t ao = mode == 0 ? 4096 : mode == 1 ? 1 : (calls & 1 ? 4096 : 1);

				if (ai > n - off)
					ai = n - off;
				s.next_in = in + off;
				s.avail_in = (uInt)ai;
				s.avail_out = (uInt)ao;
				ret = deflate(&s, off + ai == n ? Z_FINISH : Z_NO_FLUSH);
				off += ai - s.avail_in;
				calls++;
			}
			emit("tiny deflate %s mode=%d: ret=%d %s calls=%d hash=%016llx end=%d", kind_name[k],
			     mode, ret, state(&s), calls, (unsigned long long)hash(out, s.total_out),
			     deflateEnd(&s));
			{
				char name[64];
				size_t clen = s.total_out;

				snprintf(name, sizeof(name), "tiny inflate %s mode=%d", kind_name[k], mode);
				inflate_case(name, 15, out, clen, mode == 1 ? 4096 : 1, mode == 0 ? 4096 : 1,
					     Z_NO_FLUSH);
			}
		}
		free(in);
		free(out);
		free(back);
	}
}

/* ---- D: dictionaries ------------------------------------------------------------- */

static void dictionaries(void)
{
	static const char dict[] = "the accelerator stream of zlib window deflate and history";
	size_t n = 30000;
	unsigned char *in = gen(TEXT, n), got[40000];
	uInt glen;

	for (int wb = -15; wb <= 15; wb += 30) {
		for (int level = 0; level <= 9; level += 9) {
			z_stream s, d;
			struct buf out;
			int ret;

			memset(&s, 0, sizeof(s));
			deflateInit2(&s, level, Z_DEFLATED, wb, 8, 0);
			ret = deflateSetDictionary(&s, (const Bytef *)dict, sizeof(dict) - 1);
			emit("dict wbits=%d level=%d: set=%d adler=%08lx", wb, level, ret, s.adler);
			glen = 0;
			ret = deflateGetDictionary(&s, got, &glen);
			emit("dict wbits=%d level=%d: deflateGetDictionary=%d len=%u hash=%016llx", wb, level,
			     ret, glen, (unsigned long long)hash(got, glen));
			ret = deflate_with(&s, in, n, 4000, Z_NO_FLUSH, &out, 40000);
			emit("dict wbits=%d level=%d: ret=%d %s hash=%016llx", wb, level, ret, state(&s),
			     (unsigned long long)hash(out.p, out.n));
			emit("dict wbits=%d level=%d: set after data=%d", wb, level,
			     deflateSetDictionary(&s, (const Bytef *)dict, 4));
			emit("dict wbits=%d level=%d: end=%d", wb, level, deflateEnd(&s));
			for (int v = 0; v < 3; v++) { /* none, wrong, right */
				unsigned char dst[40000];

				memset(&d, 0, sizeof(d));
				inflateInit2(&d, wb);
				if (wb < 0 && v > 0)
					emit("dict raw inflate v=%d: set=%d", v,
					     inflateSetDictionary(&d, (const Bytef *)(v == 1 ? "wrong" : dict),
								  v == 1 ? 5 : sizeof(dict) - 1));
				d.next_in = out.p;
				d.avail_in = (uInt)out.n;
				d.next_out = dst;
				d.avail_out = sizeof(dst);
				ret = inflate(&d, Z_NO_FLUSH);
				emit("dict wbits=%d level=%d inflate v=%d: ret=%d %s", wb, level, v, ret, state(&d));
				if (ret == Z_NEED_DICT && v > 0) {
					ret = inflateSetDictionary(&d, (const Bytef *)(v == 1 ? "wrong" : dict),
								   v == 1 ? 5 : sizeof(dict) - 1);
					emit("dict wbits=%d level=%d inflate v=%d: set=%d %s", wb, level, v, ret,
					     state(&d));
					ret = inflate(&d, Z_NO_FLUSH);
				}
				glen = 0;
				emit("dict wbits=%d level=%d inflate v=%d: ret=%d %s hash=%016llx getdict=%d/%u",
				     wb, level, v, ret, state(&d), (unsigned long long)hash(dst, d.total_out),
				     inflateGetDictionary(&d, got, &glen), glen);
				inflateEnd(&d);
			}
			free(out.p);
		}
	}
	free(in);
}

/* ---- E: the rest of the stream API ------------------------------------------------- */

static void params_midstream(void)
{
	size_t n = 120000;
	unsigned char *in = gen(TEXT, n), *out = malloc(200000);

	for (int variant = 0; variant < 6; variant++) {
		z_stream s;
		size_t off = 0;
		int ret;
		char log[1024] = "";
		size_t len = 0;

		memset(&s, 0, sizeof(s));
		deflateInit(&s, 1);
		if (variant == 5)
			len += (size_t)snprintf(log, sizeof(log), " tune=%d", deflateTune(&s, 4, 8, 16, 32));
		s.next_out = out;
		s.avail_out = 200000;
		for (int step = 0; step < 12; step++) {
			s.next_in = in + off;
			s.avail_in = 10000;
			off += 10000;
			ret = deflate(&s, Z_NO_FLUSH);
			if (variant == 4 && step == 6) {
				uInt keep = s.avail_out;

				s.avail_out = 0; /* Z_BUF_ERROR if params need a flush */
				ret = deflateParams(&s, 9, Z_FILTERED);
				len += (size_t)snprintf(log + len, sizeof(log) - len, " p0=%d", ret);
				s.avail_out = keep;
			}
			ret = deflateParams(&s, (step * 7 + variant) % 10,
					    variant == 3 ? (step % 5) : Z_DEFAULT_STRATEGY);
			len += (size_t)snprintf(log + len, sizeof(log) - len, " %d/%lu", ret, s.total_out);
		}
		ret = deflate(&s, Z_FINISH);
		emit("params variant=%d:%s ret=%d %s hash=%016llx end=%d", variant, log, ret, state(&s),
		     (unsigned long long)hash(out, s.total_out), deflateEnd(&s));
		inflate_case("params inflate", 15, out, s.total_out, 5000, 5000, Z_NO_FLUSH);
	}
	free(in);
	free(out);
}

static void headers_prime_copy(void)
{
	unsigned char *in = gen(TEXT, 40000), out[60000], dst[60000], extra[] = "EXTRA";
	char name[] = "file.txt", comment[] = "a comment";
	z_stream s, c, d, dc;
	gz_header h, g;
	unsigned char gname[64], gcomment[64], gextra[64];
	int ret;

	/* deflateSetHeader + inflateGetHeader */
	memset(&h, 0, sizeof(h));
	h.text = 1;
	h.time = 1700000000;
	h.os = 3;
	h.extra = extra;
	h.extra_len = 5;
	h.name = (Bytef *)name;
	h.comment = (Bytef *)comment;
	h.hcrc = 1;
	memset(&s, 0, sizeof(s));
	deflateInit2(&s, 6, Z_DEFLATED, 31, 8, 0);
	emit("header: set=%d on zlib=%d", deflateSetHeader(&s, &h), 0);
	emit("header: prime=%d", deflatePrime(&s, 5, 0x15));
	s.next_in = in;
	s.avail_in = 20000;
	s.next_out = out;
	s.avail_out = sizeof(out);
	ret = deflate(&s, Z_NO_FLUSH);
	emit("header: deflate=%d %s", ret, state(&s));
	/* copy mid-stream, finish both */
	memset(&c, 0, sizeof(c));
	ret = deflateCopy(&c, &s);
	emit("header: copy=%d", ret);
	s.next_in = in + 20000;
	s.avail_in = 20000;
	ret = deflate(&s, Z_FINISH);
	{
		unsigned char out2[60000];
		size_t base = c.total_out;

		memcpy(out2, out, base);
		c.next_in = in + 20000;
		c.avail_in = 20000;
		c.next_out = out2 + base;
		c.avail_out = (uInt)(sizeof(out2) - base);
		ret = deflate(&c, Z_FINISH);
		emit("header: copy finish=%d %s hash=%016llx", ret, state(&c),
		     (unsigned long long)hash(out2, c.total_out));
		emit("header: copy end=%d", deflateEnd(&c));
	}
	emit("header: finish=%d %s hash=%016llx", ret, state(&s), (unsigned long long)hash(out, s.total_out));
	emit("header: after end of stream=%d %s", deflate(&s, Z_FINISH), state(&s));
	s.next_in = in;
	s.avail_in = 10;
	emit("header: data after end of stream=%d %s", deflate(&s, Z_NO_FLUSH), state(&s));
	emit("header: reset=%d", deflateReset(&s));
	emit("header: after reset %s", state(&s));
	emit("header: end=%d", deflateEnd(&s));

	/* the prime bits make it a non-gzip stream at bit level? no: prime precedes the header */
	memset(&g, 0, sizeof(g));
	g.extra = gextra;
	g.extra_max = sizeof(gextra);
	g.name = gname;
	g.name_max = sizeof(gname);
	g.comment = gcomment;
	g.comm_max = sizeof(gcomment);
	memset(&d, 0, sizeof(d));
	inflateInit2(&d, 31);
	emit("getheader: %d", inflateGetHeader(&d, &g));
	d.next_in = out;
	d.avail_in = 40;
	d.next_out = dst;
	d.avail_out = sizeof(dst);
	ret = inflate(&d, Z_BLOCK);
	emit("getheader: inflate=%d %s done=%d", ret, state(&d), g.done);

	/* a fresh clean gzip with header, decoded with header capture */
	memset(&s, 0, sizeof(s));
	deflateInit2(&s, 6, Z_DEFLATED, 31, 8, 0);
	deflateSetHeader(&s, &h);
	s.next_in = in;
	s.avail_in = 40000;
	s.next_out = out;
	s.avail_out = sizeof(out);
	ret = deflate(&s, Z_FINISH);
	emit("gzip header stream: %d %s hash=%016llx", ret, state(&s),
	     (unsigned long long)hash(out, s.total_out));
	deflateEnd(&s);
	inflateReset(&d);
	memset(gname, 0, sizeof(gname));
	memset(gcomment, 0, sizeof(gcomment));
	inflateGetHeader(&d, &g);
	d.next_in = out;
	d.avail_in = 100;
	d.next_out = dst;
	d.avail_out = sizeof(dst);
	ret = inflate(&d, Z_NO_FLUSH);
	emit("getheader2: inflate=%d %s done=%d text=%d time=%lu os=%d xlen=%u name=%s comment=%s hcrc=%d",
	     ret, state(&d), g.done, g.text, g.time, g.os, g.extra_len, gname, gcomment, g.hcrc);
	/* copy the inflater mid-stream and finish both */
	memset(&dc, 0, sizeof(dc));
	emit("inflateCopy=%d", inflateCopy(&dc, &d));
	{
		unsigned char dst2[60000];
		size_t base = dc.total_out;

		memcpy(dst2, dst, base);
		d.avail_in = (uInt)(s.total_out - 100 + d.avail_in);
		ret = inflate(&d, Z_FINISH);
		emit("inflate orig finish=%d %s hash=%016llx", ret, state(&d),
		     (unsigned long long)hash(dst, d.total_out));
		dc.avail_in = (uInt)(s.total_out - 100 + dc.avail_in);
		dc.next_out = dst2 + base;
		dc.avail_out = (uInt)(sizeof(dst2) - base);
		ret = inflate(&dc, Z_FINISH);
		emit("inflate copy finish=%d %s hash=%016llx", ret, state(&dc),
		     (unsigned long long)hash(dst2, dc.total_out));
		emit("inflate copy end=%d", inflateEnd(&dc));
	}
	emit("codes used=%lu undermine=%d validate=%d", inflateCodesUsed(&d) > 0 ? 1UL : 0UL,
	     inflateUndermine(&d, 0), inflateValidate(&d, 1));
	/* inflateReset2 with a new window size, then a raw stream */
	emit("reset2 bad=%d", inflateReset2(&d, 7));
	emit("reset2=%d %s", inflateReset2(&d, -12), state(&d));
	emit("prime raw=%d", inflatePrime(&d, 3, 0));
	emit("prime bad=%d", inflatePrime(&d, 40, 0));
	emit("prime clear=%d", inflatePrime(&d, -1, 0));
	inflateEnd(&d);
	free(in);
}

/* inflateSync and inflateSyncPoint over full-flush points with damage in between */
static void sync_points(void)
{
	size_t n = 60000;
	unsigned char *in = gen(TEXT, n), dst[70000];
	z_stream s, d;
	struct buf out;
	int ret;

	memset(&s, 0, sizeof(s));
	deflateInit(&s, 6);
	deflate_with(&s, in, n, 10000, Z_FULL_FLUSH, &out, 80000);
	deflateEnd(&s);
	for (size_t damage = 50; damage < 2000; damage += 617) {
		memset(&d, 0, sizeof(d));
		inflateInit(&d);
		out.p[damage] ^= 0x55;
		d.next_in = out.p;
		d.avail_in = (uInt)out.n;
		d.next_out = dst;
		d.avail_out = sizeof(dst);
		ret = inflate(&d, Z_NO_FLUSH);
		emit("sync damage=%zu: inflate=%d %s syncpoint=%d", damage, ret, state(&d),
		     inflateSyncPoint(&d));
		for (int tries = 0; tries < 4 && ret != Z_STREAM_END; tries++) {
			ret = inflateSync(&d);
			emit("sync damage=%zu: sync=%d %s", damage, ret, state(&d));
			if (ret != Z_OK)
				break;
			emit("sync damage=%zu: syncpoint=%d", damage, inflateSyncPoint(&d));
			ret = inflate(&d, Z_NO_FLUSH);
			emit("sync damage=%zu: inflate=%d %s", damage, ret, state(&d));
		}
		out.p[damage] ^= 0x55;
		inflateEnd(&d);
	}
	free(out.p);
	free(in);
}

/* inflate must leave bytes after the end of a stream in next_in (multi-member gzip) */
static void trailing_bytes(void)
{
	unsigned char *in = gen(TEXT, 5000), two[20000], dst[20000];
	z_stream s, d;
	size_t a, b;
	int ret;

	memset(&s, 0, sizeof(s));
	deflateInit2(&s, 6, Z_DEFLATED, 31, 8, 0);
	s.next_in = in;
	s.avail_in = 5000;
	s.next_out = two;
	s.avail_out = sizeof(two);
	deflate(&s, Z_FINISH);
	a = s.total_out;
	deflateReset(&s);
	s.next_in = in + 1000;
	s.avail_in = 3000;
	deflate(&s, Z_FINISH);
	b = s.total_out;
	deflateEnd(&s);
	for (int wb = 31; wb <= 47; wb += 16) {
		memset(&d, 0, sizeof(d));
		inflateInit2(&d, wb);
		d.next_in = two;
		d.avail_in = (uInt)(a + b);
		d.next_out = dst;
		d.avail_out = sizeof(dst);
		ret = inflate(&d, Z_NO_FLUSH);
		emit("members wbits=%d: first=%d %s left=%ld", wb, ret, state(&d), (long)(d.next_in - two));
		ret = inflateReset(&d);
		ret = inflate(&d, Z_NO_FLUSH);
		emit("members wbits=%d: second=%d %s hash=%016llx", wb, ret, state(&d),
		     (unsigned long long)hash(dst, 8000));
		inflateEnd(&d);
	}
	free(in);
}

/* inflateBack with callbacks */
struct back {
	const unsigned char *p;
	size_t n, step;
	uint64_t h;
	size_t got;
};

static unsigned back_in(void *desc, z_const unsigned char **buf)
{
	struct back *b = desc;
	unsigned k = (unsigned)(b->n < b->step ? b->n : b->step);

	*buf = (z_const unsigned char *)b->p;
	b->p += k;
	b->n -= k;
	return k;
}

static int back_out(void *desc, unsigned char *buf, unsigned len)
{
	struct back *b = desc;

	for (unsigned i = 0; i < len; i++)
		b->h = (b->h ^ buf[i]) * 0x100000001b3ULL;
	b->got += len;
	return 0;
}

static void infback(void)
{
	unsigned char *in = gen(RUNS, 100000), window[32768];

	for (int level = 0; level <= 9; level += 3) {
		for (size_t step = 1; step <= 100000; step *= 37) {
			z_stream s, d;
			struct buf out;
			struct back b;
			int ret;

			memset(&s, 0, sizeof(s));
			deflateInit2(&s, level, Z_DEFLATED, -15, 8, 0);
			deflate_with(&s, in, 100000, 100000, Z_NO_FLUSH, &out, 120000);
			deflateEnd(&s);
			if (step > 1000)
				out.p[out.n / 2] ^= 0x40; /* and corrupt data */
			memset(&d, 0, sizeof(d));
			emit("infback level=%d step=%zu: init=%d", level, step, inflateBackInit(&d, 15, window));
			b = (struct back){ out.p, out.n, step, 0xcbf29ce484222325ULL, 0 };
			d.next_in = Z_NULL;
			d.avail_in = 0;
			ret = inflateBack(&d, back_in, &b, back_out, &b);
			emit("infback level=%d step=%zu: ret=%d msg=%s ain=%u got=%zu hash=%016llx",
			     level, step, ret, d.msg ? d.msg : "(null)", d.avail_in, b.got,
			     (unsigned long long)b.h);
			emit("infback level=%d step=%zu: end=%d", level, step, inflateBackEnd(&d));
			free(out.p);
		}
	}
	free(in);
}

/* ---- F: corrupt input, G: errors ------------------------------------------------- */

static void corrupt_and_errors(void)
{
	unsigned char *in = gen(TEXT, 20000), good[30000], bad[30000];
	uLongf glen = sizeof(good);
	z_stream s;
	unsigned char w[32768];

	compress2(good, &glen, in, 20000, 6);
	for (size_t pos = 0; pos < glen; pos += glen / 23 + 1) {
		for (int bit = 0; bit < 8; bit += 3) {
			char name[64];

			memcpy(bad, good, glen);
			bad[pos] ^= (unsigned char)(1 << bit);
			snprintf(name, sizeof(name), "corrupt pos=%zu bit=%d", pos, bit);
			inflate_case(name, 15, bad, glen, 1000, 30000, Z_NO_FLUSH);
		}
	}
	for (size_t cut = 0; cut < glen; cut += glen / 7 + 1) {
		char name[64];

		snprintf(name, sizeof(name), "truncated at %zu", cut);
		inflate_case(name, 15, good, cut, 1 << 20, 1 << 20, Z_FINISH);
	}
	/* hand-made: bad block type, distance too far back, stored length mismatch */
	{
		static const unsigned char btype3[] = { 0x78, 0x9c, 0x07, 0x00 };
		static const unsigned char far[] = { 0x63, 0x00, 0x02, 0x00, 0x00 };
		static const unsigned char stored[] = { 0x01, 0x05, 0x00, 0x00, 0x00, 'a' };
		static const unsigned char badhdr[] = { 0x78, 0x9d, 0x01, 0x00 };
		static const unsigned char badmethod[] = { 0x79, 0x9c, 0x01, 0x00 };

		inflate_case("bad block type", 15, btype3, sizeof(btype3), 100, 100, Z_NO_FLUSH);
		inflate_case("distance too far", -15, far, sizeof(far), 100, 100, Z_NO_FLUSH);
		inflate_case("stored mismatch", -15, stored, sizeof(stored), 100, 100, Z_NO_FLUSH);
		inflate_case("bad header check", 15, badhdr, sizeof(badhdr), 100, 100, Z_NO_FLUSH);
		inflate_case("bad method", 15, badmethod, sizeof(badmethod), 100, 100, Z_NO_FLUSH);
		inflate_case("gzip as zlib", 15, (const unsigned char *)"\x1f\x8b\x08", 3, 100, 100, Z_NO_FLUSH);
	}
	/* validation off: bad checksum accepted */
	{
		z_stream d;
		unsigned char dst[30000];
		int r1;

		memcpy(bad, good, glen);
		bad[glen - 1] ^= 1;
		memset(&d, 0, sizeof(d));
		inflateInit(&d);
		emit("validate off=%d", inflateValidate(&d, 0));
		d.next_in = bad;
		d.avail_in = (uInt)glen;
		d.next_out = dst;
		d.avail_out = sizeof(dst);
		r1 = inflate(&d, Z_FINISH);
		emit("validate off inflate=%d %s", r1, state(&d));
		inflateEnd(&d);
	}
	/* errors */
	emit("null: deflate=%d inflate=%d end=%d/%d reset=%d/%d params=%d bound=%lu",
	     deflate(Z_NULL, Z_FINISH), inflate(Z_NULL, 0), deflateEnd(Z_NULL), inflateEnd(Z_NULL),
	     deflateReset(Z_NULL), inflateReset(Z_NULL), deflateParams(Z_NULL, 1, 0),
	     deflateBound(Z_NULL, 12345));
	emit("null: setdict=%d/%d sync=%d syncpoint=%d copy=%d/%d mark=%ld codes=%ld prime=%d/%d",
	     deflateSetDictionary(Z_NULL, in, 5), inflateSetDictionary(Z_NULL, in, 5), inflateSync(Z_NULL),
	     inflateSyncPoint(Z_NULL), deflateCopy(Z_NULL, Z_NULL), inflateCopy(Z_NULL, Z_NULL),
	     inflateMark(Z_NULL), (long)inflateCodesUsed(Z_NULL), deflatePrime(Z_NULL, 1, 1),
	     inflatePrime(Z_NULL, 1, 1));
	emit("null: pending=%d tune=%d header=%d/%d getdict=%d/%d back=%d/%d undermine=%d validate=%d",
	     deflatePending(Z_NULL, Z_NULL, Z_NULL), deflateTune(Z_NULL, 1, 1, 1, 1),
	     deflateSetHeader(Z_NULL, Z_NULL), inflateGetHeader(Z_NULL, Z_NULL),
	     deflateGetDictionary(Z_NULL, Z_NULL, Z_NULL), inflateGetDictionary(Z_NULL, Z_NULL, Z_NULL),
	     inflateBack(Z_NULL, back_in, Z_NULL, back_out, Z_NULL), inflateBackEnd(Z_NULL),
	     inflateUndermine(Z_NULL, 1), inflateValidate(Z_NULL, 1));
	memset(&s, 0, sizeof(s));
	emit("zeroed: deflate=%d inflate=%d end=%d/%d reset2=%d bound=%lu", deflate(&s, 0), inflate(&s, 0),
	     deflateEnd(&s), inflateEnd(&s), inflateReset2(&s, 15), deflateBound(&s, 1000));
	emit("params: level10=%d memlevel0=%d method7=%d strategy5=%d wbits7=%d wbits-8=%d wbits24=%d",
	     deflateInit2(&s, 10, Z_DEFLATED, 15, 8, 0), deflateInit2(&s, 1, Z_DEFLATED, 15, 0, 0),
	     deflateInit2(&s, 1, 7, 15, 8, 0), deflateInit2(&s, 1, Z_DEFLATED, 15, 8, 5),
	     deflateInit2(&s, 1, Z_DEFLATED, 7, 8, 0), deflateInit2(&s, 1, Z_DEFLATED, -8, 8, 0),
	     deflateInit2(&s, 1, Z_DEFLATED, 24, 8, 0));
	emit("version: deflate=%d inflate=%d size=%d back=%d", deflateInit2_(&s, 1, 8, 15, 8, 0, "0.0", sizeof(s)),
	     inflateInit2_(&s, 15, "2.0", sizeof(s)), deflateInit_(&s, 1, ZLIB_VERSION, 99),
	     inflateBackInit_(&s, 15, w, "0", sizeof(s)));
	{
		static const int wbits[] = { 7, 16, 48, -16, -7, 0, 40, 47 };

		for (int i = 0; i < 8; i++) {
			int ret = inflateInit2(&s, wbits[i]);

			emit("inflate wbits=%d: init=%d end=%d", wbits[i], ret,
			     ret == Z_OK ? inflateEnd(&s) : -99);
		}
	}
	emit("back wbits: 7=%d window=null:%d", inflateBackInit(&s, 7, w), inflateBackInit(&s, 15, Z_NULL));
	memset(&s, 0, sizeof(s));
	deflateInit(&s, 1);
	s.next_in = in;
	s.avail_in = 10;
	s.next_out = Z_NULL;
	s.avail_out = 0;
	emit("deflate no output=%d %s", deflate(&s, Z_NO_FLUSH), state(&s));
	emit("deflate flush9=%d", deflate(&s, 9));
	deflateEnd(&s);
	free(in);
}

/* ---- H: one-shot calls -------------------------------------------------------------- */

static void one_shot(void)
{
	static const size_t sizes[] = { 0, 1, 1000, 100000 };

	for (size_t i = 0; i < 4; i++) {
		unsigned char *in = gen(BINARY, sizes[i]);
		uLong bound = compressBound(sizes[i]);
		unsigned char *out = malloc(bound + 100), *back = malloc(sizes[i] + 100);

		for (int level = -1; level <= 9; level++) {
			uLongf olen = bound, blen;
			uLong slen;
			int ret = compress2(out, &olen, in, sizes[i], level);

			emit("compress2 size=%zu level=%d: ret=%d len=%lu hash=%016llx bound=%lu", sizes[i],
			     level, ret, olen, (unsigned long long)hash(out, olen), bound);
			for (long d = -1; d <= 1; d++) { /* too small, exact, larger */
				blen = (uLongf)((long)sizes[i] + d < 0 ? 0 : (long)sizes[i] + d);
				ret = uncompress(back, &blen, out, olen);
				emit("uncompress size=%zu level=%d dest%+ld: ret=%d len=%lu hash=%016llx", sizes[i],
				     level, d, ret, blen, (unsigned long long)hash(back, ret == Z_OK ? blen : 0));
				blen = (uLongf)((long)sizes[i] + d < 0 ? 0 : (long)sizes[i] + d);
				slen = olen;
				ret = uncompress2(back, &blen, out, &slen);
				emit("uncompress2 size=%zu level=%d dest%+ld: ret=%d len=%lu src=%lu", sizes[i], level,
				     d, ret, blen, slen);
			}
			olen = bound > 5 ? 5 : bound;
			emit("compress2 small dest size=%zu level=%d: ret=%d", sizes[i], level,
			     compress2(out, &olen, in, sizes[i], level));
		}
		{
			uLongf olen = bound, blen = sizes[i] + 100;
			int ret = compress(out, &olen, in, sizes[i]);

			emit("compress size=%zu: ret=%d len=%lu hash=%016llx", sizes[i], ret, olen,
			     (unsigned long long)hash(out, olen));
			if (olen > 3)
				out[olen / 2] ^= 0x21;
			ret = uncompress(back, &blen, out, olen);
			emit("uncompress corrupt size=%zu: ret=%d len=%lu", sizes[i], ret, blen);
			blen = sizes[i] + 100;
			ret = uncompress(back, &blen, out, olen > 2 ? olen - 2 : 0);
			emit("uncompress truncated size=%zu: ret=%d", sizes[i], ret);
		}
		free(in);
		free(out);
		free(back);
	}
}

/* ---- I: checksums and library information -------------------------------------------- */

static void checksums(void)
{
	unsigned char *in = gen(RANDOM, 100000);
	const z_crc_t *t = get_crc_table();

	for (size_t n = 0; n <= 100000; n = n * 3 + 1) {
		uLong a = adler32(1, in, (uInt)n), c = crc32(0, in, (uInt)n);

		emit("sums n=%zu: adler=%08lx adler_z=%08lx crc=%08lx crc_z=%08lx", n, a,
		     adler32_z(1, in, n), c, crc32_z(0, in, n));
		emit("combine n=%zu: a=%08lx a64=%08lx c=%08lx c64=%08lx op=%08lx gen=%08lx gen64=%08lx", n,
		     adler32_combine(a, adler32(1, in + n / 2, 777), 777),
		     adler32_combine64(a, adler32(1, in, 100), 100),
		     crc32_combine(c, crc32(0, in + n / 3, 999), 999), crc32_combine64(c, crc32(0, in, 5), 5),
		     crc32_combine_op(c, crc32(0, in, 77), crc32_combine_gen(77)), crc32_combine_gen((z_off_t)n),
		     crc32_combine_gen64((z_off64_t)n));
	}
	emit("adler null=%08lx crc null=%08lx", adler32(0, Z_NULL, 0), crc32(0, Z_NULL, 0));
	emit("crc table hash=%016llx", (unsigned long long)hash((const unsigned char *)t, 256 * sizeof(*t)));
	emit("version=%s flags=%08lx", zlibVersion(), zlibCompileFlags());
	for (int e = -7; e <= 2; e++)
		emit("zError(%d)=%s", e, zError(e));
	free(in);
}

/* ---- J: the gz* file API --------------------------------------------------------- */

static char tmpdir[] = "/tmp/ziaa-diff-XXXXXX";

static const char *path(const char *name)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s/%s", tmpdir, name);
	return buf;
}

/* gzerror() messages start with the file's path, which differs from run to run. */
static const char *without_path(const char *msg)
{
	const char *p = strstr(msg, ": ");

	return p ? p + 2 : msg;
}

static uint64_t file_hash(const char *name, long *len)
{
	unsigned char buf[1 << 16];
	FILE *f = fopen(path(name), "rb");
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t k;

	*len = 0;
	if (!f)
		return 0;
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (size_t i = 0; i < k; i++)
			h = (h ^ buf[i]) * 0x100000001b3ULL;
		*len += (long)k;
	}
	fclose(f);
	return h;
}

static void gz_write_modes(const unsigned char *in, size_t n)
{
	static const char *const modes[] = { "w", "wb9", "wb1h", "wbR", "wbF", "wT", "wb0" };

	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		gzFile f = gzopen(path("m.gz"), modes[m]);
		long len;
		int r1, r2, r3, r4;

		r1 = gzbuffer(f, 8192);
		r2 = gzwrite(f, in, (unsigned)(n / 2));
		/* zlib 1.2.13 crashes in gzsetparams on a transparent ("T") file. */
		r3 = strchr(modes[m], 'T') ? -99 : gzsetparams(f, 3, Z_FILTERED);
		r4 = (int)gzfwrite(in + n / 2, 1, n - n / 2, f);
		{
			long tell = (long)gztell(f), offset = (long)gzoffset(f);

			emit("gz mode=%s: buffer=%d write=%d setparams=%d fwrite=%d tell=%ld offset=%ld close=%d",
			     modes[m], r1, r2, r3, r4, tell, offset, gzclose(f));
		}
		{
			uint64_t fh = file_hash("m.gz", &len);

			emit("gz mode=%s: file hash=%016llx len=%ld", modes[m], (unsigned long long)fh, len);
		}
	}
}

static void gz_family(void)
{
	size_t n = 200000;
	unsigned char *in = gen(TEXT, n), buf[70000];
	char line[300];
	gzFile f;
	long len;
	int err;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(2);
	}
	gz_write_modes(in, n);

	/* write: printf, puts, putc, flush, seek (inserting zeros) */
	f = gzopen64(path("a.gz"), "wb6");
	emit("gzprintf=%d", gzprintf(f, "%s %d %05.1f %c|", "hello", 42, 3.14159, 'x'));
	memset(buf, 'p', 5000);
	buf[5000] = '\0';
	emit("gzprintf long=%d", gzprintf(f, "%s", (char *)buf));
	emit("gzputs=%d", gzputs(f, "line one\nline two\n"));
	emit("gzputc=%d", gzputc(f, 'Z'));
	emit("gzflush sync=%d", gzflush(f, Z_SYNC_FLUSH));
	emit("gzflush full=%d", gzflush(f, Z_FULL_FLUSH));
	emit("gzseek fwd=%ld", (long)gzseek(f, 100, SEEK_CUR));
	emit("gzseek64 set=%ld", (long)gzseek64(f, 6000, SEEK_SET));
	emit("gzseek back=%ld", (long)gzseek(f, 10, SEEK_SET));
	emit("gzwrite=%d", gzwrite(f, in, 100000));
	emit("tell64=%ld offset64=%ld", (long)gztell64(f), (long)gzoffset64(f));
	emit("gzwrite zero=%d", gzwrite(f, in, 0));
	emit("gzdirect write=%d", gzdirect(f));
	emit("gzclose_w=%d", gzclose_w(f));
	{
		uint64_t fh = file_hash("a.gz", &len);

		emit("a.gz hash=%016llx len=%ld", (unsigned long long)fh, len);
	}

	/* append a second member, then read everything back */
	f = gzopen(path("a.gz"), "ab");
	emit("append write=%d", gzwrite(f, "second member\n", 14));
	emit("append close=%d", gzclose(f));
	f = gzopen(path("a.gz"), "rb");
	emit("gzdirect read=%d", gzdirect(f));
	emit("gzbuffer after open=%d", gzbuffer(f, 1024));
	{
		int a = gzgetc(f), b = (gzgetc)(f), c = gzgetc_(f);

		emit("getc macro=%d function=%d getc_=%d", a, b, c);
		emit("ungetc=%d", gzungetc('Q', f));
		emit("getc after ungetc=%d", gzgetc(f));
	}
	emit("gzgets=%s", gzgets(f, line, 20) ? line : "(null)");
	emit("gzread=%d hash=%016llx", gzread(f, buf, 3000), (unsigned long long)hash(buf, 3000));
	emit("tell=%ld eof=%d", (long)gztell(f), gzeof(f));
	emit("gzseek read fwd=%ld", (long)gzseek(f, 2000, SEEK_CUR));
	emit("tell=%ld", (long)gztell(f));
	emit("gzseek read back=%ld", (long)gzseek(f, 5, SEEK_SET));
	emit("getc=%d", gzgetc(f));
	emit("gzseek end=%ld", (long)gzseek(f, 0, SEEK_END));
	emit("gzrewind=%d", gzrewind(f));
	emit("getc=%d", gzgetc(f));
	{
		size_t total = 0;
		uint64_t h = 0xcbf29ce484222325ULL;
		z_size_t k;

		while ((k = gzfread(buf, 7, 1000, f)) > 0) {
			for (size_t i = 0; i < k * 7; i++)
				h = (h ^ buf[i]) * 0x100000001b3ULL;
			total += k * 7;
		}
		emit("gzfread all: total=%zu hash=%016llx eof=%d", total, (unsigned long long)h, gzeof(f));
	}
	emit("gzgets at eof=%s", gzgets(f, line, 10) ? line : "(null)");
	{
		const char *msg = gzerror(f, &err);

		emit("gzerror=%s/%d", without_path(msg), err);
	}
	gzclearerr(f);
	emit("gzclose_r=%d", gzclose_r(f));

	/* a plain file read through gz: direct mode; a truncated gzip; a bad file */
	{
		FILE *p = fopen(path("plain"), "wb");

		fwrite(in, 1, 1000, p);
		fclose(p);
		f = gzopen(path("plain"), "r");
		emit("plain: direct=%d", gzdirect(f));
		emit("plain: read=%d hash=%016llx", gzread(f, buf, 2000), (unsigned long long)hash(buf, 1000));
		emit("plain: close=%d", gzclose(f));
		p = fopen(path("a.gz"), "r+b");
		fseek(p, 0, SEEK_END);
		len = ftell(p);
		fclose(p);
		if (truncate(path("a.gz"), len / 2) != 0)
			perror("truncate");
		f = gzopen(path("a.gz"), "rb");
		{
			int total = 0, r;

			while ((r = gzread(f, buf, sizeof(buf))) > 0)
				total += r;
			const char *msg = gzerror(f, &err);

			emit("truncated: last=%d total=%d err=%s/%d", r, total, without_path(msg), err);
		}
		emit("truncated close=%d", gzclose(f));
		f = gzopen(path("nonexistent/x.gz"), "rb");
		emit("open missing=%s", f ? "file" : "null");
		f = gzopen(path("plain"), "q");
		emit("open bad mode=%s", f ? "file" : "null");
	}
	/* gzdopen on a descriptor */
	{
		FILE *p = fopen(path("d.gz"), "wb");
		int fd = dup(fileno(p));

		fclose(p);
		f = gzdopen(fd, "wb");
		emit("gzdopen write=%d", gzwrite(f, in, 5000));
		emit("gzdopen close=%d", gzclose(f));
		{
		uint64_t fh = file_hash("d.gz", &len);

		emit("d.gz hash=%016llx len=%ld", (unsigned long long)fh, len);
	}
	}
	emit("gz null: close=%d read=%d write=%d", gzclose(Z_NULL), gzread(Z_NULL, buf, 1),
	     gzwrite(Z_NULL, buf, 1));
	remove(path("m.gz"));
	remove(path("a.gz"));
	remove(path("d.gz"));
	remove(path("plain"));
	rmdir(tmpdir);
	free(in);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	sweep_levels_strategies();
	sweep_window_bits();
	sweep_mem_level_and_sizes();
	flush_modes();
	block_stops();
	tiny_feeds();
	dictionaries();
	params_midstream();
	headers_prime_copy();
	sync_points();
	trailing_bytes();
	infback();
	corrupt_and_errors();
	one_shot();
	checksums();
	gz_family();
	printf("cases: %lu\n", cases);
	return 0;
}
