// SPDX-License-Identifier: GPL-2.0
/*
 * Between sampling windows (issue 18) the sampler's programs are detached and its maps are
 * kept up to date from /proc instead: each traced thread's run time (schedstat, the same
 * sum_exec_runtime the switch handler reads) is charged to the node of the CPU it last ran on
 * (stat field 39), new threads get a baseline as a switch-in would give them, and threads gone
 * meanwhile are folded into their process's exited totals as the exit handler would. So the
 * daemon's cumulative figures go on growing the same way, attached or not, but for what falls
 * between two reads: a thread born meanwhile counts from its first read, the last slice of one
 * that exited meanwhile is not counted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "lib/np_common.h"
#include "lib/procfs.h"
#include "sample/map_read.h"
#include "sample/sampler_proc.h"

/* A small /proc file by open and read, no stdio: this runs for every managed thread. */
static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	buf[n] = '\0';
	return 0;
}

/* Run time below which a thread's node is not read again (it is a small share of a CPU). */
#define LITTLE_NS 2000000ULL

int np_sampler_proc_runtime(pid_t tgid, pid_t tid, __u64 *runtime)
{
	char path[96], text[96], *end;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", tgid, tid);
	if (read_small(path, text, sizeof(text)))
		return -ESRCH;
	*runtime = strtoull(text, &end, 10);
	return end == text ? -EINVAL : 0;
}

/* The threads map as it is now, sorted by tid: looked up without a syscall per thread. */
struct known {
	struct np_map_entries e;
	int *order; /* indices into e, by key */
};

static const struct np_map_entries *sort_ctx;

static int cmp_order(const void *a, const void *b)
{
	__u32 x = sort_ctx->keys[*(const int *)a], y = sort_ctx->keys[*(const int *)b];

	return x < y ? -1 : x > y;
}

static int known_read(const struct np_sampler_maps *m, struct known *k)
{
	int err = np_map_read_u32(m->threads_fd, sizeof(struct np_thread_stats), &k->e);

	if (!err && !(k->order = calloc(k->e.n + 1, sizeof(int))))
		err = -ENOMEM;
	if (err) {
		np_map_entries_free(&k->e);
		return err;
	}
	for (int i = 0; i < k->e.n; i++)
		k->order[i] = i;
	sort_ctx = &k->e;
	qsort(k->order, k->e.n, sizeof(int), cmp_order);
	return 0;
}

static struct np_thread_stats *known_find(const struct known *k, __u32 tid)
{
	int lo = 0, hi = k->e.n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2, i = k->order[mid];

		if (k->e.keys[i] == tid)
			return (struct np_thread_stats *)((char *)k->e.values +
							  i * sizeof(struct np_thread_stats));
		if (k->e.keys[i] < tid)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static __u32 cpu_node_of(const struct np_sampler_maps *m, int cpu)
{
	return cpu >= 0 && cpu < NP_BPF_MAX_CPUS ? m->cpu_node[cpu] : NP_BPF_NODE_NONE;
}

/* Faults of threads running when the programs were detached wait in their CPU's slot. */
static void flush_slots(const struct np_sampler_maps *m)
{
	for (int cpu = 0; cpu < NP_BPF_MAX_CPUS; cpu++) {
		struct running_slot *slot = &m->running[cpu];
		struct np_thread_stats st;
		__u32 tid = slot->tid;

		if (!tid)
			continue;
		if (slot->faults && !bpf_map_lookup_elem(m->threads_fd, &tid, &st) &&
		    st.last_node < NP_BPF_MAX_NODES) {
			st.faults[st.last_node] += slot->faults;
			bpf_map_update_elem(m->threads_fd, &tid, &st, BPF_EXIST);
		}
		slot->tid = 0;
		slot->faults = 0;
	}
}

/*
 * One live thread: what it ran since last charged, to the node it ran on; or its baseline.
 * Just before the programs attach, the entry is marked on CPU: a thread running then is not
 * switched in under the programs' eyes (a busy thread alone on its CPU may not be for
 * seconds), so what it runs from here is charged by the snapshot's in-flight read or at its
 * next switch-in.
 */
static void sync_thread(const struct np_sampler_maps *m, const struct known *k, pid_t tgid,
			pid_t tid, bool attaching)
{
	const struct np_thread_stats *was = known_find(k, (__u32)tid);
	struct np_thread_stats st;
	__u32 key = (__u32)tid, node;
	struct np_stat stat;
	__u64 runtime;
	bool known;

	if (np_sampler_proc_runtime(tgid, tid, &runtime))
		return; /* gone meanwhile: folded below */
	/* a run time below what was charged: another thread under a reused tid */
	known = was && was->tgid == (__u32)tgid && runtime >= was->runtime_seen;
	if (known)
		st = *was;
	if (known && runtime == st.runtime_seen && !st.on_cpu && !attaching)
		return; /* idle since: no need to ask where it ran */
	/* a little CPU time goes where it last went: stat (the costlier read) is not asked */
	if (known && st.last_node < NP_BPF_MAX_NODES && runtime - st.runtime_seen < LITTLE_NS)
		node = st.last_node;
	else
		node = np_stat_read("/", tgid, tid, &stat) ? NP_BPF_NODE_NONE
							   : cpu_node_of(m, stat.processor);
	if (!known) {
		memset(&st, 0, sizeof(st));
		st.tgid = (__u32)tgid;
	} else if (runtime > st.runtime_seen) {
		/* switched in and not charged since (sample.bpf.c charges at the next
		 * switch-in): it ran where that switch-in saw it, up to the detach */
		__u32 to = st.on_cpu ? st.last_node : node;

		if (to < NP_BPF_MAX_NODES)
			st.cpu_ns[to] += runtime - st.runtime_seen;
	}
	st.last_node = node;
	st.runtime_seen = runtime;
	st.on_cpu = attaching;
	bpf_map_update_elem(m->threads_fd, &key, &st, BPF_ANY);
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* A thread entry no live thread answers: folded into its process's totals, as at its exit. */
static void fold_gone(const struct np_sampler_maps *m, __u32 tid, const struct np_thread_stats *st)
{
	struct np_thread_stats total;
	__u32 tgid = st->tgid;
	__u8 traced;

	if (!bpf_map_lookup_elem(m->traced_fd, &tgid, &traced)) {
		if (bpf_map_lookup_elem(m->exited_fd, &tgid, &total)) {
			memset(&total, 0, sizeof(total));
			total.tgid = tgid;
			total.last_node = NP_BPF_NODE_NONE;
		}
		np_stats_fold(&total, st);
		bpf_map_update_elem(m->exited_fd, &tgid, &total, BPF_ANY);
	}
	bpf_map_delete_elem(m->threads_fd, &tid);
}

/* The threads of the traced processes, sorted: those the map may keep. */
static int live_threads(const pid_t *tgids, int ntgids, const struct np_sampler_maps *m,
			const struct known *k, bool attaching, __u32 **out, int *count)
{
	__u32 *live = NULL;
	int n = 0, cap = 0;

	for (int i = 0; i < ntgids; i++) {
		pid_t *tids;
		int ntids;

		if (np_proc_threads("/", tgids[i], &tids, &ntids))
			continue; /* gone: its threads fold below */
		if (n + ntids > cap) {
			__u32 *grown = realloc(live, sizeof(*live) * (cap = 2 * (n + ntids)));

			if (!grown) {
				free(tids);
				free(live);
				return -ENOMEM;
			}
			live = grown;
		}
		for (int t = 0; t < ntids; t++) {
			sync_thread(m, k, tgids[i], tids[t], attaching);
			live[n++] = (__u32)tids[t];
		}
		free(tids);
	}
	if (n)
		qsort(live, n, sizeof(*live), cmp_u32);
	*out = live;
	*count = n;
	return 0;
}

int np_sampler_proc_sync(const struct np_sampler_maps *m, const pid_t *tgids, int ntgids,
			 bool attaching)
{
	struct known k = { 0 };
	__u32 *live = NULL;
	int nlive = 0, err;

	flush_slots(m);
	err = known_read(m, &k);
	if (!err)
		err = live_threads(tgids, ntgids, m, &k, attaching, &live, &nlive);
	/* entries as they were before this sync: those of threads gone are unchanged since */
	for (int i = 0; !err && i < k.e.n; i++) {
		const struct np_thread_stats *st =
			(const struct np_thread_stats *)((char *)k.e.values + i * sizeof(*st));

		if (!nlive || !bsearch(&k.e.keys[i], live, nlive, sizeof(*live), cmp_u32))
			fold_gone(m, k.e.keys[i], st);
	}
	np_map_entries_free(&k.e);
	free(k.order);
	free(live);
	return err;
}

int np_sampler_proc_seed(const struct np_sampler_maps *m, pid_t tgid)
{
	pid_t *tids;
	int n;

	if (np_proc_threads("/", tgid, &tids, &n))
		return -ESRCH;
	for (int i = 0; i < n; i++) {
		struct np_thread_stats st = { .tgid = (__u32)tgid, .on_cpu = 1 };
		__u32 key = (__u32)tids[i];
		struct np_stat stat;

		if (np_sampler_proc_runtime(tgid, tids[i], &st.runtime_seen))
			continue; /* gone meanwhile */
		st.last_node = np_stat_read("/", tgid, tids[i], &stat)
				       ? NP_BPF_NODE_NONE
				       : cpu_node_of(m, stat.processor);
		/* a thread the switch handler has seen already keeps its entry */
		bpf_map_update_elem(m->threads_fd, &key, &st, BPF_NOEXIST);
	}
	free(tids);
	return 0;
}
