// SPDX-License-Identifier: GPL-2.0
/*
 * Feature probes against the running kernel (see bpf/probe.bpf.c): each attach type is loaded
 * and attached on its own, so one refused type (kprobes under lockdown, fentry without
 * trampolines) never hides the others.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "sample/bpf_ready.h"
#include "probe.skel.h"

static struct bpf_program *probe_prog(struct probe_bpf *skel, enum np_probe which)
{
	switch (which) {
	case NP_PROBE_TP_BTF:
		return skel->progs.probe_tp_btf;
	case NP_PROBE_RAW_TP:
		return skel->progs.probe_raw_tp;
	case NP_PROBE_TRACEPOINT:
		return skel->progs.probe_tracepoint;
	case NP_PROBE_KPROBE:
		return skel->progs.probe_kprobe;
	default:
		return skel->progs.probe_fentry;
	}
}

void np_bpf_probe(enum np_probe which, struct np_probe_result *result)
{
	struct probe_bpf *skel;
	struct bpf_link *link = NULL;
	int err = 0;

	/* open: every program is in the object; only the one under test is loaded */
	skel = probe_bpf__open();
	if (!skel) {
		err = -errno;
		goto cleanup;
	}
	for (int i = 0; i < NP_PROBE_COUNT; i++)
		bpf_program__set_autoload(probe_prog(skel, i), i == (int)which);

	/* load: the verifier and BTF resolution (ENOENT: no such function or event) */
	err = probe_bpf__load(skel);
	if (err)
		goto cleanup;

	/* attach: where lockdown and sandboxes refuse (EPERM, EOPNOTSUPP) */
	link = bpf_program__attach(probe_prog(skel, which));
	if (!link) {
		err = -errno;
		goto cleanup;
	}

	/* sched_switch fires on our own sleep: the program must have run at least once */
	if (which == NP_PROBE_TP_BTF || which == NP_PROBE_RAW_TP) {
		usleep(20 * 1000);
		if (__atomic_load_n(&skel->bss->hits[which], __ATOMIC_RELAXED) == 0)
			err = -ENODATA;
	}
cleanup:
	bpf_link__destroy(link);
	probe_bpf__destroy(skel);
	result->probed = true;
	result->usable = err == 0;
	result->error = err;
}

enum np_tristate np_btf_has_tracepoint(const struct btf *btf, const char *event)
{
	char name[128];

	if (!btf)
		return NP_UNKNOWN;
	snprintf(name, sizeof(name), "btf_trace_%s", event);
	return btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0 ? NP_YES : NP_NO;
}

void np_bpf_probe_all(struct np_kstate *kernel)
{
	struct btf *btf = NULL;

	if (kernel->tp_sched_switch == NP_UNKNOWN || kernel->tp_page_fault_user == NP_UNKNOWN) {
		btf = btf__load_vmlinux_btf(); /* NULL without BTF: the answer stays unknown */
		if (kernel->tp_sched_switch == NP_UNKNOWN)
			kernel->tp_sched_switch = np_btf_has_tracepoint(btf, "sched_switch");
		if (kernel->tp_page_fault_user == NP_UNKNOWN)
			kernel->tp_page_fault_user = np_btf_has_tracepoint(btf, "page_fault_user");
		btf__free(btf);
	}
	for (int i = 0; i < NP_PROBE_COUNT; i++)
		np_bpf_probe(i, &kernel->probes[i]);
}
