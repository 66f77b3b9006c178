// SPDX-License-Identifier: GPL-2.0
/*
 * The fleet policy of `numaplace run` (see fleet.h): one step per interval in three passes.
 * Tracking matches the observed processes to the fleet's memory of them (pid + start time);
 * targets are chosen for all of them at once (fleet_targets.c); decisions then apply the
 * per-process rules: hysteresis, minimum interval, no way back, follow-ups.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pages.h"
#include "model/model.h"
#include "policy/fleet.h"
#include "policy/fleet_targets.h"
#include "policy/thresholds.h"

void np_fleet_params_default(struct np_fleet_params *params)
{
	params->reserve_mb = -1;
	params->followup_share = 0.01;
	params->followup_pages = np_mb_pages(64);
}

void np_fleet_init(struct np_fleet *fleet)
{
	memset(fleet, 0, sizeof(*fleet));
}

void np_fleet_free(struct np_fleet *fleet)
{
	free(fleet->entries);
	np_fleet_init(fleet);
}

const char *np_fleet_action_name(enum np_fleet_action action)
{
	switch (action) {
	case NP_FLEET_NONE:
		return "none";
	case NP_FLEET_PLACE:
		return "place";
	case NP_FLEET_FOLLOW_UP:
		return "follow-up";
	}
	return "?";
}

double np_fleet_remote_ratio(const __u64 *cpu_ns, const __u64 *pages, int node)
{
	double cpu = (double)np_node_sum(cpu_ns), resident = (double)np_node_sum(pages);

	if (node < 0 || node >= NP_BPF_MAX_NODES || cpu <= 0 || resident <= 0)
		return NAN;
	return 1.0 - (double)cpu_ns[node] / cpu * ((double)pages[node] / resident);
}

const struct np_fleet_entry *np_fleet_find(const struct np_fleet *fleet, pid_t pid,
					   unsigned long long start_time)
{
	for (int i = 0; i < fleet->nentries; i++)
		if (fleet->entries[i].pid == pid && fleet->entries[i].start_time == start_time)
			return &fleet->entries[i];
	return NULL;
}

/* The reason or error line, cut where it must be (vsnprintf: the cut is expected, not warned of).
 */
void np_fleet_put(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* ---- input checks: all before any change, so an error leaves the state as it was ---- */

static int check_proc(const struct np_fleet_proc *p, char *msg, size_t msglen)
{
	const struct np_fleet_policy *pol = &p->policy;

	if (p->pid <= 0) {
		np_fleet_put(msg, msglen, "pid %d is not a process id", (int)p->pid);
		return -EINVAL;
	}
	if (!(pol->remote_threshold >= 0 && pol->remote_threshold <= 1)) {
		np_fleet_put(msg, msglen, "pid %d: remote threshold %g is not within 0..1",
			     (int)p->pid, pol->remote_threshold);
		return -EINVAL;
	}
	if (pol->sustain < 1) {
		np_fleet_put(msg, msglen, "pid %d: sustain %d is below 1 interval", (int)p->pid,
			     pol->sustain);
		return -EINVAL;
	}
	if (!(pol->min_move_interval_s >= 0 && isfinite(pol->min_move_interval_s))) {
		np_fleet_put(msg, msglen, "pid %d: minimum move interval %g s is not a duration",
			     (int)p->pid, pol->min_move_interval_s);
		return -EINVAL;
	}
	if (pol->fixed_node < NP_NO_NODE || p->device_node < NP_NO_NODE) {
		np_fleet_put(msg, msglen, "pid %d: node %d is not a node id", (int)p->pid,
			     pol->fixed_node < NP_NO_NODE ? pol->fixed_node : p->device_node);
		return -EINVAL;
	}
	if (!(p->busy_cpus >= 0 && isfinite(p->busy_cpus)) || p->unpinned_threads < 0) {
		np_fleet_put(msg, msglen, "pid %d: busy CPUs %g or unpinned threads %d negative",
			     (int)p->pid, p->busy_cpus, p->unpinned_threads);
		return -EINVAL;
	}
	return 0;
}

static int check_input(double now_s, const struct np_fleet_proc *procs, int nprocs, char *msg,
		       size_t msglen)
{
	if (!isfinite(now_s) || nprocs < 0) {
		np_fleet_put(msg, msglen, "time %g or process count %d out of range", now_s,
			     nprocs);
		return -EINVAL;
	}
	for (int i = 0; i < nprocs; i++) {
		int err = check_proc(&procs[i], msg, msglen);

		if (err)
			return err;
		for (int j = 0; j < i; j++)
			if (procs[j].pid == procs[i].pid) {
				np_fleet_put(msg, msglen, "pid %d appears twice",
					     (int)procs[i].pid);
				return -EINVAL;
			}
	}
	return 0;
}

/* ---- tracking: pid + start time is a process; a policy change starts a new history ---- */

static bool same_policy(const struct np_fleet_policy *a, const struct np_fleet_policy *b)
{
	return a->fixed_node == b->fixed_node && a->remote_threshold == b->remote_threshold &&
	       a->sustain == b->sustain && a->min_move_interval_s == b->min_move_interval_s &&
	       a->placement == b->placement;
}

static void start_history(struct np_fleet_entry *e, const struct np_fleet_policy *policy)
{
	e->policy = *policy;
	e->candidate_node = NP_NO_NODE;
	e->above = 0;
	e->last_move_s = NAN;
	e->left_nodes = 0;
	e->moves = 0;
	e->interleaved = 0;
}

static void start_entry(struct np_fleet_entry *e, const struct np_fleet_proc *p)
{
	memset(e, 0, sizeof(*e));
	e->pid = p->pid;
	e->start_time = p->start_time;
	e->assigned_node = NP_NO_NODE;
	start_history(e, &p->policy);
}

static struct np_fleet_entry *find_pid(struct np_fleet *fleet, pid_t pid)
{
	for (int i = 0; i < fleet->nentries; i++)
		if (fleet->entries[i].pid == pid)
			return &fleet->entries[i];
	return NULL;
}

static void track(struct np_fleet *fleet, const struct np_fleet_proc *procs, int nprocs,
		  struct np_fleet_work *work)
{
	int kept = 0;

	for (int i = 0; i < fleet->nentries; i++)
		fleet->entries[i].seen = false;
	for (int i = 0; i < nprocs; i++) {
		struct np_fleet_entry *e = find_pid(fleet, procs[i].pid);

		if (!e) {
			e = &fleet->entries[fleet->nentries++];
			start_entry(e, &procs[i]);
		} else if (e->start_time != procs[i].start_time) {
			start_entry(e, &procs[i]); /* a reused pid: another process */
		} else if (!same_policy(&e->policy, &procs[i].policy))
			start_history(e, &procs[i].policy);
		e->seen = true;
	}
	for (int i = 0; i < fleet->nentries; i++)
		if (fleet->entries[i].seen)
			fleet->entries[kept++] = fleet->entries[i];
	fleet->nentries = kept;
	for (int i = 0; i < nprocs; i++) {
		work[i].proc = &procs[i];
		work[i].entry = find_pid(fleet, procs[i].pid);
		work[i].resident = np_node_sum(procs[i].pages);
		work[i].memory_node = np_fullest_node(procs[i].pages);
		work[i].target = NP_NO_NODE;
	}
}

/* ---- decisions ---- */

static void record_move(struct np_fleet_pass *pass, struct np_fleet_work *w)
{
	struct np_fleet_entry *e = w->entry;
	int from[2] = { e->assigned_node, NP_NO_NODE };

	if (!e->placed) {
		from[0] = np_busiest_node(w->proc->cpu_ns);
		from[1] = w->memory_node;
	}
	for (int i = 0; i < 2; i++)
		if (from[i] != NP_NO_NODE && from[i] != w->target) {
			e->left_nodes |= 1u << from[i];
			e->left_at_s[from[i]] = pass->now_s;
		}
	e->placed = true;
	e->assigned_node = w->target;
	e->last_move_s = pass->now_s;
	e->moves++;
	e->above = 0;
}

/*
 * Whether the process moves to its target now. Otherwise note says why not (or why it is
 * where it is), and *pending whether a move is still on the way.
 */
static bool decide_move(struct np_fleet_pass *pass, struct np_fleet_work *w, char *note, size_t len,
			bool *pending)
{
	struct np_fleet_entry *e = w->entry;
	const struct np_fleet_policy *pol = &w->proc->policy;
	double ratio, since;

	*pending = false;
	if (w->target == NP_NO_NODE || (e->placed && w->target == e->assigned_node)) {
		e->above = 0;
		e->candidate_node = w->target;
		np_fleet_put(note, len, "%s", w->why);
		return false;
	}
	ratio = np_fleet_remote_ratio(w->proc->cpu_ns, w->proc->pages, w->target);
	if (w->target != e->candidate_node) {
		e->above = 0;
		e->candidate_node = w->target;
	}
	if (np_remote_above(ratio, pol->remote_threshold))
		e->above = e->above < pol->sustain ? e->above + 1 : pol->sustain;
	else
		e->above = 0;

	if (isnan(ratio)) {
		np_fleet_put(note, len, "no CPU time or no resident memory this interval (%s)",
			     w->why);
		return false;
	}
	if (!e->above) {
		np_fleet_put(note, len, "remote ratio %.2f to node %d, at or below %.2f (%s)",
			     ratio, w->target, pol->remote_threshold, w->why);
		return false;
	}
	*pending = true;
	if (e->above < pol->sustain) {
		np_fleet_put(
			note, len,
			"waiting: %d of %d intervals above %.2f (remote ratio %.2f to node %d; %s)",
			e->above, pol->sustain, pol->remote_threshold, ratio, w->target, w->why);
		return false;
	}
	if (w->kept) {
		np_fleet_put(note, len,
			     "kept on node %d: moving it to node %d would undo the move at t=%.0f "
			     "s (%s)",
			     e->assigned_node, w->target, e->left_at_s[w->target], w->why);
		return false;
	}
	since = pass->now_s - e->last_move_s;
	if (e->placed && !isnan(e->last_move_s) && since < pol->min_move_interval_s) {
		np_fleet_put(note, len,
			     "held: last move %.0f s ago, minimum %.0f s (remote ratio %.2f to "
			     "node %d; %s)",
			     since, pol->min_move_interval_s, ratio, w->target, w->why);
		return false;
	}
	np_fleet_put(note, len,
		     "remote ratio %.2f to node %d above %.2f for %d of %d intervals; %s", ratio,
		     w->target, pol->remote_threshold, e->above, pol->sustain, w->why);
	if (e->placed)
		np_fleet_put(note + strlen(note), len - strlen(note), "; from node %d",
			     e->assigned_node);
	return true;
}

/* What a placed process needs on its own node: new threads pinned, stray pages brought. */
static bool follow_up(struct np_fleet_pass *pass, const struct np_fleet_work *w, char *out,
		      size_t len)
{
	int node = w->entry->assigned_node;
	__u64 misplaced = w->resident - w->proc->pages[node];
	double limit = pass->params->followup_share * (double)w->resident;
	size_t used;

	if (limit > (double)pass->params->followup_pages)
		limit = (double)pass->params->followup_pages;
	if (!w->proc->unpinned_threads && (double)misplaced <= limit)
		return false;
	used = snprintf(out, len, "follow-up on node %d:", node);
	if (w->proc->unpinned_threads && used < len)
		used += snprintf(out + used, len - used, " %d thread%s not pinned%s",
				 w->proc->unpinned_threads,
				 w->proc->unpinned_threads > 1 ? "s" : "",
				 (double)misplaced > limit ? "," : "");
	if ((double)misplaced > limit && used < len)
		snprintf(out + used, len - used, " %llu pages (%.0f MB) off node %d",
			 (unsigned long long)misplaced, np_pages_mb(misplaced), node);
	return true;
}

static void decide(struct np_fleet_pass *pass, struct np_fleet_work *w, struct np_fleet_decision *d)
{
	struct np_fleet_entry *e = w->entry;
	char note[sizeof(d->reason)];
	bool pending;

	memset(d, 0, sizeof(*d));
	if (decide_move(pass, w, note, sizeof(note), &pending)) {
		record_move(pass, w);
		d->action = NP_FLEET_PLACE;
		d->node = w->target;
		np_fleet_put(d->reason, sizeof(d->reason), "%s", note);
	} else if (e->placed && follow_up(pass, w, d->reason, sizeof(d->reason))) {
		d->action = NP_FLEET_FOLLOW_UP;
		d->node = e->assigned_node;
		if (pending)
			np_fleet_put(d->reason + strlen(d->reason),
				     sizeof(d->reason) - strlen(d->reason), "; %s", note);
	} else {
		d->action = NP_FLEET_NONE;
		d->node = pending && !w->kept ? w->target
			  : e->placed	      ? e->assigned_node
					      : w->target;
		if (e->placed && !pending && w->target == e->assigned_node)
			np_fleet_put(d->reason, sizeof(d->reason), "%s; nothing to follow up",
				     note);
		else
			np_fleet_put(d->reason, sizeof(d->reason), "%s", note);
	}
	d->remote_ratio = np_fleet_remote_ratio(w->proc->cpu_ns, w->proc->pages, d->node);
}

static int grow(struct np_fleet *fleet, int needed)
{
	struct np_fleet_entry *entries;
	int capacity = fleet->capacity ? fleet->capacity : 16;

	if (needed <= fleet->capacity)
		return 0;
	while (capacity < needed)
		capacity *= 2;
	entries = realloc(fleet->entries, capacity * sizeof(*entries));
	if (!entries)
		return -ENOMEM;
	fleet->entries = entries;
	fleet->capacity = capacity;
	return 0;
}

int np_fleet_step(struct np_fleet *fleet, const struct np_topo *topo,
		  const struct np_fleet_params *params, double now_s,
		  const struct np_fleet_proc *procs, int nprocs,
		  struct np_fleet_decision *decisions, char *msg, size_t msglen)
{
	struct np_fleet_pass pass = { .params = params, .now_s = now_s, .nwork = nprocs };
	struct np_fleet_work **order;
	int err;

	err = check_input(now_s, procs, nprocs, msg, msglen);
	if (err)
		return err;
	pass.work = calloc(nprocs + 1, sizeof(*pass.work));
	order = calloc(2 * nprocs + 1, sizeof(*order)); /* candidates, then one group */
	if (!pass.work || !order || grow(fleet, fleet->nentries + nprocs)) {
		free(pass.work);
		free(order);
		np_fleet_put(msg, msglen, "out of memory for %d processes", nprocs);
		return -ENOMEM;
	}
	track(fleet, procs, nprocs, pass.work);
	np_fleet_rooms_init(&pass, topo);
	np_fleet_choose_interleave(&pass, topo);
	np_fleet_choose_targets(&pass, order);
	for (int i = 0; i < nprocs; i++)
		if (pass.work[i].interleave)
			np_fleet_decide_interleave(&pass, &pass.work[i], &decisions[i]);
		else
			decide(&pass, &pass.work[i], &decisions[i]);
	free(pass.work);
	free(order);
	return 0;
}
