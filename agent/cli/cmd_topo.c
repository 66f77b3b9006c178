// SPDX-License-Identifier: GPL-2.0
/* `numaplace topo [--json] [--root DIR]` */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sample/bpf_ready.h"
#include "cli/commands.h"
#include "output/topo_output.h"

static void topo_usage(FILE *out)
{
	fprintf(out, "usage: numaplace topo [--json] [--root DIR]\n"
		     "\n"
		     "  --json       one JSON document (schema in README.md)\n"
		     "  --root DIR   read sys/ and proc/ below DIR instead of / (fixtures);\n"
		     "               BPF attach probes run only against the live system\n");
}

int np_cmd_topo(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *root = "/";
	struct np_topo *topo;
	bool json = false;
	struct stat st;
	char msg[512];
	int opt, err;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":hj", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'r':
			root = optarg;
			break;
		case 'h':
			topo_usage(stdout);
			return NP_EXIT_OK;
		default:
			return np_bad_option("topo", argc, argv, opt);
		}
	}
	if (optind < argc) {
		np_err("topo: unexpected argument '%s'", argv[optind]);
		return NP_EXIT_USAGE;
	}
	if (stat(root, &st) != 0) {
		np_err("topo: --root %s: %s", root, strerror(errno));
		return NP_EXIT_USAGE;
	}
	if (!S_ISDIR(st.st_mode)) {
		np_err("topo: --root %s: not a directory", root);
		return NP_EXIT_USAGE;
	}

	topo = calloc(1, sizeof(*topo));
	if (!topo) {
		np_err("topo: out of memory");
		return NP_EXIT_RUNTIME;
	}
	msg[0] = '\0';
	err = np_topo_discover(root, topo, msg, sizeof(msg));
	if (err) {
		np_err("topo: %s", msg[0] ? msg : strerror(-err));
		free(topo);
		return NP_EXIT_RUNTIME;
	}
	if (!strcmp(root, "/"))
		np_bpf_probe_all(&topo->kernel);

	if (json) {
		struct json_object *doc = np_topo_to_json(topo);

		puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(doc);
	} else {
		np_topo_print_text(topo, stdout);
	}
	np_topo_free(topo);
	free(topo);
	return NP_EXIT_OK;
}
