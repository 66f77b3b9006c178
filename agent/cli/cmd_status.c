// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace status`: what the running daemon manages now, from the status file it replaces
 * every interval (output/status.h). The file alone does not prove a daemon: a killed one
 * leaves it behind, so the daemon is running only while the pid the file names holds the host
 * lock (/proc/locks says who holds a flock). Otherwise "not running", exit 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/status_load.h"
#include "lib/host_lock.h"

static void status_usage(FILE *out)
{
	fprintf(out,
		"usage: numaplace status [--json]\n"
		"\n"
		"What the running 'numaplace run' manages now: each process with its node,\n"
		"its state and its last placement, the journal's records, the last interval.\n"
		"Read from the status file the daemon rewrites every interval (%s).\n"
		"Exit 1 with 'not running' when no daemon runs (a dry run keeps no status).\n"
		"\n"
		"  --json    the status document (schema in numaplace(8))\n",
		NP_STATUS_FILE);
}

static int parse_args(int argc, char **argv, bool *json, int *exit_code)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct np_args p = { .command = "status",
			     .argc = argc,
			     .argv = argv,
			     .options = options,
			     .shortopts = "h",
			     .usage = status_usage };
	int opt;

	while ((opt = np_args_next(&p)) > 0)
		*json = true;
	*exit_code = p.exit_code;
	return opt;
}

static int print_status(const struct np_status *st, bool json)
{
	char *text;

	if (!json) {
		np_status_print_text(st, (double)time(NULL), stdout);
		return NP_EXIT_OK;
	}
	if (np_status_to_json(st, &text))
		return NP_EXIT_RUNTIME;
	fputs(text, stdout);
	free(text);
	return NP_EXIT_OK;
}

int np_cmd_status(int argc, char **argv)
{
	struct np_status st = { 0 };
	bool json = false;
	char msg[256];
	pid_t holder;
	int rc, err;

	if (parse_args(argc, argv, &json, &rc))
		return rc;
	rc = np_cli_need_root("status", "(the daemon's status is in a directory only root reads)");
	if (rc)
		return rc;
	err = np_cli_status_load(&st, msg, sizeof(msg));
	if (err && err != -ENOENT && err != -EINVAL) {
		np_status_free(&st);
		np_err("status: %s: %s", NP_STATUS_FILE, msg);
		return NP_EXIT_RUNTIME;
	}
	holder = err == -ENOENT ? 0 : np_host_lock_holder();
	if (!holder || (!err && holder != st.pid)) {
		/* no file, or one a daemon that is gone left behind */
		np_status_free(&st);
		np_err("not running");
		return NP_EXIT_RUNTIME;
	}
	if (err) {
		np_status_free(&st);
		np_err("status: %s: %s", NP_STATUS_FILE, msg);
		return NP_EXIT_RUNTIME; /* the daemon's file, not the request, is wrong */
	}
	rc = print_status(&st, json);
	np_status_free(&st);
	return rc;
}
