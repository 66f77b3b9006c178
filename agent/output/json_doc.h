/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every JSON document numaplace prints starts the same way: "schema" (its layout's number,
 * bumped on every incompatible change), "hostname", "time" (RFC 3339, UTC: when it was
 * written) and "version" (the build's), so that a document kept in a file says where, when
 * and by what it was made. The fields that follow carry their unit in their name (_mb, _pages,
 * _ns, _ms, _s, _share, _ratio) and are null when absent, never "" (numaplace(8), JSON SCHEMAS).
 */
#ifndef NP_JSON_DOC_H
#define NP_JSON_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <json-c/json.h>

/* A new document object holding the four envelope fields, written now. */
struct json_object *np_json_doc(int schema);

/* The same at a given time (tests); hostname NULL reads gethostname(). */
struct json_object *np_json_doc_at(int schema, time_t now, const char *hostname);

/* "2026-12-01T21:40:00Z"; false when the time has no UTC form. */
bool np_json_time(time_t t, char *buf, size_t len);

/*
 * A number printed with this many decimals (estimates: more digits would be noise); null for
 * NaN, an unknown figure.
 */
struct json_object *np_json_fixed(double value, int decimals);

/* A string, or null for an empty one: absent values are null, never "". */
struct json_object *np_json_string_or_null(const char *s);

#endif
