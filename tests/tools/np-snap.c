// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for the daemon's way of reading the sampler: the window stays open and
 * np_sampler_snapshot() reads the maps again and again while the traced process creates and
 * ends threads (the BPF exit handler deletes map entries during the read). A snapshot must list
 * each thread once.
 *
 *   np-snap PID SECONDS
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

/* Snapshots until the deadline; the counts go to the caller. */
static int snapshot_loop(struct np_sampler *s, double seconds, long *snaps, long *entries,
			 int *max_threads, long *dups)
{
	double end = np_now_s() + seconds;

	while (np_now_s() < end) {
		struct np_sample_data data;
		int err = np_sampler_snapshot(s, &data), dup;

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
	return 0;
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
	err = snapshot_loop(s, atof(argv[2]), &snaps, &entries, &max_threads, &dups);
	np_sampler_destroy(s);
	if (err) {
		fprintf(stderr, "np-snap: snapshot: %s\n", strerror(-err));
		return 1;
	}
	printf("snapshots=%ld entries=%ld max_threads=%d duplicates=%ld\n", snaps, entries,
	       max_threads, dups);
	return dups || !max_threads;
}
