/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the memory mover (act_memory.c runs the pool, mover_pages.c moves a window's pages
 * with move_pages(2), proc_pause.c stops the process and lets it go). Page counts here are base
 * pages, what move_pages(2) takes one address for; results and progress are converted to the
 * agent's 4 KiB pages (lib/pages.h) on their way out.
 */
#ifndef NP_MOVER_H
#define NP_MOVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "act/act.h"
#include "act/mem_scan.h"
#include "act/pacer.h"

struct np_mover {
	pid_t pid;
	const struct np_move_opts *opts;
	struct np_page_scan scan;
	const struct np_mem_window *windows;
	int nwindows;
	long slots; /* addresses in one window */
	double t0;
	uint64_t reserve_pages; /* base pages the target node keeps free */
	/* with opts->spread, by node id, in base pages: its reserve, the pages the node holds
	 * when planned and those it is to hold (act.h) */
	uint64_t spread_reserve[NP_MAX_NODES], spread_before[NP_MAX_NODES],
		spread_target[NP_MAX_NODES];

	pthread_mutex_t lock; /* what follows, up to file_lock */
	pthread_cond_t finished;
	int next_window, running;
	uint64_t budget;    /* base pages still allowed */
	uint64_t in_flight; /* base pages of batches being moved now: MemFree does not show them */
	uint64_t moved;	    /* base pages, by all movers: progress */
	uint64_t booked;    /* base pages of the batches started: the rate budget */
	bool stop, stopped_by_reserve, exited;
	bool move_all_denied; /* MOVE_ALL refused (no CAP_SYS_NICE): moved as MOVE */
	char error[128];
	/* with opts->spread, by node id, base pages of regions: met on the node, given away from
	 * it, given to it */
	uint64_t seen[NP_MAX_NODES], given[NP_MAX_NODES], received[NP_MAX_NODES];
	uint64_t full_nodes; /* with opts->spread: nodes at their reserve, moved to no more */

	int file_tickets; /* file windows handed out (under lock): their order */

	pthread_mutex_t file_lock; /* file windows, one mover at a time; what follows */
	pthread_cond_t file_turn_changed;
	int file_turn; /* the ticket whose file window goes next: hottest first, files too */
	struct np_pacer pacer; /* its pause state; its rate fields are read by all movers */
	bool pause_journaled;
	int pauses;
	double paused_seconds;
};

/* A thread a mover holds in a ptrace stop (proc_pause.c). */
struct np_held {
	pid_t tid;
	int sig;      /* the signal its stop took (a signal-delivery stop), handed back */
	bool stopped; /* its stop was reported: it can be detached */
};

/* The threads one mover holds: only the tracing thread may detach them. */
struct np_pause {
	struct np_held *held;
	int n, cap;
};

/* One mover thread: its buffers (one window's slots each) and its counts. */
struct np_mover_worker {
	struct np_mover *m;
	pthread_t thread;
	uint64_t *pm;
	void **addrs;
	unsigned int *weights; /* base pages behind each address: 1, or a huge page's */
	int *status, *nodes;
	int *dest;  /* with opts->spread: the node each misplaced page goes to */
	int target; /* the node of the batch being moved */
	void **busy;
	unsigned int *busy_weights;
	bool all; /* this window moves other processes' pages too (MPOL_MF_MOVE_ALL) */
	struct np_move_result res; /* this mover's counts in base pages, summed at the end */
	struct np_pause pause;
};

/*
 * (mover_pages.c) Huge pages first, each part in address order, through the scratch arrays tmp
 * and tmp_weights (n each). huge_known: weights say which are huge (> 1); otherwise the 2 MB
 * aligned addresses are taken for heads.
 */
void np_mover_huge_first(void **addrs, unsigned int *weights, int n, bool huge_known, void **tmp,
			 unsigned int *tmp_weights);

/* (mover_pages.c) Move window w's misplaced pages, in batches, within the budgets. */
void np_mover_window(struct np_mover_worker *wk, const struct np_mem_window *w);

/*
 * (mover_spread.c) An interleave's window: the n resident pages in wk->addrs (statuses in
 * wk->status, address order) each given its 2 MB region's node; those not there are kept in
 * front, grouped by node (wk->dest), and counted misplaced. Their count.
 */
int np_mover_spread_misplaced(struct np_mover_worker *wk, int n);

/* (proc_pause.c) The process's state letter (0: gone), and its address space size in bytes. */
char np_proc_state(pid_t pid, unsigned long *vsize);

/*
 * (proc_pause.c) Stop the process: every thread in a ptrace stop held by this mover thread,
 * which the kernel ends if the thread exits; the pause journaled first. -ESRCH when the
 * process is gone, another -errno when not one thread could be held (the move goes on
 * without stopping it).
 */
int np_mover_stop_process(struct np_mover_worker *wk);

/* (proc_pause.c) Let it go after a batch; ms is how long it was stopped. */
void np_mover_continue_process(struct np_mover_worker *wk, double ms);

/* (proc_pause.c) At the end of the mover thread: let go what is still held, free the list. */
void np_mover_pause_end(struct np_mover_worker *wk);

#endif
