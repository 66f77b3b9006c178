// SPDX-License-Identifier: GPL-2.0
/* Who a process belongs to, in words (identity_text.h). */
#include <stdio.h>
#include <string.h>

#include "output/identity_text.h"

void np_container_short(const struct np_cgroup_id *id, char *out, size_t len)
{
	snprintf(out, len, "%.12s", id->container_id);
}

/* Append ", " (unless first) and the formatted part; a cut leaves what fits. */
static void part(char *buf, size_t len, const char *what, const char *value, const char *extra)
{
	size_t n = strlen(buf);

	if (n + 1 >= len)
		return;
	snprintf(buf + n, len - n, "%s%s %s%s%s%s", n ? ", " : "", what, value, extra ? " (" : "",
		 extra ? extra : "", extra ? ")" : "");
}

void np_identity_words(const struct np_cgroup_id *id, char *buf, size_t len)
{
	char short_id[16];

	if (!len)
		return;
	buf[0] = '\0';
	if (id->container_id[0]) {
		np_container_short(id, short_id, sizeof(short_id));
		part(buf, len, id->monitor ? "monitor of container" : "container", short_id,
		     np_runtime_name(id->runtime));
	}
	if (id->pod_uid[0])
		part(buf, len, "pod", id->pod_uid, id->qos ? np_qos_name(id->qos) : NULL);
	else if (id->kubepods)
		part(buf, len, "under", "kubepods", NULL);
	if (id->unit[0])
		part(buf, len, "unit", id->unit, NULL);
}
