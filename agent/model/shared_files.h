/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The files whose pages a process shares with other processes: a model file two llama.cpp
 * servers (or Ollama runners) map, whose page cache both read. move_pages(MPOL_MF_MOVE) leaves
 * such pages where they are; whether they may move with this process is the policy's call
 * (policy/shared_files.h), from where every process mapping the file runs or is placed.
 *
 * A file counts when the process maps it without execute permission (data, not a library: a
 * library's pages are everybody's), holds at least NP_SHARED_MIN_PAGES of it resident, and
 * numa_maps says some of its pages are mapped by more than one process (mapmax).
 */
#ifndef NP_SHARED_FILES_H
#define NP_SHARED_FILES_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>

#include "lib/file_maps.h"
#include "topo/topo.h"

#define NP_SHARED_MIN_PAGES   4096 /* 16 MB: a model, not a locale archive */
#define NP_SHARED_MAX_FILES   8
#define NP_SHARED_MAX_SHARERS 16
#define NP_SHARED_MAX_RANGES  8

struct np_shared_sharer {
	pid_t pid;
	char comm[16];
	unsigned long long start_time;
	int node; /* where it runs (all its CPUs on one node) or is placed; NP_NO_NODE: spread */
};

struct np_shared_file {
	char path[256];
	unsigned long long dev, ino;
	__u64 pages; /* this process's resident pages of it, 4 KiB */
	int nranges; /* its mappings in this process (the mover's MOVE_ALL ranges) */
	unsigned long range_start[NP_SHARED_MAX_RANGES], range_end[NP_SHARED_MAX_RANGES];
	int nsharers;
	struct np_shared_sharer sharers[NP_SHARED_MAX_SHARERS];
	bool sharers_cut; /* more sharers than listed, or /proc not read to the end */
	/* the policy's: */
	bool conflict; /* a sharer heads elsewhere: the pages stay */
	bool move_all; /* every sharer on the target: the pages move along */
};

struct np_shared_files {
	int nfiles;
	struct np_shared_file files[NP_SHARED_MAX_FILES];
};

/*
 * Pure: the candidate files of maps (see above), largest first, at most NP_SHARED_MAX_FILES,
 * without sharers yet.
 */
void np_shared_candidates(const struct np_file_map *maps, int nmaps, struct np_shared_files *sf);

/*
 * The shared files of pid: its candidates and the processes mapping them (one walk of
 * /proc), each with the node its threads may run on (its affinity within one node, else
 * NP_NO_NODE). Files no other process maps drop out. 0 or -errno (-ESRCH: gone).
 */
int np_shared_files_read(const char *root, const struct np_topo *topo, pid_t pid,
			 struct np_shared_files *sf);

#endif
