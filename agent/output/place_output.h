/* SPDX-License-Identifier: GPL-2.0 */
/* `numaplace place` on paper: the plan (--dry-run and before a real run) and its outcome. */
#ifndef NP_PLACE_OUTPUT_H
#define NP_PLACE_OUTPUT_H

#include <stdio.h>
#include <json-c/json.h>

#include "act/place.h"

/* Version of the place --json layout (numaplace(8), JSON SCHEMAS). */
#define NP_PLACE_SCHEMA 2

void np_place_print_plan(const struct np_place *p, FILE *out);
void np_place_print_outcome(const struct np_place *p, FILE *out);
struct json_object *np_place_to_json(const struct np_place *p);

/* One part's outcome: changed, unchanged, vanished, failed, first_error (null without). */
struct json_object *np_act_result_json(const struct np_act_result *r);

#endif
