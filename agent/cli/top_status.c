// SPDX-License-Identifier: GPL-2.0
/*
 * What `numaplace run` says it manages, from the status file the daemon keeps
 * (NP_TOP_STATUS_FILE). Assumed shape, read leniently so the daemon's exact fields can settle:
 *   {"processes": [{"pid": 1234, "node": 1, "state": "placed",
 *                   "last_placement": "2026-12-01T21:40:00Z"}, ...]}
 * where "node" may be "assigned_node" and "last_placement" an object with a "time". A missing
 * file or field is shown as "-", never an error: top works without a daemon.
 */
#include <stdio.h>
#include <string.h>

#include "cli/top.h"

struct json_object *np_top_status_load(const char *path)
{
	struct json_object *doc = json_object_from_file(path);

	if (doc && !json_object_is_type(doc, json_type_object)) {
		json_object_put(doc);
		return NULL;
	}
	return doc;
}

static struct json_object *field(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, a, &v) && b)
		json_object_object_get_ex(o, b, &v);
	return v;
}

static struct json_object *find_pid(struct json_object *status, pid_t pid)
{
	struct json_object *procs = field(status, "processes", "managed");

	if (!procs || !json_object_is_type(procs, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(procs); i++) {
		struct json_object *p = json_object_array_get_idx(procs, i);
		struct json_object *id = p ? field(p, "pid", NULL) : NULL;

		if (id && json_object_get_int(id) == pid)
			return p;
	}
	return NULL;
}

/* The placement's time as "21:40" from "2026-12-01T21:40:00Z"; "" when there is none. */
static void placement_time(struct json_object *p, char *buf, size_t len)
{
	struct json_object *last = field(p, "last_placement", "placed_at");
	const char *text, *t;

	buf[0] = '\0';
	if (last && json_object_is_type(last, json_type_object))
		last = field(last, "time", NULL);
	text = last && json_object_is_type(last, json_type_string) ? json_object_get_string(last)
								   : NULL;
	t = text ? strchr(text, 'T') : NULL;
	if (t && strlen(t) >= 6)
		snprintf(buf, len, "%.5s", t + 1);
}

void np_top_status_words(struct json_object *status, pid_t pid, char *run, size_t runlen,
			 char *detail, size_t detaillen)
{
	struct json_object *p = status ? find_pid(status, pid) : NULL;
	struct json_object *node, *state;
	char when[8];

	run[0] = detail[0] = '\0';
	if (!p)
		return;
	node = field(p, "node", "assigned_node");
	state = field(p, "state", NULL);
	placement_time(p, when, sizeof(when));
	if (node && json_object_is_type(node, json_type_int))
		snprintf(run, runlen, "n%d %s", json_object_get_int(node), when);
	else
		snprintf(run, runlen, "managed");
	snprintf(detail, detaillen, "managed%s%s%s%s", state ? ", " : "",
		 state ? json_object_get_string(state) : "", when[0] ? ", last placed at " : "",
		 when);
}
