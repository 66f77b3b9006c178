/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text output fits NP_TEXT_COLS columns (issue #15: read in terminals 80-120 wide): a long
 * line wraps at spaces onto lines indented under its first word, a name others chose is cut
 * to its column with "..." at its end. Columns count UTF-8 characters: names reach here
 * escaped (lib/text_escape.h), with no control byte left.
 */
#ifndef NP_TEXT_WRAP_H
#define NP_TEXT_WRAP_H

#include <stddef.h>
#include <stdio.h>

#define NP_TEXT_COLS 100

/* A space np_text_wrap prints but does not break at: "kprobe NO (No such file)" stays whole. */
#define NP_TEXT_NBSP "\x1f"

/* s's spaces made NP_TEXT_NBSP: a phrase np_text_wrap keeps on one line. */
void np_text_glue(char *s);

/* The columns s takes: one per UTF-8 character. */
int np_text_cols(const char *s);

/* in cut to at most cols columns (at a whole character), "..." ending it when it was cut. */
void np_text_cut(const char *in, int cols, char *out, size_t outlen);

/*
 * Print first (at column 0), then text's words, starting a new line of indent spaces before a
 * word that would pass NP_TEXT_COLS; a word longer than a whole line is split. Ends the line.
 */
void np_text_wrap(FILE *out, const char *first, int indent, const char *text);

/*
 * The same for a shell command: each line that continues ends in " \\", so the lines pasted
 * into a shell run as one command; its words are never split.
 */
void np_text_wrap_cmd(FILE *out, const char *first, int indent, const char *cmd);

#endif
