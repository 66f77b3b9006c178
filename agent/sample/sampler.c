// SPDX-License-Identifier: GPL-2.0
/* The sampler's user-space half: lifecycle of bpf/sample.bpf.c (see sampler.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "lib/clock.h"
#include "lib/procfs.h"
#include "sample/bpf_ready.h"
#include "sample/map_read.h"
#include "sample/sampler.h"
#include "sample/sampler_proc.h"
#include "sample.skel.h"

/* Fault samples kept in memory at most; past it they are counted as dropped by the agent. */
#define MAX_SAMPLES (1 << 20)

struct np_sampler {
	struct sample_bpf *skel;
	struct ring_buffer *ring;
	struct np_fault_sample *samples;
	int nsamples, cap;
	__u64 agent_drops;
	__u64 start_ns;
	struct np_sampler_sources sources;
	bool attached; /* the programs run; else np_sampler_detach() left them loaded */
};

/* One tracepoint, its two program variants. */
struct tp_pair {
	const char *event;
	struct bpf_program *btf, *raw;
	bool *source;
};

static int on_sample(void *ctx, void *data, size_t size)
{
	struct np_sampler *s = ctx;

	if (size < sizeof(struct np_fault_sample))
		return 0;
	if (s->nsamples == s->cap) {
		struct np_fault_sample *grown;
		int cap = s->cap ? s->cap * 2 : 4096;

		if (cap > MAX_SAMPLES || !(grown = realloc(s->samples, sizeof(*grown) * cap))) {
			s->agent_drops++;
			return 0;
		}
		s->samples = grown;
		s->cap = cap;
	}
	memcpy(&s->samples[s->nsamples++], data, sizeof(struct np_fault_sample));
	return 0;
}

static int fill_cpu_nodes(struct sample_bpf *skel, const struct np_topo *topo, char *msg,
			  size_t msglen)
{
	memset((void *)skel->rodata->cpu_node, NP_BPF_NODE_NONE, sizeof(skel->rodata->cpu_node));
	for (int i = 0; i < topo->nnodes; i++) {
		const struct np_node *node = &topo->nodes[i];

		if (node->id >= NP_BPF_MAX_NODES) {
			snprintf(msg, msglen,
				 "node %d: the sampler handles node ids below %d (this host has %d "
				 "nodes); not sampling rather than misattributing",
				 node->id, NP_BPF_MAX_NODES, topo->nnodes);
			return -E2BIG;
		}
		for (int cpu = 0; cpu < NP_BPF_MAX_CPUS; cpu++)
			if (np_cpuset_has(&node->cpus, cpu))
				((__u8 *)skel->rodata->cpu_node)[cpu] = (__u8)node->id;
	}
	return 0;
}

/* Kernel BTF: CO-RE relocations need it, and it tells which tracepoints exist. */
static int load_vmlinux_btf(struct btf **vmlinux, char *msg, size_t msglen)
{
	int err;

	*vmlinux = btf__load_vmlinux_btf();
	if (*vmlinux)
		return 0;
	err = -errno;
	snprintf(msg, msglen, "no kernel BTF (/sys/kernel/btf/vmlinux): the sampler needs a "
			      "kernel built with CONFIG_DEBUG_INFO_BTF");
	return err;
}

static int open_skel(struct np_sampler *s, char *msg, size_t msglen)
{
	int err;

	s->skel = sample_bpf__open();
	if (s->skel)
		return 0;
	err = -errno;
	snprintf(msg, msglen, "opening the BPF object: %s", strerror(-err));
	return err;
}

/* Read-only data and map sizes, fixed before load: cpu -> node table, filter mode, rate. */
static int configure(struct sample_bpf *skel, const struct np_topo *topo,
		     const struct np_sampler_opts *opts, char *msg, size_t msglen)
{
	int err = fill_cpu_nodes(skel, topo, msg, msglen);

	if (err)
		return err;
	skel->rodata->trace_all = opts->trace_all;
	skel->rodata->sample_every = opts->sample_every ? opts->sample_every : 1;
	if (opts->max_threads)
		bpf_map__set_max_entries(skel->maps.threads, opts->max_threads);
	return 0;
}

/* Each tracepoint the kernel has gets one of its two programs: tp_btf, or else raw_tp. */
static int choose_tracepoints(struct np_sampler *s, const struct btf *vmlinux, char *msg,
			      size_t msglen)
{
	struct sample_bpf *skel = s->skel;
	struct tp_pair pairs[] = {
		{ "sched_switch", skel->progs.switch_btf, skel->progs.switch_raw,
		  &s->sources.sched_switch },
		{ "page_fault_user", skel->progs.fault_btf, skel->progs.fault_raw,
		  &s->sources.page_fault },
		{ "sched_process_fork", skel->progs.fork_btf, skel->progs.fork_raw,
		  &s->sources.fork_exit },
		{ "sched_process_exec", skel->progs.exec_btf, skel->progs.exec_raw, NULL },
		{ "sched_process_exit", skel->progs.exit_btf, skel->progs.exit_raw, NULL },
		{ "mm_migrate_pages", skel->progs.migrate_btf, skel->progs.migrate_raw,
		  &s->sources.migrate },
		{ "sched_move_numa", skel->progs.move_numa_btf, skel->progs.move_numa_raw,
		  &s->sources.numa_moves },
		{ "sched_swap_numa", skel->progs.swap_numa_btf, skel->progs.swap_numa_raw, NULL },
	};

	for (size_t i = 0; i < NP_ARRAY_SIZE(pairs); i++) {
		/* a tracepoint the kernel lacks (no CONFIG_NUMA_BALANCING ...) is skipped */
		bool exists = np_btf_has_tracepoint(vmlinux, pairs[i].event) == NP_YES;

		bpf_program__set_autoload(pairs[i].btf, exists && s->sources.tp_btf);
		bpf_program__set_autoload(pairs[i].raw, exists && !s->sources.tp_btf);
		if (pairs[i].source)
			*pairs[i].source = exists;
	}
	if (s->sources.sched_switch)
		return 0;
	snprintf(msg, msglen, "the kernel has no sched_switch tracepoint");
	return -ENOENT;
}

/* Feature probes pick the programs: tp_btf where it attaches, the kprobe where allowed. */
static int choose_programs(struct np_sampler *s, const struct btf *vmlinux,
			   const struct np_sampler_opts *opts, char *msg, size_t msglen)
{
	struct np_probe_result tp_btf = {}, kprobe = {};
	int err;

	np_bpf_probe(NP_PROBE_TP_BTF, &tp_btf);
	/* for tests: the raw_tp twins must work where tp_btf does not, so they are exercised */
	s->sources.tp_btf = tp_btf.usable && !getenv("NP_FORCE_RAW_TP");
	err = choose_tracepoints(s, vmlinux, msg, msglen);
	if (err)
		return err;
	if (opts->want_kprobe)
		np_bpf_probe(NP_PROBE_KPROBE, &kprobe);
	s->sources.hint_kprobe = kprobe.usable;
	s->sources.hint_kprobe_error = opts->want_kprobe && !kprobe.usable ? kprobe.error : 0;
	bpf_program__set_autoload(s->skel->progs.hint_fault, kprobe.usable);
	return 0;
}

/* The verifier, and CO-RE relocations against this kernel. */
static int load(struct np_sampler *s, char *msg, size_t msglen)
{
	int err = sample_bpf__load(s->skel);

	if (err)
		snprintf(msg, msglen, "loading the BPF sampler: %s%s", strerror(-err),
			 err == -EPERM ? " (needs root, or CAP_BPF and CAP_PERFMON)" : "");
	return err;
}

/* The filter: the processes to trace (children follow through the fork handler). */
static int trace_pids(struct np_sampler *s, const struct np_sampler_opts *opts, char *msg,
		      size_t msglen)
{
	int fd = bpf_map__fd(s->skel->maps.traced_tgids);

	for (int i = 0; i < opts->npids; i++) {
		__u32 tgid = (__u32)opts->pids[i];
		__u8 one = 1;

		if (i < NP_FAST_TGIDS)
			s->skel->bss->fast_tgids[i] = tgid;
		else
			s->skel->bss->tgids_overflow = true;
		if (bpf_map_update_elem(fd, &tgid, &one, 0)) {
			int err = -errno;

			snprintf(msg, msglen, "tracing pid %d: %s", opts->pids[i], strerror(-err));
			return err;
		}
	}
	return 0;
}

static int sync_from_proc(struct np_sampler *s, bool attaching);

/* The fault samples' ring buffer, then attach (unless asked not to): the window runs. */
static int attach(struct np_sampler *s, bool detached, char *msg, size_t msglen)
{
	int err;

	s->ring = ring_buffer__new(bpf_map__fd(s->skel->maps.samples), on_sample, s, NULL);
	if (!s->ring) {
		err = -errno;
		snprintf(msg, msglen, "ring buffer: %s", strerror(-err));
		return err;
	}
	if (detached)
		return 0;
	/* the traced processes' threads running now are not switched in under the programs' eyes */
	err = sync_from_proc(s, true);
	if (!err)
		err = sample_bpf__attach(s->skel);
	if (err)
		snprintf(msg, msglen, "attaching the BPF sampler: %s", strerror(-err));
	else
		s->attached = true;
	return err;
}

int np_sampler_start(const struct np_topo *topo, const struct np_sampler_opts *opts,
		     struct np_sampler **out, char *msg, size_t msglen)
{
	struct np_sampler *s = calloc(1, sizeof(*s));
	struct btf *vmlinux = NULL;
	int err;

	if (!s)
		return -ENOMEM;
	err = load_vmlinux_btf(&vmlinux, msg, msglen);
	if (err)
		goto cleanup;
	err = open_skel(s, msg, msglen);
	if (err)
		goto cleanup;
	err = configure(s->skel, topo, opts, msg, msglen);
	if (err)
		goto cleanup;
	err = choose_programs(s, vmlinux, opts, msg, msglen);
	if (err)
		goto cleanup;
	err = load(s, msg, msglen);
	if (err)
		goto cleanup;
	err = trace_pids(s, opts, msg, msglen);
	if (err)
		goto cleanup;
	err = attach(s, opts->detached, msg, msglen);
	if (err)
		goto cleanup;
	s->start_ns = np_mono_ns();
	*out = s;
cleanup:
	btf__free(vmlinux);
	if (err)
		np_sampler_destroy(s);
	return err;
}

int np_sampler_poll(struct np_sampler *s, int timeout_ms)
{
	int n = ring_buffer__poll(s->ring, timeout_ms);

	return n == -EINTR ? 0 : n;
}

/*
 * A thread not switched in again since its last switch-in (on CPU still, or run and then
 * blocked) has a slice the switch handler has not charged: its sum_exec_runtime, in
 * /proc/<tgid>/task/<tid>/schedstat, gives it. The run time is read first and the entry looked
 * up again after: a switch-in in between has charged up to at least that run time, so nothing
 * is counted twice (the copy read before it would charge the slice to the old node, and the
 * next read would have it on the new one as well).
 */
static void charge_in_flight(int fd, pid_t tid, struct np_thread_stats *stats)
{
	struct np_thread_stats now;
	__u32 key = (__u32)tid;
	__u64 runtime;

	if (np_sampler_proc_runtime((pid_t)stats->tgid, tid, &runtime) ||
	    bpf_map_lookup_elem(fd, &key, &now) || now.tgid != stats->tgid)
		return; /* exited meanwhile: the exit handler charged it */
	if (now.on_cpu && now.last_node < NP_BPF_MAX_NODES && runtime > now.runtime_seen)
		now.cpu_ns[now.last_node] += runtime - now.runtime_seen;
	now.on_cpu = 0;
	*stats = now;
}

/*
 * Every entry of a tid- or tgid-keyed stats map, each once although exiting threads are
 * deleted meanwhile, in-flight time charged.
 */
static int read_stats_map(int fd, struct np_thread_sample **out, int *count)
{
	struct np_map_entries e;
	struct np_thread_sample *items = NULL;
	int err = np_map_read_u32(fd, sizeof(struct np_thread_stats), &e);

	if (!err && e.n && !(items = calloc(e.n, sizeof(*items))))
		err = -ENOMEM;
	if (err) {
		np_map_entries_free(&e);
		return err;
	}
	for (int i = 0; i < e.n; i++) {
		items[i].tid = (pid_t)e.keys[i];
		memcpy(&items[i].stats, (char *)e.values + i * sizeof(items[i].stats),
		       sizeof(items[i].stats));
		if (items[i].stats.on_cpu)
			charge_in_flight(fd, items[i].tid, &items[i].stats);
	}
	*out = items;
	*count = e.n;
	np_map_entries_free(&e);
	return 0;
}

/* Faults of threads still running when the window closed wait in their CPU's slot. */
static void add_slot_faults(struct np_sampler *s, struct np_sample_data *data)
{
	for (int cpu = 0; cpu < NP_BPF_MAX_CPUS; cpu++) {
		const struct running_slot *slot = &s->skel->bss->running[cpu];
		__u8 node = s->skel->rodata->cpu_node[cpu];

		if (!slot->tid || !slot->faults || node >= NP_BPF_MAX_NODES)
			continue;
		for (int i = 0; i < data->nthreads; i++)
			if (data->threads[i].tid == (pid_t)slot->tid)
				data->threads[i].stats.faults[node] += slot->faults;
	}
}

/* What the maps hold now, the window still open: cumulative per thread since the start. */
static int read_window(struct np_sampler *s, struct np_sample_data *data)
{
	int ncpus = libbpf_num_possible_cpus(), err;
	__u64 *percpu;

	memset(data, 0, sizeof(*data));
	data->window_ns = np_mono_ns() - s->start_ns;
	ring_buffer__consume(s->ring);

	/*
	 * Exited totals first: a thread exiting between the two reads is then missing from this
	 * snapshot (and counted in the next), not in both maps at once, which a reader of
	 * differences would keep for good.
	 */
	err = read_stats_map(bpf_map__fd(s->skel->maps.exited), &data->exited, &data->nexited);
	if (!err)
		err = read_stats_map(bpf_map__fd(s->skel->maps.threads), &data->threads,
				     &data->nthreads);
	if (!err)
		add_slot_faults(s, data);
	if (err) {
		np_sample_data_free(data);
		return err;
	}
	/* event counts of traced threads: kept per thread so the hot path has no counter */
	for (int pass = 0; pass < 2; pass++) {
		const struct np_thread_sample *items = pass ? data->exited : data->threads;
		int count = pass ? data->nexited : data->nthreads;

		for (int i = 0; i < count; i++) {
			data->counters[NP_CNT_SWITCH_EVENTS] += items[i].stats.switches;
			data->counters[NP_CNT_FAULT_EVENTS] += np_node_sum(items[i].stats.faults);
		}
	}

	percpu = calloc(ncpus > 0 ? ncpus : 1, sizeof(__u64));
	if (!percpu) {
		np_sample_data_free(data);
		return -ENOMEM;
	}
	for (__u32 i = 0; i < NP_CNT_COUNT && ncpus > 0; i++) {
		if (bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.counters), &i, percpu))
			continue;
		for (int cpu = 0; cpu < ncpus; cpu++)
			data->counters[i] += percpu[cpu];
	}
	free(percpu);
	data->counters[NP_CNT_SAMPLE_DROPS] += s->agent_drops;

	/* hand the samples over */
	data->samples = s->samples;
	data->nsamples = s->nsamples;
	s->samples = NULL;
	s->nsamples = s->cap = 0;
	data->sources = s->sources;
	return 0;
}

int np_sampler_stop(struct np_sampler *s, struct np_sample_data *data)
{
	/* detach first: what is read is then a closed window */
	sample_bpf__detach(s->skel);
	s->attached = false;
	return read_window(s, data);
}

/* Detached: the maps learn from /proc what the programs would have told them. */
static struct np_sampler_maps maps_of(struct np_sampler *s)
{
	struct np_sampler_maps m = {
		.threads_fd = bpf_map__fd(s->skel->maps.threads),
		.exited_fd = bpf_map__fd(s->skel->maps.exited),
		.traced_fd = bpf_map__fd(s->skel->maps.traced_tgids),
		.running = s->skel->bss->running,
		.cpu_node = (const __u8 *)s->skel->rodata->cpu_node,
	};

	return m;
}

static int sync_from_proc(struct np_sampler *s, bool attaching)
{
	struct np_sampler_maps m = maps_of(s);
	pid_t *tgids;
	int n, err;

	/* tracing every process (report, top without --pid): every process's threads at attach */
	if (attaching && s->skel->rodata->trace_all)
		err = np_proc_list("/", &tgids, &n);
	else
		err = np_sampler_traced(s, &tgids, &n);

	if (err)
		return err;
	err = np_sampler_proc_sync(&m, tgids, n, attaching);
	free(tgids);
	return err;
}

int np_sampler_snapshot(struct np_sampler *s, struct np_sample_data *data)
{
	int err = s->attached ? 0 : sync_from_proc(s, false);

	return err ? err : read_window(s, data);
}

void np_sampler_detach(struct np_sampler *s)
{
	if (!s->attached)
		return;
	/* bpf_link__destroy() of each link: the programs and maps stay */
	sample_bpf__detach(s->skel);
	s->attached = false;
	/*
	 * A program that started before its link went may still run on another CPU: a grace
	 * period (membarrier's global command is synchronize_rcu(); tracepoint programs run
	 * inside one) before the maps are written from here. Refused (nohz_full): a pause.
	 */
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		usleep(20000);
	/*
	 * at once: a thread with a slice not charged yet (switched in and not again since)
	 * keeps it if it exits before the next snapshot; one exiting in the grace period does not
	 */
	sync_from_proc(s, false);
}

int np_sampler_attach(struct np_sampler *s, char *msg, size_t msglen)
{
	int err;

	if (s->attached)
		return 0;
	/* the maps as of now: the switch handler goes on from there */
	err = sync_from_proc(s, true);
	if (!err)
		err = sample_bpf__attach(s->skel);
	if (err) {
		sample_bpf__detach(s->skel); /* the links that did attach */
		snprintf(msg, msglen, "attaching the BPF sampler: %s", strerror(-err));
		return err;
	}
	s->attached = true;
	return 0;
}

bool np_sampler_attached(const struct np_sampler *s)
{
	return s->attached;
}

/* A fast slot for tgid, as the fork handler claims free slots; the overflow flag when full. */
static void claim_fast_slot(struct np_sampler *s, __u32 tgid)
{
	for (int i = 0; i < NP_FAST_TGIDS; i++) {
		__u64 expected = 0;

		if (s->skel->bss->fast_tgids[i] == tgid)
			return;
		if (__atomic_compare_exchange_n(&s->skel->bss->fast_tgids[i], &expected, (__u64)tgid,
						false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return;
	}
	s->skel->bss->tgids_overflow = true;
}

int np_sampler_trace(struct np_sampler *s, pid_t pid)
{
	__u32 tgid = (__u32)pid;
	__u8 one = 1;

	if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.traced_tgids), &tgid, &one, BPF_ANY))
		return -errno;
	claim_fast_slot(s, tgid);
	if (s->attached) {
		/* its threads running now are not switched in under the programs' eyes */
		struct np_sampler_maps m = maps_of(s);

		np_sampler_proc_seed(&m, pid);
	}
	return 0;
}

/*
 * The thread entries of a process no longer traced: a later process given the same pid must
 * not inherit them (its main thread's tid is the same). The programs create no entry for an
 * untraced process, so none comes back.
 */
static void forget_threads(struct np_sampler *s, __u32 tgid)
{
	int fd = bpf_map__fd(s->skel->maps.threads);
	struct np_map_entries e;

	if (np_map_read_u32(fd, sizeof(struct np_thread_stats), &e))
		return;
	for (int i = 0; i < e.n; i++) {
		const struct np_thread_stats *st =
			(const struct np_thread_stats *)((char *)e.values + i * sizeof(*st));

		if (st->tgid == tgid)
			bpf_map_delete_elem(fd, &e.keys[i]);
	}
	np_map_entries_free(&e);
}

void np_sampler_forget(struct np_sampler *s, pid_t pid)
{
	__u32 tgid = (__u32)pid;

	for (int i = 0; i < NP_FAST_TGIDS; i++) {
		__u64 expected = tgid;

		__atomic_compare_exchange_n(&s->skel->bss->fast_tgids[i], &expected, 0, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
	bpf_map_delete_elem(bpf_map__fd(s->skel->maps.traced_tgids), &tgid);
	bpf_map_delete_elem(bpf_map__fd(s->skel->maps.exited), &tgid);
	forget_threads(s, tgid);
}

int np_sampler_traced(struct np_sampler *s, pid_t **pids, int *count)
{
	int fd = bpf_map__fd(s->skel->maps.traced_tgids), n = 0, cap = 0;
	__u32 key, next, *prev = NULL;
	pid_t *list = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (n == cap) {
			pid_t *grown = realloc(list, sizeof(*list) * (cap = cap ? cap * 2 : 64));

			if (!grown) {
				free(list);
				return -ENOMEM;
			}
			list = grown;
		}
		list[n++] = (pid_t)key;
	}
	*pids = list;
	*count = n;
	return 0;
}

int np_sampler_prog_stats(struct np_sampler *s, struct np_prog_stats *stats, int max)
{
	struct bpf_program *prog;
	int n = 0;

	bpf_object__for_each_program(prog, s->skel->obj)
	{
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (bpf_program__fd(prog) < 0)
			continue; /* not loaded: the other variant, or a source the kernel lacks */
		if (n < max) {
			/* libbpf 1.1 has no bpf_prog_get_info_by_fd */
			if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
				memset(&info, 0, sizeof(info));
			snprintf(stats[n].name, sizeof(stats[n].name), "%s", bpf_program__name(prog));
			stats[n].run_time_ns = info.run_time_ns;
			stats[n].run_cnt = info.run_cnt;
		}
		n++;
	}
	return n;
}

void np_sampler_destroy(struct np_sampler *s)
{
	if (!s)
		return;
	ring_buffer__free(s->ring);
	sample_bpf__destroy(s->skel);
	free(s->samples);
	free(s);
}

void np_sample_data_free(struct np_sample_data *data)
{
	free(data->threads);
	free(data->exited);
	free(data->samples);
	memset(data, 0, sizeof(*data));
}
