// SPDX-License-Identifier: GPL-2.0
/* The plan's pause bound (pause_output.h). */
#include "lib/pages.h"
#include "output/pause_output.h"

void np_pause_text(const struct np_pause_plan *pp, char *buf, size_t len)
{
	if (!pp->may_pause) {
		snprintf(buf, len, "  pauses     never stops the process (%s)\n", pp->never);
		return;
	}
	/* the second line's numbers are bounded by what the first leaves room for: seconds */
	snprintf(buf, len,
		 "  pauses     the process for at most %d ms at a time and %.1f s in all\n"
		 "             while %.0f MB of mapped file pages move, if slower than %d MB/s "
		 "while read\n",
		 pp->slice_ms, pp->max_total_ms / 1000.0, np_pages_mb(pp->file_pages),
		 pp->below_mbps);
}

void np_pause_print(const struct np_pause_plan *pp, FILE *out)
{
	char text[256];

	np_pause_text(pp, text, sizeof(text));
	fputs(text, out);
}

struct json_object *np_pause_json(const struct np_pause_plan *pp)
{
	struct json_object *o;

	if (!pp->may_pause)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "slice_ms", json_object_new_int(pp->slice_ms));
	json_object_object_add(o, "max_total_ms", json_object_new_int64(pp->max_total_ms));
	json_object_object_add(o, "file_pages", json_object_new_uint64(pp->file_pages));
	json_object_object_add(o, "below_mbps", json_object_new_int(pp->below_mbps));
	return o;
}
