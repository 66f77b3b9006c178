// SPDX-License-Identifier: GPL-2.0
/*
 * The interleave's part of the mover (mover_pages.c moves the batches): which node each 2 MB
 * region of the process goes to, decided as the movers meet it. A region stays on the node
 * holding most of it unless that node holds more than its share (or is not in the set): such
 * a node gives away every k-th region, at the pace that spreads its surplus evenly over its
 * part of the address space, each to the node short of its share by the most. So no page
 * moves that need not, no node receives more than its share (its free memory was planned for
 * it), and a buffer that sat on one node ends up alternating between the nodes region by
 * region, as numactl --interleave spreads pages, but whole huge pages at a time (a window is
 * aligned to 2 MB, mem_scan.c). The counts are shared by both movers, under the mover's lock.
 */
#include <pthread.h>
#include <string.h>

#include "act/mover.h"

/* The node short of its share by the most (the lowest id on a tie); -1: none is short. */
static int neediest(const struct np_mover *m)
{
	long long best_need = 0;
	int best = -1;

	for (int n = 0; n < NP_MAX_NODES; n++) {
		long long need = (long long)m->spread_target[n] - (long long)m->spread_before[n] -
				 (long long)m->received[n];

		if ((m->opts->spread->nodes >> n & 1) && !(m->full_nodes >> n & 1) &&
		    need > best_need) {
			best = n;
			best_need = need;
		}
	}
	return best;
}

/*
 * Whether a region of `pages` on node cur (in the set, holding more than its share) is given
 * away: when the node's giving is behind the pace that spreads its surplus evenly over the
 * regions it holds (given / surplus = seen / before).
 */
static bool gives(const struct np_mover *m, int cur, uint64_t pages)
{
	uint64_t before = m->spread_before[cur], target = m->spread_target[cur];
	double surplus = before > target ? (double)(before - target) : 0;

	if (surplus <= 0 || (double)m->given[cur] >= surplus)
		return false;
	return (double)m->given[cur] + (double)pages / 2 <=
	       surplus * (double)m->seen[cur] / (double)before;
}

/* The node a region of `pages` base pages, most of them on cur, goes to. */
static int region_node(struct np_mover *m, int cur, uint64_t pages)
{
	const struct np_move_spread *s = m->opts->spread;
	bool in_set = cur >= 0 && cur < NP_MAX_NODES && (s->nodes >> cur & 1);
	int dest = cur;

	pthread_mutex_lock(&m->lock);
	if (cur >= 0 && cur < NP_MAX_NODES)
		m->seen[cur] += pages;
	if (!in_set || gives(m, cur, pages)) {
		dest = neediest(m);
		/* no node short any more (the process grew since the plan): off the set it goes
		 * to the lowest node of it, in the set it stays */
		if (dest < 0)
			dest = in_set ? cur : __builtin_ctzll(s->nodes);
	}
	if (dest != cur) {
		if (cur >= 0 && cur < NP_MAX_NODES)
			m->given[cur] += pages;
		m->received[dest] += pages;
	}
	pthread_mutex_unlock(&m->lock);
	return dest;
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
