/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one clock of the agent: CLOCK_MONOTONIC, which never steps with the wall clock and is the
 * clock of bpf_ktime_get_ns(), so user-space and BPF times compare. Pure code takes its time as
 * an argument instead (policy, the pacer, the log limiter), so tests drive it.
 */
#ifndef NP_CLOCK_H
#define NP_CLOCK_H

#include <stdint.h>

uint64_t np_mono_ns(void);

/* np_mono_ns() in seconds. */
double np_now_s(void);

/* np_mono_ns() in milliseconds. */
int64_t np_now_ms(void);

#endif
