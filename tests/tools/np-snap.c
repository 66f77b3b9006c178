// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for the daemon's way of reading the sampler: the window stays open and
 * np_sampler_snapshot() reads the maps again and again while the traced process creates and
 * ends threads (the BPF exit handler deletes map entries during the read). A snapshot must list
 * each thread once.
 *
 *   np-snap PID SECONDS
 *
 * NP_SNAP_TOGGLE=1: the daemon's sampling windows, the programs detached and attached again
 * before every snapshot (issue 18). The process's CPU time (live threads and exited, as the
 * daemon adds it up) must then never go down from one snapshot to the next, and must grow.
 *
 * Prints "snapshots=N entries=N max_threads=N duplicates=N" and exits 1 when a tid appeared
 * twice in one snapshot, or no snapshot saw a thread (nothing was tested); 2 on bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/clock.h"
#include "sample/sampler.h"
#include "topo/topo.h"

static int cmp_tid(const void *a, const void *b)
{
	const struct np_thread_sample *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* Tids listed more than once in one snapshot (sorts the list). */
static int count_duplicates(struct np_sample_data *data)
{
	int dup = 0;

	qsort(data->threads, data->nthreads, sizeof(*data->threads), cmp_tid);
	for (int i = 1; i < data->nthreads; i++)
		if (data->threads[i].tid == data->threads[i - 1].tid)
			dup++;
	return dup;
}

/* The CPU time of pid in a snapshot, as the daemon sums it (run_observe.c). */
static __u64 cpu_of(const struct np_sample_data *data, pid_t pid)
{
	__u64 sum = 0;

	for (int i = 0; i < data->nthreads; i++)
		if (data->threads[i].stats.tgid == (__u32)pid)
			sum += np_node_sum(data->threads[i].stats.cpu_ns);
	for (int i = 0; i < data->nexited; i++)
		if (data->exited[i].tid == pid)
			sum += np_node_sum(data->exited[i].stats.cpu_ns);
	return sum;
}

/* Toggle mode: the window closes or opens, then the figures must not have gone down. */
static int toggle(struct np_sampler *s, const struct np_sample_data *data, pid_t pid,
		  __u64 *last_cpu, long *decreases)
{
	__u64 cpu = cpu_of(data, pid);
	char msg[256];
	int err = 0;

	if (cpu < *last_cpu && !(*decreases)++)
		fprintf(stderr, "np-snap: CPU time went down from %llu to %llu ns (%s)\n",
			(unsigned long long)*last_cpu, (unsigned long long)cpu,
			np_sampler_attached(s) ? "attached" : "detached");
	*last_cpu = cpu;
	if (np_sampler_attached(s))
		np_sampler_detach(s);
	else
		err = np_sampler_attach(s, msg, sizeof(msg));
	if (err)
		fprintf(stderr, "np-snap: %s\n", msg);
	return err;
}

/* Snapshots until the deadline; the counts go to the caller. */
static int snapshot_loop(struct np_sampler *s, pid_t pid, double seconds, long *snaps,
			 long *entries, int *max_threads, long *dups)
{
	double end = np_now_s() + seconds;
	bool toggling = getenv("NP_SNAP_TOGGLE") != NULL;
	long decreases = 0;
	__u64 last_cpu = 0;

	while (np_now_s() < end) {
		struct np_sample_data data;
		int err = np_sampler_snapshot(s, &data), dup;

		if (!err && toggling)
			err = toggle(s, &data, pid, &last_cpu, &decreases);
		if (err)
			return err;
		dup = count_duplicates(&data);
		if (dup && !*dups)
			fprintf(stderr, "np-snap: snapshot %ld lists %d tid(s) twice among %d\n",
				*snaps, dup, data.nthreads);
		*dups += dup;
		*entries += data.nthreads;
		if (data.nthreads > *max_threads)
			*max_threads = data.nthreads;
		(*snaps)++;
		np_sample_data_free(&data);
	}
	if (toggling)
		printf("cpu_ns=%llu decreases=%ld ", (unsigned long long)last_cpu, decreases);
	return toggling && (decreases || !last_cpu) ? -ERANGE : 0;
}

int main(int argc, char **argv)
{
	struct np_sampler_opts opts = { .sample_every = 64, .max_threads = 65536 };
	long snaps = 0, entries = 0, dups = 0;
	struct np_sampler *s = NULL;
	int max_threads = 0, err;
	struct np_topo topo;
	char msg[512];
	pid_t pid;

	if (argc != 3 || (pid = atoi(argv[1])) <= 0 || atof(argv[2]) <= 0) {
		fprintf(stderr, "usage: np-snap PID SECONDS\n");
		return 2;
	}
	opts.pids = &pid;
	opts.npids = 1;
	if (np_topo_discover("/", &topo, msg, sizeof(msg)) ||
	    np_sampler_start(&topo, &opts, &s, msg, sizeof(msg))) {
		fprintf(stderr, "np-snap: %s\n", msg);
		return 1;
	}
	err = snapshot_loop(s, pid, atof(argv[2]), &snaps, &entries, &max_threads, &dups);
	np_sampler_destroy(s);
	if (err == -ERANGE) {
		fprintf(stderr, "\nnp-snap: across windows the CPU time went down or never grew\n");
		return 1;
	}
	if (err) {
		fprintf(stderr, "np-snap: snapshot: %s\n", strerror(-err));
		return 1;
	}
	printf("snapshots=%ld entries=%ld max_threads=%d duplicates=%ld\n", snaps, entries,
	       max_threads, dups);
	return dups || !max_threads;
}
