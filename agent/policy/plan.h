/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Placement policy: model + topology in, a plan out. Pure code, no system calls: the plan is
 * what `place --dry-run` prints and what the act layer executes, so fixtures test every
 * decision. (Issue 4 groundwork: the act layer is not written yet.)
 */
#ifndef NP_PLAN_H
#define NP_PLAN_H

#include "policy/balancing.h"
#include "policy/interleave.h"
#include "model/model.h"
#include "policy/pause_plan.h"
#include "policy/predict.h"

/* Migration budget when --max-rate is not given (see README: "Why 1024 MB/s"). */
#define NP_DEFAULT_MAX_RATE_MBPS 1024
/* Sampling window of --sample auto, when the move outlasts it. */
#define NP_PLACE_SAMPLE_S 1.0
/*
 * The stop of the process per batch of slow file pages aims at this (act/pacer.c; the plan's
 * bound: pause_plan.h). On by default: where mapped pages crawl while read, the crawl stalls
 * the readers longer than 50 ms stops do (dist/numaplace.conf, pause_ms: `make bench`).
 */
#define NP_DEFAULT_PAUSE_MS 50
#define NP_MAX_PAUSE_MS	    10000 /* place --pause-ms and run's pause_ms alike */

#define NP_PLAN_ONLY_THREADS (1u << 0)
#define NP_PLAN_ONLY_MEMORY (1u << 1)
#define NP_PLAN_ONLY_IRQS (1u << 2)
#define NP_PLAN_ONLY_BALANCING (1u << 3)
#define NP_PLAN_ALL 0xfu

#define NP_PLAN_MAX_IRQS 256
#define NP_PLAN_MAX_WARNINGS 8

struct np_plan_opts {
	int target_node;
	unsigned int only;	   /* NP_PLAN_ONLY_* bits */
	double max_rate_mbps;	   /* migration budget */
	long reserve_mb;	   /* free memory the target node keeps; < 0: the default */
	struct np_balancing balancing;
	const struct np_cpuset *allowed; /* the process's cpuset (Cpus_allowed of its cgroup) */
	__u64 allowed_mems; /* its cpuset's memory nodes, bit n for node n; 0: not known */
	const int *irqs;		 /* device and NIC IRQs to steer */
	int nirqs;
	bool irqbalance_running;
	__u64 window_ns; /* the sampling window the threads' CPU time was measured over */
	/*
	 * The process's cgroup cpuset leaves the target node out: the conflict and its fix
	 * (policy/cpuset_fix.h), the words of the refusal; NULL when there is none
	 */
	const char *cpuset_conflict;
	const struct np_measure *measure; /* for the prediction; NULL: the SLIT distances */
	/* its main thread's affinity: where it runs when no CPU time was sampled (NULL: allowed) */
	const struct np_cpuset *affinity;
	int pause_ms; /* stops of the process for slow file pages (pause_plan.h); 0: never */
	int pause_below_mbps; /* 0: NP_PAUSE_BELOW_MBPS */
};

struct np_plan {
	int target_node;
	struct np_cpuset cpus; /* the target node's CPUs within the process's cpuset */
	int nthreads;
	__u64 pages_to_move;  /* resident 4 KiB pages not on the target node */
	__u64 pages_planned;  /* of those, what fits above the reserve */
	__u64 reserve_pages;
	/* why no page moves although some are off the node ("": they move as planned) */
	char memory_refused[160];
	double est_seconds;   /* pages_planned at max_rate_mbps */
	int nirqs;
	int irqs[NP_PLAN_MAX_IRQS];
	struct np_balancing balancing; /* choice KEEP when balancing is not in --only */
	int nwarnings;
	char warnings[NP_PLAN_MAX_WARNINGS][256];
	struct np_expected expected; /* what it buys (predict.h) */
	struct np_interleave interleave; /* on: the process is spread over nodes (cpus: theirs) */
	struct np_pause_plan pause;	 /* when and how long at most the process is stopped */
};

/* "threads,memory": some of threads,memory,irqs,balancing, none twice. 0 or -EINVAL. */
int np_plan_parse_only(const char *text, unsigned int *only);

/* Default reserve: the larger of 5% of the node and 256 MB. */
long np_plan_default_reserve_mb(const struct np_node *node);

/*
 * Make the plan. Returns 0, or -EINVAL with msg when nothing sane can be done (target node
 * unknown or out of range, no CPU of the target node inside the process's cpuset), -EXDEV
 * with opts->cpuset_conflict when threads or memory are to move.
 */
int np_plan_make(const struct np_topo *topo, const struct np_proc_model *proc,
		 const struct np_plan_opts *opts, struct np_plan *plan, char *msg, size_t msglen);

/*
 * (pause_plan.c) plan->pause from the plan's memory move: its mapped file pages, those of the
 * pages planned to move.
 */
void np_plan_pause(const struct np_proc_model *proc, const struct np_plan_opts *opts,
		   struct np_plan *plan);

/* A warning among the plan's (dropped when it has NP_PLAN_MAX_WARNINGS already). */
void np_plan_warn(struct np_plan *plan, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * plan->expected for a single-target plan (plan_expect.c); without sampled CPU time the
 * threads count as spread over the CPUs they may use.
 */
void np_plan_expect(const struct np_topo *topo, const struct np_proc_model *proc,
		    const struct np_plan_opts *opts, struct np_plan *plan);

/* The same for report's recommendation: all of it to its target node, the default reserve. */
void np_plan_expect_recommended(const struct np_topo *topo, const struct np_measure *m,
				const struct np_proc_model *proc, struct np_expected *e);

/*
 * (plan_interleave.c) The plan of an interleave over nodes (bit n: node n, checked by
 * np_interleave_parse): threads on all their CPUs, memory by each node's share, IRQs and
 * balancing as np_plan_make has them. opts->target_node is not used. 0 or -EINVAL with msg.
 */
int np_plan_interleave(const struct np_topo *topo, const struct np_proc_model *proc,
		       const struct np_plan_opts *opts, __u64 nodes, struct np_plan *plan,
		       char *msg, size_t msglen);

#endif
