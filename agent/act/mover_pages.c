// SPDX-License-Identifier: GPL-2.0
/*
 * One window of the mover (act_memory.c hands them out): its misplaced pages moved with
 * move_pages(2), batch by batch.
 *
 * In each window only resident pages are passed, a transparent huge page once by its head
 * (mem_scan.c), and a status query first keeps only the pages off the target: what
 * "misplaced" counts. The move call's own statuses then say what moved; pages reported busy
 * are queried once more (a THP's tail is busy while its head is queued, then moves with it).
 *
 * Before every batch: the rate budget's wait (pacer.c), the page budget, and the target node's
 * MemFree above the reserve (other allocations may eat into it while we move). Pages the
 * kernel cannot move (busy, shared with other processes) are counted, never retried; pages
 * pinned long-term make the call stop early (move_unmigrated() below).
 *
 * MPOL_MF_MOVE, not MOVE_ALL: pages other processes map too (libc, a model file two servers
 * share) stay where they are and are counted as shared; moving them would move others' memory.
 * Only in the mappings the caller names (a file every process of which is headed to the target
 * node, policy/shared_files.h) MOVE_ALL moves them along.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <numaif.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "act/mover.h"
#include "lib/clock.h"
#include "lib/pages.h"
#include "topo/topo.h"

/* A status move_pages(2) never stores (node ids and -errno are small): "not stored". */
#define NP_STATUS_UNSET INT_MIN
/* Rounds of moving again the pages a positive return left without a status. */
#define MAX_RETRIES 8

static bool stopping(struct np_mover *m)
{
	return __atomic_load_n(&m->stop, __ATOMIC_RELAXED);
}

static void stop_all(struct np_mover *m, bool *reason)
{
	pthread_mutex_lock(&m->lock);
	if (reason)
		*reason = true;
	m->stop = true;
	pthread_mutex_unlock(&m->lock);
}

static void fail(struct np_mover *m, const char *what, int err)
{
	pthread_mutex_lock(&m->lock);
	if (!m->error[0])
		snprintf(m->error, sizeof(m->error), "%s: %s", what, strerror(-err));
	m->stop = true;
	pthread_mutex_unlock(&m->lock);
}

/* A target node's MemFree in base pages; ~0 when unreadable (it was checked when planning). */
static uint64_t node_free_pages(const struct np_mover *m, int node)
{
	uint64_t kb;

	if (np_node_mem_free_kb("/", node, &kb))
		return ~0ULL;
	return np_pages_to_base(np_kb_pages(kb), m->pacer.page_kb);
}

/* Wait until a batch of `pages` may start within the rate budget (booked first, see pacer.c). */
static void pace(struct np_mover *m, uint64_t pages)
{
	uint64_t booked;
	double due;

	if (m->pacer.rate_mbps <= 0)
		return;
	booked = __atomic_fetch_add(&m->booked, pages, __ATOMIC_RELAXED);
	due = np_pacer_wait_s(&m->pacer, booked, np_now_s() - m->t0);
	if (due > 0) {
		struct timespec ts = { (time_t)due, (long)((due - (time_t)due) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

/*
 * Query where pages are (nodes NULL) or move them: -errno of the call, or (a move) the positive
 * count of pages the kernel did not migrate, see move_unmigrated(). A move of a window of a file
 * every sharer of which is headed to the target moves the others' pages too (MOVE_ALL).
 */
static int pages_call(struct np_mover *m, void **addrs, int n, const int *nodes, int *status,
		      bool all)
{
	long rc;

	if (!n)
		return 0;
	if (nodes)
		for (int i = 0; i < n; i++)
			status[i] = NP_STATUS_UNSET;
	rc = move_pages(m->pid, n, addrs, nodes, status,
			nodes ? (all ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE) : 0);
	if (rc < 0 && nodes && all && errno == EPERM) {
		/* MOVE_ALL needs CAP_SYS_NICE: without it the shared pages stay, as before */
		__atomic_store_n(&m->move_all_denied, true, __ATOMIC_RELAXED);
		rc = move_pages(m->pid, n, addrs, nodes, status, MPOL_MF_MOVE);
	}
	if (rc < 0)
		return -errno;
	return rc > n ? n : (int)rc;
}

/*
 * Whether the process is gone or on its way out: move_pages(2) answers EINVAL, not ESRCH, for
 * a process that still has its pid but no longer its memory (exit_mm() runs early in exit);
 * stat then shows no address space (vsize 0) until the process is a zombie.
 */
static bool exiting(pid_t pid)
{
	unsigned long vsize = 0;
	char state = np_proc_state(pid, &vsize);

	return !state || state == 'Z' || state == 'X' || vsize == 0;
}

static void call_failed(struct np_mover_worker *wk, const char *what, int err, uint64_t pages)
{
	if (err == -ESRCH || (err == -EINVAL && exiting(wk->m->pid))) {
		stop_all(wk->m, &wk->m->exited);
		return;
	}
	/* ENOMEM (the node ran out), EPERM: counted, and no point going on */
	wk->res.pages_failed += pages;
	fail(wk->m, what, err);
}

/* Pages reported busy, asked once more: a huge page's tail is busy while its head is queued. */
static uint64_t count_busy(struct np_mover_worker *wk, int nbusy)
{
	int target = wk->target;
	uint64_t moved = 0;

	if (!nbusy || pages_call(wk->m, wk->busy, nbusy, NULL, wk->status, false))
		return 0;
	for (int i = 0; i < nbusy; i++) {
		if (wk->status[i] == target)
			moved += wk->busy_weights[i];
		else if (wk->status[i] >= 0)
			wk->res.pages_busy += wk->busy_weights[i];
	}
	return moved;
}

static void add_moved(struct np_mover_worker *wk, uint64_t moved, bool hot)
{
	wk->res.pages_moved += moved;
	wk->res.pages_hot_moved += hot ? moved : 0;
	__atomic_add_fetch(&wk->m->moved, moved, __ATOMIC_RELAXED);
}

/* Count what one move call did. */
static void count_moved(struct np_mover_worker *wk, void **addrs, const unsigned int *weights,
			int n, bool hot)
{
	int target = wk->target, nbusy = 0;
	uint64_t moved = 0;

	for (int i = 0; i < n; i++) {
		int st = wk->status[i];

		if (st == target) {
			moved += weights[i];
		} else if (st == -EBUSY || st == -EAGAIN || st >= 0) {
			wk->busy[nbusy] = addrs[i];
			wk->busy_weights[nbusy++] = weights[i];
		} else if (st == -EACCES) {
			wk->res.pages_shared += weights[i];
		} else if (st != -ENOENT && st != -EFAULT) {
			wk->res.pages_failed += weights[i]; /* ENOENT/EFAULT: unmapped meanwhile */
		}
	}
	add_moved(wk, moved + count_busy(wk, nbusy), hot);
}

/*
 * Book a batch of `pages` against its target node: MemFree as it is after the rate's wait,
 * less what the other mover is moving right now (two batches checked at once must not take
 * the node below its reserve together). False: the reserve is reached, all stop; in an
 * interleave only the moves to that node do (a region kept on a full node must not stop the
 * others from giving theirs).
 */
static bool book_node(struct np_mover *m, int node, uint64_t pages)
{
	uint64_t free_pages, reserve;

	reserve = m->opts->spread && node >= 0 && node < NP_MAX_NODES ? m->spread_reserve[node]
								      : m->reserve_pages;
	pthread_mutex_lock(&m->lock);
	if (m->opts->spread && node >= 0 && node < NP_MAX_NODES && (m->full_nodes >> node & 1)) {
		pthread_mutex_unlock(&m->lock);
		return false;
	}
	free_pages = node_free_pages(m, node);
	if (free_pages != ~0ULL && free_pages < reserve + m->in_flight + pages) {
		m->stopped_by_reserve = true;
		if (m->opts->spread && node >= 0 && node < NP_MAX_NODES)
			m->full_nodes |= 1ULL << node;
		else
			m->stop = true;
		pthread_mutex_unlock(&m->lock);
		return false;
	}
	m->in_flight += pages;
	pthread_mutex_unlock(&m->lock);
	return true;
}

static void unbook_node(struct np_mover *m, uint64_t pages)
{
	pthread_mutex_lock(&m->lock);
	m->in_flight -= pages;
	pthread_mutex_unlock(&m->lock);
}

/*
 * The move call of one batch; a file batch with the process stopped when the pacer says so.
 * -ESRCH: the process is gone.
 */
static int move_call(struct np_mover_worker *wk, void **addrs, int n, bool file)
{
	struct np_mover *m = wk->m;
	bool paused = false;
	double t0 = 0;
	int err;

	if (file && m->pacer.pausing) {
		double wait = np_pacer_stop_wait_s(&m->pacer, np_now_s());

		if (wait > 0)
			usleep((useconds_t)(wait * 1e6));
		t0 = np_now_s(); /* the stop counts from here: holding the threads takes time too */
		err = np_mover_stop_process(wk);
		if (err == -ESRCH)
			return err;
		paused = !err;
		if (err)
			np_pacer_no_pause(&m->pacer); /* cannot journal the pause: do without it */
	}
	if (!paused)
		t0 = np_now_s();
	err = pages_call(m, addrs, n, wk->nodes, wk->status, wk->all);
	if (paused) {
		double ms = (np_now_s() - t0) * 1000;

		np_mover_continue_process(wk, ms);
		np_pacer_paused(&m->pacer, n, ms);
		np_pacer_released(&m->pacer, np_now_s(), ms);
	} else if (file) {
		np_pacer_file_moved(&m->pacer, n, np_now_s() - t0);
	}
	return err;
}

/*
 * After a positive return: the pages whose status the kernel stored go to the front (their
 * statuses with them), those it did not to the back. The count of the stored ones.
 */
static int stored_first(struct np_mover_worker *wk, void **addrs, unsigned int *weights, int n)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		if (wk->status[i] == NP_STATUS_UNSET)
			continue;
		void *a = addrs[k];
		unsigned int wt = weights[k];
		int st = wk->status[k];

		addrs[k] = addrs[i];
		weights[k] = weights[i];
		wk->status[k++] = wk->status[i];
		addrs[i] = a;
		weights[i] = wt;
		wk->status[i] = st;
	}
	return k;
}

/*
 * Where the pages without a status are now: those on the target count as moved, those gone
 * (unmapped meanwhile) drop out, the others stay in front, their count returned.
 */
static int still_off(struct np_mover_worker *wk, void **addrs, unsigned int *weights, int n,
		     uint64_t *moved)
{
	int target = wk->target, k = 0, err;

	*moved = 0;
	err = pages_call(wk->m, addrs, n, NULL, wk->status, false);
	if (err)
		return err;
	for (int i = 0; i < n; i++) {
		if (wk->status[i] == target) {
			*moved += weights[i];
		} else if (wk->status[i] >= 0) {
			addrs[k] = addrs[i];
			weights[k++] = weights[i];
		}
	}
	return k;
}

static uint64_t weight_sum(const unsigned int *weights, int n)
{
	uint64_t sum = 0;

	for (int i = 0; i < n; i++)
		sum += weights[i];
	return sum;
}

/*
 * move_pages(2) returned a positive count. On the kernels of this generation (5.x, 6.x) a page
 * the migration cannot take (pinned long-term: io_uring registered buffers, RDMA memory
 * regions, CUDA's pinned host memory) makes the call return at its batch with the count of
 * pages not migrated, the statuses of that batch not stored, the pages after it never tried.
 * The stored statuses count as usual; the rest are queried and those still off the target
 * moved again, until a round moves nothing (at most MAX_RETRIES rounds): what is left is
 * pinned, not failed.
 */
static void move_unmigrated(struct np_mover_worker *wk, void **addrs, unsigned int *weights, int n,
			    bool hot)
{
	for (int round = 0;; round++) {
		int nstored = stored_first(wk, addrs, weights, n), left, rc;
		uint64_t before = wk->res.pages_moved, moved;

		count_moved(wk, addrs, weights, nstored, hot);
		addrs += nstored;
		weights += nstored;
		left = still_off(wk, addrs, weights, n - nstored, &moved);
		if (left < 0)
			return call_failed(wk, "move_pages (query)", left, 0);
		add_moved(wk, moved, hot);
		if (!left)
			return;
		if ((round && wk->res.pages_moved == before) || round == MAX_RETRIES) {
			wk->res.pages_pinned += weight_sum(weights, left);
			return;
		}
		rc = pages_call(wk->m, addrs, left, wk->nodes, wk->status, wk->all);
		if (rc < 0)
			return call_failed(wk, "move_pages", rc, weight_sum(weights, left));
		if (!rc)
			return count_moved(wk, addrs, weights, left, hot);
		n = left;
	}
}

/* Move one batch of misplaced pages (pages: their weight in base pages). */
static void move_batch(struct np_mover_worker *wk, void **addrs, unsigned int *weights, int n,
		       uint64_t pages, const struct np_mem_window *w)
{
	int err;

	pace(wk->m, pages);
	if (!book_node(wk->m, wk->target, pages))
		return;
	err = move_call(wk, addrs, n, w->file);
	unbook_node(wk->m, pages);
	if (err < 0)
		return call_failed(wk, "move_pages", err, pages);
	if (err > 0)
		return move_unmigrated(wk, addrs, weights, n, w->hot);
	count_moved(wk, addrs, weights, n, w->hot);
}

/* Take up to want pages of the budget; 0 when it is spent. */
static uint64_t take_budget(struct np_mover *m, uint64_t want)
{
	uint64_t got;

	pthread_mutex_lock(&m->lock);
	got = want < m->budget ? want : m->budget;
	m->budget -= got;
	if (!got) {
		m->stopped_by_reserve = true;
		m->stop = true;
	}
	pthread_mutex_unlock(&m->lock);
	return got;
}

/*
 * Known huge (weight > 1): a 2 MB page moves
 * in one slot at a cost per byte far below a 4 KiB page's (in the guest, a window's 235 small
 * pages took as long as 16 MB of huge ones), so the bulk of a window is local soonest. Not
 * known: the 2 MB-aligned addresses, likely heads, whose one flush moves their tails too.
 */
void np_mover_huge_first(void **addrs, unsigned int *weights, int n, bool huge_known, void **tmp,
			 unsigned int *tmp_weights)
{
	int k = 0;

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			bool huge = huge_known ? weights[i] > 1
					       : !((unsigned long)addrs[i] & (NP_MEM_HUGE - 1));

			if (huge == !pass) {
				tmp_weights[k] = weights[i];
				tmp[k++] = addrs[i];
			}
		}
	memcpy(addrs, tmp, n * sizeof(*addrs));
	memcpy(weights, tmp_weights, n * sizeof(*weights));
}

/* The window's resident pages off the target, first in wk->addrs: their count. */
static int misplaced(struct np_mover_worker *wk, const struct np_mem_window *w)
{
	int target = wk->m->opts->target_node, n, nmis = 0, err;
	bool huge_known;

	n = np_page_scan(&wk->m->scan, w, wk->pm, wk->addrs, wk->weights, &huge_known);
	err = pages_call(wk->m, wk->addrs, n, NULL, wk->status, false);
	if (err) {
		call_failed(wk, "move_pages (query)", err, 0);
		return 0;
	}
	if (wk->m->opts->spread)
		return np_mover_spread_misplaced(wk, n);
	for (int i = 0; i < n; i++) {
		if (wk->status[i] < 0 || wk->status[i] == target)
			continue;
		wk->addrs[nmis] = wk->addrs[i];
		wk->weights[nmis++] = wk->weights[i];
		wk->res.pages_misplaced += wk->weights[i];
	}
	np_mover_huge_first(wk->addrs, wk->weights, nmis, huge_known, wk->busy, wk->busy_weights);
	return nmis;
}

/* Whether the window lies in a mapping whose other processes' pages move too. */
static bool window_moves_all(const struct np_move_opts *o, const struct np_mem_window *w)
{
	for (int i = 0; i < o->nmove_all; i++)
		if (w->start >= o->move_all[i].start && w->end <= o->move_all[i].end)
			return true;
	return false;
}

void np_mover_window(struct np_mover_worker *wk, const struct np_mem_window *w)
{
	struct np_mover *m = wk->m;
	int nmis = misplaced(wk, w);

	wk->all = window_moves_all(m->opts, w);

	for (int done = 0; done < nmis && !stopping(m);) {
		int limit = np_pacer_batch_limit(&m->pacer, w->file), cnt = 0;
		uint64_t pages = 0, allowed;

		/* an interleave's batch goes to one node (the pages are grouped by node) */
		while (done + cnt < nmis &&
		       (!cnt || pages + wk->weights[done + cnt] <= (uint64_t)limit) &&
		       (!m->opts->spread || wk->dest[done + cnt] == wk->dest[done]))
			pages += wk->weights[done + cnt++];
		allowed = take_budget(m, pages);
		while (cnt > 0 && pages > allowed) /* the budget ends inside this batch */
			pages -= wk->weights[done + --cnt];
		if (!cnt)
			break;
		if (m->opts->spread) {
			wk->target = wk->dest[done];
			for (int i = 0; i < cnt; i++)
				wk->nodes[i] = wk->target;
		}
		move_batch(wk, wk->addrs + done, wk->weights + done, cnt, pages, w);
		done += cnt;
	}
}
