// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's hands: a fleet decision carried out through the same plan and act code as
 * `numaplace place`, every change journaled, so SIGTERM (or `numaplace restore` after a
 * crash) undoes it.
 *
 * PLACE is a whole placement: model, plan (reserve, cpuset, IRQs of its accelerators and of
 * the section's NICs), then threads, IRQs and memory. Balancing is host-wide in `run`: set
 * once at start from [global], never per process.
 * FOLLOW_UP keeps a placed server placed: threads that reach outside the node are pinned
 * (only they are journaled; a thread the program pinned to some of the node's CPUs is left
 * alone), and pages that landed elsewhere are moved at the rate budget, the fault samples
 * of the interval first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "act/act.h"
#include "lib/cpuset_bounds.h"
#include "lib/log.h"
#include "lib/pages.h"
#include "act/place.h"
#include "act/place_cgroup.h"
#include "model/report.h"
#include "policy/guard.h"
#include "run/run.h"

static void count_failures(struct np_run *r, const struct np_act_result *res, const char *what,
			   const struct np_managed *mp)
{
	if (!res->failed)
		return;
	r->actions_failed += res->failed;
	np_log_ratelimited("act-failed", NP_LOG_WARNING, "pid %d (%s): %s: %d failed, first: %s",
			   mp->pid, mp->comm, what, res->failed, res->first_error);
}

static void memory_done(struct np_run *r, struct np_managed *mp, const struct np_move_result *m)
{
	mp->pages_moved += m->pages_moved;
	mp->pages_pinned = m->pages_pinned;
	mp->actions[NP_METRICS_ACT_MEMORY]++;
	mp->residency_read = false; /* what numa_maps said before the move is stale */
	if (m->error[0]) {
		r->actions_failed++;
		np_log(NP_LOG_WARNING, "pid %d (%s): memory: %s", mp->pid, mp->comm, m->error);
	}
	if (m->pages_pinned)
		np_log(NP_LOG_INFO,
		       "pid %d (%s): memory: %.1f MB pinned long-term (io_uring, RDMA or CUDA host "
		       "buffers) stay where they are",
		       mp->pid, mp->comm, np_pages_mb(m->pages_pinned));
	if (m->move_all_denied)
		np_log_ratelimited("move-all", NP_LOG_WARNING,
				   "pid %d (%s): memory: the pages it shares stay: moving them "
				   "needs CAP_SYS_NICE",
				   mp->pid, mp->comm);
	if (m->stopped_by_reserve)
		np_log_ratelimited("reserve", NP_LOG_WARNING,
				   "pid %d (%s): memory: stopped at the target node's reserve, "
				   "%.0f of %.0f MB "
				   "moved",
				   mp->pid, mp->comm, np_pages_mb(m->pages_moved),
				   np_pages_mb(m->pages_misplaced));
}

/*
 * Still the process the fleet decided about? Acts come after earlier processes' moves, which
 * can take minutes: a pid may name another process by then.
 */
static bool same_process(const struct np_managed *mp)
{
	unsigned long long start;

	return !np_thread_start_time("/", mp->pid, mp->pid, &start) && start == mp->start_time;
}

/* The snapshot's part for one process: modelling it must not read every traced process. */
static int own_data(const struct np_sample_data *snap, pid_t pid, struct np_sample_data *out)
{
	memset(out, 0, sizeof(*out));
	out->threads = calloc(snap->nthreads + 1, sizeof(*out->threads));
	out->exited = calloc(snap->nexited + 1, sizeof(*out->exited));
	out->samples = calloc(snap->nsamples + 1, sizeof(*out->samples));
	if (!out->threads || !out->exited || !out->samples) {
		np_sample_data_free(out);
		return -ENOMEM;
	}
	for (int i = 0; i < snap->nthreads; i++)
		if (snap->threads[i].stats.tgid == (__u32)pid)
			out->threads[out->nthreads++] = snap->threads[i];
	for (int i = 0; i < snap->nexited; i++)
		if (snap->exited[i].tid == pid)
			out->exited[out->nexited++] = snap->exited[i];
	for (int i = 0; i < snap->nsamples; i++)
		if (snap->samples[i].tgid == (__u32)pid)
			out->samples[out->nsamples++] = snap->samples[i];
	memcpy(out->counters, snap->counters, sizeof(out->counters));
	out->window_ns = snap->window_ns;
	out->sources = snap->sources;
	return 0;
}

/* One node's plan, or an interleave's over the decision's nodes. */
static int plan_for(const struct np_run *r, const struct np_proc_model *proc,
		    const struct np_plan_opts *popts, const struct np_fleet_decision *d,
		    struct np_plan *plan, char *msg, size_t msglen)
{
	if (d->interleave)
		return np_plan_interleave(r->topo, proc, popts, d->interleave, plan, msg, msglen);
	return np_plan_make(r->topo, proc, popts, plan, msg, msglen);
}

/*
 * The plan of a placement, within the process's cgroup cpuset or, with the section's
 * cgroup_cpuset = move|extend, the one it gets; its warnings go to the log. A cpuset that
 * leaves the node out refuses it (counted in numaplace_cpuset_conflicts_total). 0 or -1.
 */
static int make_plan(struct np_run *r, struct np_managed *mp, const struct np_fleet_decision *d,
		     const struct np_proc_model *proc, const int *irqs, int nirqs, __u64 window_ns,
		     struct np_place_cgroup *pc, struct np_cpuset *allowed,
		     struct np_plan_opts *popts, struct np_plan *plan)
{
	int node = d->node, idx = np_topo_node_index(r->topo, node), err;
	char msg[1200];

	popts->target_node = node;
	popts->only = mp->policy->only & ~NP_PLAN_ONLY_BALANCING;
	popts->max_rate_mbps = r->cfg.max_rate_mbps;
	popts->reserve_mb = r->cfg.reserve_mb;
	popts->pause_ms = r->cfg.pause_ms;
	popts->balancing.choice = NP_BALANCING_KEEP;
	popts->allowed = np_cpuset_bounds_read("/", mp->pid, allowed, &popts->allowed_mems) == 0
				 ? allowed
				 : NULL;
	popts->irqs = irqs;
	popts->nirqs = nirqs;
	popts->irqbalance_running = r->topo->kernel.irqbalance_pid > 0;
	popts->window_ns = window_ns;
	pc->mode = popts->only & (NP_PLAN_ONLY_THREADS | NP_PLAN_ONLY_MEMORY)
			   ? mp->policy->cgroup_cpuset
			   : NP_CGROUP_KEEP;
	err = idx < 0 ? 0
		      : np_place_cgroup_decide(pc, mp->pid, &r->topo->nodes[idx], msg, sizeof(msg));
	popts->cpuset_conflict = pc->conflict_text[0] ? pc->conflict_text : NULL;
	np_place_cgroup_plan_bounds(pc, node, popts);
	if (!err)
		err = plan_for(r, proc, popts, d, plan, msg, sizeof(msg));
	if (err) {
		r->actions_failed++;
		r->cpuset_conflicts += err == -EXDEV || err == -EPERM;
		mp->plan_err = err < 0 ? err : -EINVAL;
		snprintf(mp->why, sizeof(mp->why), "cannot place it: %.170s", msg);
		np_log_ratelimited("plan", NP_LOG_WARNING, "pid %d (%s): cannot place it: %s",
				   mp->pid, mp->comm, msg);
		return -1;
	}
	/* what place prints under its plan: the operator finds it in the log */
	for (int i = 0; i < plan->nwarnings; i++)
		np_log_ratelimited("plan", NP_LOG_WARNING, "pid %d (%s) on node %d: %s", mp->pid,
				   mp->comm, node, plan->warnings[i]);
	if (pc->write) {
		np_place_cgroup_describe(pc, msg, sizeof(msg));
		np_log(NP_LOG_INFO, "pid %d (%s): %s", mp->pid, mp->comm, msg);
	}
	return 0;
}

/*
 * The cgroup cpuset first (threads and pages may go only where it allows), then the
 * placement, then move's narrowing. 0 or -errno of the journal.
 */
static int act_all(struct np_run *r, struct np_managed *mp, struct np_place_cgroup *pc,
		   struct np_place *place, const struct np_act_opts *ao, const unsigned long *hot,
		   int nhot)
{
	int err = np_place_cgroup_act(pc, ao->journal, mp->pid, false);

	if (!err && !pc->res.failed)
		err = np_place_act(place, ao, hot, nhot);
	if (!err && !pc->res.failed)
		err = np_place_cgroup_act(pc, ao->journal, mp->pid, true);
	count_failures(r, &pc->res, "cgroup cpuset", mp);
	return err;
}

/* The placement's line (the accelerator and who named it, what it should buy) and counts. */
static void placed(struct np_run *r, struct np_managed *mp, const struct np_fleet_decision *d,
		   const struct np_place *place)
{
	const struct np_place_outcome *o = &place->outcome;
	char expected[256], where[96], nodes[64];

	np_expected_text(&place->plan->expected, expected, sizeof(expected));
	if (d->interleave) {
		np_interleave_format(d->interleave, nodes, sizeof(nodes));
		snprintf(where, sizeof(where), "interleaved over nodes %s", nodes);
	} else {
		snprintf(where, sizeof(where), "on node %d", d->node);
	}
	np_log(NP_LOG_INFO,
	       "placed pid %d (%s) %s: %s%s%s%s; threads changed %d, IRQs changed %d, "
	       "memory %.0f of %.0f MB moved in %.1f s; expected: %s",
	       mp->pid, mp->comm, where, d->reason, mp->accel_note[0] ? " [" : "", mp->accel_note,
	       mp->accel_note[0] ? "]" : "", o->threads.changed, o->irqs.changed,
	       np_pages_mb(o->memory.pages_moved), np_pages_mb(o->memory.pages_misplaced),
	       o->memory.seconds, expected);
	if (o->memory.pauses) /* the plan's bound on stops, and what they came to */
		np_log(NP_LOG_INFO,
		       "pid %d (%s): stopped %d times, %.2f s in all, while its mapped file pages "
		       "moved (at most %d ms at a time, %.1f s in all: pause_ms)",
		       mp->pid, mp->comm, o->memory.pauses, o->memory.paused_seconds,
		       place->plan->pause.slice_ms, place->plan->pause.max_total_ms / 1000.0);
	mp->actions[NP_METRICS_ACT_THREADS] += o->threads.changed > 0;
	mp->actions[NP_METRICS_ACT_IRQS] += o->irqs.changed > 0;
	count_failures(r, &o->threads, "threads", mp);
	count_failures(r, &o->irqs, "IRQs", mp);
	count_failures(r, &o->irqbalance, "irqbalance", mp);
	if (o->memory_ran || o->memory.error[0]) /* error alone: refused by the cpuset */
		memory_done(r, mp, &o->memory);
}

/* The placement's result for the status: failed, changed or unchanged; err: the journal's. */
static void placement_result(struct np_managed *mp, const struct np_place *place, int err)
{
	const struct np_place_outcome *o = &place->outcome;

	mp->placed_at_s = (double)time(NULL);
	if (err || o->threads.failed || o->irqs.failed || o->irqbalance.failed ||
	    o->memory.error[0])
		mp->result = NP_RESULT_FAILED;
	else if (o->threads.changed || o->irqs.changed || o->irqbalance.changed ||
		 o->memory.pages_moved)
		mp->result = NP_RESULT_CHANGED;
	else
		mp->result = NP_RESULT_UNCHANGED;
}

/*
 * Never worse: a plan leaving most of its memory off the target leaves the process alone,
 * said once (again for another node, or after a plan carried out), and checked again at its
 * next follow-up.
 */
static bool declined(struct np_managed *mp, const struct np_proc_model *proc,
		     const struct np_plan *plan, unsigned int only)
{
	struct np_guard g;
	char expected[256];
	bool was;

	np_guard_check(proc, plan, only, mp->pages_pinned, &g);
	was = mp->declined && mp->declined_node == plan->target_node;
	mp->declined = g.declined;
	mp->declined_node = plan->target_node;
	if (!g.declined)
		return false;
	/* the figures move with every MB of free memory: the verdict is the news, not they */
	if (!was) {
		np_expected_text(&plan->expected, expected, sizeof(expected));
		np_log(NP_LOG_WARNING,
		       "pid %d (%s): not placed on node %d: %s (expected: %s); better: %s%s%s",
		       mp->pid, mp->comm, plan->target_node, g.why, expected, g.alternatives[0],
		       g.nalternatives > 2 ? "; or " : "",
		       g.nalternatives > 2 ? g.alternatives[1] : "");
	}
	return true;
}


static void place_process(struct np_run *r, struct np_managed *mp,
			  const struct np_fleet_decision *d, const struct np_sample_data *snap)
{
	struct np_report report = { .topo = r->topo, .scope = NP_SCOPE_PIDS };
	struct np_target_opts target = { .forced_device = mp->forced_device,
					 .forced_node = d->node,
					 .window_ns = snap->window_ns };
	struct np_plan_opts popts = { 0 };
	struct np_place place = { 0 };
	struct np_shared_files shared;
	struct np_plan *plan = calloc(1, sizeof(*plan));
	struct np_place_cgroup *pc = calloc(1, sizeof(*pc));
	struct np_measure *measure = calloc(1, sizeof(*measure));
	const struct np_proc_model *proc = NULL;
	int irqs[NP_PLAN_MAX_IRQS], nirqs = 0, nhot = 0, err;
	unsigned long *hot = NULL;
	struct np_cpuset allowed, affinity;
	char msg[256];

	mp->plan_err = 0;
	if (!plan || !pc || own_data(snap, mp->pid, &report.data) ||
	    np_report_build(&report, &mp->pid, 1, &target))
		goto out;
	for (int i = 0; i < report.nprocs; i++)
		if (report.procs[i].info.pid == mp->pid && !report.procs[i].exited &&
		    report.procs[i].info.start_time == mp->start_time)
			proc = &report.procs[i];
	if (!proc) {
		mp->placed_at_s = (double)time(NULL);
		mp->result = NP_RESULT_VANISHED;
		goto out; /* exited meanwhile: the next scan forgets it */
	}
	if (np_place_irqs(r->topo, proc, mp->forced_device,
			  mp->policy->nics[0] ? mp->policy->nics : NULL, irqs, &nirqs,
			  place.irq_sources, sizeof(place.irq_sources), msg, sizeof(msg))) {
		np_log_ratelimited("nic", NP_LOG_WARNING, "[match %s] nic %s; its IRQs stay",
				   mp->match, msg);
		np_place_irqs(r->topo, proc, mp->forced_device, NULL, irqs, &nirqs,
			      place.irq_sources, sizeof(place.irq_sources), msg, sizeof(msg));
	}
	if (measure && !np_measure_load(r->topo, measure))
		popts.measure = measure;
	popts.affinity = np_thread_affinity(mp->pid, &affinity) ? NULL : &affinity;
	if (make_plan(r, mp, d, proc, irqs, nirqs, snap->window_ns, pc, &allowed, &popts, plan))
		goto out;
	/* an interleave is over the nodes that have room: no single target to fall short of */
	if (!d->interleave && declined(mp, proc, plan, popts.only))
		goto out;
	nhot = np_place_hot_addresses(snap, mp->pid, &hot);
	/* interleaved, it moves only its own pages: shared ones stay */
	if ((popts.only & NP_PLAN_ONLY_MEMORY) && !d->interleave &&
	    !np_run_shared_files(r, mp, d->node, &shared))
		place.shared = &shared;
	place.topo = r->topo;
	place.proc = proc;
	place.opts = &popts;
	place.plan = plan;
	place.hot_regions = nhot;
	{
		struct np_act_opts ao = {
			.journal = r->cfg.journal,
			.only = popts.only,
			.max_rate_mbps = r->cfg.max_rate_mbps,
			.pause_ms = r->cfg.pause_ms,
			.tick = np_run_serve_metrics,
			.tick_ctx = r,
		};

		err = act_all(r, mp, pc, &place, &ao, hot, nhot);
	}
	placed(r, mp, d, &place);
	placement_result(mp, &place, err);
	if (err) {
		r->actions_failed++;
		np_log(NP_LOG_ERR, "pid %d (%s): journal %s: %s; that change was not made",
		       mp->pid, mp->comm, r->cfg.journal, strerror(-err));
	}
out:
	np_report_free(&report);
	free(hot);
	free(plan);
	free(pc);
	free(measure);
}

static void follow_up(struct np_run *r, struct np_managed *mp, const struct np_fleet_decision *d,
		      const struct np_sample_data *snap)
{
	int idx = np_topo_node_index(r->topo, d->node);
	struct np_cpuset cpus, allowed;
	__u64 resident = 0, off = 0, limit, mems = 0;

	if (idx < 0 || !same_process(mp))
		return;
	cpus = r->topo->nodes[idx].cpus;
	if (!np_cpuset_bounds_read("/", mp->pid, &allowed, &mems))
		for (size_t w = 0; w < NP_ARRAY_SIZE(cpus.bits); w++)
			cpus.bits[w] &= allowed.bits[w];
	if (mp->unpinned && (mp->policy->only & NP_PLAN_ONLY_THREADS) && np_cpuset_count(&cpus)) {
		struct np_act_result res = { 0 };

		int err = np_act_threads_followup(r->cfg.journal, mp->pid, &cpus, &res);

		if (err && err != -ESRCH) {
			r->actions_failed++;
			np_log_ratelimited("journal", NP_LOG_ERR,
					   "pid %d (%s): journal %s: %s; its new threads stay",
					   mp->pid, mp->comm, r->cfg.journal, strerror(-err));
		}
		if (res.changed) {
			/* threads come and go: those records go once they ended (restore.c) */
			r->journal_stale = true;
			mp->actions[NP_METRICS_ACT_THREADS]++;
			np_log(NP_LOG_INFO, "follow-up pid %d (%s) on node %d: %d new thread%s pinned",
			       mp->pid, mp->comm, d->node, res.changed, res.changed == 1 ? "" : "s");
		}
		count_failures(r, &res, "threads", mp);
	}
	for (int n = 0; n < NP_BPF_MAX_NODES; n++) {
		resident += mp->residency.pages[n];
		off += n == d->node ? 0 : mp->residency.pages[n];
	}
	/* the fleet's own threshold: the smaller of a share of resident and a page count */
	limit = (__u64)(resident * r->fleet_params.followup_share);
	if (limit > r->fleet_params.followup_pages)
		limit = r->fleet_params.followup_pages;
	/* pages the last follow-up could not move (shared, pinned) are not news every interval */
	/* outside the cpuset's mems the kernel refuses every page: the placement said so once */
	if (mems && d->node < 64 && !(mems >> d->node & 1))
		return;
	if ((mp->policy->only & NP_PLAN_ONLY_MEMORY) && off > limit + mp->unmovable) {
		long reserve = r->cfg.reserve_mb >= 0
				       ? r->cfg.reserve_mb
				       : np_plan_default_reserve_mb(&r->topo->nodes[idx]);
		unsigned long *hot = NULL;
		int nhot = snap ? np_place_hot_addresses(snap, mp->pid, &hot) : 0;
		struct np_pause_plan pause;
		struct np_move_opts mopts = {
			.target_node = d->node,
			.max_rate_mbps = r->cfg.max_rate_mbps,
			.max_pages = ~0ULL,
			.expected_pages = off,
			.reserve_mb = reserve,
			.hot_addrs = hot,
			.nhot = nhot,
			.pause_ms = r->cfg.pause_ms,
			.journal = r->cfg.journal,
			.tick = np_run_serve_metrics,
			.tick_ctx = r,
		};
		struct np_move_result m;
		int err;

		/* no plan here: all of it off the node bounds its file pages */
		np_pause_plan_make(r->cfg.pause_ms, 0, off, &pause);
		mopts.pause_total_ms = pause.max_total_ms;
		err = np_act_memory(mp->pid, &mopts, &m);

		free(hot);
		if (err) {
			r->actions_failed++;
			np_log(NP_LOG_WARNING, "pid %d (%s): memory follow-up: %s", mp->pid,
			       mp->comm, strerror(-err));
			return;
		}
		/* what stayed off the node: retried at the next full check, not every interval */
		mp->unmovable = m.stopped_by_reserve ? (off > m.pages_moved ? off - m.pages_moved : 0)
						     : m.pages_misplaced - m.pages_moved;
		np_log(m.pages_moved ? NP_LOG_INFO : NP_LOG_DEBUG,
		       "follow-up pid %d (%s) on node %d: %.1f of %.1f MB moved back", mp->pid,
		       mp->comm, d->node, np_pages_mb(m.pages_moved),
		       np_pages_mb(m.pages_misplaced));
		memory_done(r, mp, &m);
	}
}

void np_run_join(struct np_run *r, struct np_managed *child, int node)
{
	struct np_fleet_decision d = { .action = NP_FLEET_FOLLOW_UP, .node = node };

	snprintf(d.reason, sizeof(d.reason), "a child of pid %d, placed on node %d", child->parent,
		 node);
	child->unpinned = 1; /* its threads are checked now */
	np_run_act(r, child, &d, NULL);
}

void np_run_act(struct np_run *r, struct np_managed *mp, const struct np_fleet_decision *d,
		const struct np_sample_data *snap)
{
	if (d->action == NP_FLEET_NONE) {
		np_log(NP_LOG_DEBUG, "pid %d (%s): %s", mp->pid, mp->comm, d->reason);
		return;
	}
	if (r->dry_run) {
		/* the fleet counts a PLACE as done: its follow-ups would repeat every interval */
		np_log(d->action == NP_FLEET_PLACE ? NP_LOG_INFO : NP_LOG_DEBUG,
		       "dry run: would %s pid %d (%s) on node %d%s: %s",
		       d->action == NP_FLEET_PLACE ? "place" : "follow up", mp->pid, mp->comm,
		       d->node, d->interleave ? " and the others it interleaves over" : "",
		       d->reason);
		return;
	}
	/* a declined placement is no placement: the whole check again, not a follow-up */
	if (d->action == NP_FLEET_PLACE || (mp->declined && snap)) {
		place_process(r, mp, d, snap);
		if (!mp->declined)
			np_run_count_placement(r, mp);
	} else
		follow_up(r, mp, d, snap);
}
