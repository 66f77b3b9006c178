// SPDX-License-Identifier: GPL-2.0
/* `numaplace topo [--json] [--root DIR]` */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "output/topo_output.h"
#include "sample/bpf_ready.h"

static void topo_usage(FILE *out)
{
	fprintf(out, "usage: numaplace topo [--json] [--root DIR]\n"
		     "\n"
		     "  --json       one JSON document (schema in README.md)\n"
		     "  --root DIR   read sys/ and proc/ below DIR instead of / (fixtures);\n"
		     "               BPF attach probes run only against the live system\n");
}

static int parse_args(int argc, char **argv, bool *json, const char **root, int *exit_code)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
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

int np_cmd_topo(int argc, char **argv)
{
	const char *root = "/";
	struct np_topo *topo;
	bool json = false;
	int rc;

	if (parse_args(argc, argv, &json, &root, &rc))
		return rc;
	rc = check_root(root);
	if (rc)
		return rc;
	topo = np_cli_topo("topo", root);
	if (!topo)
		return NP_EXIT_RUNTIME;
	if (!strcmp(root, "/"))
		np_bpf_probe_all(&topo->kernel);
	if (json)
		np_cli_print_json(stdout, np_topo_to_json(topo));
	else
		np_topo_print_text(topo, stdout);
	np_cli_topo_free(topo);
	return NP_EXIT_OK;
}
