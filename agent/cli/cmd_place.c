// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace place`: validate everything, sample the process briefly (hot pages, busy
 * threads), model it, plan, print the plan, then act through the journal: balancing first (so
 * AutoNUMA does not move pages back meanwhile), threads (new allocations then land on the
 * target), IRQs, and memory last, the long part.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "act/place.h"
#include "act/place_cgroup.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/output.h"
#include "cli/signals.h"
#include "config/config.h"
#include "lib/cpuset_bounds.h"
#include "lib/journal.h"
#include "lib/pages.h"
#include "output/progress.h"
#include "model/report.h"
#include "output/place_output.h"
#include "policy/guard.h"
#include "policy/shared_files.h"
#include "sample/window.h"
#include "topo/device_name.h"

struct place_args {
	pid_t pid;
	int node;		/* NP_NO_NODE: the model decides */
	const char *device;
	unsigned int only;
	bool dry_run, json, progress, force;
	double max_rate_mbps;
	long reserve_mb;
	struct np_balancing balancing;
	const char *nics;
	double sample_s;
	int pause_ms;
	int pause_below_mbps;
	const char *journal;
	enum np_cgroup_mode cgroup_mode;
	const char *interleave; /* --interleave NODES, as given */
	__u64 interleave_nodes; /* checked against the host and the process's cpuset */
};

/* One placement, from the options to the outcome: what the steps below hand on. */
struct place_job {
	struct place_args a;
	struct np_target_opts target;
	struct np_topo *topo;
	struct np_report report;
	bool modelled;		    /* report built (by sampling_pays, when it did not pay) */
	struct np_proc_model *proc; /* into report */
	struct np_plan_opts popts;
	struct np_cpuset allowed, affinity;
	int irqs[NP_PLAN_MAX_IRQS], nirqs;
	struct np_plan *plan;
	struct np_shared_files shared;
	struct np_measure measure;
	struct np_guard guard;
	unsigned long *hot;
	int nhot;
	struct np_place place;
	struct np_place_cgroup cgroup; /* its cgroup cpuset: conflict, --cgroup move|extend */
	int lock; /* the host lock, from validate() to the end of act(); or -1 */
};

static void place_usage(FILE *out)
{
	fprintf(out,
		"usage: numaplace place --pid PID [--node N | --device DEV | --interleave NODES]\n"
		"                       [--only LIST] [--dry-run]\n"
		"                       [--json] [--max-rate MBPS] [--reserve MB] [--balancing MODE]\n"
		"                       [--nic IFACE,...] [--sample SECS|auto] [--pause-ms MS]\n"
		"                       [--pause-below MBPS] [--progress] [--journal FILE] [--force]\n"
		"                       [--cgroup keep|move|extend]\n"
		"\n"
		"  --pid PID          the process to place (all its threads, its memory, its devices' IRQs)\n"
		"  --node N           target node (default: its accelerator's node, else the node\n"
		"                     holding most of its memory)\n"
		"  --device DEV       target the node of this PCI device: 0000:41:00.0,\n"
		"                     nvidia-smi's 00000000:41:00.0, the short 41:00.0, or a GPU UUID\n"
		"  --interleave NODES spread it over these nodes instead (0,1 or 0-2 or all): each\n"
		"                     holds a share of its memory by free memory, its threads\n"
		"                     run on all their CPUs\n"
		"  --only LIST        some of threads,memory,irqs,balancing (default: all)\n"
		"  --dry-run          print the plan and change nothing\n"
		"  --json             plan and outcome as one JSON document (numaplace(8): JSON SCHEMAS)\n"
		"  --max-rate MBPS    migration budget, 0 for none (%d)\n"
		"  --reserve MB       free memory the target node keeps (larger of 5%% and 256 MB)\n"
		"  --balancing MODE   keep, off, on, or tune:KEY=VALUE,... of the AutoNUMA scan knobs\n"
		"                     scan_delay_ms, scan_period_min_ms, scan_period_max_ms,\n"
		"                     scan_size_mb, hot_threshold_ms (keep)\n"
		"  --nic IFACE,...    also steer these network interfaces' IRQs to the target node\n"
		"  --sample SECS      sample faults and CPU time first, for hot pages (auto, the\n"
		"                     default: 1 s when the move outlasts it; 0: skip)\n"
		"  --pause-ms MS      mapped file pages that move slowly while the process reads\n"
		"                     them move with it stopped, about MS ms at a time, the process\n"
		"                     running between stops (%d; 0: never)\n"
		"  --pause-below MBPS stop it only when they move slower than this (%d)\n"
		"  --progress         progress of the memory move on stderr even when it is not a\n"
		"                     terminal (one line a second)\n"
		"  --journal FILE     undo journal (%s)\n"
		"  --cgroup MODE      a cgroup cpuset that leaves the target node out: keep (refuse,\n"
		"                     naming the fix), move (set it to the node's CPUs and memory\n"
		"                     node), extend (add them); journaled, never under kubepods (keep)\n"
		"  --force            carry out a plan that leaves most of its memory off the target\n"
		"                     node (without it, place prints the plan, the prediction and\n"
		"                     better alternatives, and changes nothing)\n"
		"\n"
		"the plan, a line per part (see numaplace(8), PLACE OUTPUT):\n"
		"  threads    how many threads onto which CPUs; busy: those that ran in the sample\n"
		"  memory     MB to move of the MB resident, hot regions first, the pace, and the\n"
		"             MB the target node keeps free; interleave: each node's share\n"
		"  shared     files it maps with other processes, and whether their pages move\n"
		"  irqs       the IRQs of its accelerators (and --nic) and their CPUs\n"
		"  balancing  what happens to kernel.numa_balancing and its knobs\n"
		"  expected   predicted remote reads and read rate, now -> after\n"
		"  warning    what keeps the plan from doing all of it: a memory policy, a cpuset\n"
		"  declined   the plan leaves most of its memory off the node; better: alternatives\n"
		"done: per part, changed / unchanged (already so) / vanished (gone meanwhile) / failed;\n"
		"  memory moved, hot pages first, and what stayed: busy, pinned, shared, failed\n",
		NP_DEFAULT_MAX_RATE_MBPS, NP_DEFAULT_PAUSE_MS, NP_PAUSE_BELOW_MBPS,
		NP_JOURNAL_DEFAULT);
}

/* An option without a value, or with any text: true when opt was one. */
static bool set_plain_option(int opt, struct place_args *a)
{
	switch (opt) {
	case 'd':
		a->dry_run = true;
		return true;
	case 'j':
		a->json = true;
		return true;
	case 'G':
		a->progress = true;
		return true;
	case 'F':
		a->force = true;
		return true;
	case 'D':
		a->device = optarg;
		return true;
	case 'N':
		a->nics = optarg;
		return true;
	case 'I':
		a->interleave = optarg;
		return true;
	}
	return false;
}

/* An option with a value to check, into a; 0, or NP_ARGS_STOP after the message. */
static int parse_option(struct np_args *p, struct place_args *a)
{
	unsigned long v;
	char msg[256];

	switch (p->opt) {
	case 'p':
		if (np_args_ulong(p, 1, 4194304 /* PID_MAX_LIMIT */, "one process id", &v))
			return NP_ARGS_STOP;
		a->pid = (pid_t)v;
		break;
	case 'n':
		if (np_args_ulong(p, 0, NP_MAX_NODES - 1, "a node number", &v))
			return NP_ARGS_STOP;
		a->node = (int)v;
		break;
	case 'o':
		if (!np_config_list_ok(optarg) || np_plan_parse_only(optarg, &a->only))
			return np_args_bad(p, "expected a comma-separated list of threads, memory, "
					      "irqs, balancing");
		break;
	case 'r':
		if (np_args_ulong(p, 0, 1000000, "MB per second, 0 for no limit", &v))
			return NP_ARGS_STOP;
		a->max_rate_mbps = (double)v;
		break;
	case 'R':
		if (np_args_ulong(p, 0, 1UL << 30, "MB", &v))
			return NP_ARGS_STOP;
		a->reserve_mb = (long)v;
		break;
	case 'b':
		if (np_balancing_parse(optarg, &a->balancing, msg, sizeof(msg))) {
			np_err("place: --balancing %s", msg);
			return np_args_stop(p, NP_EXIT_USAGE);
		}
		if (a->balancing.choice == NP_BALANCING_TUNE &&
		    !np_config_list_ok(optarg + strlen("tune:")))
			return np_args_bad(p, "tune: an empty item in the list");
		break;
	case 's':
		if (!strcmp(optarg, "auto"))
			a->sample_s = -1;
		else if (!strcmp(optarg, "0"))
			a->sample_s = 0;
		else if (np_args_seconds(p, 3600, "seconds, 0 to skip, or auto", &a->sample_s))
			return NP_ARGS_STOP;
		break;
	case 'P':
		if (np_args_ulong(p, 0, NP_MAX_PAUSE_MS, "milliseconds, 0 for never", &v))
			return NP_ARGS_STOP;
		a->pause_ms = (int)v;
		break;
	case 'B':
		if (np_args_ulong(p, 1, 1000000, "MB per second", &v))
			return NP_ARGS_STOP;
		a->pause_below_mbps = (int)v;
		break;
	case 'J':
		return np_args_file(p, &a->journal);
	case 'C':
		if (np_cgroup_mode_parse(optarg, &a->cgroup_mode))
			return np_args_bad(p, "expected keep, move or extend");
		break;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct place_args *a, int *exit_code)
{
	static const struct option options[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "node", required_argument, NULL, 'n' },
		{ "device", required_argument, NULL, 'D' },
		{ "interleave", required_argument, NULL, 'I' },
		{ "only", required_argument, NULL, 'o' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "max-rate", required_argument, NULL, 'r' },
		{ "reserve", required_argument, NULL, 'R' },
		{ "balancing", required_argument, NULL, 'b' },
		{ "nic", required_argument, NULL, 'N' },
		{ "sample", required_argument, NULL, 's' },
		{ "journal", required_argument, NULL, 'J' },
		{ "pause-ms", required_argument, NULL, 'P' },
		{ "pause-below", required_argument, NULL, 'B' },
		{ "progress", no_argument, NULL, 'G' },
		{ "cgroup", required_argument, NULL, 'C' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct np_args p = { .command = "place",
			     .argc = argc,
			     .argv = argv,
			     .options = options,
			     .shortopts = "h",
			     .usage = place_usage };
	int opt;

	while ((opt = np_args_next(&p)) > 0)
		if (!set_plain_option(opt, a) && parse_option(&p, a))
			break;
	if (opt == 0 && !a->pid) {
		np_err("place: --pid is required (try 'numaplace place --help')");
		opt = np_args_stop(&p, NP_EXIT_USAGE);
	} else if (opt == 0 && a->device && a->node != NP_NO_NODE) {
		np_err("place: --node and --device both name the target: give one");
		opt = np_args_stop(&p, NP_EXIT_USAGE);
	} else if (opt == 0 && a->interleave && (a->device || a->node != NP_NO_NODE)) {
		np_err("place: --interleave names the nodes: give it without --node or --device");
		opt = np_args_stop(&p, NP_EXIT_USAGE);
	}
	*exit_code = p.exit_code;
	return opt ? NP_ARGS_STOP : 0;
}

/* The process: one that exists, and neither numaplace itself nor a kernel thread. */
static int check_process(const struct place_args *a)
{
	struct np_proc_info info;

	if (np_proc_read("/", a->pid, &info)) {
		np_err("place: --pid %d: no such process", a->pid);
		return NP_EXIT_USAGE;
	}
	if (a->pid == getpid() || (!info.cmdline[0] && (info.ppid == 2 || a->pid == 2))) {
		np_err("place: --pid %d (%s) is %s", a->pid, info.comm,
		       a->pid == getpid() ? "numaplace itself" : "a kernel thread");
		return NP_EXIT_USAGE;
	}
	return NP_EXIT_OK;
}

/* --interleave NODES: online nodes with memory the process's cpuset allows. */
static int check_interleave(struct place_job *j)
{
	struct np_cpuset cpus;
	__u64 mems = 0;
	char why[256];

	if (np_cpuset_bounds_read("/", j->a.pid, &cpus, &mems))
		mems = 0;
	if (!np_interleave_parse(j->a.interleave, j->topo, mems, &j->a.interleave_nodes, why,
				 sizeof(why)))
		return NP_EXIT_OK;
	np_err("place: --interleave %s: %s; nothing changed", j->a.interleave, why);
	return NP_EXIT_USAGE;
}

/* --node or --device: on this host, into the target options. */
static int check_target(struct place_job *j)
{
	const struct place_args *a = &j->a;
	const struct np_topo *topo = j->topo;
	char why[256];

	if (a->node != NP_NO_NODE && np_topo_node_index(topo, a->node) < 0) {
		np_err("place: --node %d: no such online node (this host has %d; see 'numaplace "
		       "topo')",
		       a->node, topo->nnodes);
		return NP_EXIT_USAGE;
	}
	if (a->interleave)
		return check_interleave(j);
	j->target.forced_node = a->node;
	if (!a->device)
		return NP_EXIT_OK;
	j->target.forced_device = np_topo_device_resolve("/", topo, a->device, why, sizeof(why));
	if (j->target.forced_device < 0) {
		np_err("place: --device %s: %s (see 'numaplace topo')", a->device, why);
		return NP_EXIT_USAGE;
	}
	if (topo->devices[j->target.forced_device].node == NP_NODE_UNKNOWN) {
		np_err("place: --device %s: the firmware gives it no NUMA node; use --node",
		       a->device);
		return NP_EXIT_USAGE;
	}
	return NP_EXIT_OK;
}

/* --balancing: what it writes exists on this kernel. */
static int check_balancing(const struct place_args *a, const struct np_topo *topo)
{
	char why[192];

	if (!(a->only & NP_PLAN_ONLY_BALANCING) ||
	    !np_balancing_check_host(&a->balancing, &topo->kernel, why, sizeof(why)))
		return NP_EXIT_OK;
	np_err("place: --balancing%s: %s", a->balancing.choice == NP_BALANCING_TUNE ? " tune" : "",
	       why);
	return NP_EXIT_USAGE;
}

/*
 * The host lock, then the journal (a file numaplace may use, not damaged): both before the
 * sampling and the plan, so a place that cannot act says so before it prints what it would do.
 */
static int lock_and_check_journal(struct place_job *j)
{
	char msg[512];
	int err;

	j->lock = np_cli_lock("place", j->a.journal, NULL);
	if (j->lock < 0) {
		err = -j->lock;
		j->lock = -1;
		return err;
	}
	err = np_journal_check(j->a.journal, msg, sizeof(msg));
	if (!err)
		return NP_EXIT_OK;
	np_err("place: %s; nothing changed", msg);
	return err == -EPERM || err == -EINVAL ? NP_EXIT_USAGE : NP_EXIT_RUNTIME;
}

/*
 * Without root (a dry run) another user's process cannot be read: its memory would look
 * empty and the plan say nothing true, so that is the message, not a missing target.
 */
static int check_readable(pid_t pid)
{
	struct np_residency res;
	int err = np_numa_maps_read("/", pid, 0, &res);

	if (err != -EACCES && err != -EPERM)
		return NP_EXIT_OK;
	np_err("place: needs root to read /proc/%d/numa_maps (%s; pid %d is another user's)", pid,
	       strerror(-err), pid);
	return NP_EXIT_RUNTIME;
}

static int validate(struct place_job *j)
{
	struct place_args *a = &j->a;
	int rc = check_process(a);

	if (rc)
		return rc;
	j->topo = np_cli_topo("place", "/");
	j->plan = calloc(1, sizeof(*j->plan));
	if (!j->topo || !j->plan)
		return NP_EXIT_RUNTIME;
	rc = check_target(j);
	if (!rc)
		rc = check_balancing(a, j->topo);
	if (rc)
		return rc;
	if (a->sample_s < 0 && a->dry_run && geteuid() != 0)
		a->sample_s = 0; /* auto: a plan without root, then */
	if (!a->dry_run || a->sample_s > 0)
		rc = np_cli_need_root("place",
				      a->dry_run ? "(sampling loads BPF programs); 'place "
						   "--dry-run --sample 0' shows the plan without"
						 : "(it changes the system); 'place --dry-run "
						   "--sample 0' shows the plan without");
	if (!rc && geteuid() != 0)
		rc = check_readable(a->pid);
	return rc || a->dry_run ? rc : lock_and_check_journal(j);
}

/*
 * --sample auto: sampling orders the move (hot regions first) and counts busy threads for the
 * plan's warnings. The order pays only when the move outlasts the window: a shorter move is
 * over before any order could matter, and the window, with the programs' loading, would only
 * delay it (in the TCG guest: 1 s + 0.9 s before a 3 s move of 512 MB began). When it does
 * not pay, the report it was judged on is the model: no second read of the process.
 */
static bool sampling_pays(struct place_job *j)
{
	const struct np_topo *topo = j->topo;
	const struct place_args *a = &j->a;
	const struct np_target_opts *target = &j->target;
	struct np_report probe = { .topo = topo, .scope = NP_SCOPE_PIDS };
	double rate = a->max_rate_mbps > 0 ? a->max_rate_mbps : NP_DEFAULT_MAX_RATE_MBPS;
	bool pays = false;

	if (!(a->only & NP_PLAN_ONLY_MEMORY) || np_report_build(&probe, &a->pid, 1, target)) {
		np_report_free(&probe);
		return false;
	}
	for (int i = 0; i < probe.nprocs; i++) {
		const struct np_proc_model *proc = &probe.procs[i];
		int node = np_topo_node_index(topo, proc->target_node);
		__u64 off;

		if (proc->info.pid != a->pid || node < 0)
			continue;
		off = np_node_sum(proc->residency.pages) - proc->residency.pages[proc->target_node];
		pays = np_pages_mb(off) / rate > NP_PLACE_SAMPLE_S;
	}
	if (pays) {
		np_report_free(&probe);
		return true;
	}
	j->report = probe;
	j->modelled = true;
	return false;
}

/*
 * Where its threads run and which pages it faults on. Ctrl-C or SIGTERM in the window stops
 * place here, before anything changed.
 */
static int sample(struct place_job *j)
{
	struct np_sampler_opts sopts = { .sample_every = 16, .max_threads = 65536 };
	struct np_sampler *sampler = NULL;
	char msg[512] = "";
	int err, signo;

	if (j->a.sample_s < 0) {
		j->a.sample_s = sampling_pays(j) ? NP_PLACE_SAMPLE_S : 0;
		j->place.sample_auto = j->a.sample_s == 0;
	}
	if (j->a.sample_s == 0)
		return NP_EXIT_OK;
	sopts.pids = &j->a.pid;
	sopts.npids = 1;
	/*
	 * NUMA hinting faults happen only while AutoNUMA scans; otherwise the kprobe finds
	 * nothing and its attach costs (0.4 s of the 1.3 s load in the guest)
	 */
	sopts.want_kprobe = j->topo->kernel.numa_balancing > 0;
	err = np_sampler_start(j->topo, &sopts, &sampler, msg, sizeof(msg));
	if (err) {
		np_err("place: %s", msg);
		return NP_EXIT_RUNTIME;
	}
	np_sample_window(sampler, j->a.sample_s, np_cli_catch_stop());
	signo = np_cli_release_stop();
	err = signo ? 0 : np_sampler_stop(sampler, &j->report.data);
	np_sampler_destroy(sampler);
	if (signo) {
		np_err("place: interrupted while sampling; nothing changed (%s)", strsignal(signo));
		return NP_EXIT_RUNTIME;
	}
	if (err) {
		np_err("place: reading the sampler's maps: %s", strerror(-err));
		return NP_EXIT_RUNTIME;
	}
	return NP_EXIT_OK;
}

/* The process modelled, with a target node. */
static int model(struct place_job *j)
{
	int err;

	j->report.topo = j->topo;
	j->target.window_ns = j->report.data.window_ns;
	err = j->modelled ? 0 : np_report_build(&j->report, &j->a.pid, 1, &j->target);
	if (err) {
		np_err("place: %s", strerror(-err));
		return NP_EXIT_RUNTIME;
	}
	for (int i = 0; i < j->report.nprocs; i++)
		if (j->report.procs[i].info.pid == j->a.pid)
			j->proc = &j->report.procs[i];
	if (!j->proc || j->proc->exited) {
		np_err("place: pid %d exited before it could be placed", j->a.pid);
		return NP_EXIT_RUNTIME;
	}
	if (j->proc->target_node < 0 && !j->a.interleave) {
		np_err("place: pid %d: no target node (no resident memory, no accelerator); give "
		       "--node",
		       j->a.pid);
		return NP_EXIT_USAGE;
	}
	return NP_EXIT_OK;
}

/*
 * The files it shares with other processes (a model two servers map): their pages move along
 * when every process mapping them runs on the target node already, else they stay (a
 * conflict, named in the plan). `place` places one process: the others count by where their
 * threads are bound.
 */
static void shared_files(struct place_job *j)
{
	/* an interleave moves only the process's own pages: shared ones stay where they are */
	if (!(j->a.only & NP_PLAN_ONLY_MEMORY) || j->plan->interleave.on ||
	    np_shared_files_read("/", j->topo, j->a.pid, &j->shared))
		return;
	np_shared_decide(&j->shared, j->plan->target_node, NULL, 0);
	j->place.shared = &j->shared;
}

/*
 * The process's cgroup cpuset against the target node: a conflict the plan refuses with its
 * fix, or with --cgroup move|extend the cpuset the plan places within (and the act writes).
 */
static int cgroup_decide(struct place_job *j)
{
	int index = np_topo_node_index(j->topo, j->proc->target_node);
	struct np_place_cgroup *pc = &j->cgroup;
	char msg[1024];

	if (index < 0)
		return NP_EXIT_OK; /* np_plan_make names it */
	/* the cpuset bounds threads and pages only: --only irqs,balancing leaves it alone */
	pc->mode = j->a.only & (NP_PLAN_ONLY_THREADS | NP_PLAN_ONLY_MEMORY) ? j->a.cgroup_mode
									    : NP_CGROUP_KEEP;
	if (np_place_cgroup_decide(pc, j->a.pid, &j->topo->nodes[index], msg, sizeof(msg))) {
		np_err("place: %s; nothing changed", msg);
		return NP_EXIT_USAGE;
	}
	j->popts.cpuset_conflict = pc->conflict_text[0] ? pc->conflict_text : NULL;
	np_place_cgroup_plan_bounds(pc, j->topo->nodes[index].id, &j->popts);
	return NP_EXIT_OK;
}

/* What --cgroup move|extend does, among the plan's notes. */
static void cgroup_note(struct place_job *j)
{
	struct np_plan *plan = j->plan;

	if (j->cgroup.write && plan->nwarnings < NP_PLAN_MAX_WARNINGS)
		np_place_cgroup_describe(&j->cgroup, plan->warnings[plan->nwarnings++],
					 sizeof(plan->warnings[0]));
}

/*
 * Never worse without saying so: a plan leaving most of its memory off the target is shown,
 * with better ways, and carried out only with --force. Pages of files shared with processes
 * elsewhere stay whatever the move does.
 */
static void guard(struct place_job *j)
{
	__u64 stay = 0;

	if (j->a.interleave)
		return; /* over the nodes that have room: no single target to fall short of */
	for (int i = 0; j->place.shared && i < j->shared.nfiles; i++)
		stay += j->shared.files[i].conflict ? j->shared.files[i].pages : 0;
	np_guard_check(j->proc, j->plan, j->a.only, stay, &j->guard);
	j->place.guard = &j->guard;
	if (!j->guard.declined || !j->a.force)
		return;
	/* forced: said among the warnings, and carried out */
	j->place.guard = NULL;
	if (j->plan->nwarnings < NP_PLAN_MAX_WARNINGS)
		snprintf(j->plan->warnings[j->plan->nwarnings++], sizeof(j->plan->warnings[0]),
			 "%s; carried out all the same (--force)", j->guard.why);
}

/* The plan: what moves where, its IRQs included. */
static int plan(struct place_job *j)
{
	struct np_plan_opts *po = &j->popts;
	char msg[1200] = ""; /* a cpuset conflict with its fix */
	int err;

	err = np_place_irqs(j->topo, j->proc, j->target.forced_device, j->a.nics, j->irqs,
			    &j->nirqs, j->place.irq_sources, sizeof(j->place.irq_sources), msg,
			    sizeof(msg));
	if (err) {
		np_err("place: --nic %s", msg);
		return NP_EXIT_USAGE;
	}
	po->target_node = j->proc->target_node;
	po->only = j->a.only;
	po->max_rate_mbps = j->a.max_rate_mbps;
	po->reserve_mb = j->a.reserve_mb;
	po->pause_ms = j->a.pause_ms;
	po->pause_below_mbps = j->a.pause_below_mbps;
	po->balancing = j->a.balancing;
	po->allowed = np_cpuset_bounds_read("/", j->a.pid, &j->allowed, &po->allowed_mems) == 0
			      ? &j->allowed
			      : NULL;
	po->irqs = j->irqs;
	po->nirqs = j->nirqs;
	po->irqbalance_running = j->topo->kernel.irqbalance_pid > 0;
	po->window_ns = j->report.data.window_ns;
	po->measure = np_measure_load(j->topo, &j->measure) ? NULL : &j->measure;
	po->affinity = np_thread_affinity(j->a.pid, &j->affinity) ? NULL : &j->affinity;
	if (cgroup_decide(j))
		return NP_EXIT_USAGE;
	err = j->a.interleave ? np_plan_interleave(j->topo, j->proc, po, j->a.interleave_nodes,
						   j->plan, msg, sizeof(msg))
			      : np_plan_make(j->topo, j->proc, po, j->plan, msg, sizeof(msg));
	if (err) {
		np_err("place: %s; nothing changed", msg);
		return NP_EXIT_USAGE;
	}
	cgroup_note(j);
	shared_files(j);
	guard(j);
	j->nhot = np_place_hot_addresses(&j->report.data, j->a.pid, &j->hot);
	j->place.topo = j->topo;
	j->place.proc = j->proc;
	j->place.opts = po;
	j->place.plan = j->plan;
	j->place.dry_run = j->a.dry_run;
	j->place.journal = j->a.journal;
	j->place.hot_regions = j->nhot;
	return NP_EXIT_OK;
}

/* Act, one numaplace at a time, every change journaled first. */
static int act(struct place_job *j)
{
	const struct place_args *a = &j->a;
	char undo[2 * PATH_MAX]; /* a path quoted for a shell */
	int err;

	np_journal_undo_command(a->journal, undo, sizeof(undo));
	struct np_progress_out po = np_progress_out(stderr, isatty(STDERR_FILENO));
	struct np_act_opts ao = {
		.journal = a->journal,
		.only = a->only,
		.max_rate_mbps = a->max_rate_mbps,
		.pause_ms = a->pause_ms,
		.pause_below_mbps = a->pause_below_mbps,
		.progress = a->progress || (!a->json && po.tty) ? np_progress_memory : NULL,
		.progress_ctx = &po,
	};

	/* the cpuset first: threads and pages may go only where it allows */
	err = np_place_cgroup_act(&j->cgroup, a->journal, a->pid, false);
	if (!err && j->cgroup.res.failed) {
		np_err("place: the cgroup's cpuset: %s; threads and memory stay; what was done is "
		       "journaled, '%s' undoes it",
		       j->cgroup.res.first_error, undo);
		return NP_EXIT_RUNTIME;
	}
	if (!err)
		err = np_place_act(&j->place, &ao, j->hot, j->nhot);
	if (!err)
		err = np_place_cgroup_act(&j->cgroup, a->journal, a->pid, true);
	if (err) {
		np_err("place: %s: %s; what was done is journaled, '%s' undoes it", a->journal,
		       strerror(-err), undo);
		return NP_EXIT_RUNTIME;
	}
	return NP_EXIT_OK;
}

/* The cgroup's part of the outcome, as text or into the JSON document's "result". */
static void cgroup_outcome(const struct np_place_cgroup *pc, FILE *out, struct json_object *o)
{
	struct json_object *r, *c;

	if (!pc->write)
		return;
	if (out) {
		np_act_result_print(out, "cgroup", "set", &pc->res);
		return;
	}
	if (!json_object_object_get_ex(o, "result", &r) || !r)
		return;
	c = np_act_result_json(&pc->res); /* the counts of the other parts, and these two */
	json_object_object_add(c, "mode", json_object_new_string(np_cgroup_mode_name(pc->mode)));
	json_object_object_add(c, "cgroup", json_object_new_string(np_cgroup_id_path(&pc->cg)));
	json_object_object_add(r, "cgroup", c);
}

/* The outcome as the exit code: 1 when any part failed. */
static int outcome_rc(const struct np_place_outcome *o, const struct np_place_cgroup *pc)
{
	bool failed = o->threads.failed || o->irqs.failed || o->irqbalance.failed ||
		      o->settings.failed || o->memory.error[0] || o->memory.process_exited ||
		      pc->res.failed;

	return failed ? NP_EXIT_RUNTIME : NP_EXIT_OK;
}

/* Plan (and outcome) as text, or both as one JSON document at the end. */
static int place_steps(struct place_job *j)
{
	int rc = validate(j);

	if (!rc)
		rc = sample(j);
	if (!rc)
		rc = model(j);
	if (!rc)
		rc = plan(j);
	if (rc)
		return rc;
	if (!j->a.json)
		np_place_print_plan(&j->place, stdout);
	/* the plan is seen before anything changes; one that cannot be shown changes nothing */
	if (np_cli_output_done("place", stdout, "standard output"))
		return NP_EXIT_RUNTIME;
	if (!j->a.dry_run && !(j->guard.declined && !j->a.force)) {
		rc = act(j);
		if (rc)
			return rc;
		if (!j->a.json) {
			np_place_print_outcome(&j->place, stdout);
			cgroup_outcome(&j->cgroup, stdout, NULL);
		}
	}
	if (j->a.json) {
		struct json_object *o = np_place_to_json(&j->place);

		cgroup_outcome(&j->cgroup, NULL, o);
		np_cli_print_json(stdout, o);
	}
	return outcome_rc(&j->place.outcome, &j->cgroup);
}

int np_cmd_place(int argc, char **argv)
{
	struct place_job *j = calloc(1, sizeof(*j));
	int rc;

	if (!j) {
		np_err("place: out of memory");
		return NP_EXIT_RUNTIME;
	}
	j->a = (struct place_args){
		.node = NP_NO_NODE,
		.only = NP_PLAN_ALL,
		.max_rate_mbps = NP_DEFAULT_MAX_RATE_MBPS,
		.reserve_mb = -1,
		.sample_s = -1, /* auto */
		.pause_ms = NP_DEFAULT_PAUSE_MS,
		.journal = NP_JOURNAL_DEFAULT,
	};
	j->target = (struct np_target_opts){ .forced_device = -1, .forced_node = NP_NO_NODE };
	j->report.scope = NP_SCOPE_PIDS;
	j->lock = -1;
	if (!parse_args(argc, argv, &j->a, &rc))
		rc = place_steps(j);
	if (j->lock >= 0)
		close(j->lock);
	free(j->hot);
	np_report_free(&j->report);
	np_cli_topo_free(j->topo);
	free(j->plan);
	free(j);
	return rc;
}
