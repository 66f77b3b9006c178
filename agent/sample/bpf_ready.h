/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF readiness of the running kernel: which attach types load and attach, tried for real
 * with the programs of bpf/probe.bpf.c (feature probes, never kernel-version checks).
 */
#ifndef NP_BPF_READY_H
#define NP_BPF_READY_H

#include "topo/topo.h"

struct btf;

/*
 * Whether the kernel has a tracepoint, from the btf_trace_<event> typedef its BTF holds for
 * each one (also where tracefs is not mounted). NP_UNKNOWN without BTF.
 */
enum np_tristate np_btf_has_tracepoint(const struct btf *btf, const char *event);

/* Try one attach type: load and attach its probe program alone. */
void np_bpf_probe(enum np_probe which, struct np_probe_result *result);

/* Fill kernel->probes[] (and BTF/tracepoint facts tracefs could not tell). Needs root. */
void np_bpf_probe_all(struct np_kstate *kernel);

#endif
