// SPDX-License-Identifier: GPL-2.0
/* Which processes are numaplace's own (lineage.h). */
#include "lib/lineage.h"
#include "lib/procfs.h"

void np_lineage_read(const char *root, pid_t pid, struct np_lineage *lineage)
{
	struct np_stat st;

	lineage->n = 0;
	while (pid > 1 && lineage->n < NP_LINEAGE_MAX) {
		lineage->pids[lineage->n++] = pid;
		if (np_stat_read(root, pid, 0, &st))
			break;
		pid = st.ppid;
	}
}

bool np_lineage_has(const struct np_lineage *lineage, pid_t pid)
{
	for (int i = 0; i < lineage->n; i++)
		if (lineage->pids[i] == pid)
			return true;
	return false;
}
