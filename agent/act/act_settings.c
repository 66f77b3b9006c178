// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel settings (kernel.numa_balancing and the AutoNUMA scan knobs): the old content is
 * journaled, then the new value written. Restore writes the old content back.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "act/act.h"
#include "lib/sysfs.h"
#include "policy/balancing.h"

/*
 * Write value and read it back: a knob the kernel clamps or ignores (a sysctl with bounds, a
 * mode it was not built with) takes the write and shows another value. That is a failure
 * with what it shows, never a change.
 */
static void write_checked(const char *path, const char *value, struct np_act_result *res)
{
	char now[NP_CHANGE_VALUE_MAX];
	int err = np_write_str("/", path, value);

	if (!err)
		err = np_read_str("/", path, now, sizeof(now));
	if (err)
		np_act_fail(res, "%s = %s: %s", path, value, strerror(-err));
	else if (strcmp(now, value))
		np_act_fail(res, "%s = %s: the kernel kept %s", path, value, now);
	else
		res->changed++;
}

int np_act_setting(const char *journal, const char *path, const char *value,
		   struct np_act_result *res)
{
	struct np_change change = { .kind = NP_CHANGE_SETTING };
	char old[NP_CHANGE_VALUE_MAX];
	int err;

	err = np_read_str("/", path, old, sizeof(old));
	if (err) {
		np_act_fail(res, "%s: %s", path, strerror(-err));
		return 0;
	}
	if (!strcmp(old, value)) {
		res->unchanged++;
		return 0;
	}
	snprintf(change.path, sizeof(change.path), "%s", path);
	err = np_change_values(&change, old, value);
	if (!err)
		err = np_journal_append(journal, &change, 1);
	np_change_release(&change);
	if (err)
		return err; /* not written: a change without its old value could not be undone */
	write_checked(path, value, res);
	return 0;
}

/* Digits only, as the kernel prints them: "1", "1000"; at most 18 (no overflow). */
static bool numeric(const char *value, size_t max_digits)
{
	size_t n = strspn(value, "0123456789");

	return n > 0 && n <= max_digits && !value[n];
}

/* Which knob a journaled path names: its debugfs or its sysctl file. -1: none. */
static int knob_of(const char *path)
{
	for (int i = 0; i < NP_KNOB_COUNT; i++) {
		struct np_kstate at = { .knobs_source = "debugfs" };
		char debugfs[PATH_MAX], sysctl[PATH_MAX];

		at.knob_present[i] = true;
		np_knob_path(&at, i, debugfs, sizeof(debugfs));
		at.knobs_source = "sysctl";
		np_knob_path(&at, i, sysctl, sizeof(sysctl));
		if (!strcmp(path, debugfs) || !strcmp(path, sysctl))
			return i;
	}
	return -1;
}

int np_setting_target(const struct np_change *c, const struct np_kstate *k, char *path, size_t len,
		      char *msg, size_t msglen)
{
	int knob;

	path[0] = '\0';
	if (!strcmp(c->path, NP_NUMA_BALANCING_SYSCTL)) {
		if (!numeric(c->old_value, 1) || c->old_value[0] > '3') {
			snprintf(msg, msglen, "numa_balancing '%s' is no mode (0-3)", c->old_value);
			return -EPERM;
		}
		snprintf(path, len, "%s", NP_NUMA_BALANCING_SYSCTL);
		return 0;
	}
	knob = knob_of(c->path);
	if (knob < 0) {
		snprintf(msg, msglen, "'%s' is no setting numaplace changes", c->path);
		return -EPERM;
	}
	if (!numeric(c->old_value, 18)) {
		snprintf(msg, msglen, "%s '%s' is not a number", np_knob_names[knob], c->old_value);
		return -EPERM;
	}
	if (k)					  /* NULL: only the check */
		np_knob_path(k, knob, path, len); /* "" when this kernel has no such knob */
	return 0;
}

void np_restore_setting(const struct np_change *c, const struct np_kstate *k,
			struct np_act_result *res)
{
	char now[NP_CHANGE_VALUE_MAX], path[PATH_MAX], msg[128];
	int err;

	/* the file follows from what the record means: a journal cannot point restore elsewhere */
	if (np_setting_target(c, k, path, sizeof(path), msg, sizeof(msg))) {
		np_act_fail(res, "%s", msg);
		return;
	}
	err = path[0] ? np_read_str("/", path, now, sizeof(now)) : -ENOENT;
	if (err == -ENOENT) {
		res->vanished++;
		return;
	}
	if (!err && !strcmp(now, c->old_value)) {
		res->unchanged++;
		return;
	}
	write_checked(path, c->old_value, res);
}
