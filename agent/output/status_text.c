// SPDX-License-Identifier: GPL-2.0
/*
 * `numaplace status` for people: the daemon, its last interval and journal, then one line per
 * managed process (and the words of its last decision under it), every line within 100
 * columns. What the file holds is escaped and cut to its column: it is input.
 */
#include <stdio.h>
#include <string.h>

#include "lib/text_escape.h"
#include "output/status.h"

#define WHY_COLS 90 /* after an 8-column indent */

/* s escaped for a terminal, cut to cols bytes */
static const char *shown(const char *s, char *buf, size_t cols)
{
	np_text_escape(s, buf, cols + 1);
	return buf;
}

static void fmt_age(double secs, char *buf, size_t len)
{
	long long s = secs > 0 && secs < 1e12 ? (long long)secs : 0;

	if (s >= 9999LL * 86400)
		snprintf(buf, len, ">9999d");
	else if (s >= 86400)
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(buf, len, "%llds", s);
}

/* Four lines: the daemon, its host, its last interval, its journal (each within 100). */
static void print_daemon(const struct np_status *st, double now_s, FILE *out)
{
	char host[64], ver[32], up[24], ago[24], when[32], path[72];

	fmt_age(now_s - st->started_s, up, sizeof(up));
	fprintf(out, "numaplace run%s: pid %d, up %s, every %.3g s, %llu intervals\n",
		st->dry_run ? " (dry run)" : "", (int)st->pid, up, st->interval_s, st->intervals);
	fprintf(out, "host %s, version %s\n", shown(st->hostname, host, 56),
		shown(st->version, ver, 24));
	if (st->last_interval_s > 0) {
		np_status_time_text(st->last_interval_s, when, sizeof(when));
		fmt_age(now_s - st->last_interval_s, ago, sizeof(ago));
		fprintf(out, "last interval: %s (%s ago), took %.0f ms\n", when, ago,
			st->last_interval_ms < 1e9 ? st->last_interval_ms : 1e9);
	} else {
		fprintf(out, "last interval: none yet\n");
	}
	if (st->journal_records >= 0)
		fprintf(out, "journal: %s, %ld record%s\n", shown(st->journal, path, 64),
			st->journal_records, st->journal_records == 1 ? "" : "s");
	else
		fprintf(out, "journal: %s\n", shown(st->journal, path, 64));
}

static void print_proc(const struct np_status_proc *p, FILE *out)
{
	char comm[16], match[16], node[12] = "-", when[32] = "-", why[NP_STATUS_WHY_MAX * 4];
	size_t n;

	if (p->node >= 0)
		snprintf(node, sizeof(node), "%d", p->node);
	if (p->result != NP_RESULT_NONE && p->placed_at_s > 0)
		np_status_time_text(p->placed_at_s, when, sizeof(when));
	fprintf(out, "%7d %-15s %-12s %4s %-9s %s%s%s\n", (int)p->pid, shown(p->comm, comm, 15),
		shown(p->match, match, 12), node, np_status_state_name(p->state), when,
		p->result != NP_RESULT_NONE ? " " : "", np_status_result_name(p->result));
	if (!p->why[0])
		return;
	np_text_escape(p->why, why, sizeof(why));
	n = strlen(why);
	if (n > WHY_COLS) { /* cut at a whole character, the end in "..." */
		n = WHY_COLS - 3;
		while (n && ((unsigned char)why[n] & 0xc0) == 0x80)
			n--;
		memcpy(why + n, "...", 4);
	}
	fprintf(out, "        %s\n", why);
}

void np_status_print_text(const struct np_status *st, double now_s, FILE *out)
{
	print_daemon(st, now_s, out);
	if (!st->nprocs) {
		fprintf(out, "\nno process managed now\n");
		return;
	}
	fprintf(out, "\n%7s %-15s %-12s %4s %-9s %s\n", "PID", "COMM", "MATCH", "NODE", "STATE",
		"LAST PLACEMENT");
	for (int i = 0; i < st->nprocs; i++)
		print_proc(&st->procs[i], out);
}
