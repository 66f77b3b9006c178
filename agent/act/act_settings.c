// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel settings (kernel.numa_balancing and the AutoNUMA scan knobs): the old content is
 * journaled, then the new value written. Restore writes the old content back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "act/act.h"
#include "lib/sysfs.h"

int np_act_setting(const char *journal, const char *path, const char *value,
		   struct np_act_result *res)
{
	struct np_change change = { .kind = NP_CHANGE_SETTING };
	int err;

	err = np_read_str("/", path, change.old_value, sizeof(change.old_value));
	if (err) {
		np_act_fail(res, "%s: %s", path, strerror(-err));
		return 0;
	}
	if (!strcmp(change.old_value, value)) {
		res->unchanged++;
		return 0;
	}
	snprintf(change.path, sizeof(change.path), "%s", path);
	snprintf(change.new_value, sizeof(change.new_value), "%s", value);
	err = np_journal_append(journal, &change, 1);
	if (err)
		return err; /* not written: a change without its old value could not be undone */
	err = np_write_str("/", path, value);
	if (err)
		np_act_fail(res, "%s = %s: %s", path, value, strerror(-err));
	else
		res->changed++;
	return 0;
}

void np_restore_setting(const struct np_change *c, struct np_act_result *res)
{
	char now[sizeof(c->old_value)];
	int err = np_read_str("/", c->path, now, sizeof(now));

	if (err == -ENOENT) {
		res->vanished++;
		return;
	}
	if (!err && !strcmp(now, c->old_value)) {
		res->unchanged++;
		return;
	}
	err = np_write_str("/", c->path, c->old_value);
	if (err)
		np_act_fail(res, "%s = %s: %s", c->path, c->old_value, strerror(-err));
	else
		res->changed++;
}
