/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model: per process and thread, where they run, where their memory is, how much of
 * their reading is expected to be remote, and which node they belong on. Pure code: plain
 * structs in, numbers out, no system calls, so fixtures test it exhaustively.
 */
#ifndef NP_MODEL_H
#define NP_MODEL_H

#include <math.h>

#include "topo/accel.h"
#include "lib/cgroup_proc.h"
#include "lib/procfs.h"
#include "sample_shared.h"
#include "topo/topo.h"

/*
 * Every per-node array these take is indexed by node id and has NP_BPF_MAX_NODES entries
 * (np_common.h): cpu_ns as the sampler counted it, pages from numa_maps (np_residency).
 *
 * remote_ratio: the expected remote fraction of memory reads of threads that read all of the
 * process's memory uniformly (inference streaming its weights):
 *   sum over nodes n of cpu_ns[n] * (1 - pages[n] / total_pages), divided by sum of cpu_ns.
 * NAN when there is no CPU time or no resident page.
 */
double np_remote_ratio(const __u64 *cpu_ns, const __u64 *pages);

/* The node a thread or process spends most CPU time on; NP_NO_NODE without CPU time. */
int np_busiest_node(const __u64 *cpu_ns);

/* The node holding the most pages; NP_NO_NODE without pages. */
int np_fullest_node(const __u64 *pages);

struct np_thread_model {
	pid_t tid;
	char comm[16];
	struct np_thread_stats stats;
	double remote_ratio;
	int busiest_node;
};

/* What one fault sample says once its address is resolved to a page node. */
struct np_resolved_sample {
	pid_t tid;
	int cpu_node;  /* node of the faulting CPU */
	int page_node; /* node of the page now, or negative errno (not resident, unmapped) */
};

struct np_proc_model {
	struct np_proc_info info;
	bool exited; /* gone by the end of the window: sampled figures only */
	int nthreads;
	struct np_thread_model *threads;
	struct np_thread_stats totals; /* all threads, exited ones included */
	struct np_residency residency;
	bool has_residency;
	struct np_accel_use accel;
	double remote_ratio;
	double remote_ratio_sampled; /* NAN: no hinting faults and no usable samples */
	const char *sampled_source;  /* "hinting-faults" or "fault-samples" */
	double first_touch_remote;   /* share of samples off the busiest node; NAN: none */
	int samples, samples_resolved;
	int target_node;
	char target_reason[192];
	/* its cgroup path and who it belongs to (container, pod, unit); empty when unknown */
	struct np_proc_cgroup cgroup;
};

/* Inputs of the target choice that do not come from the process itself. */
struct np_target_opts {
	int forced_device; /* --device: index into topo->devices, or -1 */
	int forced_node;   /* --node, or NP_NO_NODE */
	__u64 window_ns;   /* sampling window: a thread busy half of it needs a CPU */
};

/*
 * The derived figures of one process: totals, remote ratios (thread and process), sampled
 * ratios and first-touch share from resolved samples, target node and reason.
 * numa_balancing_on says whether fault samples are hinting faults.
 */
void np_model_process(struct np_proc_model *proc, const struct np_resolved_sample *samples,
		      int nsamples, bool numa_balancing_on);

/* Threads on CPU at least half of window_ns: the CPUs a target node must offer. */
int np_busy_threads(const struct np_proc_model *proc, __u64 window_ns);

void np_model_target(const struct np_topo *topo, const struct np_target_opts *opts,
		     struct np_proc_model *proc);

/*
 * Where a process's accelerators are (accel_pick.c). Where the source counts its GPU memory
 * (nvml, kfd): its GPU is the one holding most of it and node the node holding most of it,
 * even when its GPUs span nodes (nnodes > 1: placement across nodes does not exist yet).
 * Otherwise (env, files): their node when they are all on one, else NP_NO_NODE.
 */
struct np_accel_pick {
	int device;	       /* index into topo->devices: the GPU named, -1 none */
	int node;	       /* NP_NO_NODE: no one node */
	int nnodes;	       /* distinct known nodes of its accelerators */
	long long node_bytes;  /* its GPU memory on node, -1 unknown */
	long long total_bytes; /* on all its GPUs, -1 unknown */
};
void np_accel_pick(const struct np_topo *topo, const struct np_accel_use *use,
		   struct np_accel_pick *pick);

/* "2.1 GB" (or "350 MB" below 1 GB). */
void np_gpu_bytes_text(long long bytes, char *buf, size_t len);

/* The reason text of a pick: "uses accelerator 0000:41:00.0 on node 1 (nvml: 2.1 GB of GPU
 * memory)", with a warning when its GPUs span nodes. The files source keeps its plain form. */
void np_accel_reason(const struct np_topo *topo, const struct np_accel_use *use,
		     const struct np_accel_pick *pick, char *buf, size_t len);

#endif
