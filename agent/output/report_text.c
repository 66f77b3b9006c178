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
#include "policy/fleet.h"
#include "policy/thresholds.h"
#include "output/text_wrap.h"

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
	/*
	 * What run decides: its remote ratio to the node it belongs on (its GPU's, else its
	 * memory's) above the threshold; so a process local today but away from its GPU counts.
	 */
	return np_remote_above(
		np_fleet_remote_ratio(p->totals.cpu_ns, p->residency.pages, p->target_node),
		NP_DEFAULT_REMOTE_THRESHOLD);
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
	char text[1024], first[64];
	size_t used = 0;

	if (!use->ndevices)
		return;
	snprintf(first, sizeof(first), "%7s accelerators (%s): ", "",
		 np_accel_source_name(use->source) ?: "files");
	for (int i = 0; i < use->ndevices && used < sizeof(text); i++) {
		const struct np_device *dev = &topo->devices[use->devices[i]];
		char bytes[32] = "";

		if (use->bytes[i] > 0) {
			bytes[0] = ' ';
			np_gpu_bytes_text(use->bytes[i], bytes + 1, sizeof(bytes) - 1);
		}
		used += snprintf(text + used, sizeof(text) - used, "%s%s node %d%s", i ? ", " : "",
				 dev->pci, dev->node, bytes);
	}
	np_text_wrap(out, first, 10, text);
}

static void print_header(const struct np_report *r, FILE *out)
{
	const struct np_sample_data *d = &r->data;
	const struct np_sampler_sources *s = &d->sources;
	int mode = r->topo->kernel.numa_balancing;
	char text[512];
	size_t used;

	used = snprintf(
		text, sizeof(text), "%.1f s window, %d node%s; sources: sched_switch%s%s%s%s%s",
		d->window_ns / 1e9, r->topo->nnodes, r->topo->nnodes == 1 ? "" : "s",
		s->page_fault ? ", page faults" : "", s->fork_exit ? ", fork/exec/exit" : "",
		s->migrate ? ", migrations" : "", s->numa_moves ? ", AutoNUMA task moves" : "",
		s->hint_kprobe ? ", hinting faults (kprobe)" : "");
	if (s->hint_kprobe_error && used < sizeof(text)) {
		char why[128];

		snprintf(why, sizeof(why), "(%s)", strerror(-s->hint_kprobe_error));
		np_text_glue(why);
		used += snprintf(text + used, sizeof(text) - used,
				 "; hinting-fault kprobe unavailable %s", why);
	}
	if (used < sizeof(text))
		snprintf(text + used, sizeof(text) - used, " [%s]",
			 s->tp_btf ? "tp_btf" : "raw_tp");
	np_text_wrap(out, "numaplace report: ", 2, text);
	used = snprintf(text, sizeof(text),
			"%llu switches in, %llu user faults, %llu samples (1 in %u)",
			(unsigned long long)d->counters[NP_CNT_SWITCH_EVENTS],
			(unsigned long long)d->counters[NP_CNT_FAULT_EVENTS],
			(unsigned long long)d->counters[NP_CNT_SAMPLES], r->sample_every);
	if (d->counters[NP_CNT_SAMPLE_DROPS] || d->counters[NP_CNT_THREAD_DROPS])
		snprintf(text + used, sizeof(text) - used, "; DROPPED %llu samples, %llu threads",
			 (unsigned long long)d->counters[NP_CNT_SAMPLE_DROPS],
			 (unsigned long long)d->counters[NP_CNT_THREAD_DROPS]);
	else
		snprintf(text + used, sizeof(text) - used, "; no drops");
	np_text_wrap(out, "events of traced threads: ", 2, text);
	used = snprintf(text, sizeof(text), "numa_balancing %d (%s)", mode,
			np_numa_balancing_mode_name(mode));
	if (mode > 0)
		snprintf(
			text + used, sizeof(text) - used,
			", migrated %llu pages (%.1f MB), moved tasks %llu times in the window",
			(unsigned long long)d->counters[NP_CNT_MIGRATE_NUMA],
			/* the kernel counts its base pages (4 KiB on x86, up to 64 KiB on arm64) */
			d->counters[NP_CNT_MIGRATE_NUMA] * (double)np_base_page_kb() / 1024.0,
			(unsigned long long)d->counters[NP_CNT_NUMA_MOVES]);
	np_text_wrap(out, "AutoNUMA: ", 2, text);
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
		np_text_wrap(out, "        in: ", 12, who);
	else if (p->cgroup.path[0] && strcmp(p->cgroup.path, "/"))
		np_text_wrap(out, "        in: cgroup ", 12,
			     shown(p->cgroup.path, path, sizeof(path)));
}

/* Columns of the process table; cpu and mem hold totals when by-node figures do not fit. */
struct table {
	int cpu_w, mem_w;
	bool by_node;
	double cpu_scale;
};

/* The row without its two by-node cells: 64 columns, 36 left for them. */
#define ROW_FIXED 64

static void proc_cells(const struct np_report *r, const struct np_proc_model *p, bool by_node,
		       char *cpu, char *mem, size_t len)
{
	double scale = r->data.window_ns ? 100.0 / (double)r->data.window_ns : 0;

	snprintf(mem, len, "-");
	if (by_node) {
		fmt_nodes(cpu, len, r->topo, p->totals.cpu_ns, scale);
		if (p->has_residency)
			fmt_nodes(mem, len, r->topo, p->residency.pages, np_pages_mb(1));
		return;
	}
	snprintf(cpu, len, "%.0f", (double)np_node_sum(p->totals.cpu_ns) * scale);
	if (p->has_residency)
		snprintf(mem, len, "%.0f", np_pages_mb(np_node_sum(p->residency.pages)));
}

static struct table table_layout(const struct np_report *r)
{
	struct table t = { .cpu_w = 12, .mem_w = 14, .by_node = true };

	for (int i = 0; i < r->nprocs; i++) {
		char cpu[128], mem[128];

		proc_cells(r, &r->procs[i], true, cpu, mem, sizeof(cpu));
		if ((int)strlen(cpu) > t.cpu_w)
			t.cpu_w = (int)strlen(cpu);
		if ((int)strlen(mem) > t.mem_w)
			t.mem_w = (int)strlen(mem);
	}
	if (ROW_FIXED + t.cpu_w + t.mem_w > NP_TEXT_COLS)
		t = (struct table){ .cpu_w = 12, .mem_w = 14, .by_node = false };
	return t;
}

/* The lines under a row: by-node figures that did not fit, why its target, AutoNUMA, owner. */
static void proc_details(const struct np_report *r, const struct np_proc_model *p,
			 const struct table *t, FILE *out)
{
	char text[512], cpu[128], mem[128], comm[NP_COMM_LEN * 4];

	/* a name cut to its column, whole here: two cut names may look alike */
	if (np_text_cols(shown(p->info.comm, comm, sizeof(comm))) > 15)
		np_text_wrap(out, "        name: ", 14, comm);
	if (!t->by_node) {
		proc_cells(r, p, true, cpu, mem, sizeof(cpu));
		snprintf(text, sizeof(text), "CPU%% %s; MEM MB %s", cpu, mem);
		np_text_wrap(out, "        by node: ", 17, text);
	}
	snprintf(text, sizeof(text), "%s%s", p->exited ? "(exited) " : "", p->target_reason);
	np_text_wrap(out, "        target: ", 16, text);
	if (p->totals.numa_migrated || p->totals.numa_moves)
		fprintf(out, "%7s AutoNUMA: migrated %llu pages, moved its threads %llu times\n",
			"", (unsigned long long)p->totals.numa_migrated,
			(unsigned long long)p->totals.numa_moves);
	identity_line(out, p);
	accel_line(out, r->topo, &p->accel);
}

static void print_processes(const struct np_report *r, FILE *out)
{
	struct table t = table_layout(r);

	if (!r->nprocs) {
		fprintf(out,
			"\nno process to report (default: RSS >= %ld MB, >= %.0f%% of a CPU, "
			"or using an accelerator;\nsee --pid, --match, --all)\n",
			r->min_rss_mb, r->min_cpu * 100);
		return;
	}
	fprintf(out, "\n%7s %-15s %4s  %-*s %-*s %6s %7s %9s  %s\n", "PID", "COMM", "THR", t.cpu_w,
		t.by_node ? "CPU% BY NODE" : "CPU%", t.mem_w,
		t.by_node ? "MEM MB BY NODE" : "MEM MB", "REMOTE", "SAMPLED", "1ST-TOUCH",
		"TARGET");
	for (int i = 0; i < r->nprocs; i++) {
		const struct np_proc_model *p = &r->procs[i];
		char cpu[128], mem[128], rr[16], rs[16], ft[16], target[16] = "-";
		char comm[NP_COMM_LEN * 4], cut[NP_COMM_LEN * 4];

		proc_cells(r, p, t.by_node, cpu, mem, sizeof(cpu));
		fmt_ratio(rr, sizeof(rr), p->remote_ratio);
		fmt_ratio(rs, sizeof(rs), p->remote_ratio_sampled);
		fmt_ratio(ft, sizeof(ft), p->first_touch_remote);
		if (p->target_node >= 0)
			snprintf(target, sizeof(target), "%d", p->target_node);
		np_text_cut(shown(p->info.comm, comm, sizeof(comm)), 15, cut, sizeof(cut));
		fprintf(out, "%7d %-15s %4d  %-*s %-*s %6s %7s %9s  %s\n", p->info.pid, cut,
			p->exited ? p->nthreads : p->info.nthreads, t.cpu_w, cpu, t.mem_w, mem, rr,
			rs, ft, target);
		proc_details(r, p, &t, out);
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
		fprintf(out,
			"\nworst threads (expected remote time):\n%7s %7s %-15s %6s %12s  %s\n",
			"PID", "TID", "COMM", "REMOTE", "NODE CHANGES", "CPU% BY NODE");
	for (int i = 0; i < n && i < WORST_THREADS; i++) {
		char cpu[128], cut[128], comm[NP_COMM_LEN * 4], name[NP_COMM_LEN * 4];

		fmt_nodes(cpu, sizeof(cpu), r->topo, all[i].thread->stats.cpu_ns,
			  100.0 / (double)r->data.window_ns);
		/* many nodes: the figures end where the line does (the JSON has them all) */
		np_text_cut(cpu, NP_TEXT_COLS - 53, cut, sizeof(cut));
		np_text_cut(shown(all[i].thread->comm, comm, sizeof(comm)), 15, name, sizeof(name));
		fprintf(out, "%7d %7d %-15s %6.2f %12llu  %s\n", all[i].proc->info.pid,
			all[i].thread->tid, name, all[i].thread->remote_ratio,
			(unsigned long long)all[i].thread->stats.node_changes, cut);
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
	np_text_wrap(out, "    expected:     ", 18, text);
}

/* "pid 12 (llama-server): 45% of its reads are expected to be remote; it belongs on ..." */
static void why_line(const struct np_proc_model *p, const char *comm, FILE *out)
{
	char text[512], first[64 + NP_COMM_LEN * 4];
	size_t used = 0;

	snprintf(first, sizeof(first), "  pid %d (%s): ", p->info.pid, comm);
	if (np_remote_above(p->remote_ratio, NP_DEFAULT_REMOTE_THRESHOLD))
		used = snprintf(text, sizeof(text),
				"%.0f%% of its reads are expected to be remote; ",
				p->remote_ratio * 100);
	else
		used = snprintf(text, sizeof(text),
				"it runs mostly on node %d with %.0f%% of its memory on node %d; ",
				np_busiest_node(p->totals.cpu_ns), target_share(p) * 100,
				p->target_node);
	snprintf(text + used, sizeof(text) - used, "it belongs on node %d (%s)", p->target_node,
		 p->target_reason);
	np_text_wrap(out, first, 4, text);
}

static void recommend(const struct np_report *r, int i, FILE *out)
{
	const struct np_proc_model *p = &r->procs[i];
	char comm[NP_COMM_LEN * 4], text[sizeof(p->info.cmdline) + 256];

	shown(p->info.comm, comm, sizeof(comm));
	why_line(p, comm, out);
	if (r->cpuset_conflicts && r->cpuset_conflicts[i]) {
		snprintf(text, sizeof(text), "its cgroup's cpuset stops it: %s",
			 r->cpuset_conflicts[i]);
		np_text_wrap(out, "    now:          ", 18, text);
	} else {
		fprintf(out, "    now:          numaplace place --pid %d --node %d\n", p->info.pid,
			p->target_node);
	}
	print_expected(r, p, out);
	snprintf(text, sizeof(text), "numactl --cpunodebind=%d --membind=%d %s", p->target_node,
		 p->target_node, p->info.cmdline[0] ? p->info.cmdline : comm);
	np_text_wrap_cmd(out, "    next start:   ", 18, text);
	if (p->totals.numa_migrated || p->totals.numa_moves) {
		snprintf(text, sizeof(text),
			 "AutoNUMA is moving it too (%llu pages, %llu task moves): pinning it and "
			 "setting kernel.numa_balancing=0 stops the tug of war",
			 (unsigned long long)p->totals.numa_migrated,
			 (unsigned long long)p->totals.numa_moves);
		np_text_wrap(out, "    ", 4, text);
	}
}

static void print_recommendations(const struct np_report *r, FILE *out)
{
	bool any = false;

	for (int i = 0; i < r->nprocs; i++) {
		if (!np_report_misplaced(&r->procs[i]))
			continue;
		if (!any)
			fprintf(out, "\nrecommendations:\n");
		any = true;
		recommend(r, i, out);
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
