// SPDX-License-Identifier: GPL-2.0
/* The sampling windows' duty cycle, pure (run_duty.h). */
#include "run/run_duty.h"

enum np_duty_reason np_duty_step(struct np_duty *d, double now_s, __u64 interval_no,
				 double window_s, int every, const struct np_duty_need *need)
{
	enum np_duty_reason reason = NP_DUTY_NONE;

	if (need->acting)
		d->acting_until_s = now_s + window_s;
	if (every > 0 && interval_no % (__u64)every == 0)
		d->check_until_s = now_s + window_s;
	if (every <= 0)
		reason = NP_DUTY_ALWAYS;
	else if (need->newcomers)
		reason = NP_DUTY_NEW;
	else if (need->moving)
		reason = NP_DUTY_MOVING;
	else if (now_s < d->acting_until_s)
		reason = NP_DUTY_ACTING;
	else if (now_s < d->check_until_s)
		reason = NP_DUTY_CHECK;
	if (reason != NP_DUTY_NONE && d->reason == NP_DUTY_NONE) {
		d->windows++;
		d->opened_s = now_s;
	}
	d->reason = reason;
	return reason;
}

bool np_duty_newcomer(bool placed, double traced_since_s, double now_s, double window_s)
{
	return !placed && (traced_since_s <= 0 || now_s - traced_since_s < window_s);
}

const char *np_duty_reason_words(enum np_duty_reason reason)
{
	switch (reason) {
	case NP_DUTY_ALWAYS:
		return "trace_every = 0";
	case NP_DUTY_NEW:
		return "a new managed process";
	case NP_DUTY_MOVING:
		return "a placement is building up";
	case NP_DUTY_ACTING:
		return "a placement or follow-up";
	case NP_DUTY_CHECK:
		return "the periodic check";
	case NP_DUTY_NONE:
		break;
	}
	return "none";
}
