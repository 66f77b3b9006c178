/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The regular expressions of --match and the [match] rules, run against command lines that
 * any local user chooses. glibc's regcomp/regexec have no bound: a nested repeat took 8 GB to
 * compile, and a pattern with back references kept one regexec busy for a minute on a
 * 130-character argv. So patterns go through PCRE2 with limits on the pattern's length, its
 * compiled size, and each match's backtracking steps, depth and heap: a match that runs out
 * of budget is an error (-ERANGE) that callers take as "no match".
 *
 * Syntax: PCRE2's, which is a superset of the POSIX extended syntax in practice (see the
 * README, "Regular expressions"): `.` also matches a newline and `$` only the very end, as in
 * POSIX. GNU's \< and \> are refused (PCRE2 would read them as plain < and >): use \b.
 */
#ifndef NP_PATTERN_H
#define NP_PATTERN_H

#include <stddef.h>

/* Longest pattern text; its compiled form may take at most NP_PATTERN_MAX_COMPILED bytes. */
#define NP_PATTERN_MAX_LEN	1024
#define NP_PATTERN_MAX_COMPILED (64 * 1024)

/* Budget of one match (pcre2_set_match_limit, _depth_limit, _heap_limit in KiB). */
#define NP_PATTERN_MATCH_LIMIT 1000000
#define NP_PATTERN_DEPTH_LIMIT 5000
#define NP_PATTERN_HEAP_KIB    4096

struct pcre2_real_code_8;

struct np_pattern {
	struct pcre2_real_code_8 *code; /* NULL: nothing compiled */
};

/*
 * Compile text (unanchored). Returns 0, or -EINVAL with the reason in msg ("Unmatched ( or \(",
 * "compiles to more than 65536 bytes", ...); p then holds nothing.
 */
int np_pattern_compile(struct np_pattern *p, const char *text, char *msg, size_t msglen);

/* 1: matches, 0: does not, -ERANGE: out of budget, -ENOMEM. */
int np_pattern_match(const struct np_pattern *p, const char *subject);

/* Free what compile made; a zeroed or freed pattern is fine. */
void np_pattern_free(struct np_pattern *p);

#endif
