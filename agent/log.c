// SPDX-License-Identifier: GPL-2.0
/* Messages to the operator: one prefix, one place to change it. */
#include <stdarg.h>
#include <stdio.h>

#include "np_common.h"

void np_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("numaplace: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
