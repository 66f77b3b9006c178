/* SPDX-License-Identifier: GPL-2.0 */
/* `numaplace top`'s rows and detail pane from report's process models (model/report.h). */
#ifndef NP_TOP_ROWS_H
#define NP_TOP_ROWS_H

#include "model/report.h"
#include "output/top_frame.h"

/* A row of a process over window_ns: CPUs' worth by node, memory by node, ratio, target. */
void np_top_row_from(const struct np_proc_model *p, __u64 window_ns, struct np_top_row *row);

/* Who it belongs to in at most 20 characters: "docker 0123456789ab", "vllm.service", "". */
void np_top_unit(const struct np_cgroup_id *id, char *buf, size_t len);

/*
 * The detail pane of a process, one line each, at most max lines: its target and why, memory
 * policy, cpuset (cpus and mems as given, "" unknown), hot regions (the 2 MB regions most of
 * its sampled faults fell in), accelerators and their IRQs, then its
 * threads, busiest first, with their node. Lines are malloc'ed; returns how many.
 */
struct np_top_detail_in {
	const struct np_proc_model *proc;
	const struct np_topo *topo;
	__u64 window_ns;
	const char *cpuset;		       /* "cpus 0-7 mems 0" or "" */
	const char *run;		       /* `numaplace run`'s words on it, "" none */
	const struct np_fault_sample *samples; /* the interval's fault samples (every process) */
	int nsamples;
};
int np_top_detail(const struct np_top_detail_in *in, char **lines, int max);

#endif
