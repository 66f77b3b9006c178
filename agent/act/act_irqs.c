// SPDX-License-Identifier: GPL-2.0
/* IRQ affinity: set through /proc/irq/N/smp_affinity_list, journaled first, and put back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act/act.h"
#include "lib/sysfs.h"

static void affinity_path(int irq, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/irq/%d/smp_affinity_list", irq);
}

/* Why the kernel refused, in the operator's terms. */
static const char *refusal(int err)
{
	switch (err) {
	case -EIO:
		return "the kernel keeps it where it is (a managed queue vector or a per-CPU IRQ)";
	case -EINVAL:
		return "no online CPU of the list can take it";
	default:
		return strerror(-err);
	}
}

/* Same CPUs whatever the spelling ("2-3" and "2,3"): nothing to write. */
static bool same_cpus(const char *list, const struct np_cpuset *cpus)
{
	struct np_cpuset cur = {0};

	return np_cpulist_parse(list, &cur) == 0 && !memcmp(&cur, cpus, sizeof(cur));
}

/*
 * Write list to the IRQ's smp_affinity_list and read it back: the file must then show exactly
 * those CPUs, or the kernel changed the request (a chip that takes one CPU of the list, say)
 * and the IRQ is not where we say. effective_affinity is not compared: on x86 an IRQ moves
 * when it next fires, so it may lag behind a mask the kernel accepted. 0, -ENOENT (gone) or
 * -errno of the write; -EILSEQ with kept set when the read-back differs.
 */
static int write_checked(const char *path, const char *list, const struct np_cpuset *cpus,
			 char *kept, size_t keptlen)
{
	int err = np_write_str("/", path, list);

	if (!err)
		err = np_read_str("/", path, kept, keptlen);
	if (!err && !same_cpus(kept, cpus))
		err = -EILSEQ;
	return err;
}

/* Count one write's outcome; back: the old list put back by restore. */
static void count_write(int irq, int err, const char *list, const char *kept, bool back,
			struct np_act_result *res)
{
	if (err == -ENOENT)
		res->vanished++;
	else if (err == -EILSEQ)
		np_act_fail(res, "IRQ %d: the kernel kept CPUs %s, not %s%s", irq, kept, list,
			    back ? " (restore)" : "");
	else if (err)
		np_act_fail(res, "IRQ %d: the kernel refused CPUs %s%s: %s", irq, list,
			    back ? " back" : "", refusal(err));
	else
		res->changed++;
}

int np_act_irqs(const char *journal, const int *irqs, int nirqs, const struct np_cpuset *cpus,
		struct np_act_result *res)
{
	struct np_change *changes;
	char want[NP_CPULIST_MAX], old[NP_CHANGE_VALUE_MAX];
	int n = 0, err = 0;

	if (!np_cpuset_count(cpus))
		return -EINVAL;
	err = np_cpulist_format(cpus, want, sizeof(want));
	if (err < 0)
		return err;
	err = 0;
	changes = calloc(nirqs ? nirqs : 1, sizeof(*changes));
	if (!changes)
		return -ENOMEM;
	/* every old value first, in one durable append, then the writes */
	for (int i = 0, rerr; i < nirqs && !err; i++) {
		struct np_change *c = &changes[n];

		c->kind = NP_CHANGE_IRQ_AFFINITY;
		c->id = irqs[i];
		affinity_path(irqs[i], c->path, sizeof(c->path));
		rerr = np_read_str("/", c->path, old, sizeof(old));
		if (rerr == -ENOENT) {
			res->vanished++;
		} else if (rerr) {
			np_act_fail(res, "IRQ %d: cannot read %s: %s", irqs[i], c->path,
				    strerror(-rerr));
		} else if (same_cpus(old, cpus)) {
			res->unchanged++;
		} else {
			err = np_change_values(c, old, want); /* want: for the record */
			n += !err;
		}
	}
	if (!err && n)
		err = np_journal_append(journal, changes, n);
	for (int i = 0; i < n && !err; i++) {
		int werr = write_checked(changes[i].path, want, cpus, old, sizeof(old));

		count_write(changes[i].id, werr, want, old, false, res);
	}
	np_changes_free(changes, n);
	return err;
}

void np_restore_irq(const struct np_change *c, struct np_act_result *res)
{
	struct np_cpuset old = {0};
	char path[64], cur[1024];
	int err;

	/* the path follows from the IRQ number: a journal cannot point restore elsewhere */
	affinity_path(c->id, path, sizeof(path));
	if (np_cpulist_parse(c->old_value, &old)) {
		np_act_fail(res, "IRQ %d: journaled CPU list '%s' is malformed", c->id,
			    c->old_value);
		return;
	}
	err = np_read_str("/", path, cur, sizeof(cur));
	if (err == -ENOENT) {
		res->vanished++;
		return;
	}
	if (!err && same_cpus(cur, &old)) {
		res->unchanged++;
		return;
	}
	err = write_checked(path, c->old_value, &old, cur, sizeof(cur));
	count_write(c->id, err, c->old_value, cur, true, res);
}
