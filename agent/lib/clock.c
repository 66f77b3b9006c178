// SPDX-License-Identifier: GPL-2.0
/* The monotonic clock (clock.h). */
#include <time.h>

#include "lib/clock.h"

uint64_t np_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

double np_now_s(void)
{
	return np_mono_ns() / 1e9;
}

int64_t np_now_ms(void)
{
	return (int64_t)(np_mono_ns() / 1000000);
}
