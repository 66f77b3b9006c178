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

/* Where a wrapped line is: its column, and how it breaks ("" or " \\" for a command). */
struct wrap {
	FILE *out;
	int col, indent;
	const char *cont;
};

static void put_bytes(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fputc(s[i] == NP_TEXT_NBSP[0] ? ' ' : s[i], out);
}

/*
 * One word after gap spaces (as many as the text had), or at the start of a new line when it
 * would pass the edge (less the continuation mark's room).
 */
static void put_word(struct wrap *w, const char *word, size_t len, int gap)
{
	int edge = NP_TEXT_COLS - (int)strlen(w->cont), cols;

	{
		char buf[len + 1];

		memcpy(buf, word, len);
		buf[len] = '\0';
		cols = np_text_cols(buf);
	}
	if (gap && w->col + gap + cols > edge && w->col > w->indent) {
		fprintf(w->out, "%s\n%*s", w->cont, w->indent, "");
		w->col = w->indent;
		gap = 0;
	}
	fprintf(w->out, "%*s", gap, "");
	w->col += gap;
	/* a word wider than a line (a long path): split where the line ends; never a command's */
	while (!w->cont[0] && w->col + cols > NP_TEXT_COLS && NP_TEXT_COLS > w->indent + 1) {
		size_t n = bytes_of(word, NP_TEXT_COLS - w->col);

		put_bytes(w->out, word, n);
		fprintf(w->out, "\n%*s", w->indent, "");
		word += n;
		len -= n;
		cols -= NP_TEXT_COLS - w->col;
		w->col = w->indent;
	}
	put_bytes(w->out, word, len);
	w->col += cols;
}

static void wrap_text(struct wrap *w, const char *first, const char *text)
{
	w->col = np_text_cols(first);
	fputs(first, w->out);
	while (*text) {
		size_t gap = strspn(text, " "), len = strcspn(text + gap, " ");

		if (len)
			put_word(w, text + gap, len, (int)gap);
		text += gap + len;
	}
	fputc('\n', w->out);
}

void np_text_wrap(FILE *out, const char *first, int indent, const char *text)
{
	struct wrap w = { .out = out, .indent = indent, .cont = "" };

	wrap_text(&w, first, text);
}

void np_text_wrap_cmd(FILE *out, const char *first, int indent, const char *cmd)
{
	struct wrap w = { .out = out, .indent = indent, .cont = " \\" };

	wrap_text(&w, first, cmd);
}
