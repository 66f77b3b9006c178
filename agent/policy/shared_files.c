// SPDX-License-Identifier: GPL-2.0
/* Shared mapped files: move along or leave, and the words for it (shared_files.h). */
#include <stdio.h>

#include "lib/pages.h"
#include "policy/shared_files.h"

static int sharer_node(const struct np_shared_sharer *s, const struct np_shared_placed *placed,
		       int nplaced)
{
	for (int i = 0; i < nplaced; i++)
		if (placed[i].pid == s->pid && (!placed[i].start_time || !s->start_time ||
						placed[i].start_time == s->start_time))
			return placed[i].node;
	return s->node;
}

int np_shared_decide(struct np_shared_files *sf, int target_node,
		     const struct np_shared_placed *placed, int nplaced)
{
	int conflicts = 0;

	for (int i = 0; i < sf->nfiles; i++) {
		struct np_shared_file *f = &sf->files[i];
		bool apart = f->sharers_cut || target_node < 0;

		for (int s = 0; s < f->nsharers; s++) {
			f->sharers[s].node = sharer_node(&f->sharers[s], placed, nplaced);
			apart |= f->sharers[s].node != target_node;
		}
		f->conflict = apart;
		f->move_all = !apart;
		conflicts += apart;
	}
	return conflicts;
}

/* "pid 150 (np-stream) on node 0, pid 151 (cat) on no single node" */
static size_t sharers_text(const struct np_shared_file *f, char *buf, size_t len)
{
	size_t used = 0;

	for (int s = 0; s < f->nsharers; s++) {
		const struct np_shared_sharer *sh = &f->sharers[s];
		char node[24];

		if (sh->node >= 0)
			snprintf(node, sizeof(node), "node %d", sh->node);
		else
			snprintf(node, sizeof(node), "no single node");
		if (used >= len)
			break; /* full: the text stops here (no pointer past the buffer) */
		used += snprintf(buf + used, len - used, "%spid %d (%.16s) on %s",
				 s ? ", " : "", (int)sh->pid, sh->comm, node);
	}
	if (f->sharers_cut && used < len)
		used += snprintf(buf + used, len - used, " and others");
	return used;
}

void np_shared_file_text(const struct np_shared_file *f, pid_t pid, const char *comm, int node,
			 char *buf, size_t len)
{
	char who[512];

	sharers_text(f, who, sizeof(who));
	if (!f->conflict) {
		snprintf(buf, len,
			 "pid %d (%.16s) shares %s (%.0f MB) with %s: every process mapping it is "
			 "on "
			 "node %d, its pages move along",
			 (int)pid, comm, f->path, np_pages_mb(f->pages), who, node);
		return;
	}
	snprintf(
		buf, len,
		"pid %d (%.16s) on node %d shares %s (%.0f MB) with %s: its pages stay where they "
		"are (moving them would take them from the others); fix: one copy of the file per "
		"node, or the engine's no-mmap option (llama.cpp --no-mmap, Ollama use_mmap false)",
		(int)pid, comm, node, f->path, np_pages_mb(f->pages), who);
}
