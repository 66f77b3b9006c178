// SPDX-License-Identifier: GPL-2.0
/*
 * CPU lists and hex masks (lib/cpulist.c): what the kernel, numactl, the config and the journal
 * hand over. The first byte picks the test: parse a list, parse a hex mask, or a set made of
 * the input's bits; every set that parses formats back to text that parses to the same set,
 * and no CPU outside the numbers the text names comes out of it.
 */
#include "fuzz.h" /* first: it sets _GNU_SOURCE */

#include "lib/cpulist.h"

static char text[NP_MAX_CPUS * 6];

static bool same(const struct np_cpuset *a, const struct np_cpuset *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* Format with room to spare, parse back: the same set. */
static void round_trip(const struct np_cpuset *set)
{
	struct np_cpuset back;
	int n = np_cpulist_format(set, text, sizeof(text));

	FUZZ_CHECK(n >= 0 && (size_t)n == strlen(text), "format: %d", n);
	FUZZ_CHECK(np_cpulist_parse(text, &back) == 0, "own output does not parse: %s", text);
	FUZZ_CHECK(same(set, &back), "round trip changed the set: %s", text);
}

/* A buffer too small never overflows and is always terminated. */
static void small_buffers(const struct np_cpuset *set, size_t full)
{
	for (size_t len = 1; len <= full + 1 && len < 64; len++) {
		char *buf = malloc(len);
		int n = np_cpulist_format(set, buf, len);

		FUZZ_CHECK(memchr(buf, '\0', len), "unterminated in %zu bytes", len);
		FUZZ_CHECK(len > full ? n == (int)full : n == -ENOSPC, "%zu bytes: %d", len, n);
		free(buf);
	}
}

/* The smallest and largest decimal numbers written in s (ranges, strides: all of them). */
static void number_bounds(const char *s, unsigned long long *lo, unsigned long long *hi)
{
	*lo = ~0ULL;
	*hi = 0;
	for (const char *p = s; *p;) {
		char *end;
		unsigned long long v;

		if (*p < '0' || *p > '9') {
			p++;
			continue;
		}
		errno = 0;
		v = strtoull(p, &end, 10);
		if (errno)
			v = ~0ULL;
		*lo = v < *lo ? v : *lo;
		*hi = v > *hi ? v : *hi;
		p = end;
	}
}

static void list(const char *s)
{
	struct np_cpuset set;
	unsigned long long lo, hi;
	int err = np_cpulist_parse(s, &set);

	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -ERANGE, "parse: %d", err);
	if (err)
		return;
	number_bounds(s, &lo, &hi);
	for (unsigned int cpu = 0; cpu < NP_MAX_CPUS; cpu++)
		FUZZ_CHECK(!np_cpuset_has(&set, cpu) || (cpu >= lo && cpu <= hi),
			   "'%s' gave CPU %u, outside the numbers it names", s, cpu);
	round_trip(&set);
}

static void hex(const char *s)
{
	struct np_cpuset set;
	int err = np_cpumask_parse_hex(s, &set);

	FUZZ_CHECK(err == 0 || err == -EINVAL || err == -ERANGE, "hex parse: %d", err);
	if (!err)
		round_trip(&set);
}

static void bits(const uint8_t *data, size_t size)
{
	struct np_cpuset set = { 0 };
	int full;

	/* each byte sets one CPU (two bytes: 0-4095), so sparse and dense sets both come up */
	for (size_t i = 0; i + 1 < size; i += 2)
		np_cpuset_set(&set, (data[i] | data[i + 1] << 8) % NP_MAX_CPUS);
	round_trip(&set);
	full = (int)strlen(text);
	small_buffers(&set, full);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	s = fuzz_cstr(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		list(s);
		break;
	case 1:
		hex(s);
		break;
	default:
		bits(data + 1, size - 1);
		break;
	}
	free(s);
	return 0;
}
