// SPDX-License-Identifier: GPL-2.0
/*
 * The mover's view of a process's memory: which windows to walk, in which order, and which
 * addresses in each are worth a move_pages(2) slot.
 *
 * Why pagemap and kpageflags: move_pages takes one address per page, and a 64 MB window has
 * 16384 of them, most of which may not be resident or may be tails of a transparent huge
 * page. Passing a THP's 511 tails costs ~2.5x in the guest (each finds the page isolated and
 * flushes the queue) and a query per address costs a page-table walk. One pread of
 * /proc/PID/pagemap (8 bytes a page) tells which pages are resident and their frame; one
 * pread of /proc/kpageflags at a 2 MB-aligned frame tells whether it heads a THP. Both need
 * CAP_SYS_ADMIN for frames; without it every resident page is passed, heads first.
 *
 * Windows are aligned to NP_MEM_WINDOW (a multiple of 2 MB), so a THP never straddles two
 * windows and two movers never count the same huge page.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem_scan.h"

#define PM_PRESENT (1ULL << 63)
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define KPF_COMPOUND_HEAD 15
#define KPF_THP 22

struct range {
	unsigned long start, end;
	bool file;
};

/* Readable, writable or executable mappings of user space: what can hold pages. */
static int read_mappings(pid_t pid, struct range **out, int *count)
{
	char path[64], line[4096];
	struct range *list = NULL;
	int n = 0, cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;
		char perms[8];

		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3)
			continue;
		/* guard pages hold nothing; vdso/vvar/vsyscall are the kernel's */
		if (!strcmp(perms, "---p") || strstr(line, "[vdso]") || strstr(line, "[vvar") ||
		    strstr(line, "[vsyscall]"))
			continue;
		if (n == cap) {
			struct range *grown = realloc(list, sizeof(*list) * (cap = cap ? cap * 2 : 64));

			if (!grown) {
				free(list);
				fclose(f);
				return -ENOMEM;
			}
			list = grown;
		}
		/* a path after the inode field: a mapped file (anonymous ones have none) */
		list[n++] = (struct range){ start, end, strchr(line, '/') != NULL };
	}
	fclose(f);
	*out = list;
	*count = n;
	return 0;
}

struct window_list {
	struct np_mem_window *w;
	int n, cap;
};

static int add_window(struct window_list *l, unsigned long start, unsigned long end, bool hot,
		      bool file)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 256;
		struct np_mem_window *grown = realloc(l->w, sizeof(*grown) * cap);

		if (!grown)
			return -ENOMEM;
		l->w = grown;
		l->cap = cap;
	}
	l->w[l->n++] = (struct np_mem_window){ start, end, hot, file };
	return 0;
}

/* [start, end) cut at window boundaries. */
static int add_span(struct window_list *l, unsigned long start, unsigned long end, bool file)
{
	while (start < end) {
		unsigned long cut = (start & ~(NP_MEM_WINDOW - 1)) + NP_MEM_WINDOW;

		if (cut > end || cut < start) /* the last window, or the top of the address space */
			cut = end;
		if (add_window(l, start, cut, false, file))
			return -ENOMEM;
		start = cut;
	}
	return 0;
}

static int cmp_window(const void *a, const void *b)
{
	const struct np_mem_window *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int np_mem_windows(pid_t pid, const unsigned long *hot_addrs, int nhot,
		   struct np_mem_window **out, int *count, int *hot_regions)
{
	struct window_list l = { 0 };
	struct np_mem_window *hot = NULL;
	struct range *maps = NULL;
	int nmaps, err, nh;

	err = read_mappings(pid, &maps, &nmaps);
	if (err)
		return err;

	/* hot regions: the 2 MB around each sampled address, within its mapping, once */
	for (int i = 0; i < nhot && !err; i++) {
		unsigned long a = hot_addrs[i], start = a & ~(NP_MEM_HUGE - 1);
		bool dup = false;

		for (int j = 0; j < l.n; j++)
			dup |= l.w[j].start <= a && a < l.w[j].end;
		for (int j = 0; j < nmaps && !dup; j++) {
			if (a < maps[j].start || a >= maps[j].end)
				continue;
			err = add_window(&l, start > maps[j].start ? start : maps[j].start,
					 start + NP_MEM_HUGE < maps[j].end ? start + NP_MEM_HUGE
									   : maps[j].end,
					 true, maps[j].file);
			break;
		}
	}
	nh = l.n;
	if (!err && nh && !(hot = malloc(sizeof(*hot) * nh)))
		err = -ENOMEM;
	if (!err && nh) {
		memcpy(hot, l.w, sizeof(*hot) * nh);
		qsort(hot, nh, sizeof(*hot), cmp_window);
	}

	/* then every mapping minus the hot regions, in address order */
	for (int i = 0; i < nmaps && !err; i++) {
		unsigned long from = maps[i].start;

		for (int j = 0; j < nh && !err; j++) {
			if (hot[j].end <= from || hot[j].start >= maps[i].end)
				continue;
			if (hot[j].start > from)
				err = add_span(&l, from, hot[j].start, maps[i].file);
			from = hot[j].end;
		}
		if (!err && from < maps[i].end)
			err = add_span(&l, from, maps[i].end, maps[i].file);
	}
	free(maps);
	free(hot);
	if (err) {
		free(l.w);
		return err;
	}
	*out = l.w;
	*count = l.n;
	*hot_regions = nh;
	return 0;
}

void np_page_scan_open(struct np_page_scan *s, pid_t pid)
{
	char path[64];

	s->page_size = sysconf(_SC_PAGESIZE);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	s->pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
	s->kpageflags_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
}

void np_page_scan_close(struct np_page_scan *s)
{
	if (s->pagemap_fd >= 0)
		close(s->pagemap_fd);
	if (s->kpageflags_fd >= 0)
		close(s->kpageflags_fd);
	s->pagemap_fd = s->kpageflags_fd = -1;
}

/* Does the resident page with pagemap entry pm head a transparent huge page? */
static bool thp_head(const struct np_page_scan *s, uint64_t pm)
{
	uint64_t pfn = pm & PM_PFN_MASK, flags;

	return pfn && s->kpageflags_fd >= 0 &&
	       pread(s->kpageflags_fd, &flags, sizeof(flags), (off_t)(pfn * 8)) == sizeof(flags) &&
	       (flags >> KPF_THP & 1) && (flags >> KPF_COMPOUND_HEAD & 1);
}

int np_page_scan(const struct np_page_scan *s, const struct np_mem_window *w, uint64_t *pm,
		 void **addrs, unsigned int *weights, bool *huge_known)
{
	long npages = (long)((w->end - w->start) / s->page_size), per_huge = NP_MEM_HUGE / s->page_size;
	ssize_t got = -1;
	int n = 0;

	if (s->pagemap_fd >= 0)
		got = pread(s->pagemap_fd, pm, npages * sizeof(*pm),
			    (off_t)(w->start / s->page_size * sizeof(*pm)));
	*huge_known = got > 0 && s->kpageflags_fd >= 0;
	if (got <= 0) {
		/* no pagemap: every address, the query tells which are resident */
		for (long i = 0; i < npages; i++) {
			addrs[n] = (void *)(w->start + i * s->page_size);
			weights[n++] = 1;
		}
		return n;
	}
	npages = got / (ssize_t)sizeof(*pm);
	for (long i = 0; i < npages; i++) {
		unsigned long addr = w->start + i * s->page_size;

		if (!(pm[i] & PM_PRESENT))
			continue;
		addrs[n] = (void *)addr;
		weights[n] = 1;
		/* PFNs hidden (no CAP_SYS_ADMIN): tails are passed too */
		if (!(pm[i] & PM_PFN_MASK))
			*huge_known = false;
		if (!(addr & (NP_MEM_HUGE - 1)) && i + per_huge <= npages && thp_head(s, pm[i])) {
			weights[n] = per_huge;
			i += per_huge - 1;
		}
		n++;
	}
	return n;
}
