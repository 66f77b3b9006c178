// SPDX-License-Identifier: GPL-2.0
/*
 * The mover's windows over this process's own mappings: hot regions first, then the rest,
 * the most resident mappings first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "act/mem_scan.h"
#include "act/mover.h"
#include "test.h"

#define MB (1UL << 20)

/* bytes of [lo, hi) that windows [from, to) of w cover, and how many of those are hot */
static unsigned long covered(const struct np_mem_window *w, int from, int to, unsigned long lo,
			     unsigned long hi, unsigned long *hot)
{
	unsigned long sum = 0;

	*hot = 0;
	for (int i = from; i < to; i++) {
		unsigned long s = w[i].start > lo ? w[i].start : lo,
			      e = w[i].end < hi ? w[i].end : hi;

		if (s < e) {
			sum += e - s;
			*hot += w[i].hot ? e - s : 0;
		}
	}
	return sum;
}

/*
 * Three mappings in a 2 MB-aligned span b: A [b, b+3 MB) read-write, B [b+3 MB, b+4 MB) read
 * only (the kernel keeps it apart from A), nothing at [b+4 MB, b+5 MB), C [b+5 MB, b+6 MB).
 * The region at b+2 MB holds the top of A and the bottom of B; the region at b+4 MB starts
 * in the hole.
 */
TEST(hot_regions_cut_at_mapping_boundaries)
{
	char *area = mmap(NULL, 10 * MB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long b = ((unsigned long)area + 2 * MB - 1) & ~(2 * MB - 1), hot_bytes;
	/*
	 * Hottest first: a sample in B given as its region's base (which lies in A), then the
	 * hole's region, then B's region again (a second address of it: moved once).
	 */
	unsigned long hot[] = { b + 2 * MB, b + 4 * MB + 5, b + 3 * MB + 4096 };
	struct np_mem_window *w = NULL;
	int n = 0, nhot = 0;

	CHECK(area != MAP_FAILED);
	if (area == MAP_FAILED)
		return;
	CHECK_INT(mprotect((void *)b, 3 * MB, PROT_READ | PROT_WRITE), 0);
	CHECK_INT(mprotect((void *)(b + 3 * MB), MB, PROT_READ), 0);
	CHECK_INT(mprotect((void *)(b + 5 * MB), MB, PROT_READ | PROT_WRITE), 0);

	CHECK_INT(np_mem_windows(getpid(), hot, 3, &w, &n, &nhot), 0);
	CHECK_INT(nhot, 3);
	if (nhot == 3) {
		CHECK_INT(w[0].start == b + 2 * MB && w[0].end == b + 3 * MB, 1); /* A's part */
		CHECK_INT(w[1].start == b + 3 * MB && w[1].end == b + 4 * MB, 1); /* B's part */
		CHECK_INT(w[2].start == b + 5 * MB && w[2].end == b + 6 * MB, 1); /* C's part */
		for (int i = 0; i < 3; i++)
			CHECK_INT(w[i].hot, 1);
	}
	/* then the rest (most_resident_first): of A, B and C only what A holds below its hot
	 * part */
	for (int i = nhot; i < n; i++)
		if (w[i].end > b && w[i].start < b + 6 * MB)
			CHECK_INT(w[i].start == b && w[i].end == b + 2 * MB && !w[i].hot, 1);
	CHECK_INT(covered(w, 0, n, b, b + 6 * MB, &hot_bytes), 5 * MB);
	CHECK_INT(hot_bytes, 3 * MB);
	free(w);

	/* no samples: address order alone, nothing hot */
	CHECK_INT(np_mem_windows(getpid(), NULL, 0, &w, &n, &nhot), 0);
	CHECK_INT(nhot, 0);
	CHECK_INT(covered(w, 0, n, b, b + 6 * MB, &hot_bytes), 5 * MB);
	CHECK_INT(hot_bytes, 0);
	free(w);
	munmap(area, 10 * MB);
}

/*
 * Unsampled, the mapping with more resident memory goes first: 1 MB read-write at b, 64 KiB of
 * it touched, and above it (read-only between them keeps them apart) 6 MB at b+4 MB, 4 MB of it
 * touched; then a sparse 8 MB at b+12 MB with one page touched goes after both, although it is
 * the largest.
 */
TEST(most_resident_first)
{
	char *area = mmap(NULL, 24 * MB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long b = ((unsigned long)area + 2 * MB - 1) & ~(2 * MB - 1);
	struct np_mem_window *w = NULL;
	int n = 0, nhot = 0, big = -1, small = -1, sparse = -1;

	CHECK(area != MAP_FAILED);
	if (area == MAP_FAILED)
		return;
	CHECK_INT(mprotect((void *)b, MB, PROT_READ | PROT_WRITE), 0);
	CHECK_INT(mprotect((void *)(b + 2 * MB), MB, PROT_READ), 0);
	CHECK_INT(mprotect((void *)(b + 4 * MB), 6 * MB, PROT_READ | PROT_WRITE), 0);
	CHECK_INT(mprotect((void *)(b + 12 * MB), 8 * MB, PROT_READ | PROT_WRITE), 0);
	madvise((void *)b, 24 * MB, MADV_NOHUGEPAGE); /* the pages touched, no more */
	memset((void *)b, 1, 64 << 10);
	memset((void *)(b + 4 * MB), 1, 4 * MB);
	memset((void *)(b + 12 * MB), 1, 1);
	CHECK_INT(np_mem_windows(getpid(), NULL, 0, &w, &n, &nhot), 0);
	for (int i = 0; i < n; i++) {
		if (w[i].start == b + 4 * MB && big < 0)
			big = i;
		if (w[i].start == b && small < 0)
			small = i;
		if (w[i].start == b + 12 * MB && sparse < 0)
			sparse = i;
	}
	CHECK(big >= 0 && small >= 0 && sparse >= 0);
	CHECK(big < small);
	CHECK(small < sparse);
	free(w);
	munmap(area, 24 * MB);
}

/* A window's misplaced pages, huge ones first, each part in address order (mover_pages.c). */
TEST(mover_moves_huge_pages_first)
{
	void *addrs[] = { (void *)0x201000, (void *)0x400000, (void *)0x202000, (void *)0x600000 };
	unsigned int weights[] = { 1, 512, 1, 512 };
	void *tmp[4];
	unsigned int tmp_weights[4];
	/* not known: the 2 MB-aligned addresses first */
	void *guess[] = { (void *)0x201000, (void *)0x400000, (void *)0x202000, (void *)0x600000 };
	unsigned int ones[] = { 1, 1, 1, 1 };

	np_mover_huge_first(addrs, weights, 4, true, tmp, tmp_weights);
	CHECK(addrs[0] == (void *)0x400000 && addrs[1] == (void *)0x600000);
	CHECK(addrs[2] == (void *)0x201000 && addrs[3] == (void *)0x202000);
	CHECK(weights[0] == 512 && weights[1] == 512 && weights[2] == 1 && weights[3] == 1);
	np_mover_huge_first(guess, ones, 4, false, tmp, tmp_weights);
	CHECK(guess[0] == (void *)0x400000 && guess[1] == (void *)0x600000);
	CHECK(guess[2] == (void *)0x201000 && guess[3] == (void *)0x202000);
}
