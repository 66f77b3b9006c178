// SPDX-License-Identifier: GPL-2.0
/*
 * Banning placed IRQs in irqbalance, so its next rebalance (every 10 s) does not move them
 * back, and lifting exactly those bans on restore. irqbalance's "settings ban irqs" replaces
 * the whole list, so every change is: read the list, edit it, send it whole, read it again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act/act.h"
#include "topo/irqbalance.h"

static bool listed(const int *list, int n, int irq)
{
	for (int i = 0; i < n; i++)
		if (list[i] == irq)
			return true;
	return false;
}

/* Send list and read it back: irqbalance's own answer is the only proof the ban holds. */
static int send_and_check(pid_t pid, int *list, int n, int *check, int max)
{
	int err;

	n = np_int_sort_unique(list, n);
	err = np_irqbalance_set_banned(pid, list, n);
	return err ? err : np_irqbalance_banned(pid, check, max);
}

int np_act_irqbalance_ban(const char *journal, const int *irqs, int nirqs,
			  struct np_act_result *res)
{
	int list[NP_IRQBALANCE_MAX_BANS], after[NP_IRQBALANCE_MAX_BANS], nlist, nbefore, nafter;
	char cmd[NP_IRQBALANCE_MSG_MAX + 1], before[256];
	struct np_change *changes;
	pid_t pid = np_irqbalance_pid("/");
	int nadd = 0, full = 0, err = 0;

	if (!pid || !nirqs)
		return 0;
	nlist = nbefore = np_irqbalance_banned(pid, list, NP_IRQBALANCE_MAX_BANS);
	if (nlist < 0) {
		np_act_fail(res, "irqbalance (pid %d): cannot read its ban list: %s", (int)pid,
			    nlist == -EACCES ? "it accepts root only" : strerror(-nlist));
		return 0;
	}
	if (np_rangelist_format(list, nbefore, before, sizeof(before)) < 0)
		before[0] = '\0';
	changes = calloc(nirqs, sizeof(*changes));
	if (!changes)
		return -ENOMEM;
	for (int i = 0; i < nirqs && !full; i++) {
		struct np_change *c = &changes[nadd];

		if (listed(list, nlist, irqs[i])) {
			res->unchanged++;
			continue;
		}
		full = nlist == NP_IRQBALANCE_MAX_BANS;
		if (full)
			break;
		list[nlist++] = irqs[i];
		/* tgid: the ban lives in this daemon and dies with it */
		c->kind = NP_CHANGE_IRQBALANCE_BAN;
		c->id = irqs[i];
		c->tgid = pid;
		snprintf(c->path, sizeof(c->path), NP_IRQBALANCE_SOCKET_DIR "/irqbalance%d.sock",
			 (int)pid);
		err = np_change_values(c, before, NULL); /* for the record */
		if (err) {
			np_changes_free(changes, nadd);
			return err;
		}
		nadd++;
	}
	if (nadd && (full || np_irqbalance_ban_command(list, nlist, cmd, sizeof(cmd))))
		np_act_fail(res, "irqbalance (pid %d): %d IRQs do not fit in its ban list",
			    (int)pid, nlist + full);
	else if (nadd)
		err = np_journal_append(journal, changes, nadd);
	if (nadd && !full && !err && !np_irqbalance_ban_command(list, nlist, cmd, sizeof(cmd))) {
		nafter = send_and_check(pid, list, nlist, after, NP_IRQBALANCE_MAX_BANS);
		for (int i = 0; i < nadd; i++) {
			if (nafter >= 0 && listed(after, nafter, changes[i].id))
				res->changed++;
			else
				np_act_fail(res, "irqbalance (pid %d) did not ban IRQ %d: %s",
					    (int)pid, changes[i].id,
					    nafter < 0 ? strerror(-nafter)
						       : "not in its list after");
		}
	}
	np_changes_free(changes, nadd);
	return err;
}

void np_restore_irqbalance_bans(const struct np_change *changes, int nchanges,
				struct np_act_result *res)
{
	int list[NP_IRQBALANCE_MAX_BANS], after[NP_IRQBALANCE_MAX_BANS], n, out = 0, nafter,
		ours = 0;
	pid_t pid = np_irqbalance_pid("/");

	for (int i = 0; i < nchanges; i++) {
		if (changes[i].kind != NP_CHANGE_IRQBALANCE_BAN)
			continue;
		/* another irqbalance (restarted) never had our ban: its list is its own config */
		if (!pid || (changes[i].tgid && pid != changes[i].tgid))
			res->vanished++;
		else
			ours++;
	}
	if (!ours)
		return;
	n = np_irqbalance_banned(pid, list, NP_IRQBALANCE_MAX_BANS);
	if (n < 0) {
		np_act_fail(res, "irqbalance (pid %d): cannot read its ban list: %s", (int)pid,
			    n == -EACCES ? "it accepts root only" : strerror(-n));
		return;
	}
	/*
	 * All our bans lifted in one request: irqbalance 1.9 sleeps a whole interval after
	 * each change of its list, so one request per IRQ would take minutes for a big NIC.
	 */
	for (int i = 0; i < n; i++) {
		bool banned_by_us = false;

		for (int j = 0; j < nchanges; j++)
			banned_by_us |= changes[j].kind == NP_CHANGE_IRQBALANCE_BAN &&
					changes[j].id == list[i] &&
					(!changes[j].tgid || changes[j].tgid == pid);
		if (!banned_by_us)
			list[out++] = list[i];
	}
	res->unchanged += ours - (n - out);
	if (out == n)
		return;
	nafter = send_and_check(pid, list, out, after, NP_IRQBALANCE_MAX_BANS);
	if (nafter < 0) {
		np_act_fail(res, "irqbalance (pid %d): cannot lift %d bans: %s", (int)pid, n - out,
			    strerror(-nafter));
		return;
	}
	res->changed += n - out - (nafter > out ? nafter - out : 0);
	if (nafter > out)
		np_act_fail(res, "irqbalance (pid %d) still bans %d of our IRQs", (int)pid,
			    nafter - out);
}
