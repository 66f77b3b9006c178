// SPDX-License-Identifier: GPL-2.0
/*
 * The status document (status.h): the envelope every numaplace JSON document carries (schema,
 * hostname, time, version), the daemon, its last interval, its journal and one object per
 * managed process. `run` writes it, `status --json` prints it again after reading it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "output/json_doc.h"
#include "output/json_text.h"
#include "output/status.h"

static const char *const state_names[NP_STATE_COUNT] = {
	[NP_STATE_NEW] = "new",
	[NP_STATE_IDLE] = "idle",
	[NP_STATE_WATCHING] = "watching",
	[NP_STATE_WAITING] = "waiting",
	[NP_STATE_NO_TARGET] = "no-target",
	[NP_STATE_PLACED] = "placed",
	[NP_STATE_DECLINED] = "declined",
	[NP_STATE_REFUSED] = "refused",
	[NP_STATE_FAILED] = "failed",
};

static const char *const result_names[NP_RESULT_COUNT] = {
	[NP_RESULT_NONE] = "",
	[NP_RESULT_CHANGED] = "changed",
	[NP_RESULT_UNCHANGED] = "unchanged",
	[NP_RESULT_VANISHED] = "vanished",
	[NP_RESULT_FAILED] = "failed",
};

const char *np_status_state_name(enum np_status_state state)
{
	return state >= 0 && state < NP_STATE_COUNT ? state_names[state] : "?";
}

const char *np_status_result_name(enum np_status_result result)
{
	return result >= 0 && result < NP_RESULT_COUNT ? result_names[result] : "?";
}

void np_status_time_text(double t, char *buf, size_t len)
{
	if (!np_json_time((time_t)t, buf, len))
		snprintf(buf, len, "?");
}

static struct json_object *time_json(double t)
{
	char buf[32];

	if (t <= 0)
		return NULL; /* json-c adds null */
	np_status_time_text(t, buf, sizeof(buf));
	return json_object_new_string(buf);
}

/*
 * schema, hostname, time (RFC 3339, UTC) and version at the top of the document, as
 * np_json_doc writes them, but the daemon's: the host, time and version of the run that
 * wrote the file, not of the status command that prints it again.
 */
static void envelope(struct json_object *doc, const struct np_status *st)
{
	json_object_object_add(doc, "schema", json_object_new_int(NP_STATUS_SCHEMA));
	json_object_object_add(doc, "hostname", np_json_text(st->hostname));
	json_object_object_add(doc, "time", time_json(st->time_s));
	json_object_object_add(doc, "version", np_json_text(st->version));
}

static struct json_object *proc_json(const struct np_status_proc *p)
{
	struct json_object *o = json_object_new_object(), *last = NULL;

	json_object_object_add(o, "pid", json_object_new_int(p->pid));
	json_object_object_add(o, "comm", np_json_text(p->comm));
	json_object_object_add(o, "match", np_json_text(p->match));
	json_object_object_add(o, "node", p->node >= 0 ? json_object_new_int(p->node) : NULL);
	json_object_object_add(o, "state", json_object_new_string(np_status_state_name(p->state)));
	if (p->result != NP_RESULT_NONE) {
		last = json_object_new_object();
		json_object_object_add(last, "time", time_json(p->placed_at_s));
		json_object_object_add(last, "result",
				       json_object_new_string(np_status_result_name(p->result)));
	}
	json_object_object_add(o, "last_placement", last);
	json_object_object_add(o, "why", p->why[0] ? np_json_text(p->why) : NULL);
	return o;
}

static struct json_object *daemon_json(const struct np_status *st)
{
	struct json_object *d = json_object_new_object(), *last = NULL, *journal;

	json_object_object_add(d, "pid", json_object_new_int(st->pid));
	json_object_object_add(d, "started", time_json(st->started_s));
	json_object_object_add(d, "dry_run", json_object_new_boolean(st->dry_run));
	json_object_object_add(d, "interval_s", np_json_fixed(st->interval_s, 3));
	json_object_object_add(d, "intervals", json_object_new_int64((int64_t)st->intervals));
	if (st->last_interval_s > 0) {
		last = json_object_new_object();
		json_object_object_add(last, "time", time_json(st->last_interval_s));
		json_object_object_add(last, "duration_ms", np_json_fixed(st->last_interval_ms, 3));
	}
	json_object_object_add(d, "last_interval", last);
	journal = json_object_new_object();
	json_object_object_add(journal, "path", np_json_text(st->journal));
	json_object_object_add(journal, "records",
			       st->journal_records >= 0 ? json_object_new_int64(st->journal_records)
							: NULL);
	json_object_object_add(d, "journal", journal);
	return d;
}

int np_status_to_json(const struct np_status *st, char **text)
{
	struct json_object *doc = json_object_new_object(), *procs = json_object_new_array();
	const char *s;

	if (!doc || !procs) {
		json_object_put(doc);
		json_object_put(procs);
		return -ENOMEM;
	}
	envelope(doc, st);
	json_object_object_add(doc, "daemon", daemon_json(st));
	for (int i = 0; i < st->nprocs; i++)
		json_object_array_add(procs, proc_json(&st->procs[i]));
	json_object_object_add(doc, "processes", procs);
	s = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
							JSON_C_TO_STRING_NOSLASHESCAPE);
	*text = s ? malloc(strlen(s) + 2) : NULL;
	if (*text)
		sprintf(*text, "%s\n", s);
	json_object_put(doc);
	return *text ? 0 : -ENOMEM;
}
