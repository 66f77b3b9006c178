// SPDX-License-Identifier: GPL-2.0
/* `numaplace restore`: put back everything the journal recorded, then clear it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "lib/np_common.h"
#include "act/restore.h"

static void restore_usage(FILE *out)
{
	fprintf(out,
		"usage: numaplace restore [--journal FILE]\n"
		"\n"
		"Puts back every thread mask, IRQ mask, irqbalance ban and kernel setting that\n"
		"'numaplace place' changed, newest first, and clears the journal. Threads that\n"
		"exited (or whose id now belongs to another thread) are skipped. Safe to run twice.\n"
		"Memory moves are not undone.\n"
		"\n"
		"  --journal FILE     undo journal (%s)\n",
		NP_JOURNAL_DEFAULT);
}

int np_cmd_restore(int argc, char **argv)
{
	static const struct option options[] = {
		{ "journal", required_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *journal = NP_JOURNAL_DEFAULT;
	struct np_restore_summary sum;
	char msg[512] = "";
	int opt, lock, err;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (opt) {
		case 'J':
			journal = optarg;
			break;
		case 'h':
			restore_usage(stdout);
			return NP_EXIT_OK;
		default:
			return np_bad_option("restore", argc, argv, opt);
		}
	}
	if (optind < argc) {
		np_err("restore: unexpected argument '%s'", argv[optind]);
		return NP_EXIT_USAGE;
	}
	if (access(journal, F_OK) && errno == ENOENT) {
		printf("nothing to restore (no journal at %s)\n", journal);
		return NP_EXIT_OK;
	}
	if (geteuid() != 0) {
		np_err("restore: needs root to put thread and IRQ masks back");
		return NP_EXIT_RUNTIME;
	}
	lock = np_journal_lock(journal);
	if (lock < 0) {
		np_err("restore: %s.lock: %s", journal,
		       lock == -EBUSY ? "a numaplace place or run is changing the system; stop it "
					"first"
				      : strerror(-lock));
		return NP_EXIT_RUNTIME;
	}
	err = np_restore_all(journal, &sum, msg, sizeof(msg));
	close(lock);
	if (err == -EINVAL) {
		np_err("restore: %s", msg);
		return NP_EXIT_RUNTIME;
	}
	printf("restored from %s (%d records):\n", journal, sum.records);
	np_act_result_print(stdout, "threads", "restored", &sum.threads);
	np_act_result_print(stdout, "irqs", "restored", &sum.irqs);
	np_act_result_print(stdout, "irqbalance", "restored", &sum.irqbalance);
	np_act_result_print(stdout, "settings", "restored", &sum.settings);
	if (sum.processes.changed || sum.processes.failed)
		np_act_result_print(stdout, "stopped", "restored", &sum.processes);
	if (err) {
		np_err("restore: %s", msg);
		return NP_EXIT_RUNTIME;
	}
	printf("journal cleared; memory stays where place moved it\n");
	return NP_EXIT_OK;
}
