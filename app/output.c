/* SPDX-License-Identifier: MIT */
/*
 * output.c - shared pieces of the commands: opening a job (scenario, settings,
 * model), schedules, recording an execution with descriptions and provenance.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "sim/xmalloc.h"

const char *wb_verdict_name(enum sim_verdict v)
{
	switch (v) {
	case SIM_SAFE:
		return "safe";
	case SIM_CORRUPT:
		return "corrupt";
	case SIM_DEADLOCK:
		return "deadlock";
	}
	return "?";
}

void wb_settings_text(const struct wb_config *cfg, char *buf, size_t n)
{
	wb_config_text(cfg, buf, n);
}

char *wb_count_text(const struct sim_count *c)
{
	char *t = sim_count_text(c);

	if (!t)
		wb_oom(0);
	return t;
}

/* The config as JSON-ready pairs for traces and --json: the kernel, then every switch. */
void wb_config_json_pairs(const struct wb_config *cfg, const char **k, const char **v, size_t *n)
{
	size_t i = 0;

	if (cfg->kernel) {
		k[i] = "kernel";
		v[i++] = cfg->kernel->version;
	}
	for (size_t s = 0; s < wb_nswitches; s++) {
		k[i] = wb_switches[s].name;
		v[i++] = wb_switch_value_name(&wb_switches[s], wb_switch_get(cfg, &wb_switches[s]));
	}
	*n = i;
}

static void wb_job_build(struct wb_job *job)
{
	const struct wb_scenario *sc = job->sc;

	wb_model_init(&job->m, sc, &job->cfg);
	job->sm.ops = &wb_sim_ops;
	job->sm.ctx = &job->m;
	job->sm.size = job->m.size;
	job->sm.key_size = job->m.pack.bytes;
	memcpy(job->sm.key_splits, job->m.pack.splits, sizeof(job->sm.key_splits));
	job->init = wb_world_new(&job->m);
	job->schedule = sc->schedules[job->cfg.validity_check].present
				? &sc->schedules[job->cfg.validity_check]
				: sc->schedule.present ? &sc->schedule : NULL;
}

int wb_settings_words_check(const char *list, char *err, size_t n)
{
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		char word[96];
		enum wb_check mode;

		snprintf(word, sizeof(word), "%.*s", (int)len, p);
		if (!strchr(word, '=') && wb_check_parse(word, &mode)) {
			snprintf(err, n, "expected KEY=VALUE, got '%s' (a word without '=' is "
					 "only taken as a validity_check mode: off, after_lock or "
					 "before_lock)", word);
			return -1;
		}
		p += len + (p[len] == ',');
	}
	return 0;
}

int wb_cli_setting_add(struct wb_cli_settings *set, const char *cmd, int key, const char *arg)
{
	char err[200];

	set->cmd = cmd;
	if (set->n == WB_MAX_SETTINGS) {
		wb_usage_error(cmd, "too many settings (at most %d)", WB_MAX_SETTINGS);
		return EXIT_USAGE;
	}
	const char *opt = key == 'S' ? "set" : key == 'c' ? "check" : "kernel";
	/* one setting per option: a comma would smuggle in others */
	if (strchr(arg, ',')) {
		wb_usage_error(cmd, "--%s '%s': one %s per option (no commas; repeat --set for "
				    "several)", opt, arg, key == 'S' ? "KEY=VALUE" : "value");
		return EXIT_USAGE;
	}
	if (key == 'S') {
		if (wb_settings_words_check(arg, err, sizeof(err))) {
			wb_usage_error(cmd, "--set: %s", err);
			return EXIT_USAGE;
		}
		set->kv[set->n++] = arg;
		return EXIT_OK;
	}
	int k = snprintf(set->buf[set->n], sizeof(set->buf[0]), "%s=%s",
			 key == 'c' ? "validity_check" : "kernel", arg);
	if (k < 0 || (size_t)k >= sizeof(set->buf[0])) {
		wb_usage_error(cmd, "--%s: no such value '%.40s...'", opt, arg);
		return EXIT_USAGE;
	}
	set->kv[set->n] = set->buf[set->n];
	set->n++;
	return EXIT_OK;
}

int wb_job_open(struct wb_job *job, const char *path, const struct wb_cli_settings *set)
{
	char err[512]; /* the unknown-setting error lists every switch */

	memset(job, 0, sizeof(*job));
	job->sc = wb_scenario_load(path, stderr);
	if (!job->sc)
		return EXIT_USAGE;
	job->cfg = job->sc->config;
	/* the command line is one layer: its kernel preset first, then --check/--set in order */
	size_t len = 1;
	for (size_t i = 0; set && i < set->n; i++)
		len += strlen(set->kv[i]) + 1;
	char *list = wb_xcalloc(len, 1);
	for (size_t i = 0; set && i < set->n; i++) {
		if (i)
			strcat(list, ",");
		strcat(list, set->kv[i]);
	}
	int rc = wb_config_apply_list(&job->cfg, list, err, sizeof(err));
	free(list);
	if (rc) {
		/* a bad --check, --kernel or --set is a usage error of the command */
		if (set && set->cmd)
			wb_usage_error(set->cmd, "%s", err);
		else
			fprintf(stderr, "wbsim: error: %s\n", err);
		wb_scenario_free(job->sc);
		job->sc = NULL;
		return EXIT_USAGE;
	}
	wb_job_build(job);
	return EXIT_OK;
}

void wb_job_with_config(struct wb_job *job, struct wb_scenario *sc, const struct wb_config *cfg)
{
	memset(job, 0, sizeof(*job));
	job->sc = sc;
	job->cfg = *cfg;
	wb_job_build(job);
}

int wb_job_from(struct wb_job *job, struct wb_scenario *sc, const char *settings, char *err,
		size_t n)
{
	memset(job, 0, sizeof(*job));
	job->sc = sc;
	job->cfg = sc->config;
	if (wb_config_apply_list(&job->cfg, settings, err, n))
		return -1;
	wb_job_build(job);
	return 0;
}

void wb_job_close(struct wb_job *job)
{
	free(job->init);
	if (job->sc)
		wb_scenario_free(job->sc);
	memset(job, 0, sizeof(*job));
}

char **wb_split_list(const char *s, size_t *n)
{
	char **v = NULL;
	size_t k = 0;
	const char *p = s;

	while (p && *p) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		while (len && (*p == ' ')) {
			p++;
			len--;
		}
		while (len && p[len - 1] == ' ')
			len--;
		v = wb_xrealloc(v, (k + 1) * sizeof(char *));
		v[k] = wb_xmalloc(len + 1);
		memcpy(v[k], p, len);
		v[k][len] = 0;
		k++;
		if (!c)
			break;
		p = c + 1;
	}
	*n = k;
	return v;
}

void wb_free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int wb_schedule_entries(char **texts, size_t n, const char *pointer,
			struct sim_sched_entry **out, char *err, size_t errn)
{
	struct sim_sched_entry *e = wb_xcalloc(n ? n : 1, sizeof(*e));

	for (size_t i = 0; i < n; i++) {
		if (sim_sched_parse(texts[i], &e[i], err, errn)) {
			free(e);
			return -1;
		}
		e[i].where = pointer;
	}
	*out = e;
	return 0;
}

/* Re-execute a choice list step by step and label each step. */
char *wb_choices_schedule(struct wb_job *job, const uint16_t *choices, size_t n,
			  unsigned *preemptions)
{
	const struct sim_model *sm = &job->sm;
	void *w = wb_xmalloc(sm->size);
	struct sim_action act[SIM_MAX_ENABLED];
	struct sim_label *lab = wb_xcalloc(n ? n : 1, sizeof(*lab));
	size_t cap = 256, len = 0, i;
	char *out = wb_xmalloc(cap);
	uint32_t last = 0; /* the previous step's actor + 1 */

	*preemptions = 0;
	out[0] = 0;
	memcpy(w, job->init, sm->size);
	for (i = 0; i < n; i++) {
		unsigned k = sm->ops->enabled(sm->ctx, w, act);
		if (choices[i] >= k)
			break;
		sm->ops->label(sm->ctx, w, act[choices[i]].id, &lab[i]);
		if (sim_is_preemption(last, act, k, act[choices[i]].actor))
			(*preemptions)++;
		last = act[choices[i]].actor + 1;
		sm->ops->apply(sm->ctx, w, act[choices[i]].id);
	}
	n = i;
	/* one entry per maximal run of one actor, TASK:LASTSTEP, split where the last
	 * step name occurs earlier in the run (the entry would stop there) */
	for (i = 0; i < n;) {
		size_t j = i + 1, cut;
		while (j < n && !strcmp(lab[j].actor, lab[i].actor) && lab[j - 1].arg < 0)
			j++;
		for (cut = i + 1; cut < j; cut++) {
			size_t q;
			for (q = i; q < cut; q++)
				if (!strcmp(lab[q].step, lab[cut].step))
					break;
			if (q < cut)
				break;
		}
		char ent[128];
		const struct sim_label *l = &lab[cut - 1];
		if (l->arg >= 0)
			snprintf(ent, sizeof(ent), "%s:%s@%d", l->actor, l->step, l->arg);
		else
			snprintf(ent, sizeof(ent), "%s:%s", l->actor, l->step);
		while (len + strlen(ent) + 2 > cap) {
			cap *= 2;
			out = wb_xrealloc(out, cap);
		}
		len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "," : "", ent);
		i = cut;
	}
	free(lab);
	free(w);
	return out;
}

struct wb_rec_ctx {
	struct wb_job *job;
	struct wb_exec *ex;
	bool with_state;
	FILE *state;
	char *state_buf;
	size_t state_len;
};

static void wb_rec_cb(void *cbctx, size_t index, const void *before, const void *after,
		      uint32_t action)
{
	struct wb_rec_ctx *rc = cbctx;
	struct wb_exec *ex = rc->ex;
	struct sim_label lab;
	struct wb_step_rec *s;

	(void)index;
	if (ex->nsteps == ex->cap) { /* amortised: doubling, not one step per realloc */
		ex->cap = ex->cap ? 2 * ex->cap : 64;
		ex->steps = wb_xrealloc(ex->steps, ex->cap * sizeof(*ex->steps));
		if (rc->with_state)
			ex->state_off = wb_xrealloc(ex->state_off, ex->cap * sizeof(size_t));
	}
	s = &ex->steps[ex->nsteps];
	memset(s, 0, sizeof(*s));
	wb_sim_ops.label(&rc->job->m, before, action, &lab);
	memcpy(s->actor, lab.actor, sizeof(s->actor));
	s->step = lab.step;
	s->models = wb_action_kernel_fn(&rc->job->m, before, action);
	s->arg = lab.arg;
	s->desc = wb_xstrdup(rc->job->m.desc);
	s->seq_after = wb_inode(WBC(after))->seq;
	s->i_size_after = wb_inode(WBC(after))->i_size;
	s->fp = *rc->job->m.fp;
	s->events = rc->job->m.events;
	{
		const struct wb_model *m = &rc->job->m;
		char buf[WB_EXTENTS_TEXT_MAX], *fol = NULL;
		size_t flen = 0;
		unsigned slot = WB_ACTION_SLOT(action);

		wb_extents_text(m, after, buf, sizeof(buf));
		s->extents = wb_xstrdup(buf);
		if (slot < WB_IO_SLOT0) { /* a writer's cached mapping, if it has one */
			wb_mapping_text(m, after, slot, buf, sizeof(buf));
			if (!buf[0])
				wb_mapping_text(m, before, slot, buf, sizeof(buf));
			if (buf[0])
				s->mapping = wb_xstrdup(buf);
		}
		FILE *f = wb_xopen_memstream(&fol, &flen);
		for (unsigned i = 0; i < s->fp.n; i++) {
			unsigned loc = s->fp.v[i].loc;
			if (loc >= WB_LOC_FOLIO(m, 0) && loc < WB_LOC_EXT(m, 0) &&
			    (s->fp.v[i].kind & WB_FP_WRITE)) {
				wb_folio_text(m, after, loc - WB_LOC_FOLIO(m, 0), buf, sizeof(buf));
				fprintf(f, "%s\n", buf);
			}
		}
		wb_xclose_memstream(f);
		s->folios = fol;
	}
	if (rc->with_state) {
		fflush(rc->state);
		ex->state_off[ex->nsteps] = (size_t)ftell(rc->state);
		wb_world_print(&rc->job->m, after, rc->state);
		fputc(0, rc->state);
	}
	ex->nsteps++;
}

int wb_exec_record(struct wb_job *job, const uint16_t *choices, size_t n, bool with_state,
		   struct wb_exec *ex, char *err, size_t errn)
{
	struct wb_rec_ctx rc = { .job = job, .ex = ex, .with_state = with_state };
	struct wb_footprint fp;
	struct sim_run_opts o = { .choices = choices, .nchoices = n, .cb = wb_rec_cb, .cbctx = &rc };
	struct sim_run run;
	char desc[2048];
	enum sim_run_error e;

	memset(ex, 0, sizeof(*ex));
	wb_prov_init(&ex->prov, &job->m);
	job->m.prov = &ex->prov;
	job->m.desc = desc;
	job->m.desc_len = sizeof(desc);
	job->m.fp = &fp;
	fp.n = 0;
	desc[0] = 0;
#ifdef WBSIM_CHECK_EVERY_STEP
	o.check_every_step = true;
#endif
	if (with_state)
		rc.state = wb_xopen_memstream(&rc.state_buf, &rc.state_len);
	e = sim_run_execute(&job->sm, job->init, &o, &run, err, errn);
	if (with_state) {
		wb_xclose_memstream(rc.state);
		ex->states = rc.state_buf;
	}
	ex->terminal = run.terminal;
	if (!e && run.terminal)
		wb_oracle(&job->m, run.world, &ex->report);
	sim_run_free(&run);
	job->m.prov = NULL;
	job->m.desc = NULL;
	job->m.fp = NULL;
	for (size_t i = 0; i < ex->nsteps; i++)
		ex->steps[i].choice = choices[i];
	return (int)e;
}

void wb_exec_free(struct wb_exec *ex)
{
	for (size_t i = 0; i < ex->nsteps; i++) {
		free(ex->steps[i].desc);
		free(ex->steps[i].extents);
		free(ex->steps[i].mapping);
		free(ex->steps[i].folios);
	}
	free(ex->steps);
	free(ex->states);
	free(ex->state_off);
	wb_prov_free(&ex->prov);
	memset(ex, 0, sizeof(*ex));
}

int wb_parse_u64(const char *s, unsigned long long *out)
{
	char *end;

	/* digits only: strtoull would take leading blanks, a sign, and saturate */
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return *end || errno == ERANGE ? -1 : 0;
}

volatile int wb_interrupted;
volatile int *wb_stop_also;

static void wb_on_signal(int sig)
{
	wb_interrupted = sig;
	if (wb_stop_also)
		*wb_stop_also = 1;
}

void wb_catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = wb_on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int wb_output_check(const char *cmd, const char *opt, const char *path)
{
	struct stat st;
	char dir[4096];
	const char *slash;

	if (!strcmp(path, "-")) {
		/* standard output carries the report: a diagram or trace there would mix with it */
		wb_usage_error(cmd, "%s -: standard output holds the report; write %s to a file "
				    "(wbsim dot TRACE writes DOT to standard output)", opt, opt);
		return EXIT_USAGE;
	}
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			wb_usage_error(cmd, "%s %s: is a directory", opt, path);
			return EXIT_USAGE;
		}
		if (S_ISREG(st.st_mode) && access(path, W_OK) != 0) {
			wb_usage_error(cmd, "%s %s: %s", opt, path, strerror(errno));
			return EXIT_USAGE;
		}
		if (!S_ISREG(st.st_mode))
			return EXIT_OK; /* a device or FIFO: written in place */
	}
	/* the temporary file goes beside it: the directory must take it */
	slash = strrchr(path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
		 slash ? path : ".");
	if (access(dir, W_OK | X_OK) != 0) {
		wb_usage_error(cmd, "%s %s: cannot create it in %s: %s", opt, path, dir,
			       strerror(errno));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int wb_finish_stdout(int rc)
{
	/* a full disk or a closed file shows only now: the results did not get out */
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		fprintf(stderr, "wbsim: error: cannot write the results to standard output: %s\n",
			strerror(errno ? errno : EIO));
		return rc == EXIT_INTERNAL ? rc : EXIT_USAGE;
	}
	return rc;
}

int wb_write_text(const char *path, const char *text, size_t len)
{
	char tmp[4200];
	FILE *f;
	int err;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	if (fwrite(text, 1, len, f) != len) {
		err = errno;
		fclose(f);
		unlink(tmp);
		errno = err;
		return -1;
	}
	if (fclose(f) != 0) {
		err = errno;
		unlink(tmp);
		errno = err;
		return -1;
	}
	return wb_commit_output(tmp, path);
}

int wb_commit_output(const char *tmp, const char *path)
{
	struct stat st;
	char buf[65536];
	ssize_t k;
	int in, out, err = 0;

	if (lstat(path, &st) != 0 || S_ISREG(st.st_mode)) {
		if (rename(tmp, path) == 0)
			return 0;
		err = errno;
		unlink(tmp);
		errno = err;
		return -1;
	}
	/* not a regular file: write into it (following a symlink), never replace it */
	in = open(tmp, O_RDONLY);
	out = in < 0 ? -1 : open(path, O_WRONLY | O_TRUNC);
	if (in < 0 || out < 0)
		err = errno;
	while (!err && (k = read(in, buf, sizeof(buf))) != 0) {
		if (k < 0) {
			err = errno;
			break;
		}
		for (ssize_t done = 0; done < k;) {
			ssize_t w = write(out, buf + done, (size_t)(k - done));
			if (w < 0) {
				err = errno;
				break;
			}
			done += w;
		}
	}
	if (out >= 0 && close(out) != 0 && !err)
		err = errno;
	if (in >= 0)
		close(in);
	unlink(tmp);
	errno = err;
	return err ? -1 : 0;
}

int wb_parse_size(const char *s, size_t *out)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	char *end;
	const char *u;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	v = strtoull(s, &end, 10);
	if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u || !*u || end[1])
			return -1;
		for (long k = 0; k <= u - units; k++) {
			if (v > (~0ull >> 10))
				return -1;
			v <<= 10;
		}
	}
	if (v > SIZE_MAX)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* 80% of b if it is smaller than the limit so far (0: none yet). */
static void wb_mem_bound(size_t *lim, unsigned long long b)
{
	size_t v;

	if (!b)
		return;
	v = (size_t)(b / 5 * 4);
	if (!*lim || v < *lim)
		*lim = v;
}

/* The address space this process holds now (VmSize), in bytes; 0 if unknown. */
static unsigned long long wb_address_space_used(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSize: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

size_t wb_default_max_memory(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGE_SIZE);
	size_t lim = 0;
	struct rlimit rl;
	FILE *f;

	if (pages > 0 && psz > 0)
		wb_mem_bound(&lim, (unsigned long long)pages * (unsigned long long)psz);
	if (!getrlimit(RLIMIT_AS, &rl) && rl.rlim_cur != RLIM_INFINITY) {
		/* what is left of the address space: the program and its libraries hold some */
		unsigned long long left = rl.rlim_cur, vm = wb_address_space_used();
		wb_mem_bound(&lim, vm < left ? left - vm : 1);
	}
	if (!getrlimit(RLIMIT_DATA, &rl) && rl.rlim_cur != RLIM_INFINITY)
		wb_mem_bound(&lim, rl.rlim_cur);
	/* a container's limit (cgroup v2): "max" or a number of bytes */
	f = fopen("/sys/fs/cgroup/memory.max", "r");
	if (f) {
		unsigned long long v;
		if (fscanf(f, "%llu", &v) == 1)
			wb_mem_bound(&lim, v);
		fclose(f);
	}
	return lim;
}

int wb_parse_seconds(const char *cmd, const char *s, double *out)
{
	char *end;

	*out = strtod(s, &end);
	if (!*s || *end || !(*out > 0)) {
		wb_usage_error(cmd, "--time-limit: expected seconds > 0, got '%s'", s);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int wb_bad_option(const char *cmd, char **argv, const struct option *longopts)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	if (!strncmp(arg, "--", 2)) {
		size_t len = strcspn(arg + 2, "=");
		for (const struct option *o = longopts; o && o->name; o++)
			if (strlen(o->name) == len && !strncmp(o->name, arg + 2, len)) {
				wb_usage_error(cmd, "option '--%s' %s", o->name,
					       o->has_arg == no_argument ? "takes no value"
									 : "needs a value");
				return EXIT_USAGE;
			}
		wb_usage_error(cmd, "unknown option '%s'", arg);
	} else if (optopt) {
		wb_usage_error(cmd, "unknown option '-%c', or it needs a value", optopt);
	} else {
		wb_usage_error(cmd, "unknown option '%s'", arg);
	}
	return EXIT_USAGE;
}

void wb_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "wbsim %s: error: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'wbsim %s --help'.\n", cmd);
}

unsigned wb_default_threads(void)
{
	cpu_set_t set;
	int n = 0;

	if (!sched_getaffinity(0, sizeof(set), &set))
		n = CPU_COUNT(&set);
	if (n <= 0)
		n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n <= 0)
		n = 1;
	return n > SIM_MAX_THREADS ? SIM_MAX_THREADS : (unsigned)n;
}

int wb_parse_threads(const char *cmd, const char *arg, unsigned *out)
{
	unsigned long long v;

	if (wb_parse_u64(arg, &v) || v == 0 || v > SIM_MAX_THREADS) {
		wb_usage_error(cmd, "--threads: expected a number from 1 to %d, got '%s'",
			       SIM_MAX_THREADS, arg);
		return EXIT_USAGE;
	}
	*out = (unsigned)v;
	return 0;
}

/* A word as the shell reads it back: as is when safe, else in single quotes. */
static void wb_print_word(FILE *f, const char *w)
{
	if (*w && w[strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			      "0123456789_-+./:=,@%")] == '\0') {
		fputs(w, f);
		return;
	}
	fputc('\'', f);
	for (; *w; w++) {
		if (*w == '\'')
			fputs("'\\''", f);
		else
			fputc(*w, f);
	}
	fputc('\'', f);
}

/* One setting as its option: --check MODE, --kernel V or --set K=V (len: its length). */
static void wb_print_setting(FILE *f, const char *kv, size_t len)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%.*s", (int)len, kv);
	if (!strncmp(buf, "validity_check=", 15)) {
		fputs(" --check ", f);
		wb_print_word(f, buf + 15);
	} else if (!strchr(buf, '=')) { /* a bare mode, short for --check MODE */
		fputs(" --check ", f);
		wb_print_word(f, buf);
	} else if (!strncmp(buf, "kernel=", 7)) {
		fputs(" --kernel ", f);
		wb_print_word(f, buf + 7);
	} else {
		fputs(" --set ", f);
		wb_print_word(f, buf);
	}
}

/*
 * "wbsim run PATH" with each setting of the lists kv[0..n) ("K=V,K=V" each)
 * as its own option, then the schedule.  A --kernel preset is applied first
 * wherever it stands, so one option per piece means what the list meant.
 */
static void wb_fprint_run_lists(FILE *f, const char *path, const char *const *kv, size_t n,
				const char *schedule)
{
	fputs("wbsim run ", f);
	wb_print_word(f, path);
	for (size_t i = 0; i < n; i++)
		for (const char *s = kv[i]; s && *s;) {
			size_t len = strcspn(s, ",");
			if (len)
				wb_print_setting(f, s, len);
			s += len + (s[len] == ',');
		}
	fputs(" --schedule ", f);
	wb_print_word(f, schedule);
	fputc('\n', f);
}

void wb_fprint_run(FILE *f, const char *path, const char *settings, const char *schedule)
{
	wb_fprint_run_lists(f, path, &settings, 1, schedule);
}

/*
 * The counterexample as a command that reproduces it: wbsim run with the
 * settings of this command line (the kernel preset, --check, --set, in the
 * order given, as wbsim run applies them) and the schedule.
 */
void wb_print_reproduce(const char *path, const struct wb_cli_settings *set,
			const char *schedule)
{
	fputs("  reproduce: ", stdout);
	wb_fprint_run_lists(stdout, path, set->kv, set->n, schedule);
}
