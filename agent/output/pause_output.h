/* SPDX-License-Identifier: GPL-2.0 */
/* The plan's pause bound in words and in JSON: when and how long at most the process stops. */
#ifndef NP_PAUSE_OUTPUT_H
#define NP_PAUSE_OUTPUT_H

#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

#include "policy/pause_plan.h"

/* The plan's "  pauses     ..." lines (each within 100 columns), into buf. */
void np_pause_text(const struct np_pause_plan *pp, char *buf, size_t len);

/* The same on out. */
void np_pause_print(const struct np_pause_plan *pp, FILE *out);

/* {"slice_ms", "max_total_ms", "file_pages", "below_mbps"}, or NULL when it never pauses. */
struct json_object *np_pause_json(const struct np_pause_plan *pp);

#endif
