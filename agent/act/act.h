/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The act layer: the only code that changes the system. Every function here appends the old
 * value to the undo journal (journal.h) before it writes the new one, so a `place` killed at
 * any point leaves a journal that `restore` completes. Failures of the kernel (EPERM, EINVAL,
 * ESRCH, EBUSY mid-way) are counted in the result and survived; only a journal that cannot
 * be written stops an action, because a change without its old value could not be undone.
 */
#ifndef NP_ACT_H
#define NP_ACT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <linux/types.h>

#include "lib/cpulist.h"
#include "lib/journal.h"
#include "lib/np_common.h" /* NP_MAX_NODES */
#include "act/pacer.h" /* NP_PAUSE_BELOW_MBPS */

struct np_kstate;

struct np_act_result {
	int changed;   /* values set */
	int unchanged; /* already as wanted: nothing written, nothing journaled */
	int failed;    /* the kernel refused: counted, reported, survived */
	int vanished;  /* the thread, IRQ or process went away meanwhile */
	char first_error[192];
};

/* "  threads    pinned: changed 3, unchanged 0, vanished 0, failed 0" (verb: what changed means;
 * the words are place --json's). */
void np_act_result_print(FILE *out, const char *what, const char *verb,
			 const struct np_act_result *res);

/* Record the first failure's message in res (later ones are only counted). */
void np_act_fail(struct np_act_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- threads (act_threads.c) ---- */

/*
 * Pin every thread of pid to cpus, journaling each thread's old mask with its start time.
 * Threads created while this runs are found by walking /proc/PID/task again until a pass
 * finds no thread left to pin (new threads inherit the mask of the thread that creates them).
 */
int np_act_threads(const char *journal, pid_t pid, const struct np_cpuset *cpus,
		   struct np_act_result *res);

/* A placed process's later threads: only those not on cpus are journaled and pinned. */
int np_act_threads_followup(const char *journal, pid_t pid, const struct np_cpuset *cpus,
			    struct np_act_result *res);

/* ---- IRQs (act_irqs.c moves them; topo/device_irqs.c finds them) ---- */

/* Set each IRQ's smp_affinity_list to cpus (old list journaled first). */
int np_act_irqs(const char *journal, const int *irqs, int nirqs, const struct np_cpuset *cpus,
		struct np_act_result *res);

/*
 * (act_irqbalance.c) If irqbalance runs, add irqs to its ban list through its control socket,
 * so it does not move them back. Only IRQs not banned before are added and journaled (restore
 * lifts exactly those). Returns 0 when irqbalance does not run. Call it before np_act_irqs:
 * banned first, irqbalance cannot move an IRQ between the write and the ban.
 */
int np_act_irqbalance_ban(const char *journal, const int *irqs, int nirqs,
			  struct np_act_result *res);

/* ---- settings (act_settings.c): numa_balancing and its debugfs/sysctl knobs ---- */

/* Write value to a /proc/sys or debugfs file, journaling its old content first. */
int np_act_setting(const char *journal, const char *path, const char *value,
		   struct np_act_result *res);

/*
 * ---- memory (act_memory.c) ----
 * Page counts in and out are 4 KiB pages (lib/pages.h), whatever the kernel's page size.
 */

/* How far a move is, for the caller to show (the output layer draws it). */
struct np_move_progress {
	__u64 pages_moved;    /* so far */
	__u64 pages_expected; /* np_move_opts.expected_pages */
	int target_node;
	double seconds; /* since the move began */
	double mbps;	/* moved so far / seconds */
	bool final;	/* the last call of this move: it has ended */
};

/* An address range [start, end) of a process. */
struct np_mem_range {
	unsigned long start, end;
};

/*
 * An interleave: every 2 MB region of the process goes whole to one node of the set. The nodes
 * holding more than their share give regions, spread evenly over their part of the address
 * space, to the nodes holding less, each up to its share: no page moves that need not.
 * Counts by node id, in 4 KiB pages.
 */
struct np_move_spread {
	__u64 nodes;			   /* bit n: node n */
	__u64 pages_before[NP_MAX_NODES];  /* the process's pages on each node when planned */
	__u64 pages_target[NP_MAX_NODES];  /* its share of them (0 off the set) */
	__u64 reserve_pages[NP_MAX_NODES]; /* the free memory each node keeps */
};

struct np_move_opts {
	int target_node; /* with spread: where the movers run, the lowest node of the set */
	const struct np_move_spread *spread; /* NULL: every page to target_node */
	double max_rate_mbps;	 /* 0: no limit */
	__u64 max_pages;	 /* what the plan allows (the reserve); ~0: no limit */
	__u64 expected_pages;	 /* misplaced when planned: the progress line's total */
	long reserve_mb;	 /* re-checked against the node's MemFree while moving */
	const unsigned long *hot_addrs; /* sampled fault addresses, hottest first */
	int nhot;
	/* called about every 100 ms while the movers run, and once at the end (NULL: not) */
	void (*progress)(void *ctx, const struct np_move_progress *p);
	void *progress_ctx;
	/*
	 * Mapped file pages the process keeps reading can move very slowly (each migration
	 * unmaps the page and flushes TLBs while readers fault it back in). When they do, the
	 * process is stopped for about pause_ms per batch while they move (0: never), all stops
	 * together at most pause_total_ms.
	 */
	int pause_ms;
	int pause_below_mbps; /* 0: NP_PAUSE_BELOW_MBPS */
	long pause_total_ms;  /* the plan's pause bound (policy/pause_plan.h); 0: none */
	/* called about every 100 ms while the movers run (the daemon answers scrapes meanwhile) */
	void (*tick)(void *ctx);
	void *tick_ctx;
	const char *journal; /* a pause is journaled first: restore continues the process */
	/*
	 * Mappings of files every process of which is headed to the target node: their pages
	 * move even where others map them too (MPOL_MF_MOVE_ALL, CAP_SYS_NICE). Elsewhere pages
	 * other processes map stay (counted as shared): moving them would move others' memory.
	 */
	const struct np_mem_range *move_all;
	int nmove_all;
};

struct np_move_result {
	__u64 pages_misplaced; /* resident pages off the target node when the move began */
	__u64 pages_moved;
	__u64 pages_hot_moved; /* of pages_moved, in the hot regions moved first */
	__u64 pages_busy;      /* could not move (pinned, locked, under I/O): -EBUSY, -EAGAIN */
	__u64 pages_shared;    /* mapped by other processes too: -EACCES */
	__u64 pages_pinned;    /* pinned long-term (io_uring, RDMA, CUDA host buffers): stay */
	__u64 pages_failed;    /* other per-page errors */
	int pauses;	       /* times the process was stopped for file pages */
	double paused_seconds; /* in all */
	bool stopped_by_reserve;
	bool process_exited;
	bool move_all_denied; /* shared pages could not be moved along: no CAP_SYS_NICE */
	double seconds;
	char error[192];
};

/* Move the process's resident pages to the target node, hottest first, within the budget. */
int np_act_memory(pid_t pid, const struct np_move_opts *opts, struct np_move_result *res);

/*
 * ---- restore (restore.c and each area's np_restore_*) ----
 * Nothing to return: what was put back (changed), unchanged, vanished or failed is counted in res.
 */

/* Put one journaled change back; a thread whose start time differs counts as vanished. */
void np_restore_thread(const struct np_change *c, struct np_act_result *res);
/* Threads born after `place` that still carry the mask it set get their process's old mask. */
void np_restore_inherited(const struct np_change *changes, int n, struct np_act_result *res);
void np_restore_irq(const struct np_change *c, struct np_act_result *res);
/* Lift every irqbalance ban the journal records, in one request (irqbalance is slow to change). */
void np_restore_irqbalance_bans(const struct np_change *changes, int n, struct np_act_result *res);
/*
 * The file a setting record stands for, derived from what it means and never taken from it:
 * kernel.numa_balancing, or an AutoNUMA scan knob by its name where this kernel (k) has it.
 * 0 and the path ("" when the kernel has no such knob), or -EPERM when the record names no
 * setting numaplace changes or its old value is none the setting takes (msg says which).
 * k NULL: the record is only checked.
 */
int np_setting_target(const struct np_change *c, const struct np_kstate *k, char *path, size_t len,
		      char *msg, size_t msglen);
void np_restore_setting(const struct np_change *c, const struct np_kstate *k,
			struct np_act_result *res);
/* A process left stopped by a killed `place` is continued (same start time, state T only). */
void np_restore_process(const struct np_change *c, struct np_act_result *res);

#endif
