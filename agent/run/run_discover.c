// SPDX-License-Identifier: GPL-2.0
/*
 * Which processes `run` manages. Every interval /proc is listed; a process is read fully
 * (cmdline, cgroup, accelerators) only when it is new or its comm changed (an exec), so a
 * host with hundreds of idle processes costs one small read each. A process that meets a
 * section's rules but not yet its size or CPU threshold (a server still loading its model)
 * is checked again every interval, its CPU share measured over the interval.
 *
 * Children of managed servers are found through the sampler: its fork handler traces them
 * the moment they are born, and they are managed under their parent's section, thresholds
 * waived (a worker process of a server is part of it).
 *
 * Identity is pid and start time: a managed pid whose start time changed is a new process
 * that reused the pid, and the old one is forgotten before anything acts on the new one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/lineage.h"
#include "lib/log.h"
#include "lib/procfs.h"
#include "run/run.h"
#include "lib/sysfs.h"
#include "output/identity_text.h"
#include "sample/window.h"
#include "topo/device_name.h"

#define MAX_ANCESTORS 8
#define YOUNG_S 1.0 /* seconds: a verdict taken younger is looked at once more */

static int find_managed(const struct np_run *r, pid_t pid)
{
	for (int i = 0; i < r->nmanaged; i++)
		if (r->managed[i].pid == pid)
			return i;
	return -1;
}

/* In the first nsorted entries: those added during a scan are behind the pids still to come. */
static struct np_seen_proc *find_ignored(struct np_run *r, pid_t pid, int nsorted)
{
	int lo = 0, hi = nsorted - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (r->ignored[mid].pid == pid)
			return &r->ignored[mid];
		if (r->ignored[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static struct np_seen_proc *add_ignored(struct np_run *r, pid_t pid)
{
	struct np_seen_proc *p;

	if (r->nignored == r->ignored_cap) {
		int cap = r->ignored_cap ? r->ignored_cap * 2 : 256;
		struct np_seen_proc *grown = realloc(r->ignored, sizeof(*grown) * cap);

		if (!grown)
			return NULL;
		r->ignored = grown;
		r->ignored_cap = cap;
	}
	p = &r->ignored[r->nignored++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	return p;
}

static int cmp_seen(const void *a, const void *b)
{
	const struct np_seen_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* utime + stime in clock ticks; -ESRCH when gone. */
static int proc_ticks(pid_t pid, unsigned long long *ticks)
{
	struct np_stat st;

	if (np_stat_read("/", pid, 0, &st))
		return -ESRCH;
	*ticks = st.utime + st.stime;
	return 0;
}

static double uptime_s(void)
{
	char buf[64];
	double up = 0;

	if (!np_read_str("/", "/proc/uptime", buf, sizeof(buf)))
		sscanf(buf, "%lf", &up);
	return up;
}

/*
 * Its cgroup path and identity, one read of /proc/PID/cgroup; empty when unreadable (the
 * cgroup, container and unit rules then do not hold). Heap: the path alone is 2 KiB.
 */
static struct np_proc_cgroup *read_cgroup(pid_t pid)
{
	struct np_proc_cgroup *cg = malloc(sizeof(*cg));

	if (cg && np_proc_cgroup_read("/", pid, cg))
		memset(cg, 0, sizeof(*cg));
	return cg;
}

struct accel_ctx {
	struct np_run *r;
	pid_t pid;
};

static bool probe_accel(void *ctx)
{
	const struct accel_ctx *a = ctx;
	const struct np_accel_snapshot *snap = np_run_accel(a->r);
	struct np_accel_use use;

	return snap && !np_proc_accel_attr("/", a->pid, 0, a->r->topo, snap, &use) &&
	       (use.ndevices || use.unidentified);
}

const struct np_match *np_run_match(const struct np_config *cfg, const char *comm,
				    const char *cmdline, const struct np_proc_cgroup *cg,
				    bool *has_accel, bool (*accel_probe)(void *ctx), void *ctx)
{
	const char *path = cg && cg->path[0] ? cg->path : NULL;

	int known = -1; /* has_accel: not asked yet */

	for (int i = 0; i < cfg->nmatches; i++) {
		const struct np_match *m = &cfg->matches[i];

		/* the fd walk only for sections that need it, once */
		if (m->accelerator && known < 0)
			known = accel_probe ? accel_probe(ctx) : *has_accel;
		if (np_match_process_id(m, comm, cmdline, path, cg ? &cg->id : NULL, known > 0))
			return m;
	}
	return NULL;
}

int np_run_match_target(const struct np_topo *topo, const struct np_match *m, int *node,
			int *device, char *msg, size_t msglen)
{
	*node = NP_NO_NODE;
	*device = -1;
	if (m->node != NP_NO_NODE) {
		if (np_topo_node_index(topo, m->node) < 0) {
			snprintf(msg, msglen, "[match %s] node %d: this host has no such node",
				 m->name, m->node);
			return -EINVAL;
		}
		*node = m->node;
	}
	if (m->device[0]) {
		char why[256];

		/* the name as the operator copied it: a UUID, nvidia-smi's or the short form */
		*device = np_topo_device_resolve("/", topo, m->device, why, sizeof(why));
		if (*device < 0) {
			*device = -1;
			snprintf(msg, msglen, "[match %s] device %s: %s", m->name, m->device, why);
			return -EINVAL;
		}
		if (topo->devices[*device].node < 0) {
			snprintf(msg, msglen,
				 "[match %s] device %s: the firmware gives it no NUMA node; name "
				 "the node instead",
				 m->name, m->device);
			return -EINVAL;
		}
		*node = topo->devices[*device].node;
	}
	return 0;
}

/* The log line of a process taken: its section, parent, and who it belongs to when known. */
static void say_managing(const struct np_managed *mp)
{
	char who[512], parent[48] = "";

	np_identity_words(&mp->id, who, sizeof(who));
	if (mp->parent)
		snprintf(parent, sizeof(parent), ", child of pid %d", mp->parent);
	np_log(NP_LOG_INFO, "managing pid %d (%s) [match %s]%s%s%s", mp->pid, mp->comm, mp->match,
	       parent, who[0] ? ": " : "", who);
}

static int manage(struct np_run *r, const struct np_proc_info *info, const struct np_match *m,
		  pid_t parent, const struct np_cgroup_id *id)
{
	struct np_managed *mp;
	char msg[256];
	int err;

	if (r->nmanaged == r->managed_cap) {
		int cap = r->managed_cap ? r->managed_cap * 2 : 16;
		struct np_managed *grown = realloc(r->managed, sizeof(*grown) * cap);

		if (!grown)
			return -ENOMEM;
		r->managed = grown;
		r->managed_cap = cap;
	}
	mp = &r->managed[r->nmanaged];
	memset(mp, 0, sizeof(*mp));
	mp->pid = info->pid;
	mp->start_time = info->start_time;
	snprintf(mp->comm, sizeof(mp->comm), "%s", info->comm);
	snprintf(mp->match, sizeof(mp->match), "%s", m->name);
	mp->policy = m;
	if (id)
		mp->id = *id;
	mp->slot = -1;
	mp->parent = parent;
	mp->assigned_node = NP_NO_NODE;
	mp->remote_ratio = NAN;
	mp->seen = true;
	/* checked when the config was loaded: cannot fail here but for a hot-unplug */
	if (np_run_match_target(r->topo, m, &mp->fixed_node, &mp->forced_device, msg,
				sizeof(msg))) {
		np_log(NP_LOG_WARNING, "pid %d (%s): %s; the model chooses its node", info->pid,
		       info->comm, msg);
		mp->fixed_node = NP_NO_NODE;
		mp->forced_device = -1;
	}
	err = np_sampler_trace(r->sampler, info->pid);
	if (err) {
		np_log(NP_LOG_ERR, "pid %d (%s): tracing it: %s", info->pid, info->comm,
		       strerror(-err));
		return err;
	}
	r->nmanaged++;
	say_managing(mp);
	return 0;
}

void np_run_forget(struct np_run *r, int index, const char *why)
{
	struct np_managed *mp = &r->managed[index];

	np_log(NP_LOG_INFO, "pid %d (%s) %s", mp->pid, mp->comm, why);
	/*
	 * Its journal records may have become dead weight (it exited). Whatever the reason: a
	 * compaction keeps the records of a process that still runs, so a needless one costs a
	 * read of the journal.
	 */
	r->journal_stale = true;
	np_sampler_forget(r->sampler, mp->pid);
	free(mp->pinned);
	r->managed[index] = r->managed[--r->nmanaged];
}

/* Its busy CPUs over the interval, or over its life at first sight; false when gone. */
static bool busy_cpus(const struct np_proc_info *info, struct np_seen_proc *seen, double now,
		      double *cpus)
{
	long hz = sysconf(_SC_CLK_TCK);
	unsigned long long ticks;
	double busy;

	if (proc_ticks(info->pid, &ticks))
		return false;
	if (seen && seen->time_prev > 0 && now > seen->time_prev)
		busy = (double)(ticks - seen->ticks_prev) / hz / (now - seen->time_prev);
	else /* first sight: its average since it started */
		busy = (double)ticks / hz /
		       (uptime_s() - (double)info->start_time / hz > 0.01
				? uptime_s() - (double)info->start_time / hz
				: 0.01);
	if (seen) {
		seen->ticks_prev = ticks;
		seen->time_prev = now;
	}
	*cpus = busy;
	return true;
}

bool np_run_skip_news(struct np_skip_note *last, const struct np_match *m, int below)
{
	bool news = m && below && (m != last->m || below != last->below);

	last->m = below ? m : NULL;
	last->below = m ? below : 0;
	return news;
}

void np_run_skip_words(const struct np_match *m, int below, double rss_mb, double busy_cpus,
		       char *buf, size_t len)
{
	int n = 0;

	buf[0] = '\0';
	if (below & NP_BELOW_RSS)
		n = snprintf(buf, len, "holds %.0f MB, below min_rss_mb %ld", rss_mb,
			     m->min_rss_mb);
	if ((below & NP_BELOW_CPU) && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, "%skeeps %.2f CPUs busy, below min_cpu %g",
			 n ? ", and " : "", busy_cpus, m->min_cpu);
}

/*
 * A process that meets m's rules: managed when it is big enough, else left alone and the log
 * says why, once per shortfall. Returns whether it is managed now.
 */
static bool take_or_skip(struct np_run *r, const struct np_match *m,
			 const struct np_proc_info *info, const struct np_cgroup_id *id,
			 struct np_seen_proc *seen, double now)
{
	double rss_mb = info->rss_kb / 1024.0, cpus;
	char why[160];
	int below;

	if (!busy_cpus(info, seen, now, &cpus))
		return false;
	below = np_match_below(m, rss_mb, cpus);
	if (!below) {
		seen->skip = (struct np_skip_note){ 0 };
		return !manage(r, info, m, 0, id);
	}
	if (np_run_skip_news(&seen->skip, m, below)) {
		np_run_skip_words(m, below, rss_mb, cpus, why, sizeof(why));
		np_log(NP_LOG_INFO, "pid %d (%s) matches [match %s] but %s", info->pid, info->comm,
		       m->name, why);
	}
	return false;
}

/* A new pid, or one whose comm changed: read it and decide. */
static void examine(struct np_run *r, pid_t pid, const char *comm, struct np_seen_proc *seen,
		    double now)
{
	struct np_proc_info info;
	struct accel_ctx ctx = { r, pid };
	const struct np_match *m;
	struct np_proc_cgroup *cg;
	bool has_accel = false;

	if (np_proc_read("/", pid, &info))
		return;
	if (seen && (strcmp(seen->comm, comm) || seen->start_time != info.start_time)) {
		seen->ticks_prev = 0; /* an exec, or a reused pid: another program now */
		seen->time_prev = 0;
		seen->skip = (struct np_skip_note){ 0 };
	}
	cg = read_cgroup(pid);
	if (!cg)
		return;
	m = np_run_match(&r->cfg, info.comm, info.cmdline, cg, &has_accel, probe_accel, &ctx);
	if (!seen)
		seen = add_ignored(r, pid);
	if (!seen) {
		free(cg);
		return;
	}
	snprintf(seen->comm, sizeof(seen->comm), "%s", comm);
	seen->start_time = info.start_time;
	seen->seen = true;
	seen->matched = m != NULL;
	seen->kernel = !info.cmdline[0] && (info.ppid == 2 || pid == 2);
	/*
	 * A child looked at between its fork and its exec still has its parent's command line;
	 * when it execs the same binary (Ollama's `ollama runner`), its comm stays the same. A
	 * verdict taken that young is looked at once more at the next scan.
	 */
	seen->young = uptime_s() - (double)info.start_time / sysconf(_SC_CLK_TCK) < YOUNG_S;
	if (!m) {
		seen->skip = (struct np_skip_note){ 0 }; /* matching again later is news again */
		/* every process of the host once: only when asked for */
		np_log(NP_LOG_DEBUG, "pid %d (%s) matches no [match] section", pid, info.comm);
	} else if (take_or_skip(r, m, &info, &cg->id, seen, now))
		seen->pid = 0; /* managed now: dropped from this table after the scan */
	free(cg);
}

/*
 * A kernel thread left alone whose name changed: 6.x names workqueue workers after their
 * current work ("kworker/u8:3-events_unbound"), so it changes every few seconds. The same
 * thread (same start time) keeps its verdict for one stat read instead of a full look.
 */
static void follow_kernel_rename(struct np_seen_proc *seen, pid_t pid, const char *comm)
{
	struct np_stat st;

	if (!seen || !seen->kernel || seen->matched || !strcmp(seen->comm, comm))
		return;
	if (np_stat_read("/", pid, 0, &st) == 0 && st.start_time == seen->start_time)
		snprintf(seen->comm, sizeof(seen->comm), "%s", comm);
}

/* A child of managed process parent, with its own identity (a worker may sit elsewhere). */
static int adopt(struct np_run *r, const struct np_proc_info *info, int parent)
{
	struct np_proc_cgroup *cg = read_cgroup(info->pid);
	int err;

	err = manage(r, info, r->managed[parent].policy, r->managed[parent].pid,
		     cg ? &cg->id : &r->managed[parent].id);
	free(cg);
	return err;
}

/* Children of managed servers, traced by the fork handler. */
static void adopt_children(struct np_run *r)
{
	pid_t *traced;
	int n;

	if (np_sampler_traced(r->sampler, &traced, &n))
		return;
	for (int i = 0; i < n; i++) {
		struct np_proc_info info;
		pid_t up = traced[i];
		int parent = -1, node;

		if (find_managed(r, traced[i]) >= 0)
			continue;
		if (np_proc_read("/", traced[i], &info)) {
			/* a short-lived child: its filter entry and totals must not pile up */
			np_sampler_forget(r->sampler, traced[i]);
			continue;
		}
		/* its nearest managed ancestor */
		for (int depth = 0; depth < MAX_ANCESTORS && parent < 0 && up > 1; depth++) {
			struct np_proc_info anc;

			if (np_proc_read("/", up, &anc))
				break;
			up = anc.ppid;
			parent = find_managed(r, up);
		}
		if (parent < 0) {
			np_sampler_forget(r->sampler, traced[i]); /* its server is gone */
			continue;
		}
		node = r->managed[parent].assigned_node;
		/* a child of a placed server joins it now, not after the hysteresis */
		if (!adopt(r, &info, parent) && node >= 0)
			np_run_join(r, &r->managed[r->nmanaged - 1], node);
	}
	free(traced);
}

int np_run_discover(struct np_run *r)
{
	double now = np_now_s();
	struct np_lineage ours;
	pid_t *pids;
	int n, err, kept = 0, nsorted = r->nignored;

	/* every interval: a shell that started us may have gone, its pid taken by a server */
	np_lineage_read("/", getpid(), &ours);
	err = np_proc_list("/", &pids, &n);
	if (err)
		return err;
	for (int i = 0; i < r->nmanaged; i++)
		r->managed[i].seen = false;
	for (int i = 0; i < r->nignored; i++)
		r->ignored[i].seen = false;

	for (int i = 0; i < n; i++) {
		struct np_seen_proc *seen;
		char comm[NP_COMM_LEN];
		int idx;

		if (np_lineage_has(&ours, pids[i]))
			continue;
		idx = find_managed(r, pids[i]);
		if (idx >= 0) {
			r->managed[idx].seen = true;
			continue;
		}
		np_thread_comm("/", pids[i], pids[i], comm, sizeof(comm));
		if (!comm[0])
			continue; /* gone meanwhile */
		seen = find_ignored(r, pids[i], nsorted);
		follow_kernel_rename(seen, pids[i], comm);
		if (seen && !strcmp(seen->comm, comm) && !seen->matched && !seen->young) {
			seen->seen = true; /* same program as before: same verdict */
			continue;
		}
		examine(r, pids[i], comm, seen, now);
	}
	free(pids);

	/* the table stays sorted by pid for the next scan: drop the unseen, then sort */
	for (int i = 0; i < r->nignored; i++)
		if (r->ignored[i].seen && r->ignored[i].pid)
			r->ignored[kept++] = r->ignored[i];
	r->nignored = kept;
	qsort(r->ignored, r->nignored, sizeof(*r->ignored), cmp_seen);

	adopt_children(r);
	for (int i = r->nmanaged - 1; i >= 0; i--)
		if (!r->managed[i].seen)
			np_run_forget(r, i, "exited");
	return 0;
}

void np_run_rebind(struct np_run *r)
{
	for (int i = r->nmanaged - 1; i >= 0; i--) {
		struct np_managed *mp = &r->managed[i];
		struct accel_ctx ctx = { r, mp->pid };
		const struct np_match *m = NULL;
		/* children follow their server: the parent's section, found again */
		pid_t whose = mp->parent ? mp->parent : mp->pid;
		struct np_proc_info info;
		struct np_proc_cgroup *cg;
		char msg[256];
		bool has_accel = false;

		if ((!mp->parent || find_managed(r, mp->parent) >= 0) &&
		    !np_proc_read("/", whose, &info) && (cg = read_cgroup(whose))) {
			m = np_run_match(&r->cfg, info.comm, info.cmdline, cg, &has_accel,
					 probe_accel, &ctx);
			free(cg);
		}
		if (!m) {
			np_run_forget(r, i, "no longer matches the configuration; left as it is");
			continue;
		}
		mp->policy = m;
		if (strcmp(mp->match, m->name))
			mp->slot = -1; /* another group now: a slot of its own there */
		snprintf(mp->match, sizeof(mp->match), "%s", m->name);
		if (np_run_match_target(r->topo, m, &mp->fixed_node, &mp->forced_device, msg,
					sizeof(msg))) {
			mp->fixed_node = NP_NO_NODE;
			mp->forced_device = -1;
		}
	}
	/* verdicts of the old rules are void */
	r->nignored = 0;
}
