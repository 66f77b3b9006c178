/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF sampler (bpf/sample.bpf.c) seen from user space: start it for a set of processes
 * (or all), drain fault samples while it runs, stop it and read what it counted.
 */
#ifndef NP_SAMPLER_H
#define NP_SAMPLER_H

#include <sys/types.h>

#include "lib/np_common.h"
#include "topo/topo.h"
#include "sample_shared.h"

struct np_sampler_opts {
	bool trace_all;	  /* every process (else pids[] and their children) */
	const pid_t *pids;
	int npids;
	unsigned int sample_every; /* 1 in N user page faults is recorded with its address */
	unsigned int max_threads;  /* size of the per-thread map */
	bool want_kprobe;	   /* use the task_numa_fault kprobe where the kernel allows */
	bool detached;		   /* loaded but not attached: np_sampler_attach() starts it */
};

/* Which sources ran: the report says so. */
struct np_sampler_sources {
	bool tp_btf; /* false: the raw_tp twins */
	bool sched_switch, page_fault, fork_exit, migrate, numa_moves, hint_kprobe;
	int hint_kprobe_error; /* -errno when the kprobe was wanted but refused, else 0 */
};

struct np_thread_sample {
	pid_t tid;
	struct np_thread_stats stats;
};

/* Everything the sampler gathered, after np_sampler_stop(). */
struct np_sample_data {
	int nthreads;
	struct np_thread_sample *threads; /* live threads, in-flight slices charged */
	int nexited;
	struct np_thread_sample *exited; /* per process (tid holds the tgid) */
	int nsamples;
	struct np_fault_sample *samples;
	__u64 counters[NP_CNT_COUNT];
	__u64 window_ns;
	struct np_sampler_sources sources;
};

struct np_sampler;

/* open -> configure -> load -> attach. Returns 0 or -errno with a message for the operator. */
int np_sampler_start(const struct np_topo *topo, const struct np_sampler_opts *opts,
		     struct np_sampler **out, char *msg, size_t msglen);
/* Drain the fault sample ring buffer, waiting up to timeout_ms. Returns records consumed. */
int np_sampler_poll(struct np_sampler *s, int timeout_ms);
/* Detach, drain the rest, read the maps into data. */
int np_sampler_stop(struct np_sampler *s, struct np_sample_data *data);
void np_sampler_destroy(struct np_sampler *s);

/*
 * For the daemon: the window stays open. A snapshot is what the maps hold now, cumulative
 * per thread since the start (the caller takes differences); the samples are those since the
 * last snapshot.
 */
int np_sampler_snapshot(struct np_sampler *s, struct np_sample_data *data);
/*
 * Sampling windows (issue 18): detach the programs (they stay loaded, the maps keep what they
 * hold), and attach them again. While detached, a snapshot brings the traced threads' CPU time
 * by node up to date from /proc (sampler_proc.h); nothing else is counted, no fault is
 * sampled, no fork is followed. Attach returns 0 or -errno with msg.
 */
void np_sampler_detach(struct np_sampler *s);
int np_sampler_attach(struct np_sampler *s, char *msg, size_t msglen);
bool np_sampler_attached(const struct np_sampler *s);
/* Trace one more process (its children follow through the fork handler). */
int np_sampler_trace(struct np_sampler *s, pid_t pid);
/* A process that is gone: its filter entry and folded totals are dropped. */
void np_sampler_forget(struct np_sampler *s, pid_t pid);
/* The processes traced now: those given and their children. Caller frees. */
int np_sampler_traced(struct np_sampler *s, pid_t **pids, int *count);

/* Kernel-measured cost of each loaded program (needs kernel.bpf_stats_enabled=1). */
struct np_prog_stats {
	char name[32];
	__u64 run_time_ns;
	__u64 run_cnt;
};
/* Fills up to max entries; returns how many programs are loaded. */
int np_sampler_prog_stats(struct np_sampler *s, struct np_prog_stats *stats, int max);
void np_sample_data_free(struct np_sample_data *data);

#endif
