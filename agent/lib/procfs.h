/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What /proc says about processes: identity (pid + start time, so a reused pid is never
 * mistaken for the old process), threads, size, and page residency per node (numa_maps).
 */
#ifndef NP_PROCFS_H
#define NP_PROCFS_H

#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

#include "lib/cpulist.h"
#include "lib/np_common.h"
#include "sample_shared.h"

/* A task's name as the kernel keeps it (TASK_COMM_LEN): up to 15 bytes and the NUL. */
#define NP_COMM_LEN 16

struct np_proc_info {
	pid_t pid;
	pid_t ppid;
	char comm[NP_COMM_LEN]; /* any bytes but NUL: escape on output */
	char cmdline[512]; /* arguments, shell-quoted where needed, joined by spaces */
	unsigned long long start_time; /* clock ticks after boot (stat field 22) */
	long rss_kb;
	int nthreads;
	/* the main thread exited (pthread_exit) while others run: read through this one */
	pid_t live_tid;
	bool kthread; /* a kernel thread (PF_KTHREAD, or kthreadd and its children) */
};

/*
 * Memory policy modes as numa_maps names them (the kernel's policy_modes[]). A mapping
 * without a policy of its own shows its task's, so a process started under
 * `numactl --membind=0` shows "bind:0" on every line.
 */
enum np_mpol {
	NP_MPOL_DEFAULT,	     /* "default", "local": new pages follow the CPU */
	NP_MPOL_PREFER,		     /* "prefer:N" (numactl --preferred) */
	NP_MPOL_PREFER_MANY,	     /* "prefer (many):NODES" (numactl --preferred-many) */
	NP_MPOL_BIND,		     /* "bind:NODES" (numactl --membind) */
	NP_MPOL_INTERLEAVE,	     /* "interleave:NODES" (numactl --interleave) */
	NP_MPOL_WEIGHTED_INTERLEAVE, /* "weighted interleave:NODES" (6.9+) */
};

/*
 * Residency in 4 KiB pages, indexed by node id; huge pages counted in base pages. Sized like
 * the sampler's per-node counts, to be compared with them (np_common.h).
 */
struct np_residency {
	__u64 pages[NP_BPF_MAX_NODES];
	__u64 file_pages[NP_BPF_MAX_NODES]; /* the part that is page cache (mmap'ed files) */
	__u64 huge_pages[NP_BPF_MAX_NODES]; /* the part on hugetlbfs */
	__u64 beyond; /* pages on node ids >= NP_BPF_MAX_NODES */
	/*
	 * The memory policy other than default that most resident pages are under (on a tie,
	 * the one of more mappings): where new pages of the process come from. Mode flags
	 * ("=static", "=relative", "=balancing") are parsed and dropped.
	 */
	enum np_mpol policy_kind; /* NP_MPOL_DEFAULT: no mapping has another policy */
	__u64 policy_nodes;	  /* its nodes, bit n for node n (node ids >= 64 are dropped) */
	__u64 policy_pages;	  /* the resident pages under it */
};

/* NUL-separated arguments as one shell-ready line (quoted, control characters as '?'). */
void np_quote_args(const char *args, size_t len, char *out, size_t outlen);

/* The fields of /proc/PID/stat (or of one thread's) the agent uses; the one stat reader. */
struct np_stat {
	char state; /* 'R', 'S', 'T', 'Z', ... */
	pid_t ppid;
	unsigned int flags;		 /* PF_* (field 9): PF_KTHREAD marks a kernel thread */
	unsigned long long utime, stime; /* clock ticks */
	long nthreads;
	unsigned long long start_time; /* clock ticks after boot */
	unsigned long vsize;	       /* bytes of address space */
	long rss_pages;		       /* in the kernel's base pages */
	int processor;		       /* the CPU it last ran on (field 39), -1 unknown */
};

/* The kernel's PF_KTHREAD (include/linux/sched.h), stable since 2.6.27. */
#define NP_PF_KTHREAD 0x00200000u

/*
 * Read the stat of pid (tid 0) or of its thread tid. comm may hold spaces and parentheses, so
 * the fields are read after the last ')'. -ESRCH when it is gone, -EINVAL when malformed
 * (also an rss that is negative or too large to count in KiB).
 */
int np_stat_read(const char *root, pid_t pid, pid_t tid, struct np_stat *st);

/* -ESRCH when the process does not exist (or exited meanwhile). */
int np_proc_read(const char *root, pid_t pid, struct np_proc_info *info);

/* All pids in /proc, ascending. Caller frees. */
int np_proc_list(const char *root, pid_t **pids, int *count);

/* Thread ids of a process, ascending. Caller frees. */
int np_proc_threads(const char *root, pid_t pid, pid_t **tids, int *count);

/* A thread's start time (stat field 22): with the tid, what identifies it. -ESRCH: gone. */
int np_thread_start_time(const char *root, pid_t pid, pid_t tid, unsigned long long *start);

/*
 * The CPUs the process's cgroup allows: its effective cpuset, v1 or v2 (np_cgroup_read).
 * -ENOENT when no cpuset controller bounds it, -ESRCH when the process is gone.
 */
int np_proc_cpuset(const char *root, pid_t pid, struct np_cpuset *cpus);

/* A thread's CPU affinity; -ESRCH when it is gone. */
int np_thread_affinity(pid_t tid, struct np_cpuset *set);

/*
 * The one reader of /proc/PID/comm (tid 0) or /proc/PID/task/TID/comm. The kernel writes the
 * name and a newline: 15 bytes and the newline for a name that fills TASK_COMM_LEN, more for a
 * kernel thread's long name (6.x shows workqueue workers in full). Only that final newline is
 * stripped; every other byte (spaces, parentheses, newlines, bytes that are not UTF-8) stays,
 * so the name compares equal to what prctl(PR_SET_NAME) set. Longer than len - 1 bytes: cut,
 * like the kernel cuts a task's name. -ESRCH when it is gone.
 */
int np_comm_read(const char *root, pid_t pid, pid_t tid, char *comm, size_t len);

/* A thread's comm (np_comm_read); "" when it is gone. */
void np_thread_comm(const char *root, pid_t pid, pid_t tid, char *comm, size_t len);

/* Parse numa_maps text (pure, for fixtures) and read a live one. */
void np_numa_maps_parse(const char *text, struct np_residency *res);
/* tid 0: the process's view; else that thread's (same memory, for a zombie main thread). */
int np_numa_maps_read(const char *root, pid_t pid, pid_t tid, struct np_residency *res);

/* One mapping's resident memory: its start address and its pages (4 KiB) on all nodes. */
struct np_mapping_pages {
	unsigned long start;
	__u64 pages;
};
/* Every mapping of a live numa_maps, in its (address) order; caller frees *out. */
int np_numa_maps_mappings(const char *root, pid_t pid, struct np_mapping_pages **out, int *count);

/* A policy as numa_maps prints it, without flags: "bind:0", "interleave:0-1", "default". */
void np_mpol_format(enum np_mpol kind, __u64 nodes, char *buf, size_t len);

#endif
