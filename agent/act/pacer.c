// SPDX-License-Identifier: GPL-2.0
/*
 * The mover's pacing and pause policy (pacer.h): pure, the time is the caller's.
 *
 * Why stop the process at all: mapped file pages that the process keeps reading can crawl
 * (measured in the TCG guest: 5 ms a page, each migration unmapping the page with a TLB flush
 * the readers' CPUs must answer), while the process stopped moves 128 MB in about a second.
 * The first file batch is a small probe, and every file batch moved with the process running is
 * judged; below the threshold the process is stopped for about pause_ms per batch, batch sizes
 * adapting to that aim, runs as long between two stops, and stops no more once its stops add up
 * to the plan's total (policy/pause_plan.h).
 */
#include "act/pacer.h"

void np_pacer_init(struct np_pacer *p, double rate_mbps, int pause_ms, int pause_below_mbps,
		   long page_kb)
{
	*p = (struct np_pacer){
		.rate_mbps = rate_mbps,
		.page_kb = page_kb,
		.batch_pages = (int)np_pages_to_base(np_mb_pages(NP_PACER_BATCH_MB), page_kb),
		.pause_ms = pause_ms,
		.pause_below_mbps = pause_below_mbps,
		.pause_batch = NP_PACER_PAUSE_FIRST,
	};
}

int np_pacer_pause_below(const struct np_pacer *p)
{
	return p->pause_below_mbps > 0 ? p->pause_below_mbps : NP_PAUSE_BELOW_MBPS;
}

static double mb(const struct np_pacer *p, uint64_t base)
{
	return np_pages_mb(np_base_to_pages(base, p->page_kb));
}

/*
 * Batches are booked before they move, so all movers together stay within the rate: a batch
 * may start once the time the batches before it take at the rate has passed, less one batch.
 */
double np_pacer_wait_s(const struct np_pacer *p, uint64_t booked, double elapsed_s)
{
	double due;

	if (p->rate_mbps <= 0)
		return 0;
	due = mb(p, booked) / p->rate_mbps - mb(p, p->batch_pages) / p->rate_mbps - elapsed_s;
	return due > 0 ? due : 0;
}

int np_pacer_batch_limit(const struct np_pacer *p, bool file)
{
	if (!file)
		return p->batch_pages;
	if (!p->probed)
		return NP_PACER_PROBE_PAGES;
	return p->pausing ? p->pause_batch : p->batch_pages;
}

void np_pacer_file_moved(struct np_pacer *p, int n, double seconds)
{
	if (p->pausing || n < NP_PACER_PROBE_PAGES)
		return;
	p->probed = true;
	p->pausing = p->pause_ms > 0 && !p->already_stopped && !p->pause_over &&
		     mb(p, n) / (seconds > 1e-6 ? seconds : 1e-6) < np_pacer_pause_below(p);
}

void np_pacer_paused(struct np_pacer *p, int n, double ms)
{
	int next = (int)(n * p->pause_ms / (ms > 1 ? ms : 1));

	if (next < NP_PACER_PAUSE_MIN)
		next = NP_PACER_PAUSE_MIN;
	if (next > p->batch_pages)
		next = p->batch_pages;
	p->pause_batch = next;
	p->paused_ms += ms;
	if (p->pause_total_ms > 0 && p->paused_ms + p->pause_ms > p->pause_total_ms)
		np_pacer_no_pause(p);
}

void np_pacer_released(struct np_pacer *p, double now_s, double ms)
{
	p->next_stop_s = now_s + ms / 1000;
}

double np_pacer_stop_wait_s(const struct np_pacer *p, double now_s)
{
	return p->next_stop_s > now_s ? p->next_stop_s - now_s : 0;
}

void np_pacer_no_pause(struct np_pacer *p)
{
	p->pausing = false;
	p->pause_over = true;
}
