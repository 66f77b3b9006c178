// SPDX-License-Identifier: GPL-2.0
/* Parsing --balancing, and where each AutoNUMA knob lives on this kernel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/balancing.h"

static int parse_tune(const char *list, struct np_balancing *b, char *msg, size_t msglen)
{
	char copy[512], *save = NULL;

	if (snprintf(copy, sizeof(copy), "%s", list) >= (int)sizeof(copy) || !copy[0]) {
		snprintf(msg, msglen, "tune: expected KEY=VALUE,... after 'tune:'");
		return -EINVAL;
	}
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *end;
		int knob = -1;
		long value;

		if (!eq) {
			snprintf(msg, msglen, "tune: '%s' is not KEY=VALUE", item);
			return -EINVAL;
		}
		*eq = '\0';
		for (int k = 0; k < NP_KNOB_COUNT; k++)
			if (!strcmp(item, np_knob_names[k]))
				knob = k;
		if (knob < 0) {
			snprintf(msg, msglen,
				 "tune: unknown key '%s' (known: scan_delay_ms, scan_period_min_ms, "
				 "scan_period_max_ms, scan_size_mb, hot_threshold_ms)",
				 item);
			return -EINVAL;
		}
		errno = 0;
		value = strtol(eq + 1, &end, 10);
		if (errno || end == eq + 1 || *end || value < 1 || value > 100000000) {
			snprintf(msg, msglen, "tune: %s=%s: expected a whole number (1 to 100000000)",
				 item, eq + 1);
			return -EINVAL;
		}
		if (b->set[knob]) {
			snprintf(msg, msglen, "tune: %s given twice", item);
			return -EINVAL;
		}
		b->set[knob] = true;
		b->value[knob] = value;
	}
	return 0;
}

int np_balancing_parse(const char *text, struct np_balancing *b, char *msg, size_t msglen)
{
	memset(b, 0, sizeof(*b));
	if (!strcmp(text, "keep"))
		b->choice = NP_BALANCING_KEEP;
	else if (!strcmp(text, "off"))
		b->choice = NP_BALANCING_OFF;
	else if (!strcmp(text, "on"))
		b->choice = NP_BALANCING_ON;
	else if (!strncmp(text, "tune:", 5)) {
		b->choice = NP_BALANCING_TUNE;
		return parse_tune(text + 5, b, msg, msglen);
	} else {
		snprintf(msg, msglen, "'%s': expected keep, off, on or tune:KEY=VALUE,...", text);
		return -EINVAL;
	}
	return 0;
}

int np_knob_path(const struct np_kstate *k, enum np_knob knob, char *path, size_t len)
{
	path[0] = '\0';
	if (!k->knobs_source || !k->knob_present[knob])
		return -ENOENT;
	if (!strcmp(k->knobs_source, "debugfs"))
		snprintf(path, len, "/sys/kernel/debug/sched/numa_balancing/%s", np_knob_names[knob]);
	else
		snprintf(path, len, "/proc/sys/kernel/numa_balancing_%s", np_knob_names[knob]);
	return 0;
}

int np_balancing_check_host(const struct np_balancing *b, const struct np_kstate *k, char *msg,
			    size_t msglen)
{
	char path[256];

	if (b->choice == NP_BALANCING_OFF || b->choice == NP_BALANCING_ON) {
		if (k->numa_balancing >= 0)
			return 0;
		snprintf(msg, msglen, "this kernel has no kernel.numa_balancing");
		return -EINVAL;
	}
	for (int i = 0; i < NP_KNOB_COUNT && b->choice == NP_BALANCING_TUNE; i++)
		if (b->set[i] && np_knob_path(k, i, path, sizeof(path))) {
			snprintf(msg, msglen, "this kernel has no %s knob%s", np_knob_names[i],
				 k->knobs_source ? "" : " (is debugfs mounted?)");
			return -EINVAL;
		}
	return 0;
}
