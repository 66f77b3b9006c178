// SPDX-License-Identifier: GPL-2.0
/*
 * The interleave's part of the mover (mover_pages.c moves the batches): which node each 2 MB
 * region of the process goes to. Regions are given out as the movers meet them, each to the
 * node it mostly is on while that node is not ahead of its share, else to the node furthest
 * behind; so pages already where an interleave could have them stay, and the rest alternate
 * between the nodes region by region (as numactl --interleave spreads pages, but whole huge
 * pages at a time: a window is aligned to 2 MB, mem_scan.c). The counts are shared by both
 * movers, under the mover's lock.
 */
#include <pthread.h>
#include <string.h>

#include "act/mover.h"

/* The node a region of `pages` base pages, most of them on cur, goes to. */
static int region_node(struct np_mover *m, int cur, uint64_t pages)
{
	const struct np_move_spread *s = m->opts->spread;
	double total, best_gap = 0;
	bool stays;
	int best = -1;

	pthread_mutex_lock(&m->lock);
	total = (double)(m->assigned_total + pages);
	/* where it is, while that node is not ahead of its share with it */
	stays = cur >= 0 && cur < NP_MAX_NODES && (s->nodes >> cur & 1) &&
		(double)m->assigned[cur] + (double)pages / 2 <= s->share[cur] * total;
	if (stays)
		best = cur;
	for (int n = 0; !stays && n < NP_MAX_NODES; n++) {
		double gap = s->share[n] * total - (double)m->assigned[n];

		if ((s->nodes >> n & 1) && (best < 0 || gap > best_gap)) {
			best = n;
			best_gap = gap;
		}
	}
	m->assigned[best] += pages;
	m->assigned_total += pages;
	pthread_mutex_unlock(&m->lock);
	return best;
}

/* The node holding most of the resident pages [from, to) by weight (-1: none resident). */
static int region_majority(const struct np_mover_worker *wk, int from, int to, uint64_t *pages)
{
	uint64_t on[NP_MAX_NODES] = { 0 };
	int best = -1;

	*pages = 0;
	for (int i = from; i < to; i++) {
		int st = wk->status[i];

		if (st < 0 || st >= NP_MAX_NODES)
			continue;
		on[st] += wk->weights[i];
		*pages += wk->weights[i];
		if (best < 0 || on[st] > on[best])
			best = st;
	}
	return best;
}

int np_mover_spread_misplaced(struct np_mover_worker *wk, int n)
{
	const unsigned long huge_mask = ~(NP_MEM_HUGE - 1);
	int nmis = 0, k = 0;

	/* each region's misplaced pages to the busy arrays (free here), their node to nodes */
	for (int from = 0, to; from < n; from = to) {
		unsigned long region = (unsigned long)wk->addrs[from] & huge_mask;
		uint64_t pages;
		int cur, dest;

		for (to = from + 1; to < n && ((unsigned long)wk->addrs[to] & huge_mask) == region;)
			to++;
		cur = region_majority(wk, from, to, &pages);
		if (!pages)
			continue;
		dest = region_node(wk->m, cur, pages);
		for (int i = from; i < to; i++) {
			if (wk->status[i] < 0 || wk->status[i] == dest)
				continue;
			wk->busy[nmis] = wk->addrs[i];
			wk->busy_weights[nmis] = wk->weights[i];
			wk->nodes[nmis++] = dest;
			wk->res.pages_misplaced += wk->weights[i];
		}
	}
	/* grouped by node: a batch goes to one node, whose reserve it is checked against */
	for (int node = 0; node < NP_MAX_NODES && k < nmis; node++) {
		for (int i = 0; i < nmis; i++) {
			if (wk->nodes[i] != node)
				continue;
			wk->addrs[k] = wk->busy[i];
			wk->weights[k] = wk->busy_weights[i];
			wk->dest[k++] = node;
		}
	}
	return nmis;
}
