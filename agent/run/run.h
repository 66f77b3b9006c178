/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `numaplace run`, the daemon: its state and the steps of one interval.
 *
 *   discover (run_discover.c)  /proc scan: processes meeting a [match] section, and children
 *                              of managed servers the BPF fork handler started tracing
 *   observe  (run_observe.c)   per managed process: CPU time by node this interval (BPF
 *                              snapshot differences), pages by node, accelerators, threads
 *                              not on its node
 *   decide                     the pure fleet policy (fleet.h)
 *   act      (run_act.c)       PLACE and FOLLOW_UP through the same act code as `place`
 *   report   (run_metrics.c)   Prometheus textfile and listener
 *
 * Around them (daemon.c): the configuration, the start, the loop of intervals and signals.
 */
#ifndef NP_RUN_H
#define NP_RUN_H

#include <stdbool.h>

#include "config/config.h"
#include "lib/cgroup_proc.h"
#include "policy/fleet.h"
#include "policy/shared_files.h"
#include "output/metrics.h"
#include "output/status.h"
#include "model/model.h"
#include "sample/sampler.h"
#include "run/run_duty.h"
#include "topo/topo.h"

/*
 * What run last said about a process it leaves alone for its size (the section it
 * matches, the thresholds it falls below as NP_BELOW_* bits) or, managed, where it stands:
 * said once, not each interval.
 */
struct np_skip_note {
	const struct np_match *m;
	int below;
	int state; /* a managed process: 1 + the enum np_status_state last said, 0 none */
};

struct np_managed {
	pid_t pid;
	unsigned long long start_time; /* with the pid, what identifies the process */
	char comm[16];
	char match[NP_MATCH_NAME_MAX + 1];
	const struct np_match *policy; /* into the running config; re-bound on reload */
	/* container, pod, unit: read once with its cgroup when it was first examined */
	struct np_cgroup_id id;
	int slot; /* its metrics slot (np_metrics_slot_pick), -1 until its first metrics */
	pid_t parent;		       /* a child of a managed server: its pid, else 0 */
	int fixed_node;		       /* node= or device='s node, NP_NO_NODE */
	int forced_device;	       /* device= as an index into topo->devices, -1 */
	int device_node;	       /* node of the accelerators it has open, NP_NO_NODE */
	int accel_nodes;	       /* distinct nodes of those accelerators */
	__u64 allowed_nodes; /* nodes with CPUs and memory in its cgroup cpuset; 0: not bounded */
	bool allowed_read;
	struct np_accel_use accel;
	bool accel_read;
	char accel_note[96]; /* "nvml: 0000:41:00.0, 2.1 GB" for the placing line; "" none */

	/* this interval */
	__u64 cpu_total[NP_BPF_MAX_NODES]; /* cumulative, as the sampler has it */
	__u64 cpu_ns[NP_BPF_MAX_NODES];	   /* the difference: this interval's */
	bool has_prev;			   /* cpu_total holds last interval's figures */
	struct np_residency residency;
	bool residency_read;
	__u64 residency_at; /* interval_no of that reading */
	double busy_cpus;
	int assigned_node;  /* the fleet's, NP_NO_NODE before it is placed */
	int unpinned;	    /* threads not on the assigned node's CPUs */
	pid_t *pinned;	    /* threads seen on them, not checked again every interval */
	int npinned;
	double remote_ratio; /* to the assigned or candidate node, NAN unknown */

	__u64 unmovable; /* pages the last memory follow-up could not move; reset every RECHECK */

	/* for the metrics */
	__u64 pages_moved;
	__u64 pages_pinned; /* pinned long-term, found by its last memory move */
	double traced_since_s; /* when a sampling window first saw it (run_duty.h), 0 never */
	bool declined;	   /* its last plan left most of its memory off the node: left alone */
	int declined_node; /* that plan's node: said once, again for another node */
	__u64 actions[NP_METRICS_ACT_KINDS];

	/* where it stands (run_explain.c): said in the log once per change, and in the status */
	struct np_skip_note note;
	enum np_status_state state;
	char why[NP_STATUS_WHY_MAX]; /* the last decision's words */
	int plan_err;		     /* its last placement's plan: 0, or -errno (-EXDEV: cpuset) */
	double placed_at_s;	     /* wall clock of its last placement, 0 never */
	enum np_status_result result;
	bool seen; /* internal to discovery */
};

/* A process seen by discovery that is not managed: why, so it is not read again. */
struct np_seen_proc {
	pid_t pid;
	char comm[16];
	bool matched; /* meets a section's rules, not yet its thresholds: checked each interval */
	bool kernel;  /* a kernel thread: its name changes with its work, never its program */
	bool young;   /* looked at in its first second: maybe before its exec, look again */
	struct np_skip_note skip;
	unsigned long long start_time; /* a reused pid with the same comm starts afresh */
	unsigned long long ticks_prev; /* its CPU time then (clock ticks) */
	double time_prev;
	bool seen;
};

struct np_run {
	struct np_config cfg;
	struct np_topo *topo;
	struct np_sampler *sampler;
	struct np_duty duty; /* the sampling windows (run_duty.h) */
	struct np_fleet fleet;
	struct np_fleet_params fleet_params;
	bool dry_run, once;

	struct np_managed *managed;
	int nmanaged, managed_cap;
	struct np_seen_proc *ignored; /* sorted by pid */
	int nignored, ignored_cap;

	__u64 intervals, actions_failed, interval_no;
	__u64 shared_file_conflicts; /* the metric: placements that left a conflicting file */
	__u64 cpuset_conflicts;	     /* the metric: placements refused by a cgroup cpuset */
	/* numaplace_placements_total by section name; kept across reloads, so they only grow */
	struct np_metrics_count placements[NP_METRICS_MATCHES_MAX];
	int nplacements;
	/*
	 * Since the journal was last compacted, a managed process was forgotten or threads were
	 * journaled by a follow-up: records may have outlived their threads (cmd_run.c)
	 */
	bool journal_stale;
	__u64 compacted_at; /* interval_no of the last compaction */
	double last_interval_s;
	/* for `numaplace status` (run_status.c): wall clock times, the journal's record count */
	double started_at_s, last_interval_at_s;
	long journal_records;
	long long journal_key; /* size and mtime of the journal when it was counted */
	bool status_written;
	struct np_metrics_http *http;
	struct np_accel_snapshot *accel; /* the drivers' view, taken at most once an interval */
	__u64 accel_at;			 /* interval_no + 1 of it; 0 never */
	char *metrics_text;
	size_t metrics_len;
};

#define NP_RUN_MAX_OVERRIDES 16

/* Where the configuration comes from: the file (or the defaults), the command line over it. */
struct np_run_source {
	const char *config; /* --config FILE, NULL: the defaults */
	int noverrides;	    /* [global] keys given as options: --interval 7 */
	const char *keys[NP_RUN_MAX_OVERRIDES], *values[NP_RUN_MAX_OVERRIDES];
	const char *match, *device; /* --match REGEX: a [match cli] section */
	int node;
};

/*
 * The configuration of src, checked against this host's topology (every section's node or
 * device exists). 0, or -EINVAL with the reason in msg (cfg freed).
 */
int np_run_load_config(const struct np_run_source *src, const struct np_topo *topo,
		       struct np_config *cfg, char *msg, size_t msglen);

/*
 * Start the daemon of r->cfg on r->topo: the host's balancing policy, the sampler, the
 * metrics listener. 0, or -errno with msg (empty when already logged); -EINVAL or -EPERM: the
 * listener's address is wrong.
 */
int np_run_start(struct np_run *r, char *msg, size_t msglen);

/*
 * One interval after another until SIGTERM or SIGINT is read from sigfd (SIGHUP reloads
 * src's file, and the next interval comes when it would have), or two with --once. A signal
 * already waiting is read before the first interval. 0, or -1 when waiting failed (logged).
 */
int np_run_loop(struct np_run *r, const struct np_run_source *src, int sigfd);

/* Put back everything the journal holds; 0 when it all went back (else logged, with when). */
int np_run_undo(const char *journal, const char *when);

/* Everything r holds but its topology. */
void np_run_free(struct np_run *r);

/* Processes to manage now: new matches, children of managed ones; the gone ones dropped. */
int np_run_discover(struct np_run *r);
/* Forget one managed process (gone, or a reload no longer matches it). */
void np_run_forget(struct np_run *r, int index, const char *why);

/* This interval's figures of every managed process, from a sampler snapshot. */
void np_run_observe(struct np_run *r, const struct np_sample_data *snap, double interval_s);
/* The GPU drivers' view of this interval (NVML, KFD, NVIDIA's GPU list), taken on first use in
 * it and shared by discovery and observation; NULL when out of memory. */
const struct np_accel_snapshot *np_run_accel(struct np_run *r);
/* What the fleet policy needs of each. */
void np_run_fleet_input(const struct np_run *r, struct np_fleet_proc *procs);

/*
 * (run_shared.c) The files mp shares with other processes, decided for its placement on node
 * (managed sharers count by the fleet's node), each logged, conflicts counted. 0 or -errno.
 */
int np_run_shared_files(struct np_run *r, const struct np_managed *mp, int node,
			struct np_shared_files *sf);

/* Carry out one decision for managed process mp. */
void np_run_act(struct np_run *r, struct np_managed *mp, const struct np_fleet_decision *d,
		const struct np_sample_data *snap);

/* A child of a server placed on node: its threads pinned there now (journaled). */
void np_run_join(struct np_run *r, struct np_managed *child, int node);

/* A placement of mp was carried out: numaplace_placements_total{match} counts it. */
void np_run_count_placement(struct np_run *r, const struct np_managed *mp);

/* (run_duty.c) Open or close the sampling window for this moment of the interval; acting: a
 * placement or follow-up is about to be carried out. */
void np_run_duty(struct np_run *r, bool acting);

/* Metrics of this interval: textfile and listener body. */
void np_run_metrics(struct np_run *r, const struct np_sample_data *snap);

/* Answer metrics scrapes waiting now, without blocking (a tick of the memory movers). */
void np_run_serve_metrics(void *ctx);

/* Bind each managed process to its section of the (reloaded) config; unmatched ones go. */
void np_run_rebind(struct np_run *r);
/* The section of the config that a process meets, or NULL (pure but for has_accel). */
const struct np_match *np_run_match(const struct np_config *cfg, const char *comm,
				    const char *cmdline, const struct np_proc_cgroup *cg,
				    bool *has_accel, bool (*accel_probe)(void *ctx), void *ctx);
/*
 * Pure: whether a process left alone for its size is news to the log (another section or
 * other thresholds than last said, *last updated), and the words saying why ("holds 150 MB,
 * below min_rss_mb 256").
 */
bool np_run_skip_news(struct np_skip_note *last, const struct np_match *m, int below);
void np_run_skip_words(const struct np_match *m, int below, double rss_mb, double busy_cpus,
		       char *buf, size_t len);
/*
 * (run_explain.c) The log at the start: one line per section, its rules, target and
 * thresholds, wrapped within the log's width.
 */
void np_run_say_sections(const struct np_config *cfg);
/* Where mp stands after decision d was carried out (or not); said when that changed. */
void np_run_note(struct np_run *r, struct np_managed *mp, const struct np_fleet_decision *d);
/* --once: what it did, matched, placed and skipped by reason, in the log. */
void np_run_summary(const struct np_run *r);
/*
 * Pure: text as lines of at most width bytes, cut at spaces where it can; the lines after the
 * first start with indent. Lines separated by '\n' in out. Returns the number of lines.
 */
int np_run_wrap(const char *text, size_t width, const char *indent, char *out, size_t outlen);
/* Pure: whether state is news for a managed process (another state than last said). */
bool np_run_state_news(struct np_skip_note *last, int state);

/*
 * (run_status.c) The status file of this interval, NP_STATUS_FILE, replaced as one step; a
 * dry run writes none (it holds no lock and may run beside the real daemon).
 */
void np_run_write_status(struct np_run *r);
/* Remove it as the daemon ends. */
void np_run_remove_status(struct np_run *r);

/* node= or device= of a section as a node id and device index (-1 when unset). */
int np_run_match_target(const struct np_topo *topo, const struct np_match *m, int *node,
			int *device, char *msg, size_t msglen);

#endif
