// SPDX-License-Identifier: GPL-2.0
/* The measure cache as the topology sees it: its key, its file name, loading and saving. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/sysfs.h"
#include "topo/measure.h"

void np_measure_key(const struct np_topo *topo, const char *cpu_model, char *key, size_t len)
{
	char cpus[NP_CPULIST_MAX];
	size_t used;
	int n;

	n = snprintf(key, len, "nodes=");
	used = n < 0 ? len : (size_t)n;
	for (int i = 0; i < topo->nnodes && used < len; i++) {
		if (np_cpulist_format(&topo->nodes[i].cpus, cpus, sizeof(cpus)) < 0)
			cpus[0] = '\0';
		n = snprintf(key + used, len - used, "%s%d:%s", i ? "," : "", topo->nodes[i].id,
			     cpus);
		used += n < 0 ? len : (size_t)n;
	}
	if (used < len) {
		n = snprintf(key + used, len - used, " kernel=%s cpu=%s", topo->kernel.release,
			     cpu_model);
		used += n < 0 ? len : (size_t)n;
	}
	if (used >= len && len)
		key[0] = '\0'; /* cut: it could stand for another layout */
}

void np_measure_file_name(const char *key, char *name, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a: stable, no library */

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	snprintf(name, len, "measure-%016llx.json", (unsigned long long)h);
}

/* value of the first "field<spaces>: value" line of cpuinfo text, or NULL. */
static const char *cpuinfo_field(char *text, const char *field, size_t *vlen)
{
	size_t flen = strlen(field);

	for (char *line = text; line && *line;
	     line = strchr(line, '\n'), line = line ? line + 1 : 0) {
		if (strncmp(line, field, flen) || !strchr(" \t:", line[flen]))
			continue;
		char *v = strchr(line, ':');
		if (!v)
			continue;
		v += strspn(v + 1, " \t") + 1;
		*vlen = strcspn(v, "\n");
		return v;
	}
	return NULL;
}

void np_cpu_model(const char *root, char *buf, size_t len)
{
	char text[16384], path[4096];
	const char *v;
	size_t vlen = 0;
	ssize_t n;
	int fd;

	buf[0] = '\0';
	/* the first CPU's block is enough: cpuinfo is long on a big host, np_read_str refuses it */
	if (np_path(path, sizeof(path), root, "/proc/cpuinfo"))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return;
	text[n] = '\0';
	v = cpuinfo_field(text, "model name", &vlen);
	if (!v)
		v = cpuinfo_field(text, "CPU part", &vlen);
	if (v)
		snprintf(buf, len, "%.*s", (int)vlen, v);
}

int np_measure_load_dir(const struct np_topo *topo, const char *dir, struct np_measure *m,
			char *msg, size_t msglen)
{
	char model[256], name[64], *key;
	int err = -ENOENT;

	memset(m, 0, sizeof(*m));
	msg[0] = '\0';
	key = malloc(NP_MEASURE_KEY_MAX);
	if (!key)
		return -ENOENT;
	np_cpu_model("/", model, sizeof(model));
	np_measure_key(topo, model, key, NP_MEASURE_KEY_MAX);
	if (key[0]) {
		np_measure_file_name(key, name, sizeof(name));
		err = np_measure_cache_read(dir, name, key, m, msg, msglen);
		/* a file for another layout (a hash collision) is no error: just not ours */
		if (err == -EINVAL && strstr(msg, "another topology"))
			msg[0] = '\0';
		else if (err && err != -ENOENT && !msg[0])
			snprintf(msg, msglen, "%s/%s: %s", dir, name, strerror(-err));
		else if (err == -EINVAL)
			snprintf(msg + strlen(msg), msglen - strlen(msg), " (%s/%s)", dir, name);
	}
	free(key);
	if (!err && m->nnodes != topo->nnodes)
		err = -EINVAL;
	for (int i = 0; !err && i < topo->nnodes; i++)
		if (m->node_ids[i] != topo->nodes[i].id)
			err = -EINVAL;
	if (err)
		memset(m, 0, sizeof(*m));
	return err ? -ENOENT : 0;
}

int np_measure_load(const struct np_topo *topo, struct np_measure *m)
{
	char msg[512];
	int err;

	/* the cache directory is root's: another user's `topo` just has no matrix */
	if (geteuid() != 0) {
		memset(m, 0, sizeof(*m));
		return -ENOENT;
	}
	err = np_measure_load_dir(topo, NP_MEASURE_CACHE_DIR, m, msg, sizeof(msg));
	if (err && msg[0])
		np_log(NP_LOG_WARNING, "measure cache ignored: %s", msg);
	return err;
}

int np_measure_save_dir(const struct np_topo *topo, const char *dir, const struct np_measure *m,
			char *msg, size_t msglen)
{
	char model[256], name[64], *key = malloc(NP_MEASURE_KEY_MAX);
	int err;

	if (!key)
		return -ENOMEM;
	np_cpu_model("/", model, sizeof(model));
	np_measure_key(topo, model, key, NP_MEASURE_KEY_MAX);
	if (!key[0]) {
		snprintf(msg, msglen, "topology too large to key a cache file");
		free(key);
		return -ENAMETOOLONG;
	}
	np_measure_file_name(key, name, sizeof(name));
	err = np_measure_cache_write(dir, name, key, m, msg, msglen);
	free(key);
	return err;
}
