// SPDX-License-Identifier: GPL-2.0
/*
 * A cgroup cpuset rewritten and put back (see act_cgroup.h). The kernel's rules it works
 * with: v2 cpuset.cpus may name CPUs the parent lacks but then only the parent's are
 * effective, so the effective files are read back; v1 cpuset.cpus must stay within the
 * parent's and hold every child's (-EINVAL, -EBUSY); a task may allocate on a node, and
 * move_pages(2) may move its pages there, only when the cpuset's mems have it; v2 migrates
 * a cgroup's pages itself when its mems shrink.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "act/act_cgroup.h"
#include "lib/sysfs.h"

static bool is_v1(enum np_cpuset_file f)
{
	return f == NP_CPUSET_V1_CPUS || f == NP_CPUSET_V1_MEMS;
}

static bool is_mems(enum np_cpuset_file f)
{
	return f == NP_CPUSET_V2_MEMS || f == NP_CPUSET_V1_MEMS;
}

/* "/a/b": absolute, no empty, "." or ".." component */
static bool plain_path(const char *path)
{
	if (path[0] != '/')
		return false;
	for (const char *p = path + 1; *p;) {
		size_t n = strcspn(p, "/");

		if (!n || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n + (p[n] == '/');
		if (p[-1] == '/' && !*p)
			return false;
	}
	return true;
}

/*
 * The file of f for the cgroup at path (as /proc/PID/cgroup shows it): its hierarchy's mount
 * point, the path below the mount's root, the file's name ("cpus" on a noprefix v1 mount).
 * effective: cpuset.{cpus,mems}.effective (v2) or cpuset.effective_{cpus,mems} (v1).
 */
static int cpuset_file(const char *path, enum np_cpuset_file f, bool effective, char *out,
		       size_t len)
{
	static const char *const names[2][2] = { { "cpus", "mems" },
						 { "cpus.effective", "mems.effective" } };
	static const char *const v1_names[2][2] = { { "cpus", "mems" },
						    { "effective_cpus", "effective_mems" } };
	struct np_cgroup_mount m;
	size_t top;
	int err, n;

	if (!plain_path(path) || f >= NP_CPUSET_FILES)
		return -EINVAL;
	err = np_cgroup_mount_find("/", is_v1(f), path, &m);
	if (err)
		return err;
	top = strlen(m.point);
	while (top && m.point[top - 1] == '/')
		m.point[--top] = '\0';
	path += strcmp(m.root, "/") ? strlen(m.root) : 0;
	n = snprintf(out, len, "%s%s/%s%s", m.point, strcmp(path, "/") ? path : "",
		     is_v1(f) && m.noprefix ? "" : "cpuset.",
		     (is_v1(f) ? v1_names : names)[effective][is_mems(f)]);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * Write value (and a newline: "" then clears a v2 file) in one write(2) to a cgroup file:
 * no symlink anywhere on the way (openat2 RESOLVE_NO_SYMLINKS; O_NOFOLLOW where the kernel
 * lacks it), never blocking, and only to a regular file of a cgroup or cgroup2 filesystem.
 */
static int cgroup_write(const char *file, const char *value)
{
	struct open_how how = { .flags = O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS };
	char text[NP_CPULIST_MAX + 1];
	struct statfs fs;
	struct stat st;
	int fd, err = 0, n = snprintf(text, sizeof(text), "%s\n", value);
	ssize_t w;

	if (n < 0 || (size_t)n >= sizeof(text))
		return -ENAMETOOLONG;
	fd = (int)syscall(SYS_openat2, AT_FDCWD, file, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS)
		fd = open(file, (int)how.flags);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || fstatfs(fd, &fs))
		err = -errno;
	else if (!S_ISREG(st.st_mode) ||
		 (fs.f_type != CGROUP2_SUPER_MAGIC && fs.f_type != CGROUP_SUPER_MAGIC))
		err = -EPERM;
	if (!err && (w = write(fd, text, (size_t)n)) < 0)
		err = -errno;
	else if (!err && w != n)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* The set a CPU or node list names; "" is the empty set. */
static int parse(const char *text, struct np_cpuset *set)
{
	memset(set, 0, sizeof(*set));
	return np_cpulist_parse(text, set);
}

static bool same(const char *a, const char *b)
{
	struct np_cpuset x, y;

	return !parse(a, &x) && !parse(b, &y) && !memcmp(&x, &y, sizeof(x));
}

/* After a write of want: the file says so, and the effective set (where there is one) has it. */
static int read_back(const char *path, enum np_cpuset_file f, const char *want, char *why,
		     size_t len)
{
	char file[PATH_MAX], now[NP_CPULIST_MAX];
	struct np_cpuset w, e;
	int err;

	err = cpuset_file(path, f, false, file, sizeof(file));
	err = err ?: np_read_str("/", file, now, sizeof(now));
	if (err || !same(now, want)) {
		snprintf(why, len, "%.100s: the kernel kept '%.60s'", file,
			 err ? strerror(-err) : now);
		return -EIO;
	}
	if (cpuset_file(path, f, true, file, sizeof(file)) ||
	    np_read_str("/", file, now, sizeof(now)))
		return 0; /* an old v1 kernel has no effective files: cpuset.cpus is what holds */
	if (!parse(want, &w) && !parse(now, &e) && np_cpuset_count(&w) &&
	    !np_cpuset_subset(&w, &e)) {
		snprintf(why, len, "%.100s is '%.40s': the parent's cpuset does not allow '%.40s'",
			 file, now, want);
		return -EIO;
	}
	return 0;
}

/* One file: journaled, written, read back. 1 when it failed (res says why), 0, or -errno. */
static int set_one(const char *journal, pid_t pid, const char *path, enum np_cpuset_file f,
		   const char *want, struct np_act_result *res)
{
	struct np_change c = { .kind = NP_CHANGE_CGROUP_CPUSET, .id = (int)f, .tgid = pid };
	char file[PATH_MAX], old[NP_CPULIST_MAX], why[320];
	int err;

	err = cpuset_file(path, f, false, file, sizeof(file));
	err = err ?: np_read_str("/", file, old, sizeof(old));
	if (err) {
		np_act_fail(res, "cgroup %s: %s", path, strerror(-err));
		return 1;
	}
	if (same(old, want)) {
		res->unchanged++;
		return 0;
	}
	snprintf(c.path, sizeof(c.path), "%s", path);
	err = np_change_values(&c, old, want);
	err = err ?: np_journal_append(journal, &c, 1);
	np_change_release(&c);
	if (err)
		return err; /* not written: a change without its old value could not be undone */
	err = cgroup_write(file, want);
	if (err) {
		np_act_fail(res, "%s = %s: %s", file, want, strerror(-err));
		return 1;
	}
	if (read_back(path, f, want, why, sizeof(why))) {
		np_act_fail(res, "%s", why);
		return 1;
	}
	res->changed++;
	return 0;
}

int np_act_cgroup_cpuset(const char *journal, pid_t pid, const struct np_cgroup *cg,
			 const struct np_cpuset *cpus, uint64_t mems, struct np_act_result *res)
{
	bool v1 = cg->cpuset_version == NP_CGROUP_V1;
	const char *path = v1 ? cg->v1_cpuset : cg->unified;
	enum np_cpuset_file fc = v1 ? NP_CPUSET_V1_CPUS : NP_CPUSET_V2_CPUS;
	enum np_cpuset_file fm = v1 ? NP_CPUSET_V1_MEMS : NP_CPUSET_V2_MEMS;
	struct np_cpuset nodes = { .bits = { mems } };
	char cpu_text[NP_CPULIST_MAX], mem_text[256];
	bool mems_first = (mems & cg->mems) == cg->mems;
	int err;

	/*
	 * The journal keeps the path in sizeof(np_change.path): a longer one would be journaled
	 * cut, and restore would write the old cpuset to whatever cgroup the cut path names (an
	 * ancestor when it ends at a '/') while this one stays changed.
	 */
	if (strlen(path) >= sizeof(((struct np_change *)0)->path)) {
		np_act_fail(res, "cgroup %.60s...: path too long to journal; the cpuset stays",
			    path);
		return 0;
	}
	if (np_cpulist_format(cpus, cpu_text, sizeof(cpu_text)) < 0 ||
	    np_cpulist_format(&nodes, mem_text, sizeof(mem_text)) < 0 || !cpu_text[0] ||
	    !mem_text[0]) {
		np_act_fail(res, "cgroup %s: no CPUs or memory nodes to set", path);
		return 0;
	}
	err = set_one(journal, pid, path, mems_first ? fm : fc, mems_first ? mem_text : cpu_text,
		      res);
	if (!err)
		err = set_one(journal, pid, path, mems_first ? fc : fm,
			      mems_first ? cpu_text : mem_text, res);
	return err < 0 ? err : 0;
}

/* A list of CPUs the host can have, or of nodes (ids < 64); "" only where v2 allows it. */
static bool value_ok(const char *text, enum np_cpuset_file f, const struct np_cpuset *possible)
{
	struct np_cpuset set;

	if (parse(text, &set))
		return false;
	if (!np_cpuset_count(&set))
		return !is_v1(f);
	if (is_mems(f)) {
		for (size_t w = 1; w < NP_MAX_CPUS / 64; w++)
			if (set.bits[w])
				return false;
		return true;
	}
	return np_cpuset_subset(&set, possible);
}

const char *np_cgroup_record_problem(const struct np_change *c, const struct np_cpuset *possible)
{
	if (c->id < 0 || c->id >= NP_CPUSET_FILES)
		return "no cpuset file";
	if (!plain_path(c->path) || !strcmp(c->path, "/"))
		return "no cgroup path below the root";
	if (strstr(c->path, "kubepods"))
		return "a kubepods cgroup, which numaplace never rewrites";
	if (!value_ok(c->old_value, c->id, possible))
		return "old value is no list of this host's CPUs or nodes";
	if (c->new_value[0] && !value_ok(c->new_value, c->id, possible))
		return "new value is no list of this host's CPUs or nodes";
	return NULL;
}

void np_restore_cgroup(const struct np_change *c, struct np_act_result *res)
{
	char file[PATH_MAX], now[NP_CPULIST_MAX] = "";
	int err;

	err = cpuset_file(c->path, c->id, false, file, sizeof(file));
	err = err ?: np_read_str("/", file, now, sizeof(now));
	if (err == -ENOENT) {
		res->vanished++; /* the container or unit has gone, its cgroup with it */
		return;
	}
	if (!err && !strcmp(now, c->old_value)) {
		res->unchanged++;
		return;
	}
	err = err ?: cgroup_write(file, c->old_value);
	if (err)
		np_act_fail(res, "cgroup %s: %s = '%s': %s", c->path, file, c->old_value,
			    strerror(-err));
	else if (np_read_str("/", file, now, sizeof(now)) || strcmp(now, c->old_value))
		np_act_fail(res, "%s: the kernel kept '%s', not '%s'", file, now, c->old_value);
	else
		res->changed++;
}
