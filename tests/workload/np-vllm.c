// SPDX-License-Identifier: GPL-2.0
/*
 * The shape of a vLLM server with tensor parallelism, for the test bed (not vLLM): a parent
 * (the engine core) and one worker process per GPU. Each worker names itself as vLLM does with
 * setproctitle, "VLLM::Worker_TP<i>" (16 characters: the kernel keeps "VLLM::Worker_TP" as its
 * comm), holds EVERY GPU's device file open as the CUDA driver does, but computes on one (which
 * one only the driver knows: the test's NVML double says so), loads its weights into anonymous
 * memory and pins part of it long-term as CUDA pins host buffers (here with io_uring registered
 * buffers, which pin pages the same way: FOLL_LONGTERM, so move_pages finds them busy).
 *
 *   np-vllm --mb N --devices PATH[,PATH..] --worker-nodes NODE[,NODE..] [--pin-mb P]
 *           [--threads T] [--seconds S] [--pids FILE] [--go FILE] [--ready FILE]
 *
 *   --worker-nodes  one worker per entry; worker i runs on that node's CPUs and takes its
 *                   memory there first (a worker started on the wrong node)
 *   --pin-mb P      register the first P MB of each worker's N MB with io_uring (0: none)
 *   --pids FILE     written once the workers exist: a line "TP<i> <pid>" per worker
 *   --go FILE       workers load their weights only once FILE exists (the GPU context, which
 *                   NVML reports, comes before the weights, as in vLLM)
 *   --ready FILE    created once every worker has loaded and its readers run
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"

#define MAX_WORKERS 8

static struct {
	long mb, pin_mb;
	const char *devices, *pids, *go, *ready;
	int nodes[MAX_WORKERS], nworkers, threads;
	double seconds;
} opt = { .threads = 2, .seconds = 600 };

static pid_t workers[MAX_WORKERS];

static void usage(void)
{
	fprintf(stderr, "usage: np-vllm --mb N --devices PATHS --worker-nodes NODES [--pin-mb P] "
			"[--threads T] [--seconds S] [--pids FILE] [--go FILE] [--ready FILE]\n");
	exit(2);
}

/* io_uring's registered buffers: the kernel pins the pages for as long as the ring lives */
static int pin_buffers(void *buf, size_t len)
{
	struct io_uring_params p;
	struct iovec iov = { buf, len };
	int ring;

	memset(&p, 0, sizeof(p));
	ring = syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0) {
		perror("np-vllm: io_uring_setup");
		return -1;
	}
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS, &iov, 1)) {
		perror("np-vllm: IORING_REGISTER_BUFFERS");
		return -1;
	}
	return ring; /* kept open: the pin lasts */
}

static void worker(int argc, char **argv, int tp, int report)
{
	char title[32];
	size_t size = opt.mb << 20;
	char *buf;

	signal(SIGTERM, SIG_DFL); /* the parent's handler kills workers: not ours to run */
	signal(SIGINT, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	snprintf(title, sizeof(title), "VLLM::Worker_TP%d", tp);
	eng_set_title(argc, argv, title);
	if (eng_bind_node(opt.nodes[tp]) || eng_open_devices(opt.devices) <= 0)
		exit(1);
	while (opt.go && access(opt.go, F_OK))
		usleep(50000);
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("np-vllm: mmap");
		exit(1);
	}
	for (size_t off = 0; off < size; off += 4096)
		buf[off] = (char)(off >> 12);
	if (opt.pin_mb > 0 && pin_buffers(buf, opt.pin_mb << 20) < 0)
		exit(1);
	if (eng_start_readers(opt.threads, buf, size, eng_now() + opt.seconds))
		exit(1);
	if (write(report, "r", 1) != 1)
		exit(1);
	close(report);
	sleep((unsigned)opt.seconds + 1);
	exit(0);
}

static void write_pids(void)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", opt.pids);
	f = fopen(tmp, "w");
	if (!f) {
		perror(tmp);
		exit(1);
	}
	for (int i = 0; i < opt.nworkers; i++)
		fprintf(f, "TP%d %d\n", i, workers[i]);
	if (fclose(f) || rename(tmp, opt.pids)) {
		perror(opt.pids);
		exit(1);
	}
}

static void parse_nodes(const char *list)
{
	char *copy = strdup(list), *save = NULL;

	for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		if (opt.nworkers == MAX_WORKERS)
			usage();
		opt.nodes[opt.nworkers++] = atoi(s);
	}
	free(copy);
}

/* (strings copied: the title is written over argv) */
static void parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mb", 1, 0, 'm' },	  { "pin-mb", 1, 0, 'P' },	  { "devices", 1, 0, 'd' },
		{ "worker-nodes", 1, 0, 'n' }, { "threads", 1, 0, 't' }, { "seconds", 1, 0, 's' },
		{ "pids", 1, 0, 'p' },	  { "go", 1, 0, 'g' },		  { "ready", 1, 0, 'r' },
		{ 0, 0, 0, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': opt.mb = atol(optarg); break;
		case 'P': opt.pin_mb = atol(optarg); break;
		case 'd': opt.devices = strdup(optarg); break;
		case 'n': parse_nodes(optarg); break;
		case 't': opt.threads = atoi(optarg); break;
		case 's': opt.seconds = atof(optarg); break;
		case 'p': opt.pids = strdup(optarg); break;
		case 'g': opt.go = strdup(optarg); break;
		case 'r': opt.ready = strdup(optarg); break;
		default: usage();
		}
	}
	if (opt.mb <= 0 || opt.pin_mb < 0 || opt.pin_mb > opt.mb || !opt.devices ||
	    !opt.nworkers || opt.threads < 1)
		usage();
}

static void stop(int sig)
{
	(void)sig;
	for (int i = 0; i < opt.nworkers; i++)
		if (workers[i] > 0)
			kill(workers[i], SIGKILL);
	_exit(0);
}

int main(int argc, char **argv)
{
	int ready[2];
	char byte;

	parse(argc, argv);
	if (pipe(ready)) {
		perror("np-vllm: pipe");
		return 1;
	}
	signal(SIGTERM, stop);
	signal(SIGINT, stop);
	for (int i = 0; i < opt.nworkers; i++) {
		workers[i] = fork();
		if (workers[i] < 0) {
			perror("np-vllm: fork");
			stop(0);
		}
		if (workers[i] == 0) {
			close(ready[0]);
			worker(argc, argv, i, ready[1]);
		}
	}
	close(ready[1]);
	if (opt.pids)
		write_pids();
	for (int i = 0; i < opt.nworkers; i++)
		if (read(ready[0], &byte, 1) != 1) {
			fprintf(stderr, "np-vllm: a worker failed\n");
			stop(0);
		}
	if (opt.ready)
		eng_touch(opt.ready);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
