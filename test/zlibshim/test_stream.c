/* SPDX-License-Identifier: Zlib */
/*
 * test/zlibshim/test_stream.c - per-stream state: allocation, checks, re-entry, threads
 *
 * Linked with the internal static libraries and -rdynamic, so that the system zlib's
 * internal calls bind to this executable's exported zlib names exactly as they bind
 * to libz-iaa.so in a real process.
 */
#include "zlibshim/shim.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "zlib_iaa.h"

/* ---- a counting, failing allocator on top of cmocka's leak-checking one ---- */

struct alloc_ctl {
	int calls;   /* zalloc calls so far */
	int fail_at; /* the call number that fails; 0 = never */
	int live;    /* blocks not yet freed */
};

static voidpf ctl_alloc(voidpf opaque, uInt items, uInt size)
{
	struct alloc_ctl *c = opaque;

	if (++c->calls == c->fail_at)
		return Z_NULL;
	c->live++;
	return test_malloc((size_t)items * size);
}

static void ctl_free(voidpf opaque, voidpf p)
{
	struct alloc_ctl *c = opaque;

	c->live--;
	test_free(p);
}

static void stream_with(z_stream *zs, struct alloc_ctl *c)
{
	memset(zs, 0, sizeof(*zs));
	zs->zalloc = ctl_alloc;
	zs->zfree = ctl_free;
	zs->opaque = c;
}

static unsigned char *sample(size_t n)
{
	unsigned char *p = malloc(n);

	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)("the quick brown fox "[i % 20] ^ (i / 4096));
	return p;
}

/* Compress n sample bytes with a stream using c; returns the compressed length. */
static size_t deflate_all(struct alloc_ctl *c, const unsigned char *in, size_t n,
			  unsigned char *out, size_t cap)
{
	z_stream zs;

	stream_with(&zs, c);
	assert_int_equal(deflateInit(&zs, 6), Z_OK);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_in, n);
	assert_int_equal(deflateEnd(&zs), Z_OK);
	assert_null(zs.state);
	return zs.total_out;
}

static void test_stream_allocations_use_caller_allocator(void **state)
{
	struct alloc_ctl c = { 0, 0, 0 };
	unsigned char *in = sample(100000), out[120000], back[100000];
	size_t n = deflate_all(&c, in, sizeof(back), out, sizeof(out));
	z_stream zs;

	(void)state;
	/* ours + zlib's five (state, window, prev, head, pending) */
	assert_int_equal(c.calls, 6);
	assert_int_equal(c.live, 0);
	c.calls = 0;
	stream_with(&zs, &c);
	assert_int_equal(inflateInit(&zs), Z_OK);
	zs.next_in = out;
	zs.avail_in = (uInt)n;
	zs.next_out = back;
	zs.avail_out = sizeof(back);
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_memory_equal(back, in, sizeof(back));
	assert_int_equal(inflateEnd(&zs), Z_OK);
	assert_int_equal(c.calls, 2); /* ours and zlib's state: one call, no window */
	assert_int_equal(c.live, 0);
	free(in);
}

static void test_stream_idle_cost_is_small(void **state)
{
	(void)state;
	assert_true(sizeof(struct ziaa_stream) <= 256);
}

/* Every allocation of every init path fails once: no leak, no crash, Z_MEM_ERROR. */
static void test_stream_fail_at_every_allocation(void **state)
{
	unsigned char window[1 << 15], in[64] = "hello hello hello hello", out[256];

	(void)state;
	for (int n = 1; n <= 8; n++) {
		struct alloc_ctl c = { 0, n, 0 };
		z_stream zs, copy;
		int ret;

		stream_with(&zs, &c);
		ret = deflateInit2(&zs, 9, Z_DEFLATED, 15, 9, Z_DEFAULT_STRATEGY);
		assert_true(ret == Z_OK || ret == Z_MEM_ERROR);
		if (ret == Z_MEM_ERROR) {
			assert_null(zs.state);
			if (n > 1)
				assert_string_equal(zs.msg, "insufficient memory");
		} else {
			zs.next_in = in;
			zs.avail_in = sizeof(in);
			zs.next_out = out;
			zs.avail_out = sizeof(out);
			assert_int_equal(deflate(&zs, Z_NO_FLUSH), Z_OK);
			c.calls = 0;
			c.fail_at = 1 + n % 3;
			ret = deflateCopy(&copy, &zs);
			assert_true(ret == Z_OK || ret == Z_MEM_ERROR);
			/* ended mid-stream: zlib says Z_DATA_ERROR, and frees all */
			if (ret == Z_OK)
				assert_int_equal(deflateEnd(&copy), Z_DATA_ERROR);
			assert_int_equal(deflateEnd(&zs), Z_DATA_ERROR);
		}
		assert_int_equal(c.live, 0);

		c = (struct alloc_ctl){ 0, n, 0 };
		stream_with(&zs, &c);
		ret = inflateInit2(&zs, 47);
		assert_true(ret == Z_OK || ret == Z_MEM_ERROR);
		if (ret == Z_OK) {
			c.calls = 0;
			c.fail_at = n;
			ret = inflateCopy(&copy, &zs);
			assert_true(ret == Z_OK || ret == Z_MEM_ERROR);
			if (ret == Z_OK)
				assert_int_equal(inflateEnd(&copy), Z_OK);
			assert_int_equal(inflateEnd(&zs), Z_OK);
		}
		assert_int_equal(c.live, 0);

		c = (struct alloc_ctl){ 0, n, 0 };
		stream_with(&zs, &c);
		ret = inflateBackInit(&zs, 15, window);
		assert_true(ret == Z_OK || ret == Z_MEM_ERROR);
		if (ret == Z_OK)
			assert_int_equal(inflateBackEnd(&zs), Z_OK);
		assert_int_equal(c.live, 0);
	}
}

static void test_stream_bad_streams_get_zlib_answers(void **state)
{
	z_stream zs, moved;
	unsigned char buf[16];

	(void)state;
	assert_int_equal(deflate(Z_NULL, Z_FINISH), Z_STREAM_ERROR);
	assert_int_equal(inflate(Z_NULL, Z_NO_FLUSH), Z_STREAM_ERROR);
	assert_int_equal(inflateMark(Z_NULL), -(1L << 16));
	assert_int_equal(inflateCodesUsed(Z_NULL), (unsigned long)-1);
	/* zlib 1.2.13's bound for an unknown stream: max(fixed, stored) + 6 */
	assert_int_equal(deflateBound(Z_NULL, 1000), 1139);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflate(&zs, Z_NO_FLUSH), Z_STREAM_ERROR);
	assert_int_equal(deflateEnd(&zs), Z_STREAM_ERROR);
	assert_int_equal(inflateEnd(&zs), Z_STREAM_ERROR);

	/* a deflate stream is not an inflate stream */
	assert_int_equal(deflateInit(&zs, 1), Z_OK);
	assert_int_equal(inflate(&zs, Z_NO_FLUSH), Z_STREAM_ERROR);
	assert_int_equal(inflateEnd(&zs), Z_STREAM_ERROR);
	/* a z_stream moved by memcpy loses its state, as in zlib (back-pointer) */
	memcpy(&moved, &zs, sizeof(zs));
	moved.next_in = buf;
	moved.avail_in = 0;
	moved.next_out = buf;
	moved.avail_out = sizeof(buf);
	assert_int_equal(deflate(&moved, Z_FINISH), Z_STREAM_ERROR);
	assert_int_equal(deflateEnd(&zs), Z_OK);
	assert_int_equal(deflateEnd(&zs), Z_STREAM_ERROR);

	/* bad parameters are refused before anything is allocated */
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 10, Z_DEFLATED, 15, 8, 0), Z_STREAM_ERROR);
	assert_null(zs.state);
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, -8, 8, 0), Z_STREAM_ERROR);
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15, 0, 0), Z_STREAM_ERROR);
	assert_int_equal(deflateInit2(&zs, 6, 7, 15, 8, 0), Z_STREAM_ERROR);
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15, 8, Z_FIXED + 1), Z_STREAM_ERROR);
	assert_int_equal(deflateInit2_(&zs, 6, Z_DEFLATED, 15, 8, 0, "0.0", sizeof(zs)),
			 Z_VERSION_ERROR);
	assert_int_equal(deflateInit2_(&zs, 6, Z_DEFLATED, 15, 8, 0, ZLIB_VERSION, 12),
			 Z_VERSION_ERROR);
	assert_int_equal(inflateInit2_(&zs, 15, Z_NULL, sizeof(zs)), Z_VERSION_ERROR);
	assert_int_equal(inflateInit2(&zs, 99), Z_STREAM_ERROR);
	assert_null(zs.state);
	assert_int_equal(inflateBackInit(&zs, 15, Z_NULL), Z_STREAM_ERROR);
}

/* compress2 runs in the system zlib, whose deflateInit_/deflate/deflateEnd come back
 * to this executable's exported names: they must be forwarded, and counted once. */
static void test_stream_reentry_is_forwarded_and_counted_once(void **state)
{
	unsigned char *in = sample(50000), out[60000], back[50000];
	uLongf outlen = sizeof(out), backlen = sizeof(back);
	char stats[2048];

	(void)state;
	ziaa_stats_reset();
	assert_int_equal(compress2(out, &outlen, in, 50000, 9), Z_OK);
	assert_int_equal(uncompress(back, &backlen, out, outlen), Z_OK);
	assert_int_equal(backlen, 50000);
	assert_memory_equal(in, back, 50000);
	assert_int_equal(ziaa_fb_depth, 0);
	zlib_iaa_stats(stats, sizeof(stats));
	assert_non_null(strstr(stats, "\"deflate\":{\"streams\":1,"));
	assert_non_null(strstr(stats, "\"inflate\":{\"streams\":1,"));
	free(in);
}

/* An allocator that itself compresses through libz-iaa while zlib is inside init. */
static voidpf nested_alloc(voidpf opaque, uInt items, uInt size)
{
	unsigned char src[100] = { 0 }, dst[200];
	uLongf n = sizeof(dst);

	(void)opaque;
	assert_int_equal(ziaa_fb_depth, 0); /* the trampoline suspended the depth */
	assert_int_equal(compress(dst, &n, src, sizeof(src)), Z_OK);
	return malloc((size_t)items * size);
}

static void plain_free(voidpf opaque, voidpf p)
{
	(void)opaque;
	free(p);
}

static void test_stream_callbacks_run_at_depth_zero(void **state)
{
	z_stream zs;

	(void)state;
	memset(&zs, 0, sizeof(zs));
	zs.zalloc = nested_alloc;
	zs.zfree = plain_free;
	assert_int_equal(deflateInit(&zs, 6), Z_OK);
	assert_int_equal(deflateEnd(&zs), Z_OK);
}

/* inflateBack's out() recompresses through another stream (as pigz does). */
struct back_ctx {
	const unsigned char *src;
	size_t len;
	z_stream *re;
};

static unsigned back_in(void *desc, z_const unsigned char **buf)
{
	struct back_ctx *b = desc;
	unsigned n = (unsigned)(b->len < 1000 ? b->len : 1000);

	*buf = (z_const unsigned char *)b->src;
	b->src += n;
	b->len -= n;
	return n;
}

static int back_out(void *desc, unsigned char *buf, unsigned len)
{
	struct back_ctx *b = desc;
	unsigned char scratch[70000];

	assert_int_equal(ziaa_fb_depth, 0);
	b->re->next_in = buf;
	b->re->avail_in = len;
	b->re->next_out = scratch;
	b->re->avail_out = sizeof(scratch);
	return deflate(b->re, Z_NO_FLUSH) != Z_OK;
}

static void test_stream_inflate_back_callbacks_reenter_cleanly(void **state)
{
	unsigned char *in = sample(200000), *packed = malloc(220000), window[32768];
	z_stream zs, re;
	struct back_ctx b;
	uLongf plen = 220000;
	z_stream raw;

	(void)state;
	/* inflateBack takes raw deflate */
	memset(&raw, 0, sizeof(raw));
	assert_int_equal(deflateInit2(&raw, 6, Z_DEFLATED, -15, 8, 0), Z_OK);
	raw.next_in = in;
	raw.avail_in = 200000;
	raw.next_out = packed;
	raw.avail_out = (uInt)plen;
	assert_int_equal(deflate(&raw, Z_FINISH), Z_STREAM_END);
	plen = raw.total_out;
	deflateEnd(&raw);

	memset(&re, 0, sizeof(re));
	assert_int_equal(deflateInit(&re, 1), Z_OK);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateBackInit(&zs, 15, window), Z_OK);
	b = (struct back_ctx){ packed, plen, &re };
	zs.next_in = Z_NULL;
	zs.avail_in = 0;
	assert_int_equal(inflateBack(&zs, back_in, &b, back_out, &b), Z_STREAM_END);
	assert_int_equal(re.total_in, 200000);
	assert_int_equal(inflateBackEnd(&zs), Z_OK);
	assert_int_equal(deflateEnd(&re), Z_DATA_ERROR); /* never finished */
	free(in);
	free(packed);
}

static void *thread_roundtrip(void *arg)
{
	unsigned char *in = sample(300000), *out = malloc(310000), *back = malloc(300000);
	int ok = 1;

	for (int i = 0; i < 20 && ok; i++) {
		uLongf olen = 310000, blen = 300000;

		in[i] ^= (unsigned char)(uintptr_t)arg;
		ok = compress2(out, &olen, in, 300000, 1 + i % 9) == Z_OK &&
		     uncompress(back, &blen, out, olen) == Z_OK && blen == 300000 &&
		     memcmp(in, back, 300000) == 0;
	}
	free(in);
	free(out);
	free(back);
	return (void *)(uintptr_t)ok;
}

static void test_stream_threads_do_not_share_state(void **state)
{
	pthread_t t[4];
	void *ok;

	(void)state;
	for (uintptr_t i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, thread_roundtrip, (void *)i), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &ok), 0);
		assert_true(ok == (void *)1);
	}
}

static void test_stream_child_keeps_using_zlib_after_fork(void **state)
{
	z_stream zs;
	unsigned char out[1000];
	int status;
	pid_t pid;

	(void)state;
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit(&zs, 6), Z_OK);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* the inherited open stream and a new one both work in the child */
		z_stream zc;
		int ok;

		zs.next_in = (Bytef *)"child";
		zs.avail_in = 5;
		zs.next_out = out;
		zs.avail_out = sizeof(out);
		ok = deflate(&zs, Z_FINISH) == Z_STREAM_END && deflateEnd(&zs) == Z_OK;
		memset(&zc, 0, sizeof(zc));
		ok = ok && inflateInit(&zc) == Z_OK;
		zc.next_in = out;
		zc.avail_in = (uInt)zs.total_out;
		zc.next_out = out + 500;
		zc.avail_out = 500;
		ok = ok && inflate(&zc, Z_FINISH) == Z_STREAM_END && zc.total_out == 5 &&
		     memcmp(out + 500, "child", 5) == 0 && inflateEnd(&zc) == Z_OK;
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(deflateEnd(&zs), Z_OK);
}

static void test_fallback_refuses_itself(void **state)
{
	(void)state;
	assert_int_equal(ziaa_fb_same_file(ziaa_fb_path(), ziaa_fb_path()), 1);
	assert_int_equal(ziaa_fb_same_file(ziaa_fb_path(), "/proc/self/exe"), 0);
	assert_int_equal(ziaa_fb_same_file("/nonexistent/libz.so.1", ziaa_fb_path()), -1);
	assert_true(ziaa_fb_path()[0] == '/');
	assert_string_equal(zlibVersion(), ZLIB_VERSION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_allocations_use_caller_allocator),
		cmocka_unit_test(test_stream_idle_cost_is_small),
		cmocka_unit_test(test_stream_fail_at_every_allocation),
		cmocka_unit_test(test_stream_bad_streams_get_zlib_answers),
		cmocka_unit_test(test_stream_reentry_is_forwarded_and_counted_once),
		cmocka_unit_test(test_stream_callbacks_run_at_depth_zero),
		cmocka_unit_test(test_stream_inflate_back_callbacks_reenter_cleanly),
		cmocka_unit_test(test_stream_threads_do_not_share_state),
		cmocka_unit_test(test_stream_child_keeps_using_zlib_after_fork),
		cmocka_unit_test(test_fallback_refuses_itself),
	};

	return cmocka_run_group_tests_name("zlibshim/stream", tests, NULL, NULL);
}
