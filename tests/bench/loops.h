/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bench's two loops (np-bench.c, np-duty.c): page faults (touch fresh 4 KiB pages, unmap,
 * again) and context switches (two threads ping-pong one byte through pipes). Timed, both
 * threads are kept on one CPU: every round trip is then exactly two task-to-task switches;
 * across two CPUs it is also two wake-ups of idle CPUs, whose cost in a VM swings by 30% from
 * round to round and hides the few percent the bench looks for. Across CPUs (one_cpu false)
 * it is what a server's threads do when they block and wake: switches to and from the idle
 * task, with cold caches, which np-bench uses for the cost per program run.
 */
#ifndef NP_BENCH_LOOPS_H
#define NP_BENCH_LOOPS_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define FAULT_MB    64
#define FAULT_LOOPS 8
#define PINGPONGS   100000

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Returns seconds per fault. */
static double fault_loop(void)
{
	size_t size = (size_t)FAULT_MB << 20;
	double start = now();

	for (int loop = 0; loop < FAULT_LOOPS; loop++) {
		char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);

		if (p == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
		madvise(p, size, MADV_NOHUGEPAGE); /* one fault per 4 KiB page */
		for (size_t off = 0; off < size; off += 4096)
			p[off] = 1;
		munmap(p, size);
	}
	return (now() - start) / (FAULT_LOOPS * (size / 4096.0));
}

static int ping[2], pong[2];
static cpu_set_t loop_cpu;

static void *echo_thread(void *arg)
{
	char c;

	(void)arg;
	sched_setaffinity(0, sizeof(loop_cpu), &loop_cpu);
	for (int i = 0; i < PINGPONGS; i++)
		if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
			break;
	return NULL;
}

/* Seconds per round trip (two context switches; on one CPU when one_cpu). */
static double switch_loop_on(bool one_cpu)
{
	pthread_t echo;
	cpu_set_t was;
	double start;
	char c = 'x';

	if (pipe(ping) || pipe(pong) || sched_getaffinity(0, sizeof(was), &was))
		exit(1);
	loop_cpu = was;
	if (one_cpu) {
		CPU_ZERO(&loop_cpu);
		CPU_SET(sched_getcpu(), &loop_cpu);
	}
	sched_setaffinity(0, sizeof(loop_cpu), &loop_cpu);
	pthread_create(&echo, NULL, echo_thread, NULL);
	start = now();
	for (int i = 0; i < PINGPONGS; i++)
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			break;
	start = (now() - start) / PINGPONGS;
	pthread_join(echo, NULL);
	sched_setaffinity(0, sizeof(was), &was);
	close(ping[0]), close(ping[1]), close(pong[0]), close(pong[1]);
	return start;
}

static double switch_loop(void)
{
	return switch_loop_on(true);
}

#endif
