/* SPDX-License-Identifier: MIT */
/*
 * world.h - the state of the simulated kernel, as one flat value.
 *
 * A world is a byte buffer laid out once per scenario (struct wb_model holds
 * the layout): a header (seq, i_size, i_rwsem owner and order), one fixed-size
 * slot per task (program counter and locals), the extent map (one byte per
 * block), the page cache (one struct folio per page index), the IOs in flight
 * (at most one per page, since a folio under writeback has exactly one IO),
 * the folio contents and the disk contents (one byte per granule).
 *
 * No pointers and no implicit padding inside, so copy is memcpy, equality is
 * memcmp and a hash covers every byte.  The state is canonical (docs/model.md
 * section 2.9): whatever no later step can read is cleared to zero.
 *
 * Contents bytes are symbols: 0 for a zero byte, '#' for disk garbage, '?' for
 * uninitialised folio memory (only when m->uninit), or a scenario's data
 * character.
 */
#ifndef WBSIM_WORLD_H
#define WBSIM_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/scenario.h"
#include "sim/sim.h"

/* struct iomap's types and flags, with the kernel's spellings. */
#define IOMAP_HOLE WB_HOLE
#define IOMAP_DELALLOC WB_DELALLOC
#define IOMAP_UNWRITTEN WB_UNWRITTEN
#define IOMAP_MAPPED WB_WRITTEN
#define IOMAP_F_NEW 0x01
#define IOMAP_F_STALE 0x02

#define WB_GARBAGE '#'
/* The bytes of a newly allocated folio: filemap_alloc_folio() does not zero them. */
#define WB_UNINIT '?'

/* ---- the header ---- */
struct wb_inode {
	uint32_t seq;		/* the data fork's if_seq */
	uint32_t i_size;
	uint8_t rwsem_owner;	/* task index + 1; 0: free */
	uint8_t norder;		/* writers that took i_rwsem so far */
	uint8_t order[WB_MAX_TASKS]; /* their task indexes, in order */
	uint8_t inval_excl;	/* invalidate_lock: exclusive owner + 1; 0: none */
	uint8_t inval_shared;	/* invalidate_lock: shared holders */
	uint8_t rwsem_shared;	/* i_rwsem: shared holders (no actor takes it shared yet) */
	uint8_t pad[3];
};

/* ---- tasks ---- */
enum wb_writer_pc {
	WP_RWSEM_LOCK = 0,
	WP_IOMAP_BEGIN,
	WP_VALID_BEFORE, /* before_lock: iomap_valid before folio_get */
	WP_FOLIO_GET,
	WP_FOLIO_LOCK,
	WP_VALID_AFTER,	/* after_lock: iomap_valid after the lock */
	WP_WRITE_BEGIN,
	WP_COPY,
	WP_WRITE_END,
	WP_IOMAP_END,
	WP_RWSEM_UNLOCK,
	WP_DONE,
	WP_ZERO,		/* EOF zeroing (iomap_zero_iter): zero the chunk */
	WP_PUNCH_DELALLOC,	/* the second step of the 6.1 cleanup */
	WP_FLUSH,		/* zero_dirty_unwritten=flush: filemap_write_and_wait_range */
};

/* A writer's own flags (wflags). */
#define WR_ERR 0x01	/* the user buffer faulted: this iteration ends in error */
#define WR_RETRY 0x02	/* retry the chunk cut at the short copy's length */
#define WR_SHORT 0x04	/* the copy in progress stopped short */
#define WR_INVAL 0x08	/* holds the invalidate_lock exclusive (locked cleanup) */
/* zero_dirty_unwritten=flush: iomap_zero_range()'s range_dirty, not yet used by a flush */
#define WR_RANGE_DIRTY 0x10
/* zero_dirty_unwritten=flush_eof: zeroing the dirty partial EOF block through the cache (6.18) */
#define WR_EOF_ZERO 0x20

/*
 * A buffered writer: the iomap_iter and its cached struct iomap.  Also the
 * iteration of a growing truncate's or fallocate's EOF zeroing (struct
 * wb_rangeop's z).
 */
/*
 * Large folios with a short copy (m->lf): the times iomap_write_iter() halved
 * its chunk in this iteration, in bits 2-4 of the writer's flags byte beside
 * the mapping's IOMAP_F_* (both live exactly as long as the iteration:
 * iomap_begin and iomap_end clear them).  A copy that __iomap_write_end()
 * rejects halves the chunk while it is above a page (iomap_write_iter(), 6.6
 * and 6.12), so the chunk is max_folio_size >> this count.  Zero, and no bit
 * of the encoding, in every other scenario (wb_iter_pack_fields).
 */
#define WR_HALVED_SHIFT 2
#define WR_HALVED_MASK 0x1c

struct wb_writer {
	uint8_t pc;
	uint8_t type;	/* cached mapping: IOMAP_* */
	uint8_t flags;	/* IOMAP_F_NEW, IOMAP_F_STALE; WR_HALVED_MASK */
	uint8_t wflags;	/* WR_* */
	uint32_t pos;	/* iter.pos: the next byte to write */
	uint32_t iter_start; /* pos when the mapping was looked up */
	uint32_t iter_end;   /* iter_start + iomap_length() */
	uint32_t map_off, map_end; /* the mapping's file range */
	uint32_t cookie;	   /* iomap.validity_cookie */
};

enum wb_writeback_pc {
	BP_TAG = 0,	/* sync: tag_towrite */
	BP_SCAN,	/* wb_lock the next candidate, or pass_end */
	BP_CLEAR_DIRTY,
	BP_MAP_BLOCKS,
	BP_START_WRITEBACK,
	BP_DONE,
	BP_FDATAWAIT,	/* after the last pass, with "wait" */
};

/* A writeback task: write_cache_pages() with its writepage context. */
struct wb_writeback {
	uint8_t pc;
	uint8_t passes_done;
	uint8_t pos;	/* the pass position: next page index to consider */
	uint8_t cur;	/* the folio this pass holds locked */
	uint16_t nextio; /* k of the next IO activity <task>/io<k> */
	uint16_t blk;	/* next block of cur to map */
	uint16_t io_blocks; /* blocks of cur mapped for IO */
	uint8_t cache_valid; /* wpc->iomap: the cached mapping */
	uint8_t cache_type;
	uint16_t cache_start, cache_end; /* blocks */
	uint32_t cache_seq; /* wpc->data_seq */
	uint32_t snap_lo, snap_hi; /* a sync pass's TOWRITE snapshot (page mask) */
	uint16_t io_unwritten; /* blocks of cur mapped UNWRITTEN (struct wb_io's unwritten) */
	/*
	 * per_block_dirty: the dirty blocks of cur still to map, taken from the
	 * folio at clear_dirty (iomap_writepage_map() walks the dirty blocks and
	 * clears them all before folio_start_writeback(), the folio locked
	 * throughout); 0 otherwise
	 */
	uint16_t todo;
};

struct wb_reclaim {
	uint8_t pc;	/* 0 running, 1 finished */
	uint8_t evicted;
};

enum wb_fault_pc {
	FP_FAULT_BEGIN = 0,
	FP_FOLIO_GET,
	FP_FOLIO_LOCK,
	FP_READ,
	FP_MKWRITE_BEGIN,
	FP_MKWRITE_END,
	FP_FAULT_END,
	FP_STORE,	/* store, or write_fault when the page is not mapped writable */
	FP_DONE,
};

#define FT_SHARED 0x01	/* holds the invalidate_lock shared */
#define FT_LOCK 0x02	/* holds the folio lock */
#define FT_REF 0x04	/* holds a folio reference */
#define FT_SIGBUS 0x08	/* the page is past EOF: no store */

/* A read fault or an mmap write. */
struct wb_fault {
	uint8_t pc;
	uint8_t holds;	/* FT_* */
	uint8_t pad[2];
	uint32_t past_eof; /* mmap store: granules it stored at or past the i_size of its moment */
};

enum wb_range_pc {
	RP_RWSEM_LOCK = 0,
	RP_INVAL_LOCK,
	RP_FLUSH,	/* punch, truncate */
	RP_CHANGE,	/* punch_range, alloc_range, setsize */
	RP_UNLOCK,
	RP_DONE,
	RP_ZERO,	/* a growing truncate or fallocate: the EOF zeroing's iteration (z) */
	RP_SETSIZE,	/* a growing fallocate: truncate_setsize after the zeroing */
	RP_ISIZE_EXT,	/* isize_extended_zero: pagecache_isize_extended, old size in z.pos */
};

/*
 * Hole punch, fallocate, truncate.  A truncate or fallocate that grows the
 * file zeroes [i_size, new size) through iomap_zero_range(): an iomap
 * iteration like a buffered write's EOF zeroing, in z with the writer's pcs
 * (model/iomap_iter.h), while pc is RP_ZERO; z is all zero otherwise.
 */
struct wb_rangeop {
	uint8_t pc;
	uint8_t pad[3];
	struct wb_writer z;
};

#define WB_TASK_SLOT 32
union wb_task_state {
	struct wb_writer w;
	struct wb_writeback b;
	struct wb_reclaim r;
	struct wb_fault f;
	struct wb_rangeop o;
	uint8_t raw[WB_TASK_SLOT];
};

/* ---- page cache ---- */
#define FOLIO_PRESENT 0x01
#define FOLIO_DIRTY 0x02
#define FOLIO_WRITEBACK 0x04
#define FOLIO_REF 0x08	/* a writer holds a reference */
/*
 * Mapped writable into a user page table.  The one flag that is a page's, not
 * its folio's (large folios): finish_fault() maps one page of a file folio
 * (set_pte_range(..., 1, ...) in 6.6; nr_pages = 1 for any mapping but anon
 * shmem in 6.12), so a fault sets it in its page's slot only; every clear is
 * the folio's (folio_mkclean(), unmap_mapping_folio()), through
 * wb_folio_flags().
 */
#define FOLIO_PTE_W 0x10
#define FOLIO_FREF_ONE 0x20  /* faults holding a reference: a count in the top 3 bits */
#define FOLIO_FREF_MASK 0xe0

struct folio {
	uint8_t flags;
	uint8_t locked;	/* owner task index + 1; 0: unlocked */
	uint16_t uptodate; /* per-block bitmap (the iop) */
};

/* An IO activity in flight: the ioend of one folio. */
#define IO_NONE 0
#define IO_SUBMITTED 1
#define IO_WRITTEN 2
struct wb_io {
	uint8_t phase;
	uint8_t parent;	/* writeback task index */
	uint16_t k;	/* <parent>/io<k> */
	uint16_t blocks; /* block mask within the folio */
	/*
	 * The blocks mapped UNWRITTEN (ioend->io_type, fixed at map_blocks from
	 * the cached mapping): only these are converted at completion.  Canonical:
	 * a bit is set only while its block is not WRITTEN (pack.c says when the
	 * encoding can leave it out).
	 */
	uint16_t unwritten;
};

/* Origins of bytes, for provenance (kept outside the state). */
struct wb_origin {
	size_t step;	/* 1-based step index; 0: initial */
	char what[240];
};

struct wb_prov {
	uint32_t *cache;	/* origin per folio granule */
	uint32_t *disk;		/* origin per disk granule */
	struct wb_origin *origins;
	size_t norigins, cap;
	size_t step;		/* index of the step being applied */
	int task;		/* the task taking it; -1: an IO activity */
	unsigned stale_decisions;
	char **warnings;
	size_t nwarnings;
};

/*
 * Footprints: the locations a step read, wrote or waited on, for the
 * happens-before edges of diagrams and explanations (and, later, partial-order
 * reduction).  Locations: i_rwsem, seq, a folio (its presence, flags and
 * contents), a block's extent state, a block's disk contents.
 */
#define WB_FP_READ 0x1u
#define WB_FP_WRITE 0x2u
#define WB_FP_WAIT 0x4u /* the step waited for this location to change */
#define WB_LOC_RWSEM 0u
#define WB_LOC_SEQ 1u
#define WB_LOC_FOLIO(m, p) (2u + (p))
#define WB_LOC_EXT(m, b) (2u + (m)->npages + (b))
#define WB_LOC_DISK(m, b) (2u + (m)->npages + (m)->nblocks + (b))
#define WB_LOC_INVAL(m) (2u + (m)->npages + 2u * (m)->nblocks)
/* every location: i_rwsem, seq, the folios, the blocks' extents and disk, the invalidate_lock */
#define WB_MAX_FP (3u + WB_MAX_PAGES + 2u * WB_MAX_PAGES * WB_MAX_BLOCKS_PER_PAGE)
struct wb_fp {
	uint16_t loc;
	uint8_t kind;
};
struct wb_footprint {
	struct wb_fp v[WB_MAX_FP];
	unsigned n;
};

/* Events a step can cause, counted by the outcome census (ops.c names them). */
#define WB_EV_STALE_REMAP 0x1u	  /* a failed iomap_valid */
#define WB_EV_STALE_DECISION 0x2u /* write_begin zeroed a WRITTEN block from a stale mapping */
#define WB_EV_EVICTION 0x4u

/* The compact encoding's field widths (pack.c). */
#define WB_SEQ_BITS 12
#define WB_MAX_PACK_FIELDS 256
struct wb_pack {
	uint8_t sym[256];	/* contents byte -> symbol index */
	unsigned w_sym, w_gpos, w_blk, w_page, w_task, w_io, w_norder, nordered;
	unsigned w_blkidx;
	uint8_t kind_index[WB_MAX_TASKS]; /* a task's number among ordered ops / writeback tasks */
	unsigned w_order_idx, w_wb_idx, w_faults, w_fflags, w_wflags, w_inval, w_rwsem_shared;
	unsigned w_iotype; /* an IO's blocks mapped UNWRITTEN: bpp bits, or 0 when determined */
	unsigned w_dirty;  /* a folio's per-block dirty bits: bpp bits with m->pbd, else 0 */
	unsigned w_todo;   /* writeback's dirty blocks of its folio: mfb bits with m->pbd, else 0 */
	unsigned w_forder; /* large folios: a page's folio order (wb_forder), else 0 */
	size_t bytes;		/* encoded size */
	size_t splits[3];	/* where the map and cache, and the contents begin (bytes); 0 */
	/* the task slots' fields, as their actors declare them (actor.h) */
	struct wb_pack_field {
		uint32_t off;	/* byte offset in the world */
		uint32_t lmask;	/* the field's bytes of a 4-byte load */
		uint32_t max;	/* larger values stop the program (sequence numbers) */
		uint32_t wmask;	/* the encoding's width as a mask */
		uint8_t shift;	/* stored as value >> shift (granules, blocks: powers of two) */
		uint8_t width;	/* bits in the encoding */
		uint8_t pad[2];
	} fields[WB_MAX_PACK_FIELDS];
	size_t nfields;
	/*
	 * Where the parts begin in the encoding, in bits, for wb_repack: every
	 * width is fixed for a scenario, so each part has a fixed place.
	 */
	uint16_t task_field[WB_MAX_TASKS + 1]; /* task t's first field; [ntasks]: nfields */
	uint32_t bit_task[WB_MAX_TASKS + 1];   /* task t's fields; [ntasks]: the extent map */
	uint32_t bit_pages, page_bits;	       /* page 0's folio and IO, and each page's size */
	uint32_t bit_content, chunk_bits;      /* the cache then disk, a page's worth at a time */
	uint32_t bit_drop, bits;	       /* drop_writes' record; the total */
	/*
	 * wb_repack's map from a byte of the world to the part of the encoding
	 * it is packed in (WB_PART_NONE: none), where the world has at most
	 * WB_REPACK_MAX_BYTES bytes and at most 63 parts (repack_bytes); the
	 * parts: the header, the task slots, the extent map, each page's folio
	 * and IO, each page's contents (cache then disk), drop_writes' record.
	 */
#define WB_REPACK_MAX_BYTES 1024
#define WB_PART_NONE 63
	bool repack_bytes;
	uint8_t part_of[WB_REPACK_MAX_BYTES];
	uint8_t part_run[WB_REPACK_MAX_BYTES]; /* bytes from this one on in its part: 1 to 63 */
};

struct wb_actor;

/* Everything fixed for one scenario and config: the model's context. */
struct wb_model {
	const struct wb_scenario *sc;
	struct wb_config cfg;
	unsigned bs, ps, bpp;	/* block size, page size, blocks per page */
	unsigned npages, nblocks;
	unsigned gran, gpb, gpp; /* granule, granules per block and per page */
	unsigned ntasks;
	uint8_t done_pc[WB_MAX_TASKS]; /* each task's actor's done_pc (wb_task_finished) */
	unsigned task_flags;	/* the WB_ACT_* flags of the tasks' actors, together (wb_any_task_is) */
	const struct wb_actor *actor[WB_MAX_TASKS]; /* each task's actor (wb_actor_of) */
	uint32_t op_tasks[WB_OP_NOPS];	/* the tasks of each operation, as masks */
	uint32_t sync_writebacks;	/* the sync writeback tasks */
	uint64_t all_pages;	/* mask of valid page indexes */
	/* layout */
	size_t off_tasks, off_ext, off_folio, off_io, off_cache, off_disk, off_drop, off_dirty, size;
	size_t off_forder; /* large folios (lf): a folio order byte per page (wb_forder) */
	struct wb_pack pack;
	bool has_faults; /* read faults or mmap writes in the scenario */
	/*
	 * New folios of writers start uninitialised (WB_UNINIT) rather than zeroed: only when
	 * their bytes can reach the file (wb_model_init), so that other scenarios keep their
	 * symbol alphabet and state counts.
	 */
	bool uninit;
	/*
	 * per_block_dirty with folios of several blocks: each folio has a dirty
	 * bitmap beside its uptodate one (iomap_folio_state, 6.6), in a region of
	 * the world of its own (wb_dirty) that is empty otherwise, so that other
	 * configurations keep their world and key sizes.
	 */
	bool pbd;
	/*
	 * zero_dirty_unwritten other than skip: the zeroing samples range_dirty (a writer
	 * flag, WR_RANGE_DIRTY, which then takes a bit of the encoding) and may
	 * flush (WP_FLUSH)
	 */
	bool zflush;
	/*
	 * Large folios: write_folios other than page and a max_folio_size above
	 * the page size.  Then a folio may span 2^k pages (k <= max_order), and
	 * the world gains a byte per page, its folio's order (wb_forder); without
	 * it nothing of the layout or encoding changes.  mfb is the blocks of
	 * the largest folio (bpp without lf): the width of a folio's block masks
	 * (an IO's blocks, writeback's block index).
	 */
	bool lf;
	unsigned max_order, mfb;
	uint32_t events; /* WB_EV_* of the step being applied */
	struct wb_footprint *fp; /* when set, the footprint of the step being applied */
	/* optional: provenance and step descriptions (run, replay; not explore) */
	struct wb_prov *prov;
	char *desc;
	size_t desc_len;
};

#define WBC_(w) ((void *)(uintptr_t)(const void *)(w))
/* The mask of pages first..last (last < 64). */
static inline uint64_t wb_page_range_mask(unsigned first, unsigned last)
{
	return (last - first >= 63 ? ~0ull : (1ull << (last - first + 1)) - 1) << first;
}
static inline struct wb_inode *wb_inode(void *w)
{
	return (struct wb_inode *)w;
}
static inline union wb_task_state *wb_task(const struct wb_model *m, void *w, unsigned t)
{
	return (union wb_task_state *)((uint8_t *)w + m->off_tasks) + t;
}
static inline uint8_t *wb_ext(const struct wb_model *m, void *w)
{
	return (uint8_t *)w + m->off_ext;
}
static inline struct folio *wb_folio(const struct wb_model *m, void *w, unsigned page)
{
	return (struct folio *)((uint8_t *)w + m->off_folio) + page;
}
static inline struct wb_io *wb_io(const struct wb_model *m, void *w, unsigned page)
{
	return (struct wb_io *)((uint8_t *)w + m->off_io) + page;
}
static inline uint8_t *wb_cache(const struct wb_model *m, void *w, unsigned page)
{
	return (uint8_t *)w + m->off_cache + (size_t)page * m->gpp;
}
static inline uint8_t *wb_disk(const struct wb_model *m, void *w)
{
	return (uint8_t *)w + m->off_disk;
}
/* drop_writes: one bit per granule of the file whose write data the injection discarded */
static inline uint8_t *wb_drop(const struct wb_model *m, void *w)
{
	return (uint8_t *)w + m->off_drop;
}
/*
 * per_block_dirty (m->pbd only): page p's per-block dirty bits, the second
 * half of iomap_folio_state's bitmap (6.6, fs/iomap/buffered-io.c).
 * Invariants (wb_world_check): zero for an absent folio; a subset of the
 * uptodate bits; non-zero exactly when the folio is dirty.  A folio with no
 * iomap_folio_state in the kernel (a whole-folio overwrite) is either clean
 * or dirty in every block (writeback and ifs_alloc() treat it so), which is
 * what these bits say of it.
 */
static inline uint16_t *wb_dirty(const struct wb_model *m, void *w, unsigned page)
{
	return (uint16_t *)((uint8_t *)w + m->off_dirty) + page;
}
/*
 * Large folios (m->lf): the page cache as one struct folio per page index
 * still, a folio of order k being the 2^k slots from its head, an index
 * aligned to 2^k (__filemap_get_folio() only creates naturally aligned
 * folios).  Every page slot of a folio holds the folio's own state: its
 * flags (present, dirty, writeback, reference, fault references) and its
 * lock owner are the same in every slot (each change goes to all of them:
 * wb_folio_flags, wb_folio_fref, wb_folio_lock_take), so a test of page p's
 * flags is a test of its folio (FOLIO_PTE_W excepted: a page's own PTE);
 * the per-block bits (uptodate, wb_dirty) of each slot are those of the
 * page's blocks, and the IO of a folio sits in its head's slot, its block
 * mask over the whole folio.  wb_forder(p) is the order of the folio
 * holding page p, the same in every slot (0 for an absent page).  Canonical:
 * the layout is a function of the state, so states stay comparable.
 */
static inline uint8_t *wb_forder_p(const struct wb_model *m, void *w, unsigned page)
{
	return (uint8_t *)w + m->off_forder + page;
}
static inline unsigned wb_forder(const struct wb_model *m, const void *w, unsigned page)
{
	return m->lf ? *wb_forder_p(m, WBC_(w), page) : 0;
}
/* The head page of the folio holding page p, and its number of pages. */
static inline unsigned wb_fhead(const struct wb_model *m, const void *w, unsigned page)
{
	return page & ~((1u << wb_forder(m, w, page)) - 1u);
}
static inline unsigned wb_fpages(const struct wb_model *m, const void *w, unsigned page)
{
	return 1u << wb_forder(m, w, page);
}
/* Set and clear flags of the folio holding page p, in every page slot of it. */
void wb_folio_flags(struct wb_model *m, void *w, unsigned page, uint8_t set, uint8_t clear);
/* Take (+1) or drop (-1) a fault's reference on the folio holding page p: every slot's count. */
void wb_folio_fref(struct wb_model *m, void *w, unsigned page, int delta);
/* Is any page of the folio holding page p mapped writable? */
bool wb_folio_pte_w(const struct wb_model *m, const void *w, unsigned page);
/* The folio's per-block bits as one mask from its head's first block: uptodate, or wb_dirty. */
uint16_t wb_folio_uptodate(const struct wb_model *m, const void *w, unsigned page);
uint16_t wb_folio_dirty(const struct wb_model *m, const void *w, unsigned page);
/* Is the folio holding page p wholly uptodate? */
bool wb_folio_full(const struct wb_model *m, const void *w, unsigned page);
/* Block b's uptodate and dirty bits (in its page's slot). */
void wb_block_set_uptodate(struct wb_model *m, void *w, unsigned b);
void wb_block_set_dirty(struct wb_model *m, void *w, unsigned b);
bool wb_block_uptodate(const struct wb_model *m, const void *w, unsigned b);
/*
 * Models mm/filemap.c __filemap_get_folio() with FGP_CREAT and the order
 * fgf_set_order(len) suggests (iomap_get_folio(), 6.6): the order of the
 * folio a write creates at page `index` for a chunk of `len` bytes.
 */
unsigned wb_new_folio_order(const struct wb_model *m, const void *w, unsigned index, uint32_t len);
/* Split the folio holding page p into order-0 folios (truncate_inode_partial_folio()). */
void wb_folio_split(struct wb_model *m, void *w, unsigned page);
/* "order 2, pages 0-3" or "" for an order-0 folio (--state, descriptions). */
void wb_folio_order_text(const struct wb_model *m, const void *w, unsigned page, char *buf,
			 size_t n);

/* const views */
#define WBC(w) ((void *)(uintptr_t)(const void *)(w))

/* Say why a step is not enabled, when the caller asked (why != NULL): off the hot path. */
#define WB_WHY(why, n, ...)                                                                        \
	do {                                                                                       \
		if (why)                                                                           \
			snprintf(why, n, __VA_ARGS__);                                             \
	} while (0)

/* Build the model for a scenario and config; the initial world is malloc'd. */
void wb_model_init(struct wb_model *m, const struct wb_scenario *sc, const struct wb_config *cfg);
void *wb_world_new(const struct wb_model *m);
/* The compact encoding of a world (the visited table's key). */
void wb_pack_init(struct wb_model *m);
void wb_pack(const struct wb_model *m, const void *w, uint8_t *out);
void wb_repack(const struct wb_model *m, const void *parent, const uint8_t *parent_key,
	       const void *w, uint8_t *out);
/* Representation invariants (docs/model.md section 12). */
int wb_world_check(const struct wb_model *m, const void *w, char *msg, size_t n);
/* Invariants of one step (check_step.c): the sim_ops check_step hook; ctx is the wb_model. */
int wb_check_step(void *ctx, const void *before, const void *after, uint32_t action, char *msg,
		  size_t n);
/* Texts for traces: the extent map, one folio, a writer's cached mapping ("" if none). */
void wb_extents_text(const struct wb_model *m, const void *w, char *buf, size_t n);
/*
 * A buffer that holds any extent map's text: at most one run per block, each
 * " [OFFSET,END) STATE" within 40 bytes (offsets below 2^23).
 */
#define WB_EXTENTS_TEXT_MAX (WB_MAX_PAGES * WB_MAX_BLOCKS_PER_PAGE * 40u + 1u)
void wb_folio_text(const struct wb_model *m, const void *w, unsigned p, char *buf, size_t n);
void wb_mapping_text(const struct wb_model *m, const void *w, unsigned t, char *buf, size_t n);
/* The task in a few words (diagram lanes); false if its actor has none. */
bool wb_task_summary(const struct wb_model *m, unsigned t, char *buf, size_t n);
/* Print the whole world: inode, extent map, page cache, IOs, disk, tasks. */
void wb_world_print(const struct wb_model *m, const void *w, FILE *out);

static inline bool wb_task_finished(const struct wb_model *m, const void *w, unsigned t)
{
	return wb_task(m, WBC_(w), t)->raw[0] == m->done_pc[t];
}
/* The finished tasks, as a mask */
static inline uint32_t wb_tasks_finished(const struct wb_model *m, const void *w)
{
	uint32_t finished = 0;

	for (unsigned t = 0; t < m->ntasks; t++)
		if (wb_task_finished(m, w, t))
			finished |= 1u << t;
	return finished;
}
bool wb_task_after_done(const struct wb_model *m, const void *w, unsigned t);

/* Remove a folio from the page cache (eviction, truncation). */
void wb_folio_remove(struct wb_model *m, void *w, unsigned page);
/*
 * truncate_pagecache_range(start, end - 1): folios wholly inside [start, end)
 * are removed, even dirty; the overlap of a partial folio is zeroed.
 */
void wb_truncate_pagecache(struct wb_model *m, void *w, uint64_t start, uint64_t end);
/* Can every cached folio overlapping [start, end) be locked now (and is none under writeback)? */
bool wb_range_quiet(const struct wb_model *m, const void *w, uint64_t start, uint64_t end,
		    bool writeback_too);
/* pagecache_isize_extended(): write-protect the page straddling the old EOF. */
void wb_isize_extended(struct wb_model *m, void *w, uint32_t from, uint32_t to);
/* Does pagecache_isize_extended(from, to) act on the folio at from (blocks smaller than pages)? */
bool wb_isize_extended_applies(const struct wb_model *m, uint32_t from, uint32_t to);
/* Append a content operation to the oracle's order. */
void wb_order_append(void *w, unsigned t);

/* Record a footprint entry (when m->fp is set); ranges of blocks in one call. */
void wb_fp(struct wb_model *m, unsigned loc, unsigned kind);
void wb_fp_blocks(struct wb_model *m, unsigned b0, unsigned b1, bool disk, unsigned kind);
/* "folio 1", "block 3", "disk 3", "seq", "i_rwsem" */
void wb_loc_name(const struct wb_model *m, unsigned loc, char *buf, size_t n);

/*
 * Step descriptions: append to m->desc when it is set.  A macro, so that an
 * exploration (m->desc NULL) pays a test, not a variadic call, per description:
 * its arguments are then not evaluated, so they must have no side effects.
 */
void wb_desc_append(struct wb_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define wb_desc(m, ...)                                                                            \
	do {                                                                                       \
		if ((m)->desc)                                                                     \
			wb_desc_append((m), __VA_ARGS__);                                          \
	} while (0)
/* Provenance: record an origin for the step being applied, return its id. */
uint32_t wb_origin_new(struct wb_model *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void wb_prov_init(struct wb_prov *p, const struct wb_model *m);
/* The name of the task taking the step being applied ("IO" for an IO activity, "?" unknown). */
const char *wb_prov_task(const struct wb_model *m);
/* A new folio for page p: its bytes get an origin of their own (not the file's contents). */
void wb_prov_new_folio(struct wb_model *m, unsigned page);
/*
 * Zero the bytes [zs, ze) of the cached folio holding them (one page) and
 * give them a new origin: `fmt` and the range in words.  Returns the number
 * of granules that were not zero before.
 */
unsigned wb_cache_zero(struct wb_model *m, void *w, uint32_t zs, uint32_t ze, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/*
 * Models: fs/iomap/buffered-io.c iomap_do_writepage() (6.1, 6.2): a folio
 * straddling i_size has its bytes from i_size to its end zeroed before it is
 * written, since they may have been stored through mmap.
 */
void wb_zero_past_eof(struct wb_model *m, void *w, unsigned page);
void wb_prov_free(struct wb_prov *p);
void wb_warn(struct wb_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Contents in text form: runs written CHAR*COUNT ("0*2048", "B*6144 A*2048" with spaces). */
void wb_bytes_text(const uint8_t *sym, size_t n, unsigned gran, char *buf, size_t len);

/* The step vocabulary (docs/model.md section 3; the tables in sections 4 to 9). */
/* The step vocabularies, from the actors' step tables (actors.c): names, each once. */
const char *const *wb_steps_of(enum wb_op op);
const char *const *wb_io_steps_vocab(void);
/* The kernel function an enabled action models, from its actor's step table. */
const char *wb_action_kernel_fn(const struct wb_model *m, const void *w, uint32_t action);

/* ops.c: the sim_ops table of this model. */
extern const struct sim_ops wb_sim_ops;
#define WB_ACTION(slot, arg) (((uint32_t)(slot) << 8) | (uint32_t)(arg))
#define WB_ACTION_SLOT(a) ((a) >> 8)
#define WB_ACTION_ARG(a) ((a)&0xffu)
#define WB_IO_SLOT0 WB_MAX_TASKS

#endif
