// SPDX-License-Identifier: GPL-2.0
/* `numaplace restore`: put back everything the journal recorded, then clear it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "act/restore.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "lib/journal.h"
#include "lib/np_common.h"
#include "output/text_wrap.h"

static void restore_usage(FILE *out)
{
	fprintf(out,
		"usage: numaplace restore [--journal FILE]\n"
		"\n"
		"Puts back every thread mask, IRQ mask, irqbalance ban, kernel setting and cgroup\n"
		"cpuset file that 'numaplace place' or 'run' changed, newest first, and clears the\n"
		"journal. Threads that exited (or whose id now belongs to another thread) are\n"
		"skipped. Safe to run twice. Memory moves are not undone.\n"
		"\n"
		"  --journal FILE     undo journal (%s)\n",
		NP_JOURNAL_DEFAULT);
}

static int parse_args(int argc, char **argv, const char **journal, int *exit_code)
{
	static const struct option options[] = {
		{ "journal", required_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct np_args p = { .command = "restore",
			     .argc = argc,
			     .argv = argv,
			     .options = options,
			     .shortopts = "h",
			     .usage = restore_usage };
	int opt;

	while ((opt = np_args_next(&p)) > 0)
		if (np_args_file(&p, journal)) {
			opt = NP_ARGS_STOP;
			break;
		}
	*exit_code = p.exit_code;
	return opt;
}

static void print_summary(const char *journal, const struct np_restore_summary *sum)
{
	char line[PATH_MAX + 32];

	snprintf(line, sizeof(line), "%s (%d records):", journal, sum->records);
	np_text_wrap(stdout, "restored from ", 2, line);
	np_act_result_print(stdout, "threads", "restored", &sum->threads);
	np_act_result_print(stdout, "irqs", "restored", &sum->irqs);
	np_act_result_print(stdout, "irqbalance", "restored", &sum->irqbalance);
	np_act_result_print(stdout, "settings", "restored", &sum->settings);
	if (sum->processes.changed || sum->processes.failed)
		np_act_result_print(stdout, "stopped", "restored", &sum->processes);
	if (sum->cgroups.changed || sum->cgroups.unchanged || sum->cgroups.vanished ||
	    sum->cgroups.failed)
		np_act_result_print(stdout, "cgroups", "restored", &sum->cgroups);
}

/*
 * No journal where restore looked: nothing to undo there, said so that a journal kept
 * elsewhere (place --journal F) is not mistaken for a host with nothing changed.
 */
static void nothing_to_restore(const char *journal)
{
	char line[PATH_MAX + 32];

	snprintf(line, sizeof(line), "no journal at %s", journal);
	np_text_wrap(stdout, "nothing to restore: ", 2, line);
	if (!strcmp(journal, NP_JOURNAL_DEFAULT)) {
		printf("  (a place or run given --journal FILE keeps its journal there: 'numaplace "
		       "restore --journal FILE')\n");
		return;
	}
	printf("  (place and run keep their journal where --journal says, by default at %s)\n",
	       NP_JOURNAL_DEFAULT);
	if (!access(NP_JOURNAL_DEFAULT, F_OK))
		printf("  %s exists: 'numaplace restore' undoes what it holds\n",
		       NP_JOURNAL_DEFAULT);
}

int np_cmd_restore(int argc, char **argv)
{
	const char *journal = NP_JOURNAL_DEFAULT;
	struct np_restore_summary sum;
	char msg[512] = "";
	int lock, err, rc;

	if (parse_args(argc, argv, &journal, &rc))
		return rc;
	if (access(journal, F_OK) && errno == ENOENT) {
		nothing_to_restore(journal);
		return NP_EXIT_OK;
	}
	rc = np_cli_need_root("restore", "to put thread and IRQ masks back");
	if (rc)
		return rc;
	lock = np_cli_lock("restore", journal, "a numaplace place or run is changing the system");
	if (lock < 0)
		return -lock;
	err = np_restore_all(journal, &sum, msg, sizeof(msg));
	close(lock);
	if (err != -EINVAL && err != -EPERM && err != -EIO)
		print_summary(journal, &sum);
	if (err) {
		np_err("restore: %s", msg);
		return err == -EPERM ? NP_EXIT_USAGE : NP_EXIT_RUNTIME; /* -EPERM: refused */
	}
	printf("journal cleared; memory stays where place moved it\n");
	return NP_EXIT_OK;
}
