// SPDX-License-Identifier: GPL-2.0
/* Text output fits 100 columns: wrapping and cutting (output/text_wrap.c). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "output/text_wrap.h"
#include "test.h"

/* What np_text_wrap prints, in a buffer the caller frees. */
static char *wrapped(const char *first, int indent, const char *text)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	np_text_wrap(f, first, indent, text);
	fclose(f);
	return buf;
}

TEST(text_wrap_short_line_unchanged)
{
	char *s = wrapped("label  ", 7, "one two three");

	CHECK_STR(s, "label  one two three\n");
	free(s);
}

TEST(text_wrap_long_line_wraps_under_indent)
{
	char text[400] = "";
	char *s;

	for (int i = 0; i < 40; i++)
		strcat(text, "word567 ");
	s = wrapped("bpf attach       ", 17, text);
	CHECK(np_test_lines_fit(s));
	CHECK(!strncmp(s, "bpf attach       word567 word567", 32));
	CHECK(strstr(s, "\n                 word567") != NULL);
	free(s);
}

TEST(text_wrap_splits_a_word_wider_than_a_line)
{
	char word[300];
	char *s;

	memset(word, 'x', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	s = wrapped("  shared     ", 13, word);
	CHECK(np_test_lines_fit(s));
	CHECK_INT((int)strlen(s), 299 + 13 + 3 * 14 + 1 /* indents, newlines */);
	free(s);
}

TEST(text_cut_marks_the_cut)
{
	char out[64];

	np_text_cut("np\\x1b[31mx\\x0ay", 15, out, sizeof(out));
	CHECK_STR(out, "np\\x1b[31mx\\...");
	np_text_cut("ollama_llama_se", 15, out, sizeof(out));
	CHECK_STR(out, "ollama_llama_se");
	np_text_cut("caf\xc3\xa9-caf\xc3\xa9-caf\xc3\xa9-caf\xc3\xa9", 10, out, sizeof(out));
	CHECK_STR(out, "caf\xc3\xa9-ca...");
	CHECK_INT(np_text_cols("caf\xc3\xa9"), 4);
}

/* A command wraps with " \" at each break: pasted, the lines run as one command. */
TEST(text_wrap_cmd_continues_lines)
{
	char *buf = NULL, cmd[300] = "numactl --cpunodebind=1 --membind=1 llama-server";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (int i = 0; i < 12; i++)
		strcat(cmd, " --model /w/m.gguf");
	np_text_wrap_cmd(f, "    next start:   ", 18, cmd);
	fclose(f);
	CHECK(np_test_lines_fit(buf));
	CHECK(strstr(buf, " \\\n                  ") != NULL);
	CHECK(!strncmp(buf, "    next start:   numactl --cpunodebind=1", 41));
	free(buf);
}
