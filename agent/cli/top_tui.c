// SPDX-License-Identifier: GPL-2.0
/* `numaplace top`'s interactive view (top.h). */
#include "cli/top.h"
#include "lib/log.h"
#include "lib/np_common.h"

int np_top_tui(struct np_top *t)
{
	(void)t;
	np_err("top: the interactive view is not built yet; use -b");
	return NP_EXIT_USAGE;
}
