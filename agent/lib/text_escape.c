// SPDX-License-Identifier: GPL-2.0
/* Printing text that others choose (see text_escape.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/text_escape.h"

size_t np_utf8_char_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	/* no overlong forms, no surrogates, nothing above U+10FFFF */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* Append len bytes at p when they fit with the NUL; false when full. */
static bool put(char *out, size_t outlen, size_t *n, const char *p, size_t len)
{
	if (*n + len >= outlen)
		return false;
	memcpy(out + *n, p, len);
	*n += len;
	return true;
}

void np_text_escape(const char *in, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = 0, left = strlen(in);

	if (!outlen)
		return;
	while (left) {
		size_t len = np_utf8_char_len(s, left), used = len ? len : 1;
		/* C0 and C1 controls (U+0080-U+009F: "\xc2\x80"-"\xc2\x9f") act on terminals */
		bool control = *s < 0x20 || *s == 0x7f || (len == 2 && s[0] == 0xc2 && s[1] < 0xa0);
		char esc[12];
		bool fits;

		if (*s == '\\') {
			fits = put(out, outlen, &n, "\\\\", 2);
		} else if (!len || control) {
			size_t k = 0;

			for (size_t i = 0; i < used; i++)
				k += snprintf(esc + k, sizeof(esc) - k, "\\x%02x", s[i]);
			fits = put(out, outlen, &n, esc, k);
		} else {
			fits = put(out, outlen, &n, (const char *)s, len);
		}
		if (!fits)
			break;
		s += used;
		left -= used;
	}
	out[n] = '\0';
}

void np_utf8_repair(const char *in, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t n = 0, left = strlen(in);

	if (!outlen)
		return;
	while (left) {
		size_t len = np_utf8_char_len(s, left);

		if (!put(out, outlen, &n, len ? (const char *)s : "\xef\xbf\xbd", len ? len : 3))
			break;
		s += len ? len : 1;
		left -= len ? len : 1;
	}
	out[n] = '\0';
}
