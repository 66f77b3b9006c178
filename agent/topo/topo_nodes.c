// SPDX-License-Identifier: GPL-2.0
/* NUMA nodes from /sys/devices/system/node: CPUs, memory, distances. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sysfs.h"
#include "topo/topo.h"

#define NODE_DIR "/sys/devices/system/node"

/* "Node 0 MemTotal:       32612964 kB" -> 32612964 for key "MemTotal". */
static int meminfo_value(const char *meminfo, const char *key, uint64_t *kb)
{
	for (const char *line = meminfo; line && *line;) {
		const char *eol = strchr(line, '\n');
		char name[64];
		uint64_t value;

		if (sscanf(line, "Node %*d %63[^:]: %" SCNu64, name, &value) == 2 &&
		    !strcmp(name, key)) {
			*kb = value;
			return 0;
		}
		line = eol ? eol + 1 : NULL;
	}
	return -ENOENT;
}

int np_node_mem_free_kb(const char *root, int node, uint64_t *kb)
{
	char path[128], buf[8192];
	int err;

	snprintf(path, sizeof(path), NODE_DIR "/node%d/meminfo", node);
	err = np_read_str(root, path, buf, sizeof(buf));
	return err ? err : meminfo_value(buf, "MemFree", kb);
}

static int read_node(const char *root, struct np_node *node, char *msg, size_t msglen)
{
	char path[128], buf[8192];
	int err;

	snprintf(path, sizeof(path), NODE_DIR "/node%d/cpulist", node->id);
	err = np_read_str(root, path, buf, sizeof(buf));
	if (!err)
		err = np_cpulist_parse(buf, &node->cpus);
	if (err)
		goto fail;

	snprintf(path, sizeof(path), NODE_DIR "/node%d/meminfo", node->id);
	err = np_read_str(root, path, buf, sizeof(buf));
	if (!err)
		err = meminfo_value(buf, "MemTotal", &node->mem_total_kb);
	if (!err)
		err = meminfo_value(buf, "MemFree", &node->mem_free_kb);
	if (err)
		goto fail;
	return 0;
fail:
	snprintf(msg, msglen, "%s%s: %s", np_root_prefix(root), path,
		 strerror(-err));
	return err;
}

/* The distance file lists one value per online node, in node id order. */
static int read_distances(const char *root, struct np_topo *topo, struct np_node *node,
			  char *msg, size_t msglen)
{
	char path[128], buf[4096], *p, *end;
	int i, err;

	snprintf(path, sizeof(path), NODE_DIR "/node%d/distance", node->id);
	err = np_read_str(root, path, buf, sizeof(buf));
	if (err)
		goto fail;
	p = buf;
	for (i = 0; i < topo->nnodes; i++) {
		long d = strtol(p, &end, 10);

		if (end == p || d <= 0 || d > 255) {
			err = -EINVAL;
			goto fail;
		}
		node->distance[i] = (int)d;
		p = end;
	}
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return 0;
	err = -EINVAL;
fail:
	snprintf(msg, msglen, "%s%s: %s", np_root_prefix(root), path,
		 err == -EINVAL ? "expected one distance per online node" : strerror(-err));
	return err;
}

int np_nodes_discover(const char *root, struct np_topo *topo, char *msg, size_t msglen)
{
	struct np_cpuset online;
	char buf[4096];
	int err;

	err = np_read_str(root, NODE_DIR "/online", buf, sizeof(buf));
	if (err) {
		snprintf(msg, msglen, "%s" NODE_DIR "/online: %s%s",
			 np_root_prefix(root), strerror(-err),
			 err == -ENOENT ? " (no NUMA topology: is this a /sys tree?)" : "");
		return err;
	}
	/* Node ids use the same list syntax as CPUs. */
	err = np_cpulist_parse(buf, &online);
	if (err) {
		snprintf(msg, msglen, NODE_DIR "/online: malformed list '%s'", buf);
		return err;
	}
	if (np_cpuset_count(&online) > NP_MAX_NODES) {
		snprintf(msg, msglen, "%d NUMA nodes online; numaplace supports at most %d",
			 np_cpuset_count(&online), NP_MAX_NODES);
		return -E2BIG;
	}
	for (int id = 0; id < NP_MAX_CPUS; id++) {
		if (!np_cpuset_has(&online, id))
			continue;
		topo->nodes[topo->nnodes].id = id;
		err = read_node(root, &topo->nodes[topo->nnodes], msg, msglen);
		if (err)
			return err;
		topo->nnodes++;
	}
	for (int i = 0; i < topo->nnodes; i++) {
		err = read_distances(root, topo, &topo->nodes[i], msg, msglen);
		if (err)
			return err;
	}
	return 0;
}
