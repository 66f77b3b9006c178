/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one rule of which processes numaplace may match, for `report --match` and for `run`
 * alike: never numaplace itself nor the processes that started it (sudo, a shell's -c,
 * timeout, systemd-run): their command lines hold numaplace's own arguments, the regex
 * included, so they would match, and placing the shell that waits for us helps nobody.
 */
#ifndef NP_LINEAGE_H
#define NP_LINEAGE_H

#include <stdbool.h>
#include <sys/types.h>

#define NP_LINEAGE_MAX 64

/* A process and its ancestors, up to but not including init (pid 1). */
struct np_lineage {
	pid_t pids[NP_LINEAGE_MAX];
	int n;
};

/* pid's lineage as /proc (below root) has it now; what cannot be read ends it. */
void np_lineage_read(const char *root, pid_t pid, struct np_lineage *lineage);

/* Is pid one of them? */
bool np_lineage_has(const struct np_lineage *lineage, pid_t pid);

#endif
