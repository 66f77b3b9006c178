// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace place`: validate everything, sample the process briefly (hot pages, busy
 * threads), model it, plan, print the plan, then act through the journal: balancing first (so
 * AutoNUMA does not move pages back meanwhile), threads (new allocations then land on the
 * target), IRQs, and memory last, the long part.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "act/place.h"
#include "output/place_output.h"
#include "output/progress.h"
#include "model/report.h"
#include "sample/window.h"

struct place_args {
	pid_t pid;
	int node;		/* NP_NO_NODE: the model decides */
	const char *device;
	unsigned int only;
	bool dry_run, json, progress;
	double max_rate_mbps;
	long reserve_mb;
	struct np_balancing balancing;
	const char *nics;
	double sample_s;
	int pause_ms;
	int pause_below_mbps;
	const char *journal;
};

static void place_usage(FILE *out)
{
	fprintf(out,
		"usage: numaplace place --pid PID [--node N | --device BDF] [--only LIST] [--dry-run]\n"
		"                       [--json] [--max-rate MBPS] [--reserve MB] [--balancing MODE]\n"
		"                       [--nic IFACE,...] [--sample SECS|auto] [--pause-ms MS]\n"
		"                       [--pause-below MBPS] [--progress] [--journal FILE]\n"
		"\n"
		"  --pid PID          the process to place (all its threads, its memory, its devices' IRQs)\n"
		"  --node N           target node (default: its accelerator's node, else the node\n"
		"                     holding most of its memory)\n"
		"  --device BDF       target the node of this PCI device (\"0000:41:00.0\")\n"
		"  --only LIST        some of threads,memory,irqs,balancing (default: all)\n"
		"  --dry-run          print the plan and change nothing\n"
		"  --json             plan and outcome as one JSON document (schema in README.md)\n"
		"  --max-rate MBPS    migration budget, 0 for none (%d)\n"
		"  --reserve MB       free memory the target node keeps (larger of 5%% and 256 MB)\n"
		"  --balancing MODE   keep, off, on, or tune:KEY=VALUE,... of the AutoNUMA scan knobs\n"
		"                     scan_delay_ms, scan_period_min_ms, scan_period_max_ms,\n"
		"                     scan_size_mb, hot_threshold_ms (keep)\n"
		"  --nic IFACE,...    also steer these network interfaces' IRQs to the target node\n"
		"  --sample SECS      sample faults and CPU time first, for hot pages (auto: 1 s\n"
		"                     when the move outlasts it; 0: skip)\n"
		"  --pause-ms MS      mapped file pages that move slowly while the process reads\n"
		"                     them move with it stopped, at most MS ms at a time (%d; 0: never)\n"
		"  --pause-below MBPS stop it only when they move slower than this (%d)\n"
		"  --progress         progress of the memory move on stderr even when it is not a\n"
		"                     terminal (one line a second)\n"
		"  --journal FILE     undo journal (%s)\n",
		NP_DEFAULT_MAX_RATE_MBPS, NP_DEFAULT_PAUSE_MS, NP_PAUSE_BELOW_MBPS,
		NP_JOURNAL_DEFAULT);
}

static int parse_args(int argc, char **argv, struct place_args *a)
{
	static const struct option options[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "node", required_argument, NULL, 'n' },
		{ "device", required_argument, NULL, 'D' },
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
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	unsigned long value;
	char msg[256];
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (np_parse_ulong(optarg, 1, 4194304, &value)) {
				np_err("place: --pid '%s': expected one process id", optarg);
				return NP_EXIT_USAGE;
			}
			a->pid = (pid_t)value;
			break;
		case 'n':
			if (np_parse_ulong(optarg, 0, NP_MAX_NODES - 1, &value)) {
				np_err("place: --node '%s': expected a node number", optarg);
				return NP_EXIT_USAGE;
			}
			a->node = (int)value;
			break;
		case 'D':
			a->device = optarg;
			break;
		case 'o':
			if (np_plan_parse_only(optarg, &a->only)) {
				np_err("place: --only '%s': expected a comma-separated list of threads, "
				       "memory, irqs, balancing",
				       optarg);
				return NP_EXIT_USAGE;
			}
			break;
		case 'd':
			a->dry_run = true;
			break;
		case 'j':
			a->json = true;
			break;
		case 'r':
			if (np_parse_ulong(optarg, 0, 1000000, &value)) {
				np_err("place: --max-rate '%s': expected MB per second, 0 for no limit",
				       optarg);
				return NP_EXIT_USAGE;
			}
			a->max_rate_mbps = (double)value;
			break;
		case 'R':
			if (np_parse_ulong(optarg, 0, 1UL << 30, &value)) {
				np_err("place: --reserve '%s': expected MB", optarg);
				return NP_EXIT_USAGE;
			}
			a->reserve_mb = (long)value;
			break;
		case 'b':
			if (np_balancing_parse(optarg, &a->balancing, msg, sizeof(msg))) {
				np_err("place: --balancing %s", msg);
				return NP_EXIT_USAGE;
			}
			break;
		case 'N':
			a->nics = optarg;
			break;
		case 's':
			if (!strcmp(optarg, "auto"))
				a->sample_s = -1;
			else if (!strcmp(optarg, "0"))
				a->sample_s = 0;
			else if (np_parse_seconds(optarg, 3600, &a->sample_s)) {
				np_err("place: --sample '%s': expected seconds, 0 to skip, or auto",
				       optarg);
				return NP_EXIT_USAGE;
			}
			break;
		case 'J':
			a->journal = optarg;
			break;
		case 'P':
			if (np_parse_ulong(optarg, 0, 10000, &value)) {
				np_err("place: --pause-ms '%s': expected 0 to 10000", optarg);
				return NP_EXIT_USAGE;
			}
			a->pause_ms = (int)value;
			break;
		case 'B':
			if (np_parse_ulong(optarg, 1, 1000000, &value)) {
				np_err("place: --pause-below '%s': expected MB/s, 1 to 1000000", optarg);
				return NP_EXIT_USAGE;
			}
			a->pause_below_mbps = (int)value;
			break;
		case 'G':
			a->progress = true;
			break;
		case 'h':
			place_usage(stdout);
			return NP_EXIT_OK;
		default:
			return np_bad_option("place", argc, argv, opt);
		}
	}
	if (optind < argc) {
		np_err("place: unexpected argument '%s'", argv[optind]);
		return NP_EXIT_USAGE;
	}
	if (!a->pid) {
		np_err("place: --pid is required (try 'numaplace place --help')");
		return NP_EXIT_USAGE;
	}
	if (a->device && a->node != NP_NO_NODE) {
		np_err("place: --node and --device both name the target: give one");
		return NP_EXIT_USAGE;
	}
	return -1; /* go on */
}

/*
 * --sample auto: sampling orders the move (hot regions first) and counts busy threads for the
 * plan's warnings. The order pays only when the move outlasts the window: a shorter move is
 * over before any order could matter, and the window, with the programs' loading, would only
 * delay it (in the TCG guest: 1 s + 0.9 s before a 3 s move of 512 MB began).
 */
static bool sampling_pays(const struct np_topo *topo, const struct place_args *a,
			  const struct np_target_opts *target)
{
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
		pays = off / 256.0 / rate > NP_PLACE_SAMPLE_S;
	}
	np_report_free(&probe);
	return pays;
}

int np_cmd_place(int argc, char **argv)
{
	struct place_args a = {
		.node = NP_NO_NODE,
		.only = NP_PLAN_ALL,
		.max_rate_mbps = NP_DEFAULT_MAX_RATE_MBPS,
		.reserve_mb = -1,
		.sample_s = -1, /* auto */
		.pause_ms = NP_DEFAULT_PAUSE_MS,
		.journal = NP_JOURNAL_DEFAULT,
	};
	struct np_target_opts target = { .forced_device = -1, .forced_node = NP_NO_NODE };
	struct np_report report = { .scope = NP_SCOPE_PIDS };
	struct np_sampler_opts sopts = { .sample_every = 16, .max_threads = 65536 };
	struct np_plan_opts popts = { 0 };
	struct np_place place = { .dry_run = false };
	struct np_proc_model *proc = NULL;
	struct np_sampler *sampler = NULL;
	struct np_topo *topo = NULL;
	struct np_plan *plan = NULL;
	struct np_proc_info info;
	struct np_cpuset allowed;
	unsigned long *hot = NULL;
	int rc, err, nhot = 0, lock = -1, irqs[NP_PLAN_MAX_IRQS], nirqs = 0;
	char msg[512] = "";

	rc = parse_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	rc = NP_EXIT_RUNTIME;

	/* Validate everything before touching anything. */
	if (np_proc_read("/", a.pid, &info)) {
		np_err("place: --pid %d: no such process", a.pid);
		return NP_EXIT_USAGE;
	}
	if (a.pid == getpid() || (!info.cmdline[0] && (info.ppid == 2 || a.pid == 2))) {
		np_err("place: --pid %d (%s) is %s", a.pid, info.comm,
		       a.pid == getpid() ? "numaplace itself" : "a kernel thread");
		return NP_EXIT_USAGE;
	}
	topo = calloc(1, sizeof(*topo));
	plan = calloc(1, sizeof(*plan));
	if (!topo || !plan)
		goto cleanup;
	err = np_topo_discover("/", topo, msg, sizeof(msg));
	if (err) {
		np_err("place: %s", msg);
		goto cleanup;
	}
	if (a.node != NP_NO_NODE && np_topo_node_index(topo, a.node) < 0) {
		np_err("place: --node %d: no such online node (this host has %d; see 'numaplace "
		       "topo')",
		       a.node, topo->nnodes);
		rc = NP_EXIT_USAGE;
		goto cleanup;
	}
	if (a.device) {
		target.forced_device = np_topo_device_index(topo, a.device);
		if (target.forced_device < 0) {
			np_err("place: --device %s: no such PCI device (see 'numaplace topo')",
			       a.device);
			rc = NP_EXIT_USAGE;
			goto cleanup;
		}
		if (topo->devices[target.forced_device].node == NP_NODE_UNKNOWN) {
			np_err("place: --device %s: the firmware gives it no NUMA node; use --node",
			       a.device);
			rc = NP_EXIT_USAGE;
			goto cleanup;
		}
	}
	target.forced_node = a.node;
	if (a.balancing.choice == NP_BALANCING_TUNE) {
		for (int k = 0; k < NP_KNOB_COUNT; k++) {
			char path[256];

			if (a.balancing.set[k] && np_knob_path(&topo->kernel, k, path, sizeof(path))) {
				np_err("place: --balancing tune: this kernel has no %s knob%s",
				       np_knob_names[k],
				       topo->kernel.knobs_source ? "" : " (is debugfs mounted?)");
				rc = NP_EXIT_USAGE;
				goto cleanup;
			}
		}
	}
	if ((a.only & NP_PLAN_ONLY_BALANCING) && a.balancing.choice != NP_BALANCING_KEEP &&
	    topo->kernel.numa_balancing < 0) {
		np_err("place: --balancing: this kernel has no kernel.numa_balancing");
		rc = NP_EXIT_USAGE;
		goto cleanup;
	}
	if (a.sample_s < 0 && a.dry_run && geteuid() != 0)
		a.sample_s = 0; /* auto: a plan without root, then */
	if (geteuid() != 0 && (!a.dry_run || a.sample_s > 0)) {
		np_err("place: needs root (%s); 'place --dry-run --sample 0' shows the plan "
		       "without",
		       a.dry_run ? "sampling loads BPF programs" : "it changes the system");
		goto cleanup;
	}

	/* Sample: where its threads run and which pages it faults on. */
	if (a.sample_s < 0) {
		a.sample_s = sampling_pays(topo, &a, &target) ? NP_PLACE_SAMPLE_S : 0;
		place.sample_auto = a.sample_s == 0;
	}
	if (a.sample_s > 0) {
		sopts.pids = &a.pid;
		sopts.npids = 1;
		/*
		 * NUMA hinting faults happen only while AutoNUMA scans; otherwise the kprobe
		 * finds nothing and its attach costs (0.4 s of the 1.3 s load in the guest)
		 */
		sopts.want_kprobe = topo->kernel.numa_balancing > 0;
		err = np_sampler_start(topo, &sopts, &sampler, msg, sizeof(msg));
		if (err) {
			np_err("place: %s", msg);
			goto cleanup;
		}
		np_sample_window(sampler, a.sample_s);
		err = np_sampler_stop(sampler, &report.data);
		if (err) {
			np_err("place: reading the sampler's maps: %s", strerror(-err));
			goto cleanup;
		}
	}

	/* Model, target and plan. */
	report.topo = topo;
	target.window_ns = report.data.window_ns;
	err = np_report_build(&report, &a.pid, 1, &target);
	if (err) {
		np_err("place: %s", strerror(-err));
		goto cleanup;
	}
	for (int i = 0; i < report.nprocs; i++)
		if (report.procs[i].info.pid == a.pid)
			proc = &report.procs[i];
	if (!proc || proc->exited) {
		np_err("place: pid %d exited before it could be placed", a.pid);
		goto cleanup;
	}
	if (proc->target_node < 0) {
		np_err("place: pid %d: no target node (no resident memory, no accelerator); give "
		       "--node",
		       a.pid);
		rc = NP_EXIT_USAGE;
		goto cleanup;
	}
	err = np_place_irqs(topo, proc, target.forced_device, a.nics, irqs, &nirqs,
			    place.irq_sources, sizeof(place.irq_sources), msg, sizeof(msg));
	if (err) {
		np_err("place: --nic %s", msg);
		rc = NP_EXIT_USAGE;
		goto cleanup;
	}
	rc = NP_EXIT_RUNTIME;
	popts.target_node = proc->target_node;
	popts.only = a.only;
	popts.max_rate_mbps = a.max_rate_mbps;
	popts.reserve_mb = a.reserve_mb;
	popts.balancing = a.balancing;
	popts.allowed = np_proc_cpuset("/", a.pid, &allowed) == 0 ? &allowed : NULL;
	popts.irqs = irqs;
	popts.nirqs = nirqs;
	popts.irqbalance_running = topo->kernel.irqbalance_pid > 0;
	popts.window_ns = report.data.window_ns;
	err = np_plan_make(topo, proc, &popts, plan, msg, sizeof(msg));
	if (err) {
		np_err("place: %s; nothing changed", msg);
		rc = NP_EXIT_USAGE;
		goto cleanup;
	}
	nhot = np_place_hot_addresses(&report.data, a.pid, &hot);
	place.topo = topo;
	place.proc = proc;
	place.opts = &popts;
	place.plan = plan;
	place.dry_run = a.dry_run;
	place.hot_regions = nhot;
	if (!a.json)
		np_place_print_plan(&place, stdout);
	fflush(stdout);

	/* Act, one numaplace at a time, every change journaled first. */
	if (!a.dry_run) {
		lock = np_journal_lock(a.journal);
		if (lock < 0) {
			np_err("place: %s.lock: %s", a.journal,
			       lock == -EBUSY ? "another numaplace is changing the system"
					      : strerror(-lock));
			goto cleanup;
		}
		struct np_progress_out po = np_progress_out(stderr, isatty(STDERR_FILENO));
		struct np_act_opts ao = {
			.journal = a.journal,
			.only = a.only,
			.max_rate_mbps = a.max_rate_mbps,
			.pause_ms = a.pause_ms,
			.pause_below_mbps = a.pause_below_mbps,
			.progress = a.progress || (!a.json && po.tty) ? np_progress_memory : NULL,
			.progress_ctx = &po,
		};

		err = np_place_act(&place, &ao, hot, nhot);
		if (err) {
			np_err("place: %s: %s; what was done is journaled, 'numaplace restore' "
			       "undoes it",
			       a.journal, strerror(-err));
			goto cleanup;
		}
		if (!a.json)
			np_place_print_outcome(&place, stdout);
	}
	if (a.json) {
		struct json_object *doc = np_place_to_json(&place);

		printf("%s\n", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
									   JSON_C_TO_STRING_SPACED |
									   JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(doc);
	}
	{
		const struct np_place_outcome *o = &place.outcome;

		rc = o->threads.failed || o->irqs.failed || o->irqbalance.failed ||
				     o->settings.failed || o->memory.error[0] ||
				     o->memory.process_exited
			     ? NP_EXIT_RUNTIME
			     : NP_EXIT_OK;
	}
cleanup:
	if (lock >= 0)
		close(lock);
	free(hot);
	np_report_free(&report);
	np_sampler_destroy(sampler);
	if (topo)
		np_topo_free(topo);
	free(topo);
	free(plan);
	return rc;
}
