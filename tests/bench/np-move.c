// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench`, reference row of the placement figures: how fast move_pages(2) alone can move a
 * running process's memory to one node in this machine, with nothing else around it (no plan,
 * no sampling, no budget, no journal). Not a placement tool: it moves every page the process
 * maps that the kernel lets MPOL_MF_MOVE move, and prints what it did.
 *
 *   np-move --pid PID --node N [--threads T]
 *
 * Addresses: one per transparent huge page (its head, found through /proc/PID/pagemap and
 * /proc/kpageflags, so root only) and one per other resident page; pages already on the node
 * are skipped after a status query. T threads (2) each move a contiguous share.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <getopt.h>
#include <numaif.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH 1024
#define KPF_THP 22
#define PM_PRESENT (1ULL << 63)
#define PM_PFN_MASK ((1ULL << 55) - 1)

static int pid, node = -1;
static void **addrs;
static long naddrs, cap;

struct share {
	long from, to, moved, failed;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void add(unsigned long addr)
{
	if (naddrs == cap) {
		cap = cap ? 2 * cap : 65536;
		addrs = realloc(addrs, cap * sizeof(*addrs));
		if (!addrs) {
			perror("np-move: realloc");
			exit(1);
		}
	}
	addrs[naddrs++] = (void *)addr;
}

/* Resident pages of [start, end): THP heads once, other pages one by one. */
static void collect(int pagemap, int kflags, unsigned long start, unsigned long end, long psize)
{
	long per_thp = (2L << 20) / psize;

	for (unsigned long a = start; a < end; a += psize) {
		uint64_t pm, flags = 0;

		if (pread(pagemap, &pm, sizeof(pm), (off_t)(a / psize * 8)) != sizeof(pm) ||
		    !(pm & PM_PRESENT))
			continue;
		add(a);
		if ((a & ((2UL << 20) - 1)) == 0 && a + (2UL << 20) <= end &&
		    pread(kflags, &flags, sizeof(flags), (off_t)((pm & PM_PFN_MASK) * 8)) == sizeof(flags) &&
		    (flags >> KPF_THP & 1))
			a += (per_thp - 1) * psize; /* the head moves the whole huge page */
	}
}

static void *mover(void *arg)
{
	struct share *s = arg;
	int nodes[BATCH], status[BATCH];

	for (int i = 0; i < BATCH; i++)
		nodes[i] = node;
	for (long i = s->from; i < s->to; i += BATCH) {
		long n = s->to - i < BATCH ? s->to - i : BATCH, keep = 0;
		void **batch = addrs + i;

		/* query first: only pages off the node are passed on */
		if (move_pages(pid, n, batch, NULL, status, 0))
			continue;
		for (long j = 0; j < n; j++)
			if (status[j] >= 0 && status[j] != node)
				batch[keep++] = batch[j];
		if (!keep || move_pages(pid, keep, batch, nodes, status, MPOL_MF_MOVE) < 0) {
			s->failed += keep;
			continue;
		}
		for (long j = 0; j < keep; j++) {
			if (status[j] == node)
				s->moved++;
			else
				s->failed++;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "node", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{},
	};
	int threads = 2, opt, pagemap, kflags;
	long psize = sysconf(_SC_PAGESIZE), moved = 0, failed = 0;
	char path[64], line[512];
	FILE *maps;
	double t0 = now();

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'p')
			pid = atoi(optarg);
		else if (opt == 'n')
			node = atoi(optarg);
		else if (opt == 't')
			threads = atoi(optarg);
		else
			return 2;
	}
	if (pid <= 0 || node < 0 || threads < 1 || threads > 64) {
		fprintf(stderr, "usage: np-move --pid PID --node N [--threads T]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "r");
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	pagemap = open(path, O_RDONLY);
	kflags = open("/proc/kpageflags", O_RDONLY);
	if (!maps || pagemap < 0 || kflags < 0) {
		perror("np-move: /proc (root needed)");
		return 1;
	}
	while (fgets(line, sizeof(line), maps)) {
		unsigned long start, end;

		if (sscanf(line, "%lx-%lx", &start, &end) == 2 && !strstr(line, "[vsyscall]"))
			collect(pagemap, kflags, start, end, psize);
	}
	fclose(maps);

	struct share share[64] = { 0 };
	pthread_t tid[64];

	for (int i = 0; i < threads; i++) {
		share[i].from = naddrs * i / threads;
		share[i].to = naddrs * (i + 1) / threads;
		if (pthread_create(&tid[i], NULL, mover, &share[i])) {
			perror("np-move: pthread_create");
			return 1;
		}
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		moved += share[i].moved;
		failed += share[i].failed;
	}
	printf("np-move: %ld addresses (THP heads count once), %ld moved, %ld not moved, %d threads, "
	       "%.2f s\n",
	       naddrs, moved, failed, threads, now() - t0);
	return 0;
}
