// SPDX-License-Identifier: GPL-2.0
/* The envelope every JSON document starts with (output/json_doc.c). */
#include <string.h>
#include <unistd.h>

#include "lib/version.h"
#include "output/json_doc.h"
#include "test.h"

static const char *member(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : NULL;
}

TEST(json_doc_envelope)
{
	/* 2026-12-01 21:40:00 UTC */
	struct json_object *doc = np_json_doc_at(7, 1796161200, "gpu-host-3");
	struct json_object_iterator it;
	const char *keys[] = { "schema", "hostname", "time", "version" };
	size_t i = 0;

	CHECK_STR(member(doc, "schema"), "7");
	CHECK_STR(member(doc, "hostname"), "gpu-host-3");
	CHECK_STR(member(doc, "time"), "2026-12-01T21:40:00Z");
	CHECK_STR(member(doc, "version"), np_version);
	CHECK(np_version[0] != '\0');
	/* first, in this order: a reader of the file sees them before the rest */
	for (it = json_object_iter_begin(doc); i < 4; json_object_iter_next(&it), i++)
		CHECK_STR(json_object_iter_peek_name(&it), keys[i]);
	json_object_put(doc);
}

TEST(json_doc_absent_is_null)
{
	struct json_object *doc = np_json_doc_at(1, 0, ""), *v = NULL;
	char host[256] = "";

	CHECK(json_object_object_get_ex(doc, "hostname", &v) && v == NULL);
	CHECK_STR(member(doc, "time"), "1970-01-01T00:00:00Z");
	json_object_put(doc);
	CHECK(np_json_string_or_null("") == NULL);
	CHECK(np_json_string_or_null(NULL) == NULL);
	/* the real one: this host's name */
	doc = np_json_doc(1);
	gethostname(host, sizeof(host) - 1);
	CHECK_STR(member(doc, "hostname"), host);
	json_object_put(doc);
}
