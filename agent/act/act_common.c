// SPDX-License-Identifier: GPL-2.0
/* What every part of the act layer shares: counting failures with the first one's words. */
#include <stdarg.h>
#include <stdio.h>

#include "act/act.h"

void np_act_fail(struct np_act_result *res, const char *fmt, ...)
{
	va_list ap;

	if (res->failed++)
		return;
	va_start(ap, fmt);
	vsnprintf(res->first_error, sizeof(res->first_error), fmt, ap);
	va_end(ap);
}

void np_act_result_print(FILE *out, const char *what, const char *verb,
			 const struct np_act_result *res)
{
	/* the words of place --json's "result" (changed, unchanged, vanished, failed) */
	fprintf(out, "  %-10s %s: changed %d, unchanged %d, vanished %d, failed %d%s%s\n", what,
		verb, res->changed, res->unchanged, res->vanished, res->failed,
		res->failed ? ": " : "", res->first_error);
}
