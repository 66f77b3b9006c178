// SPDX-License-Identifier: GPL-2.0
/*
 * Printing names others choose (lib/text_escape.c): whatever the bytes, np_text_escape gives
 * valid UTF-8 without a control character that reads back as the input, and np_utf8_repair
 * gives valid UTF-8 that is the input when the input was valid. Both stay in their buffer.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include <stdbool.h>

#include "lib/text_escape.h"

static void check_utf8(const char *s, bool controls_ok)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);

	while (left) {
		size_t len = np_utf8_char_len(p, left);

		FUZZ_CHECK(len, "not UTF-8 at byte %#x", *p);
		FUZZ_CHECK(controls_ok || (*p >= 0x20 && *p != 0x7f &&
					   !(len == 2 && p[0] == 0xc2 && p[1] < 0xa0)),
			   "control character %#x", *p);
		p += len;
		left -= len;
	}
}

/* Undo the escapes: "\\" and "\xNN". */
static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		if (s[1] == '\\') {
			out[n++] = '\\';
			s += 2;
			continue;
		}
		FUZZ_CHECK(s[1] == 'x' && s[2] && s[3], "bad escape in \"%s\"", s);
		unsigned int v;

		FUZZ_CHECK(sscanf(s + 2, "%2x", &v) == 1, "bad hex in \"%s\"", s);
		out[n++] = (char)v;
		s += 4;
	}
	out[n] = '\0';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstr(data, size);
	size_t big = strlen(in) * 8 + 1;
	char *out = malloc(big), *back = malloc(big);

	for (size_t len = 1; len < 24; len++) {
		np_text_escape(in, out, len);
		FUZZ_CHECK(strlen(out) < len, "escape overruns %zu bytes", len);
		np_utf8_repair(in, out, len);
		FUZZ_CHECK(strlen(out) < len, "repair overruns %zu bytes", len);
		check_utf8(out, true);
	}
	np_text_escape(in, out, big);
	check_utf8(out, false);
	unescape(out, back);
	FUZZ_CHECK(!strcmp(back, in), "\"%s\" does not read back", out);
	np_utf8_repair(in, out, big);
	check_utf8(out, true);
	free(in);
	free(out);
	free(back);
	return 0;
}
