// SPDX-License-Identifier: GPL-2.0
/* CPU list and mask syntax (see cpulist.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cpulist.h"

int np_cpuset_count(const struct np_cpuset *set)
{
	int count = 0;

	for (size_t i = 0; i < sizeof(set->bits) / sizeof(set->bits[0]); i++)
		count += __builtin_popcountll(set->bits[i]);
	return count;
}

static int parse_uint(const char **p, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	errno = 0;
	*out = strtoul(*p, &end, 10);
	if (errno)
		return -ERANGE;
	*p = end;
	return 0;
}

int np_cpulist_parse(const char *text, struct np_cpuset *set)
{
	const char *p = text;

	memset(set, 0, sizeof(*set));
	while (*p == ' ')
		p++;
	if (*p == '\0' || *p == '\n')
		return 0;
	for (;;) {
		unsigned long first, last, stride = 1;
		int err;

		err = parse_uint(&p, &first);
		if (err)
			return err;
		last = first;
		if (*p == '-') {
			p++;
			err = parse_uint(&p, &last);
			if (err)
				return err;
			if (*p == ':') {
				p++;
				err = parse_uint(&p, &stride);
				if (err)
					return err;
				if (stride == 0)
					return -EINVAL;
			}
		}
		if (last < first)
			return -EINVAL;
		/* a stride past the CPUs would wrap cpu += stride around to 0 */
		if (last >= NP_MAX_CPUS || stride >= NP_MAX_CPUS)
			return -ERANGE;
		for (unsigned long cpu = first; cpu <= last; cpu += stride)
			np_cpuset_set(set, cpu);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\0' || (*p == '\n' && p[1] == '\0'))
			return 0;
		return -EINVAL;
	}
}

int np_cpumask_parse_hex(const char *text, struct np_cpuset *set)
{
	size_t len = strlen(text);
	unsigned int bit = 0;

	memset(set, 0, sizeof(*set));
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	if (len == 0)
		return -EINVAL;
	/* Walk from the least significant (rightmost) digit; commas only group words. */
	for (size_t i = len; i-- > 0;) {
		char c = text[i];
		int nibble;

		if (c == ',')
			continue;
		if (c == 'x' && i == 1 && text[0] == '0')
			break;
		if (!isxdigit((unsigned char)c))
			return -EINVAL;
		nibble = isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
		for (int b = 0; b < 4; b++, bit++) {
			if (!(nibble & (1 << b)))
				continue;
			if (bit >= NP_MAX_CPUS)
				return -ERANGE;
			np_cpuset_set(set, bit);
		}
	}
	return 0;
}

int np_int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int np_int_sort_unique(int *values, int count)
{
	int out = 0;

	qsort(values, count, sizeof(int), np_int_cmp);
	for (int i = 0; i < count; i++)
		if (!out || values[out - 1] != values[i])
			values[out++] = values[i];
	return out;
}

int np_rangelist_format(const int *values, int count, char *buf, size_t len)
{
	size_t used = 0;
	int i = 0;

	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	while (i < count) {
		int first = values[i], last = first, n;

		while (i + 1 < count && values[i + 1] == last + 1)
			last = values[++i];
		i++;
		if (first == last)
			n = snprintf(buf + used, len - used, "%s%d", used ? "," : "", first);
		else
			n = snprintf(buf + used, len - used, "%s%d-%d", used ? "," : "", first, last);
		if (n < 0 || (size_t)n >= len - used)
			return -ENOSPC;
		used += n;
	}
	return (int)used;
}

int np_cpulist_format(const struct np_cpuset *set, char *buf, size_t len)
{
	int cpus[NP_MAX_CPUS];
	int count = 0, n;

	for (unsigned int cpu = 0; cpu < NP_MAX_CPUS; cpu++)
		if (np_cpuset_has(set, cpu))
			cpus[count++] = cpu;
	n = np_rangelist_format(cpus, count, buf, len);
	if (n < 0 && len)
		buf[0] = '\0'; /* a cut list would read as another set */
	return n;
}
