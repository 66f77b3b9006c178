// SPDX-License-Identifier: GPL-2.0
/*
 * Feature probes: one tiny program per attach type numaplace's samplers use.
 *
 * Design: instead of guessing from the kernel version, the agent loads and attaches each
 * program on its own (autoload off for the others) and keeps the answer: tp_btf and raw_tp on
 * sched_switch, the classic tracepoint on exceptions/page_fault_user, and kprobe and fentry on
 * task_numa_fault (the NUMA hinting fault hook, which some kernels and sandboxes refuse).
 * Each program only counts its hits, so a probe can also show that the program really runs.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "probe_shared.h"

__u64 hits[NP_PROBE_COUNT];

static __always_inline void hit(int which)
{
	__sync_fetch_and_add(&hits[which], 1);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(probe_tp_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	hit(NP_PROBE_TP_BTF);
	return 0;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(probe_raw_tp)
{
	hit(NP_PROBE_RAW_TP);
	return 0;
}

SEC("tracepoint/exceptions/page_fault_user")
int probe_tracepoint(void *ctx)
{
	hit(NP_PROBE_TRACEPOINT);
	return 0;
}

SEC("kprobe/task_numa_fault")
int BPF_KPROBE(probe_kprobe)
{
	hit(NP_PROBE_KPROBE);
	return 0;
}

SEC("fentry/task_numa_fault")
int BPF_PROG(probe_fentry)
{
	hit(NP_PROBE_FENTRY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
