// SPDX-License-Identifier: GPL-2.0
/* `numaplace report --json`: the document described in README.md ("report JSON"). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "output/expected_output.h"
#include "output/json_doc.h"
#include "output/json_text.h"
#include "output/report_output.h"
#include "output/shared_output.h"

/* Lists indexed by node id run up to the highest online node. */
static int node_span(const struct np_topo *topo)
{
	int span = 0;

	for (int i = 0; i < topo->nnodes; i++)
		if (topo->nodes[i].id + 1 > span)
			span = topo->nodes[i].id + 1;
	return span < NP_BPF_MAX_NODES ? span : NP_BPF_MAX_NODES;
}

static struct json_object *by_node(const __u64 *values, int span)
{
	struct json_object *list = json_object_new_array();

	for (int n = 0; n < span; n++)
		json_object_array_add(list, json_object_new_int64((int64_t)values[n]));
	return list;
}

static struct json_object *node_or_null(int node)
{
	return node < 0 ? NULL : json_object_new_int(node);
}

static struct json_object *thread_json(const struct np_thread_model *t, int span)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "tid", json_object_new_int(t->tid));
	json_object_object_add(o, "comm", np_json_text(t->comm));
	json_object_object_add(o, "cpu_ns_by_node", by_node(t->stats.cpu_ns, span));
	json_object_object_add(o, "faults_by_node", by_node(t->stats.faults, span));
	json_object_object_add(o, "node_changes", json_object_new_int64(t->stats.node_changes));
	json_object_object_add(o, "busiest_node", node_or_null(t->busiest_node));
	json_object_object_add(o, "remote_ratio", np_json_fixed(t->remote_ratio, 3));
	json_object_object_add(o, "numa_task_moves", json_object_new_int64(t->stats.numa_moves));
	return o;
}

/* Who said which accelerators it uses, and its GPU memory on each where that source counts it:
 * "accelerator_source", "accelerator_devices": [ { "pci", "node", "gpu_memory_mb" } ]. */
static void add_accel(struct json_object *o, const struct np_topo *topo,
		      const struct np_accel_use *use)
{
	const char *source = np_accel_source_name(use->source);
	struct json_object *devices = json_object_new_array();

	json_object_object_add(o, "accelerator_source",
			       source ? json_object_new_string(source) : NULL);
	for (int i = 0; i < use->ndevices; i++) {
		const struct np_device *dev = &topo->devices[use->devices[i]];
		struct json_object *d = json_object_new_object();

		json_object_object_add(d, "pci", json_object_new_string(dev->pci));
		json_object_object_add(d, "node",
				       dev->node >= 0 ? json_object_new_int(dev->node) : NULL);
		json_object_object_add(
			d, "gpu_memory_mb",
			use->bytes[i] >= 0 ? np_json_fixed(use->bytes[i] / 1048576.0, 1) : NULL);
		json_object_array_add(devices, d);
	}
	json_object_object_add(o, "accelerator_devices", devices);
}

/*
 * "container": {"runtime", "id", "pod_uid", "qos"} or null, "unit", "cgroup" (null unknown).
 * A pod's process whose container is not recognised still has its pod; monitor and kubepods
 * say what the runtime ran there and who owns the cgroup.
 */
static void add_identity(struct json_object *o, const struct np_proc_model *p)
{
	const struct np_cgroup_id *id = &p->cgroup.id;
	struct json_object *c = NULL;

	if (id->container_id[0] || id->pod_uid[0] || id->kubepods) {
		c = json_object_new_object();
		json_object_object_add(
			c, "runtime",
			id->runtime ? json_object_new_string(np_runtime_name(id->runtime)) : NULL);
		json_object_object_add(
			c, "id",
			id->container_id[0] ? json_object_new_string(id->container_id) : NULL);
		json_object_object_add(c, "pod_uid",
				       id->pod_uid[0] ? json_object_new_string(id->pod_uid) : NULL);
		json_object_object_add(
			c, "qos", id->qos ? json_object_new_string(np_qos_name(id->qos)) : NULL);
		json_object_object_add(c, "monitor", json_object_new_boolean(id->monitor));
		json_object_object_add(c, "kubepods", json_object_new_boolean(id->kubepods));
	}
	json_object_object_add(o, "container", c);
	json_object_object_add(o, "unit", id->unit[0] ? np_json_text(id->unit) : NULL);
	json_object_object_add(o, "cgroup",
			       p->cgroup.path[0] ? np_json_text(p->cgroup.path) : NULL);
}

/* "expected": the prediction of its recommended plan (place --node TARGET), null without. */
static void add_expected(struct json_object *o, const struct np_report *r,
			 const struct np_proc_model *p)
{
	struct np_expected e;

	json_object_object_add(o, "expected",
			       np_report_expected(r, p, &e) && e.valid ? np_expected_json(&e)
								       : NULL);
}

static struct json_object *proc_json(const struct np_report *report, const struct np_proc_model *p)
{
	struct json_object *o = json_object_new_object(), *threads = json_object_new_array();
	struct json_object *devices = json_object_new_array(), *autonuma = json_object_new_object();
	const struct np_shared_files *shared;
	int span = node_span(report->topo);

	json_object_object_add(o, "pid", json_object_new_int(p->info.pid));
	json_object_object_add(o, "comm", np_json_text(p->info.comm));
	json_object_object_add(o, "cmdline",
			       np_json_text(p->info.cmdline)); /* kernel thread: null */
	json_object_object_add(o, "start_time_ticks",
			       json_object_new_int64((int64_t)p->info.start_time));
	json_object_object_add(o, "exited", json_object_new_boolean(p->exited));
	add_identity(o, p);
	json_object_object_add(o, "threads", json_object_new_int(p->exited ? p->nthreads
									     : p->info.nthreads));
	json_object_object_add(o, "rss_mb", np_json_fixed(p->info.rss_kb / 1024.0, 1));
	json_object_object_add(o, "cpu_ns_by_node", by_node(p->totals.cpu_ns, span));
	json_object_object_add(o, "faults_by_node", by_node(p->totals.faults, span));
	json_object_object_add(o, "pages_by_node",
			       p->has_residency ? by_node(p->residency.pages, span) : NULL);
	json_object_object_add(o, "file_pages_by_node",
			       p->has_residency ? by_node(p->residency.file_pages, span) : NULL);
	json_object_object_add(o, "remote_ratio", np_json_fixed(p->remote_ratio, 3));
	json_object_object_add(o, "remote_ratio_sampled",
			       np_json_fixed(p->remote_ratio_sampled, 3));
	json_object_object_add(o, "remote_ratio_sampled_source",
			       p->sampled_source ? json_object_new_string(p->sampled_source) : NULL);
	json_object_object_add(o, "first_touch_remote_ratio",
			       np_json_fixed(p->first_touch_remote, 3));
	json_object_object_add(o, "samples", json_object_new_int(p->samples));
	json_object_object_add(o, "samples_resolved", json_object_new_int(p->samples_resolved));
	json_object_object_add(o, "node_changes", json_object_new_int64(p->totals.node_changes));
	json_object_object_add(o, "target_node", node_or_null(p->target_node));
	json_object_object_add(o, "target_reason", np_json_string_or_null(p->target_reason));
	json_object_object_add(
		o, "cpuset_conflict",
		report->cpuset_conflicts && report->cpuset_conflicts[p - report->procs]
			? json_object_new_string(report->cpuset_conflicts[p - report->procs])
			: NULL);
	add_expected(o, report, p);
	for (int i = 0; i < p->accel.ndevices; i++)
		json_object_array_add(devices, json_object_new_string(
						       report->topo->devices[p->accel.devices[i]].pci));
	json_object_object_add(o, "devices", devices);
	json_object_object_add(o, "devices_unidentified",
			       json_object_new_boolean(p->accel.unidentified));
	add_accel(o, report->topo, &p->accel);
	json_object_object_add(autonuma, "pages_migrated",
			       json_object_new_int64(p->totals.numa_migrated));
	json_object_object_add(autonuma, "task_moves", json_object_new_int64(p->totals.numa_moves));
	json_object_object_add(autonuma, "hint_faults_local",
			       json_object_new_int64(p->totals.hint_local));
	json_object_object_add(autonuma, "hint_faults_remote",
			       json_object_new_int64(p->totals.hint_remote));
	json_object_object_add(o, "autonuma", autonuma);
	for (int i = 0; i < p->nthreads; i++)
		json_object_array_add(threads, thread_json(&p->threads[i], span));
	json_object_object_add(o, "per_thread", threads);
	shared = report->shared ? &report->shared[p - report->procs] : NULL;
	json_object_object_add(o, "shared_files", np_shared_files_json(shared));
	return o;
}

static struct json_object *host_json(const struct np_report *report)
{
	const struct np_sample_data *d = &report->data;
	const struct np_sampler_sources *src = &d->sources;
	struct json_object *sources = json_object_new_object(), *events = json_object_new_object();
	struct json_object *migrations = json_object_new_object(), *drops = json_object_new_object();
	struct json_object *o = json_object_new_object(), *balancing = json_object_new_object();
	int mode = report->topo->kernel.numa_balancing;

	json_object_object_add(balancing, "mode", mode < 0 ? NULL : json_object_new_int(mode));
	json_object_object_add(balancing, "mode_name",
			       json_object_new_string(np_numa_balancing_mode_name(mode)));
	json_object_object_add(o, "numa_balancing", balancing);

	json_object_object_add(sources, "program_type",
			       json_object_new_string(src->tp_btf ? "tp_btf" : "raw_tp"));
	json_object_object_add(sources, "sched_switch", json_object_new_boolean(src->sched_switch));
	json_object_object_add(sources, "page_fault_user", json_object_new_boolean(src->page_fault));
	json_object_object_add(sources, "fork_exec_exit", json_object_new_boolean(src->fork_exit));
	json_object_object_add(sources, "mm_migrate_pages", json_object_new_boolean(src->migrate));
	json_object_object_add(sources, "sched_numa_moves", json_object_new_boolean(src->numa_moves));
	json_object_object_add(sources, "task_numa_fault_kprobe",
			       json_object_new_boolean(src->hint_kprobe));
	json_object_object_add(sources, "task_numa_fault_kprobe_error",
			       src->hint_kprobe_error
				       ? json_object_new_string(strerror(-src->hint_kprobe_error))
				       : NULL);
	json_object_object_add(o, "sources", sources);

	json_object_object_add(events, "sched_switch_traced",
			       json_object_new_int64(d->counters[NP_CNT_SWITCH_EVENTS]));
	json_object_object_add(events, "page_fault_user_traced",
			       json_object_new_int64(d->counters[NP_CNT_FAULT_EVENTS]));
	json_object_object_add(events, "fault_samples",
			       json_object_new_int64(d->counters[NP_CNT_SAMPLES]));
	json_object_object_add(events, "forks_followed",
			       json_object_new_int64(d->counters[NP_CNT_FORKS_FOLLOWED]));
	json_object_object_add(events, "execs", json_object_new_int64(d->counters[NP_CNT_EXECS]));
	json_object_object_add(events, "thread_exits",
			       json_object_new_int64(d->counters[NP_CNT_EXITS]));
	json_object_object_add(o, "events", events);

	json_object_object_add(drops, "fault_samples",
			       json_object_new_int64(d->counters[NP_CNT_SAMPLE_DROPS]));
	json_object_object_add(drops, "threads",
			       json_object_new_int64(d->counters[NP_CNT_THREAD_DROPS]));
	json_object_object_add(drops, "cpus_unmapped",
			       json_object_new_int64(d->counters[NP_CNT_CPU_UNMAPPED]));
	json_object_object_add(o, "drops", drops);

	json_object_object_add(migrations, "numa_misplaced_pages",
			       json_object_new_int64(d->counters[NP_CNT_MIGRATE_NUMA]));
	json_object_object_add(migrations, "syscall_pages",
			       json_object_new_int64(d->counters[NP_CNT_MIGRATE_SYSCALL]));
	json_object_object_add(migrations, "other_pages",
			       json_object_new_int64(d->counters[NP_CNT_MIGRATE_OTHER]));
	json_object_object_add(migrations, "failed_pages",
			       json_object_new_int64(d->counters[NP_CNT_MIGRATE_FAILED]));
	json_object_object_add(migrations, "numa_task_moves",
			       json_object_new_int64(d->counters[NP_CNT_NUMA_MOVES]));
	json_object_object_add(migrations, "hint_faults",
			       json_object_new_int64(d->counters[NP_CNT_HINT_FAULTS]));
	json_object_object_add(o, "kernel_migrations", migrations);
	return o;
}

struct json_object *np_report_to_json(const struct np_report *report)
{
	struct json_object *doc = host_json(report), *procs = json_object_new_array();
	struct json_object *wrapped = np_json_doc(NP_REPORT_SCHEMA);

	json_object_object_add(wrapped, "window_s", np_json_fixed(report->data.window_ns / 1e9, 3));
	json_object_object_add(wrapped, "sample_every",
			       json_object_new_int((int)report->sample_every));
	json_object_object_foreach(doc, key, value)
	{
		json_object_object_add(wrapped, key, json_object_get(value));
	}
	json_object_put(doc);
	for (int i = 0; i < report->nprocs; i++)
		json_object_array_add(procs, proc_json(report, &report->procs[i]));
	json_object_object_add(wrapped, "processes", procs);
	return wrapped;
}
