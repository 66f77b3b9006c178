// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 11: values of the command line and of the file are read strictly. Numbers are
 * decimal (no hex, exponent, sign or infinity); lists have no empty item.
 */
#include <errno.h>
#include <math.h>

#include "cli/args.h"
#include "config/config.h"
#include "test.h"

TEST(seconds_are_decimal)
{
	static const char *const refused[] = { "0x10", "0X1", "1e3", "1E3", "inf",   "infinity",
					       "nan",  "+1",  " 1",  "1 ",  "1.2.3", ".",
					       "",     "-1",  "1,5", "0x" };
	double s = -1;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (np_parse_seconds(refused[i], 3600, &s) != -EINVAL)
			np_test_fail(__FILE__, __LINE__, "'%s' was not refused", refused[i]);
	CHECK_INT(np_parse_seconds("16", 3600, &s), 0);
	CHECK(fabs(s - 16) < 1e-9);
	CHECK_INT(np_parse_seconds(".5", 3600, &s), 0);
	CHECK(fabs(s - 0.5) < 1e-9);
	CHECK_INT(np_parse_seconds("2.", 3600, &s), 0);
	CHECK(fabs(s - 2) < 1e-9);
	CHECK_INT(np_parse_seconds("3600.5", 3600, &s), -ERANGE);
	CHECK_INT(np_parse_seconds("0.0", 3600, &s), -ERANGE);
}

TEST(lists_have_no_empty_item)
{
	CHECK(np_config_list_ok("threads"));
	CHECK(np_config_list_ok("threads,memory"));
	CHECK(!np_config_list_ok(""));
	CHECK(!np_config_list_ok(","));
	CHECK(!np_config_list_ok("threads,"));
	CHECK(!np_config_list_ok(",threads"));
	CHECK(!np_config_list_ok("threads,,memory"));
}
