// SPDX-License-Identifier: GPL-2.0
/* Text others chose as a valid JSON string (json_text.h). */
#include <stdlib.h>
#include <string.h>

#include "lib/text_escape.h"
#include "output/json_text.h"

struct json_object *np_json_text(const char *text)
{
	size_t len = strlen(text) * 3 + 1; /* each byte may become U+FFFD, 3 bytes */
	struct json_object *o;
	char *repaired;

	if (!*text) /* absent (a name not read): null, never "" */
		return NULL;
	repaired = malloc(len);
	if (!repaired)
		return NULL;
	np_utf8_repair(text, repaired, len);
	o = json_object_new_string(repaired);
	free(repaired);
	return o;
}
