// SPDX-License-Identifier: GPL-2.0
/*
 * Memory placement: the process's resident pages, anonymous and mapped file (page cache of
 * an mmap'ed model), moved to the target node with move_pages(2).
 *
 * Order: first the 2 MB regions around sampled fault addresses, hottest first, so the pages
 * the process reads most are local soonest; then every mapping in address order, in windows
 * of 64 MB (mem_scan.c). In each window only resident pages are passed, a transparent huge
 * page once by its head, and a status query first keeps only the pages off the target: what
 * "misplaced" counts. The move call's own statuses then say what moved; pages reported busy
 * are queried once more (a THP's tail is busy while its head is queued, then moves with it).
 *
 * Two movers: each takes the next window. Measured in the TCG guest, a second thread moves
 * THP memory 1.3-1.9x faster (the copy is CPU work, and the kernel's migration of one call
 * is serial); more than two did not help there, and the rate budget caps them anyway.
 *
 * Budgets: at most max_rate_mbps over all movers (each batch booked, then waited for), at most
 * max_pages, and before every batch the target node's MemFree must stay above the reserve
 * (other allocations may eat into it while we move). Pages the kernel cannot move (pinned for
 * DMA, mlocked under migration, shared with other processes) are counted, never retried.
 *
 * Mapped file pages that the process keeps reading can crawl (measured in the TCG guest: 5 ms
 * a page, each migration unmapping the page with a TLB flush the readers' CPUs must answer,
 * while the process stopped moves 128 MB in about a second). The first file batch is a small
 * probe; below NP_PAUSE_BELOW_MBPS the process is stopped (SIGSTOP, journaled first so restore
 * continues it after a SIGKILL of ours) for at most pause_ms per batch, batch sizes adapting
 * to that budget. --pause-ms 0 never stops it. File windows are moved by one mover at a time,
 * so probing, stopping and continuing the process never interleave, and in the order they were
 * handed out, so the hottest file region is not overtaken by the next one.
 *
 * Signals: SIGINT and SIGTERM are held back while the movers run and only make them stop
 * after their batch (the process is never left stopped); once the process runs and the
 * movers are joined, the signal is delivered as the caller arranged (a daemon blocking them
 * for its signalfd still finds them pending).
 *
 * MPOL_MF_MOVE, not MOVE_ALL: pages other processes map too (libc, a model file two servers
 * share) stay where they are and are counted as shared; moving them would move others' memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <numaif.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include "lib/clock.h"
#include "act/act.h"
#include "lib/cpulist.h"
#include "act/mem_scan.h"
#include "lib/procfs.h"
#include "lib/sysfs.h"
#include "sample/window.h"

#define BATCH_PAGES 4096 /* 4 KiB pages per move call: 16 MB, the rate limiter's grain */
#define MOVERS 2
#define MOVER_NICE -10 /* see mover_cpus() */
#define PROBE_PAGES 64	     /* first batch of file pages, to see how they move */

struct mover {
	pid_t pid;
	const struct np_move_opts *opts;
	struct np_page_scan scan;
	const struct np_mem_window *windows;
	int nwindows;
	long slots; /* addresses in one window */
	double t0, last_line;
	__u64 reserve_pages;

	pthread_mutex_t lock; /* what follows, up to file_lock */
	pthread_cond_t finished;
	int next_window, running;
	__u64 budget;	 /* pages still allowed */
	__u64 in_flight; /* pages of batches being moved now: MemFree does not show them yet */
	__u64 moved;  /* by all movers: progress */
	__u64 booked; /* pages of the batches started: the rate budget */
	bool stop, stopped_by_reserve, exited;
	char error[128];

	int file_tickets; /* file windows handed out (under lock): their order */

	pthread_mutex_t file_lock; /* file windows, one mover at a time; what follows */
	pthread_cond_t file_turn_changed;
	int file_turn; /* the ticket whose file window goes next: hottest first holds for them too */
	bool probed_file, pause_mode, pause_journaled, already_stopped;
	int pause_batch; /* pages per paused batch, adapted to pause_ms */
	int pauses;
	double paused_seconds;
};

struct worker {
	struct mover *m;
	pthread_t thread;
	uint64_t *pm;
	void **addrs;
	unsigned int *weights;
	int *status, *nodes;
	void **busy;
	unsigned int *busy_weights;
	struct np_move_result res; /* this mover's counts, summed at the end */
};

static bool stopping(struct mover *m)
{
	return __atomic_load_n(&m->stop, __ATOMIC_RELAXED);
}

static void stop_all(struct mover *m, bool *reason)
{
	pthread_mutex_lock(&m->lock);
	if (reason)
		*reason = true;
	m->stop = true;
	pthread_mutex_unlock(&m->lock);
}

static void fail(struct mover *m, const char *what, int err)
{
	pthread_mutex_lock(&m->lock);
	if (!m->error[0])
		snprintf(m->error, sizeof(m->error), "%s: %s", what, strerror(-err));
	m->stop = true;
	pthread_mutex_unlock(&m->lock);
}

static __u64 node_free_pages(int node)
{
	uint64_t kb;

	/* unreadable: MemFree was checked when planning */
	return np_node_mem_free_kb("/", node, &kb) ? ~0ULL : kb / 4;
}

static void progress(struct mover *m, bool last)
{
	double t = np_now_s(), mb = __atomic_load_n(&m->moved, __ATOMIC_RELAXED) / 256.0;

	/* a terminal gets one line redrawn 5 times a second, a log one line a second */
	if (!m->opts->progress || (!last && t - m->last_line < (m->opts->tty ? 0.2 : 1.0)))
		return;
	if (last && m->opts->tty) {
		fprintf(m->opts->progress, "\r\033[K");
	} else if (!last || m->last_line > m->t0) {
		fprintf(m->opts->progress, "%s  memory: %.0f of %.0f MB moved to node %d, %.0f MB/s%s",
			m->opts->tty ? "\r" : "", mb, m->opts->expected_pages / 256.0,
			m->opts->target_node, t > m->t0 ? mb / (t - m->t0) : 0,
			m->opts->tty ? "  " : "\n");
	}
	m->last_line = last ? 0 : t;
	fflush(m->opts->progress);
}

/*
 * Wait until a batch of `pages` may start within the rate budget. Batches are booked before
 * they move, so both movers together stay within it, with one batch of burst at the start.
 */
static void pace(struct mover *m, __u64 pages)
{
	double rate = m->opts->max_rate_mbps, due;
	__u64 booked;

	if (rate <= 0)
		return;
	booked = __atomic_fetch_add(&m->booked, pages, __ATOMIC_RELAXED);
	due = booked / 256.0 / rate - BATCH_PAGES / 256.0 / rate - (np_now_s() - m->t0);
	if (due > 0) {
		struct timespec ts = { (time_t)due, (long)((due - (time_t)due) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

/* The process's state letter (0: gone), and its address space size in bytes when vsize. */
static char proc_state_vsize(pid_t pid, unsigned long *vsize)
{
	struct np_stat st;

	if (np_stat_read("/", pid, 0, &st))
		return 0;
	if (vsize)
		*vsize = st.vsize;
	return st.state;
}

static char proc_state(pid_t pid)
{
	return proc_state_vsize(pid, NULL);
}

/* Stop the process (journaled first: a SIGKILL of ours must not leave it stopped). */
static int freeze(struct mover *m)
{
	if (!m->pause_journaled) {
		struct np_change c = { .kind = NP_CHANGE_PROCESS_PAUSED, .id = m->pid,
				       .tgid = m->pid };
		int err;

		if (np_thread_start_time("/", m->pid, m->pid, &c.start_time))
			return -ESRCH;
		snprintf(c.old_value, sizeof(c.old_value), "running");
		err = np_journal_append(m->opts->journal, &c, 1);
		if (err)
			return err;
		m->pause_journaled = true;
	}
	if (kill(m->pid, SIGSTOP))
		return -errno;
	for (int i = 0; i < 50 && proc_state(m->pid) != 'T'; i++)
		usleep(1000);
	return 0;
}

/* Query where pages are (nodes NULL) or move them; -errno of the call. */
static int pages_call(struct mover *m, void **addrs, int n, const int *nodes, int *status)
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
	char state = proc_state_vsize(pid, &vsize);

	return !state || state == 'Z' || state == 'X' || vsize == 0;
}

static void call_failed(struct worker *wk, const char *what, int err, __u64 pages)
{
	if (err == -ESRCH || (err == -EINVAL && exiting(wk->m->pid))) {
		stop_all(wk->m, &wk->m->exited);
		return;
	}
	/* ENOMEM (the node ran out), EPERM: counted, and no point going on */
	wk->res.pages_failed += pages;
	fail(wk->m, what, err);
}

/* Count what one move call did; pages reported busy are asked once more. */
static void count_moved(struct worker *wk, void **addrs, const unsigned int *weights, int n,
			bool hot)
{
	struct mover *m = wk->m;
	int target = m->opts->target_node, nbusy = 0;
	__u64 moved = 0;

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
	/* a huge page's tail is busy while its head is queued, and moves with it */
	if (nbusy && pages_call(m, wk->busy, nbusy, NULL, wk->status) == 0) {
		for (int i = 0; i < nbusy; i++) {
			if (wk->status[i] == target)
				moved += wk->busy_weights[i];
			else if (wk->status[i] >= 0)
				wk->res.pages_busy += wk->busy_weights[i];
		}
	}
	wk->res.pages_moved += moved;
	wk->res.pages_hot_moved += hot ? moved : 0;
	__atomic_add_fetch(&m->moved, moved, __ATOMIC_RELAXED);
}

static int pause_below_mbps(const struct np_move_opts *opts)
{
	return opts->pause_below_mbps > 0 ? opts->pause_below_mbps : NP_PAUSE_BELOW_MBPS;
}

/* Move one batch of misplaced pages (pages: their weight in 4 KiB pages). */
static void move_batch(struct worker *wk, void **addrs, const unsigned int *weights, int n,
		       __u64 pages, const struct np_mem_window *w)
{
	struct mover *m = wk->m;
	__u64 free_pages;
	bool paused = false;
	double t0;
	int err = 0;

	pace(m, pages);
	/*
	 * MemFree as it is after the wait, less what the other mover is moving there right now:
	 * two batches checked at once must not take the node below its reserve together.
	 */
	pthread_mutex_lock(&m->lock);
	free_pages = node_free_pages(m->opts->target_node);
	if (free_pages != ~0ULL && free_pages < m->reserve_pages + m->in_flight + pages) {
		m->stopped_by_reserve = m->stop = true;
		pthread_mutex_unlock(&m->lock);
		return;
	}
	m->in_flight += pages;
	pthread_mutex_unlock(&m->lock);
	if (w->file && m->pause_mode) {
		err = freeze(m);
		paused = !err;
		if (err == -ESRCH)
			goto moved; /* gone: its in-flight pages are given back below */
		if (err)
			m->pause_mode = false; /* cannot journal the pause: do without it */
	}
	t0 = np_now_s();
	err = pages_call(m, addrs, n, wk->nodes, wk->status);
	if (paused) {
		double ms = (np_now_s() - t0) * 1000;

		kill(m->pid, SIGCONT);
		m->pauses++;
		m->paused_seconds += ms / 1000;
		/* aim the next batch at the pause budget */
		m->pause_batch = (int)(n * m->opts->pause_ms / (ms > 1 ? ms : 1));
		m->pause_batch = m->pause_batch < 16 ? 16 : m->pause_batch > BATCH_PAGES ? BATCH_PAGES
										  : m->pause_batch;
	} else if (w->file && !m->probed_file && n >= PROBE_PAGES) {
		double s = np_now_s() - t0;

		m->probed_file = true;
		m->pause_mode = m->opts->pause_ms > 0 && !m->already_stopped &&
				n / 256.0 / (s > 1e-6 ? s : 1e-6) < pause_below_mbps(m->opts);
	}
moved:
	pthread_mutex_lock(&m->lock);
	m->in_flight -= pages;
	pthread_mutex_unlock(&m->lock);
	if (err)
		return call_failed(wk, "move_pages", err, pages);
	count_moved(wk, addrs, weights, n, w->hot);
}

static int batch_limit(const struct mover *m, bool file)
{
	if (!file)
		return BATCH_PAGES;
	if (!m->probed_file)
		return PROBE_PAGES;
	return m->pause_mode ? m->pause_batch : BATCH_PAGES;
}

/* Take up to want pages of the budget; 0 when it is spent. */
static __u64 take_budget(struct mover *m, __u64 want)
{
	__u64 got;

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

static void move_window(struct worker *wk, const struct np_mem_window *w)
{
	struct mover *m = wk->m;
	int target = m->opts->target_node, n, nmis = 0, err;
	bool huge_known;

	n = np_page_scan(&m->scan, w, wk->pm, wk->addrs, wk->weights, &huge_known);
	err = pages_call(m, wk->addrs, n, NULL, wk->status);
	if (err)
		return call_failed(wk, "move_pages (query)", err, 0);
	/* keep only resident pages off the target: the misplaced ones */
	for (int i = 0; i < n; i++) {
		if (wk->status[i] < 0 || wk->status[i] == target)
			continue;
		wk->addrs[nmis] = wk->addrs[i];
		wk->weights[nmis++] = wk->weights[i];
		wk->res.pages_misplaced += wk->weights[i];
	}
	if (!huge_known)
		heads_first(wk->addrs, nmis, wk->busy);

	for (int done = 0; done < nmis && !stopping(m);) {
		int limit = batch_limit(m, w->file), cnt = 0;
		__u64 pages = 0, allowed;

		while (done + cnt < nmis && (!cnt || pages + wk->weights[done + cnt] <= (__u64)limit))
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

static void *mover_main(void *arg)
{
	struct worker *wk = arg;
	struct mover *m = wk->m;

	/* best effort: without CAP_SYS_NICE the movers share the CPUs evenly, just slower */
	setpriority(PRIO_PROCESS, (id_t)gettid(), MOVER_NICE);
	for (;;) {
		const struct np_mem_window *w;
		int idx, ticket = -1;

		pthread_mutex_lock(&m->lock);
		idx = m->stop ? m->nwindows : m->next_window++;
		if (idx < m->nwindows && m->windows[idx].file)
			ticket = m->file_tickets++;
		pthread_mutex_unlock(&m->lock);
		if (idx >= m->nwindows)
			break;
		w = &m->windows[idx];
		/* file windows one at a time, in the order they were taken (not who locks first) */
		if (ticket >= 0) {
			pthread_mutex_lock(&m->file_lock);
			while (m->file_turn != ticket)
				pthread_cond_wait(&m->file_turn_changed, &m->file_lock);
		}
		move_window(wk, w);
		if (ticket >= 0) {
			m->file_turn++;
			pthread_cond_broadcast(&m->file_turn_changed);
			pthread_mutex_unlock(&m->file_lock);
		}
	}
	pthread_mutex_lock(&m->lock);
	m->running--;
	pthread_cond_signal(&m->finished);
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

static int worker_init(struct worker *wk, struct mover *m)
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
	if (!wk->pm || !wk->addrs || !wk->weights || !wk->status || !wk->nodes || !wk->busy ||
	    !wk->busy_weights)
		return -ENOMEM;
	for (long i = 0; i < slots; i++)
		wk->nodes[i] = m->opts->target_node;
	return 0;
}

static void worker_free(struct worker *wk)
{
	free(wk->pm);
	free(wk->addrs);
	free(wk->weights);
	free(wk->status);
	free(wk->nodes);
	free(wk->busy);
	free(wk->busy_weights);
}

static void add_result(struct np_move_result *sum, const struct np_move_result *r)
{
	sum->pages_misplaced += r->pages_misplaced;
	sum->pages_moved += r->pages_moved;
	sum->pages_hot_moved += r->pages_hot_moved;
	sum->pages_busy += r->pages_busy;
	sum->pages_shared += r->pages_shared;
	sum->pages_failed += r->pages_failed;
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

/*
 * Wait for the movers, drawing progress and calling the caller's tick; a pending SIGINT or
 * SIGTERM makes them stop.
 */
static void wait_movers(struct mover *m)
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
		progress(m, false);
		if (m->opts->tick)
			m->opts->tick(m->opts->tick_ctx);
		pthread_mutex_lock(&m->lock);
	}
	pthread_mutex_unlock(&m->lock);
}

int np_act_memory(pid_t pid, const struct np_move_opts *opts, struct np_move_result *res)
{
	struct mover m = { .pid = pid, .opts = opts };
	struct worker workers[MOVERS] = { 0 };
	struct np_mem_window *windows = NULL;
	int nwindows, nhot, nworkers = 0, err;
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	sigset_t block, saved;
	pthread_attr_t attr;
	cpu_set_t cpus;

	memset(res, 0, sizeof(*res));
	m.t0 = np_now_s();
	err = np_mem_windows(pid, opts->hot_addrs, opts->nhot, &windows, &nwindows, &nhot);
	if (err == -ESRCH) {
		res->process_exited = true;
		return 0;
	}
	if (err)
		return err;
	np_page_scan_open(&m.scan, pid);
	m.windows = windows;
	m.nwindows = nwindows;
	m.slots = NP_MEM_WINDOW / m.scan.page_size;
	m.budget = opts->max_pages;
	m.reserve_pages = opts->reserve_mb > 0 ? (__u64)opts->reserve_mb * 256 : 0;
	m.already_stopped = proc_state(pid) == 'T';
	m.pause_batch = 256;
	pthread_mutex_init(&m.lock, NULL);
	pthread_mutex_init(&m.file_lock, NULL);
	pthread_cond_init(&m.file_turn_changed, NULL);
	pthread_cond_init(&m.finished, NULL);

	/* the movers inherit the blocked signals: only wait_movers looks at them */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &saved);
	pthread_attr_init(&attr);
	if (mover_cpus(opts->target_node, &cpus))
		pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
	/* the movers wait on the lock for their first window until all are counted */
	pthread_mutex_lock(&m.lock);
	for (int i = 0; i < MOVERS && i < (ncpus > 1 ? ncpus : 1); i++) {
		err = worker_init(&workers[i], &m);
		if (!err) {
			m.running++;
			err = -pthread_create(&workers[i].thread, &attr, mover_main, &workers[i]);
			if (err)
				m.running--;
		}
		if (err)
			break;
		nworkers++;
	}
	pthread_mutex_unlock(&m.lock);
	if (nworkers) {
		err = 0; /* fewer movers than wanted still move everything */
		wait_movers(&m);
	}
	for (int i = 0; i < nworkers; i++)
		pthread_join(workers[i].thread, NULL);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	pthread_attr_destroy(&attr);

	for (int i = 0; i < nworkers; i++)
		add_result(res, &workers[i].res);
	res->pauses = m.pauses;
	res->paused_seconds = m.paused_seconds;
	res->stopped_by_reserve = m.stopped_by_reserve;
	res->process_exited = m.exited;
	snprintf(res->error, sizeof(res->error), "%s", m.error);
	progress(&m, true);
	res->seconds = np_now_s() - m.t0;

	for (int i = 0; i < MOVERS; i++)
		worker_free(&workers[i]);
	np_page_scan_close(&m.scan);
	pthread_mutex_destroy(&m.lock);
	pthread_mutex_destroy(&m.file_lock);
	pthread_cond_destroy(&m.file_turn_changed);
	pthread_cond_destroy(&m.finished);
	free(windows);
	return err;
}

int np_restore_process(const struct np_change *c, struct np_act_result *res)
{
	unsigned long long start;

	/* the same process (start time), and still stopped: our SIGSTOP outlived us */
	if (np_thread_start_time("/", c->tgid, c->id, &start) || start != c->start_time) {
		res->vanished++;
		return 0;
	}
	if (proc_state(c->id) != 'T') {
		res->unchanged++;
		return 0;
	}
	if (kill(c->id, SIGCONT))
		np_act_fail(res, "pid %d: SIGCONT: %s", c->id, strerror(errno));
	else
		res->changed++;
	return 0;
}
