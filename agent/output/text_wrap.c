// SPDX-License-Identifier: GPL-2.0
/* Lines that fit the terminal (text_wrap.h). */
#include <stdbool.h>
#include <string.h>

#include "output/text_wrap.h"

static int is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

void np_text_glue(char *s)
{
	for (; *s; s++)
		if (*s == ' ')
			*s = NP_TEXT_NBSP[0];
}

int np_text_cols(const char *s)
{
	int cols = 0;

	for (; *s; s++)
		cols += !is_cont((unsigned char)*s);
	return cols;
}

/* The bytes of s's first cols characters. */
static size_t bytes_of(const char *s, int cols)
{
	size_t i = 0;

	for (int c = 0; s[i] && c < cols; c++)
		for (i++; is_cont((unsigned char)s[i]); i++)
			;
	return i;
}

void np_text_cut(const char *in, int cols, char *out, size_t outlen)
{
	size_t n;

	if (np_text_cols(in) <= cols || cols < 4) {
		snprintf(out, outlen, "%.*s", (int)bytes_of(in, cols < 0 ? 0 : cols), in);
		return;
	}
	n = bytes_of(in, cols - 3);
	snprintf(out, outlen, "%.*s...", (int)n, in);
}

/*
 * One word at col after gap spaces (as many as the text had), or at the start of a new line
 * when it would pass the edge; returns the column after it.
 */
static int put_word(FILE *out, const char *word, size_t len, int col, int indent, int gap)
{
	int cols;

	{
		char buf[len + 1];

		memcpy(buf, word, len);
		buf[len] = '\0';
		cols = np_text_cols(buf);
	}
	if (gap && col + gap + cols > NP_TEXT_COLS && col > indent) {
		fprintf(out, "\n%*s", indent, "");
		col = indent;
		gap = 0;
	}
	fprintf(out, "%*s", gap, "");
	col += gap;
	/* a word wider than a line (a long path): split where the line ends */
	while (col + cols > NP_TEXT_COLS && NP_TEXT_COLS > indent + 1) {
		size_t n = bytes_of(word, NP_TEXT_COLS - col);

		for (size_t i = 0; i < n; i++)
			fputc(word[i] == NP_TEXT_NBSP[0] ? ' ' : word[i], out);
		fprintf(out, "\n%*s", indent, "");
		word += n;
		len -= n;
		cols -= NP_TEXT_COLS - col;
		col = indent;
	}
	for (size_t i = 0; i < len; i++)
		fputc(word[i] == NP_TEXT_NBSP[0] ? ' ' : word[i], out);
	return col + cols;
}

void np_text_wrap(FILE *out, const char *first, int indent, const char *text)
{
	int col = np_text_cols(first);

	fputs(first, out);
	while (*text) {
		size_t gap = strspn(text, " "), len = strcspn(text + gap, " ");

		if (len)
			col = put_word(out, text + gap, len, col, indent, (int)gap);
		text += gap + len;
	}
	fputc('\n', out);
}
