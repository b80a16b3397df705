/* SPDX-License-Identifier: Zlib */
/*
 * iaa/model/fault.c - fault injection in the device model (ZLIB_IAA_FAULTS)
 *
 * Syntax: a comma-separated list of rules, each "KIND@N" (the N-th job the device
 * receives, counting from 1, every submission counts, retries included) or
 * "KIND:p=P" (each job with probability P, 0 < P <= 1), plus an optional "seed=S"
 * for the probabilities (default 1; the sequence is deterministic). Kinds:
 *   page_fault        status 0x03, fault_addr = the job's source (a read fault)
 *   page_fault_write  status 0x83, fault_addr = the job's destination
 *   overflow          compress: analytics error 0x19; decompress: status 0x0b
 *   analytic          analytics error 19 (no forward progress)
 *   timeout           status 0x24 (watchdog)
 *   busy              submit refused: the queue is full (ZIAA_ERR_BUSY)
 *   gone              submit fails with ZIAA_ERR_GONE, for this job and every later one
 *   hang              the job never completes (the wait times out; ziaa_device_run()
 *                     returns ZIAA_ERR_LOST and retires the device)
 * Example: ZLIB_IAA_FAULTS="page_fault@3,overflow@5,busy:p=0.1,seed=7"
 * A malformed value is refused whole (no faults; one warning from the caller).
 */
#include "iaa/model/model.h"

#include <stdlib.h>
#include <string.h>

static const char *const names[ZIAA_FAULT_KINDS] = {
	[ZIAA_FAULT_NONE] = "none",
	[ZIAA_FAULT_PAGE_FAULT] = "page_fault",
	[ZIAA_FAULT_PAGE_FAULT_WRITE] = "page_fault_write",
	[ZIAA_FAULT_OVERFLOW] = "overflow",
	[ZIAA_FAULT_ANALYTIC] = "analytic",
	[ZIAA_FAULT_TIMEOUT] = "timeout",
	[ZIAA_FAULT_BUSY] = "busy",
	[ZIAA_FAULT_GONE] = "gone",
	[ZIAA_FAULT_HANG] = "hang",
};

const char *ziaa_fault_name(enum ziaa_fault_kind k)
{
	return k < ZIAA_FAULT_KINDS ? names[k] : "?";
}

int ziaa_fault_parse(const char *spec, struct ziaa_faults *f)
{
	char buf[512], *save = NULL, *tok;

	memset(f, 0, sizeof(*f));
	f->seed = 1;
	if (!spec || !*spec)
		return 0;
	if (strlen(spec) >= sizeof(buf))
		return -1;
	strcpy(buf, spec);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct ziaa_fault_rule *r = &f->rule[f->n];
		char *at = strchr(tok, '@'), *colon = strchr(tok, ':'), *end;
		size_t klen;
		int kind = -1;

		if (strncmp(tok, "seed=", 5) == 0) {
			f->seed = strtoull(tok + 5, &end, 10);
			if (*end || end == tok + 5)
				return -1;
			continue;
		}
		if (f->n == ZIAA_FAULT_MAX_RULES || (!at && !colon))
			return -1;
		klen = (size_t)((at ? at : colon) - tok);
		for (int k = 1; k < ZIAA_FAULT_KINDS; k++)
			if (strlen(names[k]) == klen && strncmp(tok, names[k], klen) == 0)
				kind = k;
		if (kind < 0)
			return -1;
		r->kind = (enum ziaa_fault_kind)kind;
		if (at) {
			r->at = strtoull(at + 1, &end, 10);
			if (*end || r->at == 0)
				return -1;
		} else {
			if (strncmp(colon, ":p=", 3) != 0)
				return -1;
			r->p = strtod(colon + 3, &end);
			if (*end || !(r->p > 0 && r->p <= 1))
				return -1;
		}
		f->n++;
	}
	return 0;
}

/* xorshift64*: small, deterministic, good enough to spread faults. */
static double next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

enum ziaa_fault_kind ziaa_fault_next(struct ziaa_faults *f)
{
	uint64_t job = __atomic_add_fetch(&f->jobs, 1, __ATOMIC_RELAXED);
	enum ziaa_fault_kind hit = ZIAA_FAULT_NONE;

	if (__atomic_load_n(&f->gone, __ATOMIC_RELAXED))
		return ZIAA_FAULT_GONE;
	for (unsigned i = 0; i < f->n; i++) {
		const struct ziaa_fault_rule *r = &f->rule[i];

		if (r->at ? r->at == job : next_random(&f->seed) < r->p) {
			hit = r->kind;
			break;
		}
	}
	if (hit == ZIAA_FAULT_GONE)
		__atomic_store_n(&f->gone, 1, __ATOMIC_RELAXED);
	return hit;
}
