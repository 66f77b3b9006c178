// SPDX-License-Identifier: GPL-2.0
/* Printing names others choose: text escapes, JSON stays UTF-8 (lib/text_escape.c). */
#include "lib/text_escape.h"
#include "test.h"

static const char *text(const char *in, size_t outlen)
{
	static char out[256];

	np_text_escape(in, out, outlen);
	return out;
}

static const char *repaired(const char *in, size_t outlen)
{
	static char out[256];

	np_utf8_repair(in, out, outlen);
	return out;
}

TEST(text_escape_controls_and_bytes)
{
	CHECK_STR(text("ollama_llama_se", 256), "ollama_llama_se");
	CHECK_STR(text("a) (b", 256), "a) (b");
	CHECK_STR(text("line\nbreak", 256), "line\\x0abreak");
	CHECK_STR(text("caf\xe9\x1b[31m", 256), "caf\\xe9\\x1b[31m");
	CHECK_STR(text("a\\x", 256), "a\\\\x"); /* a backslash cannot fake an escape */
	CHECK_STR(text("caf\xc3\xa9 \xe2\x82\xac", 256), "caf\xc3\xa9 \xe2\x82\xac"); /* UTF-8 */
	CHECK_STR(text("\xc2\x9b"
		       "2J",
		       256),
		  "\\xc2\\x9b2J"); /* C1 CSI */
	CHECK_STR(text("\x7f", 256), "\\x7f");
	/* cut at a whole escape or character, never inside one */
	CHECK_STR(text("ab\x1b", 5), "ab");
	CHECK_STR(text("a\xc3\xa9", 3), "a");
	CHECK_STR(text("abc", 1), "");
}

TEST(utf8_repair_for_json)
{
	CHECK_STR(repaired("caf\xe9\x1b[31m", 256), "caf\xef\xbf\xbd\x1b[31m");
	CHECK_STR(repaired("x\ny", 256), "x\ny"); /* json-c escapes controls itself */
	CHECK_STR(repaired("\xc3\xa9\xed\xa0\x80", 256),
		  "\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_STR(repaired("\xff"
			   "abc",
			   4),
		  "\xef\xbf\xbd");
	CHECK_STR(repaired("\xff"
			   "abc",
			   3),
		  "");
}
