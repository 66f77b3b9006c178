/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory is counted in 4 KiB pages everywhere in the model, the plan, the fleet and the
 * output, whatever the kernel's page size: numa_maps counts of 16/64 KiB base pages and of huge
 * pages are converted when they are read (procfs.c), and the mover converts the base pages it
 * hands to move_pages(2). These are the only conversions; nothing else writes 256 or 4.
 */
#ifndef NP_PAGES_H
#define NP_PAGES_H

#include <stdint.h>

#define NP_PAGE_KB 4 /* the unit of every page count */
#define NP_PAGES_PER_MB (1024 / NP_PAGE_KB)

static inline double np_pages_mb(uint64_t pages)
{
	return pages * (double)NP_PAGE_KB / 1024.0;
}

/* Whole MB, rounded down: for messages that print integers. */
static inline uint64_t np_pages_mb_floor(uint64_t pages)
{
	return pages / NP_PAGES_PER_MB;
}

static inline uint64_t np_kb_pages(uint64_t kb)
{
	return kb / NP_PAGE_KB;
}

static inline uint64_t np_mb_pages(uint64_t mb)
{
	return mb * NP_PAGES_PER_MB;
}

/* Base pages in the agent's 4 KiB pages (page_kb: the base page, 4, 16 or 64) and back. */
static inline uint64_t np_base_to_pages(uint64_t base, long page_kb)
{
	return base * (uint64_t)(page_kb / NP_PAGE_KB);
}

static inline uint64_t np_pages_to_base(uint64_t pages, long page_kb)
{
	return pages / (uint64_t)(page_kb / NP_PAGE_KB);
}

/* The kernel's base page in KiB: 4 on x86, 4, 16 or 64 on arm64. */
long np_base_page_kb(void);

#endif
