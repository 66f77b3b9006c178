// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's sampling windows carried out (run_duty.h): what the managed processes ask
 * for, the pure decision, then the sampler attached or detached, said in the log.
 */
#include <string.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "run/run.h"
#include "run/run_duty.h"

static void duty_need(const struct np_run *r, double now_s, struct np_duty_need *need)
{
	for (int i = 0; i < r->nmanaged; i++) {
		const struct np_managed *mp = &r->managed[i];
		const struct np_fleet_entry *e = np_fleet_find(&r->fleet, mp->pid, mp->start_time);
		/* judged: placed (or interleaved), or its placement declined */
		bool placed = mp->declined || (e && (e->placed || e->interleaved));

		if (np_duty_newcomer(placed, mp->traced_since_s, now_s, r->cfg.trace_window_s))
			need->newcomers++;
		if (e && e->above > 0)
			need->moving++;
	}
}

/* One line when a window opens: the periodic check only at debug level, it comes often. */
static void say_opened(const struct np_run *r, enum np_duty_reason reason)
{
	np_log(reason == NP_DUTY_CHECK ? NP_LOG_DEBUG : NP_LOG_INFO,
	       "tracing: window %llu opens for %s (%d managed)",
	       (unsigned long long)r->duty.windows, np_duty_reason_words(reason), r->nmanaged);
}

void np_run_duty(struct np_run *r, bool acting)
{
	struct np_duty_need need = { .acting = acting };
	enum np_duty_reason was = r->duty.reason, now;
	double now_s = np_now_s();
	char msg[256];
	int err;

	duty_need(r, now_s, &need);
	now = np_duty_step(&r->duty, now_s, r->interval_no, r->cfg.trace_window_s,
			   r->cfg.trace_every, &need);
	if (now == NP_DUTY_NONE && was != NP_DUTY_NONE) {
		np_sampler_detach(r->sampler);
		np_log(NP_LOG_DEBUG, "tracing: window %llu closes after %.1f s",
		       (unsigned long long)r->duty.windows, now_s - r->duty.opened_s);
	} else if (now != NP_DUTY_NONE && !np_sampler_attached(r->sampler)) {
		err = np_sampler_attach(r->sampler, msg, sizeof(msg));
		if (err)
			np_log_ratelimited("attach", NP_LOG_ERR, "tracing: %s", msg);
		else if (was == NP_DUTY_NONE)
			say_opened(r, now);
	}
	if (!np_sampler_attached(r->sampler))
		return;
	/* a process is judged over a whole window from the first time one saw it */
	for (int i = 0; i < r->nmanaged; i++)
		if (r->managed[i].traced_since_s <= 0)
			r->managed[i].traced_since_s = now_s;
}
