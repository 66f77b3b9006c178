/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the memory mover walks: windows of a process's address space (hot regions first), and
 * in each window the addresses worth passing to move_pages(2): resident pages only (pagemap),
 * and a transparent huge page once, by its head, weighing its base pages (kpageflags). Page
 * counts here are base pages (the kernel's page size), what move_pages(2) counts.
 */
#ifndef NP_MEM_SCAN_H
#define NP_MEM_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Address span of one window: aligned, a multiple of 2 MB so no huge page straddles two. */
#define NP_MEM_WINDOW (64UL << 20)
#define NP_MEM_HUGE (2UL << 20)

struct np_mem_window {
	unsigned long start, end;
	bool hot;  /* a 2 MB region around sampled fault addresses */
	bool file; /* part of a mapped file */
};

/*
 * The windows of pid's mappings: first the 2 MB regions around hot_addrs (hottest first, each
 * region once, a window for each mapping it overlaps), then every mapping minus those regions,
 * those with more resident memory first (each in address order), cut at NP_MEM_WINDOW
 * boundaries. *hot_regions counts the hot windows.
 * -ESRCH when the process is gone. Caller frees *out.
 */
int np_mem_windows(pid_t pid, const unsigned long *hot_addrs, int nhot,
		   struct np_mem_window **out, int *count, int *hot_regions);

struct np_page_scan {
	int pagemap_fd;	   /* -1: unreadable, every address is passed */
	int kpageflags_fd; /* -1: huge pages unknown (no CAP_SYS_ADMIN) */
	long page_size; /* bytes of a base page */
};

void np_page_scan_open(struct np_page_scan *s, pid_t pid);
void np_page_scan_close(struct np_page_scan *s);

/*
 * The addresses of window w to query, at most NP_MEM_WINDOW / page size of them: resident
 * pages, a known huge page once by its head (weight: its base pages, 512 of 4 KiB; else 1).
 * pm is a buffer of as many entries. *huge_known tells whether huge pages were recognised
 * (false: their tails are in the list too, and moving them costs more). Returns the count.
 */
int np_page_scan(const struct np_page_scan *s, const struct np_mem_window *w, uint64_t *pm,
		 void **addrs, unsigned int *weights, bool *huge_known);

#endif
