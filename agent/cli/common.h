/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every command does the same way: find the topology, ask for root, take the journal's
 * lock, print a JSON document. Each says what went wrong itself, with the command's name.
 */
#ifndef NP_CLI_COMMON_H
#define NP_CLI_COMMON_H

#include <json-c/json.h>
#include <stdio.h>

#include "topo/topo.h"

/* This host's (or root's) topology; NULL after a message. Free with np_cli_topo_free(). */
struct np_topo *np_cli_topo(const char *command, const char *root);
void np_cli_topo_free(struct np_topo *topo);

/* 0 as root, else "CMD: needs root WHY" and NP_EXIT_RUNTIME. */
int np_cli_need_root(const char *command, const char *why);

/*
 * The journal's lock (journal.h): its fd, or -1 after "CMD: JOURNAL.lock: ..." (busy: what
 * to say when another numaplace holds it; NULL for the usual words).
 */
int np_cli_lock(const char *command, const char *journal, const char *busy);

/* doc, pretty, to out, then dropped. 0, or -EIO when out failed. */
int np_cli_print_json(FILE *out, struct json_object *doc);

#endif
