// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace topo`: what `numactl --hardware` and the PCI locality of `nvidia-smi topo -m`
 * tell, in one screen an operator reads at a glance.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/text_wrap.h"
#include "output/topo_output.h"

/* Where a line's value starts: "numa_balancing   " */
#define VALUE_COL 17

static const char *yes_no(enum np_tristate value)
{
	return value == NP_YES ? "yes" : value == NP_NO ? "NO" : "unknown";
}

/* A node's CPUs for the table, a very long list cut and marked "..." (the JSON has it whole). */
static void node_cpus(const struct np_cpuset *set, char *buf, size_t len)
{
	char full[NP_CPULIST_MAX];

	np_cpulist_format(set, full, sizeof(full)); /* fits: NP_CPULIST_MAX */
	if (strlen(full) < len) {
		strcpy(buf, full);
		return;
	}
	snprintf(buf, len, "%.*s...", (int)(len - 4), full);
}

static void print_nodes(const struct np_topo *topo, FILE *out)
{
	char cpus[NP_MAX_NODES][256];
	int width = 4, total_cpus = 0;
	uint64_t total_kb = 0;

	/* the cpus column takes what the rest of the line leaves: 41 columns and 4 per node */
	int room = NP_TEXT_COLS - 41 - 4 * topo->nnodes;
	size_t cut = room < 12 ? 13 : room + 1 < 256 ? (size_t)room + 1 : 256;

	for (int i = 0; i < topo->nnodes; i++) {
		node_cpus(&topo->nodes[i].cpus, cpus[i], cut);
		if ((int)strlen(cpus[i]) > width)
			width = (int)strlen(cpus[i]);
		total_cpus += np_cpuset_count(&topo->nodes[i].cpus);
		total_kb += topo->nodes[i].mem_total_kb;
	}
	fprintf(out, "%d NUMA node%s, %d CPUs, %.1f GiB%s%s\n\n", topo->nnodes,
		topo->nnodes == 1 ? "" : "s", total_cpus, total_kb / 1048576.0,
		topo->kernel.release[0] ? ", kernel " : "", topo->kernel.release);
	fprintf(out, "node  %-*s  mem total   mem free  distance to", width, "cpus");
	for (int j = 0; j < topo->nnodes; j++)
		fprintf(out, " %3d", topo->nodes[j].id);
	fputc('\n', out);
	for (int i = 0; i < topo->nnodes; i++) {
		const struct np_node *node = &topo->nodes[i];

		fprintf(out, "%4d  %-*s  %6llu MB  %6llu MB  %11s", node->id, width, cpus[i],
			(unsigned long long)node->mem_total_kb / 1024,
			(unsigned long long)node->mem_free_kb / 1024, "");
		for (int j = 0; j < topo->nnodes; j++)
			fprintf(out, " %3d", node->distance[j]);
		fputc('\n', out);
	}
}

/* Grouped by node (unknown last), then kind, then address: "what hangs off node 1". */
static int cmp_by_node(const void *a, const void *b)
{
	const struct np_device *x = *(const struct np_device *const *)a;
	const struct np_device *y = *(const struct np_device *const *)b;
	unsigned int xn = (unsigned int)x->node, yn = (unsigned int)y->node; /* -1 sorts last */

	if (xn != yn)
		return xn < yn ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->pci, y->pci);
}

static void print_devices(const struct np_topo *topo, FILE *out)
{
	const struct np_device **order;

	if (!topo->ndevices) {
		fprintf(out, "\nno accelerators, NICs or NVMe found on PCI\n");
		return;
	}
	fprintf(out, "\n%-13s %-12s %-20s %-12s %-7s %s\n", "pci", "kind", "vendor:device",
		"driver", "node", "irqs");
	order = malloc(sizeof(*order) * topo->ndevices);
	if (!order)
		return;
	for (int i = 0; i < topo->ndevices; i++)
		order[i] = &topo->devices[i];
	qsort(order, topo->ndevices, sizeof(*order), cmp_by_node);
	for (int i = 0; i < topo->ndevices; i++) {
		const struct np_device *dev = order[i];
		const char *vendor = np_pci_vendor_name(dev->vendor);
		char ids[48], node[16], irqs[256], first[256], rest[512];

		snprintf(ids, sizeof(ids), "%s%s%04x:%04x", vendor ? vendor : "", vendor ? " " : "",
			 dev->vendor, dev->device);
		if (dev->node == NP_NODE_UNKNOWN)
			strcpy(node, "unknown");
		else
			snprintf(node, sizeof(node), "%d", dev->node);
		if (np_rangelist_format(dev->irqs, dev->nirqs, irqs, sizeof(irqs)) < 0)
			strcpy(irqs + sizeof(irqs) - 4, "...");
		snprintf(first, sizeof(first), "%-13s %-12s %-20s %-12s %-7s ", dev->pci,
			 np_dev_kind_name(dev->kind), ids, dev->driver[0] ? dev->driver : "-",
			 node);
		snprintf(rest, sizeof(rest), "%s%s%s%s", dev->nirqs ? irqs : "-",
			 dev->netdevs[0] ? "  (" : "", dev->netdevs, dev->netdevs[0] ? ")" : "");
		/* many IRQs or interfaces wrap under the irqs column */
		np_text_wrap(out, first, 69, rest);
	}
	free(order);
}

/* "1 (normal); debugfs: scan_delay_ms=1000 ...", wrapped under its value. */
static void print_balancing(const struct np_kstate *k, FILE *out)
{
	char text[512];
	size_t used;

	if (k->numa_balancing < 0) {
		fprintf(out, "numa_balancing   not in this kernel\n");
		return;
	}
	used = snprintf(text, sizeof(text), "%d (%s)", k->numa_balancing,
			np_numa_balancing_mode_name(k->numa_balancing));
	if (k->knobs_source)
		used += snprintf(text + used, sizeof(text) - used, "; %s:", k->knobs_source);
	for (int i = 0; k->knobs_source && i < NP_KNOB_COUNT && used < sizeof(text); i++)
		if (k->knob_present[i])
			used += snprintf(text + used, sizeof(text) - used, " %s=%ld",
					 np_knob_names[i], k->knobs[i]);
	np_text_wrap(out, "numa_balancing   ", VALUE_COL, text);
}

static void print_irqbalance(const struct np_kstate *k, FILE *out)
{
	char cpus[NP_CPULIST_MAX] = "none"; /* any set fits */
	char text[NP_CPULIST_MAX + 512];

	if (!k->irqbalance_pid) {
		fprintf(out, "irqbalance       not running\n");
		return;
	}
	if (k->irqbalance_banned_cpus_set)
		np_cpulist_format(&k->irqbalance_banned_cpus, cpus, sizeof(cpus));
	snprintf(text, sizeof(text), "running (pid %d), banned cpus: %s, banned irqs: %s%s%s%s",
		 k->irqbalance_pid, cpus[0] ? cpus : "none",
		 k->irqbalance_banned_irqs[0] ? k->irqbalance_banned_irqs : "none",
		 k->irqbalance_socket_error[0] ? " (control socket: " : "",
		 k->irqbalance_socket_error, k->irqbalance_socket_error[0] ? ")" : "");
	np_text_wrap(out, "irqbalance       ", VALUE_COL, text);
}

/* Which ways of attaching BPF programs work here, and why not the others. */
static void print_attach(const struct np_kstate *k, FILE *out)
{
	char text[1024];
	size_t used = 0;

	if (!k->probes[0].probed)
		return;
	for (int i = 0; i < NP_PROBE_COUNT && used < sizeof(text); i++) {
		const struct np_probe_result *r = &k->probes[i];
		char item[128];

		if (r->usable)
			snprintf(item, sizeof(item), "%s ok", np_probe_names[i]);
		else
			snprintf(item, sizeof(item), "%s NO (%s)", np_probe_names[i],
				 strerror(-r->error));
		np_text_glue(item);
		used += snprintf(text + used, sizeof(text) - used, "%s%s%s", i ? " " : "", item,
				 i + 1 < NP_PROBE_COUNT ? "," : "");
	}
	np_text_wrap(out, "bpf attach       ", VALUE_COL, text);
}

static void print_kernel(const struct np_kstate *k, FILE *out)
{
	fputc('\n', out);
	print_balancing(k, out);
	if (k->thp_enabled[0])
		fprintf(out, "huge pages       THP enabled=%s defrag=%s\n", k->thp_enabled,
			k->thp_defrag[0] ? k->thp_defrag : "?");
	print_irqbalance(k, out);
	fprintf(out, "bpf              BTF %s; tracepoints sched_switch %s, page_fault_user %s\n",
		yes_no(k->btf), yes_no(k->tp_sched_switch), yes_no(k->tp_page_fault_user));
	print_attach(k, out);
}

void np_topo_print_text(const struct np_topo *topo, FILE *out)
{
	print_nodes(topo, out);
	print_devices(topo, out);
	print_kernel(&topo->kernel, out);
}
