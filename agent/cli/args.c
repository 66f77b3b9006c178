// SPDX-License-Identifier: GPL-2.0
/* Strict parsing of command-line values (see args.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"

int np_parse_ulong(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long value;
	char *end;

	if (!text || !isdigit((unsigned char)*text))
		return -EINVAL;
	errno = 0;
	value = strtoul(text, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno || value < min || value > max)
		return -ERANGE;
	*out = value;
	return 0;
}

int np_parse_seconds(const char *text, double max, double *out)
{
	double value;
	char *end;

	if (!text || !(isdigit((unsigned char)*text) || *text == '.'))
		return -EINVAL;
	errno = 0;
	value = strtod(text, &end);
	if (*end || errno || isnan(value))
		return -EINVAL;
	if (value <= 0 || value > max)
		return -ERANGE;
	*out = value;
	return 0;
}

int np_parse_pid_list(const char *text, pid_t **pids, int *count)
{
	char *copy = strdup(text), *save = NULL, *item;
	pid_t *list = NULL;
	int n = 0, err = 0;

	if (!copy)
		return -ENOMEM;
	if (!*copy || copy[strlen(copy) - 1] == ',' || *copy == ',' || strstr(copy, ",,")) {
		free(copy);
		return -EINVAL;
	}
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		unsigned long pid;
		pid_t *grown;

		err = np_parse_ulong(item, 1, 4194304 /* PID_MAX_LIMIT */, &pid);
		if (err)
			break;
		for (int i = 0; i < n; i++)
			if (list[i] == (pid_t)pid)
				err = -EINVAL;
		if (err)
			break;
		grown = realloc(list, sizeof(*list) * (n + 1));
		if (!grown) {
			err = -ENOMEM;
			break;
		}
		list = grown;
		list[n++] = (pid_t)pid;
	}
	free(copy);
	if (err) {
		free(list);
		return err;
	}
	*pids = list;
	*count = n;
	return 0;
}
