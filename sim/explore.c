/* SPDX-License-Identifier: MIT */
/*
 * explore.c - every interleaving, with state caching.
 *
 * A depth-first search over the choices, with a visited table keyed by the
 * world's bytes (xxh3 hash, then a full comparison: no false merging).  The
 * state graph is a DAG, so the number of complete executions from a state is
 * the sum over its transitions of the executions from the successor (1 for a
 * terminal state): counted through the cached graph exactly, never by
 * enumerating paths.  A state stores each count in one 64-bit word: the value
 * itself below 2^63, else a handle to its limbs in an append-only arena
 * (sim/count.h does the arithmetic), so the many states with small counts
 * cost 8 bytes per count and the few near the initial state any size.  Each
 * state also keeps the length of the longest execution from it and of the
 * shortest failing one, which yields max_depth and a shortest counterexample
 * without a second search.
 *
 * Every allocation of the search is accounted against a memory limit and
 * none aborts: a refused one stops the search with a partial report.
 *
 * The engine prints nothing and never exits: a limit it reaches or a model
 * bug it detects stops the search, and sim_explore() returns -1 with the
 * reason in the result's `error`.
 */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* inlined: the hash of a short key is a handful of instructions, less than a call */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "sim/sim.h"

#define SIM_NO_FAIL 0xffffu
#define SIM_IN_PROGRESS 0xfffeu
#define SIM_CHUNK_BITS 16
#define SIM_CHUNK (1u << SIM_CHUNK_BITS)
#define SIM_BLOCK 64 /* records a thread takes at a time once helpers run */

/* Shared words between the search's threads. */
#define SIM_LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define SIM_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define SIM_LOAD_SC(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define SIM_STORE_SC(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)

/* Per state, besides the path counters: the longest execution from it, the
 * shortest failing one and its verdict. */
struct sim_meta {
	uint16_t depth;	/* longest execution from here */
	uint16_t dist;	/* shortest failing execution from here, or SIM_NO_FAIL */
	uint8_t verdict; /* of the failing execution dist leads to */
	uint8_t owner;	/* the thread that visits it (while dist is SIM_IN_PROGRESS) */
};

/*
 * A stored count: the value below 2^63, else SIM_CW_BIG | limbs << 52 |
 * offset of its limbs in the arena.  Stored once, when its state is done.
 */
#define SIM_CW_BIG (UINT64_C(1) << 63)
#define SIM_CW_LIMBS(w) ((uint32_t)((w) >> 52) & 0x7ffu)
#define SIM_CW_OFF(w) ((size_t)((w) & ((UINT64_C(1) << 52) - 1)))
#define SIM_CW_MAX_LIMBS 0x7ffu
#define SIM_ARENA_BITS 14
#define SIM_ARENA (1u << SIM_ARENA_BITS) /* limbs per arena chunk */
/* Each thread appends to its own arena; a big count's offset names it in its top bits. */
#define SIM_CW_WID_SHIFT 46
#define SIM_ARENA_DIR_BITS 10
#define SIM_ARENA_DIRS 64 /* of 1024 chunks of 2^14 limbs: 8 GiB of limbs per thread */

struct sim_arena {
	uint64_t **dir[SIM_ARENA_DIRS]; /* blocks of chunk pointers: they never move */
	size_t nchunks, next;
};


/*
 * The bytes the search holds (the visited table, its records, the census,
 * the arena of counts, the per-depth buffers), against the memory limit.  No
 * allocation of the search aborts: one the limit refuses, or malloc fails,
 * returns NULL with the reason in `failed`, and the search stops with a
 * partial report (sim_nomem).
 */
struct sim_mem {
	size_t used, peak;
	size_t limit;		/* 0: none */
	const char *failed;	/* "max-memory" or "out-of-memory", once one was refused */
	pthread_mutex_t lock;	/* the search's threads allocate through it */
};

/* What an allocation of n bytes costs: malloc's 8-byte header and 16-byte granule. */
static inline size_t sim_mem_cost(size_t n)
{
	return n ? (n + 8 + 15) & ~(size_t)15 : 0;
}

/* Count a change of an allocation from old to n bytes; false if the limit refuses it. */
static bool sim_mem_charge(struct sim_mem *m, size_t old, size_t n)
{
	size_t co = sim_mem_cost(old), cn = sim_mem_cost(n);

	if (m->limit && cn > co && m->used + (cn - co) > m->limit) {
		m->failed = "max-memory";
		return false;
	}
	m->used = m->used - co + cn;
	if (m->used > m->peak)
		m->peak = m->used;
	return true;
}

/* Resize p from old to n bytes (zeroing what is new if asked); NULL if refused, p intact. */
static void *sim_mem_resize(struct sim_mem *m, void *p, size_t old, size_t n, bool zero)
{
	void *q = NULL;

	pthread_mutex_lock(&m->lock);
	if (sim_mem_charge(m, old, n)) {
		q = realloc(p, n ? n : 1);
		if (!q) {
			sim_mem_charge(m, n, old);
			m->failed = "out-of-memory";
		}
	}
	pthread_mutex_unlock(&m->lock);
	if (q && zero && n > old)
		memset((char *)q + old, 0, n - old);
	return q;
}

static inline void *sim_mem_alloc(struct sim_mem *m, size_t n, bool zero)
{
	return sim_mem_resize(m, NULL, 0, n, zero);
}

static void sim_mem_free(struct sim_mem *m, void *p, size_t n)
{
	free(p);
	pthread_mutex_lock(&m->lock);
	m->used -= sim_mem_cost(n);
	pthread_mutex_unlock(&m->lock);
}

/*
 * The visited table: open addressing over 32-bit slots.  A slot holds the
 * record number + 1 in its low `ibits` bits (ibits = log2(nslots), and there
 * are always fewer records than slots) and a tag from the hash in the bits
 * above, compared before the key: one cache line per probe, and a key is
 * read only when the tags agree.  Records live in chunks of SIM_CHUNK (keys,
 * path counters, meta), so growing never copies them and wastes at most one
 * chunk.  A chunk's failing-execution counters exist only once one of its
 * states has a failing execution (a safe search has none).  The tables of
 * a compressed key's parts hold keys only (`bare`).
 */
struct sim_table {
	uint32_t *slots;
	size_t nslots, nrec, nchunks;
	unsigned ibits;
	uint8_t **keys;
	uint64_t **exec, **fail; /* the stored counts of the records' executions */
	size_t nfail;		/* chunks with failing counters */
	struct sim_meta **meta;
	size_t key;		/* key size */
	bool bare;		/* keys only: no counters, no meta */
	bool full;		/* at its largest size and loaded past 3/4: the search must stop */
	struct sim_mem *mem;
};

static inline uint8_t *sim_key(const struct sim_table *t, size_t r)
{
	return t->keys[r >> SIM_CHUNK_BITS] + (r & (SIM_CHUNK - 1)) * t->key;
}

static inline uint64_t *sim_exec(const struct sim_table *t, size_t r)
{
	return &t->exec[r >> SIM_CHUNK_BITS][r & (SIM_CHUNK - 1)];
}

/* The stored count of record r's failing executions (0 while its chunk has none). */
static inline uint64_t sim_fail_count(const struct sim_table *t, size_t r)
{
	const uint64_t *c = SIM_LOAD(&t->fail[r >> SIM_CHUNK_BITS]);

	return c ? c[r & (SIM_CHUNK - 1)] : 0;
}

static inline struct sim_meta *sim_meta(const struct sim_table *t, size_t r)
{
	return &t->meta[r >> SIM_CHUNK_BITS][r & (SIM_CHUNK - 1)];
}

static inline uint64_t sim_hash(const struct sim_table *t, const void *key)
{
	return XXH3_64bits(key, t->key);
}

/* The slot value of record r with hash h. */
static inline uint32_t sim_slot_value(const struct sim_table *t, size_t r, uint64_t h)
{
	uint32_t tag = (uint32_t)(h >> 32) << t->ibits;

	return tag | (uint32_t)(r + 1);
}

static double sim_now(const struct timespec *start)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - start->tv_sec) + (double)(t.tv_nsec - start->tv_nsec) * 1e-9;
}

/* ---- the visited table ---- */

static int sim_table_init(struct sim_table *t, size_t key, bool bare, struct sim_mem *mem)
{
	memset(t, 0, sizeof(*t));
	t->key = key;
	t->mem = mem;
	t->bare = bare;
	t->ibits = 12;
	t->nslots = 1u << t->ibits;
	t->slots = sim_mem_alloc(mem, t->nslots * sizeof(uint32_t), true);
	return t->slots ? 0 : -1;
}

static void sim_table_free(struct sim_table *t)
{
	for (size_t i = 0; i < t->nchunks; i++) {
		free(t->keys[i]);
		if (!t->bare) {
			free(t->exec[i]);
			free(t->fail[i]);
			free(t->meta[i]);
		}
	}
	free(t->keys);
	free(t->exec);
	free(t->fail);
	free(t->meta);
	free(t->slots);
}

static size_t sim_table_bytes(const struct sim_table *t)
{
	return t->nslots * sizeof(uint32_t) +
	       t->nchunks * (size_t)SIM_CHUNK * (t->key + (t->bare ? 0 : sizeof(struct sim_meta)));
}

/* Put record r with hash h in the index (a free slot: no key is compared). */
static inline void sim_table_place(struct sim_table *t, size_t r, uint64_t h)
{
	size_t mask = t->nslots - 1, s = (size_t)h & mask;

	while (t->slots[s])
		s = (s + 1) & mask;
	t->slots[s] = sim_slot_value(t, r, h);
}

static inline void sim_table_prefetch(const struct sim_table *t, uint64_t h)
{
	__builtin_prefetch(&t->slots[(size_t)h & (t->nslots - 1)]);
}

/* Records rehashed ahead of their placing when the index grows (sim_table_grow). */
#define SIM_GROW_BATCH 32

/* Place records rb[0..nb) in the index: hash them all and prefetch their slots first. */
static void sim_grow_batch(struct sim_table *t, const size_t *rb, size_t nb)
{
	uint64_t h[SIM_GROW_BATCH];

	for (size_t k = 0; k < nb; k++) {
		h[k] = sim_hash(t, sim_key(t, rb[k]));
		sim_table_prefetch(t, h[k]);
	}
	for (size_t k = 0; k < nb; k++)
		sim_table_place(t, rb[k], h[k]);
}

/*
 * Double the index; -1 if refused (the table stays as it is, loaded past
 * 3/4).  `every`: every record taken is in the index (one thread so far),
 * so they are read in order rather than through the old index.
 */
static int sim_table_grow(struct sim_table *t, bool every)
{
	size_t i, n = t->nslots * 2;
	uint32_t *slots;

	if (t->ibits == 31) {
		/* the few records the stopping search still adds fit in the last quarter */
		t->full = true;
		return 0;
	}
	/* the old index is freed only once the new one is allocated: both count */
	slots = sim_mem_alloc(t->mem, n * sizeof(uint32_t), true);
	if (!slots)
		return -1;
	uint32_t *old = t->slots, oldmask = (uint32_t)(t->nslots - 1);
	size_t oldn = t->nslots;
	t->slots = slots;
	t->ibits++;
	t->nslots = n;
	/*
	 * Each record's new slot is a random read: records are hashed a batch
	 * ahead of their placing and their slots prefetched, so that the reads
	 * overlap instead of waiting one after another.
	 */
	size_t rb[SIM_GROW_BATCH], nb = 0;
	if (every) {
		/* the keys in order, a chunk at a time: no random read but the new slot */
		for (i = 0; i < t->nrec; i++) {
			rb[nb++] = i;
			if (nb == SIM_GROW_BATCH) {
				sim_grow_batch(t, rb, nb);
				nb = 0;
			}
		}
	} else {
		/* from the old index: records taken but never used are not in it */
		for (i = 0; i < oldn; i++) {
			if (!old[i])
				continue;
			rb[nb] = (old[i] & oldmask) - 1;
			__builtin_prefetch(sim_key(t, rb[nb]));
			if (++nb == SIM_GROW_BATCH) {
				sim_grow_batch(t, rb, nb);
				nb = 0;
			}
		}
	}
	sim_grow_batch(t, rb, nb);
	sim_mem_free(t->mem, old, oldn * sizeof(uint32_t));
	return 0;
}

/* Find a key; returns its record index or -1, and the slot where it would go. */
static long sim_table_find(const struct sim_table *t, const void *key, uint64_t h, size_t *slot)
{
	size_t mask = t->nslots - 1, s = (size_t)h & mask;
	uint32_t imask = (uint32_t)mask, tag = sim_slot_value(t, 0, h) & ~imask, v;

	while ((v = t->slots[s]) != 0) {
		size_t r = (v & imask) - 1;
		if ((v & ~imask) == tag && !memcmp(sim_key(t, r), key, t->key))
			return (long)r;
		s = (s + 1) & mask;
	}
	*slot = s;
	return -1;
}

/*
 * Make room for the next record, before it is needed: its chunk, and past 3/4
 * load a larger index.  -1 if refused: then no record may be added.
 */

/* One array of chunk pointers from c to c + 1 entries; false if refused (it stays). */
static bool sim_chunk_array(struct sim_table *t, void *pp, size_t c)
{
	void **p = pp, *q = sim_mem_resize(t->mem, *p, c * sizeof(void *), (c + 1) * sizeof(void *),
					   true);

	if (!q)
		return false;
	*p = q;
	return true;
}

/*
 * Add the next chunk of records; -1 if refused.  The arrays of chunk
 * pointers move: with threads, only while the others are parked (sim_grow).
 */
static int sim_table_chunk(struct sim_table *t)
{
	size_t c = t->nchunks, n = (size_t)SIM_CHUNK;
	uint8_t *k;
	uint64_t *ex = NULL;
	struct sim_meta *m = NULL;

	if (!sim_chunk_array(t, &t->keys, c) ||
	    (!t->bare && (!sim_chunk_array(t, &t->exec, c) || !sim_chunk_array(t, &t->fail, c) ||
			  !sim_chunk_array(t, &t->meta, c))))
		return -1;
	k = sim_mem_alloc(t->mem, n * t->key, false);
	if (k && !t->bare) {
		ex = sim_mem_alloc(t->mem, n * sizeof(*ex), false);
		m = ex ? sim_mem_alloc(t->mem, n * sizeof(*m), false) : NULL;
		if (!m) {
			if (ex)
				sim_mem_free(t->mem, ex, n * sizeof(*ex));
			sim_mem_free(t->mem, k, n * t->key);
			return -1;
		}
		t->exec[c] = ex;
		t->meta[c] = m;
	}
	if (!k)
		return -1;
	t->keys[c] = k;
	t->nchunks = c + 1;
	return 0;
}

/* ---- the census: executions per outcome, and per event ---- */

/* Executions from a state, per outcome reached, with the shortest distance to each. */
struct sim_outitem {
	uint64_t count;	/* a stored count */
	uint32_t id;
	uint16_t dist;
	uint16_t pad;
};

struct sim_outvec {
	uint32_t n;
	struct sim_outitem items[];
};

static const struct sim_outitem *sim_outvec_find(const struct sim_outvec *v, uint32_t id)
{
	for (uint32_t i = 0; v && i < v->n; i++)
		if (v->items[i].id == id)
			return &v->items[i];
	return NULL;
}

/* ---- the search ---- */

/* Where the search is in the preemption-bounded graph: the last actor and the
 * preemptions so far, appended to the key when a bound is set. */
struct sim_ext {
	uint32_t last;	/* actor key + 1; 0: none yet */
	uint8_t pre;
	uint16_t ca, cb; /* steps taken by the constraint's two actors */
};
#define SIM_EXT_BYTES 9

/* The children of one state: built, packed and hashed together, so that their
 * table slots can be prefetched before any is looked up. */
struct sim_level {
	uint8_t *worlds, *keys;
	/* compress: the children's packed keys, each followed by its parts' indexes */
	uint8_t *packed;
	uint64_t *hashes;
	uint32_t *events;
	struct sim_ext *ext;
	unsigned cap;
};

struct sim_search;

/*
 * One thread of the search and what it owns: its model context (models keep
 * per-step scratch in it), the buffers of its stack, its counters.  Thread 0
 * is the search itself; the others help it (sim_helper).
 */
struct sim_worker {
	struct sim_search *s;
	unsigned id;
	struct sim_model sm;	/* the model, with this thread's context */
	struct sim_level *levels; /* one per depth */
	struct sim_action *acts; /* one action list per depth */
	uint32_t *path;		/* the action taken at each depth (all_failing) */
	uint8_t *key;		/* scratch key */
	uint8_t *full;		/* compress: the packed key before it is split */
	struct sim_por_actor *por; /* its scratch */
	struct sim_rng rng;	/* helpers: their order of the children */
	uint64_t transitions, end_states, claimed;
	size_t blk_next[SIM_KEY_PARTS + 1], blk_end[SIM_KEY_PARTS + 1]; /* its block of records */
	unsigned depth_now;
	uint64_t pending;	/* siblings still to visit on the stack */
	pthread_t thread;
};

struct sim_search {
	const struct sim_model *sm;
	const struct sim_explore_opts *o;
	struct sim_explore_result *res;
	const void *init;
	uint8_t *init_packed;	/* the initial world's packed key (with a model's pack) */
	size_t packed_size;	/* a packed key, with its parts' indexes when compressed */
	struct sim_table t;
	size_t key_size;	/* the table's key: packed world (+ ext) */
	bool bounded;
	bool reduce;		/* partial-order reduction (opts.reduce, unbounded only) */
	/* opts.compress: the tables of the parts, where they split, the packed key */
	bool compress;
	unsigned nparts;
	struct sim_table part[SIM_KEY_PARTS];
	size_t split[SIM_KEY_PARTS + 1];
	size_t max_levels;
	/* the limbs of the stored counts past 63 bits */
	struct sim_arena arena[SIM_MAX_THREADS]; /* one per worker */
	/* census */
	uint64_t **evcounts;	/* per chunk: nevents stored counts per record */
	size_t census_chunks;
	struct sim_outvec ***outv; /* per chunk: one vector per record */
	unsigned nevents;
	/* progress */
	struct sim_rng rng;
	struct timespec start;
	double next_progress;
	int stop;		/* every thread stops (read with sim_stopping) */
	/* memory: what the search holds; nomem: an allocation was refused, add no state */
	struct sim_mem mem;
	int nomem;
	void *reserve;		/* freed when memory runs out, for the report's own needs */
	/*
	 * Threads (opts.threads): worker 0 is the caller; the others start
	 * once the search holds opts.parallel_from states.  The index of the
	 * visited table grows with every thread parked outside the table:
	 * resize asks, `parked` of the `running` threads wait.
	 */
	struct sim_worker *workers;
	unsigned nworkers, nstarted;
	uint64_t parallel_from;	/* helpers start once there are this many states */
	bool spawned;		/* helpers were started (set before the first one starts) */
	int resize, parked, running, finished;
	pthread_mutex_t lock;	/* stopped_by, the error, new failing counters */
};

#define SIM_RESERVE (1u << 20)

static inline bool sim_stopping(struct sim_search *s)
{
	return __atomic_load_n(&s->stop, __ATOMIC_RELAXED);
}

/* Stop every thread; the first reason given is the one reported. */
static void sim_stop(struct sim_search *s, const char *why)
{
	pthread_mutex_lock(&s->lock);
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
	if (why && !s->res->stopped_by)
		s->res->stopped_by = why;
	pthread_mutex_unlock(&s->lock);
}

/* The search cannot go on: keep the first reason and stop (sim_explore returns -1). */
static void __attribute__((format(printf, 2, 3))) sim_fail(struct sim_search *s, const char *fmt,
							    ...)
{
	va_list ap;

	pthread_mutex_lock(&s->lock);
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
	if (!s->res->error[0]) {
		s->res->stopped_by = "error";
		va_start(ap, fmt);
		vsnprintf(s->res->error, sizeof(s->res->error), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&s->lock);
}

/*
 * An allocation was refused (the memory limit, or malloc failed): stop like
 * the other limits, with a partial report of what was explored; from now on
 * no state is added.
 */
static void sim_nomem(struct sim_search *s)
{
	pthread_mutex_lock(&s->lock);
	if (!s->mem.failed)
		s->mem.failed = "out-of-memory";
	if (!s->nomem) {
		__atomic_store_n(&s->nomem, 1, __ATOMIC_RELAXED);
		free(s->reserve);
		s->reserve = NULL;
	}
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
	s->res->complete = false;
	if (!s->res->stopped_by)
		s->res->stopped_by = s->mem.failed;
	pthread_mutex_unlock(&s->lock);
}

/* ---- stored counts ---- */

/* The limbs of the stored count *w: *w itself when small. */
static inline const uint64_t *sim_cw_limbs(const struct sim_search *s, const uint64_t *w,
					   uint32_t *n)
{
	size_t off = SIM_CW_OFF(*w);

	if (!(*w & SIM_CW_BIG)) {
		*n = 1;
		return w;
	}
	*n = SIM_CW_LIMBS(*w);
	const struct sim_arena *ar = &s->arena[off >> SIM_CW_WID_SHIFT];
	size_t local = off & ((UINT64_C(1) << SIM_CW_WID_SHIFT) - 1), c = local >> SIM_ARENA_BITS;
	const uint64_t *chunk = SIM_LOAD(&ar->dir[c >> SIM_ARENA_DIR_BITS])
					[c & ((1u << SIM_ARENA_DIR_BITS) - 1)];
	return chunk + (local & (SIM_ARENA - 1));
}

static void __attribute__((noinline)) sim_acc_add_slow(struct sim_search *s, struct sim_count *a,
						      uint64_t w)
{
	uint32_t n;
	const uint64_t *l = sim_cw_limbs(s, &w, &n);

	if (sim_count_add_limbs(a, l, n))
		sim_nomem(s);
}

/* a += the stored count w: one addition while both are small. */
static inline void sim_acc_add(struct sim_search *s, struct sim_count *a, uint64_t w)
{
	if (!a->n && !(w & SIM_CW_BIG)) {
		uint64_t t = a->small + w; /* both below 2^63: no wrap */
		if (!(t & SIM_CW_BIG)) {
			a->small = t;
			return;
		}
	}
	sim_acc_add_slow(s, a, w);
}

/* Add a chunk to arena ar; false if refused. */
static bool sim_arena_chunk(struct sim_search *s, struct sim_arena *ar)
{
	size_t c = ar->nchunks, d = c >> SIM_ARENA_DIR_BITS;
	uint64_t *chunk;

	if (d == SIM_ARENA_DIRS)
		return false;
	if (!ar->dir[d]) {
		uint64_t **blk = sim_mem_alloc(&s->mem, sizeof(*blk) << SIM_ARENA_DIR_BITS, true);
		if (!blk)
			return false;
		SIM_STORE(&ar->dir[d], blk);
	}
	chunk = sim_mem_alloc(&s->mem, (size_t)SIM_ARENA * sizeof(uint64_t), false);
	if (!chunk)
		return false;
	/* published before any count that points into it (through its record's dist) */
	ar->dir[d][c & ((1u << SIM_ARENA_DIR_BITS) - 1)] = chunk;
	ar->nchunks++;
	return true;
}

/*
 * Store an accumulated count (which it frees) for worker wid: a word, with
 * its limbs in the worker's own arena if big.
 */
static uint64_t sim_store(struct sim_search *s, unsigned wid, struct sim_count *a)
{
	struct sim_arena *ar = &s->arena[wid];
	size_t off, in, c;
	uint64_t w;

	if (!a->n)
		return a->small;
	if (a->n > SIM_CW_MAX_LIMBS) {
		sim_fail(s, "internal limit: a count of more than %u bits", SIM_CW_MAX_LIMBS * 64);
		sim_count_free(a);
		return 0;
	}
	off = ar->next;
	in = off & (SIM_ARENA - 1);
	if (in + a->n > SIM_ARENA)
		off += SIM_ARENA - in;
	if ((off >> SIM_ARENA_BITS) == ar->nchunks && !sim_arena_chunk(s, ar)) {
		sim_nomem(s);
		sim_count_free(a);
		return 0;
	}
	c = off >> SIM_ARENA_BITS;
	memcpy(ar->dir[c >> SIM_ARENA_DIR_BITS][c & ((1u << SIM_ARENA_DIR_BITS) - 1)] +
		       (off & (SIM_ARENA - 1)),
	       a->limbs, a->n * sizeof(uint64_t));
	w = SIM_CW_BIG | (uint64_t)a->n << 52 | (uint64_t)wid << SIM_CW_WID_SHIFT | off;
	ar->next = off + a->n;
	sim_count_free(a);
	return w;
}

/*
 * Store record r's count of failing executions: a chunk's counters are
 * allocated (zeroed) with its first nonzero one.
 */
static void sim_fail_store(struct sim_search *s, size_t r, uint64_t w)
{
	struct sim_table *t = &s->t;
	size_t c = r >> SIM_CHUNK_BITS;
	uint64_t *v = SIM_LOAD(&t->fail[c]);

	if (!w)
		return;
	if (!v) {
		bool refused = false;
		pthread_mutex_lock(&s->lock);
		v = t->fail[c];
		if (!v) {
			v = sim_mem_alloc(&s->mem, (size_t)SIM_CHUNK * sizeof(*v), true);
			if (v) {
				SIM_STORE(&t->fail[c], v);
				t->nfail++;
			} else {
				refused = true;
			}
		}
		pthread_mutex_unlock(&s->lock);
		if (refused) {
			sim_nomem(s);
			return;
		}
	}
	v[r & (SIM_CHUNK - 1)] = w;
}

/* The stored count w as a result's count (*out starts zeroed). */
static void sim_export(struct sim_search *s, uint64_t w, struct sim_count *out)
{
	uint32_t n;
	const uint64_t *l = sim_cw_limbs(s, &w, &n);

	if (sim_count_add_limbs(out, l, n))
		sim_nomem(s);
}

static size_t sim_arena_bytes(const struct sim_search *s)
{
	size_t n = 0;

	for (unsigned i = 0; i < SIM_MAX_THREADS; i++)
		n += s->arena[i].nchunks * (size_t)SIM_ARENA * sizeof(uint64_t);
	return n;
}

/* ---- the census: outcome vectors under construction ---- */

struct sim_outacc {
	struct sim_count count;
	uint32_t id;
	uint16_t dist;
};

struct sim_outbuild {
	struct sim_outacc *items;
	uint32_t n, cap;
};

/* Add an outcome reached at distance dist with `count` (a stored count) executions. */
static void sim_outbuild_add(struct sim_search *s, struct sim_outbuild *b, uint32_t id,
			     unsigned dist, uint64_t count)
{
	uint32_t j;

	for (j = 0; j < b->n; j++)
		if (b->items[j].id == id)
			break;
	if (j == b->n) {
		if (b->n == b->cap) {
			uint32_t cap = b->cap ? b->cap * 2 : 4;
			struct sim_outacc *p = sim_mem_resize(&s->mem, b->items,
							      b->cap * sizeof(*p), cap * sizeof(*p),
							      false);
			if (!p) {
				sim_nomem(s);
				return;
			}
			b->items = p;
			b->cap = cap;
		}
		b->items[j].count = SIM_COUNT_ZERO;
		b->items[j].id = id;
		b->items[j].dist = (uint16_t)dist;
		b->n++;
	}
	sim_acc_add(s, &b->items[j].count, count);
	if (dist < b->items[j].dist)
		b->items[j].dist = (uint16_t)dist;
}

/* Merge a child's outcome vector (one step further away). */
static void sim_outbuild_merge(struct sim_search *s, struct sim_outbuild *b,
			       const struct sim_outvec *c)
{
	for (uint32_t i = 0; c && i < c->n; i++)
		sim_outbuild_add(s, b, c->items[i].id, c->items[i].dist + 1u, c->items[i].count);
}

/* The stored vector of a finished state (NULL when empty); frees the build. */
static struct sim_outvec *sim_outbuild_store(struct sim_search *s, struct sim_outbuild *b)
{
	struct sim_outvec *v = NULL;
	uint32_t i;

	if (b->n) {
		v = sim_mem_alloc(&s->mem, sizeof(*v) + b->n * sizeof(v->items[0]), false);
		if (!v)
			sim_nomem(s);
	}
	for (i = 0; i < b->n; i++) {
		if (v) {
			v->items[i].count = sim_store(s, 0, &b->items[i].count);
			v->items[i].id = b->items[i].id;
			v->items[i].dist = b->items[i].dist;
			v->items[i].pad = 0;
		}
		sim_count_free(&b->items[i].count);
	}
	if (v)
		v->n = b->n;
	sim_mem_free(&s->mem, b->items, b->cap * sizeof(*b->items));
	return v;
}

static int sim_table_room(struct sim_search *s, struct sim_table *t);

static int sim_parts_init(struct sim_search *s)
{
	for (unsigned j = 0; j < s->nparts; j++)
		if (sim_table_init(&s->part[j], s->split[j + 1] - s->split[j], true, &s->mem) ||
		    sim_table_room(s, &s->part[j]))
			return -1;
	return 0;
}

static uint64_t *sim_evcounts(const struct sim_search *s, size_t r)
{
	return &s->evcounts[r >> SIM_CHUNK_BITS][(r & (SIM_CHUNK - 1)) * s->nevents];
}

static struct sim_outvec **sim_outv(const struct sim_search *s, size_t r)
{
	return &s->outv[r >> SIM_CHUNK_BITS][r & (SIM_CHUNK - 1)];
}

static size_t sim_evchunk_bytes(const struct sim_search *s)
{
	return (size_t)SIM_CHUNK * (s->nevents ? s->nevents : 1) * sizeof(uint64_t);
}

/* Make room for the census data of record r (a chunk every SIM_CHUNK records); -1 if refused. */
static int sim_census_room(struct sim_search *s, size_t r)
{
	size_t c = s->census_chunks, n = (size_t)SIM_CHUNK;
	uint64_t *ev;
	struct sim_outvec **ov;
	void *p;

	if (!s->o->census || (r >> SIM_CHUNK_BITS) < c)
		return 0;
	if (!(p = sim_mem_resize(&s->mem, s->evcounts, c * sizeof(*s->evcounts),
				 (c + 1) * sizeof(*s->evcounts), false)))
		return -1;
	s->evcounts = p;
	if (!(p = sim_mem_resize(&s->mem, s->outv, c * sizeof(*s->outv), (c + 1) * sizeof(*s->outv),
				 false)))
		return -1;
	s->outv = p;
	ev = sim_mem_alloc(&s->mem, sim_evchunk_bytes(s), true);
	ov = ev ? sim_mem_alloc(&s->mem, n * sizeof(*ov), true) : NULL;
	if (!ov) {
		if (ev)
			sim_mem_free(&s->mem, ev, sim_evchunk_bytes(s));
		return -1;
	}
	s->evcounts[c] = ev;
	s->outv[c] = ov;
	s->census_chunks++;
	return 0;
}

static uint32_t sim_outcome_id(struct sim_search *s, const void *w, enum sim_verdict v)
{
	struct sim_explore_result *res = s->res;
	char buf[512];
	bool expected = s->sm->ops->outcome(s->sm->ctx, w, buf, sizeof(buf));
	size_t i;

	for (i = 0; i < res->noutcomes; i++)
		if (!strcmp(res->outcomes[i].text, buf) && res->outcomes[i].expected == expected &&
		    res->outcomes[i].failing == (v != SIM_SAFE))
			return (uint32_t)i;
	struct sim_outcome *p = realloc(res->outcomes, (i + 1) * sizeof(*res->outcomes));
	char *text = p ? strdup(buf) : NULL;
	if (p)
		res->outcomes = p;
	if (!text) {
		sim_nomem(s);
		return UINT32_MAX;
	}
	memset(&res->outcomes[i], 0, sizeof(res->outcomes[i]));
	res->outcomes[i].text = text;
	res->outcomes[i].expected = expected;
	res->outcomes[i].failing = v != SIM_SAFE;
	res->noutcomes++;
	return (uint32_t)i;
}

/* Worker 0: the limits of time and Ctrl-C, and the progress line about once a second. */
static void sim_progress(struct sim_worker *wk)
{
	struct sim_search *s = wk->s;
	double now = sim_now(&s->start);
	char line[240], limit[48] = "", threads[32] = "";
	size_t nrec = SIM_LOAD(&s->t.nrec);

	if (s->o->time_limit > 0 && now > s->o->time_limit)
		sim_stop(s, "time-limit");
	if (s->o->stop && *s->o->stop)
		sim_stop(s, "interrupt");
	if (!s->o->progress || now < s->next_progress)
		return;
	s->next_progress = now + 1.0;
	pthread_mutex_lock(&s->mem.lock);
	double used = (double)s->mem.used / (1 << 20);
	pthread_mutex_unlock(&s->mem.lock);
	if (s->mem.limit)
		snprintf(limit, sizeof(limit), " of %.0f MiB", (double)s->mem.limit / (1 << 20));
	if (s->nstarted > 1)
		snprintf(threads, sizeof(threads), ", %u threads", s->nstarted);
	snprintf(line, sizeof(line),
		 "%llu states, %.0f states/s, depth %u, frontier %llu, %.1f MiB%s%s",
		 (unsigned long long)nrec, now > 0 ? (double)nrec / now : 0.0, wk->depth_now,
		 (unsigned long long)wk->pending, used, limit, threads);
	s->o->progress(s->o->pctx, line);
}

/*
 * The order a worker visits n children in, as a permutation of 0..n-1:
 * worker 0 the one asked for (opts.order), helpers a shuffle of their own.
 */
static void sim_order(struct sim_worker *wk, unsigned *ord, unsigned n)
{
	enum sim_order order = wk->id ? SIM_ORDER_SHUFFLE : wk->s->o->order;
	struct sim_rng *rng = wk->id ? &wk->rng : &wk->s->rng;
	unsigned i, j, t;

	for (i = 0; i < n; i++)
		ord[i] = i;
	if (order == SIM_ORDER_REVERSE) {
		for (i = 0; i < n / 2; i++) {
			t = ord[i];
			ord[i] = ord[n - 1 - i];
			ord[n - 1 - i] = t;
		}
	} else if (order == SIM_ORDER_SHUFFLE) {
		for (i = n; i > 1; i--) {
			j = sim_rng_below(rng, i);
			t = ord[i - 1];
			ord[i - 1] = ord[j];
			ord[j] = t;
		}
	}
}

/* One array of a level from cap to n elements; once one is refused, *ok is false. */
static void *sim_level_array(struct sim_search *s, void *p, size_t cap, size_t n, size_t elem,
			     bool *ok)
{
	void *q = *ok ? sim_mem_resize(&s->mem, p, cap * elem, n * elem, false) : NULL;

	if (!q) {
		*ok = false;
		return p;
	}
	return q;
}

/* The buffers for n children at depth d; NULL if refused (the search stops). */
static struct sim_level *sim_level(struct sim_worker *wk, unsigned d, unsigned n)
{
	struct sim_search *s = wk->s;
	const struct sim_model *sm = s->sm;
	struct sim_level *l = &wk->levels[d];
	bool ok = true;

	if (l->cap < n) {
		l->worlds = sim_level_array(s, l->worlds, l->cap, n, sm->size, &ok);
		l->keys = sim_level_array(s, l->keys, l->cap, n, s->key_size, &ok);
		if (s->compress && sm->ops->pack)
			l->packed = sim_level_array(s, l->packed, l->cap, n, s->packed_size, &ok);
		l->hashes = sim_level_array(s, l->hashes, l->cap, n, sizeof(uint64_t), &ok);
		l->events = sim_level_array(s, l->events, l->cap, n, sizeof(uint32_t), &ok);
		l->ext = sim_level_array(s, l->ext, l->cap, n, sizeof(struct sim_ext), &ok);
		if (!ok) {
			sim_nomem(s);
			return NULL;
		}
		l->cap = n;
	}
	return l;
}

/* The ext of the child taking action a among acts, or false if the bound cuts it. */
static bool sim_child_ext(const struct sim_search *s, const void *w,
			  const struct sim_action *acts, unsigned n, unsigned i,
			  const struct sim_ext *e, struct sim_ext *out)
{
	const struct sim_explore_opts *o = s->o;

	out->last = acts[i].actor + 1;
	out->pre = e->pre;
	out->ca = e->ca;
	out->cb = e->cb;
	if (o->constrain) {
		if (o->match(o->mctx, w, acts[i].id, 0)) {
			if (e->ca + 1u == o->hold_n && e->cb < o->until_n)
				return false; /* not yet: the other step comes first */
			if (out->ca < 0xffff)
				out->ca++;
		}
		if (o->match(o->mctx, w, acts[i].id, 1) && out->cb < 0xffff)
			out->cb++;
	}
	if (!o->bound_preemptions)
		return true;
	if (sim_is_preemption(e->last, acts, n, acts[i].actor))
		out->pre++;
	return out->pre <= s->o->preemption_bound;
}


/* A failing end state reached for the first time: keep the path to it. */
static void sim_keep_failing_path(struct sim_worker *wk, unsigned d)
{
	struct sim_search *s = wk->s;
	struct sim_explore_result *res = s->res;

	if (res->nfailing_paths >= s->o->all_failing)
		return;
	struct sim_path *v = realloc(res->failing_paths,
				     (res->nfailing_paths + 1) * sizeof(struct sim_path));
	if (!v) {
		sim_nomem(s);
		return;
	}
	res->failing_paths = v;
	struct sim_path *p = &res->failing_paths[res->nfailing_paths];
	/* action ids for now; sim_explore turns them into choice indexes */
	p->ids = calloc(d + 1u, sizeof(uint32_t));
	p->choices = calloc(d + 1u, sizeof(uint16_t));
	if (!p->ids || !p->choices) {
		free(p->ids);
		free(p->choices);
		sim_nomem(s);
		return;
	}
	res->nfailing_paths++;
	p->len = d;
	memcpy(p->ids, wk->path, d * sizeof(uint32_t));
}


#ifdef WBSIM_CHECK_EVERY_STEP
/* Debug builds: the model's invariants on a child and on the step to it; false if they hold. */
static bool sim_check_child(struct sim_worker *wk, const void *w, const void *c, uint32_t action)
{
	struct sim_search *s = wk->s;
	const struct sim_model *sm = &wk->sm;
	struct sim_label lab;
	char msg[256];

	if (!sm->ops->check(sm->ctx, c, msg, sizeof(msg))) {
		if (!sm->ops->check_step ||
		    !sm->ops->check_step(sm->ctx, w, c, action, msg, sizeof(msg)))
			return false;
		sm->ops->label(sm->ctx, w, action, &lab);
		sim_fail(s, "internal error: transition invariant violated by %s:%s: %s",
			 lab.actor, lab.step ? lab.step : "?", msg);
		return true;
	}
	sim_fail(s, "internal error: invariant violated: %s", msg);
	return true;
}
#endif


static const uint8_t *sim_world_key(struct sim_worker *wk, const void *w,
				    const struct sim_ext *e, uint8_t *buf, const void *pw,
				    const uint8_t *pk, uint8_t *packed);

/* The model's packed key of w into out: from its parent pw's key pk when given. */
static inline void sim_pack(const struct sim_model *sm, const void *w, const void *pw,
			    const uint8_t *pk, uint8_t *out)
{
	if (pk && sm->ops->repack)
		sm->ops->repack(sm->ctx, pw, pk, w, out);
	else
		sm->ops->pack(sm->ctx, w, out);
}

/* Where child i of level l keeps its packed key (NULL without a model's pack). */
static inline uint8_t *sim_packed(const struct sim_search *s, const struct sim_level *l,
				  unsigned i)
{
	if (!s->sm->ops->pack)
		return NULL;
	if (s->compress)
		return l->packed + (size_t)i * s->packed_size;
	return l->keys + (size_t)i * s->key_size;
}

/*
 * Build, pack and hash the children of w at depth d that the bound keeps, in
 * the worker's order, into level l (sim_level(wk, d, n) for n enabled
 * actions in acts); prefetch their slots.  The kept actions move to the
 * front of acts, each with its place in the model's order in `actor`.
 * Returns how many were kept.
 */
static unsigned sim_expand(struct sim_worker *wk, unsigned d, const void *w,
			   const uint8_t *pk, const struct sim_ext *e, struct sim_action *acts,
			   unsigned n, struct sim_level *l)
{
	struct sim_search *s = wk->s;
	const struct sim_model *sm = &wk->sm;
	unsigned ord[SIM_MAX_ENABLED], kept = 0, i;
	struct sim_action all[SIM_MAX_ENABLED];

	(void)d;
	sim_order(wk, ord, n);
	memcpy(all, acts, n * sizeof(*acts));
	for (unsigned k = 0; k < n; k++) {
		struct sim_ext ce;
		i = ord[k];
		if (!sim_child_ext(s, w, all, n, i, e, &ce)) {
			if (s->o->bound_preemptions && ce.pre > s->o->preemption_bound)
				s->res->pruned = true;
			continue;
		}
		uint8_t *c = l->worlds + kept * sm->size;
		memcpy(c, w, sm->size);
		l->events[kept] = sm->ops->apply(sm->ctx, c, all[i].id);
#ifdef WBSIM_CHECK_EVERY_STEP
		if (sim_check_child(wk, w, c, all[i].id))
			break;
#endif
		l->ext[kept] = ce;
		acts[kept].id = all[i].id;
		acts[kept].actor = i;
		const uint8_t *ck = sim_world_key(wk, c, &ce, l->keys + kept * s->key_size, w, pk,
						  sim_packed(s, l, kept));
		if (!ck) {
			sim_nomem(s);
			break;
		}
		l->hashes[kept] = sim_hash(&s->t, ck);
		sim_table_prefetch(&s->t, l->hashes[kept]);
		kept++;
	}
	return kept;
}

/* The key child i of level l was stored under. */
static inline const uint8_t *sim_child_key(const struct sim_search *s, const struct sim_level *l,
					   unsigned i)
{
	const struct sim_model *sm = s->sm;

	if (sm->ops->pack || s->bounded || s->compress)
		return l->keys + i * s->key_size;
	return l->worlds + i * sm->size;
}

/* Wait a little, more politely the longer it lasts. */
static void sim_backoff(unsigned *spins)
{
	if (++*spins < 64)
		__builtin_ia32_pause();
	else if (*spins < 256)
		sched_yield();
	else {
		struct timespec ts = { 0, 50000 };
		nanosleep(&ts, NULL);
	}
}

/* While the index grows: wait outside the table (the growing thread counts on it). */
static void sim_park(struct sim_worker *wk)
{
	struct sim_search *s = wk->s;
	unsigned spins = 0;

	__atomic_add_fetch(&s->parked, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		while (SIM_LOAD_SC(&s->resize))
			sim_backoff(&spins);
		__atomic_sub_fetch(&s->parked, 1, __ATOMIC_SEQ_CST);
		/* a new request may have counted this thread parked: then park again */
		if (!SIM_LOAD_SC(&s->resize))
			return;
		__atomic_add_fetch(&s->parked, 1, __ATOMIC_SEQ_CST);
	}
}

/* Is table t loaded past 3/4 (and able to grow)? */
static inline bool sim_table_due(struct sim_table *t)
{
	return SIM_LOAD(&t->nrec) * 4 > t->nslots * 3 && !t->full;
}

/*
 * Does table t need its next chunk before the threads' next lookups?  Each
 * thread takes at most one block of records of a table between two safe
 * points, so a chunk is added while fewer free records remain than a block
 * for each thread.
 */
static inline bool sim_chunk_due(struct sim_search *s, struct sim_table *t)
{
	size_t margin = s->spawned ? (size_t)s->nworkers * SIM_BLOCK : 0;

	return SIM_LOAD(&t->nrec) + margin >= t->nchunks * (size_t)SIM_CHUNK;
}

/* Is any table of the search due to grow? */
static inline bool sim_tables_due(struct sim_search *s)
{
	if (sim_table_due(&s->t) || sim_chunk_due(s, &s->t))
		return true;
	for (unsigned j = 0; j < s->nparts; j++)
		if (sim_table_due(&s->part[j]) || sim_chunk_due(s, &s->part[j]))
			return true;
	return false;
}

/*
 * Make room in table t for the next records: their chunk and, past 3/4 load,
 * a larger index; -1 if refused.  With helpers running, only with every
 * other thread parked (sim_grow).
 */
static int sim_table_room(struct sim_search *s, struct sim_table *t)
{
	if (sim_chunk_due(s, t) && sim_table_chunk(t))
		return -1;
	if (sim_table_due(t) && sim_table_grow(t, !s->spawned))
		return -1;
	return 0;
}

/*
 * Past 3/4 load an index doubles, by one thread while every other waits
 * parked outside the tables (it then rehashes nothing in flight).
 */
static void sim_grow(struct sim_worker *wk)
{
	struct sim_search *s = wk->s;
	int zero = 0;
	unsigned spins = 0;

	if (!__atomic_compare_exchange_n(&s->resize, &zero, 1, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST)) {
		sim_park(wk);
		return;
	}
	/* (after the search, worker 0 alone is not counted running) */
	while (SIM_LOAD_SC(&s->parked) + 1 < SIM_LOAD_SC(&s->running))
		sim_backoff(&spins);
	if (!SIM_LOAD(&s->nomem)) {
		int err = sim_table_room(s, &s->t);
		for (unsigned j = 0; !err && j < s->nparts; j++)
			err = sim_table_room(s, &s->part[j]);
		if (err)
			sim_nomem(s);
	}
	SIM_STORE_SC(&s->resize, 0);
}

/* Between two uses of the tables: wait while an index grows, grow one when due. */
static inline void sim_safe_point(struct sim_worker *wk)
{
	struct sim_search *s = wk->s;

	if (SIM_LOAD_SC(&s->resize))
		sim_park(wk);
	if (!SIM_LOAD(&s->nomem) && sim_tables_due(s))
		sim_grow(wk);
}

/* The next record's number in table t, with its chunk; -1 if there is no room for one. */
static int sim_record_take(struct sim_worker *wk, struct sim_table *t, size_t *r)
{
	struct sim_search *s = wk->s;

	if (s->spawned) {
		/*
		 * With helpers, each thread takes records SIM_BLOCK at a time: its
		 * records share no cache line with another's, and the count is
		 * touched once a block.  A block's unused records are never in
		 * the index (the index is rehashed from itself).
		 */
		unsigned ti = t == &s->t ? 0 : 1 + (unsigned)(t - s->part);
		if (wk->blk_next[ti] == wk->blk_end[ti]) {
			size_t n = __atomic_fetch_add(&t->nrec, SIM_BLOCK, __ATOMIC_ACQ_REL);
			if (n + SIM_BLOCK > t->nchunks * (size_t)SIM_CHUNK) {
				sim_nomem(s);
				return -1;
			}
			wk->blk_next[ti] = n;
			wk->blk_end[ti] = n + SIM_BLOCK;
		}
		*r = wk->blk_next[ti]++;
		return 0;
	}
	for (;;) {
		size_t n = SIM_LOAD(&t->nrec);
		if ((n >> SIM_CHUNK_BITS) >= t->nchunks) {
			/* its chunk was refused at the last safe point */
			sim_nomem(s);
			return -1;
		}
		if (__atomic_compare_exchange_n(&t->nrec, &n, n + 1, false, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED)) {
			*r = n;
			return 0;
		}
	}
}

enum { SIM_GOT_NONE, SIM_GOT_OLD, SIM_GOT_NEW };
/* A level's child with no record (none could be added): it folds nothing. */
#define SIM_NOREC UINT64_MAX

/*
 * Find a key, or add it as a new record in progress by this worker:
 * SIM_GOT_OLD or SIM_GOT_NEW with *rec, or SIM_GOT_NONE when no state may be
 * added.  Threads claim an empty slot by marking it busy (its tag and every
 * index bit set) and publish the record once its key is written; a lookup
 * that meets a busy slot with its own tag waits for it.
 */
static int sim_get_in(struct sim_worker *wk, struct sim_table *t, const uint8_t *key, uint64_t h,
		      size_t *rec)
{
	struct sim_search *s = wk->s;

	sim_safe_point(wk);
	uint32_t *slots = t->slots;
	size_t mask = t->nslots - 1, i = (size_t)h & mask, r;
	uint32_t imask = (uint32_t)mask, tag = sim_slot_value(t, 0, h) & ~imask;
	uint32_t busy = tag | imask, v;
	unsigned spins = 0;

	for (;;) {
		v = SIM_LOAD(&slots[i]);
		if (!v) {
			if (SIM_LOAD(&s->nomem))
				return SIM_GOT_NONE;
			if (!__atomic_compare_exchange_n(&slots[i], &v, busy, false, __ATOMIC_ACQ_REL,
							 __ATOMIC_ACQUIRE))
				continue; /* taken meanwhile: look at it again */
			if (sim_record_take(wk, t, &r)) {
				SIM_STORE(&slots[i], 0);
				return SIM_GOT_NONE;
			}
			memcpy(sim_key(t, r), key, t->key);
			if (!t->bare) {
				*sim_exec(t, r) = 0;
				struct sim_meta *m = sim_meta(t, r);
				m->depth = 0;
				m->dist = SIM_IN_PROGRESS;
				m->verdict = 0;
				m->owner = (uint8_t)wk->id;
			}
			SIM_STORE(&slots[i], tag | (uint32_t)(r + 1));
			*rec = r;
			return SIM_GOT_NEW;
		}
		if ((v & ~imask) == tag) {
			if (v == busy) {
				if (sim_stopping(s))
					return SIM_GOT_NONE;
				sim_backoff(&spins);
				continue;
			}
			r = (v & imask) - 1;
			if (!memcmp(sim_key(t, r), key, t->key)) {
				*rec = r;
				return SIM_GOT_OLD;
			}
		}
		i = (i + 1) & mask;
	}
}

/* The same in the visited table. */
static inline int sim_get(struct sim_worker *wk, const uint8_t *key, uint64_t h, size_t *rec)
{
	return sim_get_in(wk, &wk->s->t, key, h, rec);
}

/* The index of one part of a compressed key in its table, added if new; false if no room. */
static bool sim_part_index(struct sim_worker *wk, unsigned j, const uint8_t *part, uint32_t *idx)
{
	struct sim_table *pt = &wk->s->part[j];
	size_t r = 0;

	if (sim_get_in(wk, pt, part, sim_hash(pt, part), &r) == SIM_GOT_NONE)
		return false;
	*idx = (uint32_t)r;
	return true;
}

/* The key of a world (and its ext in a bounded search) into `buf`; NULL if out of memory. */
static const uint8_t *sim_world_key(struct sim_worker *wk, const void *w,
				    const struct sim_ext *e, uint8_t *buf, const void *pw,
				    const uint8_t *pk, uint8_t *packed)
{
	struct sim_search *s = wk->s;
	const struct sim_model *sm = &wk->sm;
	size_t k = sm->ops->pack ? sm->key_size : sm->size;

	if (s->compress) {
		uint32_t idx[SIM_KEY_PARTS];
		uint8_t *full = packed ? packed : wk->full;
		if (sm->ops->pack)
			sim_pack(sm, w, pw, pk, full);
		else
			memcpy(full, w, sm->size);
		for (unsigned j = 0; j < s->nparts; j++) {
			size_t at = s->split[j];
			/* a part the step left as it was: the parent's index (after its key) */
			if (pk && packed && !memcmp(full + at, pk + at, s->split[j + 1] - at))
				memcpy(&idx[j], pk + sm->key_size + j * sizeof(uint32_t), 4);
			else if (!sim_part_index(wk, j, full + at, &idx[j]))
				return NULL;
		}
		if (packed)
			memcpy(packed + sm->key_size, idx, s->nparts * sizeof(uint32_t));
		memcpy(buf, idx, s->nparts * sizeof(uint32_t));
		return buf;
	}
	if (sm->ops->pack)
		sim_pack(sm, w, pw, pk, buf);
	else if (s->bounded)
		memcpy(buf, w, sm->size);
	else
		return w;
	if (s->bounded) {
		/* the last actor matters only to a preemption bound */
		uint32_t last = s->o->bound_preemptions ? e->last : 0;
		memcpy(buf + k, &last, 4);
		buf[k + 4] = e->pre;
		memcpy(buf + k + 5, &e->ca, 2);
		memcpy(buf + k + 7, &e->cb, 2);
	}
	return buf;
}

/* Is record r still being visited (by some thread)? */
static inline bool sim_in_progress(const struct sim_table *t, size_t r)
{
	return SIM_LOAD(&sim_meta(t, r)->dist) == SIM_IN_PROGRESS;
}

static size_t sim_visit(struct sim_worker *wk, unsigned d, const void *w, const uint8_t *pk,
			const struct sim_ext *e, size_t r);
static void sim_help(struct sim_worker *wk, unsigned d, const void *w, const uint8_t *pk);

/* The children of a state, in the model's order: fold their results into the state's. */
struct sim_fold {
	struct sim_count exec, fail;
	unsigned depth, dist, verdict;
	struct sim_outbuild ov;
	struct sim_count ev[32];
};

static void sim_fold_child(struct sim_search *s, struct sim_fold *f, const struct sim_level *l,
			   unsigned i)
{
	struct sim_table *t = &s->t;
	size_t cr = (size_t)l->hashes[i];

	if (l->hashes[i] == SIM_NOREC)
		return;

	const struct sim_meta *cm = sim_meta(t, cr);

	uint64_t cexec = *sim_exec(t, cr);

	sim_acc_add(s, &f->exec, cexec);
	sim_acc_add(s, &f->fail, sim_fail_count(t, cr));
	if (cm->depth + 1u > f->depth)
		f->depth = cm->depth + 1u;
	if (cm->dist != SIM_NO_FAIL && cm->dist + 1u < f->dist) {
		f->dist = cm->dist + 1u;
		f->verdict = cm->verdict;
	}
	if (s->o->census) {
		const uint64_t *cev = sim_evcounts(s, cr);
		for (unsigned k = 0; k < s->nevents; k++)
			sim_acc_add(s, &f->ev[k], (l->events[i] & (1u << k)) ? cexec : cev[k]);
		sim_outbuild_merge(s, &f->ov, *sim_outv(s, cr));
	}
}

/*
 * Fold the kept children in the model's order of their actions, whatever the
 * order they were visited in: the shortest failing distance's verdict, on a
 * tie, is the first child's, so every thread and order agrees.
 */
static void __attribute__((noinline)) sim_fold_children(struct sim_search *s, struct sim_fold *f,
							const struct sim_level *l,
							const struct sim_action *acts,
							unsigned kept, bool forward)
{
	uint16_t at[SIM_MAX_ENABLED];
	unsigned n = 0, i;

	if (forward) {
		for (i = 0; i < kept; i++)
			sim_fold_child(s, f, l, i);
		return;
	}
	/* acts[i].actor is child i's place among the enabled actions: sort by it */
	for (i = 0; i < kept; i++)
		if (acts[i].actor + 1u > n)
			n = acts[i].actor + 1u;
	for (i = 0; i < n; i++)
		at[i] = 0xffff;
	for (i = 0; i < kept; i++)
		at[acts[i].actor] = (uint16_t)i;
	for (i = 0; i < n; i++)
		if (at[i] != 0xffff)
			sim_fold_child(s, f, l, at[i]);
}

/* Child i of level l was found in progress by another thread: help it, then wait for it. */
static void sim_wait_child(struct sim_worker *wk, unsigned d, const struct sim_level *l,
			   unsigned i)
{
	struct sim_search *s = wk->s;
	size_t cr = (size_t)l->hashes[i];
	unsigned spins = 0;

	if (l->hashes[i] == SIM_NOREC || !sim_in_progress(&s->t, cr))
		return;
	if (d + 1 < s->max_levels)
		sim_help(wk, d + 1, l->worlds + i * s->sm->size, sim_packed(s, l, i));
	while (sim_in_progress(&s->t, cr) && !sim_stopping(s)) {
		if (SIM_LOAD_SC(&s->resize))
			sim_park(wk);
		if (!wk->id && (spins & 1023) == 1023)
			sim_progress(wk);
		sim_backoff(&spins);
	}
}

/* Start the helpers (once the search is large enough for them to pay). */
static void sim_start_helpers(struct sim_search *s);

/*
 * Visit record r, claimed by this worker (world w at depth d): its children,
 * then its counts.  Returns r.
 */
static size_t sim_visit(struct sim_worker *wk, unsigned d, const void *w, const uint8_t *pk,
			const struct sim_ext *e, size_t r)
{
	struct sim_search *s = wk->s;
	const struct sim_model *sm = &wk->sm;
	struct sim_table *t = &s->t;
	struct sim_action *acts = wk->acts + (size_t)d * SIM_MAX_ENABLED;
	unsigned n = 0, kept = 0, i, ndefer = 0;
	/* (its census counts are set below only for a census: clearing all 32 cost more than the rest) */
	struct sim_fold f;
	f.exec = SIM_COUNT_ZERO;
	f.fail = SIM_COUNT_ZERO;
	f.depth = 0;
	f.dist = SIM_NO_FAIL;
	f.verdict = SIM_SAFE;
	f.ov = (struct sim_outbuild){ NULL, 0, 0 };
	struct sim_level *l = NULL;

	wk->claimed++;
	if (t->full)
		sim_fail(s, "internal limit: the visited table is full (2^30 states)");
	/*
	 * Room for the next state now: a refusal stops the search before it
	 * needs it.  Once helpers run, records take their chunks and the index
	 * grows on demand (sim_record_take, sim_safe_point).
	 */
	if (!s->spawned) {
		if (sim_table_room(s, t) || sim_census_room(s, t->nrec))
			sim_nomem(s);
	}
	if (s->o->census) {
		for (unsigned k = 0; k < s->nevents; k++)
			f.ev[k] = SIM_COUNT_ZERO;
	}
	if (!wk->id) {
		if ((wk->claimed & 4095) == 0)
			sim_progress(wk);
		/* once: if some could not start, the search goes on with those that did */
		if (!s->spawned && s->nworkers > 1 && t->nrec >= s->parallel_from)
			sim_start_helpers(s);
	}
	if (s->o->max_states && t->nrec >= s->o->max_states && !sim_stopping(s))
		sim_stop(s, "max-states");

	if (d >= s->max_levels)
		sim_fail(s, "internal limit: exploration deeper than %zu steps", s->max_levels);
	else
		n = sm->ops->enabled(sm->ctx, w, acts);
	if (s->reduce && n > 1)
		n = sim_por_select(sm, w, acts, n, wk->por);
	if (n == 0 && !s->res->error[0]) {
		enum sim_verdict v = sm->ops->verdict(sm->ctx, w);
		f.exec.small = 1;
		f.fail.small = v != SIM_SAFE;
		f.dist = v != SIM_SAFE ? 0 : SIM_NO_FAIL;
		f.verdict = v;
		wk->end_states++;
		if (v != SIM_SAFE && s->o->all_failing)
			sim_keep_failing_path(wk, d);
		if (v != SIM_SAFE && (s->o->first & (1u << v)) && !sim_stopping(s)) {
			sim_stop(s, "first-failure");
			s->res->first_verdict = v;
		}
		uint32_t id = s->o->census ? sim_outcome_id(s, w, v) : UINT32_MAX;
		if (id != UINT32_MAX)
			sim_outbuild_add(s, &f.ov, id, 0, 1);
	} else if (sim_stopping(s) || (s->o->max_depth && d >= s->o->max_depth) ||
		   !(l = sim_level(wk, d, n))) {
		/* not expanded: the search goes on elsewhere unless it is stopping */
		pthread_mutex_lock(&s->lock);
		if (!s->res->stopped_by)
			s->res->stopped_by = "max-depth";
		s->res->complete = false;
		pthread_mutex_unlock(&s->lock);
	} else {
		kept = sim_expand(wk, d, w, pk, e, acts, n, l);
		wk->pending += kept;
		for (i = 0; i < kept; i++) {
			const uint8_t *c = l->worlds + i * s->sm->size;
			size_t cr = 0;
			int got = sim_get(wk, sim_child_key(s, l, i), l->hashes[i], &cr);
			wk->pending--;
			l->hashes[i] = SIM_NOREC;
			if (got == SIM_GOT_NONE)
				continue; /* out of memory (or stopping): no state is added */
			if (got == SIM_GOT_OLD) {
				/* its counts are folded below: fetch them while siblings are visited */
				__builtin_prefetch(sim_exec(t, cr));
				__builtin_prefetch(sim_meta(t, cr));
			}
			if (got == SIM_GOT_OLD && sim_in_progress(t, cr)) {
				if (sim_meta(t, cr)->owner == wk->id) {
					sim_fail(s, "internal error: the state graph has a cycle");
					continue;
				}
				ndefer++;
			} else if (got == SIM_GOT_NEW) {
				wk->depth_now = d + 1;
				wk->path[d] = acts[i].id;
				sim_visit(wk, d + 1, c, sim_packed(s, l, i), &l->ext[i], cr);
			}
			l->hashes[i] = cr; /* the hash has served: the child's record now */
			wk->transitions++;
		}
		/* children another thread is still visiting: help them, then wait */
		for (i = 0; ndefer && i < kept; i++)
			sim_wait_child(wk, d, l, i);
		sim_fold_children(s, &f, l, acts, kept, !wk->id && s->o->order == SIM_ORDER_FORWARD);
	}
	*sim_exec(t, r) = sim_store(s, wk->id, &f.exec);
	sim_fail_store(s, r, sim_store(s, wk->id, &f.fail));
	sim_meta(t, r)->depth = (uint16_t)f.depth;
	sim_meta(t, r)->verdict = (uint8_t)f.verdict;
	if (s->o->census) {
		for (unsigned k = 0; k < s->nevents; k++)
			sim_evcounts(s, r)[k] = sim_store(s, 0, &f.ev[k]);
		*sim_outv(s, r) = sim_outbuild_store(s, &f.ov);
	}
	/* last: the record is done, its counts visible to whoever reads dist */
	SIM_STORE(&sim_meta(t, r)->dist, (uint16_t)f.dist);
	return r;
}

/*
 * A helper's walk below a state another thread is visiting (w at depth d):
 * visit every child nobody has claimed, and go down into those still in
 * progress, where the other threads' unclaimed work hangs.  It folds nothing:
 * the state's owner does that.
 */
static void sim_help(struct sim_worker *wk, unsigned d, const void *w, const uint8_t *pk)
{
	struct sim_search *s = wk->s;
	const struct sim_model *sm = &wk->sm;
	struct sim_action *acts = wk->acts + (size_t)d * SIM_MAX_ENABLED;
	struct sim_ext e0 = { 0, 0, 0, 0 };
	struct sim_level *l;
	unsigned n, kept, i;

	if (sim_stopping(s) || d >= s->max_levels)
		return;
	n = sm->ops->enabled(sm->ctx, w, acts);
	if (s->reduce && n > 1)
		n = sim_por_select(sm, w, acts, n, wk->por);
	if (!n || !(l = sim_level(wk, d, n)))
		return;
	kept = sim_expand(wk, d, w, pk, &e0, acts, n, l);
	for (i = 0; i < kept && !sim_stopping(s); i++) {
		const uint8_t *c = l->worlds + i * sm->size;
		size_t cr = 0;
		int got = sim_get(wk, sim_child_key(s, l, i), l->hashes[i], &cr);
		if (got == SIM_GOT_NEW)
			sim_visit(wk, d + 1, c, sim_packed(s, l, i), &e0, cr);
		else if (got == SIM_GOT_OLD && sim_in_progress(&s->t, cr) &&
			 sim_meta(&s->t, cr)->owner != wk->id)
			sim_help(wk, d + 1, c, sim_packed(s, l, i));
		else if (got == SIM_GOT_NONE)
			return;
	}
}

/* A helper thread: walk the in-progress part of the graph for work until the search ends. */
static void *sim_helper(void *arg)
{
	struct sim_worker *wk = arg;
	struct sim_search *s = wk->s;
	unsigned spins = 0;

	while (!SIM_LOAD(&s->finished) && !sim_stopping(s)) {
		uint64_t before = wk->claimed;
		sim_help(wk, 0, s->init, s->init_packed);
		if (wk->claimed != before) {
			spins = 0;
			continue;
		}
		if (SIM_LOAD_SC(&s->resize))
			sim_park(wk);
		sim_backoff(&spins);
	}
	__atomic_sub_fetch(&s->running, 1, __ATOMIC_SEQ_CST);
	return NULL;
}
/*
 * Walk down from the initial state along children whose record satisfies
 * `next` (one step closer to the goal), recording choice indexes in the
 * model's enabled order.  Used for the shortest counterexample and for the
 * census' shortest execution to each outcome.
 */
typedef bool (*sim_walk_fn)(const struct sim_search *s, size_t child, unsigned left,
			    const void *arg);

static size_t sim_walk(struct sim_search *s, const void *init, unsigned len, sim_walk_fn next,
		       const void *arg, uint16_t *out, unsigned *preemptions)
{
	const struct sim_model *sm = s->sm;
	struct sim_table *t = &s->t;
	void *w = malloc(sm->size), *c = malloc(sm->size);
	struct sim_action acts[SIM_MAX_ENABLED];
	struct sim_ext e = { 0, 0, 0, 0 }, ce;
	size_t k;

	if (!w || !c || !out) {
		free(w);
		free(c);
		return 0;
	}
	memcpy(w, init, sm->size);
	for (k = 0; k < len; k++) {
		unsigned n = sm->ops->enabled(sm->ctx, w, acts), i;
		for (i = 0; i < n; i++) {
			size_t slot;
			if (!sim_child_ext(s, w, acts, n, i, &e, &ce))
				continue;
			memcpy(c, w, sm->size);
			sm->ops->apply(sm->ctx, c, acts[i].id);
			const uint8_t *key = sim_world_key(&s->workers[0], c, &ce, s->workers[0].key,
							   NULL, NULL, NULL);
			long cr = key ? sim_table_find(t, key, sim_hash(t, key), &slot) : -1;
			if (cr >= 0 && next(s, (size_t)cr, len - (unsigned)k - 1, arg))
				break;
		}
		if (i == n)
			break;
		/* preemptions counted as sim_child_ext does, bound or not */
		if (sim_is_preemption(e.last, acts, n, acts[i].actor))
			(*preemptions)++;
		out[k] = (uint16_t)i;
		e = ce;
		memcpy(w, c, sm->size);
	}
	free(w);
	free(c);
	return k;
}

static bool sim_next_fail(const struct sim_search *s, size_t child, unsigned left, const void *arg)
{
	(void)arg;
	return sim_meta(&s->t, child)->dist == left;
}

static bool sim_next_outcome(const struct sim_search *s, size_t child, unsigned left,
			     const void *arg)
{
	const struct sim_outitem *it = sim_outvec_find(*sim_outv(s, child), *(const uint32_t *)arg);

	return it && it->dist == left;
}

/* Turn a path of action ids into choice indexes by replaying it. */
static void sim_ids_to_choices(const struct sim_model *sm, const void *init, struct sim_path *p)
{
	void *w = malloc(sm->size);
	struct sim_action acts[SIM_MAX_ENABLED];

	if (!w) {
		p->len = 0;
		return;
	}
	memcpy(w, init, sm->size);
	for (size_t k = 0; k < p->len; k++) {
		unsigned n = sm->ops->enabled(sm->ctx, w, acts), i;
		for (i = 0; i < n && acts[i].id != p->ids[k]; i++)
			;
		p->choices[k] = (uint16_t)i;
		sm->ops->apply(sm->ctx, w, acts[i].id);
	}
	free(p->ids);
	p->ids = NULL;
	free(w);
}

/* A worker's buffers (charged to the search); -1 if refused. */
static int sim_worker_init(struct sim_search *s, struct sim_worker *wk, unsigned id)
{
	wk->s = s;
	wk->id = id;
	if (!(wk->key = sim_mem_alloc(&s->mem, s->key_size, false)) ||
	    !(wk->levels = sim_mem_alloc(&s->mem, s->max_levels * sizeof(*wk->levels), true)) ||
	    !(wk->acts = sim_mem_alloc(&s->mem,
				       s->max_levels * SIM_MAX_ENABLED * sizeof(struct sim_action),
				       false)) ||
	    !(wk->path = sim_mem_alloc(&s->mem, s->max_levels * sizeof(uint32_t), true)) ||
	    (s->reduce &&
	     !(wk->por = sim_mem_alloc(&s->mem, SIM_MAX_ACTORS * sizeof(*wk->por), false))) ||
	    (s->compress && !(wk->full = sim_mem_alloc(&s->mem, s->split[s->nparts], false))))
		return -1;
	return 0;
}

static void sim_worker_free(struct sim_search *s, struct sim_worker *wk)
{
	for (size_t i = 0; wk->levels && i < s->max_levels; i++) {
		free(wk->levels[i].worlds);
		free(wk->levels[i].keys);
		free(wk->levels[i].packed);
		free(wk->levels[i].hashes);
		free(wk->levels[i].events);
		free(wk->levels[i].ext);
	}
	free(wk->levels);
	free(wk->acts);
	free(wk->path);
	free(wk->key);
	free(wk->full);
	free(wk->por);
	if (wk->id && wk->sm.ctx)
		s->sm->ops->ctx_free(wk->sm.ctx);
}

/* The stack a helper's recursion may need: a few KiB a level. */
#define SIM_HELPER_STACK ((size_t)16 << 20)

static void sim_start_helpers(struct sim_search *s)
{
	pthread_attr_t attr;

	s->spawned = true;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, SIM_HELPER_STACK);
	while (s->nstarted < s->nworkers) {
		struct sim_worker *wk = &s->workers[s->nstarted];
		if (sim_worker_init(s, wk, s->nstarted)) {
			sim_worker_free(s, wk);
			memset(wk, 0, sizeof(*wk));
			break; /* no room for one more: the search goes on with those it has */
		}
		wk->sm = *s->sm;
		wk->sm.ctx = s->sm->ops->ctx_clone(s->sm->ctx);
		sim_rng_seed(&wk->rng, s->o->seed ^ (0x9e3779b97f4a7c15ull * wk->id));
		__atomic_add_fetch(&s->running, 1, __ATOMIC_SEQ_CST);
		if (!wk->sm.ctx || pthread_create(&wk->thread, &attr, sim_helper, wk)) {
			__atomic_sub_fetch(&s->running, 1, __ATOMIC_SEQ_CST);
			sim_worker_free(s, wk);
			memset(wk, 0, sizeof(*wk));
			break;
		}
		s->nstarted++;
	}
	pthread_attr_destroy(&attr);
}

/* Worker 0 is done: let the helpers finish and gather their counters. */
static void sim_join_helpers(struct sim_search *s)
{
	SIM_STORE_SC(&s->finished, 1);
	__atomic_sub_fetch(&s->running, 1, __ATOMIC_SEQ_CST);
	for (unsigned i = 1; i < s->nstarted; i++)
		pthread_join(s->workers[i].thread, NULL);
	for (unsigned i = 0; i < s->nstarted; i++) {
		s->res->states += s->workers[i].claimed;
		s->res->transitions += s->workers[i].transitions;
		s->res->end_states += s->workers[i].end_states;
	}
}

static void sim_search_free(struct sim_search *s)
{
	for (unsigned i = 0; s->workers && i < s->nstarted; i++)
		sim_worker_free(s, &s->workers[i]);
	free(s->workers);
	for (size_t c = 0; c < s->census_chunks; c++) {
		for (size_t i = 0; i < SIM_CHUNK && (c << SIM_CHUNK_BITS) + i < s->t.nrec; i++)
			free(s->outv[c][i]);
		free(s->outv[c]);
		free(s->evcounts[c]);
	}
	free(s->outv);
	free(s->evcounts);
	for (unsigned i = 0; i < SIM_MAX_THREADS; i++) {
		struct sim_arena *ar = &s->arena[i];
		for (size_t c = 0; c < ar->nchunks; c++)
			free(ar->dir[c >> SIM_ARENA_DIR_BITS][c & ((1u << SIM_ARENA_DIR_BITS) - 1)]);
		for (unsigned d = 0; d < SIM_ARENA_DIRS; d++)
			free(ar->dir[d]);
	}
	for (unsigned j = 0; j < s->nparts; j++)
		sim_table_free(&s->part[j]);
	free(s->reserve);
	free(s->init_packed);
	sim_table_free(&s->t);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->mem.lock);
}

/*
 * How many threads the search may use: the asked number where the results
 * cannot depend on the order states are visited in, else one.  Census,
 * failing paths, bounds, the constraint, --first, --max-states and
 * --max-depth run on one thread.
 */
static unsigned sim_threads(const struct sim_model *sm, const struct sim_explore_opts *o)
{
	if (o->threads <= 1 || !sm->ops->ctx_clone || !sm->ops->ctx_free || o->census ||
	    o->all_failing || o->bound_preemptions || o->constrain || o->first || o->max_states ||
	    o->max_depth)
		return 1;
	return o->threads > SIM_MAX_THREADS ? SIM_MAX_THREADS : o->threads;
}

int sim_explore(const struct sim_model *sm, const void *init, const struct sim_explore_opts *o,
		struct sim_explore_result *res)
{
	struct sim_search s = { .sm = sm, .o = o, .res = res };
	struct sim_ext e0 = { 0, 0, 0, 0 };
	size_t r0 = 0;

	memset(res, 0, sizeof(*res));
	res->complete = true;
	res->threads = 1;
	clock_gettime(CLOCK_MONOTONIC, &s.start);
	sim_rng_seed(&s.rng, o->seed);
	s.bounded = o->bound_preemptions || o->constrain;
	s.reduce = o->reduce && !s.bounded && sm->ops->por_actors;
	res->reduced = s.reduce;
	s.key_size = (sm->ops->pack ? sm->key_size : sm->size) + (s.bounded ? SIM_EXT_BYTES : 0);
	s.compress = o->compress && !s.bounded && s.key_size >= 2;
	if (s.compress) {
		/* the parts: the model's increasing splits, or two halves; none empty */
		size_t whole = s.key_size, prev = 0;
		s.split[0] = 0;
		s.nparts = 0;
		for (unsigned j = 0; j < SIM_KEY_PARTS - 1; j++) {
			size_t at = sm->key_splits[j];
			if (at > prev && at < whole) {
				s.split[++s.nparts] = at;
				prev = at;
			}
		}
		if (!s.nparts)
			s.split[++s.nparts] = whole / 2;
		s.split[++s.nparts] = whole;
		s.key_size = s.nparts * sizeof(uint32_t);
	}
	s.packed_size = sm->key_size + (s.compress ? s.nparts * sizeof(uint32_t) : 0);
	if (o->census) {
		while (sm->ops->event_names && sm->ops->event_names[s.nevents] && s.nevents < 32)
			s.nevents++;
		res->nevents = s.nevents;
	}
	s.mem.limit = o->max_memory;
	pthread_mutex_init(&s.mem.lock, NULL);
	pthread_mutex_init(&s.lock, NULL);
	s.reserve = malloc(SIM_RESERVE);
	s.max_levels = 4096;
	s.init = init;
	s.nworkers = sim_threads(sm, o);
	s.parallel_from = o->parallel_from ? o->parallel_from : SIM_PARALLEL_FROM;
	s.running = 1;
	s.workers = calloc(s.nworkers, sizeof(*s.workers));
	struct sim_worker *w0 = s.workers;
	if (w0) {
		w0->sm = *sm;
		s.nstarted = 1;
	}
	if (sm->ops->pack) {
		s.init_packed = malloc(s.packed_size);
		if (s.init_packed)
			sm->ops->pack(sm->ctx, init, s.init_packed);
	}
	if (!w0 || (sm->ops->pack && !s.init_packed) ||
	    (s.compress && sim_parts_init(&s)) ||
	    sim_table_init(&s.t, s.key_size, false, &s.mem) || sim_worker_init(&s, w0, 0) ||
	    sim_table_room(&s, &s.t) || sim_census_room(&s, 0)) {
		/* not even the first state fits: an empty partial report */
		sim_nomem(&s);
		res->memory_bytes = s.mem.peak;
		res->seconds = sim_now(&s.start);
		sim_search_free(&s);
		return 0;
	}

	const uint8_t *key = sim_world_key(w0, init, &e0, w0->key, NULL, NULL, s.init_packed);
	uint64_t h = key ? sim_hash(&s.t, key) : 0;
	if (!key || sim_get(w0, key, h, &r0) != SIM_GOT_NEW) {
		sim_nomem(&s);
		res->memory_bytes = s.mem.peak;
		res->seconds = sim_now(&s.start);
		sim_search_free(&s);
		return 0;
	}
	sim_visit(w0, 0, init, s.init_packed, &e0, r0);
	sim_join_helpers(&s);
	res->threads = s.nstarted;
	if (sim_stopping(&s) || res->stopped_by)
		res->complete = false;
	if (res->error[0]) {
		res->memory_bytes = s.mem.peak;
		res->seconds = sim_now(&s.start);
		sim_search_free(&s);
		return -1;
	}
	if (res->pruned) {
		res->complete = false;
		if (!res->stopped_by)
			res->stopped_by = "preemption-bound";
	}
	sim_export(&s, *sim_exec(&s.t, r0), &res->executions);
	sim_export(&s, sim_fail_count(&s.t, r0), &res->failing);
	res->max_depth = sim_meta(&s.t, r0)->depth;
	res->verdict = sim_meta(&s.t, r0)->dist != SIM_NO_FAIL ? sim_meta(&s.t, r0)->verdict
							     : SIM_SAFE;
	if (res->verdict != SIM_SAFE) {
		unsigned d = sim_meta(&s.t, r0)->dist;
		res->cex = calloc(d + 1u, sizeof(uint16_t));
		res->cex_len = sim_walk(&s, init, d, sim_next_fail, NULL, res->cex,
					&res->cex_preemptions);
	}
	if (o->census) {
		const struct sim_outvec *v = *sim_outv(&s, r0);
		for (uint32_t i = 0; v && i < v->n; i++) {
			struct sim_outcome *oc = &res->outcomes[v->items[i].id];
			unsigned pre = 0;
			sim_export(&s, v->items[i].count, &oc->executions);
			oc->path = calloc(v->items[i].dist + 1u, sizeof(uint16_t));
			oc->path_len = sim_walk(&s, init, v->items[i].dist, sim_next_outcome,
						&v->items[i].id, oc->path, &pre);
		}
		for (unsigned k = 0; k < s.nevents; k++)
			sim_export(&s, sim_evcounts(&s, r0)[k], &res->event_executions[k]);
	}
	for (size_t i = 0; i < res->nfailing_paths; i++)
		sim_ids_to_choices(sm, init, &res->failing_paths[i]);
	res->key_bytes = s.t.key;
	res->table_bytes = sim_table_bytes(&s.t);
	for (unsigned j = 0; j < s.nparts; j++)
		res->table_bytes += sim_table_bytes(&s.part[j]);
	res->counter_bytes = (s.t.nchunks + s.t.nfail) * (size_t)SIM_CHUNK * sizeof(uint64_t) +
			     sim_arena_bytes(&s);
	res->memory_bytes = s.mem.peak;
	res->seconds = sim_now(&s.start);
	sim_search_free(&s);
	return 0;
}

void sim_explore_result_free(struct sim_explore_result *res)
{
	free(res->cex);
	for (size_t i = 0; i < res->noutcomes; i++) {
		free(res->outcomes[i].text);
		free(res->outcomes[i].path);
		sim_count_free(&res->outcomes[i].executions);
	}
	free(res->outcomes);
	sim_count_free(&res->executions);
	sim_count_free(&res->failing);
	for (unsigned k = 0; k < 32; k++)
		sim_count_free(&res->event_executions[k]);
	for (size_t i = 0; i < res->nfailing_paths; i++) {
		free(res->failing_paths[i].choices);
		free(res->failing_paths[i].ids);
	}
	free(res->failing_paths);
	memset(res, 0, sizeof(*res));
}
