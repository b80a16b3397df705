/* SPDX-License-Identifier: Zlib */
/*
 * test/zlibshim/test_config.c - ZLIB_IAA_MODE / ZLIB_IAA_STATS parsing and the stats record
 */
#include "zlibshim/shim.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "zlib_iaa.h"

static void test_config_modes(void **state)
{
	struct ziaa_config cfg;

	(void)state;
	assert_int_equal(ziaa_config_parse(&cfg, NULL, NULL, NULL), 0);
	assert_int_equal(cfg.mode, ZIAA_MODE_AUTO);
	assert_int_equal(ziaa_config_parse(&cfg, "", NULL, NULL), 0);
	assert_int_equal(cfg.mode, ZIAA_MODE_AUTO);
	assert_int_equal(ziaa_config_parse(&cfg, "auto", NULL, NULL), 0);
	assert_int_equal(cfg.mode, ZIAA_MODE_AUTO);
	assert_int_equal(ziaa_config_parse(&cfg, "off", NULL, NULL), 0);
	assert_int_equal(cfg.mode, ZIAA_MODE_OFF);
	assert_int_equal(ziaa_config_parse(&cfg, "emulate", NULL, NULL), 0);
	assert_int_equal(cfg.mode, ZIAA_MODE_EMULATE);
	assert_string_equal(ziaa_mode_name(cfg.mode), "emulate");
}

static void test_config_unknown_mode_is_off(void **state)
{
	struct ziaa_config cfg;

	(void)state;
	assert_int_equal(ziaa_config_parse(&cfg, "fast", NULL, NULL), -1);
	assert_int_equal(cfg.mode, ZIAA_MODE_OFF);
	assert_int_equal(ziaa_config_parse(&cfg, "AUTO", NULL, NULL), -1);
	assert_int_equal(cfg.mode, ZIAA_MODE_OFF);
	assert_int_equal(ziaa_config_parse(&cfg, "off ", NULL, NULL), -1);
	assert_int_equal(cfg.mode, ZIAA_MODE_OFF);
}

static void test_config_stats_path_and_sde(void **state)
{
	struct ziaa_config cfg;
	char *longpath = malloc(5000);

	(void)state;
	assert_int_equal(ziaa_config_parse(&cfg, "off", "/tmp/x.json", "1700000000"), 0);
	assert_string_equal(cfg.stats_path, "/tmp/x.json");
	assert_int_equal(cfg.source_date_epoch, 1);
	memset(longpath, 'a', 4999);
	longpath[4999] = '\0';
	ziaa_config_parse(&cfg, NULL, longpath, NULL);
	assert_string_equal(cfg.stats_path, ""); /* never truncated into another file */
	assert_int_equal(cfg.source_date_epoch, 0);
	free(longpath);
}

/* The process itself runs with the environment meson gives tests: no ZLIB_IAA_MODE. */
static void test_config_process_default_is_auto(void **state)
{
	(void)state;
	if (getenv("ZLIB_IAA_MODE"))
		skip();
	assert_string_equal(zlib_iaa_mode(), "auto");
}

static void test_stats_counts_and_schema(void **state)
{
	char buf[2048];
	int n;

	(void)state;
	ziaa_stats_reset();
	ziaa_stats_stream(ZIAA_DIR_DEFLATE, ZIAA_REASON_NO_DEVICE);
	ziaa_stats_stream(ZIAA_DIR_DEFLATE, ZIAA_REASON_NO_DEVICE);
	ziaa_stats_stream(ZIAA_DIR_INFLATE, ZIAA_REASON_GZFILE);
	ziaa_stats_bytes(ZIAA_DIR_DEFLATE, 1000, 300);
	n = ziaa_stats_json(buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_non_null(strstr(buf, "\"pid\":"));
	assert_non_null(strstr(buf, "\"device\":null"));
	assert_non_null(strstr(buf, "\"deflate\":{\"streams\":2,\"offloaded\":0,\"jobs\":0,"
				    "\"bytes_in\":1000,\"bytes_out\":300,\"fallback\":{"));
	assert_non_null(strstr(buf, "\"no_device\":2"));
	assert_non_null(strstr(buf, "\"inflate\":{\"streams\":1,"));
	assert_non_null(strstr(buf, "\"gzfile\":1"));
	assert_int_equal(buf[0], '{');
	assert_int_equal(buf[n - 1], '}');
	ziaa_stats_set_device("model");
	ziaa_stats_json(buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"device\":\"model\""));
	ziaa_stats_reset();
	ziaa_stats_json(buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"deflate\":{\"streams\":0,"));
}

static void test_stats_snprintf_semantics(void **state)
{
	char small[16];
	int need = zlib_iaa_stats(NULL, 0);

	(void)state;
	assert_true(need > 100);
	assert_int_equal(zlib_iaa_stats(small, sizeof(small)), need);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

static void test_stats_file_append_0644(void **state)
{
	char dir[] = "/tmp/ziaa-statsXXXXXX", path[64], line[4096];
	struct stat st;
	FILE *f;
	int lines = 0;
	mode_t old = umask(0);

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.json", dir);
	assert_int_equal(ziaa_stats_write(path), 0);
	assert_int_equal(ziaa_stats_write(path), 0);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		assert_int_equal(line[0], '{');
		assert_int_equal(line[strlen(line) - 1], '\n');
		lines++;
	}
	fclose(f);
	assert_int_equal(lines, 2);
	unlink(path);
	rmdir(dir);
}

static void test_stats_child_after_fork_starts_at_zero(void **state)
{
	char buf[2048];
	int status;
	pid_t pid;

	(void)state;
	ziaa_stats_reset();
	ziaa_stats_stream(ZIAA_DIR_INFLATE, ZIAA_REASON_NO_DEVICE);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		ziaa_stats_json(buf, sizeof(buf));
		_exit(strstr(buf, "\"inflate\":{\"streams\":0,") ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	ziaa_stats_json(buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"inflate\":{\"streams\":1,"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_modes),
		cmocka_unit_test(test_config_unknown_mode_is_off),
		cmocka_unit_test(test_config_stats_path_and_sde),
		cmocka_unit_test(test_config_process_default_is_auto),
		cmocka_unit_test(test_stats_counts_and_schema),
		cmocka_unit_test(test_stats_snprintf_semantics),
		cmocka_unit_test(test_stats_file_append_0644),
		cmocka_unit_test(test_stats_child_after_fork_starts_at_zero),
	};

	return cmocka_run_group_tests_name("zlibshim/config+stats", tests, NULL, NULL);
}
