// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace top`'s node headers: how busy each node's CPUs were (every process, from
 * /proc/stat, not only the traced ones), its free memory now, the pages AutoNUMA migrated in
 * traced threads' faults, and the accelerators and NICs on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/top.h"
#include "lib/cpulist.h"

/* Per CPU busy and total jiffies now; 0 or -errno. */
static int read_stat(int ncpus, unsigned long long *busy, unsigned long long *total)
{
	FILE *f = fopen("/proc/stat", "re");
	char line[512];

	if (!f)
		return -1;
	memset(busy, 0, sizeof(*busy) * ncpus);
	memset(total, 0, sizeof(*total) * ncpus);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[8] = { 0 };
		int cpu;

		if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
			continue;
		if (sscanf(line + 3, "%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) < 5 ||
		    cpu < 0 || cpu >= ncpus)
			continue;
		for (int i = 0; i < 8; i++)
			total[cpu] += v[i];
		busy[cpu] = total[cpu] - v[3] - v[4]; /* less idle and iowait */
	}
	fclose(f);
	return 0;
}

/* Each node's busy CPUs' worth since the last call (0 the first time). */
static void cpu_busy(const struct np_topo *topo, struct np_top_cpu *c, struct np_top_node *nodes)
{
	unsigned long long *busy, *total;

	if (!c->ncpus) {
		c->ncpus = NP_MAX_CPUS;
		c->busy = calloc(c->ncpus, sizeof(*c->busy));
		c->total = calloc(c->ncpus, sizeof(*c->total));
	}
	busy = calloc(c->ncpus, sizeof(*busy));
	total = calloc(c->ncpus, sizeof(*total));
	if (c->busy && c->total && busy && total && !read_stat(c->ncpus, busy, total)) {
		for (int i = 0; i < topo->nnodes; i++)
			for (int cpu = 0; cpu < c->ncpus; cpu++)
				if (np_cpuset_has(&topo->nodes[i].cpus, cpu) &&
				    total[cpu] > c->total[cpu])
					nodes[i].cpus_busy += (double)(busy[cpu] - c->busy[cpu]) /
							      (double)(total[cpu] - c->total[cpu]);
		memcpy(c->busy, busy, sizeof(*busy) * c->ncpus);
		memcpy(c->total, total, sizeof(*total) * c->ncpus);
	}
	free(busy);
	free(total);
}

/*
 * AutoNUMA moves a page to the node of the CPU that faulted on it: a thread's migrations of
 * the interval go to the node it last ran on.
 */
static void migrated(const struct np_topo *topo, const struct np_sample_data *d,
		     struct np_top_node *nodes)
{
	for (int pass = 0; pass < 2; pass++) {
		const struct np_thread_sample *items = pass ? d->exited : d->threads;
		int count = pass ? d->nexited : d->nthreads;

		for (int i = 0; i < count; i++) {
			int idx = np_topo_node_index(topo, (int)items[i].stats.last_node);

			if (idx >= 0)
				nodes[idx].migrated_pages += items[i].stats.numa_migrated;
		}
	}
}

/* "gpu 0000:41:00.0 nic eth0" */
static void devices(const struct np_topo *topo, int node, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < topo->ndevices && used < len; i++) {
		const struct np_device *d = &topo->devices[i];

		if (d->node != node || (d->kind != NP_DEV_ACCEL && d->kind != NP_DEV_NIC))
			continue;
		used += snprintf(buf + used, len - used, "%s%s %s", used ? " " : "",
				 d->kind == NP_DEV_ACCEL ? "gpu" : "nic",
				 d->kind == NP_DEV_NIC && d->netdevs[0] ? d->netdevs : d->pci);
	}
}

void np_top_nodes(const struct np_topo *topo, struct np_top_cpu *cpu,
		  const struct np_sample_data *interval, struct np_top_node *nodes)
{
	memset(nodes, 0, sizeof(*nodes) * topo->nnodes);
	for (int i = 0; i < topo->nnodes; i++) {
		const struct np_node *n = &topo->nodes[i];
		uint64_t free_kb = n->mem_free_kb;

		nodes[i].id = n->id;
		nodes[i].ncpus = np_cpuset_count(&n->cpus);
		np_node_mem_free_kb("/", n->id, &free_kb);
		nodes[i].mem_free_mb = free_kb / 1024;
		nodes[i].mem_total_mb = n->mem_total_kb / 1024;
		devices(topo, n->id, nodes[i].devices, sizeof(nodes[i].devices));
	}
	cpu_busy(topo, cpu, nodes);
	migrated(topo, interval, nodes);
}

void np_top_cpu_free(struct np_top_cpu *cpu)
{
	free(cpu->busy);
	free(cpu->total);
	memset(cpu, 0, sizeof(*cpu));
}
