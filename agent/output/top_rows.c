// SPDX-License-Identifier: GPL-2.0
/* `numaplace top`'s rows and detail pane from process models (top_rows.h). */
#define _GNU_SOURCE /* vasprintf */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pages.h"
#include "lib/text_escape.h"
#include "output/identity_text.h"
#include "output/top_rows.h"

void np_top_unit(const struct np_cgroup_id *id, char *buf, size_t len)
{
	char shortid[16];

	np_container_short(id, shortid, sizeof(shortid));
	if (shortid[0])
		snprintf(buf, len, "%s %s", np_runtime_name(id->runtime), shortid);
	else if (id->pod_uid[0])
		snprintf(buf, len, "pod %.8s", id->pod_uid);
	else
		snprintf(buf, len, "%s", id->unit);
}

void np_top_row_from(const struct np_proc_model *p, __u64 window_ns, struct np_top_row *row)
{
	memset(row, 0, sizeof(*row));
	row->pid = p->info.pid;
	np_text_escape(p->info.comm, row->name, sizeof(row->name));
	np_top_unit(&p->cgroup.id, row->unit, sizeof(row->unit));
	row->nthreads = p->info.nthreads;
	for (int n = 0; n < NP_BPF_MAX_NODES; n++) {
		row->cpus[n] = window_ns ? (double)p->totals.cpu_ns[n] / (double)window_ns : 0;
		row->mem_mb[n] = p->has_residency ? np_pages_mb(p->residency.pages[n]) : 0;
	}
	row->remote_ratio = p->remote_ratio;
	row->target_node = p->target_node;
	snprintf(row->why, sizeof(row->why), "%s", p->target_reason);
	snprintf(row->run, sizeof(row->run), "-");
}

static int add(char **lines, int n, int max, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int add(char **lines, int n, int max, const char *fmt, ...)
{
	va_list ap;

	if (n >= max)
		return n;
	va_start(ap, fmt);
	if (vasprintf(&lines[n], fmt, ap) < 0)
		lines[n] = NULL;
	va_end(ap);
	return lines[n] ? n + 1 : n;
}

/* "n0 1234 MB, n1 12 MB": resident memory by node. */
static void mem_words(const struct np_proc_model *p, const struct np_topo *topo, char *buf,
		      size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < topo->nnodes && used < len; i++) {
		int id = topo->nodes[i].id;

		if (id < 0 || id >= NP_BPF_MAX_NODES)
			continue;
		used += snprintf(buf + used, len - used, "%sn%d %.0f MB", i ? ", " : "", id,
				 np_pages_mb(p->residency.pages[id]));
	}
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return (x > y) - (x < y);
}

/* "hot: 0x7f3a40000000 41%, ...": the 2 MB regions holding most of its fault samples. */
static int hot_lines(const struct np_top_detail_in *in, char **lines, int n, int max)
{
	__u64 *regions = calloc(in->nsamples + 1, sizeof(*regions)), best[3] = { 0 };
	int count = 0, hits[3] = { 0 };
	char words[160] = "";
	size_t used = 0;

	if (!regions)
		return n;
	for (int i = 0; i < in->nsamples; i++)
		if (in->samples[i].tgid == (__u32)in->proc->info.pid)
			regions[count++] = in->samples[i].address >> 21;
	qsort(regions, count, sizeof(*regions), cmp_u64);
	for (int i = 0, run = 1; i < count; i++, run++) {
		if (i + 1 < count && regions[i + 1] == regions[i])
			continue;
		/* a region's run ends here: into the three biggest */
		for (int k = 0; k < 3; k++) {
			if (run <= hits[k])
				continue;
			memmove(&hits[k + 1], &hits[k], sizeof(*hits) * (2 - k));
			memmove(&best[k + 1], &best[k], sizeof(*best) * (2 - k));
			hits[k] = run;
			best[k] = regions[i];
			break;
		}
		run = 0;
	}
	for (int k = 0; k < 3 && hits[k] && used < sizeof(words); k++)
		used += snprintf(words + used, sizeof(words) - used, "%s0x%llx %d%%", k ? ", " : "",
				 (unsigned long long)best[k] << 21, hits[k] * 100 / count);
	free(regions);
	return add(lines, n, max, "hot regions (2 MB, share of %d fault samples): %s", count,
		   count ? words : "none sampled");
}

/* Its accelerators with their node and IRQs: "0000:41:00.0 node 1 irqs 45-52". */
static int accel_lines(const struct np_top_detail_in *in, char **lines, int n, int max)
{
	const struct np_accel_use *a = &in->proc->accel;

	if (!a->ndevices)
		return add(lines, n, max, "accelerators: %s",
			   a->unidentified ? "one whose identity is not known" : "none");
	for (int i = 0; i < a->ndevices; i++) {
		const struct np_device *d = &in->topo->devices[a->devices[i]];

		if (d->nirqs)
			n = add(lines, n, max, "accelerator %s node %d (%s), irqs %d-%d", d->pci,
				d->node, np_accel_source_name(a->source) ?: "files", d->irqs[0],
				d->irqs[d->nirqs - 1]);
		else
			n = add(lines, n, max, "accelerator %s node %d (%s), no irqs", d->pci,
				d->node, np_accel_source_name(a->source) ?: "files");
	}
	return n;
}

static int cmp_thread_cpu(const void *a, const void *b)
{
	const struct np_thread_model *x = *(const struct np_thread_model *const *)a;
	const struct np_thread_model *y = *(const struct np_thread_model *const *)b;
	__u64 cx = np_node_sum(x->stats.cpu_ns), cy = np_node_sum(y->stats.cpu_ns);

	return cx != cy ? (cx < cy ? 1 : -1) : (x->tid > y->tid) - (x->tid < y->tid);
}

/* Its threads, busiest first: "  tid 1235 worker-3  node 0  cpu 0.98". */
static int thread_lines(const struct np_top_detail_in *in, char **lines, int n, int max)
{
	const struct np_proc_model *p = in->proc;
	const struct np_thread_model **order = calloc(p->nthreads + 1, sizeof(*order));
	char comm[64], node[8];

	if (!order)
		return n;
	for (int t = 0; t < p->nthreads; t++)
		order[t] = &p->threads[t];
	qsort(order, p->nthreads, sizeof(*order), cmp_thread_cpu);
	n = add(lines, n, max, "threads: %d, busiest first", p->nthreads);
	for (int t = 0; t < p->nthreads; t++) {
		const struct np_thread_model *th = order[t];

		np_text_escape(th->comm, comm, sizeof(comm));
		if (th->busiest_node == NP_NO_NODE)
			snprintf(node, sizeof(node), "-");
		else
			snprintf(node, sizeof(node), "%d", th->busiest_node);
		n = add(lines, n, max, "  tid %-8d %-16s node %-3s cpu %5.2f  node changes %llu",
			th->tid, comm, node,
			in->window_ns ? (double)np_node_sum(th->stats.cpu_ns) / in->window_ns : 0,
			(unsigned long long)th->stats.node_changes);
	}
	free(order);
	return n;
}

int np_top_detail(const struct np_top_detail_in *in, char **lines, int max)
{
	const struct np_proc_model *p = in->proc;
	char words[256], policy[64];
	int n = 0;

	if (p->target_node == NP_NO_NODE)
		n = add(lines, n, max, "target: none: %s", p->target_reason);
	else
		n = add(lines, n, max, "target: node %d: %s", p->target_node, p->target_reason);
	if (isnan(p->remote_ratio))
		n = add(lines, n, max, "remote: unknown (no CPU time or no resident page)");
	else if (isnan(p->remote_ratio_sampled))
		n = add(lines, n, max, "remote: %.0f%% expected; no sampled faults",
			p->remote_ratio * 100);
	else
		n = add(lines, n, max, "remote: %.0f%% expected, %.0f%% sampled (%s, %d samples)",
			p->remote_ratio * 100, p->remote_ratio_sampled * 100, p->sampled_source,
			p->samples);
	mem_words(p, in->topo, words, sizeof(words));
	np_mpol_format(p->residency.policy_kind, p->residency.policy_nodes, policy, sizeof(policy));
	n = add(lines, n, max, "memory: %s; policy %s", p->has_residency ? words : "unknown",
		p->has_residency ? policy : "unknown");
	n = add(lines, n, max, "cpuset: %s", in->cpuset && in->cpuset[0] ? in->cpuset : "unknown");
	n = hot_lines(in, lines, n, max);
	n = accel_lines(in, lines, n, max);
	n = add(lines, n, max, "numaplace run: %s",
		in->run && in->run[0] ? in->run : "not managed");
	return thread_lines(in, lines, n, max);
}
