/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A process's own cgroup cpuset rewritten (`place --cgroup move|extend`): cpuset.cpus and
 * cpuset.mems of v2, or of the v1 cpuset hierarchy, each journaled before it is written and
 * read back after. Restore puts the old text back exactly. The file always follows from the
 * cgroup's path and the mount table, as np_cgroup_read found it: a journal names a cgroup,
 * never a file.
 */
#ifndef NP_ACT_CGROUP_H
#define NP_ACT_CGROUP_H

#include <stdint.h>
#include <sys/types.h>

#include "act/act.h"
#include "lib/cgroup.h"

/* A cgroup cpuset record's id: which file. */
enum np_cpuset_file {
	NP_CPUSET_V2_CPUS,
	NP_CPUSET_V2_MEMS,
	NP_CPUSET_V1_CPUS,
	NP_CPUSET_V1_MEMS,
	NP_CPUSET_FILES,
};

/*
 * Set the cpuset of pid's own cgroup (cg from np_cgroup_read, allowed by np_cpuset_writable)
 * to cpus and mems. When mems grow they are written first (the kernel lets a task use a
 * node only once the cpuset has it), else the CPUs go first (a cpuset shrinks in the reverse
 * order it grew). Each file whose content differs is journaled, written through a checked
 * open (a regular file of a cgroup filesystem, no symlink on the way, O_NONBLOCK), and read
 * back: a value the kernel did not take as asked, or effective CPUs or nodes short of it
 * (v2: the parent's cpuset bounds it), count as failed with the reason, and nothing more is
 * written. Returns 0, or -errno when the journal cannot be written.
 */
int np_act_cgroup_cpuset(const char *journal, pid_t pid, const struct np_cgroup *cg,
			 const struct np_cpuset *cpus, uint64_t mems, struct np_act_result *res);

/* A record of this kind that numaplace could not have written: why, else NULL. */
const char *np_cgroup_record_problem(const struct np_change *c, const struct np_cpuset *possible);

/* Put a cgroup cpuset record's old value back (a cgroup gone counts as vanished). */
void np_restore_cgroup(const struct np_change *c, struct np_act_result *res);

#endif
