// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's life (run.h): its configuration, checked against this host; its start (the
 * host's balancing policy, the BPF sampler loaded for its whole life and attached in sampling
 * windows (run_duty.h), the metrics listener); then one interval after another, and the
 * signals between them: SIGHUP reloads the file (a bad file keeps the running configuration),
 * SIGTERM and SIGINT end it. The command (cli/cmd_run.c) takes the journal's lock and sets up
 * the signalfd.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "act/act.h"
#include "act/place.h"
#include "act/restore.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/sysfs.h"
#include "run/run.h"

#define SAMPLE_EVERY  8	 /* 1 in N page faults of managed servers: enough to rank 2 MB regions */
#define COMPACT_EVERY 10 /* intervals: at most one journal compaction in so many */

/*
 * What the balancing policy writes must exist on this host: checked with the configuration, so
 * that --check-config and a reload refuse what the start would fail on.
 */
static int balancing_on_host(const struct np_config *cfg, const struct np_topo *topo, char *msg,
			     size_t msglen)
{
	char why[192];

	if (!np_balancing_check_host(&cfg->balancing, &topo->kernel, why, sizeof(why)))
		return 0;
	snprintf(msg, msglen, "balancing %s: %s", cfg->balancing_text, why);
	return -EINVAL;
}

/* What cfg names must exist on this host before anything runs. 0, or -EINVAL with msg. */
static int check_on_host(const struct np_config *cfg, const struct np_topo *topo, char *msg,
			 size_t msglen)
{
	char why[256];

	for (int i = 0; i < cfg->nmatches; i++) {
		int node, device;

		if (np_run_match_target(topo, &cfg->matches[i], &node, &device, why, sizeof(why))) {
			snprintf(msg, msglen, "%.200s%s%.250s",
				 cfg->matches[i].line ? cfg->path : "",
				 cfg->matches[i].line ? ": " : "", why);
			return -EINVAL;
		}
	}
	return balancing_on_host(cfg, topo, msg, msglen);
}

/* The file (or defaults), then the command line over it. 0, or -EINVAL with msg. */
int np_run_load_config(const struct np_run_source *a, const struct np_topo *topo,
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
		if (a->config)
			snprintf(msg, msglen,
				 "nothing to manage: no --match REGEX, no [match NAME] section in "
				 "%s",
				 a->config);
		else
			snprintf(msg, msglen, "nothing to manage: no --match, no --config, no %s",
				 NP_CONFIG_DEFAULT_PATH);
		err = -EINVAL;
		goto fail;
	}
	err = check_on_host(cfg, topo, msg, msglen);
	if (err)
		goto fail;
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
		np_log_ratelimited("discover", NP_LOG_WARNING, "listing /proc: %s", strerror(-err));
	np_run_duty(r, false);
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
		for (int i = 0; !err && i < r->nmanaged; i++)
			if (decisions[i].action != NP_FLEET_NONE) {
				np_run_duty(r, true); /* the window covers the move */
				break;
			}
		for (int i = 0; !err && i < r->nmanaged; i++) {
			struct np_managed *mp = &r->managed[i];
			const struct np_fleet_entry *e;
			sigset_t pending;

			/* SIGTERM: nothing more to place, it would be undone a moment later */
			if (!sigpending(&pending) &&
			    (sigismember(&pending, SIGTERM) || sigismember(&pending, SIGINT)))
				break;
			np_run_act(r, mp, &decisions[i], &snap);
			np_run_note(r, mp, &decisions[i]);
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
	r->last_interval_at_s = (double)time(NULL);
	np_run_metrics(r, &snap);
	np_run_write_status(r);
	np_sample_data_free(&snap);
	np_log_ratelimit_flush();
}

static void reload(struct np_run *r, const struct np_run_source *a)
{
	struct np_config fresh, old;
	char old_listen[NP_CONFIG_TEXT_MAX];
	bool balancing_changed;
	char msg[512];

	if (!a->config) {
		np_log(NP_LOG_INFO, "SIGHUP: no --config file to reload");
		return;
	}
	if (np_run_load_config(a, r->topo, &fresh, msg, sizeof(msg))) {
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
	np_run_say_sections(&r->cfg);
}

int np_run_undo(const char *journal, const char *when)
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
		       "%s: restored %d changes (changed: threads %d, IRQs %d, settings %d, bans "
		       "%d)",
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

int np_run_start(struct np_run *r, char *msg, size_t msglen)
{
	struct np_sampler_opts sopts = { .sample_every = SAMPLE_EVERY, .detached = true };
	int err;

	msg[0] = '\0';
	r->started_at_s = (double)time(NULL);
	r->journal_records = -1;
	np_fleet_init(&r->fleet);
	np_fleet_params_default(&r->fleet_params);
	r->fleet_params.reserve_mb = r->cfg.reserve_mb;
	err = apply_balancing(r);
	if (err)
		return err; /* logged */
	/* Loaded once; attached in sampling windows (run_duty.h); processes added as matched. */
	sopts.want_kprobe = r->topo->kernel.numa_balancing > 0;
	err = np_sampler_start(r->topo, &sopts, &r->sampler, msg, msglen);
	if (err || !r->cfg.metrics_listen[0])
		return err;
	err = np_metrics_http_open(r->cfg.metrics_listen, r->cfg.metrics_allow_remote, &r->http,
				   msg, msglen);
	if (err) {
		char why[256];

		snprintf(why, sizeof(why), "%s", msg);
		snprintf(msg, msglen, "metrics_listen: %s", why);
	}
	return err;
}

int np_run_loop(struct np_run *r, const struct np_run_source *src, int sigfd)
{
	__u64 last_window_ns = 0;
	double next = np_now_s();
	int err, signo = 0;

	np_log(NP_LOG_INFO, "running%s: %d match section%s, every %.3g s, journal %s",
	       r->dry_run ? " (dry run: nothing is changed)" : "", r->cfg.nmatches,
	       r->cfg.nmatches == 1 ? "" : "s", r->cfg.interval_s, r->cfg.journal);
	np_run_say_sections(&r->cfg);
	for (;;) {
		/* signals first: one that came during the start ends the run before any interval */
		err = wait_next(r, sigfd, next, &signo);
		if (err < 0) {
			np_log(NP_LOG_ERR, "waiting: %s", strerror(-err));
			return -1;
		}
		if (err == 1 && signo == SIGHUP) {
			/* a reload keeps the deadline: the next interval comes when it would have
			 */
			reload(r, src);
			continue;
		}
		if (err == 1)
			break;
		next = np_now_s() + r->cfg.interval_s;
		interval(r, &last_window_ns);
		/* --once: the first interval only finds the servers; the second measures them */
		if (r->once && r->interval_no >= 2)
			break;
	}
	if (r->once)
		np_run_summary(r);
	if (r->once && r->dry_run)
		np_log(NP_LOG_INFO, "done (dry run: nothing was changed)");
	else if (r->once)
		np_log(NP_LOG_INFO, "done; 'numaplace restore' undoes the changes (journal %s)",
		       r->cfg.journal);
	else if (signo)
		np_log(NP_LOG_INFO, "%s: restoring every change", strsignal(signo));
	return 0;
}

void np_run_free(struct np_run *r)
{
	np_run_remove_status(r);
	np_metrics_http_close(r->http);
	np_sampler_destroy(r->sampler);
	for (int i = 0; i < r->nmanaged; i++)
		free(r->managed[i].pinned);
	free(r->managed);
	free(r->ignored);
	free(r->metrics_text);
	if (r->accel)
		np_accel_snapshot_free(r->accel);
	free(r->accel);
	np_fleet_free(&r->fleet);
	np_config_free(&r->cfg);
}
