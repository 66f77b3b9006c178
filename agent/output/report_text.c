// SPDX-License-Identifier: GPL-2.0
/* `numaplace report` for the operator: processes, worst threads, what to do. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pages.h"
#include "lib/text_escape.h"
#include "output/identity_text.h"
#include "output/expected_output.h"
#include "output/report_output.h"
#include "output/shared_output.h"
#include "policy/thresholds.h"

#define WORST_THREADS 10

/* Share of the process's resident pages on its target node. */
/* A name others chose, with no control byte left to reach the terminal. */
static const char *shown(const char *name, char *buf, size_t len)
{
	np_text_escape(name, buf, len);
	return buf;
}

static double target_share(const struct np_proc_model *p)
{
	__u64 total = np_node_sum(p->residency.pages);

	return total ? (double)p->residency.pages[p->target_node] / (double)total : 0;
}

bool np_report_misplaced(const struct np_proc_model *p)
{
	if (p->exited || p->target_node < 0 || p->target_node >= NP_BPF_MAX_NODES ||
	    !p->has_residency)
		return false;
	if (np_remote_above(p->remote_ratio, NP_DEFAULT_REMOTE_THRESHOLD))
		return true;
	/* local today, but not where it belongs (its GPU's node) */
	return target_share(p) < 0.9;
}

static void fmt_ratio(char *buf, size_t len, double value)
{
	if (isnan(value))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f", value);
}

/* "0:12 1:188" in percent of one CPU, "0:64 1:0" in MB. */
static void fmt_nodes(char *buf, size_t len, const struct np_topo *topo, const __u64 *values,
		      double scale)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < topo->nnodes && used < len; i++) {
		int id = topo->nodes[i].id;

		if (id >= NP_BPF_MAX_NODES)
			break;
		used += snprintf(buf + used, len - used, "%s%d:%.0f", i ? " " : "", id,
				 (double)values[id] * scale);
	}
}

/* "accelerators (nvml): 0000:41:00.0 node 1 2.1 GB, ...": which, where, and who said so. */
static void accel_line(FILE *out, const struct np_topo *topo, const struct np_accel_use *use)
{
	if (!use->ndevices)
		return;
	fprintf(out, "%7s accelerators (%s):", "", np_accel_source_name(use->source) ?: "files");
	for (int i = 0; i < use->ndevices; i++) {
		const struct np_device *dev = &topo->devices[use->devices[i]];
		char bytes[32] = "";

		if (use->bytes[i] > 0) {
			bytes[0] = ' ';
			np_gpu_bytes_text(use->bytes[i], bytes + 1, sizeof(bytes) - 1);
		}
		fprintf(out, "%s %s node %d%s", i ? "," : "", dev->pci, dev->node, bytes);
	}
	fputc('\n', out);
}

static void print_header(const struct np_report *r, FILE *out)
{
	const struct np_sample_data *d = &r->data;
	const struct np_sampler_sources *s = &d->sources;
	int mode = r->topo->kernel.numa_balancing;

	fprintf(out, "numaplace report: %.1f s window, %d node%s; sources: sched_switch%s%s%s%s%s",
		d->window_ns / 1e9, r->topo->nnodes, r->topo->nnodes == 1 ? "" : "s",
		s->page_fault ? ", page faults" : "", s->fork_exit ? ", fork/exec/exit" : "",
		s->migrate ? ", migrations" : "", s->numa_moves ? ", AutoNUMA task moves" : "",
		s->hint_kprobe ? ", hinting faults (kprobe)" : "");
	if (s->hint_kprobe_error)
		fprintf(out, "; hinting-fault kprobe unavailable (%s)",
			strerror(-s->hint_kprobe_error));
	fprintf(out, " [%s]\n", s->tp_btf ? "tp_btf" : "raw_tp");
	fprintf(out, "events of traced threads: %llu switches in, %llu user faults, %llu samples (1 in %u)",
		(unsigned long long)d->counters[NP_CNT_SWITCH_EVENTS],
		(unsigned long long)d->counters[NP_CNT_FAULT_EVENTS],
		(unsigned long long)d->counters[NP_CNT_SAMPLES], r->sample_every);
	if (d->counters[NP_CNT_SAMPLE_DROPS] || d->counters[NP_CNT_THREAD_DROPS])
		fprintf(out, "; DROPPED %llu samples, %llu threads",
			(unsigned long long)d->counters[NP_CNT_SAMPLE_DROPS],
			(unsigned long long)d->counters[NP_CNT_THREAD_DROPS]);
	else
		fprintf(out, "; no drops");
	fputc('\n', out);
	fprintf(out, "AutoNUMA: numa_balancing %d (%s)", mode, np_numa_balancing_mode_name(mode));
	if (mode > 0)
		fprintf(out, ", migrated %llu pages (%.1f MB), moved tasks %llu times in the window",
			(unsigned long long)d->counters[NP_CNT_MIGRATE_NUMA],
			/* the kernel counts its base pages (4 KiB on x86, up to 64 KiB on arm64) */
			d->counters[NP_CNT_MIGRATE_NUMA] * (double)np_base_page_kb() / 1024.0,
			(unsigned long long)d->counters[NP_CNT_NUMA_MOVES]);
	fputc('\n', out);
}

/*
 * Who it belongs to, one short line: container, pod and unit when known, else a cgroup other
 * than the root; nothing when neither says anything.
 */
static void identity_line(FILE *out, const struct np_proc_model *p)
{
	char who[512], path[NP_CGROUP_PATH_MAX * 4];

	np_identity_words(&p->cgroup.id, who, sizeof(who));
	if (who[0])
		fprintf(out, "%7s in: %s\n", "", who);
	else if (p->cgroup.path[0] && strcmp(p->cgroup.path, "/"))
		fprintf(out, "%7s in: cgroup %s\n", "", shown(p->cgroup.path, path, sizeof(path)));
}

static void print_processes(const struct np_report *r, FILE *out)
{
	double cpu_scale = r->data.window_ns ? 100.0 / (double)r->data.window_ns : 0;

	if (!r->nprocs) {
		fprintf(out, "\nno process to report (default: RSS >= %ld MB, >= %.0f%% of a CPU, "
			     "or using an accelerator; see --pid, --match, --all)\n",
			r->min_rss_mb, r->min_cpu * 100);
		return;
	}
	fprintf(out, "\n%7s %-15s %4s  %-18s %-20s %6s %7s %6s  %-6s %s\n", "PID", "COMM", "THR",
		"CPU% BY NODE", "MEM MB BY NODE", "REMOTE", "SAMPLED", "1ST-T", "TARGET",
		"AUTONUMA");
	for (int i = 0; i < r->nprocs; i++) {
		const struct np_proc_model *p = &r->procs[i];
		char cpu[128], mem[128] = "-", rr[16], rs[16], ft[16], target[16] = "-";
		char comm[NP_COMM_LEN * 4];

		fmt_nodes(cpu, sizeof(cpu), r->topo, p->totals.cpu_ns, cpu_scale);
		if (p->has_residency)
			fmt_nodes(mem, sizeof(mem), r->topo, p->residency.pages, np_pages_mb(1));
		fmt_ratio(rr, sizeof(rr), p->remote_ratio);
		fmt_ratio(rs, sizeof(rs), p->remote_ratio_sampled);
		fmt_ratio(ft, sizeof(ft), p->first_touch_remote);
		if (p->target_node >= 0)
			snprintf(target, sizeof(target), "%d", p->target_node);
		fprintf(out, "%7d %-15s %4d  %-18s %-20s %6s %7s %6s  %-6s %llu pg, %llu mv%s\n",
			p->info.pid, shown(p->info.comm, comm, sizeof(comm)),
			p->exited ? p->nthreads : p->info.nthreads, cpu,
			mem, rr, rs, ft, target, (unsigned long long)p->totals.numa_migrated,
			(unsigned long long)p->totals.numa_moves, p->exited ? "  (exited)" : "");
		fprintf(out, "%7s target: %s\n", "", p->target_reason);
		identity_line(out, p);
		accel_line(out, r->topo, &p->accel);
	}
}

struct ranked {
	const struct np_proc_model *proc;
	const struct np_thread_model *thread;
	double remote_ns;
};

static int cmp_ranked(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->remote_ns, y = ((const struct ranked *)b)->remote_ns;

	return (x < y) - (x > y);
}

/* Threads ranked by expected remote time: remote_ratio x CPU time. */
static void print_worst_threads(const struct np_report *r, FILE *out)
{
	struct ranked *all;
	int n = 0, total = 0;

	for (int i = 0; i < r->nprocs; i++)
		total += r->procs[i].nthreads;
	if (!total || !(all = calloc(total, sizeof(*all))))
		return;
	for (int i = 0; i < r->nprocs; i++) {
		for (int t = 0; t < r->procs[i].nthreads; t++) {
			const struct np_thread_model *th = &r->procs[i].threads[t];
			__u64 ns = np_node_sum(th->stats.cpu_ns);

			if (isnan(th->remote_ratio) || th->remote_ratio <= 0 || !ns)
				continue;
			all[n++] = (struct ranked){ &r->procs[i], th, th->remote_ratio * ns };
		}
	}
	qsort(all, n, sizeof(*all), cmp_ranked);
	if (n)
		fprintf(out, "\nworst threads (expected remote time):\n%7s %7s %-15s %6s %-18s %s\n",
			"PID", "TID", "COMM", "REMOTE", "CPU% BY NODE", "NODE CHANGES");
	for (int i = 0; i < n && i < WORST_THREADS; i++) {
		char cpu[128], comm[NP_COMM_LEN * 4];

		fmt_nodes(cpu, sizeof(cpu), r->topo, all[i].thread->stats.cpu_ns,
			  100.0 / (double)r->data.window_ns);
		fprintf(out, "%7d %7d %-15s %6.2f %-18s %llu\n", all[i].proc->info.pid,
			all[i].thread->tid, shown(all[i].thread->comm, comm, sizeof(comm)), all[i].thread->remote_ratio, cpu,
			(unsigned long long)all[i].thread->stats.node_changes);
	}
	free(all);
}

/* What the recommended placement buys, predicted. */
static void print_expected(const struct np_report *r, const struct np_proc_model *p, FILE *out)
{
	struct np_expected e;
	char text[256];

	if (!np_report_expected(r, p, &e) || !e.valid)
		return;
	np_expected_text(&e, text, sizeof(text));
	fprintf(out, "    expected:     %s\n", text);
}

static void print_recommendations(const struct np_report *r, FILE *out)
{
	bool any = false;

	for (int i = 0; i < r->nprocs; i++) {
		const struct np_proc_model *p = &r->procs[i];
		char comm[NP_COMM_LEN * 4];

		if (!np_report_misplaced(p))
			continue;
		if (!any)
			fprintf(out, "\nrecommendations:\n");
		any = true;
		shown(p->info.comm, comm, sizeof(comm));
		fprintf(out, "  pid %d (%s): ", p->info.pid, comm);
		if (np_remote_above(p->remote_ratio, NP_DEFAULT_REMOTE_THRESHOLD))
			fprintf(out, "%.0f%% of its reads are expected to be remote; ",
				p->remote_ratio * 100);
		else
			fprintf(out, "it runs mostly on node %d with %.0f%% of its memory on node %d; ",
				np_busiest_node(p->totals.cpu_ns), target_share(p) * 100,
				p->target_node);
		fprintf(out, "it belongs on node %d (%s)\n", p->target_node, p->target_reason);
		if (r->cpuset_conflicts && r->cpuset_conflicts[i])
			fprintf(out, "    now:          its cgroup's cpuset stops it: %s\n",
				r->cpuset_conflicts[i]);
		else
			fprintf(out, "    now:          numaplace place --pid %d --node %d\n",
				p->info.pid, p->target_node);
		print_expected(r, p, out);
		fprintf(out, "    next start:   numactl --cpunodebind=%d --membind=%d %s\n",
			p->target_node, p->target_node, p->info.cmdline[0] ? p->info.cmdline : comm);
		if (p->totals.numa_migrated || p->totals.numa_moves)
			fprintf(out, "    AutoNUMA is moving it too (%llu pages, %llu task moves): "
				     "pinning it and setting kernel.numa_balancing=0 stops the tug of war\n",
				(unsigned long long)p->totals.numa_migrated,
				(unsigned long long)p->totals.numa_moves);
	}
	if (!any && r->nprocs)
		fprintf(out, "\nno process needs moving.\n");
}

/* The files processes share with others: whether placing them moves their pages. */
static void print_shared_files(const struct np_report *r, FILE *out)
{
	bool any = false;

	for (int i = 0; r->shared && i < r->nprocs; i++) {
		const struct np_proc_model *p = &r->procs[i];

		if (!r->shared[i].nfiles)
			continue;
		if (!any)
			fprintf(out, "\nshared files (placed on its target node):\n");
		any = true;
		np_shared_files_print(&r->shared[i], p->info.pid, p->info.comm, p->target_node,
				      "  ", out);
	}
}

void np_report_print_text(const struct np_report *report, FILE *out)
{
	print_header(report, out);
	print_processes(report, out);
	print_worst_threads(report, out);
	print_shared_files(report, out);
	print_recommendations(report, out);
}
