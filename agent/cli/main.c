// SPDX-License-Identifier: GPL-2.0
/* numaplace: one binary, one subcommand per job. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "lib/np_common.h"
#include "lib/version.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "topo", np_cmd_topo, "show NUMA nodes, device locality and kernel state" },
	{ "report", np_cmd_report, "trace for a while, report remote memory access per process" },
	{ "place", np_cmd_place, "move a process, its memory and its IRQs to its node" },
	{ "run", np_cmd_run, "keep inference servers placed, as a daemon (journaled, undone on exit)" },
	{ "restore", np_cmd_restore, "undo every change place made (from the journal)" },
	{ "status", np_cmd_status, "what the running daemon manages now (its status file)" },
	{ "top", np_cmd_top, "a live view of where processes run and where their memory is" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: numaplace <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < NP_ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'numaplace <command> --help' shows a command's options.\n");
}

/*
 * libbpf's own messages, for the whole process: a refused optional program or a feature probe
 * that says no is reported by numaplace itself, by name, so libbpf's warnings come only when
 * asked for (NP_DEBUG_BPF=1).
 */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_WARN && getenv("NP_DEBUG_BPF"))
		return vfprintf(stderr, fmt, args);
	return 0;
}

/*
 * Every command's standard output is checked here, once, when it is done: a table, a plan
 * or a configuration that did not reach it (a full disk, /dev/full) is a failure with a
 * message, even after the command itself succeeded.
 */
static int run_command(const struct command *c, int argc, char **argv)
{
	int rc = c->run(argc, argv);

	if (np_cli_output_done(c->name, stdout, "standard output") && rc == NP_EXIT_OK)
		rc = NP_EXIT_RUNTIME;
	return rc;
}

int main(int argc, char **argv)
{
	libbpf_set_print(libbpf_print);
	if (argc < 2) {
		usage(stderr);
		return NP_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return np_cli_output_done(NULL, stdout, "standard output");
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("numaplace %s\n", np_version);
		return np_cli_output_done(NULL, stdout, "standard output");
	}
	for (size_t i = 0; i < NP_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return run_command(&commands[i], argc - 1, argv + 1);
	np_err("unknown command '%s' (try 'numaplace --help')", argv[1]);
	return NP_EXIT_USAGE;
}
