/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small unit test harness: TEST() registers a function, CHECK*() record failures with file
 * and line, the runner prints one line per test and closes with "N passed, M failed".
 */
#ifndef NP_TEST_H
#define NP_TEST_H

#include <stdio.h>
#include <stdbool.h>
#include <string.h>

void np_test_register(const char *name, void (*fn)(void));
void np_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Directory of the fixture trees built by tests/fixtures/mkfixtures.sh. */
const char *np_test_fixtures(void);
/* A child that waits in pause() until it is killed (-1 when fork fails). */
int np_test_paused_child(void);
/* Every line of text fits NP_TEXT_COLS columns (output/text_wrap.h). */
bool np_test_lines_fit(const char *text);

#define TEST(name)                                                                         \
	static void name(void);                                                            \
	__attribute__((constructor)) static void register_##name(void)                     \
	{                                                                                  \
		np_test_register(#name, name);                                             \
	}                                                                                  \
	static void name(void)

#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond))                                                               \
			np_test_fail(__FILE__, __LINE__, "%s", #cond);                     \
	} while (0)

#define CHECK_INT(actual, expected)                                                        \
	do {                                                                               \
		long long a_ = (long long)(actual), e_ = (long long)(expected);            \
		if (a_ != e_)                                                              \
			np_test_fail(__FILE__, __LINE__, "%s is %lld, expected %lld", #actual, \
				     a_, e_);                                              \
	} while (0)

#define CHECK_STR(actual, expected)                                                        \
	do {                                                                               \
		const char *a_ = (actual), *e_ = (expected);                               \
		if (!a_ || strcmp(a_, e_))                                                 \
			np_test_fail(__FILE__, __LINE__, "%s is \"%s\", expected \"%s\"",      \
				     #actual, a_ ? a_ : "(null)", e_);                     \
	} while (0)

#endif
