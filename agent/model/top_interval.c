// SPDX-License-Identifier: GPL-2.0
/* The difference of two sampler snapshots (top_interval.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/top_interval.h"

static __u64 minus(__u64 a, __u64 b)
{
	return a > b ? a - b : 0; /* a reused tid or a reset map never goes negative */
}

/* into -= from, the counting fields only; the rest (tgid, last node, comm) stays into's. */
static void stats_minus(struct np_thread_stats *into, const struct np_thread_stats *from)
{
	into->switches = minus(into->switches, from->switches);
	into->node_changes = minus(into->node_changes, from->node_changes);
	into->numa_moves = minus(into->numa_moves, from->numa_moves);
	into->numa_migrated = minus(into->numa_migrated, from->numa_migrated);
	into->hint_local = minus(into->hint_local, from->hint_local);
	into->hint_remote = minus(into->hint_remote, from->hint_remote);
	for (int n = 0; n < NP_BPF_MAX_NODES; n++) {
		into->cpu_ns[n] = minus(into->cpu_ns[n], from->cpu_ns[n]);
		into->faults[n] = minus(into->faults[n], from->faults[n]);
	}
}

static int cmp_sample_tid(const void *a, const void *b)
{
	const struct np_thread_sample *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

static struct np_thread_sample *copy_sorted(const struct np_thread_sample *items, int n)
{
	struct np_thread_sample *copy = malloc(sizeof(*copy) * (n ? n : 1));

	if (!copy)
		return NULL;
	memcpy(copy, items, sizeof(*copy) * n);
	qsort(copy, n, sizeof(*copy), cmp_sample_tid);
	return copy;
}

static struct np_thread_sample *find(struct np_thread_sample *sorted, int n, pid_t tid)
{
	struct np_thread_sample key = { .tid = tid };

	return bsearch(&key, sorted, n, sizeof(*sorted), cmp_sample_tid);
}

/* Live threads: each minus its own prev; prev's that are left are the vanished ones. */
static void live_minus(struct np_sample_data *out, struct np_thread_sample *prev, int nprev)
{
	for (int i = 0; i < out->nthreads; i++) {
		struct np_thread_sample *p = find(prev, nprev, out->threads[i].tid);

		if (!p || p->stats.tgid != out->threads[i].stats.tgid)
			continue;
		stats_minus(&out->threads[i].stats, &p->stats);
		p->tid = 0; /* seen: not vanished */
	}
}

/* Exited totals per process: minus prev's, and minus what its vanished threads had then. */
static void exited_minus(struct np_sample_data *out, const struct np_sample_data *prev,
			 const struct np_thread_sample *prev_live, int nprev)
{
	for (int i = 0; i < out->nexited; i++) {
		struct np_thread_sample *e = &out->exited[i];

		for (int j = 0; j < prev->nexited; j++)
			if (prev->exited[j].tid == e->tid)
				stats_minus(&e->stats, &prev->exited[j].stats);
		for (int j = 0; j < nprev; j++)
			if (prev_live[j].tid && prev_live[j].stats.tgid == (__u32)e->tid)
				stats_minus(&e->stats, &prev_live[j].stats);
	}
}

static int copy_items(struct np_thread_sample **to, const struct np_thread_sample *from, int n)
{
	*to = malloc(sizeof(**to) * (n ? n : 1));
	if (!*to)
		return -ENOMEM;
	memcpy(*to, from, sizeof(**to) * n);
	return 0;
}

int np_top_interval(const struct np_sample_data *prev, struct np_sample_data *cur,
		    struct np_sample_data *out)
{
	struct np_thread_sample *prev_live = NULL;

	memset(out, 0, sizeof(*out));
	if (copy_items(&out->threads, cur->threads, cur->nthreads) ||
	    copy_items(&out->exited, cur->exited, cur->nexited))
		goto nomem;
	out->nthreads = cur->nthreads;
	out->nexited = cur->nexited;
	out->window_ns = cur->window_ns;
	out->sources = cur->sources;
	memcpy(out->counters, cur->counters, sizeof(out->counters));
	if (prev) {
		prev_live = copy_sorted(prev->threads, prev->nthreads);
		if (!prev_live)
			goto nomem;
		live_minus(out, prev_live, prev->nthreads);
		exited_minus(out, prev, prev_live, prev->nthreads);
		free(prev_live);
		out->window_ns = minus(cur->window_ns, prev->window_ns);
		for (int i = 0; i < NP_CNT_COUNT; i++)
			out->counters[i] = minus(cur->counters[i], prev->counters[i]);
	}
	out->samples = cur->samples;
	out->nsamples = cur->nsamples;
	cur->samples = NULL;
	cur->nsamples = 0;
	return 0;
nomem:
	np_sample_data_free(out);
	return -ENOMEM;
}
