// SPDX-License-Identifier: GPL-2.0
/*
 * np_quote_args: someone else's /proc/PID/cmdline made into a line an operator may paste into
 * a root shell. Whatever the arguments, the output is terminated within its buffer, holds no
 * control character, and (when it fits) reads back through shell quoting as exactly the
 * arguments, control characters as '?'.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include "lib/procfs.h"

/* Undo the quoting as sh would: words split at spaces, '...' literal, '\'' a quote. */
static size_t unquote(const char *s, char *out)
{
	size_t n = 0;
	bool word = false;

	while (*s) {
		if (*s == ' ') {
			if (word)
				out[n++] = '\0';
			word = false;
			s++;
		} else if (*s == '\'') {
			const char *close = strchr(s + 1, '\'');

			FUZZ_CHECK(close, "unbalanced quote");
			memcpy(out + n, s + 1, close - s - 1);
			n += close - s - 1;
			word = true;
			s = close + 1;
		} else if (*s == '\\' && s[1] == '\'') {
			out[n++] = '\'';
			word = true;
			s += 2;
		} else {
			FUZZ_CHECK(strchr("_./=:,+-@%", *s) || (*s >= '0' && *s <= '9') ||
					   (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'),
				   "unquoted '%c'", *s);
			out[n++] = *s++;
			word = true;
		}
	}
	if (word)
		out[n++] = '\0';
	return n;
}

/* What the arguments should read back as: control characters as '?', each NUL-terminated. */
static size_t expected(const char *args, size_t len, char *out)
{
	size_t n = 0;

	for (const char *a = args; a < args + len; a += strlen(a) + 1) {
		for (const char *c = a; *c; c++)
			out[n++] = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
		out[n++] = '\0';
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t big = size * 4 + 16, n, m;
	char *args = fuzz_cstr(data, size); /* slurp() ends the text with a NUL too */
	char *out = malloc(big), *back = malloc(big), *want = malloc(size + 2);

	for (size_t len = 1; len < 24 && len < big; len++) {
		np_quote_args(args, size, out, len);
		FUZZ_CHECK(strlen(out) < len, "output overruns %zu bytes", len);
	}
	np_quote_args(args, size, out, big);
	for (const char *c = out; *c; c++)
		FUZZ_CHECK((unsigned char)*c >= 0x20 && *c != 0x7f, "control character 0x%02x", *c);
	n = unquote(out, back);
	m = expected(args, size, want);
	FUZZ_CHECK(n == m && !memcmp(back, want, n), "'%s' does not read back as the arguments",
		   out);
	free(args);
	free(out);
	free(back);
	free(want);
	return 0;
}
