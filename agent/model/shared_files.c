// SPDX-License-Identifier: GPL-2.0
/*
 * Which files a process shares with others, and where those others run (shared_files.h).
 * The walk of every process's maps happens only when a process has a candidate file: most
 * have none (their shared pages are libraries).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/procfs.h"
#include "model/shared_files.h"

static int by_file(const void *a, const void *b)
{
	const struct np_file_map *x = *(const struct np_file_map *const *)a;
	const struct np_file_map *y = *(const struct np_file_map *const *)b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int by_pages(const void *a, const void *b)
{
	const struct np_shared_file *x = a, *y = b;

	if (x->pages != y->pages)
		return x->pages < y->pages ? 1 : -1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* The file of the run of mappings group[0..n) (one file), when it qualifies. */
static bool candidate(const struct np_file_map *const *group, int n, struct np_shared_file *f)
{
	bool shared = false;

	memset(f, 0, sizeof(*f));
	f->dev = group[0]->dev;
	f->ino = group[0]->ino;
	snprintf(f->path, sizeof(f->path), "%s", group[0]->path);
	for (int i = 0; i < n; i++) {
		if (group[i]->exec)
			return false;
		shared |= group[i]->mapmax > 1;
		f->pages += group[i]->pages;
		if (f->nranges < NP_SHARED_MAX_RANGES) {
			f->range_start[f->nranges] = group[i]->start;
			f->range_end[f->nranges++] = group[i]->end;
		}
	}
	return shared && f->pages >= NP_SHARED_MIN_PAGES;
}

void np_shared_candidates(const struct np_file_map *maps, int nmaps, struct np_shared_files *sf)
{
	const struct np_file_map **order = calloc(nmaps + 1, sizeof(*order));
	struct np_shared_file f;
	int n = 0;

	sf->nfiles = 0;
	if (!order)
		return;
	for (int i = 0; i < nmaps; i++)
		order[i] = &maps[i];
	qsort(order, nmaps, sizeof(*order), by_file);
	for (int i = 0; i < nmaps; i += n) {
		for (n = 1; i + n < nmaps && order[i + n]->dev == order[i]->dev &&
			    order[i + n]->ino == order[i]->ino;
		     n++)
			;
		if (!candidate(order + i, n, &f))
			continue;
		if (sf->nfiles < NP_SHARED_MAX_FILES) {
			sf->files[sf->nfiles++] = f;
		} else {
			/* full: it takes the place of the smallest */
			qsort(sf->files, sf->nfiles, sizeof(f), by_pages);
			if (f.pages > sf->files[sf->nfiles - 1].pages)
				sf->files[sf->nfiles - 1] = f;
		}
	}
	free(order);
	qsort(sf->files, sf->nfiles, sizeof(sf->files[0]), by_pages);
}

/* The node all of pid's CPUs (its main thread's affinity) are on; NP_NO_NODE: several. */
static int running_node(const struct np_topo *topo, pid_t pid)
{
	struct np_cpuset set;

	if (np_thread_affinity(pid, &set))
		return NP_NO_NODE;
	for (int i = 0; i < topo->nnodes; i++)
		if (np_cpuset_subset(&set, &topo->nodes[i].cpus))
			return topo->nodes[i].id;
	return NP_NO_NODE;
}

static void add_sharer(const char *root, const struct np_topo *topo, struct np_shared_file *f,
		       pid_t pid)
{
	struct np_shared_sharer *s;

	if (f->nsharers == NP_SHARED_MAX_SHARERS) {
		f->sharers_cut = true;
		return;
	}
	s = &f->sharers[f->nsharers++];
	s->pid = pid;
	np_thread_comm(root, pid, pid, s->comm, sizeof(s->comm));
	if (np_thread_start_time(root, pid, pid, &s->start_time))
		s->start_time = 0;
	s->node = running_node(topo, pid);
}

/* The processes mapping sf's files; files nobody else maps drop out. */
static int find_sharers(const char *root, const struct np_topo *topo, pid_t pid,
			struct np_shared_files *sf)
{
	struct np_file_key keys[NP_SHARED_MAX_FILES];
	struct np_file_user *users;
	int nusers, n = 0, err;
	bool cut;

	for (int i = 0; i < sf->nfiles; i++)
		keys[i] = (struct np_file_key){ sf->files[i].dev, sf->files[i].ino };
	err = np_file_users(root, pid, keys, sf->nfiles, &users, &nusers, &cut);
	if (err)
		return err;
	for (int i = 0; i < nusers; i++)
		add_sharer(root, topo, &sf->files[users[i].key], users[i].pid);
	free(users);
	for (int i = 0; i < sf->nfiles; i++) {
		sf->files[i].sharers_cut |= cut;
		if (sf->files[i].nsharers)
			sf->files[n++] = sf->files[i];
	}
	sf->nfiles = n;
	return 0;
}

int np_shared_files_read(const char *root, const struct np_topo *topo, pid_t pid,
			 struct np_shared_files *sf)
{
	struct np_file_map *maps;
	int nmaps, err;

	sf->nfiles = 0;
	err = np_file_maps_read(root, pid, &maps, &nmaps);
	if (err)
		return err;
	np_shared_candidates(maps, nmaps, sf);
	free(maps);
	return sf->nfiles ? find_sharers(root, topo, pid, sf) : 0;
}
