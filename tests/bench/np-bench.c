// SPDX-License-Identifier: GPL-2.0
/*
 * `make bench`, sampler part: what numaplace's BPF programs cost.
 *
 * 1. Slowdown: a page-fault-heavy loop (touch 64 MB of 4 KiB pages, unmap, again) and a
 *    context-switch-heavy loop (two threads on one CPU ping-pong through pipes), untraced and
 *    traced by the sampler (tracing this very process) at default settings, alternated over
 *    rounds; the medians are compared, and their difference is the time each event gained.
 *    Statistics are off meanwhile: they cost time of their own.
 * 2. Per event: a last traced round with kernel.bpf_stats_enabled=1, reading each program's
 *    run_time_ns / run_cnt (the caller restores the sysctl).
 * 3. The floor: the same with bpf/floor.bpf.c, programs that return at once, to show what any
 *    program on these tracepoints costs here. Printed beside the sampler's figures.
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

#define ROUNDS 7

/* One set of programs on the two hot tracepoints: loop times and cost per run. */
struct figures {
	double fault[2][ROUNDS], sw[2][ROUNDS]; /* [traced][round]: s/fault, s/switch */
	double fault_run_ns, switch_run_ns; /* kernel.bpf_stats_enabled: run_time / run_cnt */
	double wake_run_ns;		     /* the same for switches across CPUs, to idle */
};

static void set_bpf_stats(int on)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "w");

	if (!f || fprintf(f, "%d\n", on) < 0 || fclose(f)) {
		perror("np-bench: kernel.bpf_stats_enabled");
		exit(1);
	}
}

static double prog_ns(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len) || !info.run_cnt)
		return 0;
	return (double)info.run_time_ns / info.run_cnt;
}

/* The attach and detach of one set of programs (the sampler's or the floor's). */
struct programs {
	void (*attach)(void);
	void (*detach)(void);
	/* per-run cost, read while attached: the switch's into *switch_ns */
	void (*cost)(struct figures *f, double *switch_ns);
};

/*
 * Alternated rounds (which state goes first alternates too), then a last traced round with
 * the kernel's statistics on for the cost per run.
 */
static void measure(const struct programs *p, struct figures *f)
{
	for (int round = 0; round < ROUNDS; round++)
		for (int k = 0; k < 2; k++) {
			int traced = (round + k) % 2;

			if (traced)
				p->attach();
			f->fault[traced][round] = fault_loop();
			f->sw[traced][round] = switch_loop() / 2; /* a round trip is two switches */
			if (traced)
				p->detach();
		}
	set_bpf_stats(1);
	p->attach();
	fault_loop();
	switch_loop();
	p->cost(f, &f->switch_run_ns);
	p->detach();
	p->attach(); /* fresh counts for the switches across CPUs */
	switch_loop_on(false);
	p->cost(f, &f->wake_run_ns);
	p->detach();
	set_bpf_stats(0);
}

static struct floor_bpf *floor_skel;

static void floor_attach(void)
{
	floor_skel = floor_bpf__open_and_load();
	if (!floor_skel || floor_bpf__attach(floor_skel)) {
		fprintf(stderr, "np-bench: floor programs: %s\n", strerror(errno));
		exit(1);
	}
}

static void floor_detach(void)
{
	floor_bpf__destroy(floor_skel);
	floor_skel = NULL;
}

static void floor_cost(struct figures *f, double *switch_ns)
{
	*switch_ns = prog_ns(bpf_program__fd(floor_skel->progs.floor_switch));
	if (switch_ns == &f->switch_run_ns)
		f->fault_run_ns = prog_ns(bpf_program__fd(floor_skel->progs.floor_fault));
}

static struct np_topo topo;
static struct np_sampler *sampler;
static pid_t self;

static void sampler_attach(void)
{
	struct np_sampler_opts opts = { .sample_every = 64, .max_threads = 65536 };
	char msg[512];

	opts.pids = &self;
	opts.npids = 1;
	opts.want_kprobe = true;
	if (np_sampler_start(&topo, &opts, &sampler, msg, sizeof(msg))) {
		fprintf(stderr, "np-bench: %s\n", msg);
		exit(1);
	}
}

static void sampler_detach(void)
{
	struct np_sample_data data;

	np_sampler_poll(sampler, 0);
	np_sampler_stop(sampler, &data);
	np_sample_data_free(&data);
	np_sampler_destroy(sampler);
	sampler = NULL;
}

static void sampler_cost(struct figures *f, double *switch_ns)
{
	struct np_prog_stats stats[32];
	int n = np_sampler_prog_stats(sampler, stats, 32);

	for (int i = 0; i < n && i < 32; i++) {
		double ns = stats[i].run_cnt ? (double)stats[i].run_time_ns / stats[i].run_cnt : 0;

		/* the tp_btf program or its raw_tp twin, whichever the probe loaded */
		if (!strncmp(stats[i].name, "switch_", 7) && stats[i].run_cnt)
			*switch_ns = ns;
		if (switch_ns == &f->switch_run_ns && !strncmp(stats[i].name, "fault_", 6) &&
		    stats[i].run_cnt)
			f->fault_run_ns = ns;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v)
{
	double sorted[ROUNDS];

	memcpy(sorted, v, sizeof(sorted));
	qsort(sorted, ROUNDS, sizeof(*sorted), cmp_double);
	return sorted[ROUNDS / 2] * 1e9;
}

static void print_loop(const char *what, const char *unit, const double (*s)[ROUNDS],
		       const double (*fl)[ROUNDS])
{
	double off = median(s[0]), on = median(s[1]), fl_off = median(fl[0]), fl_on = median(fl[1]);

	printf("  %-16s %-9s %9.1f %9.1f %+8.1f ns %+6.1f%%   %+8.1f ns %+6.1f%%\n", what, unit,
	       off, on, on - off, (on / off - 1) * 100, fl_on - fl_off, (fl_on / fl_off - 1) * 100);
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
	static const struct programs sampler_progs = { sampler_attach, sampler_detach,
						       sampler_cost };
	static const struct programs floor_progs = { floor_attach, floor_detach, floor_cost };
	static struct figures smp, flr;
	char msg[512];

	libbpf_set_print(quiet_libbpf);
	self = getpid();
	if (np_topo_discover("/", &topo, msg, sizeof(msg))) {
		fprintf(stderr, "np-bench: %s\n", msg);
		return 1;
	}
	set_bpf_stats(0);
	measure(&sampler_progs, &smp);
	measure(&floor_progs, &flr);
	printf("cost per event of a traced thread (kernel.bpf_stats_enabled: run_time / run_cnt,\n"
	       "sample 1 in 64; floor: a program that returns at once, on the same tracepoint)\n");
	printf("  %-16s %9s %9s %9s\n", "event", "sampler", "floor", "goal");
	printf("  %-16s %6.1f ns %6.1f ns %9s\n", "sched_switch", smp.switch_run_ns,
	       flr.switch_run_ns, "<= 100 ns");
	printf("  %-16s %6.1f ns %6.1f ns %9s   (across CPUs: to and from idle, caches cold)\n",
	       "  waking", smp.wake_run_ns, flr.wake_run_ns, "<= 100 ns");
	printf("  %-16s %6.1f ns %6.1f ns %9s\n", "page fault", smp.fault_run_ns, flr.fault_run_ns,
	       "< 70 ns");
	printf("the same seen by the traced process: medians of %d rounds, untraced and traced "
	       "alternated\n",
	       ROUNDS);
	printf("  %-16s %-9s %9s %9s %19s   %19s\n", "loop", "unit", "untraced", "traced",
	       "sampler adds", "floor adds");
	print_loop("page faults", "ns/fault", smp.fault, flr.fault);
	print_loop("context switches", "ns/switch", smp.sw, flr.sw);
	np_topo_free(&topo);
	return 0;
}
