/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `numaplace top`'s frame: plain structs in (a header per node, a row per process, the detail
 * of the selected one), lines of text out, each fitting the width and the lines fitting the
 * height. Pure code: the interactive view draws these lines with ncurses and batch mode
 * prints them, so both show the same frame and fixtures test its layout at any size.
 */
#ifndef NP_TOP_FRAME_H
#define NP_TOP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/np_common.h"

/* One node in the interval. */
struct np_top_node {
	int id;
	double cpus_busy; /* CPUs' worth of busy time (/proc/stat), all processes */
	int ncpus;
	unsigned long long mem_free_mb, mem_total_mb;
	unsigned long long migrated_pages; /* AutoNUMA, in traced threads' faults on this node */
	char devices[128];		   /* "gpu 0000:41:00.0 nic eth0", "" none */
};

/* One process in the interval. */
struct np_top_row {
	pid_t pid;
	char name[16]; /* printable (escaped) */
	char unit[48]; /* container, pod or unit; "" unknown */
	int nthreads;
	double cpus[NP_BPF_MAX_NODES];	 /* CPUs' worth of time on each node (by node id) */
	double mem_mb[NP_BPF_MAX_NODES]; /* resident memory on each node */
	double remote_ratio;		 /* NAN: unknown */
	int target_node;		 /* NP_NO_NODE: none */
	char why[192];			 /* the target's reason */
	char run[16]; /* `numaplace run` manages it: "n1 12:03" (node, last placement), "-" */
};

enum np_top_sort {
	NP_TOP_SORT_REMOTE, /* remote ratio, highest first */
	NP_TOP_SORT_MEM,    /* resident memory */
	NP_TOP_SORT_CPU,    /* CPU time */
	NP_TOP_SORT_COUNT,
};

struct np_top_frame {
	const char *host;
	double interval_s;
	long long time_s; /* wall clock of the interval's end (for the title) */
	int nnodes;
	const struct np_top_node *nodes;
	int nrows;
	const struct np_top_row *rows; /* in display order (np_top_sort) */
	enum np_top_sort sort;
	const char *filter; /* "" or NULL: every row */
	pid_t selected;	    /* 0: none */
	int ndetail;	    /* lines of the selected process's detail pane, 0: closed */
	const char *const *detail;
	const char *message; /* one line under the rows (a result, a question), NULL none */
	bool keys;	     /* the interactive view: a line of keys at the bottom */
};

/* The laid-out frame: nlines lines, each at most width columns. */
struct np_top_lines {
	int nlines;
	char **lines;
	int selected_line; /* the index of the selected row's line, -1 when not shown */
};

/* Words of a sort key: "remote", "mem", "cpu". */
const char *np_top_sort_name(enum np_top_sort sort);

/* Order rows by key, biggest first (ties by pid). */
void np_top_sort(struct np_top_row *rows, int nrows, enum np_top_sort sort);

/* Whether the filter takes the row: a case-blind substring of its pid, name or unit. */
bool np_top_visible(const struct np_top_row *row, const char *filter);

/*
 * Lay out frame for width columns and height lines (0: as many as it takes, batch mode).
 * The title, node headers and column header come first; rows are dropped before them when
 * the height is short, and the detail pane takes at most half of what is left. 0 or -ENOMEM.
 */
int np_top_layout(const struct np_top_frame *frame, int width, int height,
		  struct np_top_lines *out);
void np_top_lines_free(struct np_top_lines *lines);

#endif
