/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's layout as placement sees it: NUMA nodes (CPUs, memory, distances), the PCI devices
 * whose locality matters (accelerators, NICs, NVMe) and the kernel state that fights or helps
 * placement (AutoNUMA, THP, irqbalance, BPF readiness).
 *
 * np_topo_discover() only reads files below a root, so fixture trees test it fully; the BPF
 * program probes (bpf_ready.h) fill in the part that needs a live kernel.
 */
#ifndef NP_TOPO_H
#define NP_TOPO_H

#include "lib/np_common.h"
#include "lib/cpulist.h"
#include "probe_shared.h"

struct np_node {
	int id;
	struct np_cpuset cpus;
	uint64_t mem_total_kb;
	uint64_t mem_free_kb;
	/* distance[i] is the distance to topo->nodes[i] (same order as the nodes array). */
	int distance[NP_MAX_NODES];
};

enum np_dev_kind {
	NP_DEV_NONE = 0, /* not relevant for placement (e.g. a BMC's VGA) */
	NP_DEV_ACCEL,
	NP_DEV_NIC,
	NP_DEV_NVME,
};

#define NP_NODE_UNKNOWN (-1)

struct np_device {
	char pci[24]; /* domain:bus:dev.fn, "0000:41:00.0" (VMD domains are longer) */
	unsigned int vendor;
	unsigned int device;
	unsigned int class; /* 24-bit class code, 0x030200 */
	enum np_dev_kind kind;
	char driver[64]; /* "" when no driver is bound */
	int node;	 /* NP_NODE_UNKNOWN when numa_node is -1 or absent */
	int nirqs;
	int *irqs; /* MSI/MSI-X vectors, else the legacy INTx line; ascending */
	char netdevs[128]; /* NICs: interface names, comma-separated */
};

/* A tri-state for facts that a fixture tree cannot tell. */
enum np_tristate { NP_UNKNOWN = -1, NP_NO = 0, NP_YES = 1 };

enum np_knob {
	NP_KNOB_SCAN_DELAY_MS,
	NP_KNOB_SCAN_PERIOD_MIN_MS,
	NP_KNOB_SCAN_PERIOD_MAX_MS,
	NP_KNOB_SCAN_SIZE_MB,
	NP_KNOB_HOT_THRESHOLD_MS,
	NP_KNOB_COUNT,
};

extern const char *const np_knob_names[NP_KNOB_COUNT];

/* One BPF attach type tried against the running kernel. */
struct np_probe_result {
	bool probed; /* false under --root, or before np_bpf_probe_all() */
	bool usable;
	int error; /* -errno when !usable, else 0 */
};

extern const char *const np_probe_names[NP_PROBE_COUNT];

struct np_kstate {
	char release[64]; /* kernel release, "" when unknown */
	int numa_balancing; /* sysctl value 0-3, -1 when the kernel has no such knob */
	const char *knobs_source; /* "debugfs", "sysctl" or NULL */
	long knobs[NP_KNOB_COUNT];
	bool knob_present[NP_KNOB_COUNT];
	char thp_enabled[16]; /* selected mode, "" when absent */
	char thp_defrag[16];
	int irqbalance_pid; /* 0 when not running */
	bool irqbalance_banned_cpus_set;
	struct np_cpuset irqbalance_banned_cpus;
	/* range list: --banirq options, and on the live system the control socket's ban list */
	char irqbalance_banned_irqs[256];
	/* why the control socket could not be read on the live system, "" when it was */
	char irqbalance_socket_error[96];
	enum np_tristate btf;
	enum np_tristate tp_sched_switch;
	enum np_tristate tp_page_fault_user;
	struct np_probe_result probes[NP_PROBE_COUNT];
};

struct np_topo {
	int nnodes;
	struct np_node nodes[NP_MAX_NODES];
	int ndevices;
	struct np_device *devices;
	struct np_kstate kernel;
};

/*
 * Read the topology below root ("/" for the live system). Returns 0, -ENOENT when root has no
 * NUMA node directory, or another -errno; on error *msg names the file that failed.
 */
int np_topo_discover(const char *root, struct np_topo *topo, char *msg, size_t msglen);
void np_topo_free(struct np_topo *topo);

/* Parts of discovery, one file each. */
int np_nodes_discover(const char *root, struct np_topo *topo, char *msg, size_t msglen);
int np_pci_discover(const char *root, struct np_topo *topo, char *msg, size_t msglen);
void np_kstate_discover(const char *root, struct np_kstate *kernel);

/* Classification of a PCI function by vendor and 24-bit class code. */
enum np_dev_kind np_pci_classify(unsigned int vendor, unsigned int class);
const char *np_dev_kind_name(enum np_dev_kind kind);
const char *np_pci_vendor_name(unsigned int vendor); /* NULL when not in the table */
const char *np_numa_balancing_mode_name(int mode);

/* Index of node id in topo->nodes, or -1. */
int np_topo_node_index(const struct np_topo *topo, int node_id);

/* A node's MemFree now (kB), for those who watch it change: the mover, the daemon. */
int np_node_mem_free_kb(const char *root, int node, uint64_t *kb);

#endif
