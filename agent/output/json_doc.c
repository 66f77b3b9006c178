// SPDX-License-Identifier: GPL-2.0
/* The envelope every JSON document starts with (json_doc.h). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/version.h"
#include "output/json_doc.h"
#include "output/json_text.h"

bool np_json_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	return gmtime_r(&t, &tm) && strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0;
}

struct json_object *np_json_fixed(double value, int decimals)
{
	char text[32];

	if (isnan(value))
		return NULL; /* json-c adds null */
	snprintf(text, sizeof(text), "%.*f", decimals, value);
	return json_object_new_double_s(value, text);
}

struct json_object *np_json_string_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

struct json_object *np_json_doc_at(int schema, time_t now, const char *hostname)
{
	struct json_object *doc = json_object_new_object();
	char host[256] = "", when[32];

	if (!hostname) {
		/* a name cut at the buffer's end is not terminated: the last byte stays NUL */
		if (gethostname(host, sizeof(host) - 1))
			host[0] = '\0';
		hostname = host;
	}
	json_object_object_add(doc, "schema", json_object_new_int(schema));
	json_object_object_add(doc, "hostname", np_json_text(hostname)); /* "": null */
	json_object_object_add(doc, "time",
			       np_json_time(now, when, sizeof(when)) ? json_object_new_string(when)
								     : NULL);
	json_object_object_add(doc, "version", json_object_new_string(np_version));
	return doc;
}

struct json_object *np_json_doc(int schema)
{
	return np_json_doc_at(schema, time(NULL), NULL);
}
