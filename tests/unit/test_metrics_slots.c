// SPDX-License-Identifier: GPL-2.0
/*
 * Metrics that suit a fleet: the slot a process takes, and the number of series across a
 * thousand server restarts. The daemon's bookkeeping (run_metrics.c: a live process keeps its
 * slot, a new one picks the lowest free) is replayed on plain structs and every snapshot is
 * formatted, so what a Prometheus server would store is counted line by line.
 */
#include <stdlib.h>

#include "output/metrics.h"
#include "test.h"

TEST(metrics_slot_lowest_free_per_group)
{
	struct np_metrics_proc live[4] = {
		{ .match = "llm", .slot = 0 },
		{ .match = "llm", .slot = 2 },
		{ .match = "llm", .container = "0123456789ab", .slot = 1 },
		{ .match = "llm", .slot = -1 },
	};

	/* slot 1 of the bare group is free: another container's slot 1 does not count */
	CHECK_INT(np_metrics_slot_pick(live, 4, &live[3]), 1);
	live[3].slot = 1;
	live[0].slot = -1; /* a process that restarted: the lowest is 0 again */
	CHECK_INT(np_metrics_slot_pick(live, 4, &live[0]), 0);
	snprintf(live[3].unit, sizeof(live[3].unit), "llama.service");
	CHECK_INT(np_metrics_slot_pick(live, 4, &live[3]), 0); /* a group of its own */
	CHECK_INT(np_metrics_slot_pick(live, 0, &live[3]), 0);
}

TEST(metrics_count_add_by_section)
{
	struct np_metrics_count c[2];
	int n = 0;

	CHECK(np_metrics_count_add(c, &n, 2, "a"));
	CHECK(np_metrics_count_add(c, &n, 2, "b"));
	CHECK(np_metrics_count_add(c, &n, 2, "a"));
	CHECK(!np_metrics_count_add(c, &n, 2, "c")); /* full: the others keep counting */
	CHECK(np_metrics_count_add(c, &n, 2, "b"));
	CHECK_INT(n, 2);
	CHECK_INT(c[0].n, 2);
	CHECK_INT(c[1].n, 2);
}

#define MAX_SERIES 4096

struct series_set {
	char *names[MAX_SERIES];
	int n;
	bool overflow;
};

/* Add every sample line of text but numaplace_process_info's (it names the pid on purpose). */
static void collect(struct series_set *set, const char *text)
{
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *space = memchr(line, '}', len) ?: memchr(line, ' ', len);
		size_t key = space ? (size_t)(space - line) : len;
		bool known = false;

		if (line[0] != '#' && strncmp(line, "numaplace_process_info{", 23)) {
			for (int i = 0; i < set->n && !known; i++)
				known = strlen(set->names[i]) == key &&
					!strncmp(set->names[i], line, key);
			if (!known && set->n < MAX_SERIES)
				set->names[set->n++] = strndup(line, key);
			else if (!known)
				set->overflow = true;
		}
		line += len + (end != NULL);
	}
}

static void set_free(struct series_set *set)
{
	for (int i = 0; i < set->n; i++)
		free(set->names[i]);
	set->n = 0;
}

/* The live processes: two servers of [match llm] in one container, one of [match cpu]. */
#define LIVE 3

/* A new process: a new pid, a comm that varies, no slot yet. */
static void start(struct np_metrics_proc *p, int pid)
{
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(p->comm, sizeof(p->comm), "server-%d", pid % 7);
	p->slot = -1;
}

TEST(metrics_series_bounded_across_1000_restarts)
{
	static const char *const sections[LIVE] = { "llm", "llm", "cpu" };
	struct np_metrics_proc procs[LIVE];
	struct np_metrics_count placed[4];
	struct series_set all = { 0 }, once = { 0 };
	struct np_metrics m = { .nnodes = 2, .node_ids = { 0, 1 }, .procs = procs };
	int nplaced = 0, pid = 1000;
	char *text;
	size_t len;

	for (int i = 0; i < LIVE; i++) {
		start(&procs[i], pid++);
		snprintf(procs[i].match, sizeof(procs[i].match), "%s", sections[i]);
		if (i < 2)
			snprintf(procs[i].container, sizeof(procs[i].container), "0123456789ab");
		else
			snprintf(procs[i].unit, sizeof(procs[i].unit), "cpu-batch.service");
	}
	m.placements = placed;
	for (int cycle = 0; cycle < 1000; cycle++) {
		/* one server exits and its successor starts (a new pid), as a crash loop does */
		struct np_metrics_proc *p = &procs[cycle % LIVE];
		struct np_metrics_proc keep = *p;

		start(p, pid++);
		memcpy(p->match, keep.match, sizeof(p->match));
		memcpy(p->container, keep.container, sizeof(p->container));
		memcpy(p->unit, keep.unit, sizeof(p->unit));
		p->target_node = cycle % 2;
		p->remote_ratio = 0.5;
		m.nprocs = LIVE;
		for (int i = 0; i < LIVE; i++)
			if (procs[i].slot < 0)
				procs[i].slot = np_metrics_slot_pick(procs, LIVE, &procs[i]);
		CHECK(np_metrics_count_add(placed, &nplaced, 4, p->match));
		m.nplacements = nplaced;
		CHECK_INT(np_metrics_format(&m, &text, &len), 0);
		collect(&all, text);
		if (cycle == 999)
			collect(&once,
				text); /* what one snapshot holds: the live ones and the rest */
		free(text);
	}
	/* the slots the servers of one group hold are 0..n-1 */
	CHECK(procs[0].slot + procs[1].slot == 1 && procs[2].slot == 0);
	CHECK(!all.overflow);
	CHECK(once.n > 0);
	CHECK_INT(all.n, once.n);
	set_free(&all);
	set_free(&once);
}
