// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace top`: a live view of where inference servers run and where their memory sits.
 * The sampler stays attached for top's whole life; each interval is the difference of two of
 * its snapshots, modelled by report's code (np_report_build), laid out by output/top_frame.c
 * and drawn by ncurses (top_tui.c) or printed as text (-b).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/proc_choose.h"
#include "cli/signals.h"
#include "cli/top.h"
#include "lib/clock.h"
#include "lib/cpuset_bounds.h"
#include "lib/cpulist.h"
#include "lib/log.h"
#include "model/top_interval.h"
#include "output/top_rows.h"
#include "policy/thresholds.h"

static void top_usage(FILE *out)
{
	fprintf(out,
		"usage: numaplace top [--pid PID,... | --match REGEX | --all] [--interval SECS]\n"
		"                     [-b [-n COUNT]]\n"
		"\n"
		"  --pid PID,...      these processes and the children they fork\n"
		"  --match REGEX      processes whose comm or command line matches (extended "
		"regex)\n"
		"  --all              every process that ran in the interval\n"
		"                     (default: RSS >= %d MB, >= %.0f%% of a CPU, or using an "
		"accelerator)\n"
		"  --interval SECS    refresh every SECS seconds (1)\n"
		"  -b, --batch        print frames as plain text (for scripts and logs), no "
		"terminal needed\n"
		"  -n, --count COUNT  with -b: stop after COUNT frames (default: until Ctrl-C)\n"
		"\n"
		"Columns: CPUS is CPUs' worth of time in the interval; CPU/NODE and MEM/NODE show "
		"each\n"
		"node's share, one cell per node in node order; REMOTE the expected remote share "
		"of its\n"
		"memory reads; TGT the node it belongs on (WHY says why); RUN the node and time "
		"of\n"
		"numaplace run's last placement. Keys: q quit, s/S sort, / filter, Enter or d "
		"detail,\n"
		"p plan, P place (after a confirmation), r restore, arrows select.\n",
		NP_DEFAULT_MIN_RSS_MB, NP_DEFAULT_MIN_CPU * 100);
}

static int parse_option(struct np_args *p, int opt, struct np_top *t)
{
	switch (opt) {
	case 'i':
		if (np_args_seconds(p, 3600, "seconds, 0.1 to 3600", &t->interval))
			return NP_ARGS_STOP;
		/* a shorter interval costs more than it shows */
		if (t->interval < 0.1)
			return np_args_bad(p, "expected seconds, 0.1 to 3600");
		break;
	case 'n':
		return np_args_ulong(p, 1, 1000000000, "1 or more", &t->count);
	case 'p':
		t->pid_arg = optarg;
		break;
	case 'm':
		t->match = optarg;
		break;
	case 'a':
		t->all = true;
		break;
	case 'b':
		t->batch = true;
		break;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct np_top *t, int *exit_code)
{
	static const struct option options[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "match", required_argument, NULL, 'm' },
		{ "all", no_argument, NULL, 'a' },
		{ "interval", required_argument, NULL, 'i' },
		{ "batch", no_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct np_args p = { .command = "top",
			     .argc = argc,
			     .argv = argv,
			     .options = options,
			     .shortopts = "hbn:",
			     .usage = top_usage };
	int opt;

	while ((opt = np_args_next(&p)) > 0)
		if (parse_option(&p, opt, t))
			goto stop;
	if (opt == NP_ARGS_STOP)
		goto stop;
	if (t->all && (t->pid_arg || t->match)) {
		np_err("top: --all cannot be combined with --pid or --match");
		p.exit_code = NP_EXIT_USAGE;
		goto stop;
	}
	if (t->count && !t->batch) {
		np_err("top: -n counts batch frames: give -b too");
		p.exit_code = NP_EXIT_USAGE;
		goto stop;
	}
	return 0;
stop:
	*exit_code = p.exit_code;
	return NP_ARGS_STOP;
}

/* Processes chosen, topology read, root checked, sampler attached: NP_EXIT_* */
static int setup(struct np_top *t)
{
	struct np_sampler_opts sopts = { .sample_every = 64, .max_threads = 65536 };
	char msg[512] = "";
	int rc;

	rc = np_cli_choose_processes("top", t->pid_arg, t->match, &t->pids, &t->npids);
	if (rc)
		return rc;
	t->topo = np_cli_topo("top", "/");
	if (!t->topo)
		return NP_EXIT_RUNTIME;
	rc = np_cli_need_root("top", "to load BPF programs (or CAP_BPF, CAP_PERFMON and "
				     "CAP_SYS_NICE)");
	if (rc)
		return rc;
	t->scope = t->all ? NP_SCOPE_ALL : t->npids ? NP_SCOPE_PIDS : NP_SCOPE_DEFAULT;
	sopts.trace_all = t->scope != NP_SCOPE_PIDS;
	sopts.pids = t->pids;
	sopts.npids = t->scope == NP_SCOPE_PIDS ? t->npids : 0;
	sopts.want_kprobe = true;
	if (np_sampler_start(t->topo, &sopts, &t->sampler, msg, sizeof(msg))) {
		np_err("top: %s", msg);
		return NP_EXIT_RUNTIME;
	}
	gethostname(t->host, sizeof(t->host) - 1);
	/* the first interval's CPU figures start from here */
	np_top_nodes(t->topo, &t->cpu, &t->prev, t->nodes);
	return NP_EXIT_OK;
}

/* The rows of the interval: live processes, `numaplace run`'s word on each. */
static int make_rows(struct np_top *t)
{
	struct np_top_row *rows = calloc(t->report.nprocs + 1, sizeof(*rows));
	const struct np_status *status = t->have_status ? &t->status : NULL;
	char detail[128];

	if (!rows)
		return -ENOMEM;
	free(t->rows);
	t->rows = rows;
	t->nrows = 0;
	for (int i = 0; i < t->report.nprocs; i++) {
		const struct np_proc_model *p = &t->report.procs[i];
		struct np_top_row *r = &t->rows[t->nrows];

		if (p->exited)
			continue;
		np_top_row_from(p, t->report.data.window_ns, r);
		np_top_status_words(status, p->info.pid, r->run, sizeof(r->run), detail,
				    sizeof(detail));
		t->nrows++;
	}
	np_top_sort(t->rows, t->nrows, t->sort);
	return 0;
}

int np_top_interval_read(struct np_top *t)
{
	struct np_target_opts target = { .forced_device = -1, .forced_node = NP_NO_NODE };
	struct np_sample_data cur, diff;
	int err;

	err = np_sampler_snapshot(t->sampler, &cur);
	if (err)
		return err;
	err = np_top_interval(t->have_prev ? &t->prev : NULL, &cur, &diff);
	np_sample_data_free(&t->prev);
	t->prev = cur;
	t->have_prev = true;
	if (err)
		return err;
	np_report_free(&t->report);
	memset(&t->report, 0, sizeof(t->report));
	t->report.topo = t->topo;
	t->report.scope = t->scope;
	/* the default scope shows what run would look at, as report's does */
	t->report.min_rss_mb = NP_DEFAULT_MIN_RSS_MB;
	t->report.min_cpu = NP_DEFAULT_MIN_CPU;
	t->report.sample_every = 64;
	t->report.data = diff;
	target.window_ns = diff.window_ns;
	err = np_report_build(&t->report, t->scope == NP_SCOPE_PIDS ? t->pids : NULL,
			      t->scope == NP_SCOPE_PIDS ? t->npids : 0, &target);
	if (err)
		return err;
	t->have_status = np_top_status_load(&t->status);
	t->time_s = (long long)time(NULL);
	np_top_nodes(t->topo, &t->cpu, &t->report.data, t->nodes);
	return make_rows(t);
}

/* "cpus 0-7 mems 0" of its cgroup cpuset ("" when it cannot be read). */
static void cpuset_words(pid_t pid, char *buf, size_t len)
{
	char cpus[NP_CPULIST_MAX], mems[NP_CPULIST_MAX];
	int ids[64], n = 0;
	struct np_cpuset set;
	__u64 bits;

	buf[0] = '\0';
	if (np_cpuset_bounds_read("/", pid, &set, &bits))
		return;
	for (int i = 0; i < 64; i++)
		if (bits >> i & 1)
			ids[n++] = i;
	np_cpulist_format(&set, cpus, sizeof(cpus));
	np_rangelist_format(ids, n, mems, sizeof(mems));
	snprintf(buf, len, "cpus %s mems %s", cpus, n ? mems : "any");
}

static void free_detail(struct np_top *t)
{
	for (int i = 0; i < t->ndetail; i++)
		free(t->detail_lines[i]);
	t->ndetail = 0;
}

/* The selected process's pane, from this interval's model. */
static void build_detail(struct np_top *t)
{
	struct np_top_detail_in in = { .topo = t->topo, .window_ns = t->report.data.window_ns };
	char cpuset[2 * NP_CPULIST_MAX + 16], run[16], words[128];

	free_detail(t);
	for (int i = 0; i < t->report.nprocs && !in.proc; i++)
		if (t->report.procs[i].info.pid == t->selected)
			in.proc = &t->report.procs[i];
	if (!in.proc)
		return;
	cpuset_words(t->selected, cpuset, sizeof(cpuset));
	np_top_status_words(t->have_status ? &t->status : NULL, t->selected, run, sizeof(run),
			    words, sizeof(words));
	in.cpuset = cpuset;
	in.samples = t->report.data.samples;
	in.nsamples = t->report.data.nsamples;
	in.run = words;
	t->ndetail = np_top_detail(&in, t->detail_lines, NP_TOP_DETAIL_MAX);
}

void np_top_frame(struct np_top *t, struct np_top_frame *f, bool keys)
{
	bool found = false;

	np_top_sort(t->rows, t->nrows, t->sort);
	for (int i = 0; i < t->nrows; i++)
		found |= t->rows[i].pid == t->selected && np_top_visible(&t->rows[i], t->filter);
	/* the selection follows the first visible row when its process is gone */
	for (int i = 0; i < t->nrows && !found; i++)
		if (np_top_visible(&t->rows[i], t->filter)) {
			t->selected = t->rows[i].pid;
			found = true;
		}
	free_detail(t);
	if (t->detail && found)
		build_detail(t);
	*f = (struct np_top_frame){ .host = t->host,
				    .interval_s = t->interval,
				    .time_s = t->time_s,
				    .nnodes = t->topo->nnodes,
				    .nodes = t->nodes,
				    .nrows = t->nrows,
				    .rows = t->rows,
				    .sort = t->sort,
				    .filter = t->filter,
				    .selected = keys ? t->selected : 0,
				    .ndetail = t->ndetail,
				    .detail = (const char *const *)t->detail_lines,
				    .message = t->message[0] ? t->message : NULL,
				    .keys = keys };
}

double np_top_deadline(struct np_top *t)
{
	double now = np_now_s();

	/* fallen behind (a slow interval, a long look at a plan): start afresh from now */
	if (t->next_s < now)
		t->next_s = now + t->interval;
	return t->next_s;
}

/* Wait out an interval while the sampler's fault samples drain; false when stopped. */
static bool wait_interval(struct np_top *t)
{
	double end = np_top_deadline(t), left;

	while (!*t->stop && (left = end - np_now_s()) > 0)
		np_sampler_poll(t->sampler, left < 0.2 ? (int)(left * 1000) + 1 : 200);
	t->next_s += t->interval;
	return !*t->stop;
}

/* The terminal's width when stdout is one (at least 80), else 100. */
static int batch_width(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col >= 80)
		return ws.ws_col;
	return 100;
}

/* -b: a frame per interval, a blank line between frames. */
static int batch(struct np_top *t)
{
	struct np_top_frame f;
	struct np_top_lines l;
	int err;

	for (unsigned long n = 0; !t->count || n < t->count; n++) {
		if (!wait_interval(t))
			break;
		err = np_top_interval_read(t);
		if (!err) {
			np_top_frame(t, &f, false);
			err = np_top_layout(&f, batch_width(), 0, &l);
		}
		if (err) {
			np_err("top: %s", strerror(-err));
			return NP_EXIT_RUNTIME;
		}
		if (n)
			putchar('\n');
		for (int i = 0; i < l.nlines; i++)
			puts(l.lines[i]);
		fflush(stdout);
		np_top_lines_free(&l);
	}
	return NP_EXIT_OK;
}

static void cleanup(struct np_top *t)
{
	free_detail(t);
	if (t->sampler)
		np_sampler_destroy(t->sampler);
	np_sample_data_free(&t->prev);
	np_report_free(&t->report);
	np_status_free(&t->status);
	np_top_cpu_free(&t->cpu);
	np_cli_topo_free(t->topo);
	free(t->rows);
	free(t->pids);
}

int np_cmd_top(int argc, char **argv)
{
	struct np_top t = { .interval = 1 };
	int rc;

	if (parse_args(argc, argv, &t, &rc))
		return rc;
	if (!t.batch && (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))) {
		np_err("top: %s is not a terminal; use -b for batch mode",
		       isatty(STDOUT_FILENO) ? "stdin" : "stdout");
		return NP_EXIT_USAGE;
	}
	rc = setup(&t);
	if (!rc) {
		t.stop = np_cli_catch_stop();
		rc = t.batch ? batch(&t) : np_top_tui(&t);
		np_cli_release_stop();
	}
	cleanup(&t);
	return rc;
}
