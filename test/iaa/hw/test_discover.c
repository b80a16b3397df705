/* SPDX-License-Identifier: Zlib */
/*
 * test/iaa/hw/test_discover.c - work-queue discovery and verdicts, without hardware
 *
 * libaccel-config is replaced by a table over fabricated devices (the ziaa_hw_accfg
 * hook), so every verdict and error path runs here; the node probe runs against
 * real files: a missing path, a FIFO (open works, mmap does not) and a regular file.
 * Loading the real library is driven through stand-ins for dlopen(), dlsym(),
 * dlclose() and access() defined below (the discovery code is linked statically
 * into this test), each case in a child process of its own, since the library is
 * loaded at most once per process.
 */
#include <dlfcn.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "iaa/device.h"
#include "iaa/hw/accfg.h"

/* ---- fabricated devices ---- */
struct fake_wq {
	const char *name, *path;
	int state, type, mode, threshold;
	uint64_t size, max_xfer;
};

struct fake_dev {
	const char *name;
	int type, state, node;
	bool pasid;
	unsigned version;
	struct fake_wq wqs[24];
	int nwq;
};

static struct fake_dev devs[4];
static int ndev, new_fails;
static struct fake_dev *dev_of(struct accfg_wq *wq, int *idx);

static int f_new(struct accfg_ctx **ctx)
{
	*ctx = new_fails ? NULL : (struct accfg_ctx *)(void *)devs;
	return new_fails ? -ENOENT : 0;
}
static struct accfg_ctx *f_unref(struct accfg_ctx *ctx) { (void)ctx; return NULL; }
static struct accfg_device *f_dev_first(struct accfg_ctx *ctx)
{
	(void)ctx;
	return ndev ? (struct accfg_device *)(void *)&devs[0] : NULL;
}
static struct accfg_device *f_dev_next(struct accfg_device *d)
{
	struct fake_dev *f = (struct fake_dev *)(void *)d;

	return f + 1 < devs + ndev ? (struct accfg_device *)(void *)(f + 1) : NULL;
}
#define DEV(d) ((struct fake_dev *)(void *)(d))
static int f_dev_type(struct accfg_device *d) { return DEV(d)->type; }
static const char *f_dev_name(struct accfg_device *d) { return DEV(d)->name; }
static int f_dev_state(struct accfg_device *d) { return DEV(d)->state; }
static bool f_dev_pasid(struct accfg_device *d) { return DEV(d)->pasid; }
static int f_dev_node(struct accfg_device *d) { return DEV(d)->node; }
static unsigned f_dev_version(struct accfg_device *d) { return DEV(d)->version; }
static struct accfg_wq *f_wq_first(struct accfg_device *d)
{
	return DEV(d)->nwq ? (struct accfg_wq *)(void *)&DEV(d)->wqs[0] : NULL;
}
static struct fake_dev *dev_of(struct accfg_wq *wq, int *idx)
{
	for (int i = 0; i < ndev; i++)
		for (int k = 0; k < devs[i].nwq; k++)
			if ((void *)&devs[i].wqs[k] == (void *)wq) {
				*idx = k;
				return &devs[i];
			}
	return NULL;
}
static struct accfg_wq *f_wq_next(struct accfg_wq *wq)
{
	int k = 0;
	struct fake_dev *d = dev_of(wq, &k);

	return k + 1 < d->nwq ? (struct accfg_wq *)(void *)&d->wqs[k + 1] : NULL;
}
#define WQ(w) ((struct fake_wq *)(void *)(w))
static const char *f_wq_name(struct accfg_wq *w) { return WQ(w)->name; }
static int f_wq_state(struct accfg_wq *w) { return WQ(w)->state; }
static int f_wq_type(struct accfg_wq *w) { return WQ(w)->type; }
static int f_wq_mode(struct accfg_wq *w) { return WQ(w)->mode; }
static uint64_t f_wq_size(struct accfg_wq *w) { return WQ(w)->size; }
static int f_wq_threshold(struct accfg_wq *w) { return WQ(w)->threshold; }
static int f_wq_bof(struct accfg_wq *w) { (void)w; return 1; }
static uint64_t f_wq_xfer(struct accfg_wq *w) { return WQ(w)->max_xfer; }
static int f_wq_path(struct accfg_wq *w, char *buf, size_t n)
{
	if (!WQ(w)->path)
		return -ENOENT;
	snprintf(buf, n, "%s", WQ(w)->path);
	return 0;
}

static void f_set_log(struct accfg_ctx *ctx, int prio) { (void)ctx; (void)prio; }

static const struct ziaa_accfg fake = {
	f_new, f_unref, f_dev_first, f_dev_next, f_dev_type, f_dev_name, f_dev_state,
	f_dev_pasid, f_dev_node, f_dev_version, f_wq_first, f_wq_next, f_wq_name,
	f_wq_state, f_wq_type, f_wq_mode, f_wq_size, f_wq_threshold, f_wq_bof, f_wq_xfer,
	f_wq_path, f_set_log,
};

/* ---- the dynamic loader, for load() ---- */
static int dl_present;          /* dlopen() finds libaccel-config.so.1 */
static const char *dl_missing;  /* the one function dlsym() does not find */
static int dl_opens, dl_closes;
static int dsa_present;         /* access() says /sys/bus/dsa exists */

#define FAKE_SYM(name) { "accfg_" #name, offsetof(struct ziaa_accfg, name) },
static const struct { const char *name; size_t off; } fake_syms[] = {
	ZIAA_ACCFG_FUNCS(FAKE_SYM)
};
#undef FAKE_SYM

void *dlopen(const char *file, int mode)
{
	(void)mode;
	if (!dl_present || strcmp(file, "libaccel-config.so.1") != 0)
		return NULL;
	dl_opens++;
	return &dl_opens;
}

void *dlsym(void *handle, const char *name)
{
	void *fn = NULL;

	if (handle != &dl_opens || (dl_missing && strcmp(name, dl_missing) == 0))
		return NULL;
	for (size_t i = 0; i < sizeof(fake_syms) / sizeof(fake_syms[0]); i++)
		if (strcmp(name, fake_syms[i].name) == 0)
			memcpy(&fn, (const char *)&fake + fake_syms[i].off, sizeof(fn));
	return fn;
}

int dlclose(void *handle)
{
	if (handle == &dl_opens)
		dl_closes++;
	return 0;
}

int access(const char *path, int mode)
{
	if (strcmp(path, "/sys/bus/dsa") == 0 && dsa_present)
		return 0;
	if (strcmp(path, "/sys/bus/dsa") == 0) {
		errno = ENOENT;
		return -1;
	}
	return (int)syscall(SYS_access, path, mode);
}

static char tmp[] = "/tmp/ziaa-hw-XXXXXX", fifo[64], regular[64];

/* How many fds this process has open on path. */
static int fds_on(const char *path)
{
	char link[64], target[128];
	int count = 0;

	for (int fd = 0; fd < 1024; fd++) {
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		count += strcmp(target, path) == 0;
	}
	return count;
}

static int setup(void **state)
{
	static const char page[4096];
	FILE *f;

	(void)state;
	if (!mkdtemp(tmp))
		return -1;
	snprintf(fifo, sizeof(fifo), "%s/wq1.0", tmp);
	snprintf(regular, sizeof(regular), "%s/wq1.1", tmp);
	if (mkfifo(fifo, 0600) != 0)
		return -1;
	f = fopen(regular, "w");
	if (!f)
		return -1;
	fwrite(page, 1, sizeof(page), f); /* a page to map */
	fclose(f);
	ziaa_hw_accfg = &fake;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(fifo);
	unlink(regular);
	rmdir(tmp);
	return 0;
}

static void test_discover_no_devices(void **state)
{
	struct ziaa_hw_wq w[4];
	const char *why = NULL;

	(void)state;
	ndev = 0;
	new_fails = 0;
	assert_int_equal(ziaa_hw_discover(w, 4, 1, &why), 0);
	new_fails = 1;
	assert_int_equal(ziaa_hw_discover(w, 4, 1, &why), -1);
	assert_non_null(strstr(why, "/sys/bus/dsa"));
	new_fails = 0;
}

static void test_discover_verdicts(void **state)
{
	struct ziaa_hw_wq w[16];
	const char *why = NULL;
	int n;

	(void)state;
	devs[0] = (struct fake_dev){ "dsa0", 0, 1, 0, true, 0x100, {
		{ "wq0.0", "/dev/dsa/wq0.0", 1, 2, 0, 16, 32, 1 << 21 } }, 1 };
	devs[1] = (struct fake_dev){ "iax1", 1, 1, 0, true, 0x100, {
		{ "wq1.0", fifo, 1, 2, 0, 128, 128, 1 << 21 },        /* shared user */
		{ "wq1.1", regular, 1, 2, 1, 0, 64, 1 << 21 },        /* dedicated user */
		{ "wq1.2", NULL, 1, 1, 1, 0, 64, 1 << 21 },           /* kernel (iaa_crypto) */
		{ "wq1.3", "/dev/iax/wq1.3", 0, 2, 0, 32, 32, 1 << 21 } }, 4 }; /* disabled */
	devs[2] = (struct fake_dev){ "iax3", 1, 1, 1, false, 0x200, {
		{ "wq3.0", "/nonexistent/wq3.0", 1, 2, 1, 0, 128, 1 << 30 } }, 1 }; /* no SVA */
	devs[3] = (struct fake_dev){ "iax5", 1, 0, 1, true, 0x200, {
		{ "wq5.0", "/nonexistent/wq5.0", 1, 2, 1, 0, 128, 1 << 30 } }, 1 }; /* device off */
	ndev = 4;
	n = ziaa_hw_discover(w, 16, 0, &why);
	assert_int_equal(n, 6); /* the DSA device is not counted */
	assert_string_equal(w[0].device, "iax1");
	assert_string_equal(w[0].name, "wq1.0");
	assert_int_equal(w[0].shared, 1);
	assert_int_equal(w[0].max_transfer_size, 1 << 21);
	assert_int_equal(w[1].shared, 0);
	assert_int_equal(w[2].verdict, ZIAA_WQ_KERNEL_TYPE);
	assert_int_equal(w[3].verdict, ZIAA_WQ_NOT_ENABLED);
	assert_int_equal(w[4].verdict, ZIAA_WQ_NO_SVA);
	assert_int_equal(w[4].numa_node, 1);
	assert_int_equal(w[4].version, 0x200);
	assert_int_equal(w[5].verdict, ZIAA_WQ_DEVICE_DISABLED);
	/* the first two depend on the CPU: this one may lack ENQCMD/MOVDIR64B */
	if (!(ziaa_hw_cpu_features() & ZIAA_CPU_ENQCMD))
		assert_int_equal(w[0].verdict, ZIAA_WQ_NO_ENQCMD);
	if (!(ziaa_hw_cpu_features() & ZIAA_CPU_MOVDIR64B))
		assert_int_equal(w[1].verdict, ZIAA_WQ_NO_MOVDIR64B);
	/* max limits what is filled, not what is counted */
	assert_int_equal(ziaa_hw_discover(w, 2, 0, &why), 6);
}

static void test_classify_with_all_cpu_features(void **state)
{
	struct ziaa_hw_wq w = { .device_enabled = 1, .enabled = 1, .type = 2, .shared = 1, .sva = 1 };
	unsigned all = ZIAA_CPU_ENQCMD | ZIAA_CPU_MOVDIR64B;

	(void)state;
	assert_int_equal(ziaa_hw_classify(&w, all), ZIAA_WQ_NO_DEVNODE);
	strcpy(w.path, "/dev/iax/wq1.0");
	assert_int_equal(ziaa_hw_classify(&w, all), ZIAA_WQ_USABLE);
	assert_int_equal(ziaa_hw_classify(&w, ZIAA_CPU_MOVDIR64B), ZIAA_WQ_NO_ENQCMD);
	w.shared = 0;
	assert_int_equal(ziaa_hw_classify(&w, ZIAA_CPU_ENQCMD), ZIAA_WQ_NO_MOVDIR64B);
	w.mode_unknown = 1;
	assert_int_equal(ziaa_hw_classify(&w, all), ZIAA_WQ_MODE_UNKNOWN);
	w.type = 0;
	assert_int_equal(ziaa_hw_classify(&w, all), ZIAA_WQ_NOT_USER);
	for (int v = 0; v < ZIAA_WQ_VERDICT_COUNT; v++)
		assert_non_null(ziaa_hw_verdict_text((enum ziaa_wq_verdict)v));
}

/* libaccel-config's ACCFG_WQ_MODE_UNKNOWN is neither mode: no way to submit. */
static void test_discover_mode_unknown_is_not_usable(void **state)
{
	struct ziaa_hw_wq w[4];
	const char *why = NULL;

	(void)state;
	devs[0] = (struct fake_dev){ "iax1", 1, 1, 0, true, 0x100, {
		{ "wq1.0", fifo, 1, 2, ZIAA_ACCFG_WQ_MODE_UNKNOWN, 0, 64, 1 << 21 },
		{ "wq1.1", fifo, 1, 2, 7, 0, 64, 1 << 21 },   /* not in the enum at all */
		{ "wq1.2", fifo, 1, 2, ZIAA_ACCFG_WQ_DEDICATED, 0, 64, 1 << 21 } }, 3 };
	ndev = 1;
	assert_int_equal(ziaa_hw_discover(w, 4, 1, &why), 3);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(w[i].verdict, ZIAA_WQ_MODE_UNKNOWN);
		assert_int_equal(w[i].mode_unknown, 1);
		assert_int_equal(w[i].shared, 0);
	}
	assert_int_equal(w[2].mode_unknown, 0);
	assert_int_not_equal(w[2].verdict, ZIAA_WQ_MODE_UNKNOWN);
	assert_non_null(strstr(ziaa_hw_verdict_text(ZIAA_WQ_MODE_UNKNOWN), "not usable: queue mode"));
	assert_null(ziaa_hw_open_wqs(w, 2));
}

/* Many more than 16 queues (72 kernel queues, more than the first discovery pass
 * reads), the usable ones last: the device is built over them, up to its cap of 16. */
static void test_hw_open_finds_usable_queues_after_16_others(void **state)
{
	static char names[4][24][16];
	struct ziaa_device *dev;

	(void)state;
	if (!(ziaa_hw_cpu_features() & ZIAA_CPU_MOVDIR64B)) {
		print_message("this CPU has no MOVDIR64B: no dedicated queue is usable here\n");
		skip();
	}
	for (int d = 0; d < 4; d++) {
		devs[d] = (struct fake_dev){ "iax0", 1, 1, 0, true, 0x100, { { 0 } }, d < 3 ? 24 : 18 };
		for (int i = 0; i < devs[d].nwq; i++) {
			snprintf(names[d][i], sizeof(names[d][i]), "wq%d.%d", d, i);
			/* iax0: kernel queues (iaa_crypto); iax3: dedicated user queues */
			devs[d].wqs[i] = d == 3
				? (struct fake_wq){ names[d][i], regular, 1, 2, 1, 0, 16, 1 << 21 }
				: (struct fake_wq){ names[d][i], NULL, 1, 1, 1, 0, 16, 1 << 21 };
		}
	}
	devs[3].name = "iax3";
	ndev = 4;
	assert_int_equal(fds_on(regular), 0);
	dev = ziaa_hw_open();
	assert_non_null(dev);
	assert_string_equal(dev->name, "iax3/wq3.0+");
	assert_int_equal(fds_on(regular), 16);
	dev->ops->close(dev);
	assert_int_equal(fds_on(regular), 0);
}

/* Runs fn in a child process (load() runs once per process); its exit status. */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Whether discovery gave a reason and it mentions what. */
static int says(const char *why, const char *what)
{
	return why && strstr(why, what);
}

static int load_without_idxd(void)
{
	struct ziaa_hw_wq w[4];
	const char *why = NULL;

	ziaa_hw_accfg = NULL;
	dl_present = 1;
	return (ziaa_hw_discover(w, 4, 0, &why) != -1) | !says(why, "/sys/bus/dsa") << 1 |
	       (dl_opens != 0) << 2;
}

static int load_not_installed(void)
{
	struct ziaa_hw_wq w[4];
	const char *why = NULL;

	ziaa_hw_accfg = NULL;
	dsa_present = 1;
	return (ziaa_hw_discover(w, 4, 0, &why) != -1) | !says(why, "not installed") << 1;
}

static int load_lacking_a_function(void)
{
	struct ziaa_hw_wq w[4];
	const char *why = NULL;
	int bad;

	ziaa_hw_accfg = NULL;
	dsa_present = dl_present = 1;
	dl_missing = "accfg_wq_get_mode";
	bad = (ziaa_hw_discover(w, 4, 0, &why) != -1) | !says(why, "lacks a function") << 1;
	bad |= (dl_opens != 1) << 2 | (dl_closes != 1) << 3; /* the handle is not kept */
	why = NULL;
	bad |= (ziaa_hw_discover(w, 4, 0, &why) != -1) << 4 | !says(why, "lacks") << 5;
	return bad | (dl_opens != 1) << 6; /* tried once per process */
}

static int load_complete(void)
{
	struct ziaa_hw_wq w[4];
	const char *why = NULL;

	memset(w, 0, sizeof(w));
	ziaa_hw_accfg = NULL;
	dsa_present = dl_present = 1;
	return (ziaa_hw_discover(w, 4, 0, &why) != 1) | (strcmp(w[0].name, "wq1.0") != 0) << 1 |
	       (dl_opens != 1) << 2 | (dl_closes != 0) << 3;
}

static void test_discover_loads_libaccel_config(void **state)
{
	(void)state;
#ifdef __SANITIZE_ADDRESS__
	/* ASan's own dlopen() interceptor calls the real one, not the stand-in above */
	print_message("AddressSanitizer intercepts dlopen(): the loading cases need a plain build\n");
	skip();
#endif
	devs[0] = (struct fake_dev){ "iax1", 1, 1, 0, true, 0x100, {
		{ "wq1.0", fifo, 1, 2, 0, 128, 128, 1 << 21 } }, 1 };
	ndev = 1;
	assert_int_equal(in_child(load_without_idxd), 0);
	assert_int_equal(in_child(load_not_installed), 0);
	assert_int_equal(in_child(load_lacking_a_function), 0);
	assert_int_equal(in_child(load_complete), 0);
}

static void test_probe_node(void **state)
{
	struct ziaa_hw_wq w = { 0 };

	(void)state;
	strcpy(w.path, "/nonexistent/iax/wq9.9");
	assert_int_equal(ziaa_hw_probe(&w), ZIAA_WQ_NO_DEVNODE);
	assert_int_equal(w.err, ENOENT);
	/* a FIFO opens but cannot be mapped (not EPERM): not usable */
	strcpy(w.path, fifo);
	assert_int_equal(ziaa_hw_probe(&w), ZIAA_WQ_MMAP_FAILED);
	/* a regular file maps like a portal would */
	strcpy(w.path, regular);
	assert_int_equal(ziaa_hw_probe(&w), ZIAA_WQ_USABLE);
	assert_int_equal(w.err, 0);
	if (geteuid() != 0) {
		chmod(regular, 0);
		assert_int_equal(ziaa_hw_probe(&w), ZIAA_WQ_NO_PERMISSION);
		chmod(regular, 0600);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discover_no_devices),
		cmocka_unit_test(test_discover_verdicts),
		cmocka_unit_test(test_classify_with_all_cpu_features),
		cmocka_unit_test(test_discover_mode_unknown_is_not_usable),
		cmocka_unit_test(test_hw_open_finds_usable_queues_after_16_others),
		cmocka_unit_test(test_discover_loads_libaccel_config),
		cmocka_unit_test(test_probe_node),
	};

	return cmocka_run_group_tests_name("iaa/hw/discover", tests, setup, teardown);
}
