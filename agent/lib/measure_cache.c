// SPDX-License-Identifier: GPL-2.0
/*
 * The measure cache file (see measure_cache.h). Layout, one JSON object:
 *   { "version": 1, "key": "...", "measured_at": 1796000000, "seconds": 12.5,
 *     "buffer_mb": 256, "nodes": [0, 1], "latency_ns": [[..], [..]], "read_gbps": [[..], [..]] }
 * a cell that could not be measured is null.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "lib/file_write.h"
#include "lib/measure_cache.h"
#include "lib/safe_open.h"

#define NP_MEASURE_VERSION 1

static int bad(char *msg, size_t msglen, const char *what)
{
	snprintf(msg, msglen, "%s", what);
	return -EINVAL;
}

/* A number within [lo, hi] (an integer is a number too). */
static bool get_num(struct json_object *o, const char *k, double lo, double hi, double *v)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, k, &x))
		return false;
	if (!json_object_is_type(x, json_type_double) && !json_object_is_type(x, json_type_int))
		return false;
	*v = json_object_get_double(x);
	return isfinite(*v) && *v >= lo && *v <= hi;
}

/* matrix k: n rows of n cells, each null (NAN) or a number in (0, max]. */
static bool get_matrix(struct json_object *o, const char *k, int n, double max,
		       double cells[NP_MAX_NODES][NP_MAX_NODES])
{
	struct json_object *rows, *row, *c;

	if (!json_object_object_get_ex(o, k, &rows) ||
	    !json_object_is_type(rows, json_type_array) || (int)json_object_array_length(rows) != n)
		return false;
	for (int i = 0; i < n; i++) {
		row = json_object_array_get_idx(rows, i);
		if (!json_object_is_type(row, json_type_array) ||
		    (int)json_object_array_length(row) != n)
			return false;
		for (int j = 0; j < n; j++) {
			c = json_object_array_get_idx(row, j);
			if (!c) {
				cells[i][j] = NAN;
				continue;
			}
			if (!json_object_is_type(c, json_type_double) &&
			    !json_object_is_type(c, json_type_int))
				return false;
			cells[i][j] = json_object_get_double(c);
			if (!isfinite(cells[i][j]) || cells[i][j] <= 0 || cells[i][j] > max)
				return false;
		}
	}
	return true;
}

/* "nodes": distinct ids in [0, NP_MAX_NODES * 16), at most NP_MAX_NODES of them. */
static bool get_nodes(struct json_object *o, struct np_measure *m)
{
	struct json_object *a, *x;
	int n;

	if (!json_object_object_get_ex(o, "nodes", &a) || !json_object_is_type(a, json_type_array))
		return false;
	n = (int)json_object_array_length(a);
	if (n < 1 || n > NP_MAX_NODES)
		return false;
	for (int i = 0; i < n; i++) {
		x = json_object_array_get_idx(a, i);
		if (!json_object_is_type(x, json_type_int))
			return false;
		int64_t id = json_object_get_int64(x);
		if (id < 0 || id >= 4096)
			return false;
		m->node_ids[i] = (int)id;
		for (int k = 0; k < i; k++)
			if (m->node_ids[k] == m->node_ids[i])
				return false;
	}
	m->nnodes = n;
	return true;
}

static bool only_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", p[i]))
			return false;
	return true;
}

static int parse_object(struct json_object *o, const char *key, struct np_measure *m, char *msg,
			size_t msglen)
{
	struct json_object *x;
	double v, at;

	if (!json_object_is_type(o, json_type_object))
		return bad(msg, msglen, "not a JSON object");
	if (!get_num(o, "version", 1, 1e9, &v) || v != NP_MEASURE_VERSION)
		return bad(msg, msglen, "unknown version");
	if (!json_object_object_get_ex(o, "key", &x) || !json_object_is_type(x, json_type_string))
		return bad(msg, msglen, "no key");
	if (strcmp(json_object_get_string(x), key))
		return bad(msg, msglen, "measured on another topology, kernel or CPU");
	if (!get_num(o, "measured_at", 0, 1e11, &at) ||
	    !get_num(o, "seconds", 0, 1e6, &m->seconds) ||
	    !get_num(o, "buffer_mb", 0, 1e9, &m->buffer_mb))
		return bad(msg, msglen,
			   "measured_at, seconds or buffer_mb missing or out of range");
	m->measured_at = (long long)at;
	if (!get_nodes(o, m))
		return bad(msg, msglen, "bad node list");
	if (!get_matrix(o, "latency_ns", m->nnodes, NP_MEASURE_MAX_NS, m->latency_ns) ||
	    !get_matrix(o, "read_gbps", m->nnodes, NP_MEASURE_MAX_GBPS, m->read_gbps))
		return bad(msg, msglen, "bad latency_ns or read_gbps matrix");
	snprintf(m->source, sizeof(m->source), "cache");
	m->valid = true;
	return 0;
}

int np_measure_parse(const char *text, size_t len, const char *key, struct np_measure *m, char *msg,
		     size_t msglen)
{
	struct json_tokener *tok;
	struct json_object *o;
	int err;

	memset(m, 0, sizeof(*m));
	if (len > NP_MEASURE_FILE_MAX)
		return bad(msg, msglen, "too large");
	if (memchr(text, '\0', len))
		return bad(msg, msglen, "a NUL byte in the text");
	tok = json_tokener_new_ex(8); /* the layout nests 3 deep */
	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		err = bad(msg, msglen, "not JSON");
	} else {
		size_t end = json_tokener_get_parse_end(tok);

		err = only_space(text + end, len - end) ? parse_object(o, key, m, msg, msglen)
							: bad(msg, msglen, "text after the object");
	}
	json_object_put(o);
	json_tokener_free(tok);
	if (err)
		memset(m, 0, sizeof(*m));
	return err;
}

struct json_object *np_measure_matrix_json(const struct np_measure *m,
					   const double cells[NP_MAX_NODES][NP_MAX_NODES])
{
	struct json_object *rows = json_object_new_array(), *row;

	for (int i = 0; i < m->nnodes; i++) {
		row = json_object_new_array();
		for (int j = 0; j < m->nnodes; j++)
			json_object_array_add(row, isfinite(cells[i][j])
							   ? json_object_new_double(cells[i][j])
							   : NULL);
		json_object_array_add(rows, row);
	}
	return rows;
}

char *np_measure_format(const struct np_measure *m, const char *key)
{
	struct json_object *o = json_object_new_object(), *nodes = json_object_new_array();
	char *text;

	json_object_object_add(o, "version", json_object_new_int(NP_MEASURE_VERSION));
	json_object_object_add(o, "key", json_object_new_string(key));
	json_object_object_add(o, "measured_at", json_object_new_int64(m->measured_at));
	json_object_object_add(o, "seconds", json_object_new_double(m->seconds));
	json_object_object_add(o, "buffer_mb", json_object_new_double(m->buffer_mb));
	for (int i = 0; i < m->nnodes; i++)
		json_object_array_add(nodes, json_object_new_int(m->node_ids[i]));
	json_object_object_add(o, "nodes", nodes);
	json_object_object_add(o, "latency_ns", np_measure_matrix_json(m, m->latency_ns));
	json_object_object_add(o, "read_gbps", np_measure_matrix_json(m, m->read_gbps));
	text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	if (text) {
		char *nl = realloc(text, strlen(text) + 2);

		if (!nl) {
			free(text);
			return NULL;
		}
		strcat(nl, "\n");
		text = nl;
	}
	return text;
}

/* Up to NP_MEASURE_FILE_MAX + 1 bytes of fd into buf (which has room for that many). */
static ssize_t read_bounded(int fd, char *buf)
{
	size_t got = 0;
	ssize_t n;

	while (got <= NP_MEASURE_FILE_MAX) {
		n = read(fd, buf + got, NP_MEASURE_FILE_MAX + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += n;
	}
	return (ssize_t)got;
}

int np_measure_cache_read(const char *dir, const char *name, const char *key, struct np_measure *m,
			  char *msg, size_t msglen)
{
	char path[4096], base[256], *buf;
	int dfd, fd, err;
	ssize_t n;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	dfd = np_safe_dir(path, false, base, sizeof(base), msg, msglen);
	if (dfd < 0)
		return dfd;
	fd = np_safe_open(dfd, base, O_RDONLY, msg, msglen);
	close(dfd);
	if (fd < 0)
		return fd;
	buf = malloc(NP_MEASURE_FILE_MAX + 1);
	n = buf ? read_bounded(fd, buf) : -ENOMEM;
	close(fd);
	err = n < 0 ? (int)n : np_measure_parse(buf, (size_t)n, key, m, msg, msglen);
	free(buf);
	return err;
}

int np_measure_cache_write(const char *dir, const char *name, const char *key,
			   const struct np_measure *m, char *msg, size_t msglen)
{
	char path[4096], base[256], tmp[300];
	struct np_buf b;
	int dfd, err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	dfd = np_safe_dir(path, true, base, sizeof(base), msg, msglen);
	if (dfd < 0)
		return dfd;
	b.data = np_measure_format(m, key);
	if (!b.data) {
		close(dfd);
		return -ENOMEM;
	}
	b.len = strlen(b.data);
	snprintf(tmp, sizeof(tmp), ".%s.tmp", base);
	err = np_file_replace_at(dfd, base, tmp, 0644, true, np_fill_buf, &b);
	if (err)
		snprintf(msg, msglen, "%s: %s", path, strerror(-err));
	free((void *)b.data);
	close(dfd);
	return err;
}
