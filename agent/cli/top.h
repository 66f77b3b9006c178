/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `numaplace top`: the state shared by its batch mode (cmd_top.c) and its interactive view
 * (top_tui.c). Each interval is report's model of what the sampler saw since the last one.
 */
#ifndef NP_CLI_TOP_H
#define NP_CLI_TOP_H

#include <signal.h>

#include "model/report.h"
#include "output/status.h"
#include "output/top_frame.h"

#define NP_TOP_DETAIL_MAX 200 /* lines of a detail pane (its threads, mostly) */

struct np_top_cpu {
	int ncpus;
	unsigned long long *busy, *total; /* per CPU, /proc/stat at the last read */
};

struct np_top {
	/* the command line */
	double interval;
	const char *pid_arg, *match;
	bool all, batch;
	unsigned long count; /* frames, 0: until stopped */
	/* what runs */
	struct np_topo *topo;
	struct np_sampler *sampler;
	pid_t *pids;
	int npids;
	enum np_report_scope scope;
	struct np_sample_data prev; /* the last snapshot, cumulative */
	bool have_prev;
	/* the last interval */
	struct np_report report;
	struct np_top_row *rows;
	int nrows;
	struct np_top_node nodes[NP_MAX_NODES];
	struct np_top_cpu cpu;
	struct np_status status; /* run's status file, when have_status */
	bool have_status;
	long long time_s;
	double next_s; /* when the next interval ends (np_now_s), 0 before the first */
	char host[64];
	/* the view */
	enum np_top_sort sort;
	char filter[64];
	pid_t selected;
	bool detail;
	char *detail_lines[NP_TOP_DETAIL_MAX];
	int ndetail;
	char message[256];
	const volatile sig_atomic_t *stop;
};

/* When the interval being waited for ends: every interval after the last, not after the work. */
double np_top_deadline(struct np_top *t);
/* Read the next interval (the sampler's since the last one) into the model, rows and nodes. */
int np_top_interval_read(struct np_top *t);
/* The frame of the last interval; builds the selected process's detail pane when open. */
void np_top_frame(struct np_top *t, struct np_top_frame *frame, bool keys);

/* The view: until q or a signal. NP_EXIT_* */
int np_top_tui(struct np_top *t);

/* Nodes' headers for an interval (top_host.c): /proc/stat, node meminfo, topo's devices. */
void np_top_nodes(const struct np_topo *topo, struct np_top_cpu *cpu,
		  const struct np_sample_data *interval, struct np_top_node *nodes);
void np_top_cpu_free(struct np_top_cpu *cpu);

/*
 * numaplace itself with argv (argv[0] "numaplace"), its stdout and stderr into *output
 * (caller frees): the exit code, or -errno when it could not run (top_action.c).
 */
int np_top_run(char *const argv[], char **output);

/*
 * `numaplace run`'s status file (top_status.c) into *st, the one it held freed first: whether
 * there is one (false when absent, unreadable or malformed).
 */
bool np_top_status_load(struct np_status *st);
/*
 * Its words on pid: run "n1 21:40" (node, last placement) and detail, "" when not managed or
 * when status is NULL.
 */
void np_top_status_words(const struct np_status *status, pid_t pid, char *run, size_t runlen,
			 char *detail, size_t detaillen);

#endif
