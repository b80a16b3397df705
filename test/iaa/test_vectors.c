/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/test_vectors.c - the golden hardware vectors of ../shared/vectors
 *
 * Every published IAA output decodes to its input: canned bodies behind their
 * table's header, dynamic streams on their own. Every published table is what our
 * header parser and canonical code builder derive from its header, and our own
 * header for that table decodes the published body too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "golden_vectors.h"
#include "iaa/huff.h"
#include "test/iaa/bits.h"

static void test_vectors_table(void **state)
{
	const struct golden_table *g = *state;
	struct ziaa_huff_table t;
	int bfinal;

	assert_int_equal(ziaa_huff_parse_header(g->header, g->header_len, &t, &bfinal),
			 (int)g->header_bits);
	assert_int_equal(bfinal, 1);
	assert_memory_equal(t.ll_code, g->ll, sizeof(g->ll));
	assert_memory_equal(t.d_code, g->d, sizeof(g->d));
}

static void test_vectors_fixed_table(void **state)
{
	const struct golden_table *g = *state;
	struct ziaa_huff_table t;

	ziaa_huff_fixed(&t);
	assert_memory_equal(t.ll_code, g->ll, sizeof(g->ll));
	assert_memory_equal(t.d_code, g->d, sizeof(g->d));
}

static void test_vectors_decode(void **state)
{
	const struct golden_vector *v = *state;
	const struct golden_table *g = &golden_tables[v->table];
	uint8_t stream[2048], out[4096];
	struct tbits w = { stream, 0 };
	long n;

	if (strcmp(v->mode, "canned") == 0) {
		struct ziaa_huff_table t;
		struct ziaa_huff_header h;
		int bfinal;

		/* the published header, byte-concatenated (it ends on a byte boundary) */
		tbits_append(&w, g->header, g->header_bits);
		tbits_append(&w, v->out, (size_t)v->out_len * 8);
		n = tinflate_raw(stream, (w.bits + 7) / 8, out, sizeof(out));
		assert_int_equal(n, (long)v->in_len);
		assert_memory_equal(out, v->in, v->in_len);
		/* our own header for the same table, bit-concatenated */
		assert_true(ziaa_huff_parse_header(g->header, g->header_len, &t, &bfinal) > 0);
		ziaa_huff_write_header(&t, 1, &h);
		w.bits = 0;
		tbits_append(&w, h.bytes, h.bits);
		tbits_append(&w, v->out, (size_t)v->out_len * 8);
		n = tinflate_raw(stream, (w.bits + 7) / 8, out, sizeof(out));
		assert_int_equal(n, (long)v->in_len);
		assert_memory_equal(out, v->in, v->in_len);
		print_message("%s: our header %u bits, published %u bits, %s\n", v->id, h.bits,
			      g->header_bits,
			      h.bits == g->header_bits && memcmp(h.bytes, g->header, g->header_len) == 0
				      ? "identical" : "different encoding of the same table");
	} else {
		struct ziaa_huff_table t;
		int bfinal, bits;

		n = tinflate_raw(v->out, v->out_len, out, sizeof(out));
		assert_int_equal(n, (long)v->in_len);
		assert_memory_equal(out, v->in, v->in_len);
		/* the hardware-generated header parses, and is final */
		bits = ziaa_huff_parse_header(v->out, v->out_len, &t, &bfinal);
		assert_true(bits > 0);
		assert_int_equal(bfinal, 1);
	}
}

int main(void)
{
	struct CMUnitTest tests[GOLDEN_TABLES + GOLDEN_VECTORS + 1];
	char names[GOLDEN_TABLES + GOLDEN_VECTORS + 1][96];
	size_t k = 0;

	if (GOLDEN_MISSING) {
		printf("test_vectors: ../shared/vectors is not beside this checkout: skipped\n");
		return 77;
	}

	for (int i = 0; i < GOLDEN_TABLES; i++, k++) {
		snprintf(names[k], sizeof(names[k]), "test_vectors_table_%s", golden_tables[i].name);
		tests[k] = (struct CMUnitTest){ names[k],
						golden_tables[i].header_len ? test_vectors_table
									    : test_vectors_fixed_table,
						NULL, NULL, (void *)&golden_tables[i] };
	}
	for (int i = 0; i < GOLDEN_VECTORS; i++, k++) {
		snprintf(names[k], sizeof(names[k]), "test_vectors_decode_%s%s", golden_vectors[i].id,
			 golden_vectors[i].hardware ? "" : "_software");
		tests[k] = (struct CMUnitTest){ names[k], test_vectors_decode, NULL, NULL,
						(void *)&golden_vectors[i] };
	}
	return _cmocka_run_group_tests("iaa/golden vectors", tests, k, NULL, NULL);
}
