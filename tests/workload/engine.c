// SPDX-License-Identifier: GPL-2.0
/* The pieces the engine-shaped workloads share (engine.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <numa.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

double eng_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void eng_set_title(int argc, char **argv, const char *title)
{
	char *start = argv[0], *end = argv[argc - 1] + strlen(argv[argc - 1]);

	if (prctl(PR_SET_NAME, title))
		perror("engine: prctl(PR_SET_NAME)");
	/* argv's strings are contiguous: the title goes over them, the rest NUL, so that
	 * /proc/PID/cmdline reads as the title alone (what setproctitle does) */
	memset(start, 0, end - start);
	snprintf(start, end - start + 1, "%s", title);
}

int eng_open_devices(const char *list)
{
	char *copy = strdup(list), *save = NULL;
	int n = 0;

	for (char *path = strtok_r(copy, ",", &save); path; path = strtok_r(NULL, ",", &save)) {
		int fd = open(path, O_RDWR | O_CLOEXEC);

		if (fd < 0)
			fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fprintf(stderr, "engine: open %s: %s\n", path, strerror(errno));
		else
			n++;
	}
	free(copy);
	return n;
}

void *eng_map_model(const char *path, size_t *size)
{
	struct stat st;
	volatile char *map;
	unsigned long sum = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "engine: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		fprintf(stderr, "engine: mmap %s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (off_t off = 0; off < st.st_size; off += 4096)
		sum += map[off];
	*size = st.st_size;
	return (void *)(map + (sum & 0)); /* the reads above are kept */
}

struct reader_arg {
	const volatile char *buf;
	size_t size;
	double deadline;
};

static volatile unsigned long sink;

void eng_read(const volatile char *buf, size_t size, double deadline)
{
	unsigned long sum = 0;

	while (eng_now() < deadline)
		for (size_t off = 0; off < size; off += 64)
			sum += buf[off];
	sink = sum;
}

static void *reader(void *p)
{
	struct reader_arg *a = p;

	eng_read(a->buf, a->size, a->deadline);
	return NULL;
}

int eng_start_readers(int n, const volatile char *buf, size_t size, double deadline)
{
	static struct reader_arg arg;

	arg = (struct reader_arg){ buf, size, deadline };
	for (int i = 0; i < n; i++) {
		pthread_t t;
		int err = pthread_create(&t, NULL, reader, &arg);

		if (err) {
			fprintf(stderr, "engine: pthread_create: %s\n", strerror(err));
			return -1;
		}
		pthread_detach(t);
	}
	return 0;
}

void eng_touch(const char *file)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		perror(file);
	else
		close(fd);
}

int eng_bind_node(int node)
{
	if (numa_available() < 0 || node > numa_max_node()) {
		fprintf(stderr, "engine: no NUMA node %d\n", node);
		return -1;
	}
	if (numa_run_on_node(node)) {
		perror("engine: numa_run_on_node");
		return -1;
	}
	numa_set_preferred(node);
	return 0;
}
