// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/PID/maps and numa_maps, for the files a process maps and who else maps them
 * (file_maps.h). The two are joined by the mapping's start address, which both print first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/file_maps.h"
#include "lib/procfs.h"
#include "lib/sysfs.h"

/* The whole of a /proc file (they have no size); NULL with *err set. */
static char *read_all(const char *root, pid_t pid, const char *name, int *err)
{
	size_t len = 0, cap = 65536;
	char path[128], *buf = malloc(cap), *grown;
	FILE *f;

	if (np_path(path, sizeof(path), root, "/proc/%d/%s", (int)pid, name) || !buf) {
		free(buf);
		*err = -ENOMEM;
		return NULL;
	}
	f = fopen(path, "re");
	if (!f) {
		*err = errno == ENOENT ? -ESRCH : -errno;
		free(buf);
		return NULL;
	}
	for (size_t got; (got = fread(buf + len, 1, cap - len - 1, f)) > 0;) {
		len += got;
		if (len + 1 == cap && (grown = realloc(buf, cap * 2))) {
			buf = grown;
			cap *= 2;
		} else if (len + 1 == cap) {
			break; /* out of memory: what was read */
		}
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* One maps line; false when it is not a file mapping. */
static bool parse_maps_line(const char *line, struct np_file_map *m)
{
	unsigned int major, minor;
	char perms[8];
	int used = 0;

	memset(m, 0, sizeof(*m));
	if (sscanf(line, "%lx-%lx %7s %*x %x:%x %llu %n", &m->start, &m->end, perms, &major, &minor,
		   &m->ino, &used) < 6 ||
	    !m->ino || !used || line[used] != '/')
		return false;
	m->dev = ((unsigned long long)major << 20) | minor;
	m->exec = perms[2] == 'x';
	snprintf(m->path, sizeof(m->path), "%.*s", (int)strcspn(line + used, "\n"), line + used);
	return true;
}

/* One numa_maps line's figures into the mapping that starts at its address. */
static void add_numa_line(const char *line, struct np_file_map *maps, int n)
{
	unsigned long start = strtoul(line, NULL, 16);
	unsigned long long pages = 0, kb = 4;
	const char *eol = line + strcspn(line, "\n");
	struct np_file_map *m = NULL;

	for (int i = 0; i < n && !m; i++)
		if (maps[i].start == start)
			m = &maps[i];
	if (!m)
		return;
	for (const char *p = strchr(line, ' '); p && p < eol; p = strchr(p + 1, ' ')) {
		if (p[1] == 'N' && p[2] >= '0' && p[2] <= '9' && strchr(p + 2, '='))
			pages += strtoull(strchr(p + 2, '=') + 1, NULL, 10);
		else if (!strncmp(p + 1, "mapmax=", 7))
			m->mapmax = atoi(p + 8);
		else if (!strncmp(p + 1, "kernelpagesize_kB=", 18))
			kb = strtoull(p + 19, NULL, 10);
	}
	m->pages = pages * (kb ? kb : 4) / 4;
}

int np_file_maps_parse(const char *maps, const char *numa_maps, struct np_file_map *out, int max)
{
	int n = 0, kept;

	for (const char *line = maps; line && *line; line = strchr(line, '\n')) {
		struct np_file_map m;

		line += *line == '\n';
		if (*line && parse_maps_line(line, &m)) {
			if (n < max)
				out[n] = m;
			n++;
		}
	}
	kept = n < max ? n : max;
	for (const char *line = numa_maps; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (*line)
			add_numa_line(line, out, kept);
	}
	return n;
}

int np_file_maps_read(const char *root, pid_t pid, struct np_file_map **out, int *count)
{
	int err = 0, n, max;
	char *maps = read_all(root, pid, "maps", &err), *numa;

	*out = NULL;
	*count = 0;
	if (!maps)
		return err;
	numa = read_all(root, pid, "numa_maps", &err); /* NULL: no figures (no NUMA kernel) */
	max = 0;
	for (const char *p = maps; (p = strchr(p, '\n')); p++)
		max++;
	*out = calloc(max + 1, sizeof(**out));
	n = *out ? np_file_maps_parse(maps, numa, *out, max + 1) : 0;
	free(maps);
	free(numa);
	if (!*out)
		return -ENOMEM;
	*count = n;
	return 0;
}

__u64 np_file_maps_uses(const char *maps, const struct np_file_key *keys, int nkeys)
{
	__u64 used = 0;

	for (const char *line = maps; line && *line; line = strchr(line, '\n')) {
		struct np_file_map m;

		line += *line == '\n';
		if (!*line || !parse_maps_line(line, &m))
			continue;
		for (int k = 0; k < nkeys && k < 64; k++)
			if (keys[k].dev == m.dev && keys[k].ino == m.ino)
				used |= 1ULL << k;
	}
	return used;
}

/* Add one process's entries; -ENOMEM. */
static int add_users(struct np_file_user **out, int *n, int *cap, pid_t pid, __u64 used)
{
	for (int k = 0; k < 64; k++) {
		if (!(used & (1ULL << k)))
			continue;
		if (*n == *cap) {
			int ncap = *cap ? *cap * 2 : 16;
			struct np_file_user *grown = realloc(*out, ncap * sizeof(**out));

			if (!grown)
				return -ENOMEM;
			*out = grown;
			*cap = ncap;
		}
		(*out)[(*n)++] = (struct np_file_user){ .pid = pid, .key = k };
	}
	return 0;
}

int np_file_users(const char *root, pid_t self, const struct np_file_key *keys, int nkeys,
		  struct np_file_user **out, int *count, bool *cut)
{
	int npids, err, cap = 0, read = 0;
	pid_t *pids;

	*out = NULL;
	*count = 0;
	*cut = false;
	err = np_proc_list(root, &pids, &npids);
	if (err)
		return err;
	for (int i = 0; i < npids && !err; i++) {
		char *maps;
		int rerr;

		if (pids[i] == self)
			continue;
		if (read++ == NP_FILE_USERS_SCAN_MAX) {
			*cut = true;
			break;
		}
		maps = read_all(root, pids[i], "maps", &rerr);
		if (maps) /* gone, or not ours to read: not counted */
			err = add_users(out, count, &cap, pids[i],
					np_file_maps_uses(maps, keys, nkeys));
		free(maps);
	}
	free(pids);
	if (err) {
		/* out of memory: no half list, which the caller would not free */
		free(*out);
		*out = NULL;
		*count = 0;
	}
	return err;
}
