/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by bpf/probe.bpf.c and the agent: the attach types numaplace probes, which is also
 * the index of each probe program's hit counter.
 */
#ifndef NP_PROBE_SHARED_H
#define NP_PROBE_SHARED_H

enum np_probe {
	NP_PROBE_TP_BTF,
	NP_PROBE_RAW_TP,
	NP_PROBE_TRACEPOINT,
	NP_PROBE_KPROBE,
	NP_PROBE_FENTRY,
	NP_PROBE_COUNT,
};

#endif
