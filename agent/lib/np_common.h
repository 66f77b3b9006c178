/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space-only definitions shared by every part of the agent: limits, exit codes, messages.
 * (BPF-only code lives in bpf/, types shared by both halves in include/NAME_shared.h.)
 */
#ifndef NP_COMMON_H
#define NP_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sample_shared.h" /* NP_BPF_MAX_NODES */

/* Exit codes: every command uses the same three. */
#define NP_EXIT_OK	0
#define NP_EXIT_RUNTIME 1 /* the system failed us: unreadable file, kernel refused */
#define NP_EXIT_USAGE	2 /* the operator asked for something wrong: flag, pid, node, list */

/*
 * Two node limits, each for its own job:
 *
 * NP_MAX_NODES (64) counts nodes: struct np_topo holds at most this many (more are refused
 * by np_nodes_discover with a message, never truncated), and arrays of that size are indexed by
 * a node's position in topo->nodes (distances, rooms, the metrics' node list), never by its id.
 * It also bounds the node ids options accept (--node, node=): the id is then looked up in
 * the topology, and refused there if the host has no such node or the sampler cannot count it.
 *
 * NP_BPF_MAX_NODES (16, sample_shared.h) bounds node ids: the sampler counts CPU time and
 * faults per thread in arrays indexed by node id, sized so for the map's memory, and refuses
 * a host with a node id at or above it (np_sampler_start). User-space arrays indexed by node
 * id have this size too, so they line up with the sampler's: what BPF counted (thread
 * cpu_ns[], faults[]) and what is compared with it (np_residency from numa_maps, which puts
 * pages of higher ids in `beyond`; the fleet's and the metrics' per-node pages). Code that
 * takes a node id from elsewhere (--node, a device's node) checks it against this size before
 * it indexes (np_plan_make, the fleet's rooms, the report's lists).
 */
#define NP_MAX_NODES 64

/* No node: not decided, not known, not running. */
#define NP_NO_NODE (-1)

#define NP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "numaplace: <message>" on stderr ("<3><message>" under journald): np_log(NP_LOG_ERR, ...). */
void np_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
