/* SPDX-License-Identifier: Zlib */
/*
 * iaa/model/model.c - the software IAA: a work queue served by a worker thread
 *
 * submit() copies the 64-byte descriptor into a bounded queue (full: ZIAA_ERR_BUSY,
 * as a shared queue refusing ENQCMD); a worker thread validates and executes it and
 * writes the completion record with the status byte last, so callers wait exactly as
 * they do on hardware. Validation follows the digest §4.1: completion record
 * alignment (0x1b), privilege (0x1d), reserved fields (0x12), operation flags the
 * library never sets (0x11), AECS alignment and size (0x1c), sizes beyond the queue's
 * max_transfer_size (0x13), opcodes (0x10): COMPRESS and DECOMPRESS are modelled,
 * besides NOOP and DRAIN.
 */
#include "iaa/model/model.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUEUE_SIZE 128 /* like a typical SPR work queue (digest §1) */

struct model {
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct iaa_hw_desc q[QUEUE_SIZE];
	uint8_t fault[QUEUE_SIZE];  /* enum ziaa_fault_kind decided at submission */
	unsigned head, count;
	pthread_t worker;
	struct ziaa_faults faults;
};

static void finish(struct iaa_hw_crec *cr, const struct ziaa_model_result *r)
{
	cr->error_code = r->error_code;
	cr->bytes_completed = r->bytes_completed;
	cr->invalid_flags = r->invalid_flags;
	cr->output_size = r->output_size;
	cr->output_bits = r->output_bits;
	cr->xor_csum = r->xor_csum;
	cr->crc = r->crc;
	/* everything above must be visible before the status that announces it */
	__atomic_store_n((uint8_t *)&cr->status, r->status, __ATOMIC_RELEASE);
}

static uint8_t validate(const struct iaa_hw_desc *d, uint64_t max_xfer, unsigned version,
		       struct ziaa_model_result *r)
{
	unsigned hdr_gen = (d->op_flags & IAA_COMP_FLAG_HDR_GEN_MASK) >> IAA_COMP_FLAG_HDR_GEN_SHIFT;
	uint32_t opf = iaa_desc_flags(d);
	unsigned op = iaa_desc_opcode(d);
	int uses_src2 = (opf & (IAA_OPF_RD_SRC2_MASK | IAA_OPF_WR_SRC2_MASK)) != 0;

	if (d->completion_addr % IAA_CREC_ALIGN)
		return IAA_ST_CR_ALIGN;
	if (d->pasid_priv >> 31)
		return IAA_ST_PRIV_BAD;
	if ((d->pasid_priv >> 20) & 0x7ff)
		return IAA_ST_NONZERO_RESERVED;
	if (opf & ~IAA_OPF_KNOWN) {
		r->invalid_flags = opf & ~IAA_OPF_KNOWN;
		return IAA_ST_INVALID_FLAGS;
	}
	if (op == IAA_OP_NOOP || op == IAA_OP_DRAIN)
		return IAA_ST_SUCCESS;
	if (op != IAA_OP_COMPRESS && op != IAA_OP_DECOMPRESS)
		return IAA_ST_BAD_OPCODE;
	if (d->num_inputs || d->filter_flags || d->int_handle)
		return IAA_ST_NONZERO_RESERVED;
	/* modelled op-specific flags; indexing, BE16, dictionaries and 2-pass header
	 * generation are refused, and 1-pass header generation below IAA 2.0 */
	if (op == IAA_OP_COMPRESS &&
	    (d->op_flags & ~(IAA_COMP_FLAG_STATS_MODE | IAA_COMP_FLAG_FLUSH_OUTPUT |
			     IAA_COMP_FLAG_END_PROC_MASK | IAA_COMP_FLAG_HDR_GEN_MASK) ||
	     (hdr_gen && (version < 0x200 || (hdr_gen != IAA_HDR_GEN_1PASS &&
					      hdr_gen != IAA_HDR_GEN_1PASS_FINAL))) ||
	     (hdr_gen && d->op_flags & IAA_COMP_FLAG_STATS_MODE)))
		return IAA_ST_INVALID_OP_FLAGS;
	if (op == IAA_OP_DECOMPRESS &&
	    (!(d->op_flags & IAA_DECOMP_FLAG_ENABLE) ||
	     d->op_flags & ~(IAA_DECOMP_FLAG_ENABLE | IAA_DECOMP_FLAG_FLUSH_OUTPUT |
			     IAA_DECOMP_FLAG_STOP_ON_EOB | IAA_DECOMP_FLAG_CHECK_FOR_EOB |
			     IAA_DECOMP_FLAG_SELECT_BFINAL_EOB | IAA_DECOMP_FLAG_IGNORE_END_BITS_MASK |
			     IAA_DECOMP_FLAG_SUPPRESS_OUTPUT)))
		return IAA_ST_INVALID_OP_FLAGS;
	if (uses_src2 && (d->src2_addr % IAA_AECS_ALIGN || d->src2_size % IAA_AECS_ALIGN ||
			  d->src2_size < (op == IAA_OP_COMPRESS ? IAA_AECS_COMP_SIZE
								: IAA_AECS_DECOMP_TABLES_SIZE)))
		return IAA_ST_ADDR_ALIGN;
	if (d->src1_size > max_xfer || d->max_dst_size > max_xfer)
		return IAA_ST_INVALID_SIZE;
	if (!d->src1_size)
		return IAA_ST_INVALID_INPUT_SIZE; /* UNVERIFIED on hardware; QPL refuses it */
	return 0; /* valid: run it */
}

/* The result an injected fault produces instead of the job's own. */
static void inject(const struct iaa_hw_desc *d, enum ziaa_fault_kind fault, struct iaa_hw_crec *cr,
		   struct ziaa_model_result *r)
{
	memset(r, 0, sizeof(*r));
	switch (fault) {
	case ZIAA_FAULT_PAGE_FAULT:
		r->status = IAA_ST_PAGE_FAULT;
		cr->fault_addr = d->src1_addr;
		break;
	case ZIAA_FAULT_PAGE_FAULT_WRITE:
		r->status = IAA_ST_PAGE_FAULT | IAA_ST_FAULT_ON_WRITE;
		cr->fault_addr = d->dst_addr;
		break;
	case ZIAA_FAULT_OVERFLOW:
		if (iaa_desc_opcode(d) == IAA_OP_DECOMPRESS) {
			r->status = IAA_ST_OUTBUF_OVERFLOW;
		} else {
			r->status = IAA_ST_ANALYTICS_ERROR;
			r->error_code = IAA_AE_UNRECOVERABLE_OUTPUT_OVERFLOW;
		}
		break;
	case ZIAA_FAULT_ANALYTIC:
		r->status = IAA_ST_ANALYTICS_ERROR;
		r->error_code = IAA_AE_TIMEOUT;
		break;
	default:
		r->status = IAA_ST_WATCHDOG;
		break;
	}
}

void ziaa_model_execute(const struct iaa_hw_desc *d, uint64_t max_transfer_size, unsigned version,
			enum ziaa_fault_kind fault)
{
	struct iaa_hw_crec *cr = (struct iaa_hw_crec *)(uintptr_t)d->completion_addr;
	struct ziaa_model_result r;
	uint32_t opf = iaa_desc_flags(d);

	if (!(opf & IAA_OPF_CRAV) || !(opf & IAA_OPF_RCR) || !cr)
		return; /* nowhere to report: the job is lost, as on hardware */
	if (fault == ZIAA_FAULT_HANG)
		return;
	memset(&r, 0, sizeof(r));
	r.status = validate(d, max_transfer_size, version, &r);
	if (r.status == 0 && fault != ZIAA_FAULT_NONE)
		inject(d, fault, cr, &r);
	else if (r.status == 0 && iaa_desc_opcode(d) == IAA_OP_COMPRESS)
		ziaa_model_compress(d, &r);
	else if (r.status == 0)
		ziaa_model_decompress(d, &r);
	if (r.status == IAA_ST_CR_ALIGN) /* report at the aligned-down address */
		cr = (struct iaa_hw_crec *)((uintptr_t)cr & ~(uintptr_t)(IAA_CREC_ALIGN - 1));
	finish(cr, &r);
}

static void *worker(void *arg)
{
	struct ziaa_device *dev = arg;
	struct model *m = dev->priv;
	struct iaa_hw_desc d;
	enum ziaa_fault_kind fault;

	for (;;) {
		pthread_mutex_lock(&m->lock);
		while (m->count == 0)
			pthread_cond_wait(&m->more, &m->lock);
		d = m->q[m->head];
		fault = (enum ziaa_fault_kind)m->fault[m->head];
		m->head = (m->head + 1) % QUEUE_SIZE;
		m->count--;
		pthread_mutex_unlock(&m->lock);
		ziaa_model_execute(&d, dev->max_transfer_size, dev->version, fault);
	}
	return NULL;
}

static int model_submit(struct ziaa_device *dev, const void *desc)
{
	struct model *m = dev->priv;
	enum ziaa_fault_kind fault = ziaa_fault_next(&m->faults);
	int ret = ZIAA_ERR_BUSY;

	if (fault == ZIAA_FAULT_BUSY)
		return ZIAA_ERR_BUSY;
	if (fault == ZIAA_FAULT_GONE)
		return ZIAA_ERR_GONE;
	pthread_mutex_lock(&m->lock);
	if (m->count < QUEUE_SIZE) {
		unsigned slot = (m->head + m->count) % QUEUE_SIZE;

		memcpy(&m->q[slot], desc, sizeof(struct iaa_hw_desc));
		m->fault[slot] = (uint8_t)fault;
		m->count++;
		pthread_cond_signal(&m->more);
		ret = ZIAA_OK;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

static int model_wait(struct ziaa_device *dev, const volatile void *crec, uint64_t timeout_ns)
{
	const volatile uint8_t *status = crec;
	struct timespec start, now, nap = { 0, 2000 };

	(void)dev;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (__atomic_load_n((const uint8_t *)status, __ATOMIC_ACQUIRE))
			return ZIAA_OK;
		nanosleep(&nap, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((uint64_t)(now.tv_sec - start.tv_sec) * 1000000000u + (uint64_t)now.tv_nsec -
			    (uint64_t)start.tv_nsec > timeout_ns)
			return ZIAA_ERR_TIMEOUT;
	}
}

static void model_close(struct ziaa_device *dev)
{
	(void)dev; /* the worker lives as long as the process */
}

static const struct ziaa_device_ops model_ops = { model_submit, model_wait, model_close };

struct ziaa_device *ziaa_model_open(void)
{
	const char *spec = secure_getenv("ZLIB_IAA_FAULTS");
	const char *ver = secure_getenv("ZLIB_IAA_MODEL_VERSION");
	struct ziaa_faults check;
	unsigned version = 0x100;

	if (spec && ziaa_fault_parse(spec, &check) != 0) {
		fprintf(stderr, "libz-iaa: invalid ZLIB_IAA_FAULTS \"%s\"; injecting no faults\n", spec);
		spec = NULL;
	}
	if (ver && strcmp(ver, "2") == 0)
		version = 0x200;
	else if (ver && *ver && strcmp(ver, "1") != 0)
		fprintf(stderr, "libz-iaa: invalid ZLIB_IAA_MODEL_VERSION \"%s\"; modelling IAA 1.0\n", ver);
	return ziaa_model_open_with(spec, version);
}

struct ziaa_device *ziaa_model_open_with(const char *spec, unsigned version)
{
	struct ziaa_device *dev = calloc(1, sizeof(*dev));
	struct model *m = calloc(1, sizeof(*m));

	if (!dev || !m || ziaa_fault_parse(spec, &m->faults) != 0)
		goto fail;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->more, NULL);
	dev->ops = &model_ops;
	dev->backend = ZIAA_BACKEND_MODEL;
	strcpy(dev->name, "model");
	dev->max_transfer_size = IAA_WQ_DEFAULT_MAX_XFER;
	dev->version = version;
	dev->priv = m;
	if (pthread_create(&m->worker, NULL, worker, dev) != 0)
		goto fail;
	pthread_detach(m->worker);
	return dev;
fail:
	free(m);
	free(dev);
	return NULL;
}
