/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The files a process maps (/proc/PID/maps: device and inode, the path) with what numa_maps
 * says of each mapping (resident pages; mapmax, the most processes mapping one of its pages),
 * and the other processes that map the same files: a bounded walk of /proc/PID/maps, made
 * only when placing or reporting (it reads every process's maps once).
 */
#ifndef NP_FILE_MAPS_H
#define NP_FILE_MAPS_H

#include <stdbool.h>
#include <sys/types.h>
#include <linux/types.h>

/* One file mapping of a process. */
struct np_file_map {
	unsigned long start, end;
	unsigned long long dev, ino; /* dev: (major << 20) | minor, the kernel's encoding */
	bool exec;		     /* mapped executable: code, a library */
	__u64 pages;		     /* resident, in 4 KiB pages (numa_maps' N<node>= sums) */
	int mapmax;		     /* most processes mapping one of its pages; 0 unknown */
	char path[256];
};

/*
 * Pure: the file mappings of maps text joined with numa_maps text (by start address; NULL:
 * no figures). At most max into out; returns how many there are (more than max: cut).
 */
int np_file_maps_parse(const char *maps, const char *numa_maps, struct np_file_map *out, int max);

/* The same, read from /proc/PID. Caller frees *out. -ESRCH when the process is gone. */
int np_file_maps_read(const char *root, pid_t pid, struct np_file_map **out, int *count);

/* A file by its identity. */
struct np_file_key {
	unsigned long long dev, ino;
};

/* A process mapping one of the keys (an index into them). */
struct np_file_user {
	pid_t pid;
	int key;
};

/* Processes read at most by one walk of /proc/PID/maps. */
#define NP_FILE_USERS_SCAN_MAX 4096

/*
 * Pure: which of keys the maps text maps; bit k of the result for keys[k] (nkeys <= 64).
 */
__u64 np_file_maps_uses(const char *maps, const struct np_file_key *keys, int nkeys);

/*
 * Every process but `self` that maps one of keys (nkeys <= 64), ascending by pid, one entry
 * per process and file; at most NP_FILE_USERS_SCAN_MAX processes are read (*cut: more were
 * there). Caller frees *out.
 */
int np_file_users(const char *root, pid_t self, const struct np_file_key *keys, int nkeys,
		  struct np_file_user **out, int *count, bool *cut);

#endif
