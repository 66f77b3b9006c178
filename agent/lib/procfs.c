// SPDX-License-Identifier: GPL-2.0
/* Process identity, threads and page residency from /proc (see procfs.h). */
#define _GNU_SOURCE /* CPU_ALLOC, sched_getaffinity */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cpulist.h"
#include "lib/cpuset_bounds.h"
#include "lib/pages.h"
#include "lib/procfs.h"
#include "lib/sysfs.h"

/* Read a whole /proc file of any size (numa_maps of a large process runs to megabytes). */
static char *slurp(const char *root, const char *path, size_t *len)
{
	char full[PATH_MAX];
	size_t cap = 65536, n = 0;
	char *buf;
	FILE *f;

	if (np_path(full, sizeof(full), root, "%s", path) || !(f = fopen(full, "re")))
		return NULL;
	buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);

		n += got;
		if (n < cap - 1)
			break;
		char *grown = realloc(buf, cap *= 2);

		if (!grown) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = grown;
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		if (len)
			*len = n;
	}
	return buf;
}

/*
 * The NUL-separated arguments as one shell-ready line: arguments with anything but safe
 * characters are single-quoted, control characters become '?'. Someone else's process
 * text goes into a command line an operator may paste as root.
 */
void np_quote_args(const char *args, size_t len, char *out, size_t outlen)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				   "0123456789_./=:,+-@%";
	size_t used = 0;

	out[0] = '\0';
	for (const char *arg = args; arg < args + len && used + 1 < outlen;
	     arg += strlen(arg) + 1) {
		bool plain = *arg && strspn(arg, safe) == strlen(arg);

		if (used && used + 1 < outlen)
			out[used++] = ' ';
		if (!plain && used + 1 < outlen)
			out[used++] = '\'';
		for (const char *c = arg; *c && used + 5 < outlen; c++) {
			if (*c == '\'') {
				memcpy(out + used, "'\\''", 4); /* close, escaped quote, reopen */
				used += 4;
			} else {
				out[used++] = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
			}
		}
		if (!plain && used + 1 < outlen)
			out[used++] = '\'';
		out[used] = '\0';
	}
}

int np_stat_read(const char *root, pid_t pid, pid_t tid, struct np_stat *st)
{
	char path[96], stat[1024], *close_paren;
	int err;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	err = np_read_str(root, path, stat, sizeof(stat));
	if (err)
		return err == -ENOENT ? -ESRCH : err;
	memset(st, 0, sizeof(*st));
	close_paren = strrchr(stat, ')');
	/* from field 3 (state): ppid 4, flags 9, utime 14, stime 15, threads 20, starttime 22,
	 * vsize 23, rss 24 ... and, where the kernel has it, processor 39 (after rsslim 25 ..
	 * exit_signal 38) */
	st->processor = -1;
	if (!close_paren || close_paren[1] != ' ' ||
	    sscanf(close_paren + 2,
		   "%c %d %*d %*d %*d %*d %u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %ld %*d "
		   "%llu %lu %ld %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*d %d",
		   &st->state, &st->ppid, &st->flags, &st->utime, &st->stime, &st->nthreads,
		   &st->start_time, &st->vsize, &st->rss_pages, &st->processor) < 9)
		return -EINVAL;
	/* the kernel prints rss unsigned: out of range here, it would overflow as KiB */
	if (st->rss_pages < 0 || st->rss_pages > LONG_MAX / np_base_page_kb())
		return -EINVAL;
	return 0;
}

static int list_numeric(const char *root, const char *dirpath, pid_t **out, int *count);

/* A thread of pid that is not a zombie, or 0. */
static pid_t live_thread(const char *root, pid_t pid)
{
	pid_t *tids, found = 0;
	int n;

	if (np_proc_threads(root, pid, &tids, &n))
		return 0;
	for (int i = 0; i < n && !found; i++) {
		struct np_stat st;

		if (np_stat_read(root, pid, tids[i], &st) == 0 && st.state != 'Z' &&
		    st.state != 'X')
			found = tids[i];
	}
	free(tids);
	return found;
}

int np_proc_read(const char *root, pid_t pid, struct np_proc_info *info)
{
	char path[64], *text;
	struct np_stat st;
	size_t len;
	int err;

	memset(info, 0, sizeof(*info));
	info->pid = pid;
	err = np_stat_read(root, pid, 0, &st);
	if (err)
		return err;
	info->ppid = st.ppid;
	/* kthreadd is pid 2 in the root namespace; its children are the kernel's threads */
	info->kthread = (st.flags & NP_PF_KTHREAD) || pid == 2 || st.ppid == 2;
	/*
	 * A zombie has exited and waits for its parent. A main thread shown as a zombie while
	 * other threads live (pthread_exit; kernels differ in what stat shows then) is a
	 * running process, though, read through one of its live threads.
	 */
	if (st.state == 'X' || (st.state == 'Z' && st.nthreads <= 1))
		return -ESRCH;
	if (st.state == 'Z')
		info->live_tid = live_thread(root, pid);
	info->nthreads = (int)st.nthreads;
	info->start_time = st.start_time;
	info->rss_kb = st.rss_pages * np_base_page_kb(); /* 64 KiB on some arm64 */

	if (np_comm_read(root, pid, 0, info->comm, sizeof(info->comm)))
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	text = slurp(root, path, &len);
	if (text) {
		np_quote_args(text, len, info->cmdline, sizeof(info->cmdline));
		free(text);
	}
	return 0;
}

static int list_numeric(const char *root, const char *dirpath, pid_t **out, int *count)
{
	char full[PATH_MAX];
	struct dirent *ent;
	pid_t *ids = NULL;
	int n = 0, cap = 0;
	DIR *dir;

	if (np_path(full, sizeof(full), root, "%s", dirpath))
		return -ENAMETOOLONG;
	dir = opendir(full);
	if (!dir)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((ent = readdir(dir))) {
		char *end;
		long id = strtol(ent->d_name, &end, 10);

		if (*end || id <= 0)
			continue;
		if (n == cap) {
			pid_t *grown = realloc(ids, sizeof(*ids) * (cap = cap ? cap * 2 : 256));

			if (!grown) {
				free(ids);
				closedir(dir);
				return -ENOMEM;
			}
			ids = grown;
		}
		ids[n++] = (pid_t)id;
	}
	closedir(dir);
	qsort(ids, n, sizeof(*ids), np_int_cmp);
	*out = ids;
	*count = n;
	return 0;
}

int np_proc_list(const char *root, pid_t **pids, int *count)
{
	return list_numeric(root, "/proc", pids, count);
}

int np_proc_threads(const char *root, pid_t pid, pid_t **tids, int *count)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	return list_numeric(root, path, tids, count);
}

int np_thread_start_time(const char *root, pid_t pid, pid_t tid, unsigned long long *start)
{
	struct np_stat st;
	int err = np_stat_read(root, pid, tid, &st);

	if (err)
		return err;
	*start = st.start_time;
	return st.state == 'Z' || st.state == 'X' ? -ESRCH : 0;
}

int np_proc_cpuset(const char *root, pid_t pid, struct np_cpuset *cpus)
{
	__u64 mems;

	return np_cpuset_bounds_read(root, pid, cpus, &mems);
}

int np_comm_read(const char *root, pid_t pid, pid_t tid, char *comm, size_t len)
{
	char path[96], full[PATH_MAX], buf[128];
	ssize_t n;
	int fd, err;

	comm[0] = '\0';
	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	if (np_path(full, sizeof(full), root, "%s", path))
		return -ENAMETOOLONG;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	/* one read: the kernel hands the whole name over at once (a fixture file too) */
	n = read(fd, buf, sizeof(buf) - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	if (n && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	n = (ssize_t)strnlen(buf, len - 1);
	memcpy(comm, buf, n);
	comm[n] = '\0';
	return 0;
}

void np_thread_comm(const char *root, pid_t pid, pid_t tid, char *comm, size_t len)
{
	np_comm_read(root, pid, tid, comm, len);
}

/*
 * Policy modes by name, in the order they are tried: "prefer (many)" before its prefix
 * "prefer". The first name of a kind is the one np_mpol_format prints.
 */
static const struct {
	const char *name;
	enum np_mpol kind;
} mpol_names[] = {
	{ "default", NP_MPOL_DEFAULT },
	{ "local", NP_MPOL_DEFAULT },
	{ "prefer (many)", NP_MPOL_PREFER_MANY },
	{ "prefer", NP_MPOL_PREFER },
	{ "bind", NP_MPOL_BIND },
	{ "interleave", NP_MPOL_INTERLEAVE },
	{ "weighted interleave", NP_MPOL_WEIGHTED_INTERLEAVE },
};

/*
 * The policy field after the address, as mpol_to_str() writes it: MODE[=FLAGS][:NODES].
 * MODE may hold a space ("prefer (many)"). FLAGS are "static", "relative" or "balancing",
 * several joined by '|' ("bind=static|balancing:0" on 6.18). Kernels without a 2024 fix
 * print a policy with the balancing flag (numactl --balancing) as "default": it goes
 * unseen there (Debian's 6.1.192 has the fix). NODES is a list, "0-1,3". Returns where the
 * next field starts; p itself for a mode not known here (the line's other fields count).
 */
static const char *parse_policy(const char *p, const char *eol, enum np_mpol *kind, __u64 *nodes)
{
	const char *q = NULL;

	*kind = NP_MPOL_DEFAULT;
	*nodes = 0;
	for (size_t i = 0; i < NP_ARRAY_SIZE(mpol_names) && !q; i++) {
		size_t n = strlen(mpol_names[i].name);

		if ((size_t)(eol - p) >= n && !memcmp(p, mpol_names[i].name, n) &&
		    (p + n == eol || p[n] == '=' || p[n] == ':' || p[n] == ' ')) {
			*kind = mpol_names[i].kind;
			q = p + n;
		}
	}
	if (!q)
		return p;
	if (q < eol && *q == '=')
		while (q < eol && *q != ':' && *q != ' ')
			q++;
	if (q < eol && *q == ':') {
		do {
			unsigned long first, last;
			char *end;

			if (!isdigit((unsigned char)q[1]))
				break;
			first = last = strtoul(q + 1, &end, 10);
			if (*end == '-' && isdigit((unsigned char)end[1]))
				last = strtoul(end + 1, &end, 10);
			for (unsigned long n = first; n <= last && n < 64; n++)
				*nodes |= 1ULL << n;
			q = end;
		} while (q < eol && *q == ',');
	}
	return q;
}

void np_mpol_format(enum np_mpol kind, __u64 nodes, char *buf, size_t len)
{
	const char *name = "default";
	int ids[64], count = 0, n;

	for (size_t i = 0; i < NP_ARRAY_SIZE(mpol_names); i++)
		if (mpol_names[i].kind == kind) {
			name = mpol_names[i].name;
			break;
		}
	for (int node = 0; node < 64; node++)
		if (nodes & (1ULL << node))
			ids[count++] = node;
	n = snprintf(buf, len, "%s%s", name, count ? ":" : "");
	if (count && n >= 0 && (size_t)n < len)
		np_rangelist_format(ids, count, buf + n, len - n);
}

/* What one numa_maps line adds up to, besides residency. */
struct line_policy {
	enum np_mpol kind;
	__u64 nodes;
	__u64 pages; /* resident, in 4 KiB pages */
};

/*
 * One numa_maps line: "7f.. default file=/m.gguf mapped=.. N0=12 N1=3 kernelpagesize_kB=4".
 * N<node>= counts pages of kernelpagesize_kB, which comes last, so the line is read twice.
 */
static void parse_line(const char *line, const char *eol, struct np_residency *res,
		       struct line_policy *policy)
{
	__u64 page_kb = NP_PAGE_KB, counts[NP_BPF_MAX_NODES] = { 0 }, beyond = 0;
	bool is_file = false, is_huge = false;
	const char *p = memchr(line, ' ', eol - line);

	/* a line without a space has no policy field: default, not what the last line had */
	policy->kind = NP_MPOL_DEFAULT;
	policy->nodes = 0;
	p = p ? parse_policy(p + 1, eol, &policy->kind, &policy->nodes) : eol;
	policy->pages = 0;
	while (p < eol) {
		const char *end = memchr(p, ' ', eol - p);

		if (!end)
			end = eol;
		if (p[0] == 'N' && isdigit((unsigned char)p[1])) {
			char *eq;
			unsigned long node = strtoul(p + 1, &eq, 10);

			if (*eq == '=') {
				__u64 n = strtoull(eq + 1, NULL, 10);

				if (node < NP_BPF_MAX_NODES)
					counts[node] += n;
				else
					beyond += n;
			}
		} else if (!strncmp(p, "kernelpagesize_kB=", 18)) {
			page_kb = strtoull(p + 18, NULL, 10);
		} else if (!strncmp(p, "file=", 5)) {
			is_file = true;
		} else if (!strncmp(p, "huge ", 5) || (end - p == 4 && !strncmp(p, "huge", 4))) {
			is_huge = true;
		}
		p = end + 1;
	}
	if (page_kb < NP_PAGE_KB)
		page_kb = NP_PAGE_KB;
	for (int node = 0; node < NP_BPF_MAX_NODES; node++) {
		__u64 pages = counts[node] * np_kb_pages(page_kb);

		res->pages[node] += pages;
		if (is_huge)
			res->huge_pages[node] += pages;
		else if (is_file)
			res->file_pages[node] += pages;
		policy->pages += pages;
	}
	res->beyond += beyond * np_kb_pages(page_kb);
	policy->pages += beyond * np_kb_pages(page_kb);
}

void np_numa_maps_parse(const char *text, struct np_residency *res)
{
	/* the distinct policies other than default, as far as 8 go */
	struct {
		struct line_policy policy;
		int mappings;
	} seen[8] = { 0 }, *best = NULL;
	int nseen = 0;

	memset(res, 0, sizeof(*res));
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		struct line_policy policy;
		int i;

		if (!eol)
			eol = line + strlen(line);
		parse_line(line, eol, res, &policy);
		line = *eol ? eol + 1 : NULL;
		if (policy.kind == NP_MPOL_DEFAULT)
			continue;
		for (i = 0; i < nseen; i++)
			if (seen[i].policy.kind == policy.kind &&
			    seen[i].policy.nodes == policy.nodes)
				break;
		if (i == (int)NP_ARRAY_SIZE(seen))
			continue;
		if (i == nseen)
			seen[nseen++].policy = policy;
		else
			seen[i].policy.pages += policy.pages;
		seen[i].mappings++;
	}
	for (int i = 0; i < nseen; i++)
		if (!best || seen[i].policy.pages > best->policy.pages ||
		    (seen[i].policy.pages == best->policy.pages &&
		     seen[i].mappings > best->mappings))
			best = &seen[i];
	if (best) {
		res->policy_kind = best->policy.kind;
		res->policy_nodes = best->policy.nodes;
		res->policy_pages = best->policy.pages;
	}
}

int np_numa_maps_mappings(const char *root, pid_t pid, struct np_mapping_pages **out, int *count)
{
	struct np_mapping_pages *list = NULL;
	char path[64], *text;
	int n = 0, cap = 0;

	*out = NULL;
	*count = 0;
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	text = slurp(root, path, NULL);
	if (!text)
		return errno == ENOENT ? -ESRCH : -errno;
	for (const char *line = text; *line;) {
		const char *eol = line + strcspn(line, "\n");
		struct np_residency res = { 0 };
		struct line_policy policy;

		if (n == cap) {
			struct np_mapping_pages *grown;

			cap = cap * 2 + 64;
			grown = realloc(list, sizeof(*list) * cap);
			if (!grown) {
				free(list);
				free(text);
				return -ENOMEM;
			}
			list = grown;
		}
		parse_line(line, eol, &res, &policy);
		list[n].start = strtoul(line, NULL, 16);
		list[n++].pages = np_node_sum(res.pages) + res.beyond;
		line = *eol ? eol + 1 : eol;
	}
	free(text);
	*out = list;
	*count = n;
	return 0;
}

int np_numa_maps_read(const char *root, pid_t pid, pid_t tid, struct np_residency *res)
{
	char path[96], *text;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/numa_maps", pid, tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	text = slurp(root, path, NULL);
	if (!text)
		return errno == ENOENT ? -ESRCH : -errno;
	np_numa_maps_parse(text, res);
	free(text);
	return 0;
}

int np_thread_affinity(pid_t tid, struct np_cpuset *set)
{
	size_t size = CPU_ALLOC_SIZE(NP_MAX_CPUS);
	cpu_set_t *mask = CPU_ALLOC(NP_MAX_CPUS);
	int err = 0;

	if (!mask)
		return -ENOMEM;
	memset(set, 0, sizeof(*set));
	if (sched_getaffinity(tid, size, mask))
		err = -errno;
	for (int cpu = 0; !err && cpu < NP_MAX_CPUS; cpu++)
		if (CPU_ISSET_S(cpu, size, mask))
			np_cpuset_set(set, cpu);
	CPU_FREE(mask);
	return err;
}

long np_base_page_kb(void)
{
	static long kb;

	if (!kb)
		kb = sysconf(_SC_PAGESIZE) / 1024;
	return kb;
}
