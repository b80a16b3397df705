/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/test_checksum.c - the device checksums against independent references
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "iaa/checksum.h"
#include "iaa/model/model.h"

static uint8_t data[5000];

static int setup(void **state)
{
	uint32_t x = 99;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (uint8_t)(x >> 24);
	}
	return 0;
}

static void test_checksum_crc32_is_zlibs(void **state)
{
	(void)state;
	for (size_t n = 0; n < sizeof(data); n = n * 2 + 1)
		for (size_t off = 0; off < 9; off++) {
			uint32_t a = ziaa_crc32(0, data + off, n, 0);

			assert_int_equal(a, crc32(0, data + off, (uInt)n));
			/* continued in two pieces */
			assert_int_equal(ziaa_crc32(ziaa_crc32(0, data, off, 0), data + off, n, 0),
					 crc32(0, data, (uInt)(off + n)));
		}
}

static void test_checksum_crc32c_check_value(void **state)
{
	(void)state;
	/* the CRC-32C check value of "123456789" (RFC 3720) */
	assert_int_equal(ziaa_crc32(0, (const uint8_t *)"123456789", 9, 1), 0xe3069283u);
	assert_int_equal(ziaa_crc32(0, (const uint8_t *)"123456789", 9, 0), 0xcbf43926u);
}

/* The model's checksums (ISA-L's when libisal is installed) equal ours, both
 * polynomials, any seed, length and alignment. */
static void test_checksum_model_crc_matches(void **state)
{
	(void)state;
	for (int c = 0; c < 2; c++)
		for (size_t n = 0; n < sizeof(data); n = n * 3 + 1)
			for (size_t off = 0; off < 5; off++) {
				uint32_t seed = ziaa_crc32(0, data, off * 7, c);

				assert_int_equal(ziaa_model_crc(seed, data + off, n, c),
						 ziaa_crc32(seed, data + off, n, c));
			}
	assert_int_equal(ziaa_model_crc(0, (const uint8_t *)"123456789", 9, 1), 0xe3069283u);
}

static uint16_t naive_xor(const uint8_t *p, size_t n, size_t before)
{
	uint16_t x = 0;

	for (size_t i = 0; i < n; i++)
		x ^= (uint16_t)(p[i] << (((before + i) & 1) ? 8 : 0));
	return x;
}

static void test_checksum_xor16_words_and_parity(void **state)
{
	(void)state;
	for (size_t n = 0; n < 70; n++)
		for (size_t before = 0; before < 4; before++)
			for (size_t off = 0; off < 3; off++)
				assert_int_equal(ziaa_xor16(0, data + off, n, before),
						 naive_xor(data + off, n, before));
	/* split anywhere: the parity of what came before decides the byte lanes */
	for (size_t cut = 0; cut < 40; cut++)
		assert_int_equal(ziaa_xor16(ziaa_xor16(0, data, cut, 0), data + cut, 4000 - cut, cut),
				 naive_xor(data, 4000, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checksum_crc32_is_zlibs),
		cmocka_unit_test(test_checksum_crc32c_check_value),
		cmocka_unit_test(test_checksum_model_crc_matches),
		cmocka_unit_test(test_checksum_xor16_words_and_parity),
	};

	return cmocka_run_group_tests_name("iaa/checksum", tests, setup, NULL);
}
