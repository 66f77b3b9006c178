/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether the pages of a file a process shares with others move with it. Pure code.
 *
 * When every process mapping the file is placed on (or already runs on) the node this process
 * goes to, its pages move along, the others' mappings included (MPOL_MF_MOVE_ALL): they all
 * read it from there. When some go elsewhere, the pages stay where they are: moving them to
 * one would take them from the other, and the next placement would move them back
 * (ping-pong). That is a conflict, and the way out is the operator's: one copy of the file per
 * node, or the engine's option to read the model into its own memory instead of mapping it
 * (llama.cpp --no-mmap, Ollama's use_mmap false).
 *
 * Where a sharer is: the node the caller places it on (the fleet's assigned node in `run`),
 * else the node its threads are bound to (np_shared_sharer.node), else nowhere in particular,
 * which never matches. A list of sharers cut short is a conflict: someone unseen maps it.
 */
#ifndef NP_POLICY_SHARED_FILES_H
#define NP_POLICY_SHARED_FILES_H

#include <stddef.h>

#include "model/shared_files.h"

/* A sharer the caller places: its node overrides where it runs now. */
struct np_shared_placed {
	pid_t pid;
	unsigned long long start_time; /* 0: any (a pid the caller just read) */
	int node;
};

/*
 * Decide each file of sf for a process going to target_node: sharers' nodes as above (written
 * back into sf), then conflict or move_all. Returns the number of conflicts.
 */
int np_shared_decide(struct np_shared_files *sf, int target_node,
		     const struct np_shared_placed *placed, int nplaced);

/*
 * One line on a decided file for the process pid (comm) going to node: what happens to its
 * pages and, for a conflict, what fixes it. Cut short rather than overflow.
 */
void np_shared_file_text(const struct np_shared_file *f, pid_t pid, const char *comm, int node,
			 char *buf, size_t len);

#endif
