// SPDX-License-Identifier: GPL-2.0
/* Bounded regular expressions on PCRE2 (see pattern.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <pcre2.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/pattern.h"

/*
 * POSIX semantics where PCRE2's defaults differ: `.` matches a newline and `$` is only the end
 * (regexec without REG_NEWLINE). Bytes, never UTF: a pattern cannot switch it on with (*UTF).
 */
#define COMPILE_OPTIONS                                                                            \
	(PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_UTF | PCRE2_NEVER_UCP |                 \
	 PCRE2_NEVER_BACKSLASH_C)

/* GNU's word boundaries \< and \>: PCRE2 takes them for a literal < and >, silently. */
static bool gnu_word_boundary(const char *text)
{
	for (const char *c = text; *c; c++) {
		if (*c != '\\')
			continue;
		if (c[1] == '<' || c[1] == '>')
			return true;
		if (c[1])
			c++;
	}
	return false;
}

/* The three mistakes people make most, in the words glibc used for them before PCRE2. */
static void compile_reason(int code, size_t offset, char *msg, size_t msglen)
{
	PCRE2_UCHAR why[128];

	switch (code) {
	case PCRE2_ERROR_MISSING_CLOSING_PARENTHESIS:
		snprintf(msg, msglen, "Unmatched ( or \\(");
		return;
	case PCRE2_ERROR_MISSING_SQUARE_BRACKET:
		snprintf(msg, msglen, "Unmatched [, [^, [:, [., or [=");
		return;
	case PCRE2_ERROR_QUANTIFIER_OUT_OF_ORDER:
		snprintf(msg, msglen, "Invalid content of \\{\\}");
		return;
	case PCRE2_ERROR_PATTERN_TOO_LARGE:
		snprintf(msg, msglen, "compiles to more than %d bytes", NP_PATTERN_MAX_COMPILED);
		return;
	}
	if (pcre2_get_error_message(code, why, sizeof(why)) < 0)
		snprintf((char *)why, sizeof(why), "error %d", code);
	snprintf(msg, msglen, "%s at offset %zu", (char *)why, offset);
}

static int compile_checked(struct np_pattern *p, const char *text, pcre2_compile_context *cc,
			   char *msg, size_t msglen)
{
	size_t offset, size = 0;
	int code;

	p->code = pcre2_compile((PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED, COMPILE_OPTIONS, &code,
				&offset, cc);
	if (!p->code) {
		compile_reason(code, offset, msg, msglen);
		return code == PCRE2_ERROR_HEAP_FAILED ? -ENOMEM : -EINVAL;
	}
	/* Debian's PCRE2 stops at 64 KiB by itself (LINK_SIZE 2); others may allow more */
	if (pcre2_pattern_info(p->code, PCRE2_INFO_SIZE, &size) || size > NP_PATTERN_MAX_COMPILED) {
		np_pattern_free(p);
		snprintf(msg, msglen, "compiles to more than %d bytes", NP_PATTERN_MAX_COMPILED);
		return -EINVAL;
	}
	return 0;
}

int np_pattern_compile(struct np_pattern *p, const char *text, char *msg, size_t msglen)
{
	pcre2_compile_context *cc;
	int err;

	p->code = NULL;
	if (strlen(text) > NP_PATTERN_MAX_LEN) {
		snprintf(msg, msglen, "longer than %d characters", NP_PATTERN_MAX_LEN);
		return -EINVAL;
	}
	if (gnu_word_boundary(text)) {
		snprintf(msg, msglen, "\\< and \\> are not supported: use \\b for a word boundary");
		return -EINVAL;
	}
	cc = pcre2_compile_context_create(NULL);
	if (!cc) {
		snprintf(msg, msglen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	pcre2_set_max_pattern_length(cc, NP_PATTERN_MAX_LEN);
	err = compile_checked(p, text, cc, msg, msglen);
	pcre2_compile_context_free(cc);
	return err;
}

int np_pattern_match(const struct np_pattern *p, const char *subject)
{
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	int rc = PCRE2_ERROR_NOMEMORY;

	if (mc && md) {
		pcre2_set_match_limit(mc, NP_PATTERN_MATCH_LIMIT);
		pcre2_set_depth_limit(mc, NP_PATTERN_DEPTH_LIMIT);
		pcre2_set_heap_limit(mc, NP_PATTERN_HEAP_KIB);
		rc = pcre2_match(p->code, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md, mc);
	}
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	if (rc >= 0)
		return 1; /* 0: matched, with more groups than md holds */
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc == PCRE2_ERROR_NOMEMORY)
		return -ENOMEM;
	/* match, depth or heap limit: the budget is spent */
	return -ERANGE;
}

void np_pattern_free(struct np_pattern *p)
{
	pcre2_code_free(p->code);
	p->code = NULL;
}
