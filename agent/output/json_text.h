/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text others chose (process names, command lines, file paths) as a JSON string: json-c
 * escapes control bytes but copies other bytes as they are, and bytes that are not UTF-8
 * would make the document invalid, so they become U+FFFD (lib/text_escape.h).
 */
#ifndef NP_JSON_TEXT_H
#define NP_JSON_TEXT_H

#include <json-c/json.h>

/* NULL (json-c then adds a null) for "", and when out of memory. */
struct json_object *np_json_text(const char *text);

#endif
