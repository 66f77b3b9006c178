// SPDX-License-Identifier: GPL-2.0
/* Which node a process's accelerators put it on (see model.h, np_accel_pick). Pure. */
#include <stdio.h>

#include "model/model.h"

static void by_memory(const struct np_topo *topo, const struct np_accel_use *use,
		      struct np_accel_pick *pick)
{
	long long per_node[NP_BPF_MAX_NODES] = { 0 }, best = -1;

	pick->total_bytes = 0;
	for (int i = 0; i < use->ndevices; i++) {
		int n = topo->devices[use->devices[i]].node;

		if (n < 0 || n >= NP_BPF_MAX_NODES || use->bytes[i] <= 0)
			continue;
		per_node[n] += use->bytes[i];
		pick->total_bytes += use->bytes[i];
	}
	for (int n = 0; n < NP_BPF_MAX_NODES; n++) {
		if (per_node[n] > 0 && per_node[n] > (pick->node >= 0 ? per_node[pick->node] : 0))
			pick->node = n;
	}
	pick->node_bytes = per_node[pick->node];
	/* its GPU there: the one holding most */
	for (int i = 0; i < use->ndevices; i++) {
		if (topo->devices[use->devices[i]].node == pick->node && use->bytes[i] > best) {
			best = use->bytes[i];
			pick->device = use->devices[i];
		}
	}
}

void np_accel_pick(const struct np_topo *topo, const struct np_accel_use *use,
		   struct np_accel_pick *pick)
{
	bool counted = false;
	int last = NP_NO_NODE;

	*pick = (struct np_accel_pick){
		.device = -1, .node = NP_NO_NODE, .node_bytes = -1, .total_bytes = -1
	};
	for (int i = 0; i < use->ndevices; i++) {
		int n = topo->devices[use->devices[i]].node;
		bool seen = false;

		counted |= use->bytes[i] > 0 && n >= 0;
		for (int j = 0; j < i && n >= 0; j++)
			seen |= topo->devices[use->devices[j]].node == n;
		if (n >= 0 && !seen) {
			pick->nnodes++;
			if (last == NP_NO_NODE)
				pick->device = use->devices[i];
			last = n;
		}
	}
	if (counted)
		by_memory(topo, use, pick);
	else if (pick->nnodes == 1)
		pick->node = last;
	else
		pick->device = -1;
}

void np_gpu_bytes_text(long long bytes, char *buf, size_t len)
{
	if (bytes >= 1000000000LL)
		snprintf(buf, len, "%.1f GB", bytes / 1e9);
	else
		snprintf(buf, len, "%.0f MB", bytes / 1e6);
}

void np_accel_reason(const struct np_topo *topo, const struct np_accel_use *use,
		     const struct np_accel_pick *pick, char *buf, size_t len)
{
	const char *source = np_accel_source_name(use->source);
	const char *pci = topo->devices[pick->device].pci;
	char here[32], all[32];

	if (pick->node_bytes <= 0) {
		/* named without its memory: the files keep their plain form */
		if (source && use->source != NP_ACCEL_SOURCE_FILES)
			snprintf(buf, len, "uses accelerator %s on node %d (%s)", pci, pick->node,
				 source);
		else
			snprintf(buf, len, "uses accelerator %s on node %d", pci, pick->node);
		return;
	}
	np_gpu_bytes_text(pick->node_bytes, here, sizeof(here));
	np_gpu_bytes_text(pick->total_bytes, all, sizeof(all));
	if (pick->nnodes <= 1)
		snprintf(buf, len, "uses accelerator %s on node %d (%s: %s of GPU memory)", pci,
			 pick->node, source ? source : "driver", here);
	else
		snprintf(buf, len,
			 "uses accelerator %s on node %d (%s: node %d holds %s of its %s of GPU "
			 "memory); warning: its GPUs span %d nodes",
			 pci, pick->node, source ? source : "driver", pick->node, here, all,
			 pick->nnodes);
}
