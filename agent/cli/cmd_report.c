// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace report`: trace for a window, then tell which processes and threads read remote
 * memory, how much, why, and what to do about it.
 */
#include <errno.h>
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "output/report_output.h"
#include "sample/window.h"

static void report_usage(FILE *out)
{
	fprintf(out,
		"usage: numaplace report [--duration SECS] [--pid PID,...] [--match REGEX] [--all]\n"
		"                        [--device BDF] [--sample-every N] [--json] [-o FILE]\n"
		"\n"
		"  --duration SECS    sampling window (10); Ctrl-C ends it early and still reports\n"
		"  --pid PID,...      these processes and the children they fork\n"
		"  --match REGEX      processes whose comm or command line matches (extended regex)\n"
		"  --all              every process that ran in the window\n"
		"                     (default: RSS >= %d MB, >= %.0f%% of a CPU, or using an accelerator)\n"
		"  --device BDF       take this accelerator's node as the target (\"0000:41:00.0\")\n"
		"  --sample-every N   record 1 in N user page faults with its address (64)\n"
		"  --json             one JSON document (schema in README.md)\n"
		"  -o FILE            write the report to FILE instead of stdout\n",
		NP_REPORT_MIN_RSS_MB, NP_REPORT_MIN_CPU_SHARE * 100);
}

/* We and the processes that started us (sudo, a shell's -c): they match our own arguments. */
static int own_lineage(pid_t *lineage, int max)
{
	struct np_proc_info info;
	pid_t p = getpid();
	int n = 0;

	while (p > 1 && n < max) {
		lineage[n++] = p;
		if (np_proc_read("/", p, &info))
			break;
		p = info.ppid;
	}
	return n;
}

/* Processes (not ourselves or our ancestors) whose comm or command line matches. */
static int match_processes(const regex_t *re, pid_t **out, int *count)
{
	pid_t *all, *hits, lineage[64];
	int n, nhits = 0, nlineage = own_lineage(lineage, 64), err;

	err = np_proc_list("/", &all, &n);
	if (err)
		return err;
	hits = calloc(n ? n : 1, sizeof(*hits));
	if (!hits) {
		free(all);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		struct np_proc_info info;
		bool ours = false;

		for (int j = 0; j < nlineage; j++)
			ours |= lineage[j] == all[i];
		if (ours || np_proc_read("/", all[i], &info))
			continue;
		if (!regexec(re, info.comm, 0, NULL, 0) || !regexec(re, info.cmdline, 0, NULL, 0))
			hits[nhits++] = all[i];
	}
	free(all);
	*out = hits;
	*count = nhits;
	return 0;
}

int np_cmd_report(int argc, char **argv)
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
	const char *pid_arg = NULL, *match = NULL, *device = NULL, *output = NULL;
	struct np_target_opts target = { .forced_device = -1, .forced_node = NP_NO_NODE };
	struct np_sampler_opts sopts = { .sample_every = 64, .max_threads = 65536 };
	struct np_report report = { .scope = NP_SCOPE_DEFAULT };
	struct np_sampler *sampler = NULL;
	struct np_topo *topo = NULL;
	pid_t *pids = NULL;
	int npids = 0, opt, err, rc = NP_EXIT_RUNTIME;
	double duration = 10;
	unsigned long value;
	bool json = false, all = false, have_regex = false;
	FILE *out = stdout;
	char msg[512] = "";
	regex_t re;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":ho:", options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (np_parse_seconds(optarg, 86400, &duration)) {
				np_err("report: --duration '%s': expected seconds, > 0", optarg);
				return NP_EXIT_USAGE;
			}
			break;
		case 'p':
			pid_arg = optarg;
			break;
		case 'm':
			match = optarg;
			break;
		case 'a':
			all = true;
			break;
		case 'D':
			device = optarg;
			break;
		case 's':
			if (np_parse_ulong(optarg, 1, 1000000, &value)) {
				np_err("report: --sample-every '%s': expected 1 to 1000000", optarg);
				return NP_EXIT_USAGE;
			}
			sopts.sample_every = (unsigned int)value;
			break;
		case 'j':
			json = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			report_usage(stdout);
			return NP_EXIT_OK;
		default:
			return np_bad_option("report", argc, argv, opt);
		}
	}
	if (optind < argc) {
		np_err("report: unexpected argument '%s'", argv[optind]);
		return NP_EXIT_USAGE;
	}
	if (all && (pid_arg || match)) {
		np_err("report: --all cannot be combined with --pid or --match");
		return NP_EXIT_USAGE;
	}

	/* Validate everything before touching the kernel. */
	if (pid_arg) {
		err = np_parse_pid_list(pid_arg, &pids, &npids);
		if (err) {
			np_err("report: --pid '%s': expected a comma-separated list of distinct pids",
			       pid_arg);
			return NP_EXIT_USAGE;
		}
		for (int i = 0; i < npids; i++) {
			struct np_proc_info info;

			if (np_proc_read("/", pids[i], &info)) {
				np_err("report: --pid %d: no such process", pids[i]);
				rc = NP_EXIT_USAGE;
				goto cleanup;
			}
		}
	}
	if (match) {
		pid_t *hits;
		int nhits;

		if (regcomp(&re, match, REG_EXTENDED | REG_NOSUB)) {
			np_err("report: --match '%s': not a valid extended regular expression", match);
			rc = NP_EXIT_USAGE;
			goto cleanup;
		}
		have_regex = true;
		err = match_processes(&re, &hits, &nhits);
		if (err) {
			np_err("report: listing processes: %s", strerror(-err));
			goto cleanup;
		}
		for (int i = 0; i < nhits; i++) {
			bool dup = false;

			for (int j = 0; j < npids; j++)
				dup |= pids[j] == hits[i];
			if (!dup) {
				pid_t *grown = realloc(pids, sizeof(*pids) * (npids + 1));

				if (!grown) {
					free(hits);
					goto cleanup;
				}
				pids = grown;
				pids[npids++] = hits[i];
			}
		}
		free(hits);
		if (!npids) {
			np_err("report: --match '%s': no running process matches", match);
			rc = NP_EXIT_USAGE;
			goto cleanup;
		}
	}
	topo = calloc(1, sizeof(*topo));
	if (!topo)
		goto cleanup;
	err = np_topo_discover("/", topo, msg, sizeof(msg));
	if (err) {
		np_err("report: %s", msg);
		goto cleanup;
	}
	if (device) {
		target.forced_device = np_topo_device_index(topo, device);
		if (target.forced_device < 0 ||
		    topo->devices[target.forced_device].kind != NP_DEV_ACCEL) {
			np_err("report: --device %s: no such accelerator (see 'numaplace topo')",
			       device);
			rc = NP_EXIT_USAGE;
			goto cleanup;
		}
	}
	if (geteuid() != 0) {
		np_err("report: needs root to load BPF programs (or CAP_BPF, CAP_PERFMON and "
		       "CAP_SYS_NICE)");
		goto cleanup;
	}
	if (output) {
		out = fopen(output, "w");
		if (!out) {
			np_err("report: -o %s: %s", output, strerror(errno));
			out = stdout;
			goto cleanup;
		}
	}

	/* Sample: every process (filtered afterwards) or the chosen ones and their children. */
	report.scope = all ? NP_SCOPE_ALL : npids ? NP_SCOPE_PIDS : NP_SCOPE_DEFAULT;
	sopts.trace_all = report.scope != NP_SCOPE_PIDS;
	sopts.pids = pids;
	sopts.npids = report.scope == NP_SCOPE_PIDS ? npids : 0;
	sopts.want_kprobe = true;
	err = np_sampler_start(topo, &sopts, &sampler, msg, sizeof(msg));
	if (err) {
		np_err("report: %s", msg);
		goto cleanup;
	}
	np_sample_window(sampler, duration);

	err = np_sampler_stop(sampler, &report.data);
	if (err) {
		np_err("report: reading the sampler's maps: %s", strerror(-err));
		goto cleanup;
	}
	report.topo = topo;
	report.sample_every = sopts.sample_every;
	target.window_ns = report.data.window_ns;
	err = np_report_build(&report, report.scope == NP_SCOPE_PIDS ? pids : NULL,
			      report.scope == NP_SCOPE_PIDS ? npids : 0, &target);
	if (err) {
		np_err("report: %s", strerror(-err));
		goto cleanup;
	}
	if (json) {
		struct json_object *doc = np_report_to_json(&report);

		fprintf(out, "%s\n",
			json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
								    JSON_C_TO_STRING_SPACED |
								    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(doc);
	} else {
		np_report_print_text(&report, out);
	}
	rc = fflush(out) == 0 ? NP_EXIT_OK : NP_EXIT_RUNTIME;
cleanup:
	if (out != stdout)
		fclose(out);
	np_report_free(&report);
	np_sampler_destroy(sampler);
	if (topo)
		np_topo_free(topo);
	free(topo);
	free(pids);
	if (have_regex)
		regfree(&re);
	return rc;
}
