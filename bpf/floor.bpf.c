// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark floor: programs that return at once, on the sampler's two hot tracepoints.
 *
 * Design: `make bench` attaches these to measure what any BPF program on sched_switch and
 * page_fault_user costs on this machine (trampoline, and the kernel's statistics when on),
 * so that the sampler's own share of its cost per event and slowdown can be told apart.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("tp_btf/sched_switch")
int BPF_PROG(floor_switch)
{
	return 0;
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(floor_fault)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
