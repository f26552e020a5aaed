/* SPDX-License-Identifier: MIT */
/*
 * dot_render.c - a diagram's output: the DOT text (from viz) written
 * atomically to a file or to stdout, and --svg, which runs Graphviz's
 * dot -Tsvg on it: dot must be on PATH, exit 0 and print nothing, or the
 * command fails with exit 2.  Also run's and explore's --dot/--svg, drawn from
 * the recorded execution.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/app.h"
#include "app/dot_out.h"
#include "sim/xmalloc.h"

extern char **environ;

/* ---- output: the DOT file, and dot -Tsvg ---- */

static int write_file(const char *path, const char *text, size_t len)
{
	if (wb_write_text(path, text, len) != 0) {
		fprintf(stderr, "wbsim dot: error: cannot write %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Read a pipe to its end. */
static char *read_all(int fd)
{
	size_t len = 0, cap = 256;
	char *s = wb_xmalloc(cap);
	ssize_t k;

	for (;;) {
		if (len + 1 == cap)
			s = wb_xrealloc(s, cap *= 2);
		k = read(fd, s + len, cap - len - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	s[len] = 0;
	return s;
}

/* Run `dot -Tsvg -o OUT IN`, its stdout and stderr into a pipe; fills *msg, returns status. */
static int spawn_dot(const char *in, const char *out, char **msg, int *status)
{
	char *argv[] = { "dot", "-Tsvg", "-o", (char *)out, (char *)in, NULL };
	posix_spawn_file_actions_t fa;
	int p[2], rc;
	pid_t pid;

	if (pipe(p))
		return errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	rc = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc) {
		close(p[0]);
		return rc;
	}
	*msg = read_all(p[0]);
	close(p[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return 0;
}

static int dot_failed(const char *svg, const char *what, const char *msg)
{
	fprintf(stderr, "wbsim dot: error: dot -Tsvg for %s %s%s%s", svg, what, msg[0] ? ":\n" : "",
		msg);
	if (msg[0] && msg[strlen(msg) - 1] != '\n')
		fputc('\n', stderr);
	if (!msg[0])
		fputc('\n', stderr);
	return EXIT_USAGE;
}

/* Render DOT (already in the file `in`) to svg_path via a temporary file. */
static int render_svg(const char *in, const char *svg_path)
{
	char tmp[4200], what[64], *msg = NULL;
	int status = 0, rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", svg_path, (long)getpid());
	rc = spawn_dot(in, tmp, &msg, &status);
	if (rc == ENOENT) {
		fprintf(stderr, "wbsim dot: error: --svg needs Graphviz's dot program, and "
				"there is no 'dot' on PATH (install graphviz, or write DOT "
				"with -o)\n");
		return EXIT_USAGE;
	}
	if (rc) {
		fprintf(stderr, "wbsim dot: error: cannot run dot: %s\n", strerror(rc));
		return EXIT_USAGE;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFEXITED(status))
			snprintf(what, sizeof(what), "failed (exit %d)", WEXITSTATUS(status));
		else
			snprintf(what, sizeof(what), "died (signal %d)", WTERMSIG(status));
		rc = dot_failed(svg_path, what, msg);
	} else if (msg[0]) {
		rc = dot_failed(svg_path, "printed warnings (a wbsim bug: please report)", msg);
	} else if (wb_commit_output(tmp, svg_path) != 0) {
		fprintf(stderr, "wbsim dot: error: cannot write %s: %s\n", svg_path,
			strerror(errno));
		rc = EXIT_USAGE;
	}
	if (rc)
		unlink(tmp);
	free(msg);
	return rc;
}

/* Render DOT text held in memory: through dot_path if written, else a temporary file. */
static int render_text(const char *text, size_t len, const char *dot_path, const char *svg_path)
{
	const char *dir = getenv("TMPDIR");
	char in[4200];
	int fd, rc;

	if (dot_path)
		return render_svg(dot_path, svg_path);
	snprintf(in, sizeof(in), "%s/wbsim-dot-XXXXXX", dir && dir[0] ? dir : "/tmp");
	fd = mkstemp(in);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		fprintf(stderr, "wbsim dot: error: cannot write a temporary file %s: %s\n", in,
			strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(in);
		}
		return EXIT_USAGE;
	}
	close(fd);
	rc = render_svg(in, svg_path);
	unlink(in);
	return rc;
}

int wb_dot_write(int (*gen)(const void *ctx, FILE *out), const void *ctx, const char *dot_path,
		 const char *svg_path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = wb_xopen_memstream(&text, &len);
	int rc = EXIT_OK;

	if (gen(ctx, f)) {
		fclose(f);
		fprintf(stderr, "wbsim dot: internal error: cannot build the diagram\n");
		free(text);
		return EXIT_INTERNAL;
	}
	wb_xclose_memstream(f);
	if (dot_path)
		rc = write_file(dot_path, text, len);
	else if (!svg_path && (fwrite(text, 1, len, stdout) != len || fflush(stdout)))
		rc = EXIT_USAGE;
	if (!rc && svg_path)
		rc = render_text(text, len, dot_path, svg_path);
	free(text);
	return rc;
}

/* ---- one trace's diagram ---- */

struct single_ctx {
	const struct viz_trace *vt;
	struct viz_opts opts;
};

static int gen_single(const void *ctx, FILE *out)
{
	const struct single_ctx *c = ctx;

	return viz_write_dot(c->vt, &c->opts, out);
}

int wb_dot_draw(const struct viz_trace *vt, const struct viz_opts *vo, const char *dot_path,
		const char *svg_path)
{
	struct single_ctx c = { .vt = vt };

	if (vo)
		c.opts = *vo;

	return wb_dot_write(gen_single, &c, dot_path, svg_path);
}

/* run/explore --dot FILE and --svg FILE: the recorded execution, converted directly. */
int wb_dot_outputs(struct wb_job *job, const struct wb_exec *ex, const char *dot, const char *svg)
{
	struct wb_dot_mem mm = { 0 };
	struct viz_trace vt;
	int rc;

	if (!dot && !svg)
		return EXIT_OK;
	wb_viz_from_exec(&mm, job, ex, &vt);
	rc = wb_dot_draw(&vt, NULL, dot, svg);
	wb_dot_mem_free(&mm);
	return rc;
}
