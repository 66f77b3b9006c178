// SPDX-License-Identifier: GPL-2.0
/*
 * Restore writes as root what a journal says: every record is checked against what numaplace
 * itself writes before anything is put back, and one record that could not be numaplace's
 * refuses the whole journal. The files written follow from what records mean (a thread id, an
 * IRQ number, a setting's name), never from a path in them.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "act/act_cgroup.h"
#include "act/restore.h"
#include "lib/sysfs.h"

/* A non-empty CPU list of CPUs this host can have. */
static bool cpus_ok(const char *list, const struct np_cpuset *possible)
{
	struct np_cpuset set = { 0 };

	return !np_cpulist_parse(list, &set) && np_cpuset_subset(&set, possible);
}

static const char *record_problem(const struct np_change *c, const struct np_kstate *k,
				  const struct np_cpuset *possible, char *why, size_t len)
{
	char path[PATH_MAX];

	switch (c->kind) {
	case NP_CHANGE_THREAD_AFFINITY:
		if (c->id <= 0 || c->tgid <= 0)
			return "no thread id";
		if (!cpus_ok(c->old_value, possible))
			return "old mask is no list of this host's CPUs";
		if (c->new_value[0] && !cpus_ok(c->new_value, possible))
			return "new mask is no list of this host's CPUs";
		return NULL;
	case NP_CHANGE_IRQ_AFFINITY:
		if (c->id < 0)
			return "no IRQ number";
		return cpus_ok(c->old_value, possible) ? NULL
						       : "old mask is no list of this host's CPUs";
	case NP_CHANGE_SETTING:
		return np_setting_target(c, k, path, sizeof(path), why, len) ? why : NULL;
	case NP_CHANGE_IRQBALANCE_BAN:
		return c->id < 0 || c->tgid < 0 ? "no IRQ number or irqbalance pid" : NULL;
	case NP_CHANGE_PROCESS_PAUSED:
		return c->id <= 0 || c->tgid <= 0 ? "no process id" : NULL;
	case NP_CHANGE_CGROUP_CPUSET:
		return np_cgroup_record_problem(c, possible);
	default:
		return "unknown kind";
	}
}

int np_restore_check(const struct np_change *changes, int count, const struct np_kstate *k,
		     char *msg, size_t msglen)
{
	struct np_cpuset possible = { 0 };
	char text[4096], why[256];

	/* without the kernel's word, any CPU numaplace can name */
	if (np_read_str("/", "/sys/devices/system/cpu/possible", text, sizeof(text)) ||
	    np_cpulist_parse(text, &possible) || !np_cpuset_count(&possible))
		memset(possible.bits, 0xff, sizeof(possible.bits));
	for (int i = 0; i < count; i++) {
		const char *problem = record_problem(&changes[i], k, &possible, why, sizeof(why));

		if (problem) {
			snprintf(msg, msglen, "record %d (%s): %s; nothing restored", i + 1,
				 np_change_kind_name(changes[i].kind), problem);
			return -EPERM;
		}
	}
	return 0;
}
