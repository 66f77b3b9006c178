// SPDX-License-Identifier: GPL-2.0
/* The NVIDIA driver's GPU list in /proc (see nvidia_info.h). */
#define _GNU_SOURCE /* strchrnul */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/sysfs.h"
#include "topo/nvidia_info.h"
#include "topo/pci_addr.h"

/* The value of "Key:" on the line at line (up to eol), blanks trimmed; NULL for another key. */
static const char *line_value(const char *line, const char *eol, const char *key, size_t *len)
{
	size_t klen = strlen(key);
	const char *v, *end = eol;

	if ((size_t)(eol - line) <= klen || strncmp(line, key, klen) || line[klen] != ':')
		return NULL;
	for (v = line + klen + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*len = (size_t)(end - v);
	return v;
}

/* A value into a field; too long for it: "" when cut would be wrong (cut_ok false). */
static void copy_value(char *dst, size_t dlen, const char *v, size_t len, bool cut_ok)
{
	if (len >= dlen)
		len = cut_ok ? dlen - 1 : 0;
	memcpy(dst, v, len);
	dst[len] = '\0';
	/* the driver writes printable ASCII; anything else is not kept as it is */
	for (char *c = dst; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
}

/* "1", "12": a non-negative decimal that fits an int; else -1. */
static long parse_minor(const char *v, size_t len)
{
	long minor = 0;

	if (!len || len > 9)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		minor = minor * 10 + (v[i] - '0');
	}
	return minor;
}

/* text as a PCI address, written the sysfs way; -EINVAL when it is not one. */
static int set_pci(struct np_nvidia_gpu *gpu, const char *v, size_t len)
{
	struct np_pci_addr addr;
	char text[32];

	if (len >= sizeof(text))
		return -EINVAL;
	memcpy(text, v, len);
	text[len] = '\0';
	if (np_pci_addr_parse(text, &addr) || !addr.has_domain)
		return -EINVAL;
	np_pci_addr_format(&addr, gpu->pci, sizeof(gpu->pci));
	return 0;
}

static void parse_line(struct np_nvidia_gpu *gpu, const char *line, const char *eol)
{
	const char *v;
	size_t len;

	if ((v = line_value(line, eol, "Model", &len)))
		copy_value(gpu->model, sizeof(gpu->model), v, len, true);
	else if ((v = line_value(line, eol, "GPU UUID", &len)))
		copy_value(gpu->uuid, sizeof(gpu->uuid), v, len, false);
	else if ((v = line_value(line, eol, "Device Minor", &len)))
		gpu->minor = parse_minor(v, len);
	else if ((v = line_value(line, eol, "Bus Location", &len)))
		set_pci(gpu, v, len);
}

int np_nvidia_info_parse(const char *text, const char *dir_bdf, struct np_nvidia_gpu *gpu)
{
	memset(gpu, 0, sizeof(*gpu));
	gpu->minor = -1;
	for (const char *line = text; *line;) {
		const char *eol = strchrnul(line, '\n');

		parse_line(gpu, line, eol);
		line = *eol ? eol + 1 : eol;
	}
	if (!np_gpu_uuid_valid(gpu->uuid)) /* anything else is no UUID */
		gpu->uuid[0] = '\0';
	if (!gpu->pci[0] && (!dir_bdf || set_pci(gpu, dir_bdf, strlen(dir_bdf))))
		return -EINVAL;
	return 0;
}

bool np_gpu_uuid_valid(const char *s)
{
	static const int groups[] = { 8, 4, 4, 4, 12 };

	if (strncasecmp(s, "GPU-", 4))
		return false;
	s += 4;
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		for (int i = 0; i < groups[g]; i++, s++)
			if (!isxdigit((unsigned char)*s))
				return false;
		if (*s++ != (g + 1 < sizeof(groups) / sizeof(groups[0]) ? '-' : '\0'))
			return false;
	}
	return true;
}

static int by_pci(const void *a, const void *b)
{
	const struct np_nvidia_gpu *ga = a, *gb = b;
	struct np_pci_addr pa, pb;

	/* both were formatted by set_pci, so they parse */
	np_pci_addr_parse(ga->pci, &pa);
	np_pci_addr_parse(gb->pci, &pb);
	return np_pci_addr_cmp(&pa, &pb);
}

/* Append the GPU of one directory entry to *all (grown as needed); unreadable ones skipped. */
static int add_entry(const char *root, const char *name, struct np_nvidia_gpu **all, int *n,
		     int *cap)
{
	char path[PATH_MAX], info[4096];

	if (name[0] == '.' ||
	    snprintf(path, sizeof(path), "/proc/driver/nvidia/gpus/%s/information", name) >=
		    (int)sizeof(path) ||
	    np_read_str(root, path, info, sizeof(info)))
		return 0;
	if (*n == *cap) {
		int grown_cap = *cap ? *cap * 2 : 8;
		struct np_nvidia_gpu *grown = realloc(*all, grown_cap * sizeof(**all));

		if (!grown)
			return -ENOMEM;
		*all = grown;
		*cap = grown_cap;
	}
	if (np_nvidia_info_parse(info, name, &(*all)[*n]) == 0)
		(*n)++;
	return 0;
}

int np_nvidia_gpus(const char *root, struct np_nvidia_gpu *gpus, int max, int *count)
{
	struct np_nvidia_gpu *all = NULL;
	char full[PATH_MAX];
	struct dirent *ent;
	int n = 0, cap = 0, err = 0;
	DIR *dir;

	*count = 0;
	if (np_path(full, sizeof(full), root, "/proc/driver/nvidia/gpus"))
		return -ENAMETOOLONG;
	dir = opendir(full);
	if (!dir)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	while (!err && (ent = readdir(dir)))
		err = add_entry(root, ent->d_name, &all, &n, &cap);
	closedir(dir);
	if (!err && n) {
		qsort(all, n, sizeof(*all), by_pci);
		*count = n < max ? n : max;
		memcpy(gpus, all, *count * sizeof(*all));
		err = n > max ? -ENOSPC : 0;
	}
	free(all);
	return err;
}
