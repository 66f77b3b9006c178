// SPDX-License-Identifier: GPL-2.0
/*
 * The status file read back (status.h). It is input: whatever sits in /run/numaplace may be
 * short, stale or not ours, so sizes, depth, types, ranges and the number of processes are
 * checked, strings are cut to their fields, and anything unexpected is refused with a reason.
 */
#define _GNU_SOURCE /* timegm */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "output/status.h"

#define MAX_DEPTH 6 /* document, daemon, last_interval / processes, process, last_placement */

static int bad(char *msg, size_t msglen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* key's value when it has type t; NULL when absent, null or of another type */
static struct json_object *member(struct json_object *o, const char *key, json_type t)
{
	struct json_object *v = NULL;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

static int text_field(struct json_object *o, const char *key, char *buf, size_t len, char *msg,
		      size_t msglen)
{
	struct json_object *v = member(o, key, json_type_string);

	if (!v)
		return bad(msg, msglen, "\"%s\": missing or not a string", key);
	snprintf(buf, len, "%s", json_object_get_string(v));
	return 0;
}

/* A number within [lo, hi] (a JSON integer or decimal). */
static int number_field(struct json_object *o, const char *key, double lo, double hi, double *out,
			char *msg, size_t msglen)
{
	struct json_object *v = NULL;

	if (!o || !json_object_object_get_ex(o, key, &v) ||
	    !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
		return bad(msg, msglen, "\"%s\": missing or not a number", key);
	*out = json_object_get_double(v);
	if (!isfinite(*out) || *out < lo || *out > hi)
		return bad(msg, msglen, "\"%s\": %g out of range", key, *out);
	return 0;
}

/* RFC 3339 UTC as written (status_json.c), or null: 0. */
static int time_field(struct json_object *o, const char *key, double *out, char *msg, size_t msglen)
{
	struct json_object *v = NULL;
	struct tm tm = { 0 };
	const char *s, *end;

	*out = 0;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return 0;
	s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* from 1970 to 9999: what the daemon writes, and what reads back the same */
	if (!end || *end || tm.tm_year < 70 || tm.tm_year > 9999 - 1900)
		return bad(msg, msglen, "\"%s\": not a time (YYYY-MM-DDTHH:MM:SSZ)", key);
	*out = (double)timegm(&tm);
	if (*out <= 0)
		return bad(msg, msglen, "\"%s\": not a time after 1970", key);
	return 0;
}

static int word_field(struct json_object *o, const char *key, const char *(*name)(int), int n,
		      int *out, char *msg, size_t msglen)
{
	struct json_object *v = member(o, key, json_type_string);

	for (int i = 0; v && i < n; i++)
		if (name(i)[0] && !strcmp(json_object_get_string(v), name(i))) {
			*out = i;
			return 0;
		}
	return bad(msg, msglen, "\"%s\": missing or not a known word", key);
}

static const char *state_word(int i)
{
	return np_status_state_name(i);
}

static const char *result_word(int i)
{
	return np_status_result_name(i);
}

static int proc_parse(struct json_object *o, struct np_status_proc *p, char *msg, size_t msglen)
{
	struct json_object *last = member(o, "last_placement", json_type_object), *why;
	double pid, node = -1;
	int state = 0, result = NP_RESULT_NONE, err;

	if (!json_object_is_type(o, json_type_object))
		return bad(msg, msglen, "not an object");
	err = number_field(o, "pid", 1, 4194304, &pid, msg, msglen);
	if (!err)
		err = text_field(o, "comm", p->comm, sizeof(p->comm), msg, msglen);
	if (!err)
		err = text_field(o, "match", p->match, sizeof(p->match), msg, msglen);
	if (!err && member(o, "node", json_type_int))
		err = number_field(o, "node", 0, 1023, &node, msg, msglen);
	if (!err)
		err = word_field(o, "state", state_word, NP_STATE_COUNT, &state, msg, msglen);
	if (!err && last)
		err = word_field(last, "result", result_word, NP_RESULT_COUNT, &result, msg,
				 msglen);
	if (!err && last)
		err = time_field(last, "time", &p->placed_at_s, msg, msglen);
	if (err)
		return err;
	why = member(o, "why", json_type_string);
	snprintf(p->why, sizeof(p->why), "%s", why ? json_object_get_string(why) : "");
	p->pid = (pid_t)pid;
	p->node = (int)node;
	p->state = state;
	p->result = result;
	return 0;
}

static int daemon_parse(struct json_object *d, struct np_status *st, char *msg, size_t msglen)
{
	struct json_object *last = member(d, "last_interval", json_type_object);
	struct json_object *journal = member(d, "journal", json_type_object), *dry;
	double pid, intervals, records = -1;
	int err;

	if (!d || !journal)
		return bad(msg, msglen, "\"daemon\" or its \"journal\" missing");
	err = number_field(d, "pid", 1, 4194304, &pid, msg, msglen);
	if (!err)
		err = time_field(d, "started", &st->started_s, msg, msglen);
	if (!err)
		err = number_field(d, "interval_s", 0, 1e9, &st->interval_s, msg, msglen);
	if (!err)
		err = number_field(d, "intervals", 0, 1e18, &intervals, msg, msglen);
	if (!err && last)
		err = time_field(last, "time", &st->last_interval_s, msg, msglen);
	if (!err && last)
		err = number_field(last, "duration_ms", 0, 1e12, &st->last_interval_ms, msg,
				   msglen);
	if (!err)
		err = text_field(journal, "path", st->journal, sizeof(st->journal), msg, msglen);
	if (!err && member(journal, "records", json_type_int))
		err = number_field(journal, "records", 0, 1e15, &records, msg, msglen);
	if (err)
		return err;
	dry = member(d, "dry_run", json_type_boolean);
	st->dry_run = dry && json_object_get_boolean(dry);
	st->pid = (pid_t)pid;
	st->intervals = (unsigned long long)intervals;
	st->journal_records = (long)records;
	return 0;
}

static int doc_parse(struct json_object *doc, struct np_status *st, char *msg, size_t msglen)
{
	struct json_object *procs = member(doc, "processes", json_type_array);
	double schema;
	size_t n;
	int err = number_field(doc, "schema", 0, 1e6, &schema, msg, msglen);

	if (!err && schema != NP_STATUS_SCHEMA)
		return bad(msg, msglen, "schema %g, this numaplace reads %d", schema,
			   NP_STATUS_SCHEMA);
	if (!err)
		err = text_field(doc, "hostname", st->hostname, sizeof(st->hostname), msg, msglen);
	if (!err)
		err = text_field(doc, "version", st->version, sizeof(st->version), msg, msglen);
	if (!err)
		err = time_field(doc, "time", &st->time_s, msg, msglen);
	if (!err)
		err = daemon_parse(member(doc, "daemon", json_type_object), st, msg, msglen);
	if (err)
		return err;
	if (!procs)
		return bad(msg, msglen, "\"processes\": missing or not an array");
	n = json_object_array_length(procs);
	if (n > NP_STATUS_MAX_PROCS)
		return bad(msg, msglen, "%zu processes, at most %d", n, NP_STATUS_MAX_PROCS);
	st->procs = calloc(n + 1, sizeof(*st->procs));
	if (!st->procs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++, st->nprocs++) {
		char why[160];

		err = proc_parse(json_object_array_get_idx(procs, i), &st->procs[i], why,
				 sizeof(why));
		if (err)
			return bad(msg, msglen, "process %zu: %s", i, why);
	}
	return 0;
}

static bool only_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

int np_status_parse(const char *text, size_t len, struct np_status *st, char *msg, size_t msglen)
{
	struct json_tokener *tok;
	struct json_object *doc;
	int err;

	memset(st, 0, sizeof(*st));
	st->journal_records = -1;
	if (len > NP_STATUS_MAX_SIZE)
		return bad(msg, msglen, "%zu bytes, at most %d", len, NP_STATUS_MAX_SIZE);
	tok = json_tokener_new_ex(MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	doc = json_tokener_parse_ex(tok, text, (int)len);
	if (!doc || json_tokener_get_error(tok) != json_tokener_success ||
	    !only_space(text + json_tokener_get_parse_end(tok),
			len - json_tokener_get_parse_end(tok))) {
		err = bad(msg, msglen, "not a JSON document (%s)",
			  json_tokener_error_desc(json_tokener_get_error(tok)));
	} else if (!json_object_is_type(doc, json_type_object)) {
		err = bad(msg, msglen, "not a JSON object");
	} else {
		err = doc_parse(doc, st, msg, msglen);
	}
	json_object_put(doc);
	json_tokener_free(tok);
	return err;
}

void np_status_free(struct np_status *st)
{
	free(st->procs);
	st->procs = NULL;
	st->nprocs = 0;
}
