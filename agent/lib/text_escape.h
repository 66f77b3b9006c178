/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text that others choose (a process's name holds any byte but NUL, a command line too) made
 * safe to print: no control byte reaches a terminal, JSON stays valid UTF-8. The bytes are
 * kept as they are everywhere else (matching, comparing, metrics labels escape their own way).
 * Pure.
 */
#ifndef NP_TEXT_ESCAPE_H
#define NP_TEXT_ESCAPE_H

#include <stddef.h>

/* The length of the valid UTF-8 character at s (at most len bytes), 0 when it is not one. */
size_t np_utf8_char_len(const unsigned char *s, size_t len);

/*
 * For text output: control bytes, a backslash and bytes that are not UTF-8 as C escapes
 * ("\x1b", "\\", "\xe9"); printable UTF-8 kept. Cut at a whole character to fit outlen.
 */
void np_text_escape(const char *in, char *out, size_t outlen);

/*
 * For JSON (json-c escapes control bytes but copies the rest): bytes that are not UTF-8
 * become U+FFFD, everything else is kept. Cut at a whole character to fit outlen.
 */
void np_utf8_repair(const char *in, char *out, size_t outlen);

#endif
