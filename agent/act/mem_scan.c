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

#include "act/mem_scan.h"
#include "lib/procfs.h"

#define PM_PRESENT (1ULL << 63)
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define KPF_COMPOUND_HEAD 15
#define KPF_THP 22

/*
 * Readable, writable or executable mappings of user space, what can hold pages, in address
 * order as the kernel lists them.
 */
static int read_mappings(pid_t pid, struct np_mem_window **out, int *count)
{
	char path[64], line[4096];
	struct np_mem_window *list = NULL;
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
			struct np_mem_window *grown =
				realloc(list, sizeof(*list) * (cap = cap ? cap * 2 : 64));

			if (!grown) {
				free(list);
				fclose(f);
				return -ENOMEM;
			}
			list = grown;
		}
		/* a path after the inode field: a mapped file (anonymous ones have none) */
		list[n++] = (struct np_mem_window){ start, end, false, strchr(line, '/') != NULL };
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

struct hot_key {
	unsigned long base;
	int rank; /* index in hot_addrs: lower is hotter */
};

static int cmp_key(const void *a, const void *b)
{
	const struct hot_key *x = a, *y = b;

	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	return x->rank - y->rank;
}

/* The first of n disjoint windows sorted by address that ends above addr (n: none). */
static int first_ending_above(const struct np_mem_window *w, int n, unsigned long addr)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (w[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Which entries of hot_addrs start a region: the hottest one of each 2 MB region (several
 * addresses of one region are moved once). Sorting keeps it O(n log n): a long sampling
 * window of a busy server gives tens of thousands of regions.
 */
static bool *first_of_region(const unsigned long *hot_addrs, int nhot)
{
	struct hot_key *keys = calloc(nhot + 1, sizeof(*keys));
	bool *first = calloc(nhot + 1, sizeof(*first));

	if (!keys || !first) {
		free(keys);
		free(first);
		return NULL;
	}
	for (int i = 0; i < nhot; i++)
		keys[i] = (struct hot_key){ hot_addrs[i] & ~(NP_MEM_HUGE - 1), i };
	qsort(keys, nhot, sizeof(*keys), cmp_key);
	for (int i = 0; i < nhot; i++)
		first[keys[i].rank] = !i || keys[i].base != keys[i - 1].base;
	free(keys);
	return first;
}

struct sized {
	int index;   /* into the mappings */
	__u64 pages; /* resident (numa_maps) */
	unsigned long start;
};

static int cmp_resident(const void *a, const void *b)
{
	const struct sized *x = a, *y = b;

	if (x->pages != y->pages)
		return x->pages > y->pages ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* The resident pages of the mapping at start (0: numa_maps did not list it). */
static __u64 resident_at(const struct np_mapping_pages *r, int n, unsigned long start)
{
	int lo = 0, hi = n;

	while (lo < hi) { /* numa_maps is in address order */
		int mid = lo + (hi - lo) / 2;

		if (r[mid].start == start)
			return r[mid].pages;
		if (r[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * The mappings' indices, those with more resident memory first, equal ones in address order
 * (all of them when numa_maps cannot be read). Unsampled, the big resident mappings (weights,
 * KV cache, arenas) are what the process reads: they become local first, and the hundreds of
 * small ones (libraries, stacks), a few pages each and a move_pages call or two apiece, come
 * last instead of delaying them (in the guest, 0.1 s before a 512 MB buffer's first move).
 * Resident, not mapped, size: a large sparse reservation would cost a pagemap read per 64 MB
 * for little to move.
 */
static int *by_resident(pid_t pid, const struct np_mem_window *maps, int n)
{
	struct np_mapping_pages *resident = NULL;
	struct sized *sized = malloc(sizeof(*sized) * n);
	int *order = malloc(sizeof(*order) * n), nres = 0;

	if (!sized || !order) {
		free(sized);
		free(order);
		return NULL;
	}
	if (np_numa_maps_mappings("/", pid, &resident, &nres))
		nres = 0;
	for (int i = 0; i < n; i++)
		sized[i] = (struct sized){ i, resident_at(resident, nres, maps[i].start),
					   maps[i].start };
	qsort(sized, n, sizeof(*sized), cmp_resident);
	for (int i = 0; i < n; i++)
		order[i] = sized[i].index;
	free(resident);
	free(sized);
	return order;
}

int np_mem_windows(pid_t pid, const unsigned long *hot_addrs, int nhot,
		   struct np_mem_window **out, int *count, int *hot_regions)
{
	struct window_list l = { 0 };
	struct np_mem_window *hot = NULL, *maps = NULL;
	bool *first = NULL;
	int nmaps, err, nh, *order = NULL;

	err = read_mappings(pid, &maps, &nmaps);
	if (err)
		return err;
	if (nhot > 0 && !(first = first_of_region(hot_addrs, nhot)))
		err = -ENOMEM;

	/*
	 * Hot regions, hottest first: each 2 MB region around sampled addresses, once, within
	 * every mapping it overlaps. A region can hold the end of one mapping and the start of
	 * the next (a mapping boundary rarely falls on 2 MB), and its base may lie outside the
	 * mapping that was sampled, even outside any: each part is a window of its own.
	 */
	for (int i = 0; i < nhot && !err; i++) {
		unsigned long start = hot_addrs[i] & ~(NP_MEM_HUGE - 1), end = start + NP_MEM_HUGE;

		if (!first[i])
			continue;
		if (end < start) /* the top of the address space */
			end = ~0UL;
		for (int j = first_ending_above(maps, nmaps, start);
		     j < nmaps && maps[j].start < end && !err; j++)
			err = add_window(&l, start > maps[j].start ? start : maps[j].start,
					 end < maps[j].end ? end : maps[j].end, true, maps[j].file);
	}
	nh = l.n;
	if (!err && nh && !(hot = malloc(sizeof(*hot) * nh)))
		err = -ENOMEM;
	if (!err && nh) {
		/* disjoint: distinct regions, each cut at mapping boundaries */
		memcpy(hot, l.w, sizeof(*hot) * nh);
		qsort(hot, nh, sizeof(*hot), cmp_window);
	}

	/* then every mapping minus the hot regions, the most resident first (by_resident) */
	if (!err && nmaps && !(order = by_resident(pid, maps, nmaps)))
		err = -ENOMEM;
	for (int k = 0; k < nmaps && !err; k++) {
		int i = order[k];
		unsigned long from = maps[i].start;

		for (int j = first_ending_above(hot, nh, from); j < nh && !err; j++) {
			if (hot[j].start >= maps[i].end)
				break;
			if (hot[j].start > from)
				err = add_span(&l, from, hot[j].start, maps[i].file);
			from = hot[j].end;
		}
		if (!err && from < maps[i].end)
			err = add_span(&l, from, maps[i].end, maps[i].file);
	}
	free(maps);
	free(hot);
	free(first);
	free(order);
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
	long npages = (long)((w->end - w->start) / s->page_size);
	long per_huge = NP_MEM_HUGE / s->page_size; /* base pages of a huge page */
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
