// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench`, sampler part: what numaplace's BPF programs cost.
 *
 * 1. Slowdown: a page-fault-heavy loop (touch 64 MB of 4 KiB pages, unmap, again) and a
 *    context-switch-heavy loop (two threads ping-pong through pipes), untraced and traced by
 *    the sampler (tracing this very process) at default settings, alternated over rounds;
 *    the best time of each is compared, so one noisy round does not decide. Statistics are
 *    off meanwhile: they cost time of their own.
 * 2. Per event: a last traced round with kernel.bpf_stats_enabled=1, reading each program's
 *    run_time_ns / run_cnt (the caller restores the sysctl).
 * 3. The floor: the same with bpf/floor.bpf.c, programs that return at once, to show what any
 *    program on these tracepoints costs here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "floor.skel.h"
#include "loops.h"
#include "sample/sampler.h"

#define ROUNDS 5

static void set_bpf_stats(int on)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "w");

	if (!f || fprintf(f, "%d\n", on) < 0 || fclose(f)) {
		perror("np-bench: kernel.bpf_stats_enabled");
		exit(1);
	}
}

static void print_prog(struct bpf_program *prog)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) || !info.run_cnt)
		return;
	printf("  %-16s %10llu runs  %7.1f ns/run\n", bpf_program__name(prog),
	       (unsigned long long)info.run_cnt, (double)info.run_time_ns / info.run_cnt);
}

/* Empty programs on the same tracepoints: slowdown and cost that any program has here. */
static void measure_floor(void)
{
	double fault[2] = { 1e9, 1e9 }, sw[2] = { 1e9, 1e9 };
	struct floor_bpf *skel;

	for (int round = 0; round < ROUNDS; round++) {
		for (int traced = 0; traced < 2; traced++) {
			double f, s;

			skel = traced ? floor_bpf__open_and_load() : NULL;
			if (traced && (!skel || floor_bpf__attach(skel))) {
				fprintf(stderr, "np-bench: floor programs: %s\n", strerror(errno));
				exit(1);
			}
			f = fault_loop();
			s = switch_loop();
			fault[traced] = f < fault[traced] ? f : fault[traced];
			sw[traced] = s < sw[traced] ? s : sw[traced];
			floor_bpf__destroy(skel);
		}
	}
	set_bpf_stats(1);
	skel = floor_bpf__open_and_load();
	if (!skel || floor_bpf__attach(skel))
		exit(1);
	fault_loop();
	switch_loop();
	printf("floor: empty programs on the same tracepoints (kernel.bpf_stats_enabled):\n");
	print_prog(skel->progs.floor_switch);
	print_prog(skel->progs.floor_fault);
	floor_bpf__destroy(skel);
	set_bpf_stats(0);
	printf("floor page-fault loop:     slowdown %+.1f%%\n", (fault[1] / fault[0] - 1) * 100);
	printf("floor context-switch loop: slowdown %+.1f%%\n", (sw[1] / sw[0] - 1) * 100);
}

/* As numaplace's main sets it: a probe that says no is not a warning to show. */
static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

int main(void)
{
	struct np_sampler_opts opts = { .sample_every = 64, .max_threads = 65536 };
	double fault[2] = { 1e9, 1e9 }, sw[2] = { 1e9, 1e9 };
	struct np_prog_stats stats[32];
	struct np_sampler *sampler = NULL;
	struct np_sample_data data;
	struct np_topo topo;
	pid_t self = getpid();
	char msg[512];
	int n;

	libbpf_set_print(quiet_libbpf);
	if (np_topo_discover("/", &topo, msg, sizeof(msg))) {
		fprintf(stderr, "np-bench: %s\n", msg);
		return 1;
	}
	opts.pids = &self;
	opts.npids = 1;
	opts.want_kprobe = true;
	set_bpf_stats(0);
	for (int round = 0; round <= ROUNDS; round++) {
		for (int traced = 0; traced < 2; traced++) {
			bool cost_round = round == ROUNDS;
			double f, s;

			if (cost_round && !traced)
				continue;
			if (cost_round)
				set_bpf_stats(1);
			if (traced && np_sampler_start(&topo, &opts, &sampler, msg, sizeof(msg))) {
				fprintf(stderr, "np-bench: %s\n", msg);
				return 1;
			}
			f = fault_loop();
			s = switch_loop();
			if (!cost_round) {
				fault[traced] = f < fault[traced] ? f : fault[traced];
				sw[traced] = s < sw[traced] ? s : sw[traced];
			}
			if (!traced)
				continue;
			np_sampler_poll(sampler, 0);
			if (cost_round) {
				n = np_sampler_prog_stats(sampler, stats, 32);
				printf("BPF program cost per event (kernel.bpf_stats_enabled, sample 1 in %u):\n",
				       opts.sample_every);
				for (int i = 0; i < n && i < 32; i++)
					if (stats[i].run_cnt)
						printf("  %-16s %10llu runs  %7.1f ns/run\n", stats[i].name,
						       (unsigned long long)stats[i].run_cnt,
						       (double)stats[i].run_time_ns / stats[i].run_cnt);
				set_bpf_stats(0);
			}
			np_sampler_stop(sampler, &data);
			np_sample_data_free(&data);
			np_sampler_destroy(sampler);
			sampler = NULL;
		}
	}
	measure_floor();
	printf("sampler page-fault loop:     %7.0f ns/fault untraced, %7.0f traced: slowdown %+.1f%%\n",
	       fault[0] * 1e9, fault[1] * 1e9, (fault[1] / fault[0] - 1) * 100);
	printf("sampler context-switch loop: %7.0f ns/round trip untraced, %7.0f traced: slowdown %+.1f%%\n",
	       sw[0] * 1e9, sw[1] * 1e9, (sw[1] / sw[0] - 1) * 100);
	np_topo_free(&topo);
	return 0;
}
