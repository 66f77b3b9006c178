/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When `numaplace run` traces (issue 18). Its BPF programs on sched_switch and the page-fault
 * tracepoint run on every switch and fault of every task on the host, traced or not, so the
 * daemon attaches them only in the sampling windows it needs:
 *   new      a managed process not placed yet and not yet judged: traced for a whole window
 *   moving   the fleet counts intervals toward a placement (before it)
 *   acting   a placement or follow-up was decided: during it and one window after
 *   check    every trace_every intervals, one window (children of servers, fault samples)
 * Between windows the sampler's maps learn each managed thread's CPU time by node from /proc
 * (sampler_proc.h) and memory comes from numa_maps as always. trace_every = 0: always traced.
 * The decision is pure (time and state as arguments); np_run_duty() applies it.
 */
#ifndef NP_RUN_DUTY_H
#define NP_RUN_DUTY_H

#include <stdbool.h>

#include "lib/np_common.h"

enum np_duty_reason {
	NP_DUTY_NONE, /* no window: programs detached */
	NP_DUTY_ALWAYS,
	NP_DUTY_NEW,
	NP_DUTY_MOVING,
	NP_DUTY_ACTING,
	NP_DUTY_CHECK,
};

/* The daemon's duty-cycle state; zero it before the first step. */
struct np_duty {
	enum np_duty_reason reason; /* why the window is open now, NP_DUTY_NONE: closed */
	double opened_s;	    /* when it opened */
	double acting_until_s;	    /* an action keeps it open until then */
	double check_until_s;	    /* the periodic check's window ends then */
	__u64 windows;		    /* windows opened so far (a metric) */
};

/* What this interval asks for. */
struct np_duty_need {
	int newcomers; /* managed processes neither placed nor judged */
	int moving;    /* processes the fleet counts toward a move */
	bool acting;   /* a placement or follow-up is decided now */
};

/*
 * One step at now_s, interval interval_no (0 first), with the configuration's window_s and
 * every (intervals; 0: always). Returns the reason the window is open from now on,
 * NP_DUTY_NONE when it is closed; d->windows counts the openings.
 */
enum np_duty_reason np_duty_step(struct np_duty *d, double now_s, __u64 interval_no,
				 double window_s, int every, const struct np_duty_need *need);

/* A process the window still has to judge: not placed, and not traced window_s yet
 * (traced_since_s: when a window first saw it, 0 never). */
bool np_duty_newcomer(bool placed, double traced_since_s, double now_s, double window_s);

/* Its word in the log: "a new process", ... */
const char *np_duty_reason_words(enum np_duty_reason reason);

#endif
