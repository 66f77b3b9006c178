// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cpulist.h"
#include "lib/journal.h"
#include "test.h"

static const char *roundtrip(const char *text)
{
	static char buf[256];
	struct np_cpuset set;

	if (np_cpulist_parse(text, &set))
		return "(parse error)";
	np_cpulist_format(&set, buf, sizeof(buf));
	return buf;
}

TEST(cpulist_parse_and_format)
{
	CHECK_STR(roundtrip("0-3,8-11"), "0-3,8-11");
	CHECK_STR(roundtrip("3,1,2,0"), "0-3");
	CHECK_STR(roundtrip("0-95,192-287\n"), "0-95,192-287");
	CHECK_STR(roundtrip("0-7:2"), "0,2,4,6");
	CHECK_STR(roundtrip("5"), "5");
	CHECK_STR(roundtrip(""), "");
	CHECK_STR(roundtrip("4095"), "4095");
}

TEST(cpulist_counts)
{
	struct np_cpuset set;

	CHECK_INT(np_cpulist_parse("0-95,192-287", &set), 0);
	CHECK_INT(np_cpuset_count(&set), 192);
	CHECK(np_cpuset_has(&set, 95));
	CHECK(!np_cpuset_has(&set, 96));
	CHECK(np_cpuset_has(&set, 287));
	CHECK(!np_cpuset_has(&set, 5000));
}

TEST(cpulist_rejects_malformed)
{
	static const char *const bad[] = { "1-", "-1", "a", "3-1", "1,,2", "1 2", "0-3:0", "1;2" };
	struct np_cpuset set;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (np_cpulist_parse(bad[i], &set) != -EINVAL)
			np_test_fail(__FILE__, __LINE__, "\"%s\" was not rejected", bad[i]);
	CHECK_INT(np_cpulist_parse("4096", &set), -ERANGE);
	CHECK_INT(np_cpulist_parse("0-99999999999999999999", &set), -ERANGE);
}

TEST(cpumask_hex)
{
	struct np_cpuset set;
	char buf[64];

	CHECK_INT(np_cpumask_parse_hex("ff,00000000", &set), 0);
	np_cpulist_format(&set, buf, sizeof(buf));
	CHECK_STR(buf, "32-39");
	CHECK_INT(np_cpumask_parse_hex("0x3\n", &set), 0);
	np_cpulist_format(&set, buf, sizeof(buf));
	CHECK_STR(buf, "0-1");
	CHECK_INT(np_cpumask_parse_hex("00000000,0000000f", &set), 0);
	CHECK_INT(np_cpuset_count(&set), 4);
	CHECK_INT(np_cpumask_parse_hex("fg", &set), -EINVAL);
	CHECK_INT(np_cpumask_parse_hex("", &set), -EINVAL);
}

TEST(rangelist_format)
{
	int irqs[] = { 90, 91, 92, 93, 95, 200 };
	char buf[64], tiny[6];

	CHECK_INT(np_rangelist_format(irqs, 6, buf, sizeof(buf)), 12);
	CHECK_STR(buf, "90-93,95,200");
	CHECK_INT(np_rangelist_format(irqs, 0, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "");
	CHECK_INT(np_rangelist_format(irqs, 6, tiny, sizeof(tiny)), -ENOSPC);
}

/* Issue 11: a stride that wraps cpu += stride around read "1-10:<2^64-1>" as {0,1}. */
TEST(cpulist_rejects_overflow)
{
	struct np_cpuset set;

	CHECK_INT(np_cpulist_parse("1-10:18446744073709551615", &set), -ERANGE);
	CHECK_INT(np_cpulist_parse("1-10:18446744073709551614", &set), -ERANGE);
	CHECK_INT(np_cpulist_parse("0-4095:4096", &set), -ERANGE);
	CHECK_INT(np_cpulist_parse("1-10:99999999999999999999999", &set), -ERANGE);
	CHECK_INT(np_cpulist_parse("18446744073709551615", &set), -ERANGE);
	CHECK_INT(np_cpulist_parse("18446744073709551616-1", &set), -ERANGE);
	CHECK_INT(np_cpulist_parse("1-10:3", &set), 0);
	CHECK_STR(roundtrip("1-10:3"), "1,4,7,10");
	CHECK_STR(roundtrip("0-4095:4095"), "0,4095");
}

static int digits(int n)
{
	return n >= 1000 ? 4 : n >= 100 ? 3 : n >= 10 ? 2 : 1;
}

/*
 * The longest list of any set of NP_MAX_CPUS CPUs: longest[i] is the most text the CPUs from
 * i on can make when i - 1 is not in the set, each item counted with the comma before it. An
 * item is a run i..j; a run of 3 or more never makes more text than 2 CPUs and a gap would.
 */
static int longest_list(void)
{
	static int longest[NP_MAX_CPUS + 2];

	for (int i = NP_MAX_CPUS - 1; i >= 0; i--) {
		longest[i] = longest[i + 1];
		for (int j = i; j < NP_MAX_CPUS && j < i + 3; j++) {
			int item = 1 + digits(i) + (j > i ? 1 + digits(j) : 0);
			int rest = j + 2 <= NP_MAX_CPUS ? longest[j + 2] : 0;

			if (item + rest > longest[i])
				longest[i] = item + rest;
		}
	}
	return longest[0] - 1; /* the first item has no comma */
}

static bool roundtrips(const struct np_cpuset *set, size_t len)
{
	char *buf = malloc(len);
	struct np_cpuset back;
	bool ok;

	ok = buf && np_cpulist_format(set, buf, len) >= 0 && !np_cpulist_parse(buf, &back) &&
	     !memcmp(set, &back, sizeof(back));
	free(buf);
	return ok;
}

TEST(cpulist_any_set_fits_and_roundtrips)
{
	struct np_cpuset set;
	unsigned int seed = 11;

	CHECK_INT(longest_list(), 12913);
	CHECK(longest_list() < NP_CPULIST_MAX);
	/* that longest set, and the others of the same shape */
	for (int offset = 0; offset < 3; offset++) {
		memset(&set, 0, sizeof(set));
		for (int cpu = offset; cpu < NP_MAX_CPUS; cpu++)
			if ((cpu - offset) % 3 != 2)
				np_cpuset_set(&set, cpu);
		CHECK(roundtrips(&set, NP_CPULIST_MAX));
	}
	for (int step = 1; step <= 4; step++) {
		memset(&set, 0, sizeof(set));
		for (int cpu = step - 1; cpu < NP_MAX_CPUS; cpu += step)
			np_cpuset_set(&set, cpu);
		CHECK(roundtrips(&set, NP_CPULIST_MAX));
	}
	for (int round = 0; round < 200; round++) {
		int percent = rand_r(&seed) % 101;

		memset(&set, 0, sizeof(set));
		for (int cpu = 0; cpu < NP_MAX_CPUS; cpu++)
			if (rand_r(&seed) % 100 < percent)
				np_cpuset_set(&set, cpu);
		if (!roundtrips(&set, NP_CPULIST_MAX))
			np_test_fail(__FILE__, __LINE__, "random set %d (%d%%) changed", round,
				     percent);
	}
}

/* A set through both values of a journal record, written and loaded back. */
static bool record_roundtrips(const struct np_cpuset *set)
{
	char dir[] = "/tmp/np-cpulist-XXXXXX", path[PATH_MAX], list[NP_CPULIST_MAX];
	struct np_change c = { .kind = NP_CHANGE_THREAD_AFFINITY, .id = 1, .tgid = 1 }, *loaded;
	struct np_cpuset old = { 0 }, new = { 0 };
	int n = 0, bad = 0;
	bool ok;

	if (!mkdtemp(dir))
		return false;
	snprintf(path, sizeof(path), "%s/journal", dir);
	ok = np_cpulist_format(set, list, sizeof(list)) >= 0 && !np_change_values(&c, list, list) &&
	     !np_journal_append(path, &c, 1) && !np_journal_load(path, &loaded, &n, &bad) && n == 1;
	ok = ok && !np_cpulist_parse(loaded[0].old_value, &old) &&
	     !np_cpulist_parse(loaded[0].new_value, &new) && !memcmp(set, &old, sizeof(old)) &&
	     !memcmp(set, &new, sizeof(new));
	if (n > 0)
		np_changes_free(loaded, n);
	np_change_release(&c);
	unlink(path);
	rmdir(dir);
	return ok;
}

/* Issue 11: 512 alternating CPUs did not fit a journal record and were kept cut short. */
TEST(cpulist_journal_record_holds_any_set)
{
	struct np_cpuset set = { 0 };

	for (int cpu = 0; cpu < 1024; cpu += 2)
		np_cpuset_set(&set, cpu);
	CHECK(record_roundtrips(&set));
	/* and the longest list any set makes */
	memset(&set, 0, sizeof(set));
	for (int cpu = 0; cpu < NP_MAX_CPUS; cpu++)
		if (cpu % 3 != 2)
			np_cpuset_set(&set, cpu);
	CHECK(record_roundtrips(&set));
}

/* A buffer too small gets no list at all: a cut one would parse as another set. */
TEST(cpulist_format_never_cuts)
{
	struct np_cpuset set;
	char buf[8];

	CHECK_INT(np_cpulist_parse("0-3,8-11,16", &set), 0);
	memset(buf, 'x', sizeof(buf));
	CHECK_INT(np_cpulist_format(&set, buf, sizeof(buf)), -ENOSPC);
	CHECK_STR(buf, "");
}
