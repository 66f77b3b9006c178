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
 * kernel cannot move (pinned for DMA, mlocked under migration, shared with other processes)
 * are counted, never retried.
 *
 * MPOL_MF_MOVE, not MOVE_ALL: pages other processes map too (libc, a model file two servers
 * share) stay where they are and are counted as shared; moving them would move others' memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <numaif.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "act/mover.h"
#include "lib/clock.h"
#include "lib/pages.h"
#include "topo/topo.h"

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

/* The target node's MemFree in base pages; ~0 when unreadable (it was checked when planning). */
static uint64_t node_free_pages(const struct np_mover *m)
{
	uint64_t kb;

	if (np_node_mem_free_kb("/", m->opts->target_node, &kb))
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

/* Query where pages are (nodes NULL) or move them; -errno of the call. */
static int pages_call(struct np_mover *m, void **addrs, int n, const int *nodes, int *status)
{
	if (n && move_pages(m->pid, n, addrs, nodes, status, nodes ? MPOL_MF_MOVE : 0) < 0)
		return -errno;
	return 0;
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
	int target = wk->m->opts->target_node;
	uint64_t moved = 0;

	if (!nbusy || pages_call(wk->m, wk->busy, nbusy, NULL, wk->status))
		return 0;
	for (int i = 0; i < nbusy; i++) {
		if (wk->status[i] == target)
			moved += wk->busy_weights[i];
		else if (wk->status[i] >= 0)
			wk->res.pages_busy += wk->busy_weights[i];
	}
	return moved;
}

/* Count what one move call did. */
static void count_moved(struct np_mover_worker *wk, void **addrs, const unsigned int *weights,
			int n, bool hot)
{
	int target = wk->m->opts->target_node, nbusy = 0;
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
	moved += count_busy(wk, nbusy);
	wk->res.pages_moved += moved;
	wk->res.pages_hot_moved += hot ? moved : 0;
	__atomic_add_fetch(&wk->m->moved, moved, __ATOMIC_RELAXED);
}

/*
 * Book a batch of `pages` against the target node: MemFree as it is after the rate's wait,
 * less what the other mover is moving there right now (two batches checked at once must not
 * take the node below its reserve together). False: the reserve is reached, all stop.
 */
static bool book_node(struct np_mover *m, uint64_t pages)
{
	uint64_t free_pages;

	pthread_mutex_lock(&m->lock);
	free_pages = node_free_pages(m);
	if (free_pages != ~0ULL && free_pages < m->reserve_pages + m->in_flight + pages) {
		m->stopped_by_reserve = m->stop = true;
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
	double t0;
	int err;

	if (file && m->pacer.pausing) {
		err = np_mover_stop_process(wk);
		if (err == -ESRCH)
			return err;
		paused = !err;
		if (err)
			np_pacer_no_pause(&m->pacer); /* cannot journal the pause: do without it */
	}
	t0 = np_now_s();
	err = pages_call(m, addrs, n, wk->nodes, wk->status);
	if (paused) {
		double ms = (np_now_s() - t0) * 1000;

		np_mover_continue_process(wk, ms);
		np_pacer_paused(&m->pacer, n, ms);
	} else if (file) {
		np_pacer_file_moved(&m->pacer, n, np_now_s() - t0);
	}
	return err;
}

/* Move one batch of misplaced pages (pages: their weight in base pages). */
static void move_batch(struct np_mover_worker *wk, void **addrs, const unsigned int *weights, int n,
		       uint64_t pages, const struct np_mem_window *w)
{
	int err;

	pace(wk->m, pages);
	if (!book_node(wk->m, pages))
		return;
	err = move_call(wk, addrs, n, w->file);
	unbook_node(wk->m, pages);
	if (err)
		return call_failed(wk, "move_pages", err, pages);
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

/* Heads of huge pages first (when they could not be told apart): one flush moves them all. */
static void heads_first(void **addrs, int n, void **tmp)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		if (!((unsigned long)addrs[i] & (NP_MEM_HUGE - 1)))
			tmp[k++] = addrs[i];
	for (int i = 0; i < n; i++)
		if ((unsigned long)addrs[i] & (NP_MEM_HUGE - 1))
			tmp[k++] = addrs[i];
	memcpy(addrs, tmp, n * sizeof(*addrs)); /* weights are all 1 here */
}

/* The window's resident pages off the target, first in wk->addrs: their count. */
static int misplaced(struct np_mover_worker *wk, const struct np_mem_window *w)
{
	int target = wk->m->opts->target_node, n, nmis = 0, err;
	bool huge_known;

	n = np_page_scan(&wk->m->scan, w, wk->pm, wk->addrs, wk->weights, &huge_known);
	err = pages_call(wk->m, wk->addrs, n, NULL, wk->status);
	if (err) {
		call_failed(wk, "move_pages (query)", err, 0);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		if (wk->status[i] < 0 || wk->status[i] == target)
			continue;
		wk->addrs[nmis] = wk->addrs[i];
		wk->weights[nmis++] = wk->weights[i];
		wk->res.pages_misplaced += wk->weights[i];
	}
	if (!huge_known)
		heads_first(wk->addrs, nmis, wk->busy);
	return nmis;
}

void np_mover_window(struct np_mover_worker *wk, const struct np_mem_window *w)
{
	struct np_mover *m = wk->m;
	int nmis = misplaced(wk, w);

	for (int done = 0; done < nmis && !stopping(m);) {
		int limit = np_pacer_batch_limit(&m->pacer, w->file), cnt = 0;
		uint64_t pages = 0, allowed;

		while (done + cnt < nmis &&
		       (!cnt || pages + wk->weights[done + cnt] <= (uint64_t)limit))
			pages += wk->weights[done + cnt++];
		allowed = take_budget(m, pages);
		while (cnt > 0 && pages > allowed) /* the budget ends inside this batch */
			pages -= wk->weights[done + --cnt];
		if (!cnt)
			break;
		move_batch(wk, wk->addrs + done, wk->weights + done, cnt, pages, w);
		done += cnt;
	}
}
