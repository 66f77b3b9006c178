/* SPDX-License-Identifier: GPL-2.0 */
/* `numaplace report` printed: the text table and the JSON document. */
#ifndef NP_REPORT_OUTPUT_H
#define NP_REPORT_OUTPUT_H

#include <stdio.h>
#include <json-c/json.h>

#include "model/report.h"

struct json_object *np_report_to_json(const struct np_report *report);
void np_report_print_text(const struct np_report *report, FILE *out);

/* Worth a recommendation: reads expected to be remote, or off the target node. */
bool np_report_misplaced(const struct np_proc_model *proc);

#endif
