// SPDX-License-Identifier: GPL-2.0
/* The processes a command was asked about (proc_choose.h), shared by report and top. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/proc_choose.h"
#include "lib/lineage.h"
#include "lib/log.h"
#include "lib/np_common.h"
#include "lib/pattern.h"
#include "lib/procfs.h"

/* pid (once) into the list. */
static int add_pid(pid_t **pids, int *npids, pid_t pid)
{
	pid_t *grown;

	for (int j = 0; j < *npids; j++)
		if ((*pids)[j] == pid)
			return 0;
	grown = realloc(*pids, sizeof(**pids) * (*npids + 1));
	if (!grown)
		return -ENOMEM;
	*pids = grown;
	(*pids)[(*npids)++] = pid;
	return 0;
}

/* Whether --match takes this process; out of budget (a hostile command line) is no. */
static bool process_matches(const char *command, const struct np_pattern *re,
			    const struct np_proc_info *info, pid_t pid)
{
	int comm = np_pattern_match(re, info->comm), cmdline = 0;

	if (comm <= 0)
		cmdline = np_pattern_match(re, info->cmdline);
	if (comm < 0 || cmdline < 0)
		np_log(NP_LOG_WARNING, "%s: --match: pid %d: the regex ran out of its budget",
		       command, pid);
	return comm > 0 || cmdline > 0;
}

/* Processes whose comm or command line matches, never ours (lineage.h), added to pids. */
static int match_processes(const char *command, const struct np_pattern *re, pid_t **pids,
			   int *npids)
{
	struct np_lineage ours;
	pid_t *all;
	int n, err;

	np_lineage_read("/", getpid(), &ours);
	err = np_proc_list("/", &all, &n);
	if (err)
		return err;
	for (int i = 0; !err && i < n; i++) {
		struct np_proc_info info;

		if (np_lineage_has(&ours, all[i]) || np_proc_read("/", all[i], &info))
			continue;
		if (process_matches(command, re, &info, all[i]))
			err = add_pid(pids, npids, all[i]);
	}
	free(all);
	return err;
}

/* --pid's processes, and --match's: they must exist before anything is loaded. */
int np_cli_choose_processes(const char *command, const char *pid_arg, const char *match,
			    pid_t **pids, int *npids)
{
	struct np_pattern re;
	char why[128];
	int err;

	if (pid_arg) {
		if (np_parse_pid_list(pid_arg, pids, npids)) {
			np_err("%s: --pid '%s': expected a comma-separated list of distinct "
			       "pids",
			       command, pid_arg);
			return NP_EXIT_USAGE;
		}
		for (int i = 0; i < *npids; i++) {
			struct np_proc_info info;

			if (np_proc_read("/", (*pids)[i], &info)) {
				np_err("%s: --pid %d: no such process", command, (*pids)[i]);
				return NP_EXIT_USAGE;
			}
		}
	}
	if (!match)
		return NP_EXIT_OK;
	if (np_pattern_compile(&re, match, why, sizeof(why))) {
		np_err("%s: --match '%s': not a valid extended regular expression: %s", command,
		       match, why);
		return NP_EXIT_USAGE;
	}
	err = match_processes(command, &re, pids, npids);
	np_pattern_free(&re);
	if (err) {
		np_err("%s: listing processes: %s", command, strerror(-err));
		return NP_EXIT_RUNTIME;
	}
	if (!*npids) {
		np_err("%s: --match '%s': no running process matches", command, match);
		return NP_EXIT_USAGE;
	}
	return NP_EXIT_OK;
}
