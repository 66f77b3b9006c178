// SPDX-License-Identifier: GPL-2.0
/* The pause bound of a plan (pause_plan.h): pure arithmetic on the plan's file pages. */
#include "lib/pages.h"
#include "policy/pause_plan.h"
#include "policy/plan.h"

void np_pause_plan_make(int pause_ms, int pause_below_mbps, __u64 file_pages,
			struct np_pause_plan *pp)
{
	int below = pause_below_mbps > 0 ? pause_below_mbps : NP_PAUSE_BELOW_MBPS;
	int rate = below < NP_PAUSE_BELOW_MBPS ? below : NP_PAUSE_BELOW_MBPS;
	double ms;
	long slices;

	*pp = (struct np_pause_plan){ .slice_ms = pause_ms,
				      .below_mbps = below,
				      .file_pages = file_pages };
	if (pause_ms <= 0) {
		pp->never = "its pause is 0 ms";
		return;
	}
	if (!file_pages) {
		pp->never = "no mapped file pages to move";
		return;
	}
	ms = np_pages_mb(file_pages) * 1000 / rate;
	slices = (long)(ms / pause_ms);
	if (slices * pause_ms < ms)
		slices++;
	pp->may_pause = true;
	pp->max_total_ms = slices * pause_ms;
}

/*
 * The file pages among those planned to move: off the target node for one node; for an
 * interleave, the file pages' share of the pages that move (the movers take both alike).
 */
static __u64 file_pages_to_move(const struct np_proc_model *proc, const struct np_plan *plan)
{
	const struct np_residency *res = &proc->residency;
	__u64 file = 0, all = 0;

	if (plan->memory_refused[0] || !plan->pages_planned)
		return 0;
	for (int n = 0; n < NP_BPF_MAX_NODES; n++) {
		all += res->pages[n];
		if (plan->interleave.on || n != plan->target_node)
			file += res->file_pages[n];
	}
	if (plan->interleave.on)
		file = all ? (__u64)((double)file * plan->pages_planned / all + 0.5) : 0;
	return file < plan->pages_planned ? file : plan->pages_planned;
}

void np_plan_pause(const struct np_proc_model *proc, const struct np_plan_opts *opts,
		   struct np_plan *plan)
{
	__u64 file = 0;

	if ((opts->only & NP_PLAN_ONLY_MEMORY) && proc->has_residency)
		file = file_pages_to_move(proc, plan);
	np_pause_plan_make(opts->pause_ms, opts->pause_below_mbps, file, &plan->pause);
	if (!(opts->only & NP_PLAN_ONLY_MEMORY))
		plan->pause.never = "no memory moves";
}
