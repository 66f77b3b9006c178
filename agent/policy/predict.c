// SPDX-License-Identifier: GPL-2.0
/* Predictions of a plan (see predict.h for the model and its limits). Pure. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "policy/predict.h"

/* The matrix applies when it was measured on these nodes, in this order, with sane figures. */
static bool measure_fits(const struct np_topo *topo, const struct np_measure *m)
{
	if (!m || !m->valid || m->nnodes != topo->nnodes)
		return false;
	for (int i = 0; i < m->nnodes; i++) {
		if (m->node_ids[i] != topo->nodes[i].id)
			return false;
		for (int j = 0; j < m->nnodes; j++)
			if (!(m->latency_ns[i][j] > 0) || !(m->read_gbps[i][j] > 0))
				return false;
	}
	return true;
}

/* Relative time per read for CPUs of topo node i reading memory of topo node j. */
struct cost {
	const struct np_topo *topo;
	const struct np_measure *m; /* NULL: SLIT */
	double lat_ref, bw_ref;	    /* local means */
};

static double read_time(const struct cost *c, int i, int j)
{
	if (!c->m) {
		int d = c->topo->nodes[i].distance[j];

		return (d > 0 ? d : 10) / 10.0; /* a missing distance: as local */
	}
	return 0.5 * c->m->latency_ns[i][j] / c->lat_ref + 0.5 * c->bw_ref / c->m->read_gbps[i][j];
}

static void cost_init(struct cost *c, const struct np_topo *topo, const struct np_measure *m)
{
	c->topo = topo;
	c->m = measure_fits(topo, m) ? m : NULL;
	c->lat_ref = c->bw_ref = 0;
	for (int i = 0; c->m && i < topo->nnodes; i++) {
		c->lat_ref += m->latency_ns[i][i] / topo->nnodes;
		c->bw_ref += m->read_gbps[i][i] / topo->nnodes;
	}
}

/* Shares by topo index of a by-node-id array; false when it sums to nothing. */
static bool shares(const struct np_topo *topo, const double *by_id, double *out)
{
	double sum = 0;

	for (int i = 0; i < topo->nnodes; i++) {
		int id = topo->nodes[i].id;

		out[i] = id < NP_BPF_MAX_NODES ? by_id[id] : 0;
		sum += out[i];
	}
	for (int i = 0; i < topo->nnodes && sum > 0; i++)
		out[i] /= sum;
	return sum > 0;
}

struct spread {
	bool cpu_known, mem_known;
	double w[NP_MAX_NODES]; /* CPU-time shares, topo order */
	double p[NP_MAX_NODES]; /* page shares, topo order */
};

static void spread_of(const struct np_topo *topo, const double *cpu, const double *pages,
		      struct spread *s)
{
	s->cpu_known = shares(topo, cpu, s->w);
	s->mem_known = shares(topo, pages, s->p);
}

static double remote_share(const struct np_topo *topo, const struct spread *s)
{
	double remote = 0;

	for (int i = 0; i < topo->nnodes; i++)
		remote += s->w[i] * (1 - s->p[i]);
	return s->cpu_known ? remote : NAN;
}

static double mean_read_time(const struct cost *c, const struct spread *s)
{
	double t = 0;

	for (int i = 0; i < c->topo->nnodes; i++)
		for (int j = 0; j < c->topo->nnodes; j++)
			t += s->w[i] * s->p[j] * read_time(c, i, j);
	return t;
}

static double accel_share(const struct np_topo *topo, const struct spread *s, int accel_node)
{
	int index = accel_node < 0 ? -1 : np_topo_node_index(topo, accel_node);

	return index < 0 ? NAN : s->p[index];
}

/* CPU and pages after a single-target plan, by node id. */
static void after_single(const struct np_predict_plan *plan, double *cpu, double *pages)
{
	double total = 0, off = 0, moved;
	int t = plan->target_node;

	if (t < 0 || t >= NP_BPF_MAX_NODES)
		return;
	for (int n = 0; n < NP_BPF_MAX_NODES; n++) {
		total += cpu[n];
		off += n == t ? 0 : pages[n];
	}
	if (plan->threads) {
		memset(cpu, 0, NP_BPF_MAX_NODES * sizeof(*cpu));
		cpu[t] = total > 0 ? total : 1; /* where they go is known, sampled or not */
	}
	if (!plan->memory || off <= 0)
		return;
	/* the mover takes mappings by size, not by node: from every node alike, as far as it goes */
	moved = (double)plan->pages_planned < off ? (double)plan->pages_planned : off;
	for (int n = 0; n < NP_BPF_MAX_NODES; n++)
		if (n != t)
			pages[n] -= pages[n] * moved / off;
	pages[t] += moved;
}

/* After an interleave: pages by the shares, threads over the set's CPUs. */
static void after_interleave(const struct np_topo *topo, const struct np_predict_plan *plan,
			     double *cpu, double *pages)
{
	double total_cpu = 0, total_pages = 0, ncpus = 0;

	for (int n = 0; n < NP_BPF_MAX_NODES; n++) {
		total_cpu += cpu[n];
		total_pages += pages[n];
	}
	if (total_cpu <= 0)
		total_cpu = 1; /* where the threads go is known, sampled or not */
	for (int i = 0; i < topo->nnodes; i++) {
		int id = topo->nodes[i].id;

		if (id < 64 && (plan->interleave >> id & 1))
			ncpus += np_cpuset_count(&topo->nodes[i].cpus);
	}
	for (int i = 0; i < topo->nnodes; i++) {
		int id = topo->nodes[i].id;
		bool in = id < 64 && (plan->interleave >> id & 1);

		if (id >= NP_BPF_MAX_NODES)
			continue;
		if (plan->memory)
			pages[id] = in ? total_pages * plan->share[i] : 0;
		if (plan->threads && ncpus > 0)
			cpu[id] =
				in ? total_cpu * np_cpuset_count(&topo->nodes[i].cpus) / ncpus : 0;
	}
}

void np_predict(const struct np_topo *topo, const struct np_measure *m, const __u64 *cpu_ns,
		const __u64 *pages, int accel_node, const struct np_predict_plan *plan,
		struct np_expected *out)
{
	double cpu[NP_BPF_MAX_NODES], mem[NP_BPF_MAX_NODES];
	struct spread before, after;
	struct cost c;

	cost_init(&c, topo, m);
	for (int n = 0; n < NP_BPF_MAX_NODES; n++) {
		cpu[n] = (double)cpu_ns[n];
		mem[n] = (double)pages[n];
	}
	spread_of(topo, cpu, mem, &before);
	if (plan->interleave)
		after_interleave(topo, plan, cpu, mem);
	else
		after_single(plan, cpu, mem);
	spread_of(topo, cpu, mem, &after);

	out->valid = before.mem_known;
	out->source = c.m ? "measured" : "slit";
	out->remote_share_before = remote_share(topo, &before);
	out->remote_share_after = remote_share(topo, &after);
	out->accel_local_share_before = accel_share(topo, &before, accel_node);
	out->accel_local_share_after = accel_share(topo, &after, accel_node);
	out->read_rate_change = before.cpu_known && after.cpu_known
					? mean_read_time(&c, &before) / mean_read_time(&c, &after)
					: NAN;
	if (!out->valid)
		out->remote_share_before = out->remote_share_after = out->read_rate_change = NAN;
}

void np_predict_cpu_guess(const struct np_topo *topo, const struct np_cpuset *allowed,
			  __u64 *cpu_ns)
{
	memset(cpu_ns, 0, NP_BPF_MAX_NODES * sizeof(*cpu_ns));
	for (int i = 0; i < topo->nnodes; i++) {
		struct np_cpuset cpus = topo->nodes[i].cpus;

		if (topo->nodes[i].id >= NP_BPF_MAX_NODES)
			continue;
		for (size_t w = 0; allowed && w < NP_ARRAY_SIZE(cpus.bits); w++)
			cpus.bits[w] &= allowed->bits[w];
		cpu_ns[topo->nodes[i].id] = (__u64)np_cpuset_count(&cpus);
	}
}

static void percent(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%.0f%%", v * 100);
}

void np_expected_text(const struct np_expected *e, char *buf, size_t len)
{
	char rb[16], ra[16], ab[16], aa[16], accel[96] = "", rate[32] = "unknown";

	if (!e->valid) {
		snprintf(buf, len, "nothing to predict (no resident memory)");
		return;
	}
	percent(e->remote_share_before, rb, sizeof(rb));
	percent(e->remote_share_after, ra, sizeof(ra));
	if (!isnan(e->accel_local_share_before)) {
		percent(e->accel_local_share_before, ab, sizeof(ab));
		percent(e->accel_local_share_after, aa, sizeof(aa));
		snprintf(accel, sizeof(accel), ", memory on its accelerator's node %s -> %s", ab,
			 aa);
	}
	if (!isnan(e->read_rate_change))
		snprintf(rate, sizeof(rate), "x%.1f", e->read_rate_change);
	snprintf(buf, len, "remote reads %s -> %s%s, read rate %s (from %s)", rb, ra, accel, rate,
		 strcmp(e->source, "measured") ? "SLIT distances" : "the measured matrix");
}
