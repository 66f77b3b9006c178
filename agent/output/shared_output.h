/* SPDX-License-Identifier: GPL-2.0 */
/* Shared mapped files (policy/shared_files.h) in report's and place's text and JSON. */
#ifndef NP_SHARED_OUTPUT_H
#define NP_SHARED_OUTPUT_H

#include <stdio.h>
#include <json-c/json.h>

#include "policy/shared_files.h"

/*
 * [ { "path", "pages", "sharers": [ { "pid", "comm", "node" (null: no single node) } ],
 *     "conflict" } ], an empty array for NULL.
 */
struct json_object *np_shared_files_json(const struct np_shared_files *sf);

/* One line per file, after prefix: np_shared_file_text() for pid (comm) going to node. */
void np_shared_files_print(const struct np_shared_files *sf, pid_t pid, const char *comm, int node,
			   const char *prefix, FILE *out);

#endif
