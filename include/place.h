/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `numaplace place`: one process moved to its target node. The plan is printed the same way
 * for --dry-run and before a real run; the outcome follows it.
 */
#ifndef NP_PLACE_H
#define NP_PLACE_H

#include <stdio.h>
#include <json-c/json.h>

#include "act.h"
#include "plan.h"

/* Migration budget when --max-rate is not given (see README: "Why 1024 MB/s"). */
#define NP_DEFAULT_MAX_RATE_MBPS 1024
/* Longest stop of the process per batch of slow file pages (see act_memory.c). */
#define NP_DEFAULT_PAUSE_MS 50

struct np_place_outcome {
	bool done; /* the act layer ran */
	struct np_act_result threads, irqs, irqbalance, settings;
	bool memory_ran;
	struct np_move_result memory;
};

struct np_place {
	const struct np_topo *topo;
	const struct np_proc_model *proc;
	const struct np_plan_opts *opts;
	const struct np_plan *plan;
	bool dry_run;
	int hot_regions;	/* 2 MB regions with fault samples, moved first */
	char irq_sources[256];	/* "0000:40:02.0 (eth0), 0000:40:01.0" */
	struct np_place_outcome outcome;
};

void np_place_print_plan(const struct np_place *p, FILE *out);
void np_place_print_outcome(const struct np_place *p, FILE *out);
struct json_object *np_place_to_json(const struct np_place *p);

#endif
