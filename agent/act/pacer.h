/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory mover's decisions as plain arithmetic: how long a batch waits to stay within the
 * rate budget, how big the next batch may be, and when mapped file pages move so slowly that
 * the process is better stopped while they move. Time and counts are arguments (no clock, no
 * syscall), so tests drive them; the mover (act_memory.c, mover_pages.c) does the waiting and
 * the stopping.
 *
 * Page counts here are base pages, the kernel's page size: what move_pages(2) takes one address
 * for. The rest of the agent counts 4 KiB pages (lib/pages.h); np_base_to_pages() converts.
 */
#ifndef NP_PACER_H
#define NP_PACER_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/pages.h"
#include "policy/pause_plan.h" /* NP_PAUSE_BELOW_MBPS */

#define NP_PACER_BATCH_MB    16	 /* one move call at most: the rate budget's grain */
#define NP_PACER_PROBE_PAGES 64	 /* base pages: the first file batch, to see how they move */
#define NP_PACER_PAUSE_FIRST 256 /* base pages: the first batch with the process stopped */
#define NP_PACER_PAUSE_MIN   16	 /* base pages: the smallest such batch */

struct np_pacer {
	double rate_mbps;     /* over all movers; 0: no limit */
	long page_kb;	      /* the base page: the unit of every page count here */
	int batch_pages;      /* base pages of NP_PACER_BATCH_MB */
	int pause_ms;	      /* the process is stopped at most this long per batch; 0: never */
	int pause_below_mbps; /* 0: NP_PAUSE_BELOW_MBPS */
	bool already_stopped; /* stopped by someone else: we neither stop nor continue it */
	/* the pause policy's state: file windows move one at a time, so one mover owns it */
	bool probed;	 /* the first file batch has been timed */
	bool pausing;	 /* file batches move with the process stopped */
	bool pause_over; /* no more stops: refused, or the plan's total reached */
	int pause_batch; /* base pages per paused batch, adapted to pause_ms */
	long pause_total_ms; /* the plan's bound on all stops together (pause_plan.h); 0: none */
	double paused_ms;    /* the stops so far */
	double next_stop_s;  /* no stop before then (the caller's clock): the process runs */
};

/* Fill the fixed fields, the policy state from the start. */
void np_pacer_init(struct np_pacer *p, double rate_mbps, int pause_ms, int pause_below_mbps,
		   long page_kb);

/* The threshold below which file pages move with the process stopped (MB/s). */
int np_pacer_pause_below(const struct np_pacer *p);

/*
 * Seconds a batch waits before it may start: booked base pages were booked by earlier batches
 * (of all movers), elapsed_s have passed since the move began. One batch of burst is free, so
 * the first batches start at once. 0 when behind the budget, or without a rate limit.
 */
double np_pacer_wait_s(const struct np_pacer *p, uint64_t booked, double elapsed_s);

/* Base pages the next batch of an anonymous (file false) or file window may hold. */
int np_pacer_batch_limit(const struct np_pacer *p, bool file);

/*
 * A file batch of n base pages moved in seconds with the process running. Each one of at
 * least NP_PACER_PROBE_PAGES (the first is a probe of that size) is judged: slower than the
 * threshold, later file batches move with the process stopped (unless pause_ms is 0, it was
 * stopped already, or stops are over). Not the first alone: in the TCG guest a fast probe was
 * followed by 256 MB that crawled for 42 s (`make bench`).
 */
void np_pacer_file_moved(struct np_pacer *p, int n, double seconds);

/*
 * A batch of n base pages moved in ms with the process stopped: the next aims at pause_ms.
 * Once another stop could take the stops past pause_total_ms, file pages move without.
 */
void np_pacer_paused(struct np_pacer *p, int n, double ms);

/*
 * The process was let go at now_s after a stop of ms (the whole stop: holding its threads, the
 * batch, letting go): it runs as long before the next one. Back to back, stops of 50 ms each
 * were one long stall to its threads (measured in the TCG guest: 0.5 s, `make bench`).
 */
void np_pacer_released(struct np_pacer *p, double now_s, double ms);

/* Seconds to wait at now_s before the process may be stopped again (0: now). */
double np_pacer_stop_wait_s(const struct np_pacer *p, double now_s);

/* No more stops: stopping failed (the pause could not be journaled), or the total is reached. */
void np_pacer_no_pause(struct np_pacer *p);

#endif
