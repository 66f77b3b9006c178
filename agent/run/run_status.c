// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's status file for `numaplace status` (output/status.h): every interval, what it
 * manages and where each process stands, its last interval, its journal's record count. The
 * file is replaced as one step (lib/file_write.h: never through a symlink, 0644 whatever the
 * umask), so a reader sees one whole interval; it goes when the daemon ends, and `status`
 * tells a file left by a killed daemon by the host lock its pid no longer holds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/file_write.h"
#include "lib/journal.h"
#include "lib/log.h"
#include "lib/safe_open.h"
#include "lib/version.h"
#include "run/run.h"

#define STATUS_TMP ".status.json.tmp"

/* The journal's records, counted again only when the file changed. */
static void count_journal(struct np_run *r)
{
	struct np_change *changes = NULL;
	struct stat st;
	long long key;
	int n = 0, bad = 0;

	if (stat(r->cfg.journal, &st)) {
		r->journal_records = errno == ENOENT ? 0 : -1;
		r->journal_key = 0;
		return;
	}
	key = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec + st.st_size;
	if (key == r->journal_key && r->journal_records >= 0)
		return;
	r->journal_key = key;
	r->journal_records = np_journal_load(r->cfg.journal, &changes, &n, &bad) ? -1 : n;
	np_changes_free(changes, n);
}

static void fill(struct np_run *r, struct np_status *st)
{
	st->pid = getpid();
	if (gethostname(st->hostname, sizeof(st->hostname)))
		st->hostname[0] = '\0';
	st->hostname[sizeof(st->hostname) - 1] = '\0';
	snprintf(st->version, sizeof(st->version), "%s", np_version);
	st->time_s = (double)time(NULL);
	st->started_s = r->started_at_s;
	st->dry_run = r->dry_run;
	st->interval_s = r->cfg.interval_s;
	st->intervals = r->intervals;
	st->last_interval_s = r->last_interval_at_s;
	st->last_interval_ms = r->last_interval_s * 1000;
	snprintf(st->journal, sizeof(st->journal), "%s", r->cfg.journal);
	st->journal_records = r->journal_records;
	for (int i = 0; i < r->nmanaged && i < NP_STATUS_MAX_PROCS; i++) {
		const struct np_managed *mp = &r->managed[i];
		struct np_status_proc *p = &st->procs[st->nprocs++];

		p->pid = mp->pid;
		snprintf(p->comm, sizeof(p->comm), "%s", mp->comm);
		snprintf(p->match, sizeof(p->match), "%s", mp->match);
		p->node = mp->assigned_node;
		p->state = mp->state;
		p->placed_at_s = mp->placed_at_s;
		p->result = mp->result;
		snprintf(p->why, sizeof(p->why), "%s", mp->why);
	}
}

void np_run_write_status(struct np_run *r)
{
	struct np_status st = { 0 };
	struct np_buf buf;
	char *text = NULL;
	int err = -ENOMEM;

	if (r->dry_run)
		return;
	count_journal(r);
	st.procs = calloc(r->nmanaged + 1, sizeof(*st.procs));
	if (st.procs) {
		fill(r, &st);
		err = np_status_to_json(&st, &text);
	}
	if (!err) {
		buf.data = text;
		buf.len = strlen(text);
		err = np_file_replace(NP_STATUS_FILE, STATUS_TMP, 0644, false, np_fill_buf, &buf);
	}
	if (err)
		np_log_ratelimited("status", NP_LOG_WARNING, "status file %s: %s", NP_STATUS_FILE,
				   strerror(-err));
	else
		r->status_written = true;
	free(text);
	free(st.procs);
}

void np_run_remove_status(struct np_run *r)
{
	char name[64], msg[128];
	int dirfd;

	if (!r->status_written)
		return;
	r->status_written = false;
	dirfd = np_safe_dir(NP_STATUS_FILE, false, name, sizeof(name), msg, sizeof(msg));
	if (dirfd < 0)
		return;
	if (unlinkat(dirfd, name, 0) && errno != ENOENT)
		np_log(NP_LOG_WARNING, "status file %s: %s", NP_STATUS_FILE, strerror(errno));
	close(dirfd);
}
