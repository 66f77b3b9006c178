/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by bpf/sample.bpf.c and the agent's sampler: per-thread statistics, fault
 * sample records and host-wide counters.
 */
#ifndef NP_SAMPLE_SHARED_H
#define NP_SAMPLE_SHARED_H

#ifndef __VMLINUX_H__ /* user space; BPF gets the types from vmlinux.h */
#include <linux/types.h>
#endif

/*
 * Node ids index the per-thread arrays directly. Hosts whose node ids reach this limit are
 * refused by the agent with a message; 16 covers 8-socket servers and NPS4 on 4 sockets.
 */
#define NP_BPF_MAX_NODES 16
/* CPU ids index the cpu -> node table; CPUs beyond it are not accounted (and counted).
 * A power of two: the BPF side masks indexes with it. */
#define NP_BPF_MAX_CPUS 4096
#define NP_BPF_NODE_NONE 0xff
/* Per-CPU data written on the hot path is kept one cache line per CPU. */
#define NP_CACHE_LINE 64
/* Traced processes checked without a map lookup (see is_traced()). */
#define NP_FAST_TGIDS 8

/*
 * CPU time is the kernel's own se.sum_exec_runtime, charged at the thread's next switch-in (or
 * by the agent) to the node of the CPU it ran on: no clock read on the hot path, and exactly
 * what the scheduler accounted.
 */
struct np_thread_stats {
	__u32 tgid;
	__u32 last_node;    /* node of the CPU it last ran on, NP_BPF_NODE_NONE before */
	__u64 runtime_seen; /* sum_exec_runtime already charged (or the baseline) */
	__u32 on_cpu;	    /* switched in, its run time since not charged (switch-in, agent) */
	__u32 pad;
	__u64 switches;	    /* times switched in */
	__u64 node_changes;
	__u64 numa_moves;    /* sched_move_numa / sched_swap_numa involving this thread */
	__u64 numa_migrated; /* pages AutoNUMA migrated in this thread's faults */
	__u64 hint_local;    /* NUMA hinting fault pages, local / remote (kprobe source) */
	__u64 hint_remote;
	__u64 cpu_ns[NP_BPF_MAX_NODES];
	__u64 faults[NP_BPF_MAX_NODES]; /* user page faults by the node of the faulting CPU */
	char comm[16]; /* exited-process totals only: the name, since /proc no longer has it */
};

/* Sum of a per-node array (CPU time, pages, faults). */
static inline __u64 np_node_sum(const __u64 *values)
{
	__u64 sum = 0;

	for (int n = 0; n < NP_BPF_MAX_NODES; n++)
		sum += values[n];
	return sum;
}

/*
 * Add one thread's figures to another's: the exit handler and the model both fold threads.
 * In BPF the adds are atomic: the threads of one process may exit on several CPUs at once
 * (exit_group) into the same per-process entry.
 */
#ifdef __VMLINUX_H__
#define NP_FOLD_ADD(into, value) __sync_fetch_and_add(&(into), (value))
#else
#define NP_FOLD_ADD(into, value) ((into) += (value))
#endif
static inline __attribute__((always_inline)) void np_stats_fold(struct np_thread_stats *into,
								 const struct np_thread_stats *from)
{
	NP_FOLD_ADD(into->switches, from->switches);
	NP_FOLD_ADD(into->node_changes, from->node_changes);
	NP_FOLD_ADD(into->numa_moves, from->numa_moves);
	NP_FOLD_ADD(into->numa_migrated, from->numa_migrated);
	NP_FOLD_ADD(into->hint_local, from->hint_local);
	NP_FOLD_ADD(into->hint_remote, from->hint_remote);
	for (int i = 0; i < NP_BPF_MAX_NODES; i++) {
		NP_FOLD_ADD(into->cpu_ns[i], from->cpu_ns[i]);
		NP_FOLD_ADD(into->faults[i], from->faults[i]);
	}
}

/*
 * Per CPU: the traced thread running there (0: none) and the faults it took since it was
 * switched in, added to its entry at switch-out when there are any (by the agent for threads
 * still running when the window closes). One cache line each: the fault path touches only
 * this line.
 */
struct running_slot {
	__u32 tid;
	__u32 fault_tick; /* 1-in-N fault sampling, per CPU */
	__u64 faults;
	__u32 pad[12];
};
_Static_assert(sizeof(struct running_slot) == NP_CACHE_LINE, "one running_slot per cache line");

/* One sampled user page fault (1 in sample_every of a traced thread's faults). */
struct np_fault_sample {
	__u64 time_ns;
	__u64 address;
	__u32 tgid;
	__u32 tid;
	__u16 cpu;
	__u8 node; /* node of the faulting CPU */
	__u8 pad[5];
};

/* Host-wide counters, one slot each in a per-CPU array. */
enum np_counter {
	NP_CNT_SWITCH_EVENTS, /* of traced threads: summed by the agent from the thread stats */
	NP_CNT_FAULT_EVENTS,  /* likewise */
	NP_CNT_SAMPLES,
	NP_CNT_SAMPLE_DROPS,   /* ring buffer full */
	NP_CNT_THREAD_DROPS,   /* thread map full: a traced thread went unaccounted */
	NP_CNT_CPU_UNMAPPED,   /* a CPU id beyond NP_BPF_MAX_CPUS */
	NP_CNT_FORKS_FOLLOWED, /* child processes of traced processes added */
	NP_CNT_EXECS,
	NP_CNT_EXITS,
	NP_CNT_MIGRATE_NUMA, /* pages migrated by AutoNUMA (MR_NUMA_MISPLACED), host-wide */
	NP_CNT_MIGRATE_SYSCALL, /* move_pages / migrate_pages / mbind */
	NP_CNT_MIGRATE_OTHER,	/* compaction, demotion, hotplug ... */
	NP_CNT_MIGRATE_FAILED,
	NP_CNT_NUMA_MOVES, /* sched_move_numa + sched_swap_numa, host-wide */
	NP_CNT_HINT_FAULTS,
	NP_CNT_COUNT,
};

#endif
