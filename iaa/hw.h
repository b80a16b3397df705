/* SPDX-License-Identifier: Zlib */
/*
 * iaa/hw.h - IAA hardware layouts and constants (iaa/ only)
 *
 * Descriptor, completion record, compress and decompress AECS, statistics-mode
 * histogram; opcodes, flags, status and analytics-error codes. Offsets follow the
 * interface digest (../shared/docs/iaa-interface.md §3-§5), which paraphrases the
 * kernel's <linux/idxd.h> and Intel QPL; where the kernel header defines a layout,
 * the offsets are checked against it below. Names keep the spec's words.
 */
#ifndef ZIAA_IAA_HW_H
#define ZIAA_IAA_HW_H

#include <stddef.h>
#include <stdint.h>

#if __has_include(<linux/idxd.h>)
#include <linux/idxd.h>
#define ZIAA_HAVE_LINUX_IDXD 1
#endif

/* ---- opcodes (digest §3.2; kernel enum iax_opcode) ---------------------------- */
#define IAA_OP_NOOP 0x00
#define IAA_OP_DRAIN 0x02
#define IAA_OP_DECOMPRESS 0x42
#define IAA_OP_COMPRESS 0x43
#define IAA_OP_CRC64 0x44

/* ---- operation flags, descriptor bytes 4-6 (digest §3.1) -------------------- */
#define IAA_OPF_BOF 0x000002u            /* block on fault */
#define IAA_OPF_CRAV 0x000004u           /* completion record address valid */
#define IAA_OPF_RCR 0x000008u            /* request completion record */
#define IAA_OPF_CC 0x000100u             /* cache control (not for CRC64) */
#define IAA_OPF_RD_SRC2_AECS 0x010000u   /* READ_SRC2 = 1: src2 is an AECS */
#define IAA_OPF_RD_SRC2_MASK 0x030000u
#define IAA_OPF_WR_SRC2_ALWAYS 0x040000u /* WRITE_SRC2 = 1 */
#define IAA_OPF_WR_SRC2_OVERFLOW 0x080000u /* WRITE_SRC2 = 2: only on output overflow */
#define IAA_OPF_WR_SRC2_MASK 0x0c0000u
#define IAA_OPF_CRC_SELECT 0x200000u     /* 1: CRC-32C instead of CRC-32 */
#define IAA_OPF_AECS_RW_TOGGLE 0x400000u /* swap the read and write halves of src2 */
/* Bits the library never sets on IAA (FENCE, RCI, CRSTS, CR, traffic classes,
 * steering tags, bit 23): the model rejects them with status 0x11. */
#define IAA_OPF_KNOWN (IAA_OPF_BOF | IAA_OPF_CRAV | IAA_OPF_RCR | IAA_OPF_CC | \
		       IAA_OPF_RD_SRC2_MASK | IAA_OPF_WR_SRC2_MASK | IAA_OPF_CRC_SELECT | \
		       IAA_OPF_AECS_RW_TOGGLE)

/* ---- compression flags, descriptor bytes 38-39 (digest §3.3) ------------------ */
#define IAA_COMP_FLAG_STATS_MODE 0x0001u
#define IAA_COMP_FLAG_FLUSH_OUTPUT 0x0002u
#define IAA_COMP_FLAG_END_PROC_SHIFT 2 /* 2 bits: enum iaa_end_proc */
#define IAA_COMP_FLAG_END_PROC_MASK 0x000cu
#define IAA_COMP_FLAG_GEN_LITERALS 0x0010u
#define IAA_COMP_FLAG_BE16 0x0020u
#define IAA_COMP_FLAG_INDEX_SHIFT 6 /* 3 bits: mini-block size code */
#define IAA_COMP_FLAG_INDEX_MASK 0x01c0u
#define IAA_COMP_FLAG_LOAD_DICT_MASK 0x0c00u /* IAA 2.0 */
#define IAA_COMP_FLAG_HDR_GEN_SHIFT 12        /* IAA 2.0: 3 bits */
#define IAA_COMP_FLAG_HDR_GEN_MASK 0x7000u
/* HEADER_GEN values (digest §3.3): 1-pass, the device builds the table and header */
#define IAA_HDR_GEN_1PASS 2u
#define IAA_HDR_GEN_1PASS_FINAL 3u /* the header's BFINAL bit set */

/* What the compressor appends after the last token (END_PROC). */
enum iaa_end_proc {
	IAA_END_PROC_NONE = 0,        /* nothing: the block stays open */
	IAA_END_PROC_EOB = 1,         /* the table's end-of-block code */
	IAA_END_PROC_EOB_SYNC = 2,    /* EOB + empty non-final stored block */
	IAA_END_PROC_EOB_FINAL = 3,   /* EOB + empty final stored block */
};

/* ---- decompression flags, descriptor bytes 38-39 (digest §3.4) ----------------
 * Bits 2 and 3 follow QPL and idxd-config (bit 2 stop, bit 3 check); the kernel
 * header names them the other way round but always sets both (digest §0.10). */
#define IAA_DECOMP_FLAG_ENABLE 0x0001u
#define IAA_DECOMP_FLAG_FLUSH_OUTPUT 0x0002u
#define IAA_DECOMP_FLAG_STOP_ON_EOB 0x0004u
#define IAA_DECOMP_FLAG_CHECK_FOR_EOB 0x0008u
#define IAA_DECOMP_FLAG_SELECT_BFINAL_EOB 0x0010u
#define IAA_DECOMP_FLAG_BE16 0x0020u
#define IAA_DECOMP_FLAG_IGNORE_END_BITS_SHIFT 6 /* 3 bits: 0-7 */
#define IAA_DECOMP_FLAG_IGNORE_END_BITS_MASK 0x01c0u
#define IAA_DECOMP_FLAG_SUPPRESS_OUTPUT 0x0200u
#define IAA_DECOMP_FLAG_INDEX_MASK 0x1c00u
#define IAA_DECOMP_FLAG_IGNORE_END_BITS_EXT 0x4000u /* IAA 2.0 */

/* ---- completion status, record byte 0 bits 5:0 (digest §4.1) ------------------ */
#define IAA_ST_MASK 0x3f
#define IAA_ST_FAULT_ON_WRITE 0x80 /* bit 7: the page fault was on a write */
#define IAA_ST_NONE 0x00
#define IAA_ST_SUCCESS 0x01
#define IAA_ST_PAGE_FAULT 0x03
#define IAA_ST_PAGE_FAULT_IR 0x04
#define IAA_ST_ANALYTICS_ERROR 0x0a
#define IAA_ST_OUTBUF_OVERFLOW 0x0b
#define IAA_ST_BAD_OPCODE 0x10
#define IAA_ST_INVALID_FLAGS 0x11
#define IAA_ST_NONZERO_RESERVED 0x12
#define IAA_ST_INVALID_SIZE 0x13
#define IAA_ST_OVERLAP_BUFFERS 0x16
#define IAA_ST_INT_HANDLE_INVAL 0x19
#define IAA_ST_CR_XLAT 0x1a
#define IAA_ST_CR_ALIGN 0x1b
#define IAA_ST_ADDR_ALIGN 0x1c
#define IAA_ST_PRIV_BAD 0x1d
#define IAA_ST_WATCHDOG 0x24
#define IAA_ST_INVALID_OP_FLAGS 0x30 /* invalid compress/decompress/CRC flags */
#define IAA_ST_INVALID_INPUT_SIZE 0x32

/* ---- analytics error codes, record byte 1 when status is 0x0a (digest §4.2) ---- */
enum iaa_analytics_error {
	IAA_AE_HDR_TOO_BIG = 1,        /* input ended inside the header */
	IAA_AE_UNDEF_CL_CODE = 2,
	IAA_AE_FIRST_LL_CODE_16 = 3,
	IAA_AE_FIRST_D_CODE_16 = 4,
	IAA_AE_NO_LL_CODE = 5,
	IAA_AE_WRONG_NUM_LL_CODES = 6,
	IAA_AE_WRONG_NUM_DIST_CODES = 7,
	IAA_AE_BAD_CL_CODE_LEN = 8,
	IAA_AE_BAD_LL_CODE_LEN = 9,
	IAA_AE_BAD_DIST_CODE_LEN = 10,
	IAA_AE_BAD_LL_CODE = 11,
	IAA_AE_BAD_D_CODE = 12,
	IAA_AE_INVALID_BLOCK_TYPE = 13,
	IAA_AE_INVALID_STORED_LEN = 14,
	IAA_AE_BAD_EOF = 15,
	IAA_AE_BAD_LENGTH = 16,
	IAA_AE_BAD_DIST = 17,           /* 0 or beyond the 4 KB history */
	IAA_AE_REF_BEFORE_START = 18,
	IAA_AE_TIMEOUT = 19,            /* no forward progress */
	IAA_AE_INVALID_AECS = 22,
	IAA_AE_SRC1_TOO_SMALL = 23,
	IAA_AE_SRC2_TOO_SMALL = 24,
	IAA_AE_UNRECOVERABLE_OUTPUT_OVERFLOW = 25, /* 0x19: compress dst too small */
	IAA_AE_INVALID_HUFFMAN_CODE = 30,          /* a needed symbol has no code */
	IAA_AE_TOO_MANY_LL_CODES = 35,
	IAA_AE_TOO_MANY_D_CODES = 36,
};

/* ---- sizes and limits (digest §0, §7) ------------------------------------------- */
#define IAA_DESC_SIZE 64
#define IAA_CREC_SIZE 64
#define IAA_CREC_ALIGN 64            /* IAA: 64 (DSA: 32) */
#define IAA_AECS_ALIGN 32            /* address and size */
#define IAA_AECS_COMP_SIZE 0x620     /* 1568 */
#define IAA_AECS_DECOMP_SIZE 0x1500  /* 5376, with the 4 KB history */
#define IAA_AECS_DECOMP_TABLES_SIZE 0x4e0 /* 1248: decoder tables, no history */
#define IAA_HISTORY_SIZE 4096        /* LZ77 window, compress and decompress */
#define IAA_HISTOGRAM_SIZE 1280
#define IAA_WQ_DEFAULT_MAX_XFER (2u << 20) /* kernel WQ_DEFAULT_MAX_XFER */
#define IAA_LL_SYMBOLS 286
#define IAA_D_SYMBOLS 30
#define IAA_CODE_LEN_SHIFT 15        /* table entry: len << 15 | unreversed code */
#define IAA_CODE_MASK 0x7fffu

/* ---- descriptor (digest §3) --------------------------------------------------- */
struct iaa_hw_desc {
	/* bytes 0-3: pasid 19:0, reserved 30:20, priv 31 (0 from user space) */
	uint32_t pasid_priv;
	/* bytes 4-7: operation flags 23:0, opcode 31:24 */
	uint32_t flags_opcode;
	/* bytes 8-15 */
	uint64_t completion_addr;
	/* bytes 16-31 */
	uint64_t src1_addr;
	uint64_t dst_addr;
	/* bytes 32-39 */
	uint32_t src1_size;
	uint16_t int_handle;
	uint16_t op_flags; /* compression, decompression or CRC64 flags */
	/* bytes 40-55 */
	uint64_t src2_addr;
	uint32_t max_dst_size;
	uint32_t src2_size;
	/* bytes 56-63 */
	uint32_t filter_flags; /* COMPRESS on IAA 2.0: compression-2 flags */
	uint32_t num_inputs;   /* COMPRESS: reserved */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct iaa_hw_desc) == IAA_DESC_SIZE, "descriptor is 64 bytes");
_Static_assert(offsetof(struct iaa_hw_desc, completion_addr) == 8, "desc layout");
_Static_assert(offsetof(struct iaa_hw_desc, src1_addr) == 16, "desc layout");
_Static_assert(offsetof(struct iaa_hw_desc, dst_addr) == 24, "desc layout");
_Static_assert(offsetof(struct iaa_hw_desc, src1_size) == 32, "desc layout");
_Static_assert(offsetof(struct iaa_hw_desc, int_handle) == 36, "desc layout");
_Static_assert(offsetof(struct iaa_hw_desc, op_flags) == 38, "desc layout");
_Static_assert(offsetof(struct iaa_hw_desc, src2_addr) == 40, "desc layout");
_Static_assert(offsetof(struct iaa_hw_desc, max_dst_size) == 48, "desc layout");
_Static_assert(offsetof(struct iaa_hw_desc, src2_size) == 52, "desc layout");
_Static_assert(offsetof(struct iaa_hw_desc, filter_flags) == 56, "desc layout");
_Static_assert(offsetof(struct iaa_hw_desc, num_inputs) == 60, "desc layout");
#ifdef ZIAA_HAVE_LINUX_IDXD
_Static_assert(sizeof(struct iax_hw_desc) == IAA_DESC_SIZE, "kernel descriptor");
_Static_assert(offsetof(struct iax_hw_desc, completion_addr) == 8, "kernel desc");
_Static_assert(offsetof(struct iax_hw_desc, src1_size) == 32, "kernel desc");
_Static_assert(offsetof(struct iax_hw_desc, compr_flags) == 38, "kernel desc");
_Static_assert(offsetof(struct iax_hw_desc, src2_addr) == 40, "kernel desc");
_Static_assert(offsetof(struct iax_hw_desc, src2_size) == 52, "kernel desc");
_Static_assert(IAX_OPCODE_COMPRESS == IAA_OP_COMPRESS, "kernel opcode");
_Static_assert(IAX_OPCODE_DECOMPRESS == IAA_OP_DECOMPRESS, "kernel opcode");
_Static_assert(IAX_COMP_OUTBUF_OVERFLOW == IAA_ST_OUTBUF_OVERFLOW, "kernel status");
_Static_assert(IAX_COMP_WATCHDOG == IAA_ST_WATCHDOG, "kernel status");
_Static_assert(IAX_COMP_ADDR_ALIGN == IAA_ST_ADDR_ALIGN, "kernel status");
#endif

static inline unsigned iaa_desc_opcode(const struct iaa_hw_desc *d)
{
	return d->flags_opcode >> 24;
}

static inline uint32_t iaa_desc_flags(const struct iaa_hw_desc *d)
{
	return d->flags_opcode & 0xffffffu;
}

/* ---- completion record (digest §4) -------------------------------------------- */
struct iaa_hw_crec {
	/* bytes 0-7. The device writes status last (the kernel's fault path does so on
	 * purpose; UNVERIFIED for the engine): software polls it, so it is the one
	 * volatile field. */
	volatile uint8_t status;
	uint8_t error_code;      /* enum iaa_analytics_error when status is 0x0a */
	uint8_t fault_info;
	uint8_t rsvd0;
	uint32_t bytes_completed; /* input consumed (on 0x0b output overflow) */
	/* bytes 8-15 */
	uint64_t fault_addr;
	/* bytes 16-23 */
	uint32_t invalid_flags;
	uint32_t rsvd1;
	/* bytes 24-31 */
	uint32_t output_size;    /* bytes written, including a final partial byte */
	uint8_t output_bits;     /* valid bits in the last byte; 0 = full */
	uint8_t rsvd2;
	uint16_t xor_csum;
	/* bytes 32-47 */
	uint32_t crc;
	uint32_t min_first;
	uint32_t max_last;
	uint32_t sum_popcnt;
	/* bytes 48-63 */
	uint64_t rsvd3[2];
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct iaa_hw_crec) == IAA_CREC_SIZE, "completion record is 64 bytes");
_Static_assert(offsetof(struct iaa_hw_crec, bytes_completed) == 4, "crec layout");
_Static_assert(offsetof(struct iaa_hw_crec, fault_addr) == 8, "crec layout");
_Static_assert(offsetof(struct iaa_hw_crec, invalid_flags) == 16, "crec layout");
_Static_assert(offsetof(struct iaa_hw_crec, output_size) == 24, "crec layout");
_Static_assert(offsetof(struct iaa_hw_crec, output_bits) == 28, "crec layout");
_Static_assert(offsetof(struct iaa_hw_crec, xor_csum) == 30, "crec layout");
_Static_assert(offsetof(struct iaa_hw_crec, crc) == 32, "crec layout");
#ifdef ZIAA_HAVE_LINUX_IDXD
_Static_assert(sizeof(struct iax_completion_record) == IAA_CREC_SIZE, "kernel crec");
_Static_assert(offsetof(struct iax_completion_record, output_size) == 24, "kernel crec");
_Static_assert(offsetof(struct iax_completion_record, output_bits) == 28, "kernel crec");
_Static_assert(offsetof(struct iax_completion_record, xor_csum) == 30, "kernel crec");
_Static_assert(offsetof(struct iax_completion_record, crc) == 32, "kernel crec");
#endif

/* ---- compress AECS (digest §5.1) ------------------------------------------------ */
struct iaa_hw_aecs_comp {
	/* bytes 0x000-0x01f */
	uint32_t crc;            /* in: CRC seed; out: running CRC of the input */
	uint32_t xor_csum;       /* low 16 bits used */
	uint32_t rsvd0[5];
	uint32_t out_accum_bits; /* valid bits in out_accum */
	/* bytes 0x020-0x11f: bits emitted before the tokens, LSB first */
	uint8_t out_accum[256];
	/* bytes 0x120-0x61f: code tables, entry = len << 15 | unreversed code */
	uint32_t ll_code[IAA_LL_SYMBOLS];
	uint32_t rsvd1[2];
	uint32_t d_code[IAA_D_SYMBOLS];
	uint32_t rsvd2[2];
} __attribute__((aligned(32)));

_Static_assert(sizeof(struct iaa_hw_aecs_comp) == IAA_AECS_COMP_SIZE, "compress AECS size");
_Static_assert(offsetof(struct iaa_hw_aecs_comp, out_accum_bits) == 0x1c, "aecs layout");
_Static_assert(offsetof(struct iaa_hw_aecs_comp, out_accum) == 0x20, "aecs layout");
_Static_assert(offsetof(struct iaa_hw_aecs_comp, ll_code) == 0x120, "aecs layout");
_Static_assert(offsetof(struct iaa_hw_aecs_comp, d_code) == 0x5a0, "aecs layout");

/* ---- decompress AECS (digest §5.2) -----------------------------------------------
 * Bytes 0x1d8-0x4e3 are device-private decoder state: the model keeps its own
 * encoding there (struct ziaa_model_dstate), read back only by the model. */
struct iaa_hw_aecs_decomp {
	/* bytes 0x000-0x0a7 */
	uint32_t crc;
	uint32_t xor_csum;
	uint32_t filter_low;
	uint32_t filter_high;
	uint32_t output_mod_idx;
	uint32_t drop_initial_out_bytes;
	uint32_t rsvd0[36];
	/* bytes 0x0a8-0x1d7 */
	uint32_t out_accum[2];
	uint32_t out_accum_bits;
	uint32_t idx_bit_offset;
	uint64_t in_accum[32];
	uint8_t in_accum_bits[32];
	/* bytes 0x1d8-0x4e3: decoder tables and state (device-private) */
	uint8_t dstate[0x434 - 0x1d8];
	uint16_t decomp_state;  /* 0x434: enum iaa_decomp_state */
	uint16_t rsvd1;
	uint8_t state2[0x4e4 - 0x438];
	/* bytes 0x4e4-0x14ff: history */
	uint16_t hist_wr;       /* 14:0 write offset, 15 wrapped (>= 4096 written) */
	uint16_t rsvd2;
	uint8_t history[IAA_HISTORY_SIZE];
	uint32_t rsvd3[6];
} __attribute__((aligned(32)));

_Static_assert(sizeof(struct iaa_hw_aecs_decomp) == IAA_AECS_DECOMP_SIZE, "decompress AECS size");
_Static_assert(offsetof(struct iaa_hw_aecs_decomp, out_accum) == 0xa8, "aecs layout");
_Static_assert(offsetof(struct iaa_hw_aecs_decomp, in_accum) == 0xb8, "aecs layout");
_Static_assert(offsetof(struct iaa_hw_aecs_decomp, in_accum_bits) == 0x1b8, "aecs layout");
_Static_assert(offsetof(struct iaa_hw_aecs_decomp, dstate) == 0x1d8, "aecs layout");
_Static_assert(offsetof(struct iaa_hw_aecs_decomp, decomp_state) == 0x434, "aecs layout");
_Static_assert(offsetof(struct iaa_hw_aecs_decomp, hist_wr) == 0x4e4, "aecs layout");
_Static_assert(offsetof(struct iaa_hw_aecs_decomp, history) == 0x4e8, "aecs layout");

/* Parser state in decomp_state (digest §5.2, QPL's encoding). */
enum iaa_decomp_state {
	IAA_DSTATE_BODY = 0,     /* in a block body, expecting a literal/length token */
	IAA_DSTATE_HEADER = 1,   /* at a block header */
	IAA_DSTATE_STORED = 2,   /* inside a stored block */
	IAA_DSTATE_FINAL = 4,    /* added: the current block has BFINAL */
	IAA_DSTATE_DONE = 8,     /* processing terminated (EOB seen, stopped) */
};

/* ---- statistics-mode output (digest §5.4) ---------------------------------------- */
struct iaa_hw_histogram {
	uint32_t ll_count[IAA_LL_SYMBOLS];
	uint32_t rsvd0[2];
	uint32_t d_count[IAA_D_SYMBOLS];
	uint32_t rsvd1[2];
};

_Static_assert(sizeof(struct iaa_hw_histogram) == IAA_HISTOGRAM_SIZE, "histogram size");

#endif /* ZIAA_IAA_HW_H */
