/* SPDX-License-Identifier: MIT */
/*
 * cmd_fstest.c - wbsim fstest: an fstests regression test from a trace.
 *
 * From a counterexample in which a buffered write zeroes another write's
 * bytes through a stale mapping (kind write_begin: the C1 race), write a test
 * in the shape of fstests' tests/xfs (common/rc helpers, _require_* checks,
 * a golden .out) that drives the same interleaving on a real kernel:
 *
 *   1. the file's initial extents (falloc for UNWRITTEN, pwrite + fsync for
 *      WRITTEN) and the writes that took i_rwsem before the stale writer;
 *   2. the stale writer, stopped after its ->iomap_begin() sampled the
 *      mapping and before __iomap_write_begin() of the page it corrupts:
 *      - on 6.2 and later debug kernels, with XFS's `write_delay_ms` error
 *        injection knob (fs/xfs/xfs_error.c; the delay sits in
 *        xfs_iomap_valid(), after the validity check of each folio, the knob
 *        fstests' xfs/559 uses), when the corrupted page is not the write's
 *        first;
 *      - otherwise (6.1, or no knob) with a small C helper that writes from
 *        a buffer whose page at the corrupted chunk is registered with
 *        userfaultfd, so the copy's fault_in_iov_iter_readable() in
 *        iomap_write_iter() blocks until the test lets it go;
 *   3. the writeback and IO completion of the pages reclaim evicts
 *      (sync_file_range write and wait) and their eviction (fadvise
 *      DONTNEED), as in the trace;
 *   4. the stale writer resumes; the file, after a cycle mount, must equal a
 *      copy written in the same i_rwsem order without the race.
 *
 * On 6.1 the test is expected to fail (the corruption); on 6.2 and later it
 * passes.  Nothing here has been run on a kernel: the generated files are
 * checked with bash -n, shellcheck and a -Wall -Werror compile (tests/fstest.sh).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/app.h"

static void fstest_help(FILE *out)
{
	fprintf(out,
		"usage: wbsim fstest TRACE -o DIR [--number NNN]\n"
		"\n"
		"Write an fstests test (tests/xfs/NNN shape: common/rc helpers, _require_*\n"
		"checks, a golden NNN.out) that drives TRACE's race on a real kernel: a\n"
		"buffered write zeroing another write's bytes through a stale mapping\n"
		"(kind write_begin).  On 6.2+ debug kernels it stalls the writer with XFS's\n"
		"write_delay_ms error injection knob where that can reach the race; else\n"
		"with a small C helper (userfaultfd stalls the write's user copy), written\n"
		"beside it.  DIR gets NNN, NNN.out, wbsim_stall_NNN.c and README.\n"
		"\n"
		"  -o DIR         where the files go (created if missing)\n"
		"  --number NNN   the test's number (default 999)\n"
		"\n"
		"Not run on a kernel here: the files are checked with bash -n, shellcheck and\n"
		"a -Wall -Werror compile.\n"
		"Exit: 0 written, 2 bad input (or a failure of another kind), 3 internal error.\n");
}

/* What the test needs from the trace. */
struct fstest_plan {
	const struct wb_scenario *sc;
	int stale;		 /* the stale writer's task index */
	unsigned page;		 /* the page its stale write_begin corrupts */
	uint64_t stall_off;	 /* file offset of that chunk: where the copy stalls */
	int order[WB_MAX_TASKS]; /* the writes in i_rwsem order */
	size_t norder;
	size_t stale_pos;	 /* the stale writer's place in it */
	uint64_t evicted;	 /* pages evicted before the stale write_begin */
	const char *trace;
	unsigned number;
};

static int fstest_task(const struct wb_scenario *sc, const char *actor)
{
	size_t len = strcspn(actor, "/");

	for (size_t t = 0; t < sc->ntasks; t++)
		if (strlen(sc->tasks[t].name) == len && !strncmp(sc->tasks[t].name, actor, len))
			return (int)t;
	return -1;
}

/* Read the plan from the recorded execution; 0, or -1 with the reason printed. */
static int fstest_plan(const char *path, struct wb_job *job, const struct wb_exec *ex,
		       struct fstest_plan *p)
{
	const struct wb_scenario *sc = job->sc;
	char kind[48];
	size_t origin = ex->report.origin_step;
	const char *pg;

	memset(p, 0, sizeof(*p));
	p->sc = sc;
	wb_failure_kind(job, ex, kind, sizeof(kind));
	if (strcmp(kind, "write_begin")) {
		fprintf(stderr,
			"%s: error: wbsim fstest drives a buffered write's stale write_begin "
			"(kind write_begin); this trace's failure is of kind %s\n",
			path, kind);
		return -1;
	}
	p->stale = fstest_task(sc, ex->steps[origin - 1].actor);
	pg = strstr(ex->report.provenance, " of page ");
	if (p->stale < 0 || !pg || sscanf(pg + 9, "%u", &p->page) != 1) {
		fprintf(stderr, "%s: error: cannot read the stale step from '%s'\n", path,
			ex->report.provenance);
		return -1;
	}
	const struct wb_task_def *w = &sc->tasks[p->stale];
	uint64_t at = (uint64_t)p->page * sc->page_size;
	p->stall_off = at > w->offset ? at : w->offset;
	for (size_t i = 0; i < ex->nsteps; i++) {
		const struct wb_step_rec *s = &ex->steps[i];
		int t = fstest_task(sc, s->actor);
		if (t < 0)
			continue;
		if (!strcmp(s->step, "rwsem_lock") && sc->tasks[t].op == WB_OP_WRITE) {
			if (t == p->stale)
				p->stale_pos = p->norder;
			p->order[p->norder++] = t;
		}
		if (!strcmp(s->step, "evict") && s->arg >= 0 && s->arg < 64 && i < origin)
			p->evicted |= 1ull << s->arg;
	}
	for (size_t t = 0; t < sc->ntasks; t++) {
		enum wb_op op = sc->tasks[t].op;
		if (op != WB_OP_WRITE && op != WB_OP_WRITEBACK && op != WB_OP_RECLAIM) {
			fprintf(stderr,
				"%s: error: task %s: wbsim fstest drives writes, writeback and "
				"reclaim only (shrink the scenario first: wbsim shrink)\n",
				path, sc->tasks[t].name);
			return -1;
		}
	}
	if (!(p->evicted & (1ull << p->page))) {
		fprintf(stderr, "%s: error: page %u is not evicted before the stale step\n", path,
			p->page);
		return -1;
	}
	return 0;
}

/* pwrite commands of a write task, as xfs_io arguments. */
static void fstest_pwrite(FILE *f, const struct wb_task_def *w, const char *file)
{
	fprintf(f, "$XFS_IO_PROG -c \"pwrite -S 0x%02x -b %llu %llu %llu\" \"%s\" >> \"$seqres.full\"\n",
		(unsigned char)w->data, (unsigned long long)w->length,
		(unsigned long long)w->offset, (unsigned long long)w->length, file);
}

/* The initial file: extents, then its size. */
static void fstest_layout(FILE *f, const struct wb_scenario *sc, const char *file)
{
	fprintf(f, "$XFS_IO_PROG -f -c \"truncate 0\" \"%s\" >> \"$seqres.full\"\n", file);
	for (size_t i = 0; i < sc->nextents; i++) {
		const struct wb_extent_def *e = &sc->extents[i];
		unsigned long long o = (unsigned long long)e->offset,
				   l = (unsigned long long)e->length;
		switch (e->state) {
		case WB_UNWRITTEN:
			fprintf(f, "$XFS_IO_PROG -c \"falloc %llu %llu\" \"%s\" >> \"$seqres.full\"\n",
				o, l, file);
			break;
		case WB_WRITTEN:
			fprintf(f, "$XFS_IO_PROG -c \"pwrite -S 0x%02x %llu %llu\" -c fsync \"%s\" "
				   ">> \"$seqres.full\"\n", (unsigned char)e->data, o, l, file);
			break;
		case WB_DELALLOC:
			fprintf(f, "# [%llu,%llu) starts DELALLOC in the scenario: no way to make one "
				   "without dirty data, left a hole\n", o, o + l);
			break;
		case WB_HOLE:
			break;
		}
	}
	fprintf(f, "$XFS_IO_PROG -c \"truncate %llu\" \"%s\" >> \"$seqres.full\"\n",
		(unsigned long long)sc->file_size, file);
}

static int fstest_write_test(FILE *f, const struct fstest_plan *p)
{
	const struct wb_scenario *sc = p->sc;
	const struct wb_task_def *w = &sc->tasks[p->stale];
	unsigned ps = sc->page_size;
	unsigned long long stall_buf = (unsigned long long)(p->stall_off - w->offset);
	bool knob = stall_buf > 0 && p->page > w->offset / ps;

	fprintf(f,
		"#! /bin/bash\n"
		"# SPDX-License-Identifier: GPL-2.0\n"
		"# common/ defines the variables, and common/preamble's exit trap reads status:\n"
		"# shellcheck disable=SC1091,SC2154,SC2034,SC2129\n"
		"#\n"
		"# FS QA Test No. %03u\n"
		"#\n"
		"# Generated by wbsim fstest from %s (scenario %s).\n"
		"#\n"
		"# A buffered write (%s) samples the file's mapping in ->iomap_begin(), then\n"
		"# stalls before __iomap_write_begin() of page %u.  Meanwhile that page, written\n"
		"# by an earlier write, is written back (its UNWRITTEN or DELALLOC block becomes\n"
		"# WRITTEN) and evicted.  Without the write iomap validity check (before 6.2:\n"
		"# d7b64041164c, 304a68b9c63b) the stalled write trusts its stale mapping and\n"
		"# zeroes the earlier write's bytes in that page instead of reading them.\n"
		"#\n"
		"# NOT RUN ON A KERNEL by its generator: check it before relying on it.\n"
		"#\n"
		". ./common/preamble\n"
		"_begin_fstest auto quick rw\n"
		"\n"
		". ./common/inject\n"
		"\n"
		"# shellcheck disable=SC2317 # called by common/preamble's trap\n"
		"_cleanup()\n"
		"{\n"
		"\tcd / || return\n"
		"\trm -f \"$tmp\".*\n"
		"}\n"
		"\n"
		"_require_scratch\n"
		"_require_xfs_io_command \"falloc\"\n"
		"_require_xfs_io_command \"sync_range\"\n"
		"_require_xfs_io_command \"fadvise\"\n"
		"_fixed_by_kernel_commit d7b64041164c \"iomap: write iomap validity checks\"\n"
		"_fixed_by_kernel_commit 304a68b9c63b \\\n"
		"\t\"xfs: use iomap_valid method to detect stale cached iomaps\"\n"
		"\n"
		"_scratch_mkfs >> \"$seqres.full\" 2>&1\n"
		"_scratch_mount >> \"$seqres.full\" 2>&1\n"
		"$XFS_IO_PROG -c 'chattr -x' \"$SCRATCH_MNT\" &>> \"$seqres.full\"\n"
		"_require_pagecache_access \"$SCRATCH_MNT\"\n"
		"\n"
		"# the race needs the scenario's geometry\n"
		"[ \"$(get_page_size)\" -eq %u ] || _notrun \"needs %u-byte pages\"\n"
		"[ \"$(_get_file_block_size \"$SCRATCH_MNT\")\" -eq %u ] || _notrun \"needs %u-byte blocks\"\n"
		"\n"
		"file=$SCRATCH_MNT/file\n"
		"\n"
		"# the expected contents: the same writes in the same i_rwsem order, no race\n",
		p->number, p->trace, sc->name, w->name, p->page, ps, ps, sc->block_size,
		sc->block_size);
	fstest_layout(f, sc, "$file.compare");
	for (size_t i = 0; i < p->norder; i++)
		fstest_pwrite(f, &sc->tasks[p->order[i]], "$file.compare");
	fprintf(f, "\n# the initial file\n");
	fstest_layout(f, sc, "$file");
	fprintf(f, "_scratch_cycle_mount\n\n");
	for (size_t i = 0; i < p->stale_pos; i++) {
		fprintf(f, "# %s\n", sc->tasks[p->order[i]].name);
		fstest_pwrite(f, &sc->tasks[p->order[i]], "$file");
	}
	fprintf(f,
		"\n# %s, stalled after ->iomap_begin() and before writing page %u\n"
		"errtag=/sys/fs/xfs/$(_short_dev \"$SCRATCH_DEV\")/errortag/write_delay_ms\n",
		w->name, p->page);
	if (knob)
		fprintf(f,
			"if [ -w \"$errtag\" ]; then\n"
			"\t# 6.2+ debug kernel: xfs_iomap_valid() sleeps after validating each\n"
			"\t# folio, so the write sits in its first folio while page %u changes\n"
			"\t_scratch_inject_error \"write_delay_ms\" 500\n"
			"\t$XFS_IO_PROG -c \"pwrite -S 0x%02x -b %llu %llu %llu\" \"$file\" "
			">> \"$seqres.full\" &\n"
			"\twriter=$!\n"
			"\tsleep 0.2\n"
			"else\n",
			p->page, (unsigned char)w->data, (unsigned long long)w->length,
			(unsigned long long)w->offset, (unsigned long long)w->length);
	else
		fprintf(f,
			"# (write_delay_ms delays the write after a folio's validity check: it\n"
			"# cannot stop this write before the first page it writes)\n"
			"if false; then\n"
			"\t:\n"
			"else\n");
	fprintf(f,
		"\t# userfaultfd stalls the copy from the user buffer at offset %llu of it\n"
		"\t_require_test_program \"wbsim_stall_%03u\"\n"
		"\trm -f \"$tmp.stalled\" \"$tmp.go\"\n"
		"\t\"$here/src/wbsim_stall_%03u\" \"$file\" %llu %llu 0x%02x %llu \\\n"
		"\t\t\"$tmp.stalled\" \"$tmp.go\" >> \"$seqres.full\" 2>&1 &\n"
		"\twriter=$!\n"
		"\tfor _ in $(seq 1 300); do\n"
		"\t\t[ -e \"$tmp.stalled\" ] && break\n"
		"\t\tsleep 0.1\n"
		"\tdone\n"
		"\tif [ ! -e \"$tmp.stalled\" ]; then\n"
		"\t\tkill \"$writer\" 2>/dev/null\n"
		"\t\twait \"$writer\"\n"
		"\t\t_notrun \"the userfaultfd helper could not stall the write\"\n"
		"\tfi\n"
		"fi\n"
		"\n",
		stall_buf, p->number, p->number, (unsigned long long)w->offset,
		(unsigned long long)w->length, (unsigned char)w->data, stall_buf);
	fprintf(f, "# writeback with IO completion (the conversion), then eviction\n");
	for (unsigned pg = 0; pg < 64; pg++)
		if (p->evicted & (1ull << pg))
			fprintf(f,
				"$XFS_IO_PROG -c \"sync_range -b -w -a %llu %u\" -c \"fadvise -d %llu %u\" "
				"\"$file\" >> \"$seqres.full\"\n",
				(unsigned long long)pg * ps, ps, (unsigned long long)pg * ps, ps);
	fprintf(f,
		"\n# let the write go on\n"
		"[ -w \"$errtag\" ] && _scratch_inject_error \"write_delay_ms\" 0\n"
		"touch \"$tmp.go\"\n"
		"wait \"$writer\"\n"
		"\n");
	for (size_t i = p->stale_pos + 1; i < p->norder; i++) {
		fprintf(f, "# %s\n", sc->tasks[p->order[i]].name);
		fstest_pwrite(f, &sc->tasks[p->order[i]], "$file");
	}
	fprintf(f,
		"# to disk and back: a write lost to the stale mapping reads as zeroes\n"
		"_scratch_cycle_mount\n"
		"if ! cmp -s \"$file\" \"$file.compare\"; then\n"
		"\techo \"file and file.compare differ: the stale mapping zeroed written data\"\n"
		"\t$XFS_IO_PROG -c 'bmap -elpv' \"$file\" >> \"$seqres.full\" 2>&1\n"
		"\tod -tx1 -Ad \"$file.compare\" >> \"$seqres.full\"\n"
		"\tod -tx1 -Ad \"$file\" >> \"$seqres.full\"\n"
		"fi\n"
		"\n"
		"echo Silence is golden\n"
		"status=0\n"
		"exit\n");
	return ferror(f) ? -1 : 0;
}

/* The helper: write a buffer whose tail, from the stall offset, faults into userfaultfd. */
static const char fstest_helper[] =
	"// SPDX-License-Identifier: GPL-2.0\n"
	"/*\n"
	" * wbsim_stall_%03u - generated by wbsim fstest for tests/xfs/%03u.\n"
	" *\n"
	" * usage: wbsim_stall_%03u FILE OFFSET LENGTH BYTE STALL_AT STALLED GO\n"
	" *\n"
	" * pwrite() LENGTH bytes of BYTE at OFFSET of FILE from a buffer whose pages\n"
	" * from STALL_AT on are registered with userfaultfd and missing: the kernel's\n"
	" * copy of that chunk faults, and the fault is held (STALLED created) until\n"
	" * the file GO exists.  The buffered write has then sampled its mapping in\n"
	" * ->iomap_begin() and waits in fault_in_iov_iter_readable() before\n"
	" * __iomap_write_begin() of the chunk.  Exit 0 after the write, 1 on error.\n"
	" */\n"
	"#define _GNU_SOURCE\n"
	"#include <errno.h>\n"
	"#include <fcntl.h>\n"
	"#include <linux/userfaultfd.h>\n"
	"#include <poll.h>\n"
	"#include <pthread.h>\n"
	"#include <stdint.h>\n"
	"#include <stdio.h>\n"
	"#include <stdlib.h>\n"
	"#include <string.h>\n"
	"#include <sys/ioctl.h>\n"
	"#include <sys/mman.h>\n"
	"#include <sys/stat.h>\n"
	"#include <sys/syscall.h>\n"
	"#include <unistd.h>\n"
	"\n"
	"struct stall {\n"
	"\tint uffd;\n"
	"\tlong psz;\n"
	"\tint byte;\n"
	"\tconst char *stalled, *go;\n"
	"\tvolatile int done;\n"
	"};\n"
	"\n"
	"static int exists(const char *path)\n"
	"{\n"
	"\tstruct stat st;\n"
	"\n"
	"\treturn stat(path, &st) == 0;\n"
	"}\n"
	"\n"
	"/* Serve the faults: hold the first until GO exists, then fill every page. */\n"
	"static void *serve(void *arg)\n"
	"{\n"
	"\tstruct stall *s = arg;\n"
	"\tchar *page = malloc((size_t)s->psz);\n"
	"\tint first = 1;\n"
	"\n"
	"\tif (!page)\n"
	"\t\treturn NULL;\n"
	"\tmemset(page, s->byte, (size_t)s->psz);\n"
	"\twhile (!s->done) {\n"
	"\t\tstruct pollfd pfd = { .fd = s->uffd, .events = POLLIN };\n"
	"\t\tstruct uffd_msg msg;\n"
	"\t\tstruct uffdio_copy copy;\n"
	"\n"
	"\t\tif (poll(&pfd, 1, 100) <= 0)\n"
	"\t\t\tcontinue;\n"
	"\t\tif (read(s->uffd, &msg, sizeof(msg)) != (ssize_t)sizeof(msg))\n"
	"\t\t\tcontinue;\n"
	"\t\tif (msg.event != UFFD_EVENT_PAGEFAULT)\n"
	"\t\t\tcontinue;\n"
	"\t\tif (first) {\n"
	"\t\t\tint fd = open(s->stalled, O_CREAT | O_WRONLY, 0644);\n"
	"\n"
	"\t\t\tif (fd >= 0)\n"
	"\t\t\t\tclose(fd);\n"
	"\t\t\tfor (int i = 0; i < 6000 && !exists(s->go); i++)\n"
	"\t\t\t\tusleep(10000);\n"
	"\t\t\tfirst = 0;\n"
	"\t\t}\n"
	"\t\tcopy.dst = msg.arg.pagefault.address & ~((uint64_t)s->psz - 1);\n"
	"\t\tcopy.src = (uint64_t)(uintptr_t)page;\n"
	"\t\tcopy.len = (uint64_t)s->psz;\n"
	"\t\tcopy.mode = 0;\n"
	"\t\tcopy.copy = 0;\n"
	"\t\tif (ioctl(s->uffd, UFFDIO_COPY, &copy) && errno != EEXIST)\n"
	"\t\t\tperror(\"UFFDIO_COPY\");\n"
	"\t}\n"
	"\tfree(page);\n"
	"\treturn NULL;\n"
	"}\n"
	"\n";

/* The rest of the helper, written as it is (fputs: no format). */
static const char fstest_helper_main[] =
	"int main(int argc, char **argv)\n"
	"{\n"
	"\tstruct stall s;\n"
	"\tstruct uffdio_api api = { .api = UFFD_API };\n"
	"\tstruct uffdio_register reg;\n"
	"\tpthread_t thread;\n"
	"\tsize_t len, at, span, done = 0;\n"
	"\toff_t off;\n"
	"\tchar *base, *buf;\n"
	"\tint fd;\n"
	"\n"
	"\tif (argc != 8) {\n"
	"\t\tfprintf(stderr, \"usage: %s FILE OFFSET LENGTH BYTE STALL_AT STALLED GO\\n\",\n"
	"\t\t\targv[0]);\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\toff = (off_t)strtoll(argv[2], NULL, 0);\n"
	"\tlen = (size_t)strtoull(argv[3], NULL, 0);\n"
	"\ts.byte = (int)strtol(argv[4], NULL, 0);\n"
	"\tat = (size_t)strtoull(argv[5], NULL, 0);\n"
	"\ts.stalled = argv[6];\n"
	"\ts.go = argv[7];\n"
	"\ts.done = 0;\n"
	"\ts.psz = sysconf(_SC_PAGESIZE);\n"
	"\tif (at >= len) {\n"
	"\t\tfprintf(stderr, \"STALL_AT must be inside the write\\n\");\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\tfd = open(argv[1], O_WRONLY);\n"
	"\tif (fd < 0) {\n"
	"\t\tperror(argv[1]);\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\ts.uffd = (int)syscall(__NR_userfaultfd, O_CLOEXEC);\n"
	"\tif (s.uffd < 0 || ioctl(s.uffd, UFFDIO_API, &api)) {\n"
	"\t\tperror(\"userfaultfd\");\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\t/* the buffer's byte `at` starts a page: the bytes before it are resident */\n"
	"\tspan = len + 2 * (size_t)s.psz;\n"
	"\tbase = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);\n"
	"\tif (base == MAP_FAILED) {\n"
	"\t\tperror(\"mmap\");\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\tbuf = base + ((size_t)s.psz - at % (size_t)s.psz) % (size_t)s.psz;\n"
	"\tmemset(buf, s.byte, at);\n"
	"\treg.range.start = (uint64_t)(uintptr_t)(buf + at);\n"
	"\treg.range.len = (uint64_t)(uintptr_t)(base + span) - reg.range.start;\n"
	"\treg.range.len &= ~((uint64_t)s.psz - 1);\n"
	"\treg.mode = UFFDIO_REGISTER_MODE_MISSING;\n"
	"\tif (ioctl(s.uffd, UFFDIO_REGISTER, &reg)) {\n"
	"\t\tperror(\"UFFDIO_REGISTER\");\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\tif (pthread_create(&thread, NULL, serve, &s)) {\n"
	"\t\tfprintf(stderr, \"pthread_create failed\\n\");\n"
	"\t\treturn 1;\n"
	"\t}\n"
	"\twhile (done < len) {\n"
	"\t\tssize_t n = pwrite(fd, buf + done, len - done, off + (off_t)done);\n"
	"\n"
	"\t\tif (n <= 0) {\n"
	"\t\t\tperror(\"pwrite\");\n"
	"\t\t\tbreak;\n"
	"\t\t}\n"
	"\t\tdone += (size_t)n;\n"
	"\t}\n"
	"\ts.done = 1;\n"
	"\tpthread_join(thread, NULL);\n"
	"\tclose(fd);\n"
	"\tprintf(\"wrote %zu of %zu bytes at %lld\\n\", done, len, (long long)off);\n"
	"\treturn done == len ? 0 : 1;\n"
	"}\n";

static FILE *fstest_open(const char *dir, const char *name, char *path, size_t n)
{
	FILE *f;

	snprintf(path, n, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "wbsim fstest: error: cannot write %s: %s\n", path, strerror(errno));
	return f;
}

static int fstest_close(FILE *f, const char *path)
{
	if (fclose(f)) {
		fprintf(stderr, "wbsim fstest: error: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int fstest_files(const char *dir, const struct fstest_plan *p)
{
	char name[64], path[4096];
	FILE *f;

	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "wbsim fstest: error: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	snprintf(name, sizeof(name), "%03u", p->number);
	if (!(f = fstest_open(dir, name, path, sizeof(path))))
		return -1;
	if (fstest_write_test(f, p) | fstest_close(f, path))
		return -1;
	chmod(path, 0755);
	snprintf(name, sizeof(name), "%03u.out", p->number);
	if (!(f = fstest_open(dir, name, path, sizeof(path))))
		return -1;
	fprintf(f, "QA output created by %03u\nSilence is golden\n", p->number);
	if (fstest_close(f, path))
		return -1;
	snprintf(name, sizeof(name), "wbsim_stall_%03u.c", p->number);
	if (!(f = fstest_open(dir, name, path, sizeof(path))))
		return -1;
	fprintf(f, fstest_helper, p->number, p->number, p->number);
	fputs(fstest_helper_main, f);
	if (fstest_close(f, path))
		return -1;
	if (!(f = fstest_open(dir, "README", path, sizeof(path))))
		return -1;
	fprintf(f,
		"Generated by wbsim fstest from %s (scenario %s).\n"
		"\n"
		"NOT RUN ON A KERNEL: wbsim's tests only check that %03u passes bash -n and\n"
		"shellcheck and that wbsim_stall_%03u.c compiles with -Wall -Werror.\n"
		"\n"
		"To use it in an fstests tree:\n"
		"  cp %03u %03u.out tests/xfs/      (renumber to a free number)\n"
		"  cp wbsim_stall_%03u.c src/       and add wbsim_stall_%03u to TARGETS in\n"
		"                                   src/Makefile, linking with -lpthread\n"
		"\n"
		"What it expects: on 6.1 the file differs from file.compare (the race\n"
		"corrupts it: the test fails); on 6.2 and later it matches.  The writer is\n"
		"stalled with XFS's write_delay_ms error injection knob (CONFIG_XFS_DEBUG\n"
		"kernels from 6.2, as xfs/559 does) when the corrupted page is not the\n"
		"write's first, else with wbsim_stall_%03u (userfaultfd; needs root or\n"
		"vm.unprivileged_userfaultfd=1 for faults taken in the kernel's copy).\n",
		p->trace, p->sc->name, p->number, p->number, p->number, p->number, p->number,
		p->number, p->number);
	return fstest_close(f, path);
}

int cmd_fstest(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "number", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	unsigned number = 999;
	unsigned long long v;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case 'n':
			if (wb_parse_u64(optarg, &v) || v > 999) {
				wb_usage_error("fstest", "--number: expected 0..999, got '%s'", optarg);
				return EXIT_USAGE;
			}
			number = (unsigned)v;
			break;
		case 'h':
			fstest_help(stdout);
			return EXIT_OK;
		default:
			return wb_bad_option("fstest", argv, longopts);
		}
	}
	if (optind != argc - 1) {
		wb_usage_error("fstest", optind >= argc ? "missing TRACE" : "too many arguments");
		return EXIT_USAGE;
	}
	if (!dir) {
		wb_usage_error("fstest", "-o DIR is required");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	struct wb_trace tr;
	struct wb_job job;
	struct wb_exec ex;
	struct fstest_plan plan;
	char err[256];

	if (wb_trace_open(path, &tr, &job))
		return EXIT_USAGE;
	memset(&ex, 0, sizeof(ex));
	if (wb_exec_record(&job, tr.choices, tr.nchoices, false, &ex, err, sizeof(err)) ||
	    !ex.terminal) {
		fprintf(stderr, "%s: error: the trace does not replay to its end: %s\n", path, err);
		rc = EXIT_USAGE;
	} else if (ex.report.verdict != SIM_CORRUPT) {
		fprintf(stderr, "%s: error: the trace ends %s: there is no corruption to test\n",
			path, wb_verdict_name(ex.report.verdict));
		rc = EXIT_USAGE;
	} else if (fstest_plan(path, &job, &ex, &plan)) {
		rc = EXIT_USAGE;
	} else {
		plan.trace = path;
		plan.number = number;
		rc = fstest_files(dir, &plan) ? EXIT_USAGE : EXIT_OK;
		if (!rc)
			printf("wrote %s/%03u, %s/%03u.out, %s/wbsim_stall_%03u.c, %s/README "
			       "(not run on a kernel)\n",
			       dir, number, dir, number, dir, number, dir);
	}
	wb_exec_free(&ex);
	wb_trace_free(&tr);
	wb_job_close(&job);
	return rc;
}
