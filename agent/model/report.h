/* SPDX-License-Identifier: GPL-2.0 */
/* `numaplace report`: a sampling window turned into per-process models, and their output. */
#ifndef NP_REPORT_H
#define NP_REPORT_H


#include "model/model.h"
#include "model/shared_files.h"
#include "sample/sampler.h"
#include "topo/measure.h"

#define NP_REPORT_SCHEMA 2

enum np_report_scope {
	NP_SCOPE_DEFAULT, /* every process traced, the interesting ones reported */
	NP_SCOPE_PIDS,	  /* --pid / --match: those and their children */
	NP_SCOPE_ALL,	  /* --all: every process that ran */
};

struct np_report {
	const struct np_topo *topo;
	enum np_report_scope scope;
	unsigned int sample_every;
	struct np_sample_data data;
	int nprocs;
	struct np_proc_model *procs;
	/* the files each of procs shares with others (report fills it); NULL: not looked at */
	struct np_shared_files *shared;
	/*
	 * per process, its cgroup cpuset's conflict with its target node and the fix
	 * (policy/cpuset_fix.h), NULL when none; NULL: not looked at (report fills it)
	 */
	char **cpuset_conflicts;
	const struct np_measure *measure; /* for the predictions; NULL: the SLIT distances */
	/*
	 * The default scope's selection: processes holding min_rss_mb, or keeping min_cpu CPUs
	 * busy over the window, or using an accelerator. The caller sets run's thresholds
	 * (policy/thresholds.h), so report shows what run would look at.
	 */
	long min_rss_mb;
	double min_cpu;
};

/* Gather: per-process models from the sampler's data, /proc and move_pages(2). */
int np_report_build(struct np_report *report, const pid_t *pids, int npids,
		    const struct np_target_opts *target);
void np_report_free(struct np_report *report);


#endif
