// SPDX-License-Identifier: GPL-2.0
/* `numaplace topo [--json] [--root DIR | --measure]` */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/topo_measure.h"
#include "output/topo_output.h"
#include "sample/bpf_ready.h"
#include "topo/measure.h"

static void topo_usage(FILE *out)
{
	fprintf(out,
		"usage: numaplace topo [--json] [--root DIR | --measure]\n"
		"\n"
		"  --json       one JSON document (numaplace(8): JSON SCHEMAS)\n"
		"  --root DIR   read sys/ and proc/ below DIR instead of / (fixtures);\n"
		"               BPF attach probes run only against the live system\n"
		"  --measure    measure memory latency and read bandwidth from every node to\n"
		"               every node (about 30 s in all), kept in %s\n"
		"               (as root) and shown by later `topo` runs\n"
		"\n"
		"the output (see numaplace(8), TOPO OUTPUT):\n"
		"  node table   each node's CPUs, memory total and free, and its distance to\n"
		"               every node (the firmware's SLIT: 10 is local, larger is farther)\n"
		"  pci table    accelerators, NICs and NVMe: kind, vendor:device ids, driver, the\n"
		"               node it hangs off (unknown: the firmware does not say), its IRQs\n"
		"               and, for a NIC, its interfaces\n"
		"  kernel       numa_balancing (AutoNUMA) mode and scan knobs, transparent huge\n"
		"               pages, irqbalance and its bans, BTF and tracepoints, and which\n"
		"               BPF attach types work here (NO: the kernel's reason)\n"
		"  measured     latency ns and read GB/s from each node's CPUs (row) to each node's\n"
		"               memory (column), after `topo --measure`\n",
		NP_MEASURE_CACHE_DIR);
}

static int parse_args(int argc, char **argv, bool *json, bool *measure, const char **root,
		      int *exit_code)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "measure", no_argument, NULL, 'm' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct np_args p = { .command = "topo",
			     .argc = argc,
			     .argv = argv,
			     .options = options,
			     .shortopts = "hj",
			     .usage = topo_usage };
	int opt;

	while ((opt = np_args_next(&p)) > 0) {
		if (opt == 'j')
			*json = true;
		else if (opt == 'm')
			*measure = true;
		else
			*root = optarg;
	}
	*exit_code = p.exit_code;
	return opt;
}

/* --root: a directory. */
static int check_root(const char *root)
{
	struct stat st;

	if (stat(root, &st) != 0) {
		np_err("topo: --root %s: %s", root, strerror(errno));
		return NP_EXIT_USAGE;
	}
	if (!S_ISDIR(st.st_mode)) {
		np_err("topo: --root %s: not a directory", root);
		return NP_EXIT_USAGE;
	}
	return NP_EXIT_OK;
}

/* The matrix for the live system: measured now (and cached as root), else the cached one. */
static int topo_measure(const struct np_topo *topo, bool measure, struct np_measure *m)
{
	if (!measure) {
		np_measure_load(topo, m);
		return NP_EXIT_OK;
	}
	return np_cli_measure(topo, m);
}

int np_cmd_topo(int argc, char **argv)
{
	bool json = false, measure = false, live;
	const char *root = "/";
	struct np_measure m;
	struct np_topo *topo;
	int rc;

	if (parse_args(argc, argv, &json, &measure, &root, &rc))
		return rc;
	rc = check_root(root);
	if (rc)
		return rc;
	live = !strcmp(root, "/");
	if (measure && !live) {
		np_err("topo: --measure measures this host's memory: not with --root");
		return NP_EXIT_USAGE;
	}
	topo = np_cli_topo("topo", root);
	if (!topo)
		return NP_EXIT_RUNTIME;
	if (live)
		np_bpf_probe_all(&topo->kernel);
	rc = live ? topo_measure(topo, measure, &m) : NP_EXIT_OK;
	if (rc == NP_EXIT_OK && json) {
		struct json_object *doc = np_topo_to_json(topo);

		/* --root trees are fixtures of other hosts: no measure of this one there */
		if (live)
			json_object_object_add(doc, "measure", np_measure_to_json(&m));
		np_cli_print_json(stdout, doc);
	} else if (rc == NP_EXIT_OK) {
		np_topo_print_text(topo, stdout);
		if (live)
			np_measure_print_text(&m, stdout);
	}
	np_cli_topo_free(topo);
	return rc;
}
