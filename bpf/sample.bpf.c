// SPDX-License-Identifier: GPL-2.0
/*
 * numaplace's sampler: where traced threads run and where their page faults happen.
 *
 * Design. Per-thread statistics live in a hash keyed by tid so that the agent can read them
 * at any time; a thread gets an entry the first time it is switched in while its process is
 * traced (traced_tgids, filled by the agent and by the fork handler) or, in "all processes"
 * mode, always. At switch-in, sched_switch charges the growth of the task's own
 * se.sum_exec_runtime since its previous switch-in (no clock read) to the node it ran on
 * then, and notes the node of this CPU, found in a read-only cpu -> node table set before
 * load (no helper call), counting node changes. Charging a slice at the next switch-in
 * rather than at switch-out leaves switch-out without a map lookup; a thread not switched in
 * again by the time the agent reads has its last slice charged by the agent from /proc
 * (on_cpu). The page fault tracepoint counts faults per node and sends 1 in sample_every of a
 * thread's faults to a ring buffer with the address, which the agent resolves to a page node
 * with move_pages(2).
 * Exiting threads fold their in-flight slice and are folded into per-process totals, then
 * dropped. The kernel's own NUMA activity (AutoNUMA migrations, task moves and, where kprobes
 * are allowed, task_numa_fault's local/remote hinting faults) is counted per thread and host.
 *
 * Every tracepoint has a tp_btf program and a raw_tp twin; the agent loads one set, picked by
 * a feature probe. The tp_btf programs read task fields directly (BTF-typed pointers), the
 * raw_tp twins through CO-RE probe reads, and both pass plain values to shared handlers.
 *
 * Cost: the hot paths (switch, fault) do hash lookups and nothing else: no clock, no
 * counter map (event counts are summed from the per-thread entries by the agent), and
 * every write goes to the thread's own entry, so no cache line is shared between CPUs.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "sample_shared.h"

/* Set by the agent before load. */
const volatile bool trace_all = false;
const volatile __u32 sample_every = 64;
const volatile __u8 cpu_node[NP_BPF_MAX_CPUS] = {};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32); /* tgid */
	__type(value, __u8);
} traced_tgids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536); /* resized by the agent */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32); /* tid */
	__type(value, struct np_thread_stats);
} threads SEC(".maps");

/* Statistics of exited threads, folded per process so process totals stay whole. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32); /* tgid */
	__type(value, struct np_thread_stats);
} exited SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NP_CNT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/*
 * The traced thread running on each CPU (0: none), one cache line per CPU so no two CPUs
 * write the same line: each slot is a line long (sample_shared.h) and the array starts on a
 * line, which the attribute says rather than leaving it to where the array falls in .bss
 * (the mmapable map holding .bss starts on a page). Switch-out and fault of an untraced task
 * then cost no map lookup.
 */
struct running_slot running[NP_BPF_MAX_CPUS] __attribute__((aligned(NP_CACHE_LINE)));

static __always_inline struct running_slot *running_on(__u32 cpu)
{
	if (cpu >= NP_BPF_MAX_CPUS)
		return NULL;
	/*
	 * Older verifiers (6.1) do not connect the check above to a pointer clang computed
	 * before it; the mask keeps the index provably bounded, and the barrier keeps clang
	 * from dropping the mask as redundant.
	 */
	barrier_var(cpu);
	return &running[cpu & (NP_BPF_MAX_CPUS - 1)];
}

static __always_inline void count(enum np_counter which, __u64 n)
{
	__u32 key = which;
	__u64 *slot = bpf_map_lookup_elem(&counters, &key);

	if (slot)
		*slot += n;
}

static __always_inline __u32 this_node(__u32 cpu)
{
	if (cpu >= NP_BPF_MAX_CPUS) {
		count(NP_CNT_CPU_UNMAPPED, 1);
		return NP_BPF_NODE_NONE;
	}
	barrier_var(cpu); /* see running_on() */
	return cpu_node[cpu & (NP_BPF_MAX_CPUS - 1)];
}

/*
 * The first NP_FAST_TGIDS traced processes are also kept in a plain array, checked with a
 * few compares: a switch-in of an untraced task then costs no map lookup. The hash is
 * asked only once more processes are traced than the array holds.
 */
__u64 fast_tgids[NP_FAST_TGIDS]; /* 64-bit: clang 14 has no 32-bit cmpxchg for BPF v1 */
bool tgids_overflow;

static __always_inline bool is_traced(__u32 tgid)
{
	if (trace_all)
		return true;
	for (int i = 0; i < NP_FAST_TGIDS; i++)
		if (fast_tgids[i] == tgid)
			return true;
	return tgids_overflow && bpf_map_lookup_elem(&traced_tgids, &tgid);
}

/* The thread's entry; with create, made if missing (the caller checked it is traced). */
static __always_inline struct np_thread_stats *thread_entry(__u32 tid, __u32 tgid, bool create)
{
	struct np_thread_stats *stats = bpf_map_lookup_elem(&threads, &tid);
	struct np_thread_stats fresh = {};

	if (stats || !create || !tid)
		return stats;
	fresh.tgid = tgid;
	fresh.last_node = NP_BPF_NODE_NONE;
	bpf_map_update_elem(&threads, &tid, &fresh, BPF_NOEXIST);
	stats = bpf_map_lookup_elem(&threads, &tid);
	if (!stats)
		count(NP_CNT_THREAD_DROPS, 1);
	return stats;
}

/* Charge what the scheduler accounted since the last look to the node it ran on. */
static __always_inline void charge_runtime(struct np_thread_stats *stats, __u64 runtime)
{
	__u32 node = stats->last_node;

	if (stats->on_cpu && node < NP_BPF_MAX_NODES && runtime > stats->runtime_seen)
		stats->cpu_ns[node] += runtime - stats->runtime_seen;
	stats->runtime_seen = runtime;
	stats->on_cpu = 0;
}

/* Runtime and the faults counted in the CPU's slot go to the thread's entry. */
static __always_inline void flush_slot(struct np_thread_stats *stats, struct running_slot *slot,
				       __u64 runtime)
{
	__u32 node = stats->last_node;

	if (node < NP_BPF_MAX_NODES)
		stats->faults[node] += slot->faults;
	slot->faults = 0;
	charge_runtime(stats, runtime);
}

#define NP_PF_EXITING 0x00000004 /* include/linux/sched.h */

static __always_inline int on_switch(__u32 prev_pid, __u32 next_pid, __u32 next_tgid,
				     __u64 next_runtime, __u32 next_flags)
{
	__u32 cpu = bpf_get_smp_processor_id(), node;
	struct running_slot *slot = running_on(cpu);
	struct np_thread_stats *stats;

	if (!slot)
		return 0;
	/*
	 * switch-out: its run time is charged at its next switch-in (or by the agent's
	 * in-flight read), to the node it ran on then, so only faults it took here need its
	 * entry now. Most switches of a server's threads come without one: no lookup.
	 */
	if (slot->faults && slot->tid == prev_pid) {
		stats = thread_entry(prev_pid, 0, false);
		node = stats ? stats->last_node : NP_BPF_NODE_NONE;
		if (stats && node < NP_BPF_MAX_NODES)
			stats->faults[node] += slot->faults;
	}
	slot->tid = 0;
	slot->faults = 0;

	/*
	 * switch-in: the cheap filter first, the thread's entry only when traced. A task past
	 * its exit tracepoint (PF_EXITING) may still be switched in; it must not get a new
	 * entry that no exit event would ever remove.
	 */
	if (!next_pid || (next_flags & NP_PF_EXITING) || !is_traced(next_tgid))
		return 0;
	stats = thread_entry(next_pid, next_tgid, true);
	if (!stats)
		return 0;
	if (stats->tgid != next_tgid) {
		/* a reused tid: the old thread's figures are not this one's */
		__builtin_memset(stats, 0, sizeof(*stats));
		stats->tgid = next_tgid;
		stats->last_node = NP_BPF_NODE_NONE;
	}
	/*
	 * What it ran since its last switch-in, on the node it ran on then; or, for an entry
	 * the agent marked on CPU (tracing began while it ran), since the agent's read.
	 */
	if (stats->on_cpu)
		charge_runtime(stats, next_runtime);
	node = this_node(cpu);
	if (node != stats->last_node && stats->last_node != NP_BPF_NODE_NONE)
		stats->node_changes++;
	stats->last_node = node;
	stats->runtime_seen = next_runtime;
	stats->on_cpu = 1;
	stats->switches++;
	slot->tid = next_pid;
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(switch_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(prev->pid, next->pid, next->tgid, next->se.sum_exec_runtime, next->flags);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(switch_raw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(BPF_CORE_READ(prev, pid), BPF_CORE_READ(next, pid),
			 BPF_CORE_READ(next, tgid), BPF_CORE_READ(next, se.sum_exec_runtime),
			 BPF_CORE_READ(next, flags));
}

static __always_inline int on_fault(__u64 address)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct running_slot *slot = running_on(cpu);
	struct np_fault_sample *rec;
	__u64 id;

	/* no map lookup: the count goes to this CPU's slot, flushed at switch-out */
	if (!slot || !slot->tid)
		return 0;
	id = bpf_get_current_pid_tgid();
	if (slot->tid != (__u32)id)
		return 0;
	slot->faults++;
	if (++slot->fault_tick < sample_every)
		return 0;
	slot->fault_tick = 0;
	rec = bpf_ringbuf_reserve(&samples, sizeof(*rec), 0);
	if (!rec) {
		count(NP_CNT_SAMPLE_DROPS, 1);
		return 0;
	}
	rec->time_ns = bpf_ktime_get_ns();
	rec->address = address;
	rec->tgid = id >> 32;
	rec->tid = (__u32)id;
	rec->cpu = cpu;
	rec->node = this_node(cpu);
	bpf_ringbuf_submit(rec, 0);
	count(NP_CNT_SAMPLES, 1);
	return 0;
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(fault_btf, unsigned long address)
{
	return on_fault(address);
}

SEC("raw_tp/page_fault_user")
int BPF_PROG(fault_raw, unsigned long address)
{
	return on_fault(address);
}

/* A traced process's children are traced too: servers fork their workers. */
static __always_inline int on_fork(struct task_struct *parent, struct task_struct *child)
{
	__u32 child_pid = BPF_CORE_READ(child, pid), child_tgid = BPF_CORE_READ(child, tgid);
	__u8 one = 1;

	if (child_pid != child_tgid || trace_all || !is_traced(BPF_CORE_READ(parent, tgid)))
		return 0;
	if (bpf_map_update_elem(&traced_tgids, &child_tgid, &one, BPF_NOEXIST))
		return 0;
	count(NP_CNT_FORKS_FOLLOWED, 1);
	for (int i = 0; i < NP_FAST_TGIDS; i++)
		if (__sync_val_compare_and_swap(&fast_tgids[i], 0, (__u64)child_tgid) == 0)
			return 0;
	tgids_overflow = true;
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(fork_btf, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child);
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(fork_raw, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child);
}

static __always_inline int on_exec(struct task_struct *task)
{
	if (is_traced(BPF_CORE_READ(task, tgid)))
		count(NP_CNT_EXECS, 1);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec_btf, struct task_struct *task)
{
	return on_exec(task);
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(exec_raw, struct task_struct *task)
{
	return on_exec(task);
}

/* Fold an exiting thread into its process's totals and drop it. */
static __always_inline int on_exit(struct task_struct *task)
{
	__u32 tid = BPF_CORE_READ(task, pid), tgid = BPF_CORE_READ(task, tgid);
	struct np_thread_stats *stats = bpf_map_lookup_elem(&threads, &tid), *total;
	struct np_thread_stats empty = {};
	struct running_slot *slot;

	if (!stats)
		return 0;
	/* the exiting task is current: its slot holds its latest faults */
	slot = running_on(bpf_get_smp_processor_id());
	/* a process the agent stopped tracing (the daemon forgot it): nothing to keep */
	if (!is_traced(tgid)) {
		if (slot && slot->tid == tid)
			slot->tid = 0;
		bpf_map_delete_elem(&threads, &tid);
		return 0;
	}
	count(NP_CNT_EXITS, 1);
	if (slot && slot->tid == tid) {
		flush_slot(stats, slot, BPF_CORE_READ(task, se.sum_exec_runtime));
		slot->tid = 0;
	} else {
		charge_runtime(stats, BPF_CORE_READ(task, se.sum_exec_runtime));
	}
	total = bpf_map_lookup_elem(&exited, &tgid);
	if (!total) {
		/* the process's name, not the first exiting thread's */
		empty.tgid = tgid;
		empty.last_node = NP_BPF_NODE_NONE;
		BPF_CORE_READ_STR_INTO(&empty.comm, task, group_leader, comm);
		bpf_map_update_elem(&exited, &tgid, &empty, BPF_NOEXIST);
		total = bpf_map_lookup_elem(&exited, &tgid);
	}
	if (total)
		np_stats_fold(total, stats);
	else
		count(NP_CNT_THREAD_DROPS, 1); /* exited map full: say so, never silently */
	bpf_map_delete_elem(&threads, &tid);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(exit_btf, struct task_struct *task)
{
	return on_exit(task);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(exit_raw, struct task_struct *task)
{
	return on_exit(task);
}

/*
 * mm_migrate_pages gained large_folio_split (6.13) before mode and reason: the position of
 * reason follows the kernel's event layout, found by CO-RE.
 */
static __always_inline int on_migrate(unsigned long long *ctx)
{
	__u64 succeeded = ctx[0], failed = ctx[1];
	int reason;

	/* the barriers keep clang from merging both loads into one at a variable offset,
	 * which the verifier refuses for a context pointer */
	if (bpf_core_field_exists(struct trace_event_raw_mm_migrate_pages, large_folio_split)) {
		reason = (int)ctx[7];
		barrier_var(reason);
	} else {
		reason = (int)ctx[6];
		barrier_var(reason);
	}
	count(NP_CNT_MIGRATE_FAILED, failed);
	if (reason == bpf_core_enum_value(enum migrate_reason, MR_NUMA_MISPLACED)) {
		__u64 id = bpf_get_current_pid_tgid();
		struct np_thread_stats *stats = thread_entry((__u32)id, id >> 32, false);

		count(NP_CNT_MIGRATE_NUMA, succeeded);
		/* AutoNUMA migrates in the faulting task's context: charge the thread. */
		if (stats)
			stats->numa_migrated += succeeded;
	} else if (reason == bpf_core_enum_value(enum migrate_reason, MR_SYSCALL) ||
		   reason == bpf_core_enum_value(enum migrate_reason, MR_MEMPOLICY_MBIND)) {
		count(NP_CNT_MIGRATE_SYSCALL, succeeded);
	} else {
		count(NP_CNT_MIGRATE_OTHER, succeeded);
	}
	return 0;
}

SEC("tp_btf/mm_migrate_pages")
int migrate_btf(unsigned long long *ctx)
{
	return on_migrate(ctx);
}

SEC("raw_tp/mm_migrate_pages")
int migrate_raw(unsigned long long *ctx)
{
	return on_migrate(ctx);
}

static __always_inline void numa_moved(struct task_struct *task)
{
	struct np_thread_stats *stats;

	if (!task) /* sched_swap_numa's dst may be NULL */
		return;
	stats = thread_entry(BPF_CORE_READ(task, pid), 0, false);
	count(NP_CNT_NUMA_MOVES, 1);
	if (stats)
		stats->numa_moves++;
}

SEC("tp_btf/sched_move_numa")
int BPF_PROG(move_numa_btf, struct task_struct *task)
{
	numa_moved(task);
	return 0;
}

SEC("raw_tp/sched_move_numa")
int BPF_PROG(move_numa_raw, struct task_struct *task)
{
	numa_moved(task);
	return 0;
}

SEC("tp_btf/sched_swap_numa")
int BPF_PROG(swap_numa_btf, struct task_struct *src, int src_cpu, struct task_struct *dst)
{
	numa_moved(src);
	numa_moved(dst);
	return 0;
}

SEC("raw_tp/sched_swap_numa")
int BPF_PROG(swap_numa_raw, struct task_struct *src, int src_cpu, struct task_struct *dst)
{
	numa_moved(src);
	numa_moved(dst);
	return 0;
}

/*
 * task_numa_fault(last_cpupid, mem_node, pages, flags): the NUMA hinting fault itself, with
 * the kernel's own verdict on locality (TNF_FAULT_LOCAL). Only where kprobes are allowed.
 */
#define NP_TNF_FAULT_LOCAL 0x08

SEC("kprobe/task_numa_fault")
int BPF_KPROBE(hint_fault, int last_cpupid, int mem_node, int pages, int flags)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct np_thread_stats *stats = thread_entry((__u32)id, id >> 32, false);

	count(NP_CNT_HINT_FAULTS, 1);
	if (!stats || pages <= 0)
		return 0;
	if (flags & NP_TNF_FAULT_LOCAL)
		stats->hint_local += pages;
	else
		stats->hint_remote += pages;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
