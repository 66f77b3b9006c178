// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace run`: the daemon that keeps inference servers placed.
 *
 * Lifecycle: configuration (file, then command-line overrides and --match), checked against
 * this host's topology before anything changes; the journal lock, so no `place` or second
 * `run` interleaves; the undo of a previous run that was killed (its journal), so old
 * changes are never lost; the host's balancing policy; the BPF sampler, attached for the
 * daemon's whole life. Then one interval after another (see run.h), and on SIGTERM/SIGINT
 * everything in the journal is put back before exit 0. SIGHUP reloads the file; a bad file
 * keeps the running configuration.
 *
 * Signals are blocked and read from a signalfd, polled with the metrics listener between
 * intervals: a long memory move notices SIGTERM pending and stops after its batch.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/clock.h"
#include "act/act.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "lib/journal.h"
#include "lib/log.h"
#include "act/place.h"
#include "act/restore.h"
#include "run/run.h"
#include "lib/sysfs.h"
#include "sample/window.h"

#define MAX_OVERRIDES 16
#define SAMPLE_EVERY 8 /* 1 in N page faults of managed servers: enough to rank 2 MB regions */
#define COMPACT_EVERY 10 /* intervals: at most one journal compaction in so many */

struct run_args {
	const char *config;
	bool dry_run, once, check_config;
	const char *match, *device;
	int node;
	int noverrides;
	const char *keys[MAX_OVERRIDES], *values[MAX_OVERRIDES];
};

static void run_usage(FILE *out)
{
	fprintf(out,
		"usage: numaplace run [--config FILE] [--interval SECS] [--dry-run] [--once]\n"
		"                     [--check-config] [--match REGEX [--device BDF | --node N]]\n"
		"                     [--balancing POLICY] [--journal FILE] [--metrics-file PATH]\n"
		"                     [--metrics-listen HOST:PORT] [--log-level LEVEL]\n"
		"\n"
		"Keep the inference servers of this host placed: every interval, find the processes a\n"
		"[match] section names, model them, and place those whose reads stay remote (threads,\n"
		"IRQs, memory), every change journaled. SIGTERM/SIGINT undo everything and exit 0;\n"
		"SIGHUP reloads the configuration.\n"
		"\n"
		"  --config FILE         INI configuration (see numaplace(8)); %s\n"
		"  --interval SECS       seconds between two looks (default 5)\n"
		"  --dry-run             log what would be done, change nothing\n"
		"  --once                one interval (sustain not applied), then exit, changes kept\n"
		"                        ('numaplace restore' undoes them)\n"
		"  --check-config        validate the configuration, print it as understood, exit\n"
		"  --match REGEX         manage processes whose comm or command line matches\n"
		"                        (a [match cli] section)\n"
		"  --device BDF          ... on the node of this PCI device\n"
		"  --node N              ... on node N (default: the model decides)\n"
		"  --balancing POLICY    keep|off|on|tune:KEY=VAL,... for the host while running\n"
		"  --journal FILE        undo journal (%s)\n"
		"  --metrics-file PATH   Prometheus textfile, rewritten every interval\n"
		"  --metrics-listen H:P  serve the metrics over HTTP (loopback unless the config\n"
		"                        allows otherwise)\n"
		"  --log-level LEVEL     error, warning, info (default) or debug\n",
		NP_CONFIG_DEFAULT_PATH, NP_JOURNAL_DEFAULT);
}

static int parse_args(int argc, char **argv, struct run_args *a)
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
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		const char *key = NULL;

		switch (opt) {
		case 'c':
			a->config = optarg;
			break;
		case 'n':
			a->dry_run = true;
			break;
		case '1':
			a->once = true;
			break;
		case 'C':
			a->check_config = true;
			break;
		case 'm':
			a->match = optarg;
			break;
		case 'd':
			a->device = optarg;
			break;
		case 'N': {
			unsigned long node;

			if (np_parse_ulong(optarg, 0, NP_MAX_NODES - 1, &node)) {
				np_err("run: --node '%s': expected a node id", optarg);
				return NP_EXIT_USAGE;
			}
			a->node = (int)node;
			break;
		}
		case 'i':
			key = "interval";
			break;
		case 'b':
			key = "balancing";
			break;
		case 'j':
			key = "journal";
			break;
		case 'f':
			key = "metrics_file";
			break;
		case 'l':
			key = "metrics_listen";
			break;
		case 'L':
			key = "log_level";
			break;
		case 'h':
			run_usage(stdout);
			return NP_EXIT_OK;
		default:
			return np_bad_option("run", argc, argv, opt);
		}
		if (key && a->noverrides < MAX_OVERRIDES) {
			a->keys[a->noverrides] = key;
			a->values[a->noverrides++] = optarg;
		}
	}
	if (optind < argc) {
		np_err("run: unexpected argument '%s'", argv[optind]);
		return NP_EXIT_USAGE;
	}
	if ((a->device || a->node != NP_NO_NODE) && !a->match) {
		np_err("run: --device and --node go with --match REGEX");
		return NP_EXIT_USAGE;
	}
	if (a->device && a->node != NP_NO_NODE) {
		np_err("run: --node and --device both name the target: give one");
		return NP_EXIT_USAGE;
	}
	return -1;
}

/* The file (or defaults), then the command line over it. 0, or -EINVAL with msg. */
static int load_config(const struct run_args *a, const struct np_topo *topo,
		       struct np_config *cfg, char *msg, size_t msglen)
{
	char why[256];
	int err;

	if (a->config) {
		err = np_config_load(a->config, cfg, msg, msglen);
		if (err)
			return err;
	} else {
		np_config_defaults(cfg);
	}
	for (int i = 0; i < a->noverrides; i++) {
		err = np_config_set_global(cfg, a->keys[i], a->values[i], why, sizeof(why));
		if (err) {
			char flag[32];

			/* the option as typed: metrics_listen is --metrics-listen */
			snprintf(flag, sizeof(flag), "%s", a->keys[i]);
			for (char *c = flag; *c; c++)
				*c = *c == '_' ? '-' : *c;
			snprintf(msg, msglen, "--%s '%s': %s", flag, a->values[i], why);
			goto fail;
		}
	}
	if (a->match) {
		err = np_config_add_cli_match(cfg, a->match, a->device, a->node, why, sizeof(why));
		if (err) {
			snprintf(msg, msglen, "%s", why);
			goto fail;
		}
	}
	if (!cfg->nmatches) {
		snprintf(msg, msglen, "nothing to manage: give --match REGEX, or [match NAME] "
				      "sections in a --config file");
		err = -EINVAL;
		goto fail;
	}
	/* targets must exist on this host before anything runs */
	for (int i = 0; i < cfg->nmatches; i++) {
		int node, device;

		err = np_run_match_target(topo, &cfg->matches[i], &node, &device, why, sizeof(why));
		if (err) {
			snprintf(msg, msglen, "%.200s%s%.250s", cfg->matches[i].line ? cfg->path : "",
				 cfg->matches[i].line ? ": " : "", why);
			goto fail;
		}
	}
	return 0;
fail:
	np_config_free(cfg);
	return -EINVAL;
}

static void refresh_free_memory(struct np_topo *topo)
{
	for (int i = 0; i < topo->nnodes; i++)
		np_node_mem_free_kb("/", topo->nodes[i].id, &topo->nodes[i].mem_free_kb);
}

static int apply_balancing(struct np_run *r)
{
	struct np_act_result res = { 0 };
	int err;

	if (r->cfg.balancing.choice == NP_BALANCING_KEEP || r->dry_run)
		return 0;
	err = np_place_balancing(r->cfg.journal, r->topo, &r->cfg.balancing, &res);
	if (err || res.failed) {
		np_log(NP_LOG_ERR, "balancing %s: %s", r->cfg.balancing_text,
		       err ? strerror(-err) : res.first_error);
		return err ? err : -EIO;
	}
	if (res.changed)
		np_log(NP_LOG_INFO, "balancing: %s for the host while running",
		       r->cfg.balancing_text);
	return 0;
}

/*
 * Records of exited processes leave the journal; else a host with server churn grows it for
 * the daemon's whole life, and every append, which copies the journal, gets slower. One
 * compaction costs about what an append does (a read, a rewrite, two fsyncs; nothing is
 * written when nothing goes) and is worth doing only once a process was forgotten. At most one
 * in COMPACT_EVERY intervals keeps that cheap however fast servers come and go, and bounds what
 * waits in the journal to the records of processes that exited within that many intervals.
 */
static void compact_journal(struct np_run *r)
{
	int dropped, err;

	if (!r->journal_stale || r->dry_run || r->interval_no - r->compacted_at < COMPACT_EVERY)
		return;
	r->compacted_at = r->interval_no;
	err = np_restore_compact(r->cfg.journal, &dropped);
	if (err) {
		/* the journal is as it was, nothing lost: tried again COMPACT_EVERY intervals on */
		r->actions_failed++;
		np_log_ratelimited("journal", NP_LOG_ERR,
				   "journal %s: dropping the records of exited processes: %s; kept "
				   "as it was",
				   r->cfg.journal, strerror(-err));
		return;
	}
	r->journal_stale = false;
	if (dropped)
		np_log(NP_LOG_INFO, "journal: %d record%s of exited processes dropped", dropped,
		       dropped == 1 ? "" : "s");
}

/* One interval: discover, observe, decide, act, report. */
static void interval(struct np_run *r, __u64 *last_window_ns)
{
	struct np_fleet_decision *decisions = NULL;
	struct np_fleet_proc *procs = NULL;
	struct np_sample_data snap;
	double t0 = np_now_s(), span;
	char msg[256];
	int err;

	refresh_free_memory(r->topo);
	err = np_run_discover(r);
	if (err)
		np_log_ratelimited("discover", NP_LOG_WARNING, "listing /proc: %s",
				   strerror(-err));
	err = np_sampler_snapshot(r->sampler, &snap);
	if (err) {
		np_log_ratelimited("snapshot", NP_LOG_ERR, "reading the sampler: %s",
				   strerror(-err));
		return;
	}
	span = (snap.window_ns - *last_window_ns) / 1e9;
	*last_window_ns = snap.window_ns;
	np_run_observe(r, &snap, span);

	procs = calloc(r->nmanaged + 1, sizeof(*procs));
	decisions = calloc(r->nmanaged + 1, sizeof(*decisions));
	if (procs && decisions) {
		np_run_fleet_input(r, procs);
		err = np_fleet_step(&r->fleet, r->topo, &r->fleet_params, np_now_s(), procs,
				    r->nmanaged, decisions, msg, sizeof(msg));
		if (err)
			np_log_ratelimited("fleet", NP_LOG_ERR, "deciding: %s", msg);
		for (int i = 0; !err && i < r->nmanaged; i++) {
			struct np_managed *mp = &r->managed[i];
			const struct np_fleet_entry *e;
			sigset_t pending;

			/* SIGTERM: nothing more to place, it would be undone a moment later */
			if (!sigpending(&pending) &&
			    (sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT)))
				break;
			np_run_act(r, mp, &decisions[i], &snap);
			/* the metrics of this interval already show a placement made in it */
			e = np_fleet_find(&r->fleet, mp->pid, mp->start_time);
			mp->assigned_node = e && e->placed ? e->assigned_node : NP_NO_NODE;
		}
	}
	free(procs);
	free(decisions);
	compact_journal(r);
	r->intervals++;
	r->interval_no++;
	r->last_interval_s = np_now_s() - t0;
	np_run_metrics(r, &snap);
	np_sample_data_free(&snap);
	np_log_ratelimit_flush();
}

static void reload(struct np_run *r, const struct run_args *a)
{
	struct np_config fresh, old;
	char old_listen[NP_CONFIG_TEXT_MAX];
	bool balancing_changed;
	char msg[512];

	if (!a->config) {
		np_log(NP_LOG_INFO, "SIGHUP: no --config file to reload");
		return;
	}
	if (load_config(a, r->topo, &fresh, msg, sizeof(msg))) {
		np_log(NP_LOG_ERR, "reload of %s failed, keeping the old configuration: %s",
		       a->config, msg);
		return;
	}
	if (strcmp(fresh.journal, r->cfg.journal)) {
		np_log(NP_LOG_ERR,
		       "reload of %s failed, keeping the old configuration: journal cannot "
		       "change while running (restart to use %s)",
		       a->config, fresh.journal);
		np_config_free(&fresh);
		return;
	}
	balancing_changed = strcmp(fresh.balancing_text, r->cfg.balancing_text) != 0;
	snprintf(old_listen, sizeof(old_listen), "%s", r->cfg.metrics_listen);
	old = r->cfg;
	r->cfg = fresh;
	np_run_rebind(r); /* before the old sections are freed: managed entries point there */
	np_config_free(&old);
	np_log_set_level(r->cfg.log_level);
	r->fleet_params.reserve_mb = r->cfg.reserve_mb;
	if (strcmp(old_listen, r->cfg.metrics_listen))
		np_log(NP_LOG_WARNING, "metrics_listen changes at the next start, not on reload");
	if (balancing_changed)
		apply_balancing(r);
	np_log(NP_LOG_INFO, "reloaded %s: %d match section%s", a->config, r->cfg.nmatches,
	       r->cfg.nmatches == 1 ? "" : "s");
}

/* Put back everything the journal holds; 0 when it all went back. */
static int undo_all(const char *journal, const char *when)
{
	struct np_restore_summary sum;
	char msg[256];
	int err = np_restore_all(journal, &sum, msg, sizeof(msg));

	if (err) {
		np_log(NP_LOG_ERR, "%s: %s", when, msg);
		return err;
	}
	if (sum.records)
		np_log(NP_LOG_INFO,
		       "%s: restored %d changes (threads %d, IRQs %d, settings %d, bans lifted %d)",
		       when, sum.records, sum.threads.changed, sum.irqs.changed,
		       sum.settings.changed, sum.irqbalance.changed);
	return 0;
}

static int wait_next(struct np_run *r, int sigfd, double until, int *signo)
{
	for (;;) {
		struct pollfd fds[2] = { { .fd = sigfd, .events = POLLIN } };
		int nfds = 1, timeout = (int)((until - np_now_s()) * 1000), ready;

		/* an interval that overran still looks at the signals once */
		if (timeout < 0)
			timeout = 0;
		if (r->http) {
			fds[1].fd = np_metrics_http_fd(r->http);
			fds[1].events = POLLIN;
			nfds = 2;
		}
		ready = poll(fds, nfds, timeout);
		if (ready < 0 && errno != EINTR)
			return -errno;
		if (ready == 0 && timeout == 0)
			return 0;
		if (fds[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
				*signo = (int)si.ssi_signo;
				return 1;
			}
		}
		if (nfds == 2 && (fds[1].revents & POLLIN))
			np_metrics_http_serve(r->http, r->metrics_text ? r->metrics_text : "",
					      r->metrics_len);
	}
}

int np_cmd_run(int argc, char **argv)
{
	struct run_args a = { .node = NP_NO_NODE };
	struct np_run r = { 0 };
	struct np_sampler_opts sopts = { .sample_every = SAMPLE_EVERY };
	int rc = parse_args(argc, argv, &a), sigfd = -1, lock = -1, err, signo = 0;
	__u64 last_window_ns = 0;
	sigset_t signals;
	char msg[512];

	if (rc >= 0)
		return rc;
	rc = NP_EXIT_RUNTIME;
	np_fleet_init(&r.fleet);
	np_fleet_params_default(&r.fleet_params);
	r.dry_run = a.dry_run;
	r.once = a.once;

	/* Configuration, checked against this host. */
	r.topo = calloc(1, sizeof(*r.topo));
	if (!r.topo || np_topo_discover("/", r.topo, msg, sizeof(msg))) {
		np_err("run: %s", r.topo ? msg : "out of memory");
		free(r.topo);
		return NP_EXIT_RUNTIME;
	}
	if (load_config(&a, r.topo, &r.cfg, msg, sizeof(msg))) {
		np_err("run: %s", msg);
		np_topo_free(r.topo);
		free(r.topo);
		return NP_EXIT_USAGE;
	}
	np_log_set_level(r.cfg.log_level);
	r.fleet_params.reserve_mb = r.cfg.reserve_mb;
	if (a.check_config) {
		np_config_print(stdout, &r.cfg);
		rc = NP_EXIT_OK;
		goto cleanup;
	}
	if (geteuid() != 0) {
		np_err("run: needs root (BPF sampling, thread affinity, page migration)");
		goto cleanup;
	}

	/*
	 * One numaplace changes the system at a time; a killed run's changes go back first.
	 * A dry run changes nothing, that undo included, and can watch beside a real run.
	 */
	if (!r.dry_run) {
		lock = np_journal_lock(r.cfg.journal);
		if (lock < 0) {
			np_err("run: %s.lock: %s", r.cfg.journal,
			       lock == -EBUSY ? "another numaplace is changing the system"
					      : strerror(-lock));
			goto cleanup;
		}
		if (undo_all(r.cfg.journal, "journal of an earlier run"))
			goto cleanup;
	}
	if (apply_balancing(&r))
		goto undo;

	/* The sampler stays attached; processes are added as they are matched. */
	sopts.want_kprobe = r.topo->kernel.numa_balancing > 0;
	err = np_sampler_start(r.topo, &sopts, &r.sampler, msg, sizeof(msg));
	if (err) {
		np_err("run: %s", msg);
		goto undo;
	}
	if (r.cfg.metrics_listen[0]) {
		err = np_metrics_http_open(r.cfg.metrics_listen, r.cfg.metrics_allow_remote, &r.http,
					   msg, sizeof(msg));
		if (err) {
			np_err("run: metrics_listen: %s", msg);
			rc = err == -EINVAL || err == -EPERM ? NP_EXIT_USAGE : NP_EXIT_RUNTIME;
			goto undo;
		}
	}
	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGHUP);
	sigprocmask(SIG_BLOCK, &signals, NULL);
	sigfd = signalfd(-1, &signals, SFD_CLOEXEC);
	if (sigfd < 0) {
		np_err("run: signalfd: %s", strerror(errno));
		goto undo;
	}
	rc = NP_EXIT_OK; /* from here, a signal ends the run */
	np_log(NP_LOG_INFO, "running%s: %d match section%s, every %.3g s, journal %s",
	       r.dry_run ? " (dry run: nothing is changed)" : "", r.cfg.nmatches,
	       r.cfg.nmatches == 1 ? "" : "s", r.cfg.interval_s, r.cfg.journal);

	for (;;) {
		double next = np_now_s() + r.cfg.interval_s;

		interval(&r, &last_window_ns);
		/* --once: the first interval only finds the servers; the second measures them */
		if (r.once && r.interval_no >= 2)
			break;
		err = wait_next(&r, sigfd, next, &signo);
		if (err < 0) {
			np_log(NP_LOG_ERR, "waiting: %s", strerror(-err));
			rc = NP_EXIT_RUNTIME;
			break;
		}
		if (err == 1 && signo == SIGHUP) {
			reload(&r, &a);
			continue;
		}
		if (err == 1)
			break;
	}
	if (r.once) {
		if (r.dry_run)
			np_log(NP_LOG_INFO, "done (dry run: nothing was changed)");
		else
			np_log(NP_LOG_INFO,
			       "done; 'numaplace restore' undoes the changes (journal %s)",
			       r.cfg.journal);
		goto cleanup;
	}
	if (signo)
		np_log(NP_LOG_INFO, "%s: restoring every change", strsignal(signo));
undo:
	if (!r.dry_run && undo_all(r.cfg.journal, "exiting"))
		rc = NP_EXIT_RUNTIME;
cleanup:
	if (sigfd >= 0)
		close(sigfd);
	if (lock >= 0)
		close(lock);
	np_metrics_http_close(r.http);
	np_sampler_destroy(r.sampler);
	for (int i = 0; i < r.nmanaged; i++)
		free(r.managed[i].pinned);
	free(r.managed);
	free(r.ignored);
	free(r.metrics_text);
	np_fleet_free(&r.fleet);
	np_config_free(&r.cfg);
	np_topo_free(r.topo);
	free(r.topo);
	return rc;
}
