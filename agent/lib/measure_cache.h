/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The measured latency and bandwidth matrix (`topo --measure`) and its cache file: JSON text,
 * read back as input from someone else (bounded, every number checked) and written whole.
 * The struct lives here, in lib/, so that the cache parser (json-c, lib only) and the pure
 * stages (topo, policy through topo/measure.h) share it.
 */
#ifndef NP_MEASURE_CACHE_H
#define NP_MEASURE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/np_common.h"

/* A cache file longer than this is not ours: 64 nodes of figures fit in well under it. */
#define NP_MEASURE_FILE_MAX (512 * 1024)
/* Sanity bounds of a cached cell; outside them the file is refused. */
#define NP_MEASURE_MAX_NS   1e6
#define NP_MEASURE_MAX_GBPS 1e5

struct np_measure {
	int nnodes; /* in topo->nodes order */
	int node_ids[NP_MAX_NODES];
	/* [cpu node i][memory node j]; NAN where that cell could not be measured */
	double latency_ns[NP_MAX_NODES][NP_MAX_NODES];
	double read_gbps[NP_MAX_NODES][NP_MAX_NODES];
	bool valid;
	char source[16];       /* "measured" (this run) or "cache" */
	long long measured_at; /* Unix time, seconds */
	double seconds;	       /* how long the measuring took */
	double buffer_mb;      /* buffer per memory node */
};

/*
 * Parse a cache file's text (len bytes, need not be NUL-terminated) into m, which is valid
 * only when the file's key equals key. 0, or -EINVAL with msg saying why (a bad file).
 */
int np_measure_parse(const char *text, size_t len, const char *key, struct np_measure *m, char *msg,
		     size_t msglen);

struct json_object;
/* cells as n rows of n numbers, null where NAN (the cache file and topo --json). */
struct json_object *np_measure_matrix_json(const struct np_measure *m,
					   const double cells[NP_MAX_NODES][NP_MAX_NODES]);

/* The cache file's text for m under key: malloc'ed, NUL-terminated, or NULL (no memory). */
char *np_measure_format(const struct np_measure *m, const char *key);

/*
 * The cache file dir/name (opened through lib/safe_open.h) parsed as above. 0, -ENOENT when
 * absent, -EINVAL for a bad file, another -errno; msg says why.
 */
int np_measure_cache_read(const char *dir, const char *name, const char *key, struct np_measure *m,
			  char *msg, size_t msglen);

/* Replace dir/name (dir made 0700 when missing) with m, atomically. 0 or -errno, msg. */
int np_measure_cache_write(const char *dir, const char *name, const char *key,
			   const struct np_measure *m, char *msg, size_t msglen);

#endif
