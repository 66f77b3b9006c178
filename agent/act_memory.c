// SPDX-License-Identifier: GPL-2.0
/*
 * Memory placement: the process's resident pages, anonymous and mapped file (page cache of
 * an mmap'ed model), moved to the target node with move_pages(2).
 *
 * Order: first the 2 MB regions around sampled fault addresses, hottest first, so the pages
 * the process reads most are local soonest; then every mapping in address order. Each chunk
 * of addresses is first queried (which node holds each page: only pages off the target are
 * passed to the move, and they are what "misplaced" counts), moved in batches, then queried
 * again: with transparent huge pages one address moves 512 pages, and the kernel reports the
 * other 511 as busy although they moved, so only the second query tells what moved.
 *
 * Budgets: at most max_rate_mbps (sleeping between batches), at most max_pages, and before
 * every batch the target node's MemFree must stay above the reserve (other allocations may
 * eat into it while we move). Pages the kernel cannot move (pinned for DMA, mlocked under
 * migration, shared with other processes) are counted, never retried in a loop.
 *
 * Transparent huge pages: a THP moves whole from its first address, and passing its other 511
 * addresses in the same call costs ~2.5x (each finds the page isolated and flushes the queue).
 * So every batch first moves its 2 MB-aligned addresses alone, then what is still off target.
 *
 * Mapped file pages that the process keeps reading can crawl (measured in the TCG guest: 5 ms
 * a page, each migration unmapping the page with a TLB flush the readers' CPUs must answer,
 * while the process stopped moves 128 MB in about a second). The first file batch is a small
 * probe; below PAUSE_BELOW_MBPS the process is stopped (SIGSTOP, journaled first so restore
 * continues it after a SIGKILL of ours) for at most pause_ms per batch, batch sizes adapting
 * to that budget. --pause-ms 0 never stops it.
 *
 * MPOL_MF_MOVE, not MOVE_ALL: pages other processes map too (libc, a model file two servers
 * share) stay where they are and are counted as shared; moving them would move others' memory.
 */
#include <errno.h>
#include <numaif.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "act.h"
#include "procfs.h"
#include "sysfs.h"
#include "window.h"

#define CHUNK_PAGES 4096 /* addresses queried per move_pages call: 16 MB of 4 KiB pages */
#define BATCH_PAGES 2048 /* pages moved per call: 8 MB, the rate limiter's grain */
#define HOT_REGION (2UL << 20)
#define PROBE_PAGES 64	     /* first batch of file pages, to see how they move */
#define PAUSE_BELOW_MBPS 20 /* slower than this: stop the process while file pages move */

struct range {
	unsigned long start, end;
	bool file;
};

struct mover {
	pid_t pid;
	const struct np_move_opts *opts;
	struct np_move_result *res;
	long page_size;
	void **query_addrs;
	void **move_addrs;
	int *status;
	int *nodes;
	double t0, last_progress;
	__u64 budget; /* pages still allowed */
	__u64 reserve_pages;
	bool stop;
	bool probed_file, pause_mode, pause_journaled, already_stopped;
	int pause_batch; /* pages per paused batch, adapted to pause_ms */
};

/* Readable, writable or executable mappings of user space: what can hold pages. */
static int read_mappings(pid_t pid, struct range **out, int *count)
{
	char path[64], line[4096];
	struct range *list = NULL;
	int n = 0, cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3)
			continue;
		/* guard pages hold nothing; vdso/vvar/vsyscall are the kernel's */
		if (!strcmp(perms, "---p") || strstr(line, "[vdso]") || strstr(line, "[vvar") ||
		    strstr(line, "[vsyscall]"))
			continue;
		if (n == cap) {
			struct range *grown = realloc(list, sizeof(*list) * (cap = cap ? cap * 2 : 64));

			if (!grown) {
				free(list);
				fclose(f);
				return -ENOMEM;
			}
			list = grown;
		}
		/* a path after the inode field: a mapped file (anonymous ones have none) */
		list[n++] = (struct range){ start, end, strchr(line, '/') != NULL };
	}
	fclose(f);
	*out = list;
	*count = n;
	return 0;
}

static __u64 node_free_pages(int node)
{
	char path[96], buf[4096], *p;
	unsigned long long kb;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
	if (np_read_str("/", path, buf, sizeof(buf)) || !(p = strstr(buf, "MemFree:")) ||
	    sscanf(p, "MemFree: %llu", &kb) != 1)
		return ~0ULL; /* unreadable: MemFree was checked when planning */
	return kb / 4;
}

static void progress(struct mover *m, bool last)
{
	double t = np_now_s(), mb = m->res->pages_moved / 256.0;

	/* a terminal gets one line redrawn 5 times a second, a log one line a second */
	if (!m->opts->progress || (!last && t - m->last_progress < (m->opts->tty ? 0.2 : 1.0)))
		return;
	if (last && m->opts->tty) {
		fprintf(m->opts->progress, "\r\033[K");
	} else if (!last || m->last_progress > m->t0) {
		fprintf(m->opts->progress, "%s  memory: %.0f of %.0f MB moved to node %d, %.0f MB/s%s",
			m->opts->tty ? "\r" : "", mb, m->opts->expected_pages / 256.0,
			m->opts->target_node, t > m->t0 ? mb / (t - m->t0) : 0,
			m->opts->tty ? "  " : "\n");
	}
	m->last_progress = t;
	fflush(m->opts->progress);
}

/* Sleep as long as moving more would exceed the rate budget (one batch of burst). */
static void pace(struct mover *m)
{
	double allowed_s, ahead;

	if (m->opts->max_rate_mbps <= 0)
		return;
	allowed_s = m->res->pages_moved / 256.0 / m->opts->max_rate_mbps;
	ahead = allowed_s - (np_now_s() - m->t0) - BATCH_PAGES / 256.0 / m->opts->max_rate_mbps;
	if (ahead > 0) {
		struct timespec ts = { (time_t)ahead, (long)((ahead - (time_t)ahead) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

/* Query where pages are: negative errno from the call (ESRCH: the process left). */
static int query(struct mover *m, void **addrs, int n)
{
	if (move_pages(m->pid, n, addrs, NULL, m->status, 0))
		return -errno;
	return 0;
}

static void exited(struct mover *m)
{
	m->res->process_exited = true;
	m->stop = true;
}

static char proc_state(pid_t pid)
{
	char path[64], stat[512], *paren;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (np_read_str("/", path, stat, sizeof(stat)) || !(paren = strrchr(stat, ')')))
		return 0;
	return paren[1] == ' ' ? paren[2] : 0;
}

/* Stop the process (journaled first: a SIGKILL of ours must not leave it stopped). */
static int freeze(struct mover *m, sigset_t *saved)
{
	sigset_t block;

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
	/* Ctrl-C now would leave it stopped: signals to us wait until it runs again */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, saved);
	if (kill(m->pid, SIGSTOP)) {
		sigprocmask(SIG_SETMASK, saved, NULL);
		return -errno;
	}
	for (int i = 0; i < 50 && proc_state(m->pid) != 'T'; i++)
		usleep(1000);
	return 0;
}

static void thaw(struct mover *m, const sigset_t *saved)
{
	kill(m->pid, SIGCONT);
	sigprocmask(SIG_SETMASK, saved, NULL);
}

/* Move pages; -errno of the call. Statuses in move_status. */
static int move_call(struct mover *m, void **addrs, int n, int *move_status)
{
	return n && move_pages(m->pid, n, addrs, m->nodes, move_status, MPOL_MF_MOVE) < 0 ? -errno
											  : 0;
}

/* THP heads first: a huge page moves whole from its aligned address, cheaply. */
static int move_heads(struct mover *m, void **addrs, int n, int *move_status)
{
	void **heads = m->query_addrs; /* free while a batch runs */
	int nheads = 0;

	for (int i = 0; i < n; i++)
		if (!((unsigned long)addrs[i] & (HOT_REGION - 1)))
			heads[nheads++] = addrs[i];
	return move_call(m, heads, nheads, move_status);
}

/* Move n off-target pages; count by a last query what really moved. */
static void move_batch(struct mover *m, void **addrs, int n, bool hot, bool file)
{
	int err, nrest = 0, *move_status = m->status + CHUNK_PAGES;
	__u64 free_pages = node_free_pages(m->opts->target_node);
	void **rest = m->query_addrs + CHUNK_PAGES;
	bool paused = false;
	sigset_t saved;
	double t0;

	if (free_pages != ~0ULL && free_pages < m->reserve_pages + n) {
		m->res->stopped_by_reserve = true;
		m->stop = true;
		return;
	}
	err = move_heads(m, addrs, n, move_status);
	if (!err)
		err = query(m, addrs, n);
	for (int i = 0; !err && i < n; i++)
		if (m->status[i] >= 0 && m->status[i] != m->opts->target_node)
			rest[nrest++] = addrs[i];
	if (!err && nrest && file && m->pause_mode) {
		err = freeze(m, &saved);
		paused = !err;
		if (err == -ESRCH)
			return exited(m);
		if (err)
			m->pause_mode = false; /* cannot journal the pause: do without it */
		err = 0;
	}
	t0 = np_now_s();
	if (!err)
		err = move_call(m, rest, nrest, move_status);
	if (paused) {
		double ms = (np_now_s() - t0) * 1000;

		thaw(m, &saved);
		m->res->pauses++;
		m->res->paused_seconds += ms / 1000;
		/* aim the next batch at the pause budget */
		m->pause_batch = (int)(nrest * m->opts->pause_ms / (ms > 1 ? ms : 1));
		m->pause_batch = m->pause_batch < 16 ? 16 : m->pause_batch > BATCH_PAGES ? BATCH_PAGES
										  : m->pause_batch;
	} else if (file && !m->probed_file && nrest >= PROBE_PAGES) {
		double s = np_now_s() - t0;

		m->probed_file = true;
		m->pause_mode = m->opts->pause_ms > 0 && !m->already_stopped &&
				nrest / 256.0 / (s > 1e-6 ? s : 1e-6) < PAUSE_BELOW_MBPS;
	}
	if (err == -ESRCH)
		return exited(m);
	if (err) {
		/* ENOMEM (the node ran out), EPERM: counted, and no point going on */
		m->res->pages_failed += n;
		snprintf(m->res->error, sizeof(m->res->error), "move_pages: %s", strerror(-err));
		m->stop = true;
		return;
	}
	err = query(m, addrs, n);
	if (err)
		return exited(m);
	for (int i = 0, r = 0; i < n; i++) {
		/* the second call's status for this address, when it was passed to it */
		int st = r < nrest && rest[r] == addrs[i] ? move_status[r++] : m->status[i];

		if (m->status[i] == m->opts->target_node) {
			m->res->pages_moved++;
			m->res->pages_hot_moved += hot;
		} else if (st == -EACCES) {
			m->res->pages_shared++;
		} else if (st == -EBUSY || st == -EAGAIN || st == m->status[i]) {
			m->res->pages_busy++;
		} else if (st != -ENOENT && st != -EFAULT) {
			m->res->pages_failed++; /* ENOENT/EFAULT: unmapped meanwhile, nothing lost */
		}
	}
	m->budget -= (__u64)n < m->budget ? (__u64)n : m->budget;
	progress(m, false);
	pace(m);
}

static int batch_size(const struct mover *m, bool file)
{
	if (!file)
		return BATCH_PAGES;
	if (!m->probed_file)
		return PROBE_PAGES;
	return m->pause_mode ? m->pause_batch : BATCH_PAGES;
}

static void move_range(struct mover *m, unsigned long start, unsigned long end, bool hot,
		       bool file)
{
	for (unsigned long addr = start; addr < end && !m->stop;) {
		int n = 0, nmove = 0, err;

		while (n < CHUNK_PAGES && addr < end) {
			m->query_addrs[n++] = (void *)addr;
			addr += m->page_size;
		}
		err = query(m, m->query_addrs, n);
		if (err)
			return exited(m);
		/* keep only resident pages off the target: the misplaced ones */
		for (int i = 0; i < n; i++)
			if (m->status[i] >= 0 && m->status[i] != m->opts->target_node)
				m->move_addrs[nmove++] = m->query_addrs[i];
		m->res->pages_misplaced += nmove;
		for (int done = 0; done < nmove && !m->stop;) {
			int batch = batch_size(m, file);

			if (batch > nmove - done)
				batch = nmove - done;

			if (m->budget == 0) {
				m->res->stopped_by_reserve = true;
				m->stop = true;
				break;
			}
			if ((__u64)batch > m->budget)
				batch = (int)m->budget;
			move_batch(m, m->move_addrs + done, batch, hot, file);
			done += batch;
		}
	}
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The 2 MB regions around sampled addresses, within their mapping, in order of heat. */
static int hot_regions(const struct np_move_opts *opts, const struct range *maps, int nmaps,
		       struct range *out)
{
	int n = 0;

	for (int i = 0; i < opts->nhot; i++) {
		unsigned long a = opts->hot_addrs[i], start = a & ~(HOT_REGION - 1);
		bool dup = false;

		for (int j = 0; j < n; j++)
			dup |= out[j].start <= a && a < out[j].end;
		for (int j = 0; j < nmaps && !dup; j++) {
			if (a < maps[j].start || a >= maps[j].end)
				continue;
			out[n].start = start > maps[j].start ? start : maps[j].start;
			out[n].end = start + HOT_REGION < maps[j].end ? start + HOT_REGION
								     : maps[j].end;
			out[n].file = maps[j].file;
			n++;
			break;
		}
	}
	return n;
}

/* A mapping minus the hot regions already moved (sorted by start). */
static void move_rest(struct mover *m, struct range map, const struct range *hot, int nhot)
{
	unsigned long from = map.start;

	for (int i = 0; i < nhot && !m->stop; i++) {
		if (hot[i].end <= from || hot[i].start >= map.end)
			continue;
		if (hot[i].start > from)
			move_range(m, from, hot[i].start, false, map.file);
		from = hot[i].end;
	}
	if (from < map.end && !m->stop)
		move_range(m, from, map.end, false, map.file);
}

int np_act_memory(pid_t pid, const struct np_move_opts *opts, struct np_move_result *res)
{
	struct mover m = { .pid = pid, .opts = opts, .res = res };
	struct range *maps = NULL, *hot = NULL;
	int nmaps, nhot, err;

	memset(res, 0, sizeof(*res));
	m.page_size = sysconf(_SC_PAGESIZE);
	m.t0 = m.last_progress = np_now_s();
	m.budget = opts->max_pages;
	m.reserve_pages = opts->reserve_mb > 0 ? (__u64)opts->reserve_mb * 256 : 0;
	err = read_mappings(pid, &maps, &nmaps);
	if (err == -ESRCH) {
		res->process_exited = true;
		return 0;
	}
	if (err)
		return err;
	m.already_stopped = proc_state(pid) == 'T';
	m.pause_batch = 256;
	m.query_addrs = calloc(2 * CHUNK_PAGES, sizeof(void *));
	m.move_addrs = calloc(CHUNK_PAGES, sizeof(void *));
	m.status = calloc(2 * CHUNK_PAGES, sizeof(int));
	m.nodes = calloc(CHUNK_PAGES, sizeof(int));
	hot = calloc(opts->nhot + 1, sizeof(*hot));
	if (!m.query_addrs || !m.move_addrs || !m.status || !m.nodes || !hot) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (int i = 0; i < CHUNK_PAGES; i++)
		m.nodes[i] = opts->target_node;

	/* hottest first, then everything else in address order */
	nhot = hot_regions(opts, maps, nmaps, hot);
	for (int i = 0; i < nhot && !m.stop; i++)
		move_range(&m, hot[i].start, hot[i].end, true, hot[i].file);
	qsort(hot, nhot, sizeof(*hot), cmp_range);
	for (int i = 0; i < nmaps && !m.stop; i++)
		move_rest(&m, maps[i], hot, nhot);
	progress(&m, true);
	res->seconds = np_now_s() - m.t0;
cleanup:
	free(maps);
	free(hot);
	free(m.query_addrs);
	free(m.move_addrs);
	free(m.status);
	free(m.nodes);
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
