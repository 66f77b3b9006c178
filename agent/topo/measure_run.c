// SPDX-License-Identifier: GPL-2.0
/*
 * `topo --measure`: every memory node's buffer allocated there (libnuma), checked to be there
 * (move_pages), linked into a chase, then measured from every CPU node (measure_kernels.c)
 * within the time budget. See measure_run.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <numa.h>
#include <numaif.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "lib/clock.h"
#include "lib/sysfs.h"
#include "topo/measure_run.h"

#define LINE	    64
#define CHECK_PAGES 64	/* pages of a buffer whose node move_pages checks */
#define MIN_CELL_S  1.0 /* below this the figures are noise: over the budget rather */

uint64_t np_llc_bytes(const char *root)
{
	uint64_t best = 0;
	char path[128], text[32], *end;

	for (int i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		if (np_read_str(root, path, text, sizeof(text)))
			continue;
		unsigned long long v = strtoull(text, &end, 10);
		if (*end == 'K')
			v <<= 10;
		else if (*end == 'M')
			v <<= 20;
		else if (*end == 'G')
			v <<= 30;
		if (v > best)
			best = v;
	}
	return best;
}

uint64_t np_measure_buffer_bytes(uint64_t llc, uint64_t free_bytes)
{
	uint64_t want = 4 * llc > NP_MEASURE_MIN_BUFFER ? 4 * llc : NP_MEASURE_MIN_BUFFER;

	if (want > free_bytes / 2)
		want = free_bytes / 2;
	return want / (2ULL << 20) * (2ULL << 20);
}

double np_measure_budget(int nnodes)
{
	return nnodes >= 2 ? NP_MEASURE_BUDGET_S : NP_MEASURE_BUDGET_S / 4;
}

double np_measure_cell_budget(double left_s, int cells_left)
{
	double s = cells_left > 0 ? left_s / cells_left : 0;

	return s < MIN_CELL_S ? MIN_CELL_S : s;
}

/* Share of CHECK_PAGES pages spread over buf that sit on node (move_pages, nodes NULL: ask). */
static double share_on_node(char *buf, size_t len, int node)
{
	void *pages[CHECK_PAGES];
	int status[CHECK_PAGES], on = 0;

	for (int k = 0; k < CHECK_PAGES; k++)
		pages[k] = buf + len / CHECK_PAGES * k;
	if (move_pages(0, CHECK_PAGES, pages, NULL, status, 0))
		return 0;
	for (int k = 0; k < CHECK_PAGES; k++)
		on += status[k] == node;
	return (double)on / CHECK_PAGES;
}

/* The CPUs of node (only those this process may run on), in cpus; their count. */
static int node_cpus(const struct np_node *node, const cpu_set_t *allowed, size_t setsize,
		     int *cpus)
{
	int n = 0;

	for (int c = 0; c < NP_MAX_CPUS; c++)
		if (np_cpuset_has(&node->cpus, c) && CPU_ISSET_S(c, setsize, allowed))
			cpus[n++] = c;
	return n;
}

/* Allocate, place and link memory node j's buffer; NULL and msg when it cannot be had. */
static char *node_buffer(const struct np_topo *topo, int j, size_t len, char *msg, size_t msglen)
{
	int id = topo->nodes[j].id;
	char *buf;

	if (len < NP_MEASURE_TINY_BUFFER) {
		snprintf(msg, msglen, "node %d: too little free memory to measure", id);
		return NULL;
	}
	buf = numa_alloc_onnode(len, id);
	if (!buf) {
		snprintf(msg, msglen, "node %d: cannot allocate %zu MB there", id, len >> 20);
		return NULL;
	}
	/*
	 * Huge pages where the kernel has them (THP "madvise" or "always"): with 4 KiB pages a
	 * random chase over gigabytes measures page walks (nested ones in a VM) more than memory,
	 * which is what MLC avoids with huge pages too.
	 */
	madvise(buf, len, MADV_HUGEPAGE);
	memset(buf, 1, len); /* fault every page in, on node j (the policy binds it there) */
	if (share_on_node(buf, len, id) < 0.9 || np_chase_build(buf, len / LINE, np_mono_ns())) {
		snprintf(msg, msglen, "node %d: the buffer did not land there", id);
		numa_free(buf, len);
		return NULL;
	}
	return buf;
}

struct run {
	const struct np_topo *topo;
	const struct np_measure_opts *o;
	struct np_measure *m;
	cpu_set_t *allowed;
	size_t setsize;
	int cpus[NP_MAX_CPUS];
	uint64_t deadline_ns;
	double setup_s; /* the last buffer's setup, expected again for each one still to come */
	int cell, ncells;
};

/* Every CPU node against memory node j (buf, len bytes), in the time left. */
static void measure_column(struct run *r, int j, const char *buf, size_t len, char *msg,
			   size_t msglen)
{
	const struct np_topo *topo = r->topo;
	int columns_after = topo->nnodes - 1 - j;

	for (int i = 0; i < topo->nnodes; i++, r->cell++) {
		int n = node_cpus(&topo->nodes[i], r->allowed, r->setsize, r->cpus);
		double left = ((double)r->deadline_ns - (double)np_mono_ns()) / 1e9 -
			      r->setup_s * columns_after;
		double s = np_measure_cell_budget(left, r->ncells - r->cell);

		if (r->o->progress)
			r->o->progress(r->o->ctx, r->cell, r->ncells, topo->nodes[i].id,
				       topo->nodes[j].id, s);
		if (!n) {
			if (!msg[0])
				snprintf(msg, msglen, "node %d: no CPU this process may run on",
					 topo->nodes[i].id);
			continue;
		}
		/* the chase settles fast; the stream wants the longer share */
		r->m->latency_ns[i][j] = np_chase_ns((void *)buf, r->cpus[0], s * 0.4);
		r->m->read_gbps[i][j] = np_stream_gbps(buf, len, r->cpus, n, s * 0.6);
	}
}

static void measure_init(const struct np_topo *topo, struct np_measure *m)
{
	memset(m, 0, sizeof(*m));
	m->nnodes = topo->nnodes;
	for (int i = 0; i < topo->nnodes; i++) {
		m->node_ids[i] = topo->nodes[i].id;
		for (int j = 0; j < topo->nnodes; j++)
			m->latency_ns[i][j] = m->read_gbps[i][j] = NAN;
	}
	snprintf(m->source, sizeof(m->source), "measured");
}

static void measure_columns(struct run *r, char *msg, size_t msglen)
{
	uint64_t llc = np_llc_bytes("/");

	for (int j = 0; j < r->topo->nnodes; j++) {
		size_t len = np_measure_buffer_bytes(llc, r->topo->nodes[j].mem_free_kb << 10);
		uint64_t t0 = np_mono_ns();
		char why[128] = "";
		char *buf = node_buffer(r->topo, j, len, why, sizeof(why));

		r->setup_s = (double)(np_mono_ns() - t0) / 1e9;
		if (!buf) {
			if (!msg[0])
				snprintf(msg, msglen, "%s", why);
			r->cell += r->topo->nnodes;
			continue;
		}
		if ((double)(len >> 20) > r->m->buffer_mb)
			r->m->buffer_mb = (double)(len >> 20);
		measure_column(r, j, buf, len, msg, msglen);
		numa_free(buf, len);
	}
}

int np_measure_run(const struct np_topo *topo, const struct np_measure_opts *o,
		   struct np_measure *m, char *msg, size_t msglen)
{
	double budget = o->budget_s > 0 ? o->budget_s : np_measure_budget(topo->nnodes);
	struct run *r = calloc(1, sizeof(*r));
	uint64_t t0 = np_mono_ns();

	msg[0] = '\0';
	measure_init(topo, m);
	if (!r)
		return -ENOMEM;
	if (numa_available() < 0) {
		free(r);
		snprintf(msg, msglen, "libnuma: this kernel has no NUMA support");
		return -ENOSYS;
	}
	*r = (struct run){ .topo = topo,
			   .o = o,
			   .m = m,
			   .setsize = CPU_ALLOC_SIZE(NP_MAX_CPUS),
			   .deadline_ns = t0 + (uint64_t)(budget * 1e9),
			   .ncells = topo->nnodes * topo->nnodes };
	r->allowed = CPU_ALLOC(NP_MAX_CPUS);
	if (r->allowed && !sched_getaffinity(0, r->setsize, r->allowed))
		measure_columns(r, msg, msglen);
	CPU_FREE(r->allowed);
	free(r);
	m->seconds = (double)(np_mono_ns() - t0) / 1e9;
	m->measured_at = (long long)time(NULL);
	for (int i = 0; i < m->nnodes; i++)
		for (int j = 0; j < m->nnodes; j++)
			m->valid |= isfinite(m->latency_ns[i][j]) || isfinite(m->read_gbps[i][j]);
	if (!m->valid && !msg[0])
		snprintf(msg, msglen, "no cell could be measured");
	return m->valid ? 0 : -EIO;
}
