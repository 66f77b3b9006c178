/* SPDX-License-Identifier: GPL-2.0 */
/* An interleave placement on paper: the nodes, the shares planned and the shares reached. */
#ifndef NP_INTERLEAVE_OUTPUT_H
#define NP_INTERLEAVE_OUTPUT_H

#include <stdio.h>
#include <json-c/json.h>

#include "act/place.h"

/* "  memory     interleave 1024 MB over nodes 0-1: node 0 50% (512 MB, now 100%), ..." */
void np_interleave_print_memory(const struct np_place *p, FILE *out);
/* "  interleave reached node 0 49.8%, node 1 50.2%" after the move (nothing when not read). */
void np_interleave_print_reached(const struct np_place *p, FILE *out);
/* plan.interleave: {"nodes": "0-1", "shares": [{"node", "share", "share_before", ...}]}. */
struct json_object *np_interleave_plan_json(const struct np_place *p);
/* result.interleave: {"shares": [{"node", "pages", "share"}]}, NULL when not read. */
struct json_object *np_interleave_result_json(const struct np_place *p);

#endif
