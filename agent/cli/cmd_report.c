// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace report`: trace for a window, then tell which processes and threads read remote
 * memory, how much, why, and what to do about it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

#include "act/place_cgroup.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/output.h"
#include "cli/proc_choose.h"
#include "cli/signals.h"
#include "lib/log.h"
#include "output/report_output.h"
#include "policy/shared_files.h"
#include "policy/thresholds.h"
#include "sample/window.h"
#include "topo/device_name.h"

struct report_args {
	double duration;
	const char *pid_arg, *match, *device, *output;
	bool json, all;
	unsigned int sample_every;
};

static void report_usage(FILE *out)
{
	fprintf(out,
		"usage: numaplace report [--duration SECS] [--pid PID,...] [--match REGEX] [--all]\n"
		"                        [--device DEV] [--sample-every N] [--json] [-o FILE]\n"
		"\n"
		"  --duration SECS    sampling window (10); Ctrl-C ends it early and still reports\n"
		"  --pid PID,...      these processes and the children they fork\n"
		"  --match REGEX      processes whose comm or command line matches (extended regex)\n"
		"  --all              every process that ran in the window\n"
		"                     (default: RSS >= %d MB, >= %.0f%% of a CPU, or using an accelerator)\n"
		"  --device DEV       take this accelerator's node as the target: 0000:41:00.0,\n"
		"                     nvidia-smi's 00000000:41:00.0, the short 41:00.0, or a GPU UUID\n"
		"  --sample-every N   record 1 in N user page faults with its address (64)\n"
		"  --json             one JSON document (numaplace(8): JSON SCHEMAS)\n"
		"  -o, --output FILE  write the report to FILE instead of stdout (a regular file or a\n"
		"                     character device; a symlink is not followed)\n"
		"\n"
		"the table, a row per process (see numaplace(8), REPORT OUTPUT; \"-\": no figure):\n"
		"  PID COMM THR       process id, name (cut with \"...\"), threads\n"
		"  CPU%% BY NODE       CPU time on each node's CPUs, %% of one CPU: \"0:12 1:188\"\n"
		"  MEM MB BY NODE     resident memory on each node, in MB: \"0:64 1:3000\"\n"
		"  REMOTE             expected share of its reads that are remote (0.00-1.00): its\n"
		"                     CPU time on each node times its memory on the other nodes\n"
		"  SAMPLED            that share as measured: NUMA hinting faults, or sampled page\n"
		"                     faults while AutoNUMA is on\n"
		"  1ST-TOUCH          share of sampled faults placing pages off its busiest node\n"
		"  TARGET             the node it belongs on; the line under it says why\n"
		"  under a row: target: (why that node), AutoNUMA: (pages the kernel migrated, times\n"
		"  it moved its threads), in: (container, pod, unit), accelerators (devices it uses),\n"
		"  by node: (the by-node figures when they do not fit the row, which shows totals)\n"
		"worst threads: REMOTE per thread; NODE CHANGES: times it ran on another node than\n"
		"  the time before\n",
		NP_DEFAULT_MIN_RSS_MB, NP_DEFAULT_MIN_CPU * 100);
}

static int parse_args(int argc, char **argv, struct report_args *a, int *exit_code)
{
	static const struct option options[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "pid", required_argument, NULL, 'p' },
		{ "match", required_argument, NULL, 'm' },
		{ "all", no_argument, NULL, 'a' },
		{ "device", required_argument, NULL, 'D' },
		{ "sample-every", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct np_args p = { .command = "report",
			     .argc = argc,
			     .argv = argv,
			     .options = options,
			     .shortopts = "ho:",
			     .usage = report_usage };
	unsigned long value;
	int opt;

	while ((opt = np_args_next(&p)) > 0) {
		switch (opt) {
		case 'd':
			if (np_args_seconds(&p, 86400, "seconds, more than 0", &a->duration))
				goto stop;
			break;
		case 's':
			if (np_args_ulong(&p, 1, 1000000, "one in N page faults", &value))
				goto stop;
			a->sample_every = (unsigned int)value;
			break;
		case 'p':
			a->pid_arg = optarg;
			break;
		case 'm':
			a->match = optarg;
			break;
		case 'D':
			a->device = optarg;
			break;
		case 'o':
			a->output = optarg;
			break;
		case 'a':
			a->all = true;
			break;
		case 'j':
			a->json = true;
			break;
		}
	}
	if (opt == NP_ARGS_STOP)
		goto stop;
	if (a->all && (a->pid_arg || a->match)) {
		np_err("report: --all cannot be combined with --pid or --match");
		p.exit_code = NP_EXIT_USAGE;
		goto stop;
	}
	return 0;
stop:
	*exit_code = p.exit_code;
	return NP_ARGS_STOP;
}

/* --device: an accelerator of this host, as an index into topo->devices (-1 without). */
static int choose_device(const struct np_topo *topo, const char *device, int *index)
{
	char why[256];

	*index = -1;
	if (!device)
		return NP_EXIT_OK;
	*index = np_topo_device_resolve("/", topo, device, why, sizeof(why));
	/* an address no device has, or one that is no accelerator: the words of before */
	if ((*index == -ENOENT && strncasecmp(device, "GPU-", 4)) ||
	    (*index >= 0 && topo->devices[*index].kind != NP_DEV_ACCEL))
		snprintf(why, sizeof(why), "no such accelerator");
	if (*index < 0 || topo->devices[*index].kind != NP_DEV_ACCEL) {
		np_err("report: --device %s: %s (see 'numaplace topo')", device, why);
		*index = -1;
		return NP_EXIT_USAGE;
	}
	return NP_EXIT_OK;
}

/*
 * Every process (filtered afterwards) or the chosen ones and their children, for the window;
 * Ctrl-C or SIGTERM ends it early and the report still comes.
 */
static int sample(struct np_report *report, const struct report_args *a, pid_t *pids, int npids)
{
	struct np_sampler_opts sopts = { .sample_every = a->sample_every, .max_threads = 65536 };
	struct np_sampler *sampler = NULL;
	char msg[512] = "";
	int err;

	sopts.trace_all = report->scope != NP_SCOPE_PIDS;
	sopts.pids = pids;
	sopts.npids = report->scope == NP_SCOPE_PIDS ? npids : 0;
	sopts.want_kprobe = true;
	err = np_sampler_start(report->topo, &sopts, &sampler, msg, sizeof(msg));
	if (err) {
		np_err("report: %s", msg);
		return err;
	}
	np_sample_window(sampler, a->duration, np_cli_catch_stop());
	np_cli_release_stop();
	err = np_sampler_stop(sampler, &report->data);
	if (err)
		np_err("report: reading the sampler's maps: %s", strerror(-err));
	np_sampler_destroy(sampler);
	return err;
}

/*
 * The files each process shares with others and whether its placement on its target node
 * would move them (policy/shared_files.h). One walk of /proc per process that maps a big
 * shared data file; none for the others.
 */
static void shared_files(struct np_report *report)
{
	report->shared = calloc(report->nprocs + 1, sizeof(*report->shared));
	for (int i = 0; report->shared && i < report->nprocs; i++) {
		const struct np_proc_model *p = &report->procs[i];

		if (p->exited ||
		    np_shared_files_read("/", report->topo, p->info.pid, &report->shared[i]))
			continue;
		np_shared_decide(&report->shared[i], p->target_node, NULL, 0);
	}
}

/*
 * A process whose cgroup cpuset leaves its target node out: report names the conflict and
 * its fix instead of a `numaplace place` that would be refused.
 */
static void cpuset_conflicts(struct np_report *report)
{
	report->cpuset_conflicts = calloc(report->nprocs + 1, sizeof(char *));
	for (int i = 0; report->cpuset_conflicts && i < report->nprocs; i++) {
		const struct np_proc_model *p = &report->procs[i];
		int node = np_topo_node_index(report->topo, p->target_node);

		if (!p->exited && node >= 0)
			report->cpuset_conflicts[i] =
				np_place_cgroup_conflict(p->info.pid, &report->topo->nodes[node]);
	}
}

/* Model what was sampled and print it. */
static int build_and_print(struct np_report *report, struct np_target_opts *target,
			   const struct report_args *a, pid_t *pids, int npids, FILE *out)
{
	bool chosen = report->scope == NP_SCOPE_PIDS;
	int err;

	report->sample_every = a->sample_every;
	target->window_ns = report->data.window_ns;
	err = np_report_build(report, chosen ? pids : NULL, chosen ? npids : 0, target);
	if (err) {
		np_err("report: %s", strerror(-err));
		return NP_EXIT_RUNTIME;
	}
	shared_files(report);
	cpuset_conflicts(report);
	if (a->json)
		np_cli_print_json(out, np_report_to_json(report));
	else
		np_report_print_text(report, out);
	return NP_EXIT_OK;
}

/*
 * -o FILE, written as root: never through a symlink, never blocking on a FIFO (opened
 * non-blocking, where a FIFO without a reader fails), only a regular file (emptied once it is
 * known to be one) or a character device such as /dev/null.
 */
static FILE *open_output(const char *output)
{
	struct stat st;
	FILE *out;
	int fd, err = 0;

	if (!output)
		return stdout;
	fd = open(output, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644);
	if (fd < 0)
		err = errno == ELOOP ? EMLINK : errno; /* "a symlink", not "too many levels" */
	else if (fstat(fd, &st))
		err = errno;
	else if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		err = EINVAL;
	else if ((S_ISREG(st.st_mode) && ftruncate(fd, 0)) || fcntl(fd, F_SETFL, O_WRONLY))
		err = errno;
	if (!err && !(out = fdopen(fd, "w")))
		err = errno;
	if (!err)
		return out;
	if (fd >= 0)
		close(fd);
	np_err("report: -o %s: %s", output,
	       err == EMLINK ? "a symlink: not followed" :
	       err == EINVAL ? "neither a regular file nor a character device" :
	       err == ENXIO ? "a FIFO nobody reads" : strerror(err));
	return NULL;
}

int np_cmd_report(int argc, char **argv)
{
	struct report_args a = { .duration = 10, .sample_every = 64 };
	struct np_target_opts target = { .forced_device = -1, .forced_node = NP_NO_NODE };
	struct np_report report = { .scope = NP_SCOPE_DEFAULT };
	struct np_topo *topo = NULL;
	struct np_measure measure;
	pid_t *pids = NULL;
	FILE *out = NULL;
	int rc, npids = 0;

	if (parse_args(argc, argv, &a, &rc))
		return rc;
	/* Validate everything before touching the kernel. */
	rc = np_cli_choose_processes("report", a.pid_arg, a.match, &pids, &npids);
	if (rc)
		goto cleanup;
	rc = NP_EXIT_RUNTIME;
	topo = np_cli_topo("report", "/");
	if (!topo)
		goto cleanup;
	report.topo = topo;
	report.measure = np_measure_load(topo, &measure) ? NULL : &measure;
	rc = choose_device(topo, a.device, &target.forced_device);
	if (!rc)
		rc = np_cli_need_root("report", "to load BPF programs (or CAP_BPF, CAP_PERFMON and "
						"CAP_SYS_NICE)");
	if (rc)
		goto cleanup;
	rc = NP_EXIT_RUNTIME;
	out = open_output(a.output);
	if (!out)
		goto cleanup;

	report.scope = a.all ? NP_SCOPE_ALL : npids ? NP_SCOPE_PIDS : NP_SCOPE_DEFAULT;
	/* the default scope shows what run would look at: run's thresholds */
	report.min_rss_mb = NP_DEFAULT_MIN_RSS_MB;
	report.min_cpu = NP_DEFAULT_MIN_CPU;
	if (!sample(&report, &a, pids, npids))
		rc = build_and_print(&report, &target, &a, pids, npids, out);
	/* the report reached its file, or the command fails (main checks stdout) */
	if (out != stdout && np_cli_output_done("report", out, a.output) && !rc)
		rc = NP_EXIT_RUNTIME;
cleanup:
	np_report_free(&report);
	np_cli_topo_free(topo);
	free(pids);
	return rc;
}
