// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace run`: the daemon that keeps inference servers placed (run/daemon.c).
 *
 * Lifecycle: configuration (file, then command-line overrides and --match), checked against
 * this host's topology before anything changes; the journal lock, so no `place` or second
 * `run` interleaves; the undo of a previous run that was killed (its journal), so old
 * changes are never lost; then the daemon, and on SIGTERM/SIGINT everything in the journal
 * is put back before exit 0.
 *
 * Signals are blocked from before the first change (the lock, the undo of a killed run) and
 * read from a signalfd, polled with the metrics listener between intervals: a long memory move
 * notices SIGTERM pending and stops after its batch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "cli/signals.h"
#include "lib/journal.h"
#include "lib/log.h"
#include "run/run.h"

struct run_args {
	struct np_run_source src;
	bool dry_run, once, check_config;
};

static void run_usage(FILE *out)
{
	fprintf(out,
		"usage: numaplace run [--config FILE] [--interval SECS] [--dry-run] [--once]\n"
		"                     [--check-config] [--match REGEX [--device DEV | --node N]]\n"
		"                     [--balancing POLICY] [--journal FILE] [--metrics-file PATH]\n"
		"                     [--metrics-listen HOST:PORT] [--log-level LEVEL]\n"
		"\n"
		"Keep the inference servers of this host placed: every interval, find the processes a\n"
		"[match] section names, model them, and place those whose reads stay remote (threads,\n"
		"IRQs, memory), every change journaled. SIGTERM/SIGINT undo everything and exit 0;\n"
		"SIGHUP reloads the configuration.\n"
		"\n"
		"  --config FILE         INI configuration (see numaplace(8)); without it and\n"
		"                        without --match, %s if it exists\n"
		"  --interval SECS       seconds between two looks (default 5)\n"
		"  --dry-run             log what would be done, change nothing\n"
		"  --once                two intervals (one finds, one measures; sustain not\n"
		"                        applied), then exit, changes kept ('numaplace restore'\n"
		"                        undoes them)\n"
		"  --check-config        validate the configuration, print it as understood, exit\n"
		"  --match REGEX         manage processes whose comm or command line matches\n"
		"                        (a [match cli] section)\n"
		"  --device DEV          ... on the node of this PCI device (0000:41:00.0,\n"
		"                        00000000:41:00.0, 41:00.0 or a GPU UUID)\n"
		"  --node N              ... on node N (default: the model decides)\n"
		"  --balancing POLICY    keep|off|on|tune:KEY=VAL,... for the host while running\n"
		"  --journal FILE        undo journal (%s)\n"
		"  --metrics-file PATH   Prometheus textfile, rewritten every interval\n"
		"  --metrics-listen H:P  serve the metrics over HTTP (loopback unless the config\n"
		"                        allows otherwise)\n"
		"  --log-level LEVEL     error, warning, info (default) or debug\n",
		NP_CONFIG_DEFAULT_PATH, NP_JOURNAL_DEFAULT);
}

/* An option into a; 0, or NP_ARGS_STOP after the message. */
static int parse_option(struct np_args *p, struct run_args *a)
{
	static const struct {
		int opt;
		const char *key;
	} globals[] = { { 'i', "interval" },	 { 'b', "balancing" },	    { 'j', "journal" },
			{ 'f', "metrics_file" }, { 'l', "metrics_listen" }, { 'L', "log_level" } };
	struct np_run_source *src = &a->src;
	unsigned long node;

	switch (p->opt) {
	case 'c':
		src->config = optarg;
		return 0;
	case 'n':
		a->dry_run = true;
		return 0;
	case '1':
		a->once = true;
		return 0;
	case 'C':
		a->check_config = true;
		return 0;
	case 'm':
		src->match = optarg;
		return 0;
	case 'd':
		src->device = optarg;
		return 0;
	case 'N':
		if (np_args_ulong(p, 0, NP_MAX_NODES - 1, "a node number", &node))
			return NP_ARGS_STOP;
		src->node = (int)node;
		return 0;
	}
	/* a [global] key: checked with the configuration, in its words */
	for (size_t i = 0; i < NP_ARRAY_SIZE(globals); i++) {
		if (globals[i].opt != p->opt)
			continue;
		if (src->noverrides == NP_RUN_MAX_OVERRIDES)
			return np_args_bad(
				p,
				"more than %d options that set [global] keys (--interval, "
				"--balancing, --journal, --metrics-*, --log-level)",
				NP_RUN_MAX_OVERRIDES);
		src->keys[src->noverrides] = globals[i].key;
		src->values[src->noverrides++] = optarg;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct run_args *a, int *exit_code)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'i' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "once", no_argument, NULL, '1' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "match", required_argument, NULL, 'm' },
		{ "device", required_argument, NULL, 'd' },
		{ "node", required_argument, NULL, 'N' },
		{ "balancing", required_argument, NULL, 'b' },
		{ "journal", required_argument, NULL, 'j' },
		{ "metrics-file", required_argument, NULL, 'f' },
		{ "metrics-listen", required_argument, NULL, 'l' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct np_args p = { .command = "run",
			     .argc = argc,
			     .argv = argv,
			     .options = options,
			     .shortopts = "h",
			     .usage = run_usage };
	const struct np_run_source *src = &a->src;
	int opt;

	while ((opt = np_args_next(&p)) > 0)
		if (parse_option(&p, a))
			break;
	/*
	 * The installed configuration when nothing else says what to manage: `numaplace run`
	 * alone does what the service does. --match alone is the whole configuration (the
	 * example file's [match accelerated] would otherwise join it unasked).
	 */
	if (opt == 0 && !src->config && !src->match && !access(NP_CONFIG_DEFAULT_PATH, F_OK))
		a->src.config = NP_CONFIG_DEFAULT_PATH;
	if (opt == 0 && (src->device || src->node != NP_NO_NODE) && !src->match) {
		np_err("run: --device and --node go with --match REGEX");
		opt = np_args_stop(&p, NP_EXIT_USAGE);
	} else if (opt == 0 && src->device && src->node != NP_NO_NODE) {
		np_err("run: --node and --device both name the target: give one");
		opt = np_args_stop(&p, NP_EXIT_USAGE);
	}
	*exit_code = p.exit_code;
	return opt ? NP_ARGS_STOP : 0;
}

/* The configuration, checked against this host's topology. */
static int configure(struct np_run *r, const struct run_args *a)
{
	char msg[512];

	r->dry_run = a->dry_run;
	r->once = a->once;
	r->topo = np_cli_topo("run", "/");
	if (!r->topo)
		return NP_EXIT_RUNTIME;
	if (np_run_load_config(&a->src, r->topo, &r->cfg, msg, sizeof(msg))) {
		np_err("run: %s", msg);
		return NP_EXIT_USAGE;
	}
	np_log_set_level(r->cfg.log_level);
	return NP_EXIT_OK;
}

/*
 * The daemon's start, then its loop until a signal (read from sigfd). Changes it made are
 * undone unless --once keeps them; nothing changed when it fails before the daemon started.
 */
static int start_and_loop(struct np_run *r, const struct run_args *a, int sigfd)
{
	int rc = NP_EXIT_RUNTIME, err;
	char msg[512];

	err = np_run_start(r, msg, sizeof(msg));
	if (err) {
		if (msg[0])
			np_err("run: %s", msg);
		if (err == -EINVAL || err == -EPERM)
			rc = NP_EXIT_USAGE;
		goto undo;
	}
	/* a signal that came during the start is the loop's first */
	rc = np_run_loop(r, &a->src, sigfd) ? NP_EXIT_RUNTIME : NP_EXIT_OK;
	if (r->once)
		return rc;
undo:
	if (!r->dry_run && np_run_undo(r->cfg.journal, "exiting"))
		rc = NP_EXIT_RUNTIME;
	return rc;
}

int np_cmd_run(int argc, char **argv)
{
	struct run_args a = { .src.node = NP_NO_NODE };
	struct np_run r = { 0 };
	int rc, lock = -1, sigfd = -1;

	if (parse_args(argc, argv, &a, &rc))
		return rc;
	rc = configure(&r, &a);
	if (!rc && a.check_config)
		np_config_print(stdout, &r.cfg);
	else if (!rc)
		rc = np_cli_need_root("run", "(BPF sampling, thread affinity, page migration)");
	if (rc || a.check_config)
		goto cleanup;
	/*
	 * One numaplace changes the system at a time; a killed run's changes go back first.
	 * A dry run changes nothing, that undo included, and can watch beside a real run.
	 */
	rc = NP_EXIT_RUNTIME;
	/*
	 * From before the first change to the end of the last undo, SIGTERM, SIGINT and SIGHUP
	 * wait in the signalfd: one that comes during the start is read by the loop, never
	 * kills the process between a change and its undo.
	 */
	sigfd = np_cli_signalfd();
	if (sigfd < 0) {
		np_err("run: signalfd: %s", strerror(-sigfd));
		goto cleanup;
	}
	if (!r.dry_run) {
		lock = np_cli_lock("run", r.cfg.journal, NULL);
		rc = lock < 0 ? -lock : NP_EXIT_RUNTIME;
		if (lock < 0 || np_run_undo(r.cfg.journal, "journal of an earlier run"))
			goto cleanup;
	}
	rc = start_and_loop(&r, &a, sigfd);
cleanup:
	if (sigfd >= 0)
		close(sigfd);
	if (lock >= 0)
		close(lock);
	np_run_free(&r);
	np_cli_topo_free(r.topo);
	return rc;
}
