// SPDX-License-Identifier: GPL-2.0
/*
 * Memory placement: the process's resident pages, anonymous and mapped file (page cache of
 * an mmap'ed model), moved to the target node with move_pages(2) by a small pool of movers.
 *
 * Order: first the 2 MB regions around sampled fault addresses, hottest first, so the pages
 * the process reads most are local soonest; then every mapping, the most resident first, each
 * in address order, in windows of 64 MB (mem_scan.c); in each window its huge pages first. How
 * one window moves: mover_pages.c.
 *
 * Two movers: each takes the next window. Measured in the TCG guest, a second thread moves
 * THP memory 1.3-1.9x faster (the copy is CPU work, and the kernel's migration of one call
 * is serial); more than two did not help there, and the rate budget caps them anyway.
 *
 * Budgets: at most max_rate_mbps over all movers (pacer.c), at most max_pages, and the target
 * node's MemFree above the reserve (mover_pages.c).
 *
 * Mapped file pages can crawl while the process reads them; then it is stopped for at most
 * pause_ms per batch (pacer.c decides, proc_pause.c stops it, journaled first): a ptrace stop
 * held by the mover thread, which the kernel ends when that thread ends. File windows
 * are moved by one mover at a time, so probing, stopping and continuing the process never
 * interleave, and in the order they were handed out (tickets), so the hottest file region is
 * not overtaken by the next one.
 *
 * Signals: SIGINT and SIGTERM are held back while the movers run and only make them stop
 * after their batch (the process is never left stopped); once the process runs and the
 * movers are joined, the signal is delivered as the caller arranged (a daemon blocking them
 * for its signalfd still finds them pending).
 *
 * Progress goes to the caller's callback (the output layer draws it) about every 100 ms, and
 * once more, final, at the end.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include "act/act.h"
#include "act/mover.h"
#include "lib/clock.h"
#include "lib/cpulist.h"
#include "lib/pages.h"
#include "lib/sysfs.h"

#define MOVERS	   2
#define MOVER_NICE -10 /* see mover_cpus() */

/* The next window for this mover (its file ticket in *ticket, else -1); false: none left. */
static bool next_window(struct np_mover *m, const struct np_mem_window **w, int *ticket)
{
	int idx;

	*ticket = -1;
	pthread_mutex_lock(&m->lock);
	idx = m->stop ? m->nwindows : m->next_window++;
	if (idx < m->nwindows && m->windows[idx].file)
		*ticket = m->file_tickets++;
	pthread_mutex_unlock(&m->lock);
	*w = idx < m->nwindows ? &m->windows[idx] : NULL;
	return *w != NULL;
}

static void *mover_main(void *arg)
{
	struct np_mover_worker *wk = arg;
	struct np_mover *m = wk->m;
	const struct np_mem_window *w;
	int ticket;

	/* best effort: without CAP_SYS_NICE the movers share the CPUs evenly, just slower */
	setpriority(PRIO_PROCESS, (id_t)gettid(), MOVER_NICE);
	while (next_window(m, &w, &ticket)) {
		/* file windows one at a time, in the order they were taken (not who locks first) */
		if (ticket >= 0) {
			pthread_mutex_lock(&m->file_lock);
			while (m->file_turn != ticket)
				pthread_cond_wait(&m->file_turn_changed, &m->file_lock);
		}
		np_mover_window(wk, w);
		if (ticket >= 0) {
			m->file_turn++;
			pthread_cond_broadcast(&m->file_turn_changed);
			pthread_mutex_unlock(&m->file_lock);
		}
	}
	np_mover_pause_end(wk); /* ptrace requests must come from the tracing thread */
	pthread_mutex_lock(&m->lock);
	m->running--;
	pthread_cond_signal(&m->finished);
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

static int worker_init(struct np_mover_worker *wk, struct np_mover *m)
{
	long slots = m->slots;

	wk->m = m;
	wk->pm = calloc(slots, sizeof(*wk->pm));
	wk->addrs = calloc(slots, sizeof(*wk->addrs));
	wk->weights = calloc(slots, sizeof(*wk->weights));
	wk->status = calloc(slots, sizeof(*wk->status));
	wk->nodes = calloc(slots, sizeof(*wk->nodes));
	wk->busy = calloc(slots, sizeof(*wk->busy));
	wk->busy_weights = calloc(slots, sizeof(*wk->busy_weights));
	wk->dest = calloc(slots, sizeof(*wk->dest));
	wk->target = m->opts->target_node;
	if (!wk->pm || !wk->addrs || !wk->weights || !wk->status || !wk->nodes || !wk->busy ||
	    !wk->busy_weights || !wk->dest)
		return -ENOMEM;
	for (long i = 0; i < slots; i++)
		wk->nodes[i] = m->opts->target_node;
	return 0;
}

static void worker_free(struct np_mover_worker *wk)
{
	free(wk->pm);
	free(wk->addrs);
	free(wk->weights);
	free(wk->status);
	free(wk->nodes);
	free(wk->busy);
	free(wk->busy_weights);
	free(wk->dest);
}

/* A mover's counts, in base pages, added to the result in 4 KiB pages. */
static void add_result(struct np_move_result *sum, const struct np_move_result *r, long page_kb)
{
	sum->pages_misplaced += np_base_to_pages(r->pages_misplaced, page_kb);
	sum->pages_moved += np_base_to_pages(r->pages_moved, page_kb);
	sum->pages_hot_moved += np_base_to_pages(r->pages_hot_moved, page_kb);
	sum->pages_busy += np_base_to_pages(r->pages_busy, page_kb);
	sum->pages_shared += np_base_to_pages(r->pages_shared, page_kb);
	sum->pages_pinned += np_base_to_pages(r->pages_pinned, page_kb);
	sum->pages_failed += np_base_to_pages(r->pages_failed, page_kb);
}

/*
 * The movers run on the target node's CPUs (those of them we may use): the kernel writes the
 * copies there, and the TLB flushes of each move reach fewer other CPUs, since the process's
 * threads run there too. Measured in the guest, 512 MB of THP read by two threads on the
 * target node: 2 movers pinned there 2.6-3.7 s, unpinned 6.6-9.6 s, 1 mover 4.4-7.4 s.
 * No usable CPU there: the scheduler decides.
 *
 * They run at nice -10: the process's threads usually keep the target node's CPUs busy (an
 * inference server runs one thread per core), and at an equal nice the scheduler gives the
 * movers half of each CPU, so the move takes twice as long and the threads are slowed for
 * twice as long. At -10 a mover gets about 90% of its CPU while it has a batch to move, and
 * the rate budget, not the scheduler, bounds what the process gives up; AutoNUMA does the same
 * copying inside the process's own threads. Measured in the guest, 512 MB under two readers
 * on the target node, time to 95% (same-run rounds): nice 0 2.1-5.4 s (3), -10 1.3-3.2 s (7)
 * (AutoNUMA in the same rounds 2.2-4.6 s; -10 ahead in 6 of 7), -20 no better than -10.
 */
static bool mover_cpus(int node, cpu_set_t *set)
{
	char path[96], list[4096];
	struct np_cpuset cpus;
	cpu_set_t allowed;
	bool any = false;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", node);
	if (np_read_str("/", path, list, sizeof(list)) || np_cpulist_parse(list, &cpus) ||
	    sched_getaffinity(0, sizeof(allowed), &allowed))
		return false;
	CPU_ZERO(set);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (np_cpuset_has(&cpus, cpu) && CPU_ISSET(cpu, &allowed)) {
			CPU_SET(cpu, set);
			any = true;
		}
	}
	return any;
}

/* Tell the caller how far the move is (final: once, at the end). */
static void report_progress(struct np_mover *m, bool final)
{
	const struct np_move_opts *o = m->opts;
	uint64_t moved = __atomic_load_n(&m->moved, __ATOMIC_RELAXED);
	struct np_move_progress p = {
		.pages_moved = np_base_to_pages(moved, m->pacer.page_kb),
		.pages_expected = o->expected_pages,
		.target_node = o->target_node,
		.final = final,
	};

	if (!o->progress)
		return;
	p.seconds = np_now_s() - m->t0;
	p.mbps = p.seconds > 0 ? np_pages_mb(p.pages_moved) / p.seconds : 0;
	o->progress(o->progress_ctx, &p);
}

/*
 * Wait for the movers, reporting progress and calling the caller's tick; a pending SIGINT or
 * SIGTERM makes them stop.
 */
static void wait_movers(struct np_mover *m)
{
	pthread_mutex_lock(&m->lock);
	while (m->running) {
		struct timespec until;
		sigset_t pending;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&m->finished, &m->lock, &until);
		if (!sigpending(&pending) &&
		    (sigismember(&pending, SIGINT) || sigismember(&pending, SIGTERM)))
			m->stop = true;
		pthread_mutex_unlock(&m->lock);
		report_progress(m, false);
		if (m->opts->tick)
			m->opts->tick(m->opts->tick_ctx);
		pthread_mutex_lock(&m->lock);
	}
	pthread_mutex_unlock(&m->lock);
}

/*
 * Start up to MOVERS movers (no more than CPUs), wait for them and join them; the count that
 * ran. The movers inherit the blocked signals: only wait_movers looks at them.
 */
static int run_movers(struct np_mover *m, struct np_mover_worker *workers, int *err)
{
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	int nworkers = 0;
	sigset_t block, saved;
	pthread_attr_t attr;
	cpu_set_t cpus;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &saved);
	pthread_attr_init(&attr);
	/* an interleave writes to several nodes: the scheduler decides */
	if (!m->opts->spread && mover_cpus(m->opts->target_node, &cpus))
		pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
	/* the movers wait on the lock for their first window until all are counted */
	pthread_mutex_lock(&m->lock);
	for (int i = 0; i < MOVERS && i < (ncpus > 1 ? ncpus : 1); i++) {
		*err = worker_init(&workers[i], m);
		if (!*err) {
			m->running++;
			*err = -pthread_create(&workers[i].thread, &attr, mover_main, &workers[i]);
			if (*err)
				m->running--;
		}
		if (*err)
			break;
		nworkers++;
	}
	pthread_mutex_unlock(&m->lock);
	if (nworkers) {
		*err = 0; /* fewer movers than wanted still move everything */
		wait_movers(m);
	}
	for (int i = 0; i < nworkers; i++)
		pthread_join(workers[i].thread, NULL);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	pthread_attr_destroy(&attr);
	return nworkers;
}

/* The mover's budgets and pacer, from the caller's options (4 KiB pages) in base pages. */
static void mover_init(struct np_mover *m, pid_t pid, const struct np_move_opts *opts, double t0)
{
	long page_kb = np_base_page_kb();
	char state;

	*m = (struct np_mover){ .pid = pid, .opts = opts, .t0 = t0 };
	np_pacer_init(&m->pacer, opts->max_rate_mbps, opts->pause_ms, opts->pause_below_mbps,
		      page_kb);
	m->pacer.pause_total_ms = opts->pause_total_ms;
	/* stopped by someone else (T), or held by a debugger (t): theirs to continue, not ours */
	state = np_proc_state(pid, NULL);
	m->pacer.already_stopped = state == 'T' || state == 't';
	m->budget = opts->max_pages == ~0ULL ? ~0ULL : np_pages_to_base(opts->max_pages, page_kb);
	m->reserve_pages =
		opts->reserve_mb > 0 ? np_pages_to_base(np_mb_pages(opts->reserve_mb), page_kb) : 0;
	for (int n = 0; opts->spread && n < NP_MAX_NODES; n++) {
		m->spread_reserve[n] = np_pages_to_base(opts->spread->reserve_pages[n], page_kb);
		m->spread_before[n] = np_pages_to_base(opts->spread->pages_before[n], page_kb);
		m->spread_target[n] = np_pages_to_base(opts->spread->pages_target[n], page_kb);
	}
	pthread_mutex_init(&m->lock, NULL);
	pthread_mutex_init(&m->file_lock, NULL);
	pthread_cond_init(&m->file_turn_changed, NULL);
	pthread_cond_init(&m->finished, NULL);
}

static void mover_destroy(struct np_mover *m)
{
	pthread_mutex_destroy(&m->lock);
	pthread_mutex_destroy(&m->file_lock);
	pthread_cond_destroy(&m->file_turn_changed);
	pthread_cond_destroy(&m->finished);
}

int np_act_memory(pid_t pid, const struct np_move_opts *opts, struct np_move_result *res)
{
	struct np_mover_worker workers[MOVERS] = { 0 };
	struct np_mem_window *windows = NULL;
	int nwindows, nhot, nworkers, err;
	double t0 = np_now_s();
	struct np_mover m;

	memset(res, 0, sizeof(*res));
	err = np_mem_windows(pid, opts->hot_addrs, opts->nhot, &windows, &nwindows, &nhot);
	if (err == -ESRCH) {
		res->process_exited = true;
		return 0;
	}
	if (err)
		return err;
	mover_init(&m, pid, opts, t0);
	np_page_scan_open(&m.scan, pid);
	m.windows = windows;
	m.nwindows = nwindows;
	m.slots = NP_MEM_WINDOW / m.scan.page_size;

	nworkers = run_movers(&m, workers, &err);
	for (int i = 0; i < nworkers; i++)
		add_result(res, &workers[i].res, m.pacer.page_kb);
	res->pauses = m.pauses;
	res->paused_seconds = m.paused_seconds;
	res->stopped_by_reserve = m.stopped_by_reserve;
	res->process_exited = m.exited;
	res->move_all_denied = m.move_all_denied;
	snprintf(res->error, sizeof(res->error), "%s", m.error);
	report_progress(&m, true);
	res->seconds = np_now_s() - m.t0;

	for (int i = 0; i < MOVERS; i++)
		worker_free(&workers[i]);
	np_page_scan_close(&m.scan);
	mover_destroy(&m);
	free(windows);
	return err;
}
