// SPDX-License-Identifier: GPL-2.0
/* Topology discovery entry point and the names the outputs share. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

const char *const np_knob_names[NP_KNOB_COUNT] = {
	[NP_KNOB_SCAN_DELAY_MS] = "scan_delay_ms",
	[NP_KNOB_SCAN_PERIOD_MIN_MS] = "scan_period_min_ms",
	[NP_KNOB_SCAN_PERIOD_MAX_MS] = "scan_period_max_ms",
	[NP_KNOB_SCAN_SIZE_MB] = "scan_size_mb",
	[NP_KNOB_HOT_THRESHOLD_MS] = "hot_threshold_ms",
};

const char *const np_probe_names[NP_PROBE_COUNT] = {
	[NP_PROBE_TP_BTF] = "tp_btf",
	[NP_PROBE_RAW_TP] = "raw_tp",
	[NP_PROBE_TRACEPOINT] = "tracepoint",
	[NP_PROBE_KPROBE] = "kprobe",
	[NP_PROBE_FENTRY] = "fentry",
};

const char *np_numa_balancing_mode_name(int mode)
{
	/* Values of kernel.numa_balancing (Documentation/admin-guide/sysctl/kernel.rst). */
	switch (mode) {
	case 0:
		return "disabled";
	case 1:
		return "normal";
	case 2:
		return "memory-tiering";
	case 3:
		return "normal+memory-tiering";
	default:
		return "unsupported";
	}
}

int np_topo_node_index(const struct np_topo *topo, int node_id)
{
	for (int i = 0; i < topo->nnodes; i++)
		if (topo->nodes[i].id == node_id)
			return i;
	return -1;
}

int np_topo_discover(const char *root, struct np_topo *topo, char *msg, size_t msglen)
{
	int err;

	memset(topo, 0, sizeof(*topo));
	err = np_nodes_discover(root, topo, msg, msglen);
	if (err)
		return err;
	err = np_pci_discover(root, topo, msg, msglen);
	if (err) {
		np_topo_free(topo);
		return err;
	}
	np_kstate_discover(root, &topo->kernel);
	return 0;
}

void np_topo_free(struct np_topo *topo)
{
	for (int i = 0; i < topo->ndevices; i++)
		free(topo->devices[i].irqs);
	free(topo->devices);
	topo->devices = NULL;
	topo->ndevices = 0;
}
