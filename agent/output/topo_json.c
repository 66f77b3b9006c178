// SPDX-License-Identifier: GPL-2.0
/* `numaplace topo --json`: the stable document described in README.md ("topo JSON"). */
#include <stdio.h>
#include <string.h>

#include "output/json_doc.h"
#include "output/topo_output.h"

static struct json_object *hex_string(unsigned int value, int width)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%0*x", width, value);
	return json_object_new_string(buf);
}

/* Unknown facts are JSON null, never a guessed value. */
static struct json_object *tristate(enum np_tristate value)
{
	return value == NP_UNKNOWN ? NULL : json_object_new_boolean(value == NP_YES);
}

static struct json_object *nodes_json(const struct np_topo *topo)
{
	struct json_object *nodes = json_object_new_array();

	for (int i = 0; i < topo->nnodes; i++) {
		const struct np_node *node = &topo->nodes[i];
		struct json_object *o = json_object_new_object(), *dist = json_object_new_array();
		char cpus[NP_CPULIST_MAX]; /* any set fits */

		np_cpulist_format(&node->cpus, cpus, sizeof(cpus));
		for (int j = 0; j < topo->nnodes; j++)
			json_object_array_add(dist, json_object_new_int(node->distance[j]));
		json_object_object_add(o, "id", json_object_new_int(node->id));
		json_object_object_add(o, "cpus", json_object_new_string(cpus));
		json_object_object_add(o, "mem_total_mb",
				       json_object_new_int64(node->mem_total_kb / 1024));
		json_object_object_add(o, "mem_free_mb",
				       json_object_new_int64(node->mem_free_kb / 1024));
		json_object_object_add(o, "distances", dist);
		json_object_array_add(nodes, o);
	}
	return nodes;
}

static struct json_object *devices_json(const struct np_topo *topo)
{
	struct json_object *devices = json_object_new_array();

	for (int i = 0; i < topo->ndevices; i++) {
		const struct np_device *dev = &topo->devices[i];
		struct json_object *o = json_object_new_object(), *irqs = json_object_new_array();

		for (int j = 0; j < dev->nirqs; j++)
			json_object_array_add(irqs, json_object_new_int(dev->irqs[j]));
		json_object_object_add(o, "pci", json_object_new_string(dev->pci));
		json_object_object_add(o, "vendor", hex_string(dev->vendor, 4));
		json_object_object_add(o, "device", hex_string(dev->device, 4));
		json_object_object_add(o, "class", hex_string(dev->class, 6));
		json_object_object_add(o, "kind",
				       json_object_new_string(np_dev_kind_name(dev->kind)));
		json_object_object_add(o, "driver", np_json_string_or_null(dev->driver));
		json_object_object_add(o, "node", dev->node == NP_NODE_UNKNOWN
							  ? NULL
							  : json_object_new_int(dev->node));
		json_object_object_add(o, "irqs", irqs);
		if (dev->kind == NP_DEV_NIC) {
			struct json_object *names = json_object_new_array();
			char copy[sizeof(dev->netdevs)], *save, *name;

			strcpy(copy, dev->netdevs);
			for (name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save))
				json_object_array_add(names, json_object_new_string(name));
			json_object_object_add(o, "netdevs", names);
		}
		json_object_array_add(devices, o);
	}
	return devices;
}

static struct json_object *numa_balancing_json(const struct np_kstate *k)
{
	struct json_object *o = json_object_new_object(), *knobs = json_object_new_object();

	json_object_object_add(o, "mode", k->numa_balancing < 0
						  ? NULL
						  : json_object_new_int(k->numa_balancing));
	json_object_object_add(o, "mode_name", json_object_new_string(np_numa_balancing_mode_name(
						       k->numa_balancing)));
	json_object_object_add(o, "knobs_source", np_json_string_or_null(k->knobs_source));
	for (int i = 0; i < NP_KNOB_COUNT; i++)
		if (k->knob_present[i])
			json_object_object_add(knobs, np_knob_names[i],
					       json_object_new_int64(k->knobs[i]));
	json_object_object_add(o, "knobs", knobs);
	return o;
}

static struct json_object *irqbalance_json(const struct np_kstate *k)
{
	struct json_object *o = json_object_new_object();
	char cpus[NP_CPULIST_MAX]; /* any set fits */

	json_object_object_add(o, "running", json_object_new_boolean(k->irqbalance_pid != 0));
	json_object_object_add(o, "pid", k->irqbalance_pid ? json_object_new_int(k->irqbalance_pid)
							   : NULL);
	cpus[0] = '\0';
	if (k->irqbalance_banned_cpus_set)
		np_cpulist_format(&k->irqbalance_banned_cpus, cpus, sizeof(cpus));
	json_object_object_add(o, "banned_cpus", np_json_string_or_null(cpus));
	json_object_object_add(o, "banned_irqs", np_json_string_or_null(k->irqbalance_banned_irqs));
	/* only when the live daemon's socket failed: bans made at run time may be missing */
	if (k->irqbalance_socket_error[0])
		json_object_object_add(o, "socket_error",
				       json_object_new_string(k->irqbalance_socket_error));
	return o;
}

static struct json_object *bpf_json(const struct np_kstate *k)
{
	struct json_object *o = json_object_new_object(), *tps = json_object_new_object();
	struct json_object *progs = json_object_new_object();

	json_object_object_add(o, "btf", tristate(k->btf));
	json_object_object_add(tps, "sched_switch", tristate(k->tp_sched_switch));
	json_object_object_add(tps, "page_fault_user", tristate(k->tp_page_fault_user));
	json_object_object_add(o, "tracepoints", tps);
	for (int i = 0; i < NP_PROBE_COUNT; i++) {
		const struct np_probe_result *r = &k->probes[i];
		struct json_object *p = NULL;

		if (r->probed) {
			p = json_object_new_object();
			json_object_object_add(p, "usable", json_object_new_boolean(r->usable));
			json_object_object_add(p, "error",
					       r->usable ? NULL
							 : json_object_new_string(strerror(-r->error)));
		}
		json_object_object_add(progs, np_probe_names[i], p);
	}
	json_object_object_add(o, "attach", progs);
	return o;
}

static struct json_object *kernel_json(const struct np_kstate *k)
{
	struct json_object *o = json_object_new_object(), *thp = json_object_new_object();

	json_object_object_add(o, "release", np_json_string_or_null(k->release));
	json_object_object_add(o, "numa_balancing", numa_balancing_json(k));
	json_object_object_add(thp, "enabled", np_json_string_or_null(k->thp_enabled));
	json_object_object_add(thp, "defrag", np_json_string_or_null(k->thp_defrag));
	json_object_object_add(o, "transparent_hugepage", thp);
	json_object_object_add(o, "irqbalance", irqbalance_json(k));
	json_object_object_add(o, "bpf", bpf_json(k));
	return o;
}

struct json_object *np_topo_to_json(const struct np_topo *topo)
{
	struct json_object *doc = np_json_doc(NP_TOPO_SCHEMA);

	json_object_object_add(doc, "nodes", nodes_json(topo));
	json_object_object_add(doc, "devices", devices_json(topo));
	json_object_object_add(doc, "kernel", kernel_json(&topo->kernel));
	return doc;
}
