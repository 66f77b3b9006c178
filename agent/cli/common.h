/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every command does the same way: find the topology, ask for root, take the host
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
 * The host lock (host_lock.h), then a look at the journal (np_journal_check): the lock's fd,
 * or after "CMD: ..." minus the exit code: -NP_EXIT_USAGE when journal is no file numaplace
 * may use as its journal, -NP_EXIT_RUNTIME when the lock is busy (busy: what to say then;
 * NULL for the usual words) or cannot be taken. A damaged journal is the command's to report.
 */
int np_cli_lock(const char *command, const char *journal, const char *busy);

/* doc, pretty, to out, then dropped. 0, or -EIO when out failed. */
int np_cli_print_json(FILE *out, struct json_object *doc);

#endif
