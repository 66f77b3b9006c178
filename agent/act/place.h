/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `numaplace place`: one process moved to its target node. The plan is printed the same way
 * for --dry-run and before a real run; the outcome follows it.
 */
#ifndef NP_PLACE_H
#define NP_PLACE_H

#include <stdio.h>

#include "act/act.h"
#include "policy/guard.h"
#include "policy/plan.h"
#include "policy/shared_files.h"
#include "sample/sampler.h"


struct np_place_outcome {
	bool done; /* the act layer ran */
	struct np_act_result threads, irqs, irqbalance, settings;
	bool memory_ran;
	struct np_move_result memory;
	/* an interleave: where its pages are once the move ended (numa_maps), for the shares */
	bool residency_after_read;
	struct np_residency residency_after;
};

struct np_place {
	const struct np_topo *topo;
	const struct np_proc_model *proc;
	const struct np_plan_opts *opts;
	const struct np_plan *plan;
	bool dry_run;
	const char *journal;	/* where the undo is: named in the undo line */
	int hot_regions;	/* 2 MB regions with fault samples, moved first */
	bool sample_auto;	/* --sample auto decided not to sample */
	char irq_sources[256];	/* "0000:40:02.0 (eth0), 0000:40:01.0" */
	/* files it shares with other processes, decided (NULL: not looked at) */
	const struct np_shared_files *shared;
	/* the never-worse guard's verdict (NULL: not asked); declined: nothing is done */
	const struct np_guard *guard;
	struct np_place_outcome outcome;
};

/* How to act: what place's options (or run's match section) say. */
struct np_act_opts {
	const char *journal;
	unsigned int only; /* NP_PLAN_ONLY_* */
	double max_rate_mbps;
	int pause_ms;
	int pause_below_mbps;
	void (*tick)(void *ctx); /* see np_move_opts */
	void *tick_ctx;
	void (*progress)(void *ctx, const struct np_move_progress *p); /* see np_move_opts */
	void *progress_ctx;
};

/*
 * IRQs of the devices the process uses (and forced_device, -1 none) and of the interfaces in
 * nics ("eth0,eth1", or NULL), sorted, once each; sources names them for the plan.
 * -ENODEV / -ENOTSUP with msg for an interface that does not exist or has no IRQs.
 */
int np_place_irqs(const struct np_topo *topo, const struct np_proc_model *proc, int forced_device,
		  const char *nics, int *irqs, int *nirqs, char *sources, size_t srclen, char *msg,
		  size_t msglen);

/* Fault-sample addresses of pid, one per 2 MB region, most sampled first. Caller frees. */
int np_place_hot_addresses(const struct np_sample_data *data, pid_t pid, unsigned long **out);

/* kernel.numa_balancing and its knobs as b says, each change journaled. */
int np_place_balancing(const char *journal, const struct np_topo *topo,
		       const struct np_balancing *b, struct np_act_result *res);

/* Carry out p->plan; the outcome goes to p->outcome. -errno when the journal fails. */
int np_place_act(struct np_place *p, const struct np_act_opts *o, const unsigned long *hot,
		 int nhot);


#endif
