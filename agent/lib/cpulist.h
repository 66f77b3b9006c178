/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU sets and the list syntax the kernel and numactl use ("0-3,8-11"), plus the hex mask
 * syntax of smp_affinity and IRQBALANCE_BANNED_CPUS ("ff,00000000").
 */
#ifndef NP_CPULIST_H
#define NP_CPULIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NP_MAX_CPUS 4096

/*
 * Room for the list of any set of up to NP_MAX_CPUS CPUs and its NUL. The longest is pairs
 * with one-CPU gaps, "0-1,3-4,6-7,...,4092-4093,4095": 12913 characters (test_cpulist.c
 * finds the longest over all sets and checks it fits).
 */
#define NP_CPULIST_MAX 13312

struct np_cpuset {
	uint64_t bits[NP_MAX_CPUS / 64];
};

static inline void np_cpuset_set(struct np_cpuset *set, unsigned int cpu)
{
	set->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

static inline bool np_cpuset_has(const struct np_cpuset *set, unsigned int cpu)
{
	return cpu < NP_MAX_CPUS && (set->bits[cpu / 64] >> (cpu % 64)) & 1;
}

int np_cpuset_count(const struct np_cpuset *set);

/* a and b share a CPU. */
static inline bool np_cpuset_intersects(const struct np_cpuset *a, const struct np_cpuset *b)
{
	for (size_t i = 0; i < NP_MAX_CPUS / 64; i++)
		if (a->bits[i] & b->bits[i])
			return true;
	return false;
}

/* Every CPU of a is in b (and a is not empty). */
static inline bool np_cpuset_subset(const struct np_cpuset *a, const struct np_cpuset *b)
{
	bool any = false;

	for (size_t i = 0; i < NP_MAX_CPUS / 64; i++) {
		if (a->bits[i] & ~b->bits[i])
			return false;
		any |= a->bits[i] != 0;
	}
	return any;
}

/*
 * Parse "0-3,8-11" (also "0-15:2" strides as in the kernel's bitmap_parselist, and "" as the
 * empty set). Returns 0, or -EINVAL for malformed text, -ERANGE for a CPU or a stride >=
 * NP_MAX_CPUS (or a number past unsigned long).
 */
int np_cpulist_parse(const char *text, struct np_cpuset *set);

/* Parse a comma-grouped hex mask "ff,0000ffff". Same returns as np_cpulist_parse. */
int np_cpumask_parse_hex(const char *text, struct np_cpuset *set);

/*
 * Format as a list of ranges. Returns the string length, or -ENOSPC when buf is too small:
 * buf is then "", never a shorter list that would parse as another set. A buffer of
 * NP_CPULIST_MAX always fits.
 */
int np_cpulist_format(const struct np_cpuset *set, char *buf, size_t len);

/* qsort comparator that puts integers in the ascending order np_rangelist_format wants. */
int np_int_cmp(const void *a, const void *b);

/* Sort integers ascending and drop repeats in place; returns the new count. */
int np_int_sort_unique(int *values, int count);

/*
 * Format ascending integers (IRQ numbers, node ids) with the same range syntax, for people:
 * -ENOSPC leaves the text cut where it stopped.
 */
int np_rangelist_format(const int *values, int count, char *buf, size_t len);

#endif
