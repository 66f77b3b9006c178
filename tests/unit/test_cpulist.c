// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include "lib/cpulist.h"
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
