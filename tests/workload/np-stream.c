// SPDX-License-Identifier: GPL-2.0
/*
 * An inference-like test workload: the main thread (the "loader") fills a buffer, then
 * reader threads stream through all of it again and again, as token generation reads the
 * weights. Placement comes from outside (numactl, taskset) or --reader-cpus.
 *
 *   np-stream --mb N [--threads T] [--seconds S] [--delay S] [--reader-cpus LIST]
 *             [--file PATH] [--open PATH] [--ready FILE] [--main-exits] [--spawn-every MS
 *             [--spawn-life MS] [--spawn-cpus LIST]] [--child-after S] [--reader-sleep-ms MS]
 *             [--readers-after S] [--grow-mb N] [--hot-mb N] [--pin-mb N] [--stalls]
 *
 *   --file PATH     map PATH (created and sized to N MB) instead of anonymous memory
 *   --open PATH     keep PATH open (a device file, as a GPU runtime would)
 *   --delay S       sleep S seconds before filling (lets a tracer start first)
 *   --reader-cpus   readers pin themselves to LIST after the fill
 *   --ready FILE    created once the buffer is filled and the readers run
 *   --main-exits    the main thread leaves with pthread_exit() once the readers run
 *   --spawn-every MS  once the readers run, the main thread starts a short-lived thread
 *                   every MS ms: threads born while a placement runs
 *   --spawn-life MS how long each of those threads lives (300)
 *   --spawn-cpus LIST  each of those threads pins itself to LIST at birth, as a runtime
 *                   with its own thread pinning would (a daemon must catch them)
 *   --child-after S S seconds after the readers start, fork one child process ("np-child",
 *                   killed with its parent) that pins itself to --spawn-cpus when given and
 *                   reads the buffer until the deadline
 *   --reader-sleep-ms MS  readers sleep MS ms after each pass over the buffer: many mostly
 *                   idle threads, as a server between requests (the footprint bench)
 *   --readers-after S  after the fill the main thread alone keeps reading the buffer for S
 *                   seconds before it starts the readers: a server still loading, whose
 *                   worker threads are born after a daemon placed it
 *   --grow-mb N     on each SIGUSR1 the main thread maps and touches N MB more (which the
 *                   readers leave alone), then creates the --ready file again: memory born
 *                   after a placement, where the memory policy then in force puts it (not
 *                   with --spawn-every or --child-after)
 *   --hot-mb N      with --file: the last N of the --mb MB are a mapping of their own (read
 *                   only, so the kernel keeps it apart), right above the rest and starting
 *                   1 MB into a 2 MB region; the readers leave it alone and one more thread
 *                   keeps faulting on all of it without moving its pages: it drops the page
 *                   table entries of 64 KB of it (MADV_DONTNEED: the page cache pages stay
 *                   where they are) and reads them back, minor faults, piece after piece.
 *                   The mapping's range is printed as "hot START-END" (hex) before --ready
 *   --pin-mb N      after the fill, the first N MB of the (anonymous) buffer are registered
 *                   with io_uring (IORING_REGISTER_BUFFERS): pinned long-term, as CUDA pins
 *                   host buffers, so move_pages(2) cannot migrate them. The ring stays open.
 *   --stalls        the readers time each 256 KB chunk they finish; on each SIGUSR2 one line
 *                   "stalls longest_ms X mean_ms Y chunks N" on stdout: the longest gap a
 *                   reader saw between two finished chunks since the last SIGUSR2 (a stop of
 *                   the process, a page it waited for while it migrated), the mean gap, and
 *                   (per reader) and how many chunks all read; then it starts over (the
 *                   pause bench)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <linux/io_uring.h>
#include <time.h>
#include <unistd.h>

#include "lib/cpulist.h"

static volatile char *buffer;
static size_t size; /* what the readers stream: the buffer less the hot part */
static volatile char *hot;
static size_t hot_size;
static double deadline;
static cpu_set_t reader_cpus;
static int pin_readers;
static cpu_set_t spawn_cpus;
static int pin_spawned;
static double spawn_life_ms = 300;
static double reader_sleep_ms;
static volatile unsigned long sink;
static int track_stalls, nreaders;
static unsigned long longest_gap_ns, chunks_done; /* --stalls, atomic: every reader adds */

#define STALL_CHUNK (256UL << 10)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --stalls: a chunk finished; *last is when the one before did */
static void note_gap(double *last)
{
	double t = now();
	unsigned long gap = (unsigned long)((t - *last) * 1e9);
	unsigned long seen = __atomic_load_n(&longest_gap_ns, __ATOMIC_RELAXED);

	*last = t;
	while (gap > seen && !__atomic_compare_exchange_n(&longest_gap_ns, &seen, gap, 0,
							  __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	__atomic_add_fetch(&chunks_done, 1, __ATOMIC_RELAXED);
}

/* --stalls: one line per SIGUSR2 (blocked in every thread, taken here), then start over */
static void *stall_reporter(void *arg)
{
	double since = now();
	sigset_t usr2;
	int sig;

	(void)arg;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	while (!sigwait(&usr2, &sig)) {
		unsigned long gap = __atomic_exchange_n(&longest_gap_ns, 0, __ATOMIC_RELAXED);
		unsigned long n = __atomic_exchange_n(&chunks_done, 0, __ATOMIC_RELAXED);
		double t = now();

		printf("stalls longest_ms %.1f mean_ms %.2f chunks %lu\n", gap / 1e6,
		       n ? (t - since) * 1e3 * nreaders / n : 0, n);
		fflush(stdout);
		since = t;
	}
	return NULL;
}

static void *reader(void *arg)
{
	unsigned long sum = 0;
	double last;

	(void)arg;
	if (pin_readers && sched_setaffinity(0, sizeof(reader_cpus), &reader_cpus))
		perror("np-stream: sched_setaffinity");
	last = now();
	while (now() < deadline) {
		for (size_t at = 0; at < size; at += STALL_CHUNK) {
			size_t end = at + STALL_CHUNK < size ? at + STALL_CHUNK : size;

			for (size_t off = at; off < end; off += 64)
				sum += buffer[off];
			if (track_stalls)
				note_gap(&last);
		}
		if (reader_sleep_ms > 0)
			usleep((useconds_t)(reader_sleep_ms * 1000));
	}
	sink = sum;
	return NULL;
}

#define HOT_PIECE (64UL << 10)

/*
 * --hot-mb: faults on the same pages again and again, piece after piece in address order; at
 * most one piece is unmapped at a time, so the rest stays resident for a mover to find. A
 * read fault may map more than its page back (the kernel's fault-around), but each piece
 * takes at least one, each MB at least 16 a pass: the sampler's 1 fault in 16 falls on every
 * MB of each pass. (Pieces taken in any other order could alias with that 1 in 16.)
 */
static void *hot_faulter(void *arg)
{
	unsigned long sum = 0;

	(void)arg;
	while (now() < deadline) {
		for (size_t off = 0; off < hot_size; off += HOT_PIECE) {
			if (madvise((void *)(hot + off), HOT_PIECE, MADV_DONTNEED))
				perror("np-stream: madvise");
			for (size_t page = 0; page < HOT_PIECE; page += 4096)
				sum += hot[off + page];
		}
	}
	sink = sum;
	return NULL;
}

static void *short_lived(void *arg)
{
	(void)arg;
	if (pin_spawned && sched_setaffinity(0, sizeof(spawn_cpus), &spawn_cpus))
		perror("np-stream: sched_setaffinity");
	usleep((useconds_t)(spawn_life_ms * 1000));
	return NULL;
}

/* A child process that dies with its parent, pins itself like the spawned threads and reads
 * the (copy-on-write shared) buffer until the deadline. */
static void fork_child(void)
{
	pid_t child = fork();

	if (child < 0) {
		perror("np-stream: fork");
		return;
	}
	if (child > 0)
		return;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_NAME, "np-child");
	if (pin_spawned && sched_setaffinity(0, sizeof(spawn_cpus), &spawn_cpus))
		perror("np-stream: sched_setaffinity");
	pin_readers = 0;
	reader(NULL);
	_exit(0);
}

/*
 * Until the deadline: a detached thread every every_ms (0: none), each born with the main
 * thread's mask, and the child process child_after_s after the start (< 0: none).
 */
static void churn_until_deadline(double every_ms, double child_after_s)
{
	double start = now(), tick_ms = every_ms > 0 ? every_ms : 50;
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (now() < deadline) {
		pthread_t t;

		if (child_after_s >= 0 && now() - start >= child_after_s) {
			fork_child();
			child_after_s = -1;
		}
		if (every_ms > 0 && pthread_create(&t, &attr, short_lived, NULL))
			perror("np-stream: pthread_create");
		usleep((useconds_t)(tick_ms * 1000));
	}
	pthread_attr_destroy(&attr);
}

/* Until the deadline: N MB more on each SIGUSR1 (blocked in every thread), then ready. */
static void grow_until_deadline(size_t grow, const char *ready)
{
	struct timespec tick = { .tv_nsec = 100 * 1000 * 1000 };
	sigset_t usr1;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	while (now() < deadline) {
		char *more;
		FILE *f;

		if (sigtimedwait(&usr1, NULL, &tick) != SIGUSR1)
			continue;
		more = mmap(NULL, grow, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (more == MAP_FAILED) {
			perror("np-stream: mmap");
			continue;
		}
		for (size_t off = 0; off < grow; off += 4096)
			more[off] = (char)off;
		f = ready ? fopen(ready, "w") : NULL;
		if (f)
			fclose(f);
	}
}

/*
 * The --file mapping for --hot-mb, placed so that its hot part (the last hot_size bytes)
 * starts 1 MB into a 2 MB region: that region then holds the top of the rest too, as a
 * mapping boundary of a real process mostly does.
 */
static volatile char *map_with_hot_part(int fd)
{
	const unsigned long huge = 2UL << 20;
	size_t span = size + huge;
	char *area = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long base, hot_at;

	if (area == MAP_FAILED)
		return MAP_FAILED;
	hot_at = (((unsigned long)area + size - hot_size) & ~(huge - 1)) + huge / 2;
	if (hot_at < (unsigned long)area + size - hot_size)
		hot_at += huge;
	base = hot_at - (size - hot_size);
	/* the file over part of the reserved range, the rest of the range given back */
	if (mmap((void *)base, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
	    MAP_FAILED)
		return MAP_FAILED;
	if (base > (unsigned long)area)
		munmap(area, base - (unsigned long)area);
	if (base + size < (unsigned long)area + span)
		munmap((void *)(base + size), (unsigned long)area + span - base - size);
	return (volatile char *)base;
}

/* LIST into a cpu_set_t; -1 when malformed. */
static int parse_cpus(const char *list, cpu_set_t *out)
{
	struct np_cpuset set;

	if (np_cpulist_parse(list, &set))
		return -1;
	CPU_ZERO(out);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (np_cpuset_has(&set, cpu))
			CPU_SET(cpu, out);
	return 0;
}

/*
 * Pin the first bytes of the buffer long-term: io_uring's registered buffers, by raw system
 * calls (no liburing). The ring is kept open (and with it the pin) until the process ends.
 */
static int pin_buffer(size_t bytes)
{
	struct io_uring_params params;
	struct iovec iov[64];
	int fd, n = 0;

	memset(&params, 0, sizeof(params));
	fd = (int)syscall(__NR_io_uring_setup, 4, &params);
	if (fd < 0) {
		perror("np-stream: io_uring_setup");
		return -1;
	}
	/* one iovec holds at most 1 GB */
	for (size_t off = 0; off < bytes && n < 64; n++, off += 1UL << 30) {
		iov[n].iov_base = (char *)buffer + off;
		iov[n].iov_len = bytes - off < (1UL << 30) ? bytes - off : 1UL << 30;
	}
	if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_BUFFERS, iov, n) < 0) {
		perror("np-stream: IORING_REGISTER_BUFFERS");
		return -1;
	}
	printf("pinned %zu MB\n", bytes >> 20);
	fflush(stdout);
	return 0;
}

static void die_usage(const char *msg)
{
	fprintf(stderr, "np-stream: %s\n", msg);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{"mb", required_argument, NULL, 'm'},
		{"threads", required_argument, NULL, 't'},
		{"seconds", required_argument, NULL, 's'},
		{"delay", required_argument, NULL, 'd'},
		{"file", required_argument, NULL, 'f'},
		{"open", required_argument, NULL, 'o'},
		{"ready", required_argument, NULL, 'r'},
		{"reader-cpus", required_argument, NULL, 'c'},
		{"main-exits", no_argument, NULL, 'x'},
		{"spawn-every", required_argument, NULL, 'S'},
		{"spawn-life", required_argument, NULL, 'L'},
		{"spawn-cpus", required_argument, NULL, 'C'},
		{"child-after", required_argument, NULL, 'A'},
		{"reader-sleep-ms", required_argument, NULL, 'Z'},
		{"readers-after", required_argument, NULL, 'R'},
		{"grow-mb", required_argument, NULL, 'G'},
		{"hot-mb", required_argument, NULL, 'H'},
		{"pin-mb", required_argument, NULL, 'P'},
		{"stalls", no_argument, NULL, 'T'},
		{},
	};
	const char *file = NULL, *ready = NULL, *dev = NULL;
	double seconds = 30, delay = 0, spawn_every_ms = 0, child_after_s = -1, readers_after = 0;
	int threads = 2, opt, main_exits = 0;
	size_t grow = 0, pin = 0;
	pthread_t *tids, hot_tid, stall_tid;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'm':
			size = strtoul(optarg, NULL, 10) << 20;
			break;
		case 't':
			threads = atoi(optarg);
			break;
		case 's':
			seconds = atof(optarg);
			break;
		case 'd':
			delay = atof(optarg);
			break;
		case 'f':
			file = optarg;
			break;
		case 'o':
			dev = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		case 'x':
			main_exits = 1;
			break;
		case 'S':
			spawn_every_ms = atof(optarg);
			break;
		case 'L':
			spawn_life_ms = atof(optarg);
			break;
		case 'A':
			child_after_s = atof(optarg);
			break;
		case 'Z':
			reader_sleep_ms = atof(optarg);
			break;
		case 'R':
			readers_after = atof(optarg);
			break;
		case 'G':
			grow = strtoul(optarg, NULL, 10) << 20;
			break;
		case 'H':
			hot_size = strtoul(optarg, NULL, 10) << 20;
			break;
		case 'P':
			pin = strtoul(optarg, NULL, 10) << 20;
			break;
		case 'T':
			track_stalls = 1;
			break;
		case 'c':
			if (parse_cpus(optarg, &reader_cpus))
				die_usage("bad --reader-cpus");
			pin_readers = 1;
			break;
		case 'C':
			if (parse_cpus(optarg, &spawn_cpus))
				die_usage("bad --spawn-cpus");
			pin_spawned = 1;
			break;
		default:
			die_usage("unknown option");
		}
	}
	if (!size || threads < 1)
		die_usage("need --mb > 0 and --threads >= 1");
	if (hot_size && (!file || hot_size >= size))
		die_usage("--hot-mb needs --file and fewer MB than --mb");
	if (pin && (file || pin > size))
		die_usage("--pin-mb needs anonymous memory (no --file) and at most --mb MB");
	if (dev && open(dev, O_RDWR) < 0 && open(dev, O_RDONLY) < 0) {
		fprintf(stderr, "np-stream: open %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (delay > 0)
		usleep((useconds_t)(delay * 1e6));

	if (file) {
		int fd = open(file, O_RDWR | O_CREAT, 0600);

		if (fd < 0 || ftruncate(fd, (off_t)size)) {
			perror("np-stream: file");
			return 1;
		}
		buffer = hot_size ? map_with_hot_part(fd)
				  : mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	} else {
		buffer = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			      0);
	}
	if (buffer == MAP_FAILED) {
		perror("np-stream: mmap");
		return 1;
	}
	/* the fill: first touch decides where the pages land */
	for (size_t off = 0; off < size; off += 4096)
		buffer[off] = (char)off;
	if (pin && pin_buffer(pin))
		return 1;
	if (hot_size) {
		/* read only: its own VMA, that the kernel does not merge back into the rest */
		size -= hot_size;
		hot = buffer + size;
		if (mprotect((void *)hot, hot_size, PROT_READ)) {
			perror("np-stream: mprotect");
			return 1;
		}
		printf("hot %lx-%lx\n", (unsigned long)hot, (unsigned long)hot + hot_size);
		fflush(stdout);
	}
	if (readers_after > 0) {
		/* still "loading": the main thread alone reads the buffer, busy */
		deadline = now() + readers_after;
		reader(NULL);
	}

	deadline = now() + seconds;
	if (grow) {
		sigset_t usr1;

		/* every thread inherits the block: only the main thread's sigtimedwait takes it */
		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	}
	nreaders = threads;
	if (track_stalls) {
		sigset_t usr2;

		/* blocked in every thread the readers inherit it from: the reporter takes it */
		sigemptyset(&usr2);
		sigaddset(&usr2, SIGUSR2);
		pthread_sigmask(SIG_BLOCK, &usr2, NULL);
		if (pthread_create(&stall_tid, NULL, stall_reporter, NULL)) {
			perror("np-stream: pthread_create");
			return 1;
		}
	}
	tids = calloc(threads, sizeof(*tids));
	for (int i = 0; i < threads; i++)
		if (pthread_create(&tids[i], NULL, reader, NULL)) {
			perror("np-stream: pthread_create");
			return 1;
		}
	if (hot_size && pthread_create(&hot_tid, NULL, hot_faulter, NULL)) {
		perror("np-stream: pthread_create");
		return 1;
	}
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f)
			fclose(f);
	}
	if (main_exits)
		pthread_exit(NULL); /* the process lives on in its readers, main a zombie */
	if (grow)
		grow_until_deadline(grow, ready);
	else if (spawn_every_ms > 0 || child_after_s >= 0)
		churn_until_deadline(spawn_every_ms, child_after_s);
	for (int i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	return 0;
}
