// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus text exposition format (0.0.4) of one metrics snapshot. Pure: a struct in,
 * text out, so unit tests compare it byte for byte.
 *
 * Every sample of a family follows its one # HELP and # TYPE pair (the format forbids a family
 * in two pieces), so the per-process families loop over the processes once each. Counters are
 * printed as integers; gauges in the shortest form that reads back as the same double.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/text_escape.h"
#include "output/metrics.h"

/* Label values escape the double quote too; HELP text only backslash and newline. */
static size_t escape(char *out, size_t size, const char *in, bool quote)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = 0, left = strlen(in);

	if (!size)
		return 0;
	while (left) {
		char piece[4];
		const char *p = piece;
		size_t len = np_utf8_char_len(s, left), plen, used = len ? len : 1;

		if (*s == '\\' || (*s == '"' && quote) || *s == '\n') {
			piece[0] = '\\';
			piece[1] = *s == '\n' ? 'n' : (char)*s;
			plen = 2;
		} else if (!len) {
			p = "\xef\xbf\xbd"; /* U+FFFD REPLACEMENT CHARACTER */
			plen = 3;
		} else {
			p = (const char *)s;
			plen = len;
		}
		if (n + plen >= size)
			break;
		memcpy(out + n, p, plen);
		n += plen;
		s += used;
		left -= used;
	}
	out[n] = '\0';
	return n;
}

size_t np_metrics_escape(char *out, size_t size, const char *in)
{
	return escape(out, size, in, true);
}

/* Shortest of %.15g-%.17g that reads back as v; the format's spellings of NaN and infinity. */
static void put_double(FILE *f, double v)
{
	char buf[32];

	if (isnan(v)) {
		fputs("NaN", f);
		return;
	}
	if (isinf(v)) {
		fputs(v > 0 ? "+Inf" : "-Inf", f);
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	char esc[256];

	escape(esc, sizeof(esc), help, false);
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, esc, name, type);
}

/* A string field that may fill its array without a NUL, escaped as a label value. */
static void label_value(char *out, size_t size, const char *field, size_t field_size)
{
	char raw[256 + 1];

	snprintf(raw, sizeof(raw), "%.*s", (int)field_size, field);
	escape(out, size, raw, true);
}

/*
 * A process's labels, those that survive its restart (no braces):
 * match="..",container="..",unit="..",slot="N".
 */
static void proc_labels(char *out, size_t size, const struct np_metrics_proc *p)
{
	char ematch[sizeof(p->match) * 3 + 1], econt[sizeof(p->container) * 3 + 1];
	char eunit[sizeof(p->unit) * 3 + 1];

	label_value(ematch, sizeof(ematch), p->match, sizeof(p->match));
	label_value(econt, sizeof(econt), p->container, sizeof(p->container));
	label_value(eunit, sizeof(eunit), p->unit, sizeof(p->unit));
	snprintf(out, size, "match=\"%s\",container=\"%s\",unit=\"%s\",slot=\"%d\"", ematch, econt,
		 eunit, p->slot);
}

/* The one series that names the pid and comm behind a slot, while the process lives. */
static void format_info(FILE *f, const struct np_metrics *m)
{
	char labels[1280], ecomm[sizeof(m->procs[0].comm) * 3 + 1];

	family(f, "numaplace_process_info", "gauge",
	       "A managed process now: its pid and comm behind the labels of its series (1).");
	for (int i = 0; i < m->nprocs; i++) {
		proc_labels(labels, sizeof(labels), &m->procs[i]);
		label_value(ecomm, sizeof(ecomm), m->procs[i].comm, sizeof(m->procs[i].comm));
		fprintf(f, "numaplace_process_info{%s,pid=\"%d\",comm=\"%s\"} 1\n", labels,
			(int)m->procs[i].pid, ecomm);
	}
}

static const char *const action_names[NP_METRICS_ACT_KINDS] = {
	[NP_METRICS_ACT_THREADS] = "threads",
	[NP_METRICS_ACT_MEMORY] = "memory",
	[NP_METRICS_ACT_IRQS] = "irqs",
};

static void format_procs(FILE *f, const struct np_metrics *m)
{
	char labels[1280];

	format_info(f, m);

	family(f, "numaplace_process_remote_ratio", "gauge",
	       "Expected share of the process's memory reads that go to another NUMA node (0-1).");
	for (int i = 0; i < m->nprocs; i++) {
		if (isnan(m->procs[i].remote_ratio))
			continue;
		proc_labels(labels, sizeof(labels), &m->procs[i]);
		fprintf(f, "numaplace_process_remote_ratio{%s} ", labels);
		put_double(f, m->procs[i].remote_ratio);
		fputc('\n', f);
	}

	family(f, "numaplace_process_pages", "gauge",
	       "Resident 4 KiB pages of the process on each NUMA node.");
	for (int i = 0; i < m->nprocs; i++) {
		proc_labels(labels, sizeof(labels), &m->procs[i]);
		for (int n = 0; n < m->nnodes; n++) {
			int node = m->node_ids[n];

			if (node < 0 || (size_t)node >= NP_ARRAY_SIZE(m->procs[i].pages))
				continue;
			fprintf(f, "numaplace_process_pages{%s,node=\"%d\"} %llu\n", labels, node,
				(unsigned long long)m->procs[i].pages[node]);
		}
	}

	family(f, "numaplace_process_pages_moved_total", "counter",
	       "Pages numaplace migrated to the process's target node.");
	for (int i = 0; i < m->nprocs; i++) {
		proc_labels(labels, sizeof(labels), &m->procs[i]);
		fprintf(f, "numaplace_process_pages_moved_total{%s} %llu\n", labels,
			(unsigned long long)m->procs[i].pages_moved);
	}

	family(f, "numaplace_process_pages_pinned", "gauge",
	       "Pages of the process pinned long-term (io_uring, RDMA, CUDA host buffers) that its "
	       "last memory move had to leave.");
	for (int i = 0; i < m->nprocs; i++) {
		proc_labels(labels, sizeof(labels), &m->procs[i]);
		fprintf(f, "numaplace_process_pages_pinned{%s} %llu\n", labels,
			(unsigned long long)m->procs[i].pages_pinned);
	}

	family(f, "numaplace_process_actions_total", "counter",
	       "Placement actions numaplace took on the process, by kind.");
	for (int i = 0; i < m->nprocs; i++) {
		proc_labels(labels, sizeof(labels), &m->procs[i]);
		for (int k = 0; k < NP_METRICS_ACT_KINDS; k++)
			fprintf(f, "numaplace_process_actions_total{%s,kind=\"%s\"} %llu\n", labels,
				action_names[k], (unsigned long long)m->procs[i].actions[k]);
	}

	family(f, "numaplace_process_target_node", "gauge",
	       "The NUMA node numaplace places the process on.");
	for (int i = 0; i < m->nprocs; i++) {
		if (m->procs[i].target_node < 0)
			continue;
		proc_labels(labels, sizeof(labels), &m->procs[i]);
		fprintf(f, "numaplace_process_target_node{%s} %d\n", labels,
			m->procs[i].target_node);
	}
}

static void counter(FILE *f, const char *name, const char *help, uint64_t v)
{
	family(f, name, "counter", help);
	fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

static void format_agent(FILE *f, const struct np_metrics *m)
{
	char name[sizeof(m->bpf_progs[0].name) * 3 + 1];

	family(f, "numaplace_managed_processes", "gauge", "Processes numaplace manages.");
	fprintf(f, "numaplace_managed_processes %d\n", m->nprocs);

	family(f, "numaplace_bpf_events_total", "counter",
	       "Events numaplace's BPF programs handled, by program.");
	for (int i = 0; i < m->nbpf_progs; i++) {
		char raw[sizeof(m->bpf_progs[i].name) + 1];

		snprintf(raw, sizeof(raw), "%.*s", (int)sizeof(m->bpf_progs[i].name),
			 m->bpf_progs[i].name);
		escape(name, sizeof(name), raw, true);
		fprintf(f, "numaplace_bpf_events_total{program=\"%s\"} %llu\n", name,
			(unsigned long long)m->bpf_progs[i].events);
	}

	family(f, "numaplace_bpf_drops_total", "counter",
	       "Events numaplace's BPF programs could not record: ring buffer or map full.");
	fprintf(f, "numaplace_bpf_drops_total{kind=\"ring_buffer\"} %llu\n",
		(unsigned long long)m->bpf_ringbuf_drops);
	fprintf(f, "numaplace_bpf_drops_total{kind=\"map\"} %llu\n",
		(unsigned long long)m->bpf_map_drops);

	family(f, "numaplace_sampler_attached", "gauge",
	       "1 while numaplace's BPF programs are attached (a sampling window), else 0.");
	fprintf(f, "numaplace_sampler_attached %d\n", m->sampler_attached ? 1 : 0);
	counter(f, "numaplace_sampling_windows_total",
		"Sampling windows numaplace opened (programs attached for them).",
		m->sampling_windows);

	counter(f, "numaplace_actions_failed_total", "Placement actions that failed.",
		m->actions_failed);
	family(f, "numaplace_placements_total", "counter",
	       "Placements numaplace carried out, by config section (a server placed again and "
	       "again shows as its rate).");
	for (int i = 0; i < m->nplacements; i++) {
		char ematch[sizeof(m->placements[i].match) * 3 + 1];

		label_value(ematch, sizeof(ematch), m->placements[i].match,
			    sizeof(m->placements[i].match));
		fprintf(f, "numaplace_placements_total{match=\"%s\"} %llu\n", ematch,
			(unsigned long long)m->placements[i].n);
	}
	counter(f, "numaplace_shared_file_conflicts_total",
		"Placements that left a mapped file's shared pages because the processes sharing "
		"it were headed to different nodes.",
		m->shared_file_conflicts);
	counter(f, "numaplace_cpuset_conflicts_total",
		"Placements refused because the process's cgroup cpuset leaves the target node "
		"out (cgroup_cpuset = keep, or a cgroup numaplace may not rewrite).",
		m->cpuset_conflicts);
	counter(f, "numaplace_intervals_total", "Intervals numaplace has completed.", m->intervals);

	family(f, "numaplace_last_interval_seconds", "gauge",
	       "Wall time the work of the last interval took.");
	fputs("numaplace_last_interval_seconds ", f);
	put_double(f, m->last_interval_seconds);
	fputc('\n', f);

	family(f, "numaplace_agent_cpu_seconds_total", "counter",
	       "CPU time numaplace has used, user and system.");
	fputs("numaplace_agent_cpu_seconds_total ", f);
	put_double(f, m->agent_cpu_seconds);
	fputc('\n', f);

	family(f, "numaplace_agent_rss_bytes", "gauge", "Resident memory of numaplace.");
	fprintf(f, "numaplace_agent_rss_bytes %llu\n", (unsigned long long)m->agent_rss_bytes);
}

int np_metrics_format(const struct np_metrics *m, char **text, size_t *len)
{
	FILE *f = open_memstream(text, len);

	if (!f)
		return -ENOMEM;
	format_procs(f, m);
	format_agent(f, m);
	if (ferror(f)) {
		fclose(f);
		free(*text);
		*text = NULL;
		return -ENOMEM;
	}
	if (fclose(f)) {
		free(*text);
		*text = NULL;
		return -ENOMEM;
	}
	return 0;
}
