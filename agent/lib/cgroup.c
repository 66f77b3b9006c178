// SPDX-License-Identifier: GPL-2.0
/*
 * A process's cgroups and effective cpuset, v1, v2 and hybrid (see cgroup.h). The paths in
 * /proc/PID/cgroup are relative to a hierarchy, so each is found through the mount table:
 * the directory is the mount point plus the path below the mount's root.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cgroup.h"
#include "lib/sysfs.h"

#define MOUNTINFO_LINE_MAX 8192
#define MOUNTINFO_FIELDS   64

/* Whether the comma-separated list holds word. */
static bool has_word(const char *list, size_t len, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list, *end = list + len; p < end;) {
		const char *comma = memchr(p, ',', end - p);
		size_t m = comma ? (size_t)(comma - p) : (size_t)(end - p);

		if (m == n && !memcmp(p, word, n))
			return true;
		p += m + 1;
	}
	return false;
}

/* Keep a path of one line in dst once: -EINVAL when the hierarchy was seen before. */
static int keep_path(char *dst, const char *path, size_t len)
{
	if (dst[0])
		return -EINVAL;
	if (len >= NP_CGROUP_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(dst, path, len);
	dst[len] = '\0';
	return 0;
}

/* "hierarchy-ID:controller,list:/path"; the path may hold ':' (a cgroup name can). */
static int parse_line(const char *line, size_t len, struct np_cgroup *cg, bool *v1, bool *v2)
{
	const char *end = line + len, *c1 = memchr(line, ':', len), *c2, *p;

	if (!c1 || c1 == line || c1 - line > 10)
		return -EINVAL;
	for (p = line; p < c1; p++)
		if (*p < '0' || *p > '9')
			return -EINVAL;
	c2 = memchr(c1 + 1, ':', end - c1 - 1);
	if (!c2 || c2 + 1 == end || c2[1] != '/')
		return -EINVAL;
	p = c2 + 1;
	if (c1 - line == 1 && line[0] == '0') {
		/* the unified hierarchy has no controller list */
		if (c2 != c1 + 1)
			return -EINVAL;
		*v2 = true;
		return keep_path(cg->unified, p, end - p);
	}
	*v1 = true;
	if (has_word(c1 + 1, c2 - c1 - 1, "cpuset")) {
		int err = keep_path(cg->v1_cpuset, p, end - p);

		if (err)
			return err;
	}
	if (has_word(c1 + 1, c2 - c1 - 1, "name=systemd"))
		return keep_path(cg->v1_systemd, p, end - p);
	return 0;
}

int np_cgroup_parse(const char *text, struct np_cgroup *cg)
{
	bool v1 = false, v2 = false;

	memset(cg, 0, sizeof(*cg));
	cg->cpuset_err = -ENOENT;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int err = parse_line(p, len, cg, &v1, &v2);

		if (err)
			return err;
		p += len + (nl ? 1 : 0);
	}
	cg->version = v1 && v2 ? NP_CGROUP_HYBRID
		      : v1     ? NP_CGROUP_V1
		      : v2     ? NP_CGROUP_V2
			       : NP_CGROUP_NONE;
	return 0;
}

/*
 * A path that names a directory without surprises: absolute, no empty, "." or ".." component.
 * A process in another cgroup namespace shows "/../../x" in /proc/PID/cgroup: not below our
 * mounts. The kernel prints mount points this way too; one that is not is not used.
 */
static bool plain_path(const char *path)
{
	if (path[0] != '/')
		return false;
	if (!path[1])
		return true;
	for (const char *p = path + 1;;) {
		size_t n = strcspn(p, "/");

		if (!n || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

/*
 * Decode the kernel's mount escapes (mangle(): space, tab, newline and backslash as \ooo). A
 * path must come out absolute, without NUL, and fit.
 */
static bool unescape(const char *in, char *out, size_t len)
{
	size_t n = 0;

	if (in[0] != '/')
		return false;
	for (const char *p = in; *p; n++) {
		int value = *p++;

		if (value == '\\' && p[0] >= '0' && p[0] <= '3' && p[1] >= '0' && p[1] <= '7' &&
		    p[2] >= '0' && p[2] <= '7') {
			value = (p[0] - '0') * 64 + (p[1] - '0') * 8 + (p[2] - '0');
			p += 3;
			if (!value)
				return false;
		}
		if (n + 1 >= len)
			return false;
		out[n] = (char)value;
	}
	out[n] = '\0';
	return true;
}

/*
 * One mountinfo line: "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE
 * SUPEROPTIONS". A cgroup2 mount, or a v1 one whose super options name the cpuset controller.
 */
static bool mount_line(char *line, bool v1, struct np_cgroup_mount *m)
{
	char *field[MOUNTINFO_FIELDS], *save = NULL;
	int n = 0, sep = -1;

	for (char *f = strtok_r(line, " ", &save); f; f = strtok_r(NULL, " ", &save)) {
		if (n == MOUNTINFO_FIELDS)
			return false;
		if (sep < 0 && n >= 6 && !strcmp(f, "-"))
			sep = n;
		field[n++] = f;
	}
	if (sep < 0 || sep + 3 >= n)
		return false;
	if (v1 ? strcmp(field[sep + 1], "cgroup") ||
			    !has_word(field[sep + 3], strlen(field[sep + 3]), "cpuset")
	       : strcmp(field[sep + 1], "cgroup2"))
		return false;
	m->noprefix = v1 && has_word(field[sep + 3], strlen(field[sep + 3]), "noprefix");
	return unescape(field[3], m->root, sizeof(m->root)) && plain_path(m->root) &&
	       unescape(field[4], m->point, sizeof(m->point)) && plain_path(m->point);
}

/* path lies in the subtree of root, by whole components */
static bool below(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (!strcmp(root, "/"))
		return true;
	return !strncmp(path, root, n) && (path[n] == '\0' || path[n] == '/');
}

/* The rest of a line too long to read: dropped, up to its newline. */
static void skip_line(FILE *f)
{
	int c;

	while ((c = getc(f)) != EOF && c != '\n')
		;
}

int np_cgroup_mount_find(const char *root, bool v1, const char *path, struct np_cgroup_mount *mount)
{
	char full[PATH_MAX], *line = malloc(MOUNTINFO_LINE_MAX);
	int err = -ENOENT;
	FILE *f = NULL;

	if (!line)
		return -ENOMEM;
	if (np_path(full, sizeof(full), root, "/proc/self/mountinfo"))
		err = -ENAMETOOLONG;
	else if (!(f = fopen(full, "re")))
		err = -errno;
	while (f && fgets(line, MOUNTINFO_LINE_MAX, f)) {
		size_t len = strlen(line);

		if (len && line[len - 1] == '\n') {
			line[len - 1] = '\0';
		} else if (!feof(f)) {
			skip_line(f);
			continue;
		}
		if (mount_line(line, v1, mount) && below(path, mount->root)) {
			err = 0;
			break;
		}
	}
	if (f)
		fclose(f);
	free(line);
	return err;
}

const char *np_cgroup_id_path(const struct np_cgroup *cg)
{
	return cg->unified[0] ? cg->unified : cg->v1_systemd[0] ? cg->v1_systemd : cg->v1_cpuset;
}

/* The cpus and mems files of one cgroup directory; -ENOENT when it has none. */
static int read_pair(const char *root, const char *dir, const char *prefix, const char *cpus_name,
		     const char *mems_name, struct np_cpuset *cpus, uint64_t *mems)
{
	char path[PATH_MAX], list[NP_CPULIST_MAX];
	struct np_cpuset nodes;
	int err, n;

	n = snprintf(path, sizeof(path), "%s/%s%s", dir, prefix, cpus_name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	err = np_read_str(root, path, list, sizeof(list));
	if (err)
		return err;
	if (np_cpulist_parse(list, cpus))
		return -EINVAL;
	n = snprintf(path, sizeof(path), "%s/%s%s", dir, prefix, mems_name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	err = np_read_str(root, path, list, sizeof(list));
	if (err)
		return err;
	if (np_cpulist_parse(list, &nodes))
		return -EINVAL;
	*mems = nodes.bits[0];
	return 0;
}

/*
 * v2: cpuset.{cpus,mems}.effective. v1: cpuset.effective_{cpus,mems} (kernels since 3.17),
 * else cpuset.{cpus,mems}, which in v1 are what the tasks may use.
 */
static int read_here(const char *root, const char *dir, enum np_cgroup_version version,
		     bool noprefix, struct np_cpuset *cpus, uint64_t *mems)
{
	const char *prefix = noprefix ? "" : "cpuset.";
	int err;

	if (version == NP_CGROUP_V2)
		return read_pair(root, dir, prefix, "cpus.effective", "mems.effective", cpus, mems);
	err = read_pair(root, dir, prefix, "effective_cpus", "effective_mems", cpus, mems);
	if (err == -ENOENT)
		err = read_pair(root, dir, prefix, "cpus", "mems", cpus, mems);
	return err;
}

/*
 * Read in dir, and for v2 up the tree to the mount's top: where the cpuset controller is not
 * enabled, the nearest ancestor that has it decides. v1 cgroups all have the files.
 */
static int read_up(const char *root, size_t top, struct np_cgroup *cg, bool noprefix)
{
	char *dir = cg->cpuset_dir;

	for (;;) {
		int err = read_here(root, dir, cg->cpuset_version, noprefix, &cg->cpus, &cg->mems);
		char *slash = strrchr(dir, '/');

		if (err != -ENOENT || cg->cpuset_version == NP_CGROUP_V1 || strlen(dir) <= top ||
		    !slash || (size_t)(slash - dir) < top)
			return err;
		*slash = '\0';
		cg->inherited = true;
	}
}

/* Fewer CPUs or nodes than the top of the hierarchy (which cannot be read: assume so). */
static bool narrower(const char *root, const struct np_cgroup *cg, const char *top, bool noprefix)
{
	struct np_cpuset all;
	uint64_t all_mems;

	if (read_here(root, top, cg->cpuset_version, noprefix, &all, &all_mems))
		return true;
	return memcmp(&all, &cg->cpus, sizeof(all)) || all_mems != cg->mems;
}

static int read_cpuset(const char *root, struct np_cgroup *cg)
{
	bool v1 = cg->v1_cpuset[0];
	const char *path = v1 ? cg->v1_cpuset : cg->unified;
	struct np_cgroup_mount *m;
	size_t top;
	int err, n;

	if (!path[0])
		return -ENOENT;
	if (!plain_path(path))
		return -EXDEV;
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	err = np_cgroup_mount_find(root, v1, path, m);
	if (err) {
		free(m);
		return err == -ENOENT ? -EXDEV : err;
	}
	/* the directory: mount point (without a trailing '/') and the path below the mount's root
	 */
	top = strlen(m->point);
	while (top && m->point[top - 1] == '/')
		m->point[--top] = '\0';
	path += strcmp(m->root, "/") ? strlen(m->root) : 0;
	n = snprintf(cg->cpuset_dir, sizeof(cg->cpuset_dir), "%s%s", m->point,
		     strcmp(path, "/") ? path : "");
	cg->cpuset_version = v1 ? NP_CGROUP_V1 : NP_CGROUP_V2;
	err = n < 0 || (size_t)n >= sizeof(cg->cpuset_dir) ? -ENAMETOOLONG
							   : read_up(root, top, cg, m->noprefix);
	if (!err)
		cg->bounded =
			strlen(cg->cpuset_dir) > top && narrower(root, cg, m->point, m->noprefix);
	free(m);
	return err;
}

int np_cgroup_read(const char *root, pid_t pid, struct np_cgroup *cg)
{
	char path[64], *text = malloc(32768);
	int err;

	memset(cg, 0, sizeof(*cg));
	cg->cpuset_err = -ENOENT;
	if (!text)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	err = np_read_str(root, path, text, 32768);
	if (!err)
		err = np_cgroup_parse(text, cg);
	free(text);
	if (err)
		return err == -ENOENT ? -ESRCH : err;
	cg->cpuset_err = read_cpuset(root, cg);
	if (cg->cpuset_err) {
		cg->cpuset_version = NP_CGROUP_NONE;
		cg->cpuset_dir[0] = '\0';
		cg->inherited = false;
		memset(&cg->cpus, 0, sizeof(cg->cpus));
		cg->mems = 0;
	}
	return 0;
}
