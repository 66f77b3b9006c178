/* SPDX-License-Identifier: GPL-2.0 */
/* Predictions (policy/predict.h) and declined plans (policy/guard.h) in text and JSON. */
#ifndef NP_EXPECTED_OUTPUT_H
#define NP_EXPECTED_OUTPUT_H

#include <stdio.h>
#include <json-c/json.h>

#include "model/report.h"
#include "policy/guard.h"

/*
 * { "remote_share_before", "remote_share_after", "accelerator_local_share_before",
 *   "accelerator_local_share_after", "read_rate_change", "source" }, unknown figures null.
 */
struct json_object *np_expected_json(const struct np_expected *e);

/* { "why", "on_target_pages", "resident_pages", "free_mb_needed", "alternatives": [ ] }, or
 * null for NULL or a plan carried out. */
struct json_object *np_guard_json(const struct np_guard *g);

/* "declined: WHY" and the alternatives, one a line, after prefix. */
void np_guard_print(const struct np_guard *g, const char *prefix, FILE *out);

/* The recommended plan's prediction for one of report's processes (false: no target). */
bool np_report_expected(const struct np_report *r, const struct np_proc_model *p,
			struct np_expected *e);

#endif
